from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TableStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TABLE_STAGE_UNSPECIFIED: _ClassVar[TableStage]
    TABLE_STAGE_PRELIMINARY: _ClassVar[TableStage]
    TABLE_STAGE_FINAL: _ClassVar[TableStage]
TABLE_STAGE_UNSPECIFIED: TableStage
TABLE_STAGE_PRELIMINARY: TableStage
TABLE_STAGE_FINAL: TableStage

class GetPublishedTableRequest(_message.Message):
    __slots__ = ("olympiad_id", "subject_code", "grade", "stage")
    OLYMPIAD_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    olympiad_id: str
    subject_code: str
    grade: int
    stage: TableStage
    def __init__(self, olympiad_id: _Optional[str] = ..., subject_code: _Optional[str] = ..., grade: _Optional[int] = ..., stage: _Optional[_Union[TableStage, str]] = ...) -> None: ...

class GetPublishedTableResponse(_message.Message):
    __slots__ = ("version", "rows")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    version: int
    rows: _containers.RepeatedCompositeFieldContainer[PublishedRow]
    def __init__(self, version: _Optional[int] = ..., rows: _Optional[_Iterable[_Union[PublishedRow, _Mapping]]] = ...) -> None: ...

class PublishedRow(_message.Message):
    __slots__ = ("rank", "code_or_name", "score", "status")
    RANK_FIELD_NUMBER: _ClassVar[int]
    CODE_OR_NAME_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    rank: int
    code_or_name: str
    score: str
    status: str
    def __init__(self, rank: _Optional[int] = ..., code_or_name: _Optional[str] = ..., score: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...
