"""Secret hygiene: no error, repr, log line, answer or CLI output shows a secret.

What must never be shown: the secret, the MAC the body should carry (hex or
base64), and the raw body. Bodies here are longer than anything an error may
quote from a payload (values are shortened to 40 characters), so a body that
shows up whole was leaked, not quoted.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import io
import json
import logging
import traceback
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    Webhook,
    WebhookError,
    _cli,
    asgi,
    parse,
    sign,
    verify_and_parse,
    verify_signature,
    wsgi,
)
from topmessage_webhooks.testing.strategies import events

LONGEST_QUOTE = 48
TOKEN = "4f0c1d2e9b8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d"
SECRET = "hygiene-secret-" + "k" * 17


def secret_shown(key: bytes) -> list[str]:
    """The ways a secret could be shown in text."""
    return [key.decode("utf-8", "backslashreplace"), repr(key)[2:-1], key.hex()]


def forbidden(body: bytes, secret: str | bytes) -> list[str]:
    """What no output may contain: the secret, the expected MAC, and the raw body."""
    key = secret.encode() if isinstance(secret, str) else secret
    mac = hmac.digest(key, body, "sha256")
    shown = [
        mac.hex(),
        mac.hex().upper(),
        base64.b64encode(mac).decode().rstrip("="),
        base64.urlsafe_b64encode(mac).decode().rstrip("="),
        *secret_shown(key),
    ]
    if len(body) >= LONGEST_QUOTE:
        shown += [body.decode("utf-8", "backslashreplace"), repr(body)[2:-1]]
    return shown


def assert_hidden(text: str, body: bytes, secret: str | bytes) -> None:
    """``text`` shows none of ``forbidden(body, secret)``."""
    for value in forbidden(body, secret):
        assert value not in text


def everything_shown(error: BaseException) -> str:
    """Every text an error shows: str, repr, notes, and the formatted chain with its causes."""
    texts = [str(error), repr(error), *getattr(error, "__notes__", ())]
    texts += traceback.format_exception(error)
    cause = error.__cause__ or error.__context__
    while cause is not None:
        texts.append(str(cause))
        cause = cause.__cause__ or cause.__context__
    return "\n".join(texts)


# Secrets carry a prefix no drawn body holds, so a secret shown is a leak, not a
# payload value that happens to equal it being quoted back.
secrets = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), max_size=48
).map(lambda text: "s3cr3t~" + text) | st.binary(max_size=48).map(lambda key: b"\xffkey" + key)
bodies = (
    st.binary(min_size=LONGEST_QUOTE, max_size=400)
    | events().map(lambda event: event.to_json().encode("utf-8"))
    | st.text(max_size=40).map(
        lambda text: json.dumps({"data": {"id": TOKEN, "status": text}}).encode("utf-8")
    )
)
SIGNATURES: dict[str, Callable[[bytes, bytes], str | None]] = {
    "missing": lambda body, key: None,
    "blank": lambda body, key: "   ",
    "malformed": lambda body, key: "sha256=" + "z" * 64,
    "wrong secret": lambda body, key: sign(body, key + b"-other"),
    "tampered body": lambda body, key: sign(body + b" ", key),
    "genuine": lambda body, key: sign(body, key),
}


@given(body=bodies, secret=secrets, kind=st.sampled_from(sorted(SIGNATURES)), strict=st.booleans())
def test_errors_never_show_the_secret_mac_or_body(
    body: bytes, secret: str | bytes, kind: str, strict: bool
) -> None:
    """Every WebhookError, with its chain and notes, hides the secret, the MAC and the body."""
    key = secret.encode() if isinstance(secret, str) else secret
    signature = SIGNATURES[kind](body, key)
    attempts: list[Callable[[], object]] = [
        lambda: verify_and_parse(body, signature, secret, strict=strict),
        lambda: verify_and_parse(body, {SIGNATURE_HEADER: signature or ""}, [b"old-key", secret]),
        lambda: verify_signature(body, signature, secret, max_body_size=LONGEST_QUOTE),
        lambda: Webhook(secret).verify(body.decode("latin-1"), signature),
        lambda: parse(body, strict=strict),
    ]
    for attempt in attempts:
        try:
            attempt()
        except WebhookError as error:
            assert_hidden(everything_shown(error), body, secret)


@given(secret=secrets)
def test_reprs_hide_the_secret(secret: str | bytes) -> None:
    """The reprs of a Webhook and of both receivers do not show the secret."""
    webhook = Webhook([secret, b"second-secret-value"])
    for shown in (webhook, wsgi.WebhookApp(webhook, print), asgi.WebhookApp(secret, print)):
        assert_hidden(repr(shown), b"", secret)
        assert "second-secret-value" not in repr(shown)


# -- the receivers: answers and log lines ---------------------------------------

LIMIT = 256
GENUINE = f'{{"data": {{"id": "{TOKEN}", "status": "DELIVERED"}}}}'.encode()
MALFORMED = b'{"data": {"id": "' + TOKEN.encode() + b'", "status": [not json'
UNKNOWN = f'{{"data": {{"id": "{TOKEN}", "mood": "curious"}}}}'.encode()
OVERSIZE = GENUINE + b" " * LIMIT
WRONG_KEY = SECRET.encode() + b"-wrong"


def handler(event: Any) -> None:
    """A handler that fails on one event, as a buggy one would."""
    if event.status == "FAILED":
        raise RuntimeError("the handler could not store the event")


REQUESTS: dict[str, tuple[str, bytes, str | None]] = {
    "genuine": ("POST", GENUINE, sign(GENUINE, SECRET)),
    "forged": ("POST", GENUINE, sign(GENUINE, WRONG_KEY)),
    "tampered": ("POST", GENUINE.replace(b"DELIVERED", b"SEEN"), sign(GENUINE, SECRET)),
    "unsigned": ("POST", GENUINE, None),
    "malformed signature": ("POST", GENUINE, sign(GENUINE, SECRET)[:-2] + "!!"),
    "malformed body": ("POST", MALFORMED, sign(MALFORMED, SECRET)),
    "unknown event": ("POST", UNKNOWN, sign(UNKNOWN, SECRET)),
    "oversize": ("POST", OVERSIZE, sign(OVERSIZE, SECRET)),
    "handler failure": (
        "POST",
        GENUINE.replace(b"DELIVERED", b"FAILED"),
        sign(GENUINE.replace(b"DELIVERED", b"FAILED"), SECRET),
    ),
    "wrong method": ("PUT", GENUINE, sign(GENUINE, SECRET)),
}


#: Requests whose body is verified: their event id may be logged, to trace them.
VERIFIED = frozenset({"genuine", "handler failure", "unknown event"})


def call_wsgi(method: str, body: bytes, signature: str | None) -> tuple[str, bytes]:
    """Send one request through the WSGI receiver in-process; return status and body."""
    app = wsgi.WebhookApp(Webhook(SECRET, max_body_size=LIMIT), handler)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    if signature is not None:
        environ["HTTP_X_TOPMESSAGE_SIGNATURE"] = signature
    setup_testing_defaults(environ)
    started: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        started.append(status)

    answer = b"".join(app(environ, start_response))  # type: ignore[arg-type]
    return started[0], answer


def call_asgi(method: str, body: bytes, signature: str | None) -> tuple[str, bytes]:
    """Send one request through the ASGI receiver in-process; return status and body."""
    app = asgi.WebhookApp(Webhook(SECRET, max_body_size=LIMIT), handler)
    headers = [(b"content-length", str(len(body)).encode())]
    if signature is not None:
        headers.append((SIGNATURE_HEADER.lower().encode(), signature.encode()))
    scope = {"type": "http", "method": method, "path": "/", "headers": headers}
    messages = iter([{"type": "http.request", "body": body, "more_body": False}])
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return str(sent[0]["status"]), sent[1]["body"]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record of the package's logger, at every level."""
    caplog.set_level(logging.DEBUG, logger="topmessage_webhooks")
    return caplog


