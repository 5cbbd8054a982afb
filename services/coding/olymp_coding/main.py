"""Composition root of the coding service."""

from concurrent.futures import ThreadPoolExecutor

from olymp_coding import api, consumers, sweeper
from olymp_coding.scans import api as scans_api
from olymp_coding.scans.gauges import MANUAL_QUEUE_GAUGE
from olymp_coding.scans.handlers import RetentionKeeper, ScanDesk
from olymp_coding.settings import CodingSettings
from olymp_core.clock import Clock
from olymp_core.runtime import Runtime
from olymp_core.service import Service


def build(
    settings: CodingSettings | None = None, *, clock: Clock | None = None
) -> Service[CodingSettings]:
    runtime = Runtime(settings or CodingSettings(), clock)
    settings = runtime.settings
    desk = ScanDesk(
        pool=ThreadPoolExecutor(settings.scan_workers, thread_name_prefix="coding-scan"),
        objects=runtime.objects,
        retention=RetentionKeeper(runtime.objects),
        retention_years=settings.scan_retention_years,
        window=settings.scan_window,
        code_prefix=settings.code_prefix,
        links=settings.link_signer(),
        link_ttl_s=settings.page_link_ttl_s,
    )
    return Service(
        name="coding",
        runtime=runtime,
        description="Шифрование работ (п. 60–65): шифры, таблица для жюри, декодирование.",
        routers=[api.router, api.olympiad_router, scans_api.router],
        events=consumers.EVENTS.bind(prefix=settings.code_prefix),
        errors={**api.ERRORS, **scans_api.ERRORS},
        sweep_jobs=[sweeper.lost_check_ins_job(runtime)],
        gauges=[MANUAL_QUEUE_GAUGE],
        contexts=[desk],
    )
