"""Fuzz the WSGI and ASGI receivers in-process, with any method, headers and body.

Each input is sent to ``topmessage_webhooks.wsgi.WebhookApp`` (as a WSGI
environ) and to ``topmessage_webhooks.asgi.WebhookApp`` (as an ASGI scope and
a stream of ``http.request`` messages). Layout:

- byte 0: the method, from ``METHODS``;
- byte 1: options: bits 0-2 the Content-Length (``LENGTHS``), bits 3-4 the
  signature (``SIGNATURES``), bit 5 a failing handler, bit 6 WSGI's
  ``wsgi.input_terminated``, bit 7 a small ``max_body_size``;
- byte 2: the ASGI body's chunk size (1 to 64 bytes); 250 and above, the
  client disconnects after the first chunk;
- the rest: the body.

Checked: every answer is well-formed (one status among the documented ones,
JSON body, matching Content-Length, ``Allow: POST`` with 405); a request is
accepted (200, 202, or 500 from the handler) only if its signature carries the
MAC of the body the receiver was given, and then the handler got exactly the
event of that body; a genuine request is never answered 401; no answer or log
line shows the secret or the MAC.

Run with ``python fuzz/endpoints.py [libFuzzer options] [corpus dirs]``.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import atheris
from _oracles import SECRET, carries_mac, encode_header, leaks, mac_of

with atheris.instrument_imports():
    from topmessage_webhooks import SIGNATURE_HEADER, Webhook, asgi, parse, wsgi

METHODS = ("POST", "POST", "POST", "GET", "PUT", "post", "HEAD", "")
#: Content-Length as sent, from the body's true length ``n``: None leaves it out.
LENGTHS = (
    lambda n: str(n),
    lambda n: None,
    lambda n: str(max(n - 1, 0)),
    lambda n: str(n + 1),
    lambda n: " 0 ",
    lambda n: "9" * 30,
    lambda n: f"{n}a",
    lambda n: f"-{n}",
)
SIGNATURES = ("genuine", "forged", "absent", "garbage")
DOCUMENTED = {200, 202, 400, 401, 405, 413, 500}
ACCEPTED = {200, 202, 500}
LIMITS = (4096, 64)


class Handler:
    """Records each event it is given, and raises when told to."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.fail = False

    def __call__(self, event: Any) -> None:
        self.events.append(event)
        if self.fail:
            raise RuntimeError("the handler failed")


class AsyncHandler(Handler):
    """The same, as a coroutine function, so that no worker thread is needed."""

    async def __call__(self, event: Any) -> None:  # type: ignore[override]
        super().__call__(event)


class Records(logging.Handler):
    """Keeps every formatted log line of the package, tracebacks included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter().format(record))


HANDLER = Handler()
ASYNC_HANDLER = AsyncHandler()
WSGI_APPS = {
    limit: wsgi.WebhookApp(Webhook(SECRET, max_body_size=limit), HANDLER) for limit in LIMITS
}
ASGI_APPS = {
    limit: asgi.WebhookApp(Webhook(SECRET, max_body_size=limit), ASYNC_HANDLER) for limit in LIMITS
}
RECORDS = Records()
LOGGER = logging.getLogger("topmessage_webhooks")
LOGGER.addHandler(RECORDS)
LOGGER.setLevel(logging.DEBUG)
LOGGER.propagate = False
LOOP = asyncio.new_event_loop()


def signature_for(kind: str, body: bytes) -> str | None:
    """The signature header's value: genuine, for another body, absent, or not one."""
    if kind in ("genuine", "forged"):
        signed = body if kind == "genuine" else body + b"\n"
        return str(encode_header(mac_of(signed), 0))
    if kind == "absent":
        return None
    return body[:16].decode("latin-1")


