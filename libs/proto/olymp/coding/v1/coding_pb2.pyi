from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORK_STATUS_UNSPECIFIED: _ClassVar[WorkStatus]
    WORK_STATUS_CODED: _ClassVar[WorkStatus]
    WORK_STATUS_SCANNED: _ClassVar[WorkStatus]
    WORK_STATUS_IN_CHECKING: _ClassVar[WorkStatus]
    WORK_STATUS_CHECKED: _ClassVar[WorkStatus]
    WORK_STATUS_DECODED: _ClassVar[WorkStatus]
    WORK_STATUS_ANNULLED: _ClassVar[WorkStatus]
WORK_STATUS_UNSPECIFIED: WorkStatus
WORK_STATUS_CODED: WorkStatus
WORK_STATUS_SCANNED: WorkStatus
WORK_STATUS_IN_CHECKING: WorkStatus
WORK_STATUS_CHECKED: WorkStatus
WORK_STATUS_DECODED: WorkStatus
WORK_STATUS_ANNULLED: WorkStatus

class GetWorkStatusRequest(_message.Message):
    __slots__ = ("work_code",)
    WORK_CODE_FIELD_NUMBER: _ClassVar[int]
    work_code: str
    def __init__(self, work_code: _Optional[str] = ...) -> None: ...

class GetWorkStatusResponse(_message.Message):
    __slots__ = ("work_code", "subject_code", "grade", "status")
    WORK_CODE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    work_code: str
    subject_code: str
    grade: int
    status: WorkStatus
    def __init__(self, work_code: _Optional[str] = ..., subject_code: _Optional[str] = ..., grade: _Optional[int] = ..., status: _Optional[_Union[WorkStatus, str]] = ...) -> None: ...
