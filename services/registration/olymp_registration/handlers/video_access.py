"""Reading room video: the coverage and deadline report (§21), search by room and time of day,
audited playback through short-lived signed links, retention and its audited clean-up."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from olymp_core.auth import Principal, ScopeKind
from olymp_core.clock import to_local
from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.problems import Forbidden, NotFound, Problem
from olymp_core.storage import LocalDirectoryStore
from olymp_registration import video_store
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.handlers.video import VideoContext, find_venue, scheduled_rounds
from olymp_registration.video import links
from olymp_registration.video.coverage import Finding, RecordingSpan, RoundWindow, coverage_findings

RETENTION_ACTOR = "system:video-retention"


@dataclass(frozen=True)
class RoundReport:
    round_code: str
    day: dt.date
    window: RoundWindow
    rooms: tuple[tuple[str, int], ...]  # room, number of recordings
    findings: tuple[Finding, ...]


async def coverage_report(
    olympiad_id: uuid.UUID, venue_name: str, subject_code: str, uow: UnitOfWork, ctx: VideoContext
) -> tuple[str, list[RoundReport]]:
    stored = await get_olympiad(olympiad_id, uow)
    venue = find_venue(stored.olympiad, venue_name)
    rounds = scheduled_rounds(stored.olympiad, subject_code)
    found = await video_store.find_recordings(
        uow.session, olympiad_id, venue=venue.name, subject_code=subject_code
    )
    rooms = [room.name for room in venue.rooms]
    reports = []
    for slot in rounds:
        window = ctx.window(stored.olympiad, subject_code, slot.round_code)
        of_round = [r for r in found if r.round_code == slot.round_code]
        spans = [
            RecordingSpan(r.room, r.file_name, r.starts_at, r.ends_at, r.uploaded_at)
            for r in of_round
        ]
        findings = coverage_findings(window, rooms, spans, ctx.rules())
        counts = tuple((room, sum(r.room == room for r in of_round)) for room in rooms)
        reports.append(RoundReport(slot.round_code, slot.day, window, counts, tuple(findings)))
    return venue.name, reports


async def search(
    olympiad_id: uuid.UUID,
    uow: UnitOfWork,
    *,
    venue: str | None,
    room: str | None,
    subject_code: str | None,
    at: dt.time | None,
) -> list[video_store.Recording]:
    """Recordings matching the filters; with `at`, those filming at that local time of day."""
    stored = await get_olympiad(olympiad_id, uow)
    venue_name = find_venue(stored.olympiad, venue).name if venue is not None else None
    found = await video_store.find_recordings(
        uow.session, olympiad_id, venue=venue_name, room=room, subject_code=subject_code
    )
    if at is None:
        return found
    tz = stored.olympiad.time_zone
    matching = []
    for recording in found:
        start = to_local(recording.starts_at, tz)
        moment = start.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        # A recording running past midnight covers the early hours of the next day too.
        if moment < start:
            moment += dt.timedelta(days=1)
        if moment <= to_local(recording.ends_at, tz):
            matching.append(recording)
    return matching


@dataclass(frozen=True)
class Playback:
    url: str
    expires_at: dt.datetime


async def playback(
    olympiad_id: uuid.UUID,
    recording_id: uuid.UUID,
    who: Principal,
    uow: UnitOfWork,
    ctx: VideoContext,
    media_path: str,
) -> Playback:
    """A signed link to the recording for who may watch it; granted and refused are audited."""
    recording = await _recording(olympiad_id, recording_id, uow)
    if not who.may_access(ScopeKind.VENUE, recording.venue):
        await uow.audit(
            actor=who.subject,
            action="video.playback_refused",
            object_type="recording",
            object_id=str(recording_id),
            payload={"venue": recording.venue, "roles": sorted(r.value for r in who.roles)},
        )
        await uow.commit()
        raise Forbidden(
            f"Запись площадки «{recording.venue}» доступна наблюдателям этой площадки, "
            "организатору и оргкомитету; ваш доступ распространяется на другие площадки.",
            type_="venue-out-of-scope",
        )
    now = uow.clock.now()
    ttl = dt.timedelta(seconds=ctx.settings.video_link_ttl_s)
    if isinstance(ctx.store, LocalDirectoryStore):
        grant = links.grant_for(recording_id, who.subject, now, ttl)
        signature = links.sign(grant, ctx.settings.video_link_secret)
        url = f"{media_path}?viewer={grant.viewer}&expires={grant.expires}&signature={signature}"
    else:
        url = await ctx.store.presigned_get_url(recording.object_key, ttl)
    await uow.audit(
        actor=who.subject,
        action="video.playback_granted",
        object_type="recording",
        object_id=str(recording_id),
        payload={
            "venue": recording.venue,
            "room": recording.room,
            "roles": sorted(r.value for r in who.roles),
            "expires_at": (now + ttl).isoformat(),
        },
    )
    await uow.commit()
    return Playback(url, now + ttl)


async def media(
    olympiad_id: uuid.UUID,
    grant: links.PlaybackGrant,
    signature: str,
    uow: UnitOfWork,
    ctx: VideoContext,
) -> tuple[video_store.Recording, AsyncIterator[bytes]]:
    """The bytes behind a signed local link; each opening is audited under the link's viewer."""
    if not links.valid(grant, signature, ctx.settings.video_link_secret, uow.clock.now()):
        raise Forbidden(
            "Ссылка на видеозапись недействительна или её срок истёк: получите новую ссылку.",
            type_="playback-link-invalid",
        )
    recording = await _recording(olympiad_id, grant.recording_id, uow)
    await uow.audit(
        actor=grant.viewer,
        action="video.media_served",
        object_type="recording",
        object_id=str(recording.recording_id),
        payload={"venue": recording.venue, "room": recording.room},
    )
    await uow.commit()
    return recording, ctx.store.stream(recording.object_key)


