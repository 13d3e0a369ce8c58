"""The WSGI receiver, served by real WSGI servers on 127.0.0.1."""

from __future__ import annotations

import http.client
import io
import logging
import socket
from collections.abc import Callable
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from loopback import Answer, request, werkzeug_server, wsgiref_server

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
from topmessage_webhooks.wsgi import WebhookApp

SECRET = "wsgi-test-secret"
LIMIT = 1024
UNKNOWN = b'{"data": {"id": "u-1", "mood": "cheerful"}}'
WEBHOOK = Webhook(SECRET, max_body_size=LIMIT)


def post(port: int, body: bytes, signature: str | None = None) -> Answer:
    """POST ``body`` signed with the test secret (or with ``signature``)."""
    return request(port, body, {SIGNATURE_HEADER: signature or sign(body, SECRET)})


def send_raw_head(port: int, content_length: str, body: bytes = b"") -> http.client.HTTPConnection:
    """Send a POST's head with any Content-Length and, maybe, some body bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("POST", "/webhooks/topmessage")
    connection.putheader("Content-Length", content_length)
    connection.putheader(SIGNATURE_HEADER, sign(body, SECRET))
    connection.endheaders(body)
    return connection


def assert_nothing_leaked(text: str | bytes, *secrets: str | bytes) -> None:
    """Neither the secret nor any of ``secrets`` appears in ``text``."""
    raw = text.encode() if isinstance(text, str) else text
    for secret in (SECRET, *secrets):
        assert (secret.encode() if isinstance(secret, str) else secret) not in raw


def collector() -> tuple[list[Any], Callable[[Any], None]]:
    """A list and a plain handler that appends each event to it."""
    received: list[Any] = []
    return received, received.append


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (samples.DELIVERY_REPORT, DeliveryReport),
        (samples.DELIVERY_REPORT_EN, DeliveryReport),
        (samples.INCOMING_MESSAGE, IncomingMessage),
    ],
)
def test_valid_events_reach_the_handler(body: bytes, kind: type[Any]) -> None:
    """A genuine event of either kind is parsed, handed to the handler, and answered 200."""
    received, handler = collector()
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = post(port, body)
    assert (answer.status, answer.json()) == (200, {"status": "ok"})
    assert received == [parse(body)]
    assert type(received[0]) is kind


def test_router_handlers_run_and_secret_rotation_works() -> None:
    """A Router dispatches the event; a sequence of secrets accepts either."""
    calls: list[str] = []
    router = Router()
    router.on(DeliveryReport)(lambda report: calls.append(f"report {report.id}"))
    router.on(IncomingMessage)(lambda message: calls.append(f"message {message.text}"))
    app = WebhookApp(["old-secret", SECRET], router)
    with wsgiref_server(app) as port:
        first = post(port, samples.INCOMING_MESSAGE)
        second = post(port, samples.DELIVERY_REPORT, sign(samples.DELIVERY_REPORT, "old-secret"))
    assert [first.status, second.status] == [200, 200]
    assert calls == ["message Received", "report b04fc4d3-f232-46b7-b66b-538c0d4b3404"]


@pytest.mark.parametrize(
    ("signature", "error"),
    [
        (sign(samples.DELIVERY_REPORT, "another-secret"), "invalid_signature"),
        (sign(samples.DELIVERY_REPORT_EN, SECRET), "invalid_signature"),
        ("sha256=not-a-signature", "invalid_signature"),
        (None, "missing_signature"),
    ],
    ids=["wrong-secret", "other-body", "malformed", "missing"],
)
def test_unproven_requests_are_answered_401_and_logged(
    signature: str | None, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A forged, malformed or missing signature: 401, a WARNING log, no handler call, no leak."""
    received, handler = collector()
    headers = {} if signature is None else {SIGNATURE_HEADER: signature}
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = request(port, samples.DELIVERY_REPORT, headers)
    assert answer.status == 401
    assert answer.json()["error"] == error
    assert received == []
    (record,) = [r for r in caplog.records if r.name == "topmessage_webhooks"]
    assert record.levelno == logging.WARNING
    assert "401" in record.getMessage()
    assert "SignatureError" in record.getMessage()
    expected = sign(samples.DELIVERY_REPORT, SECRET)
    for text in (answer.body, record.getMessage()):
        assert_nothing_leaked(text, expected, samples.DELIVERY_REPORT, signature or expected)


