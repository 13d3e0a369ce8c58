"""The entry points: verify_and_parse, parse, Webhook, and what bad input gets."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topmessage_webhooks import (
    DeliveryReport,
    DeliveryStatus,
    IncomingMessage,
    InvalidSignatureError,
    MissingSignatureError,
    PayloadError,
    PayloadTooLargeError,
    SignatureError,
    UnknownEventError,
    Webhook,
    WebhookError,
    parse,
    sign,
    verify_and_parse,
    verify_signature,
)
from topmessage_webhooks.testing import strategies

SECRET = "whsec-entry-points"
REPORT = b'{"data":{"id":"r-1","channel":"WHATSAPP","status":"FAILED"}}'


def _signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"X-TopMessage-Signature": sign(body, secret)}


def test_verify_and_parse_returns_the_typed_event() -> None:
    """A signed delivery report comes back as a DeliveryReport."""
    event = verify_and_parse(REPORT, _signed(REPORT), SECRET)
    assert event == DeliveryReport(id="r-1", status=DeliveryStatus.FAILED, channel="WHATSAPP")


def test_webhook_methods_match_the_module_functions() -> None:
    """Webhook.verify_and_parse/parse/verify behave like the module-level functions."""
    webhook = Webhook(SECRET)
    header = sign(REPORT, SECRET)
    assert webhook.verify_and_parse(REPORT, header) == verify_and_parse(REPORT, header, SECRET)
    assert webhook.parse(REPORT) == parse(REPORT)
    assert webhook.verify(REPORT, header) is None


def test_webhook_repr_hides_the_secret() -> None:
    """Webhook's repr shows its settings, never the secret."""
    text = repr(Webhook([SECRET, "second-secret"], strict=True, max_body_size=10))
    assert SECRET not in text
    assert "second-secret" not in text
    assert text == "Webhook(secret=<2 hidden>, strict=True, max_body_size=10)"


@pytest.mark.parametrize("size", [0, -1])
def test_max_body_size_must_be_positive(size: int) -> None:
    """A zero or negative limit is a programming error."""
    with pytest.raises(ValueError, match="positive"):
        Webhook(SECRET, max_body_size=size)


@pytest.mark.parametrize("size", [1.5, "10", True, None])
def test_max_body_size_must_be_an_int(size: object) -> None:
    """A limit that is not an int is a programming error."""
    with pytest.raises(TypeError, match="max_body_size"):
        Webhook(SECRET, max_body_size=size)  # type: ignore[arg-type]


@pytest.mark.parametrize("body", [{"data": {}}, ["x"], 42, None])
def test_decoded_body_is_a_type_error_saying_pass_the_raw_body(body: object) -> None:
    """A dict or other non-body type is a TypeError that tells to pass the raw body."""
    with pytest.raises(TypeError, match="raw request body"):
        verify_and_parse(body, "00" * 32, SECRET)  # type: ignore[arg-type]


def test_size_is_checked_before_the_signature() -> None:
    """An oversize body is rejected before the signature is even looked at."""
    body = b"x" * 101
    with pytest.raises(PayloadTooLargeError) as caught:
        verify_and_parse(body, None, SECRET, max_body_size=100)
    assert caught.value.status_code == 413


@pytest.mark.parametrize(
    "body", [b"x" * 101, bytearray(101), memoryview(b"x" * 101), "x" * 101, "é" * 51]
)
def test_every_body_type_respects_the_limit(body: bytes | bytearray | memoryview | str) -> None:
    """The limit counts bytes, for bytes, buffers and UTF-8 text alike."""
    with pytest.raises(PayloadTooLargeError):
        verify_and_parse(body, sign(b"", SECRET), SECRET, max_body_size=100)


def test_body_of_exactly_the_limit_passes_the_size_check() -> None:
    """A body exactly max_body_size bytes long is accepted by the size check."""
    verify_and_parse(REPORT, _signed(REPORT), SECRET, max_body_size=len(REPORT))


def test_every_entry_point_enforces_the_limit() -> None:
    """verify, parse and verify_and_parse all refuse a body over the limit."""
    webhook = Webhook(SECRET, max_body_size=len(REPORT) - 1)
    header = sign(REPORT, SECRET)
    for call in (
        lambda: webhook.verify(REPORT, header),
        lambda: webhook.parse(REPORT),
        lambda: webhook.verify_and_parse(REPORT, header),
        lambda: verify_signature(REPORT, header, SECRET, max_body_size=len(REPORT) - 1),
        lambda: parse(REPORT.decode(), max_body_size=len(REPORT) - 1),
    ):
        with pytest.raises(PayloadTooLargeError):
            call()


def test_missing_signature_is_checked_before_a_malformed_one() -> None:
    """Order of checks: signature present, then well-formed, then MAC."""
    with pytest.raises(MissingSignatureError):
        verify_and_parse(b"not json", {}, SECRET)
    with pytest.raises(InvalidSignatureError, match="not a hex or base64"):
        verify_and_parse(b"not json", "zz", SECRET)


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"", b'{"data": 1}'])
def test_forged_signature_on_any_body_is_a_signature_error(body: bytes) -> None:
    """Verification comes before parsing: a forged non-JSON body is a SignatureError."""
    with pytest.raises(SignatureError):
        verify_and_parse(body, sign(body, "attacker"), SECRET)


