"""One trace from an HTTP request through the outbox and the broker into another service's handler.

Registration and appeals run in-process on a virtual host of their own, with real PostgreSQL and
RabbitMQ; the process's tracer provider sends spans to an in-memory exporter. Creating an olympiad
over HTTP writes `OlympiadCreated` to registration's outbox; its relay publishes it and appeals'
consumer applies it. Every span on the way must carry the trace id of the request, each a child of
the one before.

The tracer provider is the process's (OpenTelemetry sets it once): services built later in the same
pytest process are traced as well, into this exporter.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import create_async_engine

from olymp.registration.v1 import registration_pb2, registration_pb2_grpc
from olymp_core.auth import Role, generate_local_key
from olymp_core.clock import ManualClock
from olymp_core.events.tables import outbox
from olymp_core.grpc import build_server, stop_server
from olymp_core.testing.databases import TEST_VHOST, amqp_url_of, ensure_test_vhost
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_core.tracing import Tracing
from tests.integration.materials.feedkit import free_port, hub_settings, mirror_settings
from tests.integration.materials.test_packages_api import (
    BEFORE,
    FAST,
    PASSWORD,
    learn_olympiad,
    olympiad_created,
    upload,
)

pytestmark = pytest.mark.integration

MORNING = dt.datetime(2025, 11, 18, 3, 0, tzinfo=dt.UTC)
QUEUE = "appeals.on_olympiad_created"
ACKNOWLEDGE = "/olymp.materials.v1.MaterialsFeedService/Acknowledge"


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):  # set up by an earlier test of this process
        current.add_span_processor(processor)
    else:
        provider = TracerProvider()
        provider.add_span_processor(processor)
        trace.set_tracer_provider(provider)
    yield exporter
    exporter.shutdown()  # later tests' spans are dropped, not kept in memory


@pytest.fixture
async def pair(
    tmp_path: Path, spans: InMemorySpanExporter
) -> AsyncIterator[tuple[ServiceHarness, ServiceHarness]]:
    key = tmp_path / "keys" / "auth.pem"
    generate_local_key(key)
    for name in ("registration", "appeals"):
        (tmp_path / name / "keys").mkdir(parents=True)
        shutil.copy(key, tmp_path / name / "keys" / "auth.pem")
    vhost = f"{TEST_VHOST}-traces-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(ensure_test_vhost, vhost)
    broker = amqp_url_of(vhost)
    clock = ManualClock(MORNING)
    try:
        async with (
            running_service(
                "registration", tmp_path / "registration", clock=clock, amqp_url=broker
            ) as registration,
            running_service(
                "appeals", tmp_path / "appeals", clock=clock, amqp_url=broker
            ) as appeals,
        ):
            assert registration.service.runtime.tracing.enabled
            yield registration, appeals
    finally:
        if broker != amqp_url_of(TEST_VHOST) and shutil.which("rabbitmqctl"):
            subprocess.run(  # the broker's own tool, fixed arguments
                ["rabbitmqctl", "-q", "delete_vhost", vhost],
                capture_output=True,
                check=False,
                timeout=60,
            )


def olympiad_body() -> dict[str, object]:
    return {
        "title": "Муниципальный этап ВсОШ, Большереченский район",
        "school_year": "2025/2026",
        "time_zone": "Asia/Omsk",
        "subjects": [
            {
                "subject_code": "math",
                "day": "2025-11-18",
                "round_start": "10:00",
                "round_end": "14:00",
            }
        ],
        "venues": [
            {
                "name": 'МБОУ "Большереченская СОШ № 2"',
                "rooms": [{"name": "Кабинет 7", "capacity": 20}],
            }
        ],
    }


async def test_one_trace_from_the_request_into_the_consumers_handler(
    pair: tuple[ServiceHarness, ServiceHarness], spans: InMemorySpanExporter
) -> None:
    registration, appeals = pair
    created = await registration.client.post(
        "/olympiads", json=olympiad_body(), headers=registration.auth(Role.COORDINATOR)
    )
    assert created.status_code == 201, created.text
    olympiad_id = created.json()["olympiad_id"]

    def handled() -> list[ReadableSpan]:
        return [
            span
            for span in spans.get_finished_spans()
            if span.kind is SpanKind.CONSUMER
            and span.name.endswith(f"{QUEUE} process")
            and span.attributes is not None
            and span.attributes.get("olymp.outcome") is None
        ]

    async def consumed() -> bool:
        return bool(handled())

    await eventually(consumed, within_s=20)
    request = next(
        span
        for span in spans.get_finished_spans()
        if span.kind is SpanKind.SERVER and span.name == "POST /olympiads"
    )
    trace_id = request.context.trace_id
    published = [
        span
        for span in spans.get_finished_spans()
        if span.kind is SpanKind.PRODUCER and span.context.trace_id == trace_id
    ]
    assert [span.name for span in published] == ["registration.olympiad_created.v1 publish"]
    (publish,) = published
    (consume,) = [span for span in handled() if span.context.trace_id == trace_id]
    # request -> relay's publish -> appeals' handler: each the parent of the next
    assert publish.parent is not None and publish.parent.span_id == request.context.span_id
    assert consume.parent is not None and consume.parent.span_id == publish.context.span_id
    assert consume.attributes is not None and publish.attributes is not None
    assert consume.attributes["messaging.message.id"] == publish.attributes["messaging.message.id"]

    # the outbox row kept the request's context: the trace survives a relay that restarts
    engine = create_async_engine(registration.database_url)
    try:
        async with engine.connect() as conn:
            headers = (
                await conn.execute(
                    sa.select(outbox.c.headers).where(
                        outbox.c.routing_key == "registration.olympiad_created.v1"
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    assert headers["traceparent"].split("-")[1] == f"{trace_id:032x}"
    assert headers["traceparent"].split("-")[2] == f"{request.context.span_id:016x}"

    # and appeals applied it: the handler's span is the handler's work, not an empty shell
    async with appeals.uows() as uow:
        zone = (
            await uow.session.execute(
                sa.text("SELECT time_zone FROM olympiads WHERE olympiad_id = :id"),
                {"id": uuid.UUID(olympiad_id)},
            )
        ).scalar_one()
    assert zone == "Asia/Omsk"


class OneOlympiad(registration_pb2_grpc.RegistrationServiceServicer):  # type: ignore[misc]
    async def GetOlympiad(
        self, request: registration_pb2.GetOlympiadRequest, context: grpc.aio.ServicerContext
    ) -> registration_pb2.GetOlympiadResponse:
        return registration_pb2.GetOlympiadResponse(
            olympiad_id=request.olympiad_id, title="Муниципальный этап ВсОШ", time_zone="Asia/Omsk"
        )


async def test_no_query_string_value_reaches_a_trace(
    pair: tuple[ServiceHarness, ServiceHarness], spans: InMemorySpanExporter
) -> None:
    """A playback link's signature is its credential: a span exported with it would hand the
    recording to whoever reads the traces."""
    registration, _ = pair
    signature = "c2lnbmVkLWJ5LXRoZS1zZXJ2aWNl"
    path = f"/olympiads/{uuid.uuid4()}/recordings/{uuid.uuid4()}/media"
    answered = await registration.client.get(
        path,
        params={"viewer": "nablyudatel-ershova", "expires": "1763434800", "signature": signature},
        headers=registration.auth(Role.COORDINATOR),
    )
    assert answered.status_code >= 400, answered.text
    (request,) = [
        span
        for span in spans.get_finished_spans()
        if span.kind is SpanKind.SERVER
        and span.attributes is not None
        and span.attributes.get("url.path") == path
    ]
    assert request.attributes is not None
    assert request.attributes["url.query"] == (
        "viewer=REDACTED&expires=REDACTED&signature=REDACTED"
    )
    assert not [
        span.name
        for span in spans.get_finished_spans()
        if signature in repr(span.attributes) or "nablyudatel" in repr(span.attributes)
    ]


def test_a_client_spans_url_keeps_its_query_names_only() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = Tracing(provider, "portal").tracer
    assert tracer is not None
    link = "http://127.0.0.1:8001/olympiads/1/recordings/2/media?viewer=v-1&signature=c2ln"
    with tracer.start_as_current_span("GET", attributes={"url.full": link}):
        pass
    (span,) = exporter.get_finished_spans()
    assert span.attributes is not None
    assert span.attributes["url.full"] == (
        "http://127.0.0.1:8001/olympiads/1/recordings/2/media?viewer=REDACTED&signature=REDACTED"
    )


async def test_a_grpc_call_continues_the_callers_trace() -> None:
    """Client and server interceptors, as the mirror's feed client and every gRPC server get them
    when tracing is on; a provider of the test's own, not the process's."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider, "coding")
    assert tracing.tracer is not None

    def register(server: grpc.aio.Server) -> None:
        registration_pb2_grpc.add_RegistrationServiceServicer_to_server(OneOlympiad(), server)

    server, port = build_server(
        port=0,
        host="127.0.0.1",
        interceptors=tracing.grpc_server_interceptors(),
        services=[register],
    )
    await server.start()
    try:
        with tracing.tracer.start_as_current_span("check-in desk") as caller:
            async with grpc.aio.insecure_channel(
                f"127.0.0.1:{port}", interceptors=tracing.grpc_client_interceptors()
            ) as channel:
                stub = registration_pb2_grpc.RegistrationServiceStub(channel)
                answer = await stub.GetOlympiad(
                    registration_pb2.GetOlympiadRequest(olympiad_id="omsk-2025")
                )
    finally:
        await stop_server(server, grace=None)
    assert answer.time_zone == "Asia/Omsk"

    finished = exporter.get_finished_spans()
    (client,) = [s for s in finished if s.kind is SpanKind.CLIENT]
    (served,) = [s for s in finished if s.kind is SpanKind.SERVER]
    method = "/olymp.registration.v1.RegistrationService/GetOlympiad"
    assert client.name == served.name == method
    trace_id = caller.get_span_context().trace_id
    assert client.context.trace_id == served.context.trace_id == trace_id
    assert served.parent is not None and served.parent.span_id == client.context.span_id


