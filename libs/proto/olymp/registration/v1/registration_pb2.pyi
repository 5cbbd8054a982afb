from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetOlympiadRequest(_message.Message):
    __slots__ = ("olympiad_id",)
    OLYMPIAD_ID_FIELD_NUMBER: _ClassVar[int]
    olympiad_id: str
    def __init__(self, olympiad_id: _Optional[str] = ...) -> None: ...

class GetOlympiadResponse(_message.Message):
    __slots__ = ("olympiad_id", "title", "time_zone", "subjects")
    OLYMPIAD_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    olympiad_id: str
    title: str
    time_zone: str
    subjects: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, olympiad_id: _Optional[str] = ..., title: _Optional[str] = ..., time_zone: _Optional[str] = ..., subjects: _Optional[_Iterable[str]] = ...) -> None: ...

class ListPresentParticipantsRequest(_message.Message):
    __slots__ = ("olympiad_id", "subject_code")
    OLYMPIAD_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    olympiad_id: str
    subject_code: str
    def __init__(self, olympiad_id: _Optional[str] = ..., subject_code: _Optional[str] = ...) -> None: ...

class ListPresentParticipantsResponse(_message.Message):
    __slots__ = ("participants",)
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    participants: _containers.RepeatedCompositeFieldContainer[PresentParticipant]
    def __init__(self, participants: _Optional[_Iterable[_Union[PresentParticipant, _Mapping]]] = ...) -> None: ...

class PresentParticipant(_message.Message):
    __slots__ = ("participant_id", "grade", "task_grade")
    PARTICIPANT_ID_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    TASK_GRADE_FIELD_NUMBER: _ClassVar[int]
    participant_id: str
    grade: int
    task_grade: int
    def __init__(self, participant_id: _Optional[str] = ..., grade: _Optional[int] = ..., task_grade: _Optional[int] = ...) -> None: ...
