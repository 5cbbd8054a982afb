"""Composition root of the materials service: a regional hub or a municipal mirror (settings.role)."""

from __future__ import annotations

from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service
from olymp_materials import api, api_feed, consumers, sweeper
from olymp_materials.feed import Feed, HubFeed, MirrorFeed, hub_keys
from olymp_materials.settings import MaterialsSettings


class MaterialsService(Service):
    """A Service that also runs its feed: the shared runtime's gRPC server has no TLS and no place
    for a long-lived client, so the feed is started and stopped here, around the common parts."""

    feed: Feed

    async def start(self) -> None:
        await super().start()
        await self.feed.start()

    async def stop(self) -> None:
        await self.feed.stop()
        await super().stop()


def build(settings: MaterialsSettings | None = None, *, clock: Clock | None = None) -> Service:
    settings = settings or MaterialsSettings()
    runtime = Runtime(settings, clock)
    feed: Feed
    if settings.role == "hub":
        hub = HubFeed(runtime, settings)
        feed = hub
        state = {"feed": hub, "broadcaster": hub.broadcaster, "hub_keys": hub_keys(settings)}
        jobs = [sweeper.release_job(runtime, hub.broadcaster)]
    else:
        feed = MirrorFeed(runtime, settings)
        # a mirror releases nothing itself: its keys come from the hub, at the hub's instant
        state = {"feed": feed}
        jobs = []
    service = MaterialsService(
        name="materials",
        runtime=runtime,
        routers=[api.router, api_feed.router],
        subscriptions=consumers.subscriptions(runtime) if settings.role == "hub" else [],
        sweep_jobs=jobs,
        produces=["materials"],
        state=state,
        description="Пакеты заданий и критериев; ключи раскрываются в установленный момент (§24).",
    )
    service.feed = feed
    service.sweeper.interval = min(settings.sweep_interval_s, settings.release_poll_interval_s)
    return service
