"""What room video needs beyond a unit of work: built once in `main.build()`, reached by routes as
`Depends(context(VideoContext))` and given to the retention loop."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from olymp_core.links import LinkSigner
from olymp_core.storage import ObjectStore
from olymp_core.storage.multipart import ResumableUploads, resumable_uploads
from olymp_registration.domain import Olympiad
from olymp_registration.settings import RegistrationSettings
from olymp_registration.video.domain.coverage import CoverageRules, RoundWindow


@dataclass(frozen=True)
class VideoContext:
    objects: ObjectStore
    settings: RegistrationSettings
    uploads: ResumableUploads
    links: LinkSigner  # signs playback links of the local store

    @classmethod
    def of(cls, objects: ObjectStore, settings: RegistrationSettings) -> VideoContext:
        return cls(objects, settings, resumable_uploads(objects), settings.link_signer())

    def rules(self) -> CoverageRules:
        return CoverageRules(
            max_gap=dt.timedelta(seconds=self.settings.video_max_gap_s),
            clock_tolerance=dt.timedelta(seconds=self.settings.video_clock_tolerance_s),
        )

    def window(self, olympiad: Olympiad, subject_code: str, round_code: str) -> RoundWindow:
        starts_at, ends_at = olympiad.round_instants(subject_code, round_code)
        packing = dt.timedelta(minutes=self.settings.video_packing_minutes)
        return RoundWindow(starts_at, ends_at, ends_at + packing, olympiad.time_zone)