def test_genuine_but_malformed_body_is_answered_400() -> None:
    """A signed body that is not an event is a 400 with the payload error's message."""
    received, handler = collector()
    body = b'{"data": {"status": "FAILED"}}'
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = post(port, body)
    assert answer.status == 400
    assert answer.json() == {
        "error": "invalid_payload",
        "message": "data.id: required field is missing or null",
    }
    assert received == []


def test_content_length_over_the_limit_is_413_without_reading_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A Content-Length over max_body_size is answered 413 though no body byte was sent."""
    received, handler = collector()
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        connection = send_raw_head(port, str(LIMIT + 1))
        try:
            answer = Answer(connection.getresponse())
        finally:
            connection.close()
    assert answer.status == 413
    assert answer.json()["error"] == "payload_too_large"
    assert received == []
    assert any("PayloadTooLargeError" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("content_length", ["abc", "-1", "1e3", "+5", "²", "5, 5"])
def test_invalid_content_length_is_400(content_length: str) -> None:
    """A Content-Length that is not a whole number of ASCII digits is answered 400."""
    # wsgiref's validator would refuse such a request before the app sees it.
    with wsgiref_server(WebhookApp(WEBHOOK, print), validate=False) as port:
        connection = send_raw_head(port, content_length)
        try:
            answer = Answer(connection.getresponse())
        finally:
            connection.close()
    assert answer.status == 400
    assert answer.json() == {
        "error": "invalid_content_length",
        "message": "the Content-Length header is not a whole number",
    }


def test_content_length_smaller_than_the_body_reads_only_that_much() -> None:
    """A Content-Length that claims less than is sent: only that many bytes are read."""
    received, handler = collector()
    body = samples.DELIVERY_REPORT + b"x" * 2000
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        connection = send_raw_head(port, str(len(samples.DELIVERY_REPORT)), body)
        try:
            answer = Answer(connection.getresponse())
        finally:
            connection.close()
    # The signature covers the whole body sent, so the shorter body read fails it.
    assert answer.status == 401
    assert received == []


def test_content_length_larger_than_the_body_is_400_incomplete() -> None:
    """A Content-Length that claims more than the client sends before closing is a 400."""
    received, handler = collector()
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        connection = send_raw_head(port, "500", samples.DELIVERY_REPORT)
        try:
            assert connection.sock is not None
            connection.sock.shutdown(socket.SHUT_WR)
            answer = Answer(connection.getresponse())
        finally:
            connection.close()
    assert answer.status == 400
    assert answer.json()["error"] == "incomplete_body"
    assert received == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "OPTIONS", "HEAD"])
def test_other_methods_are_405_with_allow_post(method: str) -> None:
    """Anything but POST is answered 405 with Allow: POST."""
    received, handler = collector()
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = request(port, None, {}, method=method)
    assert answer.status == 405
    assert answer.headers["Allow"] == "POST"
    if method != "HEAD":
        assert answer.json()["error"] == "method_not_allowed"
    assert received == []


def test_failing_handler_is_500_and_logged_with_the_event_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A handler's exception is answered 500 and logged with the event id and traceback."""

    def handler(event: Any) -> None:
        raise LookupError("no such order")

    signature = sign(samples.INCOMING_MESSAGE, SECRET)
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = post(port, samples.INCOMING_MESSAGE, signature)
    assert answer.status == 500
    assert answer.json()["error"] == "handler_failed"
    assert b"no such order" not in answer.body
    (record,) = [r for r in caplog.records if r.name == "topmessage_webhooks"]
    assert record.levelno == logging.ERROR
    assert "e3fc3b55-807f-41cf-93cf-cd365fef8515" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], LookupError)
    assert_nothing_leaked(caplog.text, signature)


def test_unknown_event_goes_to_the_fallback_and_is_202() -> None:
    """An event of an unknown kind reaches the fallback with its data and is answered 202."""
    calls: list[Any] = []
    router = Router()
    router.on(DeliveryReport)(calls.append)
    router.fallback(calls.append)
    with wsgiref_server(WebhookApp(WEBHOOK, router)) as port:
        answer = post(port, UNKNOWN)
    assert answer.status == 202
    assert answer.json()["status"] == "accepted"
    assert calls == [{"id": "u-1", "mood": "cheerful"}]


