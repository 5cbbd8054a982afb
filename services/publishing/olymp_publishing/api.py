"""HTTP API of the publishing service: quota policy, the chair's rulings, public result tables.

The public tables are files written once per version (`handlers.files`). `CachedPublicResults`
answers the addresses it has cached before any routing; the routes below answer the rest (the
first request for a version, "latest" once its moment in the cache is over, errors) and fill the
cache. Both send the same bytes and headers.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Header, Path, Query, Response, status
from fastapi.responses import HTMLResponse
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Receive, Scope, Send

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow, context
from olymp_core.errors import ErrorMap
from olymp_core.http_metrics import LATENCY, REQUESTS
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import documents, handlers
from olymp_publishing.documents import protocols as protocol_documents
from olymp_publishing.domain import (
    InvalidQuotaPolicy,
    NotPublished,
    QuotaPolicy,
    RankingRuleError,
    ResultsNotReady,
    UndecidedTie,
    UnknownSubject,
    points_text,
    policy_to_json,
)
from olymp_publishing.domain.errors import AppealsNotOver, FinalNotSubmitted
from olymp_publishing.handlers import PublishedFile, PublishedFiles, TableAddress
from olymp_publishing.schemas import (
    BoundaryTiesRead,
    FinalStatusRead,
    QuotaPolicyRead,
    QuotaPolicyWrite,
    ResultIndex,
    ResultTableRead,
    ResultVersionRead,
    TieDecisionCreate,
    TieDecisionRead,
    TieGroupRead,
    TieMemberRead,
)

# §117: the organiser sets the quota; a jury chair may read it but not change it.
# §21: the organising committee of the municipal stage sets the quota — the organiser, the
# municipal coordinator; the regional coordinator and the jury chair read it
QuotaSetter = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR))]
QuotaReader = Annotated[
    Principal,
    Depends(authorize(Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR, Role.JURY_CHAIR)),
]
JuryChair = Annotated[
    Principal,
    Depends(authorize(Role.JURY_CHAIR, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"))),
]
# §121: the organiser (the municipal education committee) approves the final results
Organiser = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR))]
FinalReader = Annotated[
    Principal,
    Depends(
        authorize(
            Role.JURY_CHAIR,
            Role.MUNICIPAL_COORDINATOR,
            scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"),
        )
    ),
]
Public = [Depends(authorize(Role.PUBLIC))]
Files = Annotated[PublishedFiles, Depends(context(PublishedFiles))]
Grade = Annotated[int, Path(ge=1, le=11, description="The grade (параллель) of the table")]
# versions are numbered from 1 in a 32-bit column: a larger number names nothing
VersionQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="A version number")]
Stage = Literal["preliminary", "final"]

quota_router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["quota policy"])
jury_router = APIRouter(
    prefix="/olympiads/{olympiad_id}/subjects/{subject_code}/grades/{grade}",
    tags=["jury chair"],
)
public_router = APIRouter(prefix="/results", tags=["public results"])


ERRORS: ErrorMap = {
    RankingRuleError: 409,
    UndecidedTie: 409,
    FinalNotSubmitted: 409,
    AppealsNotOver: 409,
    ResultsNotReady: 409,
    UnknownSubject: 404,
    NotPublished: 404,
    InvalidQuotaPolicy: 422,
}


def _policy_read(olympiad_id: uuid.UUID, policy: QuotaPolicy) -> QuotaPolicyRead:
    return QuotaPolicyRead(olympiad_id=olympiad_id, **policy_to_json(policy))


@quota_router.put("/quota-policy", summary="Set the quota of winners and prize-winners")
async def put_quota_policy(
    olympiad_id: uuid.UUID, body: QuotaPolicyWrite, who: QuotaSetter, uow: Uow
) -> QuotaPolicyRead:
    command = handlers.SetQuotaPolicy(
        olympiad_id,
        prize_quota_share=body.prize_quota_share,
        winner_min_share=body.winner_min_share,
        prize_min_share=body.prize_min_share,
        max_winners=body.max_winners,
        shares_strict=body.shares_strict,
        quota_rounding=body.quota_rounding,
    )
    policy = await handlers.set_quota_policy(command, uow, who)
    return _policy_read(olympiad_id, policy)


@quota_router.get("/quota-policy", summary="The quota in force (the default until one is set)")
async def get_quota_policy(olympiad_id: uuid.UUID, who: QuotaReader, uow: Uow) -> QuotaPolicyRead:
    policy = await handlers.quota_policy(olympiad_id, uow)
    return _policy_read(olympiad_id, policy)


@jury_router.post("/tie-decisions", summary="Rule on a tie group at the quota boundary (§117)")
async def post_tie_decision(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    body: TieDecisionCreate,
    who: JuryChair,
    uow: Uow,
) -> TieDecisionRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    await handlers.decide_tie(handlers.DecideTie(key, body.total, body.status), uow, who)
    return TieDecisionRead(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        grade=grade,
        total=points_text(body.total),
        status=body.status,
    )


@jury_router.get(
    "/ties",
    summary="The tie groups at the quota boundary, for the chair's ruling (§117)",
    description="The current table (after appeals): each group of equal totals that does not fit"
    " whole under a status by the quota, with its participants (work code and full name, as in the"
    " jury protocol), what the chair may rule and the ruling in force. Before decoding there is no"
    " table: `ready` is false and `not_ready_reason` says why.",
)
async def get_ties(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: JuryChair, uow: Uow
) -> BoundaryTiesRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    found = await handlers.boundary_ties(key, uow)
    table = found.table
    return BoundaryTiesRead(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        grade=grade,
        ready=table is not None,
        not_ready_reason=found.not_ready,
        quota_places=None if table is None else table.quota_places,
        ranked=None if table is None else len(table.rows),
        max_total=None if table is None else points_text(table.max_total),
        undecided=0 if table is None else len(table.unresolved_ties),
        ties=[_tie_group_read(group) for group in found.groups],
    )


def _tie_group_read(group: handlers.TieGroup) -> TieGroupRead:
    tie = group.tie
    return TieGroupRead(
        total=points_text(tie.total),
        participants=len(tie.participant_ids),
        place=group.rows[0].place if group.rows else "",
        places_left=tie.places_left,
        statuses=list(tie.choices),
        default=tie.default,
        decision=tie.chair_decision,
        decided_by=group.decided_by,
        decided_at=group.decided_at,
        members=[
            TieMemberRead(
                position=ranked.position,
                place=ranked.place,
                work_code=ranked.row.work_code,
                participant=" ".join(
                    part
                    for part in (ranked.row.surname, ranked.row.name, ranked.row.patronymic)
                    if part
                ),
                school=ranked.row.school,
            )
            for ranked in group.rows
        ],
    )


@jury_router.post(
    "/final/submission",
    status_code=status.HTTP_201_CREATED,
    summary="The jury chair submits the final table for the organiser's approval (§117, §121)",
)
async def post_final_submission(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: JuryChair, uow: Uow
) -> FinalStatusRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    found = await handlers.submit_final(handlers.SubmitFinal(key), uow, who)
    return _final_status(key, found)


@jury_router.post(
    "/final",
    status_code=status.HTTP_201_CREATED,
    summary="The organiser approves the final results: a new final version (§121)",
    description="Refused (409) until the jury chair has submitted the table, while the subject's"
    " appeal window is open or an appeal of the grade awaits its decision, and while a tie at the"
    " quota boundary has no ruling. A repeated approval of an unchanged table answers the same"
    " version.",
)
async def post_final(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: Organiser, uow: Uow, files: Files
) -> ResultVersionRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    stored = await handlers.approve_final(handlers.ApproveFinal(key), uow, who, files=files)
    return ResultVersionRead(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        grade=grade,
        links=documents.links(key),
        **documents.summary(stored).model_dump(),
    )


@jury_router.get(
    "/final/status",
    summary="Submission, appeals and the 21-day term of the final results (§121)",
)
async def get_final_status(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: FinalReader, uow: Uow
) -> FinalStatusRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    return _final_status(key, await handlers.final_status(key, uow))


def _final_status(key: SubjectGrade, found: handlers.FinalStatus) -> FinalStatusRead:
    term = found.term
    return FinalStatusRead(
        olympiad_id=key.olympiad_id,
        subject_code=key.subject_code,
        grade=key.grade,
        submitted=found.submitted_by is not None,
        submitted_by=found.submitted_by,
        submitted_at=found.submitted_at,
        appeal_deadline=None if found.appeals is None else found.appeals.deadline,
        undecided_appeals=0 if found.appeals is None else found.appeals.undecided,
        blockers=[*found.submission_blockers, *found.blockers],
        submission_blockers=list(found.submission_blockers),
        can_approve=found.submitted_by is not None
        and not found.blockers
        and not found.submission_blockers,
        last_round_day=None if term is None else term.last_round_day,
        approval_due=None if term is None else term.due,
        approval_day=None if term is None else term.day,
        approval_warning=term is not None and term.warning,
        approval_overdue=term is not None and term.overdue,
        approval_term=None if term is None else term.text(),
    )


@jury_router.get(
    "/protocols/{kind}.{extension}",
    summary="A protocol of a published version: results (App. 11) or jury (App. 12), PDF or XLSX",
    description="Full names, for the people who sign: the jury chair of the subject and the"
    " organiser. `version`: a published version (default the latest). Every copy is audited.",
    response_class=Response,
    responses={
        200: {"content": {media: {} for media in protocol_documents.FORMATS.values()}},
    },
)
async def get_protocol(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    kind: Literal["results", "jury"],
    extension: Literal["pdf", "xlsx"],
    who: FinalReader,
    uow: Uow,
    version: VersionQuery = None,
) -> Response:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    asked = handlers.ProtocolAsked(key, kind, extension, version)
    found = await handlers.protocol_file(asked, uow, who)
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


StageQuery = Annotated[Stage | None, Query(description="preliminary or final")]
IfNoneMatch = Annotated[
    str | None,
    Header(description="The ETag of a copy the client holds: 304 if it is still current"),
]
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the copy whose ETag was sent in If-None-Match is current"}
}
DOWNLOAD = "Sent with Content-Disposition: attachment; the file name names the version."


async def _table(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    stage: StageQuery = None,
    version: VersionQuery = None,
) -> TableAddress:
    """The table version a public address names (latest, or `?stage=`/`?version=`)."""
    return TableAddress(SubjectGrade(olympiad_id, subject_code, grade), "json", stage, version)


Table = Annotated[TableAddress, Depends(_table)]


@public_router.get(
    "/{olympiad_id}",
    dependencies=Public,
    summary="Published tables",
    response_model=ResultIndex,
    responses=NOT_MODIFIED,
)
async def get_index(
    olympiad_id: uuid.UUID, uow: Uow, files: Files, if_none_match: IfNoneMatch = None
) -> Response:
    found = await handlers.published_index(olympiad_id, "json", uow, files)
    return _file_response(found, immutable=False, if_none_match=if_none_match)


@public_router.get(
    "/{olympiad_id}/index.html",
    dependencies=Public,
    summary="Published tables, as a page",
    response_class=HTMLResponse,
    responses=NOT_MODIFIED,
)
async def get_index_page(
    olympiad_id: uuid.UUID, uow: Uow, files: Files, if_none_match: IfNoneMatch = None
) -> Response:
    found = await handlers.published_index(olympiad_id, "html", uow, files)
    return _file_response(found, immutable=False, if_none_match=if_none_match)


# The suffixed routes come first: «{grade}» alone would also match «9.csv».
@public_router.get(
    "/{olympiad_id}/{subject_code}/{grade}.csv",
    dependencies=Public,
    description=DOWNLOAD,
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **NOT_MODIFIED},
)
async def get_csv(
    table: Table, uow: Uow, files: Files, if_none_match: IfNoneMatch = None
) -> Response:
    return await _table_file(dataclasses.replace(table, extension="csv"), uow, files, if_none_match)


@public_router.get(
    "/{olympiad_id}/{subject_code}/{grade}.xlsx",
    dependencies=Public,
    description=DOWNLOAD,
    response_class=Response,
    responses={200: {"content": {documents.TABLE_FORMATS["xlsx"]: {}}}, **NOT_MODIFIED},
)
async def get_xlsx(
    table: Table, uow: Uow, files: Files, if_none_match: IfNoneMatch = None
) -> Response:
    return await _table_file(
        dataclasses.replace(table, extension="xlsx"), uow, files, if_none_match
    )


@public_router.get(
    "/{olympiad_id}/{subject_code}/{grade}.html",
    dependencies=Public,
    response_class=HTMLResponse,
    responses=NOT_MODIFIED,
)
async def get_html(
    table: Table, uow: Uow, files: Files, if_none_match: IfNoneMatch = None
) -> Response:
    return await _table_file(
        dataclasses.replace(table, extension="html"), uow, files, if_none_match
    )


@public_router.get(
    "/{olympiad_id}/{subject_code}/{grade}",
    dependencies=Public,
    response_model=ResultTableRead,
    responses=NOT_MODIFIED,
)
async def get_table(
    table: Table, uow: Uow, files: Files, if_none_match: IfNoneMatch = None
) -> Response:
    return await _table_file(table, uow, files, if_none_match)


async def _table_file(
    table: TableAddress, uow: Uow, files: PublishedFiles, if_none_match: str | None
) -> Response:
    served = await handlers.published_file(table, uow, files)
    return _file_response(served.file, immutable=served.immutable, if_none_match=if_none_match)


def _file_response(file: PublishedFile, *, immutable: bool, if_none_match: str | None) -> Response:
    headers = file.headers(immutable=immutable)
    if if_none_match is not None and etag_matches(if_none_match, file.etag):
        response = Response(status_code=304)
        response.raw_headers = _not_modified(headers)
        return response
    response = Response(file.body)
    response.raw_headers = list(headers)
    return response


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: `*`, or any listed tag equal to ours by weak comparison."""
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def _not_modified(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in headers if name in (b"etag", b"cache-control")]


