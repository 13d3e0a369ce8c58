"""The ASGI receiver, served by uvicorn on 127.0.0.1, and called directly."""

from __future__ import annotations

import asyncio
import http.client
import logging
from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any

import pytest
from loopback import Answer, request, uvicorn_server

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    DeliveryReport,
    IncomingMessage,
    Webhook,
    parse,
    sign,
)
from topmessage_webhooks import _samples as samples
from topmessage_webhooks._router import Router
from topmessage_webhooks.asgi import WebhookApp

SECRET = "asgi-test-secret"
LIMIT = 1024
UNKNOWN = b'{"data": {"id": "u-1", "mood": "cheerful"}}'
WEBHOOK = Webhook(SECRET, max_body_size=LIMIT)


def post(port: int, body: bytes, signature: str | None = None, path: str = "/") -> Answer:
    """POST ``body`` signed with the test secret (or with ``signature``)."""
    return request(port, body, {SIGNATURE_HEADER: signature or sign(body, SECRET)}, path=path)


@pytest.mark.parametrize(
    "body", [samples.DELIVERY_REPORT, samples.DELIVERY_REPORT_EN, samples.INCOMING_MESSAGE]
)
def test_sync_handler_runs_off_the_event_loop(body: bytes) -> None:
    """A plain handler gets the event in a worker thread, with no event loop running there."""
    received: list[tuple[Any, bool]] = []

    def handler(event: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            received.append((event, False))
        else:
            received.append((event, True))

    with uvicorn_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = post(port, body)
    assert (answer.status, answer.json()) == (200, {"status": "ok"})
    assert received == [(parse(body), False)]


def test_async_handler_is_awaited() -> None:
    """An async handler is awaited on the event loop before the answer is sent."""
    received: list[Any] = []

    async def handler(event: Any) -> None:
        await asyncio.sleep(0)
        received.append(event)

    with uvicorn_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = post(port, samples.INCOMING_MESSAGE)
    assert answer.status == 200
    assert received == [parse(samples.INCOMING_MESSAGE)]


def test_router_with_sync_and_async_handlers() -> None:
    """A Router's sync and async handlers both run, in registration order."""
    calls: list[str] = []
    router = Router()

    @router.on(DeliveryReport, status="DELIVERED")
    def delivered(report: DeliveryReport) -> None:
        calls.append(f"delivered {report.id}")

    @router.on(IncomingMessage)
    async def reply(message: IncomingMessage) -> None:
        calls.append(f"reply to {message.number}")

    @router.on(DeliveryReport)
    async def any_report(report: DeliveryReport) -> None:
        calls.append("any report")

    with uvicorn_server(WebhookApp(WEBHOOK, router)) as port:
        answers = [post(port, samples.DELIVERY_REPORT), post(port, samples.INCOMING_MESSAGE)]
    assert [answer.status for answer in answers] == [200, 200]
    assert calls == [
        "delivered b04fc4d3-f232-46b7-b66b-538c0d4b3404",
        "any report",
        "reply to 491511234567",
    ]


@pytest.mark.parametrize(
    ("signature", "error"),
    [
        (sign(samples.DELIVERY_REPORT, "another-secret"), "invalid_signature"),
        ("sha256=not-a-signature", "invalid_signature"),
        (None, "missing_signature"),
    ],
    ids=["wrong-secret", "malformed", "missing"],
)
def test_unproven_requests_are_answered_401_and_logged(
    signature: str | None, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A forged or missing signature: 401, a WARNING log, no handler call, no leak."""
    received: list[Any] = []
    headers = {} if signature is None else {SIGNATURE_HEADER: signature}
    with uvicorn_server(WebhookApp(WEBHOOK, received.append)) as port:
        answer = request(port, samples.DELIVERY_REPORT, headers)
    assert answer.status == 401
    assert answer.json()["error"] == error
    assert received == []
    (record,) = [r for r in caplog.records if r.name == "topmessage_webhooks"]
    assert record.levelno == logging.WARNING
    assert "SignatureError" in record.getMessage()
    expected = sign(samples.DELIVERY_REPORT, SECRET).encode()
    for text in (answer.body, record.getMessage().encode()):
        for secret in (SECRET.encode(), expected, samples.DELIVERY_REPORT):
            assert secret not in text


def test_content_length_over_the_limit_is_413_without_reading_the_body() -> None:
    """A Content-Length over max_body_size is answered 413 though no body byte was sent."""
    with uvicorn_server(WebhookApp(WEBHOOK, print)) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.putrequest("POST", "/")
            connection.putheader("Content-Length", str(LIMIT + 1))
            connection.endheaders()
            answer = Answer(connection.getresponse())
        finally:
            connection.close()
    assert answer.status == 413
    assert answer.json()["error"] == "payload_too_large"


def test_content_length_smaller_than_the_body_reads_only_that_much() -> None:
    """A Content-Length that claims less than is sent: the event is those bytes only."""
    received: list[Any] = []
    body = samples.DELIVERY_REPORT
    with uvicorn_server(WebhookApp(WEBHOOK, received.append)) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.putrequest("POST", "/")
            connection.putheader("Content-Length", str(len(body)))
            connection.putheader(SIGNATURE_HEADER, sign(body, SECRET))
            connection.endheaders(body + b"x" * 4 * LIMIT)
            answer = Answer(connection.getresponse())
        finally:
            connection.close()
    assert answer.status == 200
    assert received == [parse(body)]


def test_chunked_body_is_read_to_its_end() -> None:
    """A chunked body, with no Content-Length, is read to its end."""
    received: list[Any] = []
    body = samples.INCOMING_MESSAGE
    with uvicorn_server(WebhookApp(WEBHOOK, received.append)) as port:
        answer = request(
            port,
            iter([body[:50], body[50:100], body[100:]]),
            {SIGNATURE_HEADER: sign(body, SECRET)},
        )
    assert answer.status == 200
    assert received == [parse(body)]


def test_chunked_body_over_the_limit_is_413() -> None:
    """A chunked body over max_body_size is answered 413."""
    received: list[Any] = []
    with uvicorn_server(WebhookApp(WEBHOOK, received.append)) as port:
        answer = request(port, iter([b"x" * 700] * 3), {SIGNATURE_HEADER: "0" * 64})
    assert answer.status == 413
    assert answer.json()["error"] == "payload_too_large"
    assert received == []


@pytest.mark.parametrize("method", ["GET", "PUT", "HEAD"])
def test_other_methods_are_405_with_allow_post(method: str) -> None:
    """Anything but POST is answered 405 with Allow: POST."""
    with uvicorn_server(WebhookApp(WEBHOOK, print)) as port:
        answer = request(port, None, {}, method=method)
    assert answer.status == 405
    assert answer.headers["Allow"] == "POST"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_failing_handler_is_500_and_logged_with_the_event_id(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler's exception is answered 500 and logged with the event id and traceback."""

    def sync_handler(event: Any) -> None:
        raise LookupError("no such order")

    async def async_handler(event: Any) -> None:
        sync_handler(event)

    handler = sync_handler if kind == "sync" else async_handler
    signature = sign(samples.DELIVERY_REPORT, SECRET)
    with uvicorn_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = post(port, samples.DELIVERY_REPORT, signature)
    assert answer.status == 500
    assert answer.json()["error"] == "handler_failed"
    (record,) = [r for r in caplog.records if r.name == "topmessage_webhooks"]
    assert record.levelno == logging.ERROR
    assert "b04fc4d3-f232-46b7-b66b-538c0d4b3404" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], LookupError)
    assert SECRET not in caplog.text
    assert signature not in caplog.text


