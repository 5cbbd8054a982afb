from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetSubjectProgressRequest(_message.Message):
    __slots__ = ("olympiad_id", "subject_code", "grade")
    OLYMPIAD_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    olympiad_id: str
    subject_code: str
    grade: int
    def __init__(self, olympiad_id: _Optional[str] = ..., subject_code: _Optional[str] = ..., grade: _Optional[int] = ...) -> None: ...

class GetSubjectProgressResponse(_message.Message):
    __slots__ = ("works_total", "works_checked", "works_annulled")
    WORKS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    WORKS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    WORKS_ANNULLED_FIELD_NUMBER: _ClassVar[int]
    works_total: int
    works_checked: int
    works_annulled: int
    def __init__(self, works_total: _Optional[int] = ..., works_checked: _Optional[int] = ..., works_annulled: _Optional[int] = ...) -> None: ...