@pytest.mark.parametrize("call", [call_wsgi, call_asgi], ids=["wsgi", "asgi"])
@pytest.mark.parametrize("request_kind", sorted(REQUESTS))
def test_receivers_log_and_answer_without_secrets(
    call: Callable[[str, bytes, str | None], tuple[str, bytes]],
    request_kind: str,
    logs: pytest.LogCaptureFixture,
) -> None:
    """Answers and log lines (tracebacks included) hide the secret, the MAC and the body."""
    method, body, signature = REQUESTS[request_kind]
    status, answer = call(method, body, signature)
    assert status.startswith(("200", "202", "400", "401", "405", "413", "500"))
    assert logs.records, "every request but a genuine one is logged; a genuine one at DEBUG"
    for text in (answer.decode("utf-8"), logs.text):
        assert_hidden(text, body, SECRET)
        if request_kind not in VERIFIED:
            assert TOKEN not in text, "a rejected body's content was shown"


def test_failing_handler_is_logged_with_its_traceback(logs: pytest.LogCaptureFixture) -> None:
    """The handler-failure case above does log a traceback, so its check is not vacuous."""
    call_wsgi(*REQUESTS["handler failure"])
    assert "RuntimeError: the handler could not store the event" in logs.text


# -- the command line -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "signature", "code"),
    [
        (GENUINE, sign(GENUINE, WRONG_KEY), _cli.EXIT_BAD_SIGNATURE),
        (GENUINE, sign(GENUINE + b"\n", SECRET), _cli.EXIT_BAD_SIGNATURE),
        (GENUINE, "sha256=" + "0" * 63, _cli.EXIT_BAD_SIGNATURE),
        (MALFORMED, sign(MALFORMED, SECRET), _cli.EXIT_BAD_PAYLOAD),
        (OVERSIZE * 5000, sign(OVERSIZE * 5000, SECRET), _cli.EXIT_BAD_PAYLOAD),
    ],
    ids=["wrong secret", "tampered body", "malformed signature", "malformed body", "oversize"],
)
def test_cli_verify_failures_hide_the_secret(
    body: bytes,
    signature: str,
    code: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``verify`` with a bad signature or body prints neither the secret, the MAC nor the body."""
    path = tmp_path / "body.json"
    path.write_bytes(body)
    assert _cli.main(["verify", str(path), "--signature", signature, "--secret", SECRET]) == code
    output = capsys.readouterr()
    assert output.err
    assert_hidden(output.out + output.err, body, SECRET)