def check_answer(
    status: int,
    headers: list[tuple[str, str]],
    answer: bytes,
    *,
    signature: str | None,
    delivered: bytes | None,
    handler: Handler,
) -> None:
    """One answer is well-formed, and accepted only when it should be."""
    assert status in DOCUMENTED, status
    names = {name.lower(): value for name, value in headers}
    assert names["content-type"] == "application/json"
    assert names["content-length"] == str(len(answer))
    assert isinstance(json.loads(answer), dict)
    assert (status == 405) == (names.get("allow") == "POST")
    if status in ACCEPTED:
        assert delivered is not None, "an accepted request whose body was not all given"
        assert carries_mac([signature], mac_of(delivered)), "a forged request was accepted"
        if status != 202:
            assert handler.events == [parse(delivered)], "the handler got another event"
    else:
        assert not handler.events, "a rejected request reached the handler"
    mac = mac_of(delivered or b"")
    for text in (answer.decode("utf-8"), *RECORDS.lines):
        assert not leaks(text, mac), "an answer or a log line shows the secret or the MAC"


def run_wsgi(
    method: str, length: str | None, signature: str | None, body: bytes, options: int
) -> int:
    """Send one request through the WSGI app; check the answer; return its status."""
    terminated = bool(options & 0x40)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.input_terminated": terminated,
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    if signature is not None:
        environ["HTTP_X_TOPMESSAGE_SIGNATURE"] = signature
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        started.append((status, headers))

    answer = b"".join(WSGI_APPS[LIMITS[options >> 7]](environ, start_response))  # type: ignore[arg-type]
    ((status_line, headers),) = started
    code, _, reason = status_line.partition(" ")
    assert code.isdigit(), status_line
    assert reason, status_line
    # What a server would hand the app as the body; None when the app must not accept.
    delivered: bytes | None
    if length is None:
        delivered = body if terminated else b""
    elif length.strip().isdigit() and int(length) <= len(body):
        delivered = body[: int(length)]
    else:
        delivered = None
    check_answer(
        int(code), headers, answer, signature=signature, delivered=delivered, handler=HANDLER
    )
    return int(code)


def run_asgi(
    method: str, length: str | None, signature: str | None, body: bytes, options: int, chunking: int
) -> int | None:
    """Send one request through the ASGI app; check the answer; return its status, if any."""
    headers = [(b"content-type", b"application/json")]
    if length is not None:
        headers.append((b"content-length", length.encode("latin-1")))
    if signature is not None:
        headers.append((SIGNATURE_HEADER.lower().encode(), signature.encode("latin-1")))
    scope = {"type": "http", "method": method, "path": "/", "headers": headers}
    size = chunking % 64 + 1
    chunks = [body[start : start + size] for start in range(0, len(body), size)] or [b""]
    disconnect = chunking >= 250
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    if disconnect:
        messages[1:] = [{"type": "http.disconnect"}]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    LOOP.run_until_complete(ASGI_APPS[LIMITS[options >> 7]](scope, receive, send))
    if not sent:
        assert disconnect, "no answer to a client that stayed"
        assert not ASYNC_HANDLER.events, "a handler ran for a client that left"
        return None
    start, body_message = sent
    assert start["type"] == "http.response.start"
    assert body_message["type"] == "http.response.body"
    answer_headers = [
        (name.decode("latin-1"), value.decode("latin-1")) for name, value in start["headers"]
    ]
    complete = not disconnect or len(chunks) == 1
    check_answer(
        start["status"],
        answer_headers,
        body_message["body"],
        signature=signature,
        delivered=body if complete else None,
        handler=ASYNC_HANDLER,
    )
    return int(start["status"])


def test_one_input(data: bytes) -> None:
    """One fuzz input: see the module's docstring for its layout."""
    if len(data) < 3:
        return
    method = METHODS[data[0] % len(METHODS)]
    options, chunking, body = data[1], data[2], data[3:]
    length = LENGTHS[options & 7](len(body))
    kind = SIGNATURES[(options >> 3) & 3]
    signature = signature_for(kind, body)
    small = LIMITS[options >> 7] < len(body)
    for handler in (HANDLER, ASYNC_HANDLER):
        handler.events.clear()
        handler.fail = bool(options & 0x20)
    RECORDS.lines.clear()
    status = run_wsgi(method, length, signature, body, options)
    if kind == "genuine" and method == "POST" and options & 7 == 0 and not small:
        assert status != 401, "a genuine request was answered 401"
    RECORDS.lines.clear()
    status_asgi = run_asgi(method, length, signature, body, options, chunking)
    if kind == "genuine" and method == "POST" and chunking < 250 and not small:
        assert status_asgi != 401, "a genuine request was answered 401"


def main() -> None:
    """Run the fuzzer with libFuzzer's command line."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