async def _recording(
    olympiad_id: uuid.UUID, recording_id: uuid.UUID, uow: UnitOfWork
) -> video_store.Recording:
    recording = await video_store.get_recording(uow.session, recording_id)
    if recording is None or recording.olympiad_id != olympiad_id:
        raise NotFound(
            f"Видеозапись {recording_id} не найдена: возможно, срок её хранения истёк.",
            type_="recording-not-found",
        )
    return recording


async def set_retention(olympiad_id: uuid.UUID, days: int, actor: str, uow: UnitOfWork) -> int:
    await get_olympiad(olympiad_id, uow)
    if not 1 <= days <= 3650:
        raise Problem(
            "Срок хранения видеозаписей задаётся в днях, от 1 до 3650.",
            status=422,
            type_="invalid-retention",
        )
    moved = await video_store.set_retention(
        uow.session, olympiad_id, days, by=actor, at=uow.clock.now()
    )
    await uow.audit(
        actor=actor,
        action="video.retention_set",
        object_type="olympiad",
        object_id=str(olympiad_id),
        payload={"days": days, "recordings": moved},
    )
    await uow.commit()
    return moved


async def sweep_expired(uows: UnitOfWorkFactory, ctx: VideoContext, *, batch: int = 50) -> int:
    """Delete recordings whose retention ended, auditing every deletion. Objects go first: if the
    transaction then fails, the rows stay and the next run deletes them (and the gone objects)
    again, so the index never points at nothing for long and no deletion goes unaudited."""
    deleted = 0
    async with uows() as uow:
        expired = await video_store.expired_recordings(uow.session, uow.clock.now(), batch)
        for recording in expired:
            await ctx.store.delete(recording.object_key)
            await video_store.delete_recording(uow.session, recording.recording_id)
            await uow.audit(
                actor=RETENTION_ACTOR,
                action="video.expired",
                object_type="recording",
                object_id=str(recording.recording_id),
                payload={
                    "venue": recording.venue,
                    "room": recording.room,
                    "subject_code": recording.subject_code,
                    "sha256": recording.sha256,
                    "object_key": recording.object_key,
                    "expires_at": recording.expires_at.isoformat(),
                },
            )
            deleted += 1
        await uow.commit()
    return deleted