def test_off_means_nothing_is_instrumented() -> None:
    off = Tracing(None)
    assert not off.enabled and off.tracer is None
    assert off.grpc_server_interceptors() == [] and off.grpc_client_interceptors() == []
    assert off.http()["tracing"] is False
    with off.publishing("olymp.registration", "registration.x.v1", "m-1", {"a": 1}) as headers:
        assert headers == {"a": 1}


async def test_the_hubs_feed_is_traced_from_the_mirror_into_the_hub(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    """A mirror's calls on the hub's TLS feed: each of the mirror's client spans is the parent of
    the hub's server span for the same call (the trace crosses the feed in gRPC metadata)."""
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    hub_config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **hub_config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        pushed = await upload(hub, olympiad_id, "tasks", password=PASSWORD)
        assert pushed.status_code == 201, pushed.text
        async with running_service(
            "materials", tmp_path / "tara", clock=clock, **mirror_settings(hub, "tara"), **FAST
        ):

            def acknowledged() -> list[ReadableSpan]:
                return [
                    span
                    for span in spans.get_finished_spans()
                    if span.kind is SpanKind.SERVER and span.name == ACKNOWLEDGE
                ]

            async def hub_heard_an_acknowledgement() -> bool:
                return bool(acknowledged())

            await eventually(hub_heard_an_acknowledgement, within_s=20)
    clients = {
        span.context.span_id: span
        for span in spans.get_finished_spans()
        if span.kind is SpanKind.CLIENT and span.name == ACKNOWLEDGE
    }
    served = acknowledged()[0]
    assert served.parent is not None
    caller = clients[served.parent.span_id]
    assert caller.context.trace_id == served.context.trace_id