def test_unknown_event_goes_to_the_fallback_and_is_202() -> None:
    """An event of an unknown kind reaches the async fallback with its data; answered 202."""
    calls: list[Any] = []
    router = Router()

    @router.fallback
    async def keep(data: Any) -> None:
        calls.append(data)

    with uvicorn_server(WebhookApp(WEBHOOK, router)) as port:
        answer = post(port, UNKNOWN)
    assert answer.status == 202
    assert calls == [{"id": "u-1", "mood": "cheerful"}]


def test_mounted_in_starlette() -> None:
    """Mounted in a Starlette app, the receiver answers under its path; the app serves the rest."""
    starlette_applications = pytest.importorskip("starlette.applications")
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route

    received: list[Any] = []

    async def home(request: Any) -> PlainTextResponse:
        return PlainTextResponse("home")

    app = starlette_applications.Starlette(
        routes=[
            Route("/", home),
            Route("/webhooks/exact", WebhookApp(WEBHOOK, received.append)),
            Mount("/webhooks/topmessage", WebhookApp(WEBHOOK, received.append)),
        ]
    )
    with uvicorn_server(app) as port:
        home_answer = request(port, None, {}, method="GET")
        mounted = post(port, samples.DELIVERY_REPORT, path="/webhooks/topmessage/")
        exact = post(port, samples.DELIVERY_REPORT_EN, path="/webhooks/exact")
        wrong_method = request(port, None, {}, method="GET", path="/webhooks/exact")
    assert (home_answer.status, home_answer.body) == (200, b"home")
    assert [mounted.status, exact.status, wrong_method.status] == [200, 200, 405]
    assert received == [parse(samples.DELIVERY_REPORT), parse(samples.DELIVERY_REPORT_EN)]


