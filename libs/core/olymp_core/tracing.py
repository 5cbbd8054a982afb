"""OpenTelemetry traces across HTTP, gRPC and events; off unless an OTLP endpoint is configured.

On: `OLYMP_OTEL_ENDPOINT` (or one service's `OLYMP_<SERVICE>_OTEL_ENDPOINT`), or the standard
`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the process's tracer provider
sends spans to that collector over OTLP/HTTP in batches, and the other standard `OTEL_*` variables
tune it (`OTEL_TRACES_SAMPLER`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_RESOURCE_ATTRIBUTES`). A process
whose tracer provider was set up before the service was built (the `opentelemetry-instrument`
launcher, a test's in-memory exporter) is traced the same way, into that provider.

Off, nothing is instrumented: FastAPI's telemetry is switched off, no gRPC interceptors are added, no
spans are made around events; what remains is one look at the current context when an event is
written to the outbox.

Events carry the trace in the W3C `traceparent` header. The unit of work stores the context of the
request (or handler) that recorded an event in its outbox row's headers, which are the headers the
message is published with; the relay publishes under a producer span continuing that trace, and the
consumer runs the handler under a consumer span continuing the relay's, so the events a handler
records carry the same trace on to the next service.

No span keeps the values of a query string, only its parameter names: a playback link's signature
or a one-time code there is a credential, and traces are read by more people than the service.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import grpc
from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.grpc import aio_client_interceptors, aio_server_interceptor
from opentelemetry.propagators.textmap import Getter
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_NAMESPACE, Resource
from opentelemetry.sdk.trace import Span as SdkSpan
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from olymp_core.settings import ServiceSettings

W3C = TraceContextTextMapPropagator()
STANDARD_ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
# probes and scrapes every few seconds would bury the requests people made
UNTRACED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# where HTTP instrumentations (FastAPI's, or a launcher's for clients) put a query string
QUERY_ATTRIBUTES = frozenset({"url.query"})
URL_ATTRIBUTES = frozenset({"url.full", "http.url", "http.target"})
REDACTED = "REDACTED"


class Tracing:
    """A service's tracing: `provider` None means off, and every part below is then a no-op."""

    def __init__(self, provider: TracerProvider | None, service: str = "olymp") -> None:
        self.provider = provider
        self.tracer: Tracer | None = (
            None if provider is None else provider.get_tracer(f"olymp.{service}")
        )
        if provider is not None and provider not in _REDACTING:
            provider.add_span_processor(_QueryRedaction())
            _REDACTING.add(provider)

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> Tracing:
        return cls(_process_provider(settings), settings.service_name)

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    def http(self) -> TelemetryConfig:
        """FastAPI's own telemetry: a server span per request, named by its route template.

        Its metrics and logs stay off (the services export Prometheus metrics and JSON logs), and
        so do its spans per dependency and serialization: a request, its events and their
        handlers are what an operator follows.
        """
        return {
            "tracer_provider": self.provider,
            "tracing": self.provider is not None,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
            "exclude": _probe,
        }

    def grpc_server_interceptors(self) -> list[grpc.aio.ServerInterceptor]:
        if self.provider is None:
            return []
        return [aio_server_interceptor(tracer_provider=self.provider)]  # type: ignore[no-untyped-call]

    def grpc_client_interceptors(self) -> list[grpc.aio.ClientInterceptor]:
        if self.provider is None:
            return []
        return list(aio_client_interceptors(tracer_provider=self.provider))  # type: ignore[no-untyped-call]

    @contextlib.contextmanager
    def publishing(
        self, exchange: str, routing_key: str, message_id: str, headers: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """A producer span continuing the trace stored in an outbox row's `headers`; yields the
        headers to publish, their `traceparent` now the producer span's."""
        sent = dict(headers)
        if self.tracer is None:
            yield sent
            return
        with self.tracer.start_as_current_span(
            f"{routing_key} publish",
            context=W3C.extract(headers, getter=_HEADERS),
            kind=SpanKind.PRODUCER,
            attributes=_messaging("send", exchange, routing_key, message_id),
        ):
            W3C.inject(sent)
            yield sent

    @contextlib.contextmanager
    def consuming(
        self, queue: str, routing_key: str, message_id: str, headers: Mapping[str, Any]
    ) -> Iterator[Span | None]:
        """A consumer span around a message's handling, continuing the trace of its headers."""
        if self.tracer is None:
            yield None
            return
        attributes = _messaging("process", queue, routing_key, message_id)
        with self.tracer.start_as_current_span(
            f"{queue} process",
            context=W3C.extract(headers, getter=_HEADERS),
            kind=SpanKind.CONSUMER,
            attributes=attributes,
        ) as span:
            yield span

    def flush(self) -> None:
        if self.provider is not None:
            self.provider.force_flush()


def record_trace_context(headers: MutableMapping[str, Any]) -> None:
    """Store the current span's context (if any) in an outbox row's `headers`."""
    W3C.inject(headers)


def mark_failed(span: Span | None, outcome: str) -> None:
    """A handled message's span says how it ended when that was not an ack (retried, poison)."""
    if span is not None:
        span.set_attribute("olymp.outcome", outcome)
        span.set_status(Status(StatusCode.ERROR, outcome))


def _process_provider(settings: ServiceSettings) -> TracerProvider | None:
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current  # set up already: by the launcher, a test, or another service here
    standard = any(os.environ.get(name) for name in STANDARD_ENDPOINTS)
    if settings.otel_endpoint is None and not standard:
        return None
    # imported only when on: the exporter brings requests and protobuf messages with it
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    endpoint = settings.otel_endpoint
    exporter = OTLPSpanExporter(
        endpoint=None if endpoint is None else endpoint.rstrip("/") + "/v1/traces"
    )
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: settings.service_name, SERVICE_NAMESPACE: "olymp"})
    )
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider


def _messaging(
    operation: str, destination: str, routing_key: str, message_id: str
) -> dict[str, str]:
    return {
        "messaging.system": "rabbitmq",
        "messaging.operation.type": operation,
        "messaging.destination.name": destination,
        "messaging.rabbitmq.destination.routing_key": routing_key,
        "messaging.message.id": message_id,
    }


def _probe(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED_PATHS


class _QueryRedaction(SpanProcessor):
    """Replaces every query value a span was started with; at its start, so no exporter (they
    read spans as they end) ever sees one."""

    def on_start(self, span: SdkSpan, parent_context: Context | None = None) -> None:
        for name, value in list((span.attributes or {}).items()):
            if name in QUERY_ATTRIBUTES and isinstance(value, str):
                span.set_attribute(name, _redacted_query(value))
            elif name in URL_ATTRIBUTES and isinstance(value, str) and "?" in value:
                parts = urlsplit(value)
                span.set_attribute(
                    name, parts._replace(query=_redacted_query(parts.query)).geturl()
                )


def _redacted_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(key, REDACTED) for key, _ in pairs])


# providers with the redaction added: a process's provider serves every service built in it
_REDACTING: weakref.WeakSet[TracerProvider] = weakref.WeakSet()


class _HeaderGetter(Getter[Mapping[str, Any]]):
    """AMQP headers as a carrier: the broker may hand string values back as bytes."""

    def get(self, carrier: Mapping[str, Any], key: str) -> list[str] | None:
        value = carrier.get(key)
        if value is None:
            return None
        return [value.decode() if isinstance(value, bytes) else str(value)]

    def keys(self, carrier: Mapping[str, Any]) -> list[str]:
        return list(carrier)


_HEADERS = _HeaderGetter()