MALFORMED_SIGNED = {
    "not utf-8": b'{"data":{"id":"\xff","status":"SEEN"}}',
    "utf-16": '{"data":{"id":"1","status":"SEEN"}}'.encode("utf-16"),
    "utf-8 bom": b'\xef\xbb\xbf{"data":{"id":"1","status":"SEEN"}}',
    "not json": b"data=1",
    "empty": b"",
    "trailing data": REPORT + b"{}",
    "NaN": b'{"data":{"id":"1","status":"SEEN","x":NaN}}',
    "Infinity": b'{"data":{"id":"1","status":"SEEN","x":-Infinity}}',
    "top level array": b'[{"data":{}}]',
    "top level string": b'"data"',
    "data missing": b'{"event":{"id":"1"}}',
    "data null": b'{"data":null}',
    "data array": b'{"data":[]}',
    "data string": b'{"data":"x"}',
}


@pytest.mark.parametrize("body", MALFORMED_SIGNED.values(), ids=MALFORMED_SIGNED.keys())
def test_signed_but_malformed_body_is_a_payload_error(body: bytes) -> None:
    """A genuine body that is not a readable event is a PayloadError (400)."""
    with pytest.raises(PayloadError) as caught:
        verify_and_parse(body, sign(body, SECRET), SECRET)
    assert type(caught.value) is PayloadError
    assert caught.value.status_code == 400


def test_unknown_event_carries_its_data_and_is_answered_202() -> None:
    """Data of neither kind is an UnknownEventError with the verified data and the keys seen."""
    body = b'{"data":{"id":"x","poll":{"question":"?"}}}'
    with pytest.raises(UnknownEventError) as caught:
        verify_and_parse(body, sign(body, SECRET), SECRET)
    assert caught.value.status_code == 202
    assert caught.value.data == {"id": "x", "poll": {"question": "?"}}
    assert "'id', 'poll'" in str(caught.value)


def test_parse_accepts_a_decoded_mapping() -> None:
    """parse() reads a mapping that is already decoded."""
    assert parse(json.loads(REPORT)) == parse(REPORT) == parse(REPORT.decode())


def test_parse_of_json_text_keeps_lone_surrogates() -> None:
    """JSON text with a \\u escape of a lone surrogate reads back the same."""
    event = parse('{"data":{"id":"\\ud800","status":"SEEN"}}')
    assert event.id == "\ud800"
    assert parse(event.to_json()) == event


def test_a_shared_webhook_is_safe_across_threads() -> None:
    """One Webhook verifies different bodies from many threads at once, correctly."""
    webhook = Webhook(SECRET)
    bodies = [
        json.dumps({"data": {"id": str(n), "status": "DELIVERED"}}).encode() for n in range(200)
    ]
    start = threading.Barrier(8)

    def check(body: bytes) -> str:
        return webhook.verify_and_parse(body, sign(body, SECRET)).id

    with ThreadPoolExecutor(8, initializer=start.wait) as pool:
        ids = list(pool.map(check, bodies))
    assert ids == [str(n) for n in range(200)]


@given(event=strategies.events(), secret=st.text(min_size=1))
def test_any_signed_event_verifies_and_parses(
    event: DeliveryReport | IncomingMessage, secret: str
) -> None:
    """For any event and secret, verify_and_parse(body, sign(body, s), s) returns it."""
    body = event.to_json().encode()
    assert verify_and_parse(body, sign(body, secret), secret) == event


@given(body=st.binary(max_size=300) | st.text(max_size=300), header=st.text() | st.binary())
def test_arbitrary_input_raises_only_webhook_errors(body: bytes | str, header: str | bytes) -> None:
    """Arbitrary bodies and headers raise WebhookError subclasses and nothing else."""
    with pytest.raises(WebhookError):
        verify_and_parse(body, header, SECRET)


@given(body=st.binary(max_size=300) | st.text(max_size=300), strict=st.booleans())
def test_arbitrary_signed_input_raises_only_webhook_errors(body: bytes | str, strict: bool) -> None:
    """Arbitrary genuine bodies either parse or raise a WebhookError, nothing else."""
    try:
        verify_and_parse(body, sign(body, SECRET), SECRET, strict=strict)
    except WebhookError as error:
        message = str(error)
    else:
        return
    assert SECRET not in message
    assert sign(body, SECRET) not in message


def test_module_functions_check_their_settings_on_every_call() -> None:
    """A Webhook is reused only for settings of the same types: True is not a size limit of 1."""
    header = sign(REPORT, SECRET)
    with pytest.raises(PayloadTooLargeError):
        verify_and_parse(REPORT, header, SECRET, max_body_size=1)
    with pytest.raises(TypeError):
        verify_and_parse(REPORT, header, SECRET, max_body_size=True)
    with pytest.raises(TypeError):
        verify_signature(REPORT, header, SECRET, max_body_size=True)
    with pytest.raises(ValueError, match="empty"):
        verify_and_parse(REPORT, header, "")
    event = verify_and_parse(REPORT, header, [SECRET, "rotated-out"], strict=True)
    assert event == verify_and_parse(REPORT, header, SECRET.encode())


def test_module_functions_keep_only_a_few_recent_secrets() -> None:
    """The reuse of Webhooks is bounded, and nothing about it shows a secret."""
    from topmessage_webhooks._webhook import _recent_webhook

    for number in range(40):
        secret = f"rotating-secret-{number}"
        verify_and_parse(REPORT, sign(REPORT, secret), secret)
    info = _recent_webhook.cache_info()
    assert info.currsize <= 16
    assert "rotating-secret" not in repr(_recent_webhook) + repr(info)


def test_webhook_settings_are_read_only() -> None:
    """A shared Webhook's settings cannot be changed after construction."""
    webhook = Webhook(SECRET, strict=True, max_body_size=10)
    assert (webhook.strict, webhook.max_body_size) == (True, 10)
    with pytest.raises(AttributeError):
        webhook.max_body_size = 10**9  # type: ignore[misc]
    with pytest.raises(AttributeError):
        webhook.strict = False  # type: ignore[misc]