# --- called directly, with a receive/send pair


def run_app(
    app: WebhookApp, scope: MutableMapping[str, Any], messages: Iterable[MutableMapping[str, Any]]
) -> list[MutableMapping[str, Any]]:
    """Run ``app`` on ``scope`` with ``messages`` to receive; return what it sent."""
    incoming = iter(messages)
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return next(incoming)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def http_scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """A minimal ASGI HTTP scope for a POST."""
    return {"type": "http", "method": "POST", "path": "/", "headers": headers}


def test_lifespan_startup_and_shutdown_are_acknowledged() -> None:
    """Startup and shutdown messages each get their .complete answer, then the app returns."""
    sent = run_app(
        WebhookApp(SECRET, print),
        {"type": "lifespan", "asgi": {"version": "3.0"}},
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]


def test_disconnect_before_the_end_of_the_body_answers_nothing() -> None:
    """A client that leaves mid-body gets no answer and no handler runs."""
    received: list[Any] = []
    body = samples.DELIVERY_REPORT
    sent = run_app(
        WebhookApp(WEBHOOK, received.append),
        http_scope([(b"x-topmessage-signature", sign(body, SECRET).encode())]),
        [
            {"type": "http.request", "body": body[:10], "more_body": True},
            {"type": "http.disconnect"},
        ],
    )
    assert sent == []
    assert received == []


def test_body_is_not_received_past_the_limit() -> None:
    """An endless body: the app stops receiving once the limit is passed, and answers 413."""
    chunks_received = 0

    def endless() -> Iterator[dict[str, Any]]:
        nonlocal chunks_received
        while chunks_received < 1000:
            chunks_received += 1
            yield {"type": "http.request", "body": b"x" * 100, "more_body": True}

    sent = run_app(WebhookApp(WEBHOOK, print), http_scope([]), endless())
    assert sent[0]["status"] == 413
    assert chunks_received == LIMIT // 100 + 1


def test_other_scope_types_are_refused() -> None:
    """A websocket scope is not served: ValueError, as ASGI asks of unknown scopes."""
    with pytest.raises(ValueError, match="HTTP only"):
        run_app(WebhookApp(SECRET, print), {"type": "websocket"}, [])


def test_headers_are_lowercase_bytes() -> None:
    """The answer's headers follow ASGI: lowercase byte-string names."""
    sent = run_app(
        WebhookApp(SECRET, print),
        {"type": "http", "method": "GET", "path": "/", "headers": []},
        [],
    )
    assert sent[0]["status"] == 405
    assert (b"allow", b"POST") in sent[0]["headers"]
    assert (b"content-type", b"application/json") in sent[0]["headers"]
    assert all(name == name.lower() for name, _ in sent[0]["headers"])
