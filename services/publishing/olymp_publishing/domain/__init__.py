"""Pure rules of the publishing service: the rating table, statuses by quota, what the public sees.

No I/O here: the service feeds rows in and stores or serves what comes out.
"""

from olymp_publishing.domain.collation import collation_key
from olymp_publishing.domain.model import (
    ChairDecision,
    RankedRow,
    RankingTable,
    ResultRow,
    Status,
    TieAtBoundary,
    points_text,
)
from olymp_publishing.domain.policy import QuotaPolicy, RankingRuleError
from olymp_publishing.domain.publication import (
    PUBLIC_CSV_HEADER,
    PublicRow,
    initials,
    protocol_dict,
    public_csv_rows,
    public_name,
    public_rows,
    public_table_dict,
)
from olymp_publishing.domain.ranking import build_table, build_tables, table_order

__all__ = [
    "PUBLIC_CSV_HEADER",
    "ChairDecision",
    "PublicRow",
    "QuotaPolicy",
    "RankedRow",
    "RankingRuleError",
    "RankingTable",
    "ResultRow",
    "Status",
    "TieAtBoundary",
    "build_table",
    "build_tables",
    "collation_key",
    "initials",
    "points_text",
    "protocol_dict",
    "public_csv_rows",
    "public_name",
    "public_rows",
    "public_table_dict",
    "table_order",
]
