"""Beside the server: the files writer and the refresher of "latest".

The writer puts a version's static files in the store right after its transaction commits: a
publication in this process wakes it (`PublishedFiles.published`); otherwise it looks every
`sweep_interval_s`, and a failing store is retried with the loop's back-off. The sweeper runs the
same writing as a repair job.

The refresher asks the database every `results_refresh_s` which versions are the latest of what
this process has cached, so that requests never wait for it (see `PublishedFiles`).
"""

from olymp_core.lifecycle import Loop
from olymp_core.runtime import Runtime
from olymp_publishing import handlers
from olymp_publishing.handlers import PublishedFiles
from olymp_publishing.settings import PublishingSettings


def files_writer(runtime: Runtime[PublishingSettings], files: PublishedFiles) -> Loop:
    async def step() -> None:
        await handlers.write_pending_files(runtime.uows, files)

    return Loop(
        "publishing-files",
        step,
        interval=runtime.settings.sweep_interval_s,
        wakeup=files.wakeup,
    )


def latest_refresher(runtime: Runtime[PublishingSettings], files: PublishedFiles) -> Loop:
    async def step() -> None:
        await handlers.refresh_published(runtime.uows, files)

    return Loop("publishing-latest", step, interval=runtime.settings.results_refresh_s)
