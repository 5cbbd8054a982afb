"""Reading room video: the coverage and deadline report (§21), search by room and time of day,
and audited playback through short-lived signed links."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from olymp_core.auth import Principal, ScopeKind
from olymp_core.clock import to_local
from olymp_core.db import UnitOfWork
from olymp_core.links import expiry
from olymp_core.storage import LocalDirectoryStore
from olymp_registration.domain import VenueOutOfScope
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.video import store
from olymp_registration.video.domain.coverage import (
    Finding,
    RecordingSpan,
    RoundWindow,
    coverage_findings,
)
from olymp_registration.video.domain.errors import PlaybackLinkInvalid, RecordingNotFound
from olymp_registration.video.domain.placement import find_venue, scheduled_rounds
from olymp_registration.video.handlers.context import VideoContext


@dataclass(frozen=True)
class RoundReport:
    round_code: str
    day: dt.date
    window: RoundWindow
    rooms: tuple[tuple[str, int], ...]  # room, number of recordings
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Playback:
    url: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class GrantPlayback:
    olympiad_id: uuid.UUID
    recording_id: uuid.UUID
    media_path: str  # where the service serves a local store's bytes (`open_media`)


@dataclass(frozen=True)
class OpenMedia:
    """A signed local link: the recording, whom it was issued to, until when, the signature."""

    olympiad_id: uuid.UUID
    recording_id: uuid.UUID
    viewer: str
    expires: int  # Unix seconds
    signature: str


async def coverage_report(
    olympiad_id: uuid.UUID,
    venue_name: str,
    subject_code: str,
    uow: UnitOfWork,
    *,
    video: VideoContext,
) -> tuple[str, list[RoundReport]]:
    stored = await get_olympiad(olympiad_id, uow)
    venue = find_venue(stored.olympiad, venue_name)
    rounds = scheduled_rounds(stored.olympiad, subject_code)
    found = await store.find_recordings(
        uow.session, olympiad_id, venue=venue.name, subject_code=subject_code
    )
    rooms = [room.name for room in venue.rooms]
    reports = []
    for slot in rounds:
        window = video.window(stored.olympiad, subject_code, slot.round_code)
        of_round = [r for r in found if r.round_code == slot.round_code]
        spans = [
            RecordingSpan(r.room, r.file_name, r.starts_at, r.ends_at, r.uploaded_at)
            for r in of_round
        ]
        findings = coverage_findings(window, rooms, spans, video.rules())
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
) -> list[store.Recording]:
    """Recordings matching the filters; with `at`, those filming at that local time of day."""
    stored = await get_olympiad(olympiad_id, uow)
    venue_name = find_venue(stored.olympiad, venue).name if venue is not None else None
    found = await store.find_recordings(
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


async def grant_playback(
    command: GrantPlayback, uow: UnitOfWork, actor: Principal, *, video: VideoContext
) -> Playback:
    """A signed link to the recording for who may watch it; granted and refused are audited.

    A local store's bytes are served by the service behind a link it signs; an S3 store signs
    its own link.
    """
    recording_id = command.recording_id
    recording = await _recording(command.olympiad_id, recording_id, uow)
    if not actor.may_access(ScopeKind.VENUE, recording.venue):
        await uow.audit(
            actor=actor.subject,
            action="video.playback_refused",
            object_type="recording",
            object_id=str(recording_id),
            payload={"venue": recording.venue, "roles": sorted(r.value for r in actor.roles)},
        )
        await uow.commit()
        raise VenueOutOfScope(
            f"Запись площадки «{recording.venue}» доступна наблюдателям этой площадки, "
            "организатору и оргкомитету; ваш доступ распространяется на другие площадки."
        )
    now = uow.clock.now()
    ttl_s = video.settings.video_link_ttl_s
    if isinstance(video.objects, LocalDirectoryStore):
        expires = expiry(now, ttl_s)
        signature = video.links.sign(recording_id, actor.subject, expires)
        url = f"{command.media_path}?viewer={actor.subject}&expires={expires}&signature={signature}"
    else:
        url = await video.objects.presigned_get_url(
            recording.object_key, dt.timedelta(seconds=ttl_s)
        )
    expires_at = now + dt.timedelta(seconds=ttl_s)
    await uow.audit(
        actor=actor.subject,
        action="video.playback_granted",
        object_type="recording",
        object_id=str(recording_id),
        payload={
            "venue": recording.venue,
            "room": recording.room,
            "roles": sorted(r.value for r in actor.roles),
            "expires_at": expires_at.isoformat(),
        },
    )
    await uow.commit()
    return Playback(url, expires_at)


async def open_media(
    command: OpenMedia, uow: UnitOfWork, *, video: VideoContext
) -> tuple[store.Recording, AsyncIterator[bytes]]:
    """The bytes behind a signed local link; each opening is audited under the link's viewer.

    No `actor`: the link holder shows no token, the signature vouches for the viewer it names.
    """
    link = command
    if not video.links.valid(
        link.signature, link.recording_id, link.viewer, expires=link.expires, now=uow.clock.now()
    ):
        raise PlaybackLinkInvalid(
            "Ссылка на видеозапись недействительна или её срок истёк: получите новую ссылку."
        )
    recording = await _recording(link.olympiad_id, link.recording_id, uow)
    await uow.audit(
        actor=link.viewer,
        action="video.media_served",
        object_type="recording",
        object_id=str(recording.recording_id),
        payload={"venue": recording.venue, "room": recording.room},
    )
    await uow.commit()
    return recording, video.objects.stream(recording.object_key)


async def _recording(
    olympiad_id: uuid.UUID, recording_id: uuid.UUID, uow: UnitOfWork
) -> store.Recording:
    recording = await store.get_recording(uow.session, recording_id)
    if recording is None or recording.olympiad_id != olympiad_id:
        raise RecordingNotFound(
            f"Видеозапись {recording_id} не найдена: возможно, срок её хранения истёк."
        )
    return recording