_TABLE = "/results/{olympiad_id}/{subject_code}/{grade}"
_TEMPLATES = {
    "json": _TABLE,
    "html": _TABLE + ".html",
    "csv": _TABLE + ".csv",
    "xlsx": _TABLE + ".xlsx",
    "index.json": "/results/{olympiad_id}",
    "index.html": "/results/{olympiad_id}/index.html",
}
_STAGES = frozenset(("preliminary", "final"))


class CachedPublicResults:
    """ASGI middleware: a GET of a public result address whose file is cached is answered here,
    before routing, dependencies and a database session; everything else goes on to the app.

    It answers only what the routes would answer the same way (a canonical address, a cached
    file, a "latest" still within its moment), so a hit and a miss differ only in speed. It counts
    its answers in the same metrics as the routes.
    """

    def __init__(self, app: ASGIApp, files: PublishedFiles) -> None:
        self.app = app
        self.files = files
        self._metrics: dict[tuple[str, int], tuple[Counter, Histogram]] = {}
        # what each address asked for, read once: results day asks for a few addresses many times
        self._addresses: dict[tuple[str, bytes], _Index | _Table | None] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith("/results/")
        ):
            started = time.perf_counter()
            hit = self._lookup(scope["path"][9:], scope["query_string"])
            if hit is not None:
                file, immutable, template = hit
                headers = file.headers(immutable=immutable)
                if_none_match = _if_none_match(scope)
                if if_none_match is not None and etag_matches(if_none_match, file.etag):
                    code, body, headers = 304, b"", _not_modified(headers)
                else:
                    code, body = 200, file.body
                await send({"type": "http.response.start", "status": code, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                counter, latency = self._metric(template, code)
                counter.inc()
                latency.observe(time.perf_counter() - started)
                return
        await self.app(scope, receive, send)

    def _lookup(self, path: str, query: bytes) -> tuple[PublishedFile, bool, str] | None:
        address = self._addresses.get((path, query), _UNSEEN)
        if address is _UNSEEN:
            if len(self._addresses) >= _ADDRESSES_KEPT:  # any client may send any path
                self._addresses.clear()
            address = self._addresses[(path, query)] = _address(path, query)
        if address is None:
            return None
        if isinstance(address, _Index):
            index = self.files.cached_index(address.olympiad_id, address.kind)
            return None if index is None else (index, False, address.template)
        found = self.files.cached_table(
            address.key, address.extension, address.stage, address.version
        )
        return None if found is None else (*found, address.template)

    def _metric(self, template: str, code: int) -> tuple[Counter, Histogram]:
        found = self._metrics.get((template, code))
        if found is None:
            found = (REQUESTS.labels("GET", template, str(code)), LATENCY.labels("GET", template))
            self._metrics[(template, code)] = found
        return found


@dataclass(frozen=True, slots=True)
class _Index:
    olympiad_id: uuid.UUID
    kind: str  # "json" | "html"
    template: str


@dataclass(frozen=True, slots=True)
class _Table:
    key: SubjectGrade
    extension: str
    stage: str | None
    version: int | None
    template: str


_UNSEEN: Any = object()
_ADDRESSES_KEPT = 4096


def _address(path: str, query: bytes) -> _Index | _Table | None:
    """What a public address (after `/results/`) asks for, read as the routes read it; None for
    anything the routes would answer differently (another spelling of an id, a refusal)."""
    parts = path.split("/")
    try:
        olympiad_id = uuid.UUID(parts[0])
    except ValueError:
        return None
    if str(olympiad_id) != parts[0]:  # another spelling of the id: the route answers it
        return None
    if len(parts) < 3:
        name = "index.json" if len(parts) == 1 else parts[1]
        if name not in ("index.json", "index.html"):
            return None
        return _Index(olympiad_id, name.removeprefix("index."), _TEMPLATES[name])
    if len(parts) != 3:
        return None
    grade, dot, extension = parts[2].partition(".")
    if not dot:
        extension = "json"
    elif extension not in ("html", "csv", "xlsx"):
        return None
    if not (grade.isascii() and grade.isdigit()) or str(int(grade)) != grade:
        return None
    asked = _stage_and_version(query)
    if asked is None:
        return None
    key = SubjectGrade(olympiad_id, parts[1], int(grade))
    return _Table(key, extension, *asked, _TEMPLATES[extension])


def _stage_and_version(query: bytes) -> tuple[str | None, int | None] | None:
    """`?stage=` and `?version=` as the route reads them; None for anything it would refuse or
    read differently (the route then answers, 422 included). Other parameters are ignored, as
    the route ignores them."""
    if not query:
        return None, None
    stage: str | None = None
    version: int | None = None
    seen: set[str] = set()
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name not in ("stage", "version"):
            continue
        if name in seen:
            return None
        seen.add(name)
        if name == "stage":
            if value not in _STAGES:
                return None
            stage = value
        elif value.isascii() and value.isdigit() and value == str(int(value)) and int(value) >= 1:
            version = int(value)
        else:
            return None
    return stage, version


def _if_none_match(scope: Scope) -> str | None:
    found = [value for name, value in scope["headers"] if name == b"if-none-match"]
    return b",".join(found).decode("latin-1") if found else None
