"""The hash-chained, append-only audit trail every service keeps in its own database.

    await audit.record(session, actor=..., action="score.recorded", object_type="work",
                       object_id=work_code, payload={...}, at=clock.now())
    result = await audit.verify(session)   # ok, or the first entry that was changed or removed

Migrations call `create_audit_tables(op)`. The pure chain logic lives in `olymp_core.audit.chain`;
`olymp_core.audit.api` is the read-only HTTP view every service serves (`GET /audit`, `/audit/verify`).
"""

from olymp_core.audit.chain import (
    GENESIS_HASH,
    AuditEntry,
    AuditHead,
    BreakReason,
    ChainChecker,
    VerifyResult,
    canonical_json,
    entry_hash,
    json_payload,
    verify_chain,
)
from olymp_core.audit.trail import (
    AuditQuery,
    MigrationOps,
    NewEntry,
    audit_head,
    audit_log,
    audit_metadata,
    create_audit_tables,
    drop_audit_tables,
    read_entries,
    read_head,
    record,
    record_many,
    verify,
)

__all__ = [
    "GENESIS_HASH",
    "AuditEntry",
    "AuditHead",
    "AuditQuery",
    "BreakReason",
    "ChainChecker",
    "MigrationOps",
    "NewEntry",
    "VerifyResult",
    "audit_head",
    "audit_log",
    "audit_metadata",
    "canonical_json",
    "create_audit_tables",
    "drop_audit_tables",
    "entry_hash",
    "json_payload",
    "read_entries",
    "read_head",
    "record",
    "record_many",
    "verify",
    "verify_chain",
]
