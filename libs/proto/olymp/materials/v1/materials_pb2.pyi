import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PackageKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PACKAGE_KIND_UNSPECIFIED: _ClassVar[PackageKind]
    PACKAGE_KIND_TASKS: _ClassVar[PackageKind]
    PACKAGE_KIND_CRITERIA: _ClassVar[PackageKind]
    PACKAGE_KIND_EQUIPMENT: _ClassVar[PackageKind]
PACKAGE_KIND_UNSPECIFIED: PackageKind
PACKAGE_KIND_TASKS: PackageKind
PACKAGE_KIND_CRITERIA: PackageKind
PACKAGE_KIND_EQUIPMENT: PackageKind

class SubscribeRequest(_message.Message):
    __slots__ = ("municipality_id", "after_sequence")
    MUNICIPALITY_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    municipality_id: str
    after_sequence: int
    def __init__(self, municipality_id: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class FeedEvent(_message.Message):
    __slots__ = ("sequence", "package_announced", "key_released")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_ANNOUNCED_FIELD_NUMBER: _ClassVar[int]
    KEY_RELEASED_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    package_announced: PackageAnnounced
    key_released: KeyReleased
    def __init__(self, sequence: _Optional[int] = ..., package_announced: _Optional[_Union[PackageAnnounced, _Mapping]] = ..., key_released: _Optional[_Union[KeyReleased, _Mapping]] = ...) -> None: ...

class PackageAnnounced(_message.Message):
    __slots__ = ("package_id", "olympiad_id", "subject_code", "kind", "release_at", "ciphertext_sha256", "manifest_signature", "manifest")
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    OLYMPIAD_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RELEASE_AT_FIELD_NUMBER: _ClassVar[int]
    CIPHERTEXT_SHA256_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_FIELD_NUMBER: _ClassVar[int]
    package_id: str
    olympiad_id: str
    subject_code: str
    kind: PackageKind
    release_at: _timestamp_pb2.Timestamp
    ciphertext_sha256: str
    manifest_signature: bytes
    manifest: bytes
    def __init__(self, package_id: _Optional[str] = ..., olympiad_id: _Optional[str] = ..., subject_code: _Optional[str] = ..., kind: _Optional[_Union[PackageKind, str]] = ..., release_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ciphertext_sha256: _Optional[str] = ..., manifest_signature: _Optional[bytes] = ..., manifest: _Optional[bytes] = ...) -> None: ...

class KeyReleased(_message.Message):
    __slots__ = ("package_id", "key", "password")
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    package_id: str
    key: bytes
    password: str
    def __init__(self, package_id: _Optional[str] = ..., key: _Optional[bytes] = ..., password: _Optional[str] = ...) -> None: ...

class FetchPackageRequest(_message.Message):
    __slots__ = ("municipality_id", "package_id")
    MUNICIPALITY_ID_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    municipality_id: str
    package_id: str
    def __init__(self, municipality_id: _Optional[str] = ..., package_id: _Optional[str] = ...) -> None: ...

class PackageChunk(_message.Message):
    __slots__ = ("data", "total_size")
    DATA_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    total_size: int
    def __init__(self, data: _Optional[bytes] = ..., total_size: _Optional[int] = ...) -> None: ...

class AcknowledgeRequest(_message.Message):
    __slots__ = ("municipality_id", "sequence")
    MUNICIPALITY_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    municipality_id: str
    sequence: int
    def __init__(self, municipality_id: _Optional[str] = ..., sequence: _Optional[int] = ...) -> None: ...

class AcknowledgeResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReportReceiptRequest(_message.Message):
    __slots__ = ("municipality_id", "package_id", "complete", "missing", "problems", "confirmed_by")
    MUNICIPALITY_ID_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_BY_FIELD_NUMBER: _ClassVar[int]
    municipality_id: str
    package_id: str
    complete: bool
    missing: _containers.RepeatedScalarFieldContainer[str]
    problems: str
    confirmed_by: str
    def __init__(self, municipality_id: _Optional[str] = ..., package_id: _Optional[str] = ..., complete: _Optional[bool] = ..., missing: _Optional[_Iterable[str]] = ..., problems: _Optional[str] = ..., confirmed_by: _Optional[str] = ...) -> None: ...

class ReportReceiptResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
