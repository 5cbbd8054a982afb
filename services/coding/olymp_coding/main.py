"""Composition root of the coding service."""

from concurrent.futures import ThreadPoolExecutor

from olymp_coding import api, consumers, scan_api, sweeper
from olymp_coding.retention import RetentionKeeper
from olymp_coding.scans import ScanDesk
from olymp_coding.settings import CodingSettings
from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service


def build(settings: CodingSettings | None = None, *, clock: Clock | None = None) -> Service:
    settings = settings or CodingSettings()
    runtime = Runtime(settings, clock)
    assert settings.page_link_secret is not None  # filled in by the settings outside prod
    desk = ScanDesk(
        pool=ThreadPoolExecutor(settings.scan_workers, thread_name_prefix="coding-scan"),
        store=runtime.store,
        retention=RetentionKeeper(runtime.store),
        retention_years=settings.scan_retention_years,
        window=settings.scan_window,
        code_prefix=settings.code_prefix,
        link_secret=settings.page_link_secret.get_secret_value().encode(),
        link_ttl_s=settings.page_link_ttl_s,
    )
    return Service(
        name="coding",
        runtime=runtime,
        routers=[api.router, scan_api.router],
        subscriptions=consumers.subscriptions(runtime),
        sweep_jobs=[sweeper.lost_check_ins_job(runtime, settings)],
        produces=["coding"],
        state={"scan_desk": desk},
        description="Шифрование работ (п. 60–65): шифры, таблица для жюри, декодирование.",
    )
