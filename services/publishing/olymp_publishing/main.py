"""Composition root of the publishing service."""

from functools import partial

from olymp_core.clock import Clock
from olymp_core.runtime import Runtime
from olymp_core.service import Service
from olymp_publishing import api, background, consumers, sweeper
from olymp_publishing.analytics import api as analytics_api
from olymp_publishing.analytics.clients import ScoringDocuments
from olymp_publishing.handlers import PublishedFiles
from olymp_publishing.handover import api as handover_api
from olymp_publishing.monitoring import api as monitoring_api
from olymp_publishing.monitoring.clients import RegistrationRecords
from olymp_publishing.participants import api as participants_api
from olymp_publishing.settings import PublishingSettings


def build(
    settings: PublishingSettings | None = None, *, clock: Clock | None = None
) -> Service[PublishingSettings]:
    runtime = Runtime(settings or PublishingSettings(), clock)
    settings = runtime.settings
    files = PublishedFiles(
        runtime.objects,
        latest_max_age_s=settings.results_latest_max_age_s,
        refresh_s=settings.results_refresh_s,
        cache_bytes=settings.results_cache_mb << 20,
        public_page_url=settings.public_page_url,
    )
    service = Service(
        name="publishing",
        runtime=runtime,
        description="Рейтинговые таблицы муниципального этапа ВсОШ: предварительные и итоговые.",
        # the analytic report's address before the protocols' «/protocols/{kind}.{extension}»
        routers=[
            api.quota_router,
            analytics_api.router,
            api.jury_router,
            handover_api.router,
            monitoring_api.router,
            participants_api.router,
            api.public_router,
        ],
        events=consumers.EVENTS.bind(files=files),
        errors=api.ERRORS,
        sweep_jobs=sweeper.sweep_jobs(runtime, files),
        contexts=[
            files,
            ScoringDocuments(settings.scoring_url, timeout_s=settings.scoring_timeout_s),
            RegistrationRecords(
                settings.registration_url, timeout_s=settings.registration_timeout_s
            ),
        ],
        lifecycles=[
            background.files_writer(runtime, files),
            background.latest_refresher(runtime, files),
        ],
        # in front of the application: a cached public file is sent before FastAPI, routing, the
        # limits and the metrics middleware (it counts its own answers in the same metrics)
        front=partial(api.CachedPublicResults, files=files),
    )
    return service