def test_unknown_event_with_a_plain_handler_is_202_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A plain handler never sees an unknown event; it is answered 202 and logged at INFO."""
    caplog.set_level(logging.INFO, logger="topmessage_webhooks")
    received, handler = collector()
    with wsgiref_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = post(port, UNKNOWN)
    assert answer.status == 202
    assert received == []
    (record,) = [r for r in caplog.records if r.name == "topmessage_webhooks"]
    assert record.levelno == logging.INFO
    assert "'u-1'" in record.getMessage()


def test_failing_fallback_is_500() -> None:
    """A fallback that raises on an unknown event is a handler failure: 500."""
    router = Router()

    @router.fallback
    def broken(data: Any) -> None:
        raise RuntimeError("storage down")

    with wsgiref_server(WebhookApp(WEBHOOK, router)) as port:
        answer = post(port, UNKNOWN)
    assert answer.status == 500


def test_chunked_body_is_read_to_its_end() -> None:
    """With wsgi.input_terminated (a chunked request), the body is read to its end."""
    received, handler = collector()
    body = samples.INCOMING_MESSAGE
    with werkzeug_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = request(
            port,
            iter([body[:50], body[50:100], body[100:]]),
            {SIGNATURE_HEADER: sign(body, SECRET)},
        )
    assert answer.status == 200
    assert received == [parse(body)]


def test_chunked_body_over_the_limit_is_413() -> None:
    """A chunked body over max_body_size is answered 413, the rest left unread."""
    received, handler = collector()
    with werkzeug_server(WebhookApp(WEBHOOK, handler)) as port:
        answer = request(port, iter([b"x" * 700] * 3), {SIGNATURE_HEADER: "0" * 64})
    assert answer.status == 413
    assert answer.json()["error"] == "payload_too_large"
    assert received == []


class CountingStream(io.BytesIO):
    """A real byte stream that records the size of every read asked of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        return super().read(size)


def call(app: WebhookApp, **environ: Any) -> tuple[str, bytes]:
    """Call ``app`` directly with a minimal environ; return the status line and body."""
    setup_testing_defaults(environ)
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)

    body = b"".join(app(environ, start_response))
    return statuses[0], body


def test_terminated_input_is_read_in_bounded_chunks() -> None:
    """However long the stream, at most max_body_size + 1 bytes are asked for, in bounded reads."""
    stream = CountingStream(b"x" * (10 * LIMIT))
    status, _ = call(
        WebhookApp(WEBHOOK, print),
        REQUEST_METHOD="POST",
        **{"wsgi.input": stream, "wsgi.input_terminated": True},
    )
    assert status == "413 Request Entity Too Large"
    assert all(0 < size <= LIMIT + 1 for size in stream.reads)
    assert stream.tell() == LIMIT + 1


def test_without_length_or_termination_the_body_is_empty() -> None:
    """No Content-Length and no wsgi.input_terminated: the stream is not read at all."""
    body = samples.DELIVERY_REPORT
    stream = CountingStream(body)
    status, _ = call(
        WebhookApp(WEBHOOK, print),
        REQUEST_METHOD="POST",
        HTTP_X_TOPMESSAGE_SIGNATURE=sign(body, SECRET),
        **{"wsgi.input": stream},
    )
    assert status == "401 Unauthorized"
    assert stream.reads == []


def test_async_handlers_are_refused() -> None:
    """Async handlers cannot run under WSGI: a TypeError when the app is made."""

    async def handler(event: Any) -> None: ...

    router = Router()
    router.on(IncomingMessage)(handler)
    for async_handler in (handler, router):
        with pytest.raises(TypeError, match=r"asgi\.WebhookApp"):
            WebhookApp(SECRET, async_handler)


@pytest.mark.parametrize(
    ("webhook", "handler", "error"),
    [
        (SECRET, "handler", TypeError),
        (SECRET, None, TypeError),
        (b"", print, ValueError),
        (42, print, TypeError),
    ],
)
def test_misconfiguration_fails_at_once(webhook: Any, handler: Any, error: type[Exception]) -> None:
    """A bad secret or a handler that is not callable is an error when the app is made."""
    with pytest.raises(error):
        WebhookApp(webhook, handler)


def test_repr_hides_the_secret() -> None:
    """The app's repr shows its configuration, never the secret."""
    text = repr(WebhookApp(SECRET, Router()))
    assert text.startswith("WebhookApp(Webhook(secret=<1 hidden>")
    assert SECRET not in text
