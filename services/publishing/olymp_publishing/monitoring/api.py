"""HTTP API of the objectivity monitoring (seed 000 §1.3, §2.9, §2.10): for the regional and the
municipal coordinators.

Observers are not among its readers: the objectivity plan has the organiser and the municipal
coordinator run the monitoring and write this report (its §1 and §2), while observers watch the
procedures and send what they saw to the organiser (§18–19) — the report judges the schools,
venues and experts they watched, and is theirs to receive from the organiser, not to draw.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response

from olymp_core.auth import Principal, Role, authorize, bearer_token
from olymp_core.dependencies import Uow, context
from olymp_publishing.analytics.clients import ScoringDocuments
from olymp_publishing.domain import points_text, subject_name
from olymp_publishing.monitoring import handlers, pages
from olymp_publishing.monitoring.clients import RegistrationRecords
from olymp_publishing.monitoring.domain import (
    ANNULMENT_KINDS,
    FINDING_KINDS,
    NO_DATA,
    SHARE_BANDS,
    TOP_SHARE,
    AnnulmentKind,
    GroupFigures,
    MarkerFigures,
    ObjectivityReport,
)
from olymp_publishing.monitoring.schemas import (
    AnnulledRead,
    BandRead,
    GroupRead,
    MarkerRead,
    MarkersRead,
    MissingDataRead,
    ObjectivityRead,
    ObservationRead,
    PlaceObservationRead,
    RoundRead,
    RuleRead,
    TableRead,
    VenueVideoRead,
    VideoRead,
)

router = APIRouter(prefix="/olympiads/{olympiad_id}/monitoring", tags=["objectivity monitoring"])
# A caller scoped to subjects sees the tables of those subjects only.
Monitor = Annotated[Principal, Depends(authorize(Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR))]
Scoring = Annotated[ScoringDocuments, Depends(context(ScoringDocuments))]
Registration = Annotated[RegistrationRecords, Depends(context(RegistrationRecords))]

DESCRIPTION = (
    "For the regional coordinator and the municipal coordinator (a token scoped to subjects sees"
    " those subjects' tables only). Built from the latest published version of every subject and"
    " grade: per school and per venue, the totals as shares of each table's maximum in four bands"
    " beside the municipality's, the share of high results (at least 75 % of the maximum), of"
    " winners and prize-winners, of annulled works by reason (removal §53, identifying marks"
    " §47/52/68, §119); a school or venue is flagged when it has at least 5 ranked works and its"
    " share of high results, or of winners and prize-winners, is at least twice the"
    " municipality's with at least 2 such works. Per expert (jury member, anonymised as «Эксперт"
    " N», stable for the olympiad): discrepancies, tasks sent to a third member, deviation from"
    " the checked score, tasks raised or lowered after an appeal or a correction — from scoring's"
    " checking protocol (App. 10); per venue, registration's room video findings (§21), the rounds"
    " held there with and without an observer on the public schedule, and the observers'"
    " violation reports with the organiser's decisions (§18–19; counts only, for the municipal"
    " coordinator, whom alone registration gives the reports). Venues, video and observation"
    " come from registration, the checking protocols from scoring, each asked with the caller's"
    " own token; what either does not give is named with the reason instead. What no service"
    " holds (late packet hand-overs §48, appeals rejected with the points kept, by expert) is"
    " listed as «нет данных в системе» with where it would come from. 404 when no table of the"
    " olympiad is published. Every copy is audited."
)


@router.get(
    "/objectivity.{extension}",
    summary="The objectivity monitoring report of an olympiad, as a PDF or a printable HTML page",
    description=DESCRIPTION + " The HTML page has its plots as inline SVG drawn on the server and"
    " no script.",
    response_class=Response,
    responses={200: {"content": {media: {} for media in handlers.FORMATS.values()}}},
)
async def get_objectivity_file(
    olympiad_id: uuid.UUID,
    extension: Literal["pdf", "html"],
    who: Monitor,
    uow: Uow,
    scoring: Scoring,
    registration: Registration,
    request: Request,
) -> Response:
    found = await handlers.objectivity_file(
        handlers.MonitoringAsked(olympiad_id, extension),
        uow,
        who,
        scoring=scoring,
        registration=registration,
        bearer=bearer_token(request.headers.get("authorization")),
    )
    disposition = "inline" if extension == "html" else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{found.filename}"'}
    if extension == "html":
        headers["Content-Security-Policy"] = pages.CONTENT_SECURITY_POLICY
    return Response(found.body, media_type=found.media_type, headers=headers)


@router.get(
    "/objectivity",
    summary="The objectivity monitoring report of an olympiad, as JSON",
    description=DESCRIPTION,
)
async def get_objectivity(
    olympiad_id: uuid.UUID,
    who: Monitor,
    uow: Uow,
    scoring: Scoring,
    registration: Registration,
    request: Request,
) -> ObjectivityRead:
    found = await handlers.objectivity(
        handlers.MonitoringAsked(olympiad_id, "json"),
        uow,
        who,
        scoring=scoring,
        registration=registration,
        bearer=bearer_token(request.headers.get("authorization")),
    )
    return _read(found)


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else points_text(value)


def _read(found: handlers.Monitoring) -> ObjectivityRead:
    report = found.report
    rule = report.rule
    return ObjectivityRead(
        olympiad_id=found.olympiad_id,
        olympiad_title=found.heading.olympiad_title,
        generated_at=found.heading.generated_at,
        rule=RuleRead(
            top_share=points_text(TOP_SHARE),
            ratio=points_text(rule.ratio),
            min_works=rule.min_works,
            min_count=rule.min_count,
            text=rule.text,
        ),
        tables=[
            TableRead(
                subject_code=t.subject_code,
                subject_name=subject_name(t.subject_code),
                grade=t.grade,
                version=t.version,
                stage=t.stage,
                published_at=t.published_at,
                max_total=points_text(t.max_total),
                ranked=t.ranked,
                annulled=t.annulled,
            )
            for t in report.tables
        ],
        municipality=_group(report.municipality),
        schools=[_group(group) for group in report.schools],
        venues=None if report.venues is None else [_group(group) for group in report.venues],
        venues_missing=report.venues_missing,
        markers=MarkersRead(
            paired=report.marking.paired,
            third_called=report.marking.third_called,
            missing=list(report.markers_missing),
            experts=[_marker(marker) for marker in report.markers],
        ),
        observation=ObservationRead(
            missing=list(report.observation_missing),
            places=[
                PlaceObservationRead(
                    place=place.place,
                    rounds=place.rounds,
                    observed=place.observed,
                    unobserved=[
                        RoundRead(subject_code=held.subject_code, date=held.day)
                        for held in place.unobserved
                    ],
                    reports=place.reports,
                    confirmed=place.confirmed,
                    not_confirmed=place.not_confirmed,
                    undecided=place.undecided,
                )
                for place in report.observation
            ],
        ),
        video=_video(report),
        not_in_system=[
            MissingDataRead(what=item.what, state=NO_DATA, source=item.source)
            for item in report.not_in_system
        ],
    )


def _group(group: GroupFigures) -> GroupRead:
    annulled = dict(zip(ANNULMENT_KINDS, group.annulled, strict=True))
    return GroupRead(
        name=group.name,
        works=group.works,
        ranked=group.ranked,
        bands=[
            BandRead(band=band, works=works, percent=_percent(share))
            for band, works, share in zip(
                SHARE_BANDS, group.bands, group.band_percents, strict=True
            )
        ],
        mean_percent=_percent(group.mean_percent),
        top=group.top,
        top_percent=_percent(group.top_percent),
        winners=group.winners,
        prize_winners=group.prize_winners,
        awarded_percent=_percent(group.awarded_percent),
        annulled=AnnulledRead(
            total=group.annulled_total,
            percent=_percent(group.annulled_percent),
            removed=annulled[AnnulmentKind.REMOVED],
            removed_percent=_percent(group.removed_percent),
            identifying_marks=annulled[AnnulmentKind.IDENTIFYING_MARKS],
            violation=annulled[AnnulmentKind.VIOLATION],
            other=annulled[AnnulmentKind.OTHER],
        ),
        flagged=bool(group.flags),
        flags=list(group.flags),
    )


def _marker(marker: MarkerFigures) -> MarkerRead:
    return MarkerRead(
        code=marker.code,
        tables=[f"{code}/{grade}" for code, grade in marker.tables],
        marks=marker.marks,
        paired=marker.paired,
        differing=marker.differing,
        differing_percent=_percent(marker.differing_percent),
        third_called=marker.third_called,
        third_percent=_percent(marker.third_percent),
        as_third=marker.as_third,
        deviation=_percent(marker.deviation),
        raised=marker.raised,
        lowered=marker.lowered,
        flagged=bool(marker.flags),
        flags=list(marker.flags),
    )


def _video(report: ObjectivityReport) -> VideoRead:
    return VideoRead(
        available=report.video is not None,
        missing=list(report.video_missing),
        venues=[
            VenueVideoRead(
                venue=venue.venue,
                subjects=venue.subjects,
                rounds=venue.rounds,
                findings={
                    kind.value: count
                    for kind, count in zip(FINDING_KINDS, venue.counts, strict=True)
                },
                messages=list(venue.messages),
            )
            for venue in report.video or ()
        ],
    )
