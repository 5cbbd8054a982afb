"""Composition root of the materials service: a regional hub or a municipal mirror (settings.role)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from olymp_core.auth.olympiads import OlympiadAdmission, OwnMunicipality
from olymp_core.clock import Clock
from olymp_core.grpc import GrpcServer
from olymp_core.lifecycle import Lifecycle
from olymp_core.runtime import Runtime
from olymp_core.service import Service
from olymp_core.state_metrics import StateGauge
from olymp_materials import api, consumers
from olymp_materials.domain import public_key_from_b64, signing_key_from_seed
from olymp_materials.domain.archive import MIB, ArchiveBudget
from olymp_materials.feed import api as feed_api
from olymp_materials.feed import grpc_api
from olymp_materials.feed.background import KeySendAudit, MirrorFollower, ReleaseTimer
from olymp_materials.feed.clients import HubClient
from olymp_materials.feed.gauges import hub_gauges
from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster
from olymp_materials.feed.handlers import Mirror
from olymp_materials.handlers import Hub, Node
from olymp_materials.settings import MaterialsSettings


def build(
    settings: MaterialsSettings | None = None, *, clock: Clock | None = None
) -> Service[MaterialsSettings]:
    runtime = Runtime(settings or MaterialsSettings(), clock)
    gauges: list[StateGauge] = []
    # the hub keeps whose each olympiad is from OlympiadCreated
    olympiads: OlympiadAdmission | Literal["kept"] = "kept"
    if runtime.settings.role == "hub":
        node, lifecycles = _hub(runtime)
        gauges = hub_gauges(
            runtime.settings.municipalities,
            key_late_after=dt.timedelta(seconds=runtime.settings.key_delivery_late_after_s),
            receipt_late_after=dt.timedelta(minutes=runtime.settings.receipt_late_after_min),
        )
    else:
        node, lifecycles = _mirror(runtime)
        olympiads = OwnMunicipality(runtime.settings.municipality_id)
    return Service(
        name="materials",
        runtime=runtime,
        description="Пакеты заданий и критериев; ключи раскрываются в установленный момент (§24).",
        routers=[api.router, feed_api.router],
        # a mirror learns its packages, instants and keys from the hub's feed, and from its own
        # registration's events only when the rounds end (the criteria wait for it, §60)
        events=consumers.EVENTS.bind(role=runtime.settings.role),
        errors={**api.ERRORS, **feed_api.ERRORS},
        contexts=[node],
        lifecycles=lifecycles,
        gauges=gauges,
        olympiads=olympiads,
    )


def _hub(runtime: Runtime[MaterialsSettings]) -> tuple[Node, list[Lifecycle]]:
    settings = runtime.settings
    master_key = settings.master_key_bytes()
    broadcaster = FeedBroadcaster(runtime.uows, master_key)
    audit = KeySendAudit(runtime.uows)
    feed_server = GrpcServer(
        "materials-feed",
        grpc_api.grpc_api(
            runtime.uows,
            runtime.objects,
            broadcaster,
            audit.journal.record,
            audit.journal.record_many,
            max_fetches=settings.feed_max_fetches,
        ),
        runtime.verifier,
        host=settings.grpc_host,
        port=settings.feed_port,
        credentials=grpc_api.server_credentials(settings),
        grace=0.5,
        interceptors=runtime.tracing.grpc_server_interceptors(),
    )
    timer = ReleaseTimer(runtime.uows, broadcaster, poll_interval=settings.release_poll_interval_s)
    hub = Hub(
        signing_key=signing_key_from_seed(settings.signing_seed()),
        feed=broadcaster,
        archive_budget=ArchiveBudget(
            max_unpacked_bytes=settings.archive_max_unpacked_mb * MIB,
            seconds=settings.archive_check_budget_s,
        ),
    )
    # started in this order, stopped in reverse: the timer's first pass releases what came due
    # while the hub was down before any mirror is served; the audit outlives the streams it notes
    return Node(master_key, hub=hub), [timer, audit, feed_server]


def _mirror(runtime: Runtime[MaterialsSettings]) -> tuple[Node, list[Lifecycle]]:
    settings = runtime.settings
    master_key = settings.master_key_bytes()
    client = HubClient(settings, interceptors=runtime.tracing.grpc_client_interceptors())
    mirror = Mirror(
        municipality_id=settings.municipality_id,
        hub_key=public_key_from_b64(settings.hub_public_key),
        master_key=master_key,
        objects=runtime.objects,
        fetch_attempts=settings.fetch_attempts,
    )
    follower = MirrorFollower(runtime.uows, client, mirror, reconnect_max=settings.reconnect_max_s)
    return Node(master_key, mirror=client), [follower]
