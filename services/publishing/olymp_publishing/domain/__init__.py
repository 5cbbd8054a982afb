"""Pure rules of the publishing service: the rating table, statuses by quota, what the public sees.

No I/O here: the service feeds rows in and stores or serves what comes out.
"""

from olymp_publishing.domain.collation import collation_key
from olymp_publishing.domain.errors import (
    InvalidQuotaPolicy,
    NotPublished,
    RankingRuleError,
    ResultsNotReady,
    UndecidedTie,
    UnknownSubject,
)
from olymp_publishing.domain.model import (
    ChairDecision,
    RankedRow,
    RankingTable,
    ResultRow,
    Status,
    TieAtBoundary,
    points_text,
)
from olymp_publishing.domain.policy import (
    DEFAULT_POLICY,
    ROUNDING_BY_NAME,
    QuotaPolicy,
    policy_from_json,
    policy_to_json,
)
from olymp_publishing.domain.publication import (
    FINAL,
    PRELIMINARY,
    PUBLIC_CSV_HEADER,
    STAGE_LABELS,
    PublicRow,
    canonical_sha256,
    initials,
    protocol_dict,
    public_csv_rows,
    public_name,
    public_rows,
    public_table_dict,
    require_known_subject,
    subject_name,
    task_order,
)
from olymp_publishing.domain.ranking import (
    build_table,
    build_tables,
    standing_rulings,
    table_order,
)

__all__ = [
    "DEFAULT_POLICY",
    "FINAL",
    "PRELIMINARY",
    "PUBLIC_CSV_HEADER",
    "ROUNDING_BY_NAME",
    "STAGE_LABELS",
    "ChairDecision",
    "InvalidQuotaPolicy",
    "NotPublished",
    "PublicRow",
    "QuotaPolicy",
    "RankedRow",
    "RankingRuleError",
    "RankingTable",
    "ResultRow",
    "ResultsNotReady",
    "Status",
    "TieAtBoundary",
    "UndecidedTie",
    "UnknownSubject",
    "build_table",
    "build_tables",
    "canonical_sha256",
    "collation_key",
    "initials",
    "points_text",
    "policy_from_json",
    "policy_to_json",
    "protocol_dict",
    "public_csv_rows",
    "public_name",
    "public_rows",
    "public_table_dict",
    "require_known_subject",
    "standing_rulings",
    "subject_name",
    "table_order",
    "task_order",
]
