"""Signatures: secrets, header decoding, signing and the constant-time check."""

from __future__ import annotations

import base64
import hmac

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    InvalidSignatureError,
    MissingSignatureError,
    SignatureError,
    Webhook,
    _signature,
    sign,
    verify_signature,
)

SECRET = "whsec-test"
BODY = b'{"data":{"id":"1","status":"SEEN"}}'
MAC = hmac.digest(SECRET.encode(), BODY, "sha256")

secrets = st.text(min_size=1) | st.binary(min_size=1)


def _encodings_of(mac: bytes) -> list[str]:
    standard = base64.b64encode(mac).decode()
    urlsafe = base64.urlsafe_b64encode(mac).decode()
    return [
        mac.hex(),
        mac.hex().upper(),
        standard,
        standard.rstrip("="),
        urlsafe,
        urlsafe.rstrip("="),
        "sha256=" + mac.hex(),
        "SHA256=" + standard,
        "  " + mac.hex() + "\t\n",
    ]


@pytest.mark.parametrize("header", _encodings_of(MAC))
def test_every_accepted_encoding_verifies(header: str) -> None:
    """Hex in any case, standard or URL-safe base64, padded or not, prefix and whitespace."""
    verify_signature(BODY, header, SECRET)
    verify_signature(BODY, header.encode(), SECRET)


def test_sign_writes_lowercase_hex_by_default() -> None:
    """sign() is TopMessage's header: lowercase hex HMAC-SHA256 of the body."""
    assert sign(BODY, SECRET) == MAC.hex()


def test_sign_writes_base64_on_request() -> None:
    """encoding="base64" writes standard, padded base64 of the same MAC."""
    assert sign(BODY, SECRET, encoding="base64") == base64.b64encode(MAC).decode()


def test_sign_rejects_an_unknown_encoding() -> None:
    """An encoding other than hex or base64 is a programming error."""
    with pytest.raises(ValueError, match="encoding"):
        sign(BODY, SECRET, encoding="base32")  # type: ignore[arg-type]


def test_sign_takes_one_secret() -> None:
    """Signing with a rotation list is ambiguous and refused."""
    with pytest.raises(TypeError, match="one secret"):
        sign(BODY, [SECRET])  # type: ignore[arg-type]


def test_str_secret_is_its_utf8_bytes() -> None:
    """A str secret and its UTF-8 bytes sign and verify identically."""
    secret = "sécret-ß"
    assert sign(BODY, secret) == sign(BODY, secret.encode("utf-8"))
    verify_signature(BODY, sign(BODY, secret.encode("utf-8")), secret)


def test_str_body_is_its_utf8_bytes() -> None:
    """A str body is signed and verified as its UTF-8 encoding."""
    text = '{"data":{"text":"¡Hola!"}}'
    assert sign(text, SECRET) == sign(text.encode("utf-8"), SECRET)
    verify_signature(text.encode("utf-8"), sign(text, SECRET), SECRET)


@pytest.mark.parametrize("body", [bytearray(BODY), memoryview(BODY)])
def test_buffer_bodies_verify(body: bytearray | memoryview) -> None:
    """bytearray and memoryview bodies verify like the bytes they hold."""
    verify_signature(body, MAC.hex(), SECRET)


@pytest.mark.parametrize("header", [None, "", "   ", "\t\r\n", b"", b"  "])
def test_absent_or_blank_header_is_missing(header: str | bytes | None) -> None:
    """An absent, empty or blank header is a MissingSignatureError (401)."""
    with pytest.raises(MissingSignatureError) as caught:
        verify_signature(BODY, header, SECRET)
    assert caught.value.status_code == 401
    assert SIGNATURE_HEADER in str(caught.value)


MALFORMED = [
    "abc",
    MAC.hex()[:-1],
    MAC.hex() + "0",
    MAC.hex()[:-1] + "g",
    MAC.hex()[:32] + " " + MAC.hex()[33:],
    base64.b64encode(MAC).decode()[:-2],
    base64.b64encode(MAC).decode() + "==",
    "*" * 43,
    "sha256=",
    "sha1=" + MAC.hex(),
    "sha256=sha256=" + MAC.hex(),
    MAC.hex()[:-2] + "é",
    "\u0660" * 64,
    base64.b64encode(MAC + b"\0").decode(),
    "0" * 70,
    "a" * 2_000_000,
    " " + "f" * 1_000_000,
]


@pytest.mark.parametrize("header", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_header_is_invalid(header: str) -> None:
    """Anything but hex/base64 of 32 bytes, whatever its length, is an InvalidSignatureError."""
    with pytest.raises(InvalidSignatureError, match="not a hex or base64"):
        verify_signature(BODY, header, SECRET)


def test_non_ascii_bytes_header_is_invalid() -> None:
    """A header of non-ASCII bytes is malformed, not a decoding crash."""
    with pytest.raises(InvalidSignatureError):
        verify_signature(BODY, b"\xff" * 64, SECRET)


def test_non_text_header_value_is_invalid() -> None:
    """A header mapping holding a non-text value is rejected as malformed."""
    with pytest.raises(InvalidSignatureError, match="must be text"):
        verify_signature(BODY, {SIGNATURE_HEADER: 42}, SECRET)  # type: ignore[dict-item]


def test_wrong_mac_reminds_of_raw_body_and_own_secret() -> None:
    """A well-formed but wrong MAC says to pass the raw body and the endpoint's own secret."""
    with pytest.raises(InvalidSignatureError) as caught:
        verify_signature(BODY, sign(BODY, "another-secret"), SECRET)
    message = str(caught.value)
    assert "raw, unparsed request body" in message
    assert "own webhook secret" in message


def test_reserialised_body_fails() -> None:
    """The signature of the raw body does not verify the same JSON re-serialised."""
    raw = b'{"data": {"id": "1", "status": "SEEN"}}'
    with pytest.raises(InvalidSignatureError):
        verify_signature(b'{"data":{"id":"1","status":"SEEN"}}', sign(raw, SECRET), SECRET)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-TopMessage-Signature": MAC.hex()},
        {"x-topmessage-signature": MAC.hex()},
        {"X-TOPMESSAGE-SIGNATURE": MAC.hex()},
        {"X-Topmessage-Signature": MAC.hex(), "Content-Type": "application/json"},
        {"HTTP_X_TOPMESSAGE_SIGNATURE": MAC.hex(), "REQUEST_METHOD": "POST"},
        {b"x-topmessage-signature": MAC.hex().encode()},
    ],
)
def test_header_found_in_any_headers_mapping(headers: dict[str, str]) -> None:
    """The header is found case-insensitively, in a WSGI environ too."""
    verify_signature(BODY, headers, SECRET)


def test_headers_mapping_without_the_header_is_missing() -> None:
    """A headers mapping without the signature header is a MissingSignatureError."""
    with pytest.raises(MissingSignatureError):
        verify_signature(BODY, {"Content-Type": "application/json"}, SECRET)


def test_signature_of_the_wrong_type_is_a_type_error() -> None:
    """Passing something that is neither a header value nor a mapping is misuse."""
    with pytest.raises(TypeError, match="header's value"):
        verify_signature(BODY, 12345, SECRET)  # type: ignore[arg-type]


def test_rotation_accepts_any_listed_secret() -> None:
    """With several secrets configured, a body signed by any of them verifies."""
    webhook = Webhook(["new-secret", b"old-secret"])
    webhook.verify(BODY, sign(BODY, "old-secret"))
    webhook.verify(BODY, sign(BODY, "new-secret"))
    with pytest.raises(InvalidSignatureError):
        webhook.verify(BODY, sign(BODY, "retired-secret"))


@pytest.mark.parametrize(
    ("secret", "error"),
    [
        ("", ValueError),
        (b"", ValueError),
        ([], ValueError),
        ((), ValueError),
        (["ok", ""], ValueError),
        (None, TypeError),
        (42, TypeError),
        ([42], TypeError),
        ({"secret": "x"}, TypeError),
    ],
)
def test_bad_secret_is_a_programming_error(secret: object, error: type[Exception]) -> None:
    """Empty or mistyped secrets raise TypeError/ValueError at once, in the constructor."""
    with pytest.raises(error):
        Webhook(secret)  # type: ignore[arg-type]
    with pytest.raises(error):
        verify_signature(BODY, MAC.hex(), secret)  # type: ignore[arg-type]


def test_comparison_is_constant_time_on_decoded_mac(monkeypatch: pytest.MonkeyPatch) -> None:
    """hmac.compare_digest compares the decoded 32-byte MAC, whatever the encoding."""
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(_signature.hmac, "compare_digest", spy)
    for header in _encodings_of(MAC):
        verify_signature(BODY, header, SECRET)
    assert compared == [(MAC, MAC)] * len(_encodings_of(MAC))


@given(body=st.binary(max_size=512), secret=secrets, encoding=st.sampled_from(["hex", "base64"]))
def test_any_signed_body_verifies(body: bytes, secret: str | bytes, encoding: str) -> None:
    """For any body and secret, sign() produces a header that verifies."""
    verify_signature(body, sign(body, secret, encoding=encoding), secret)  # type: ignore[arg-type]


@given(body=st.binary(min_size=1, max_size=256), secret=secrets, data=st.data())
def test_any_changed_body_byte_fails(body: bytes, secret: str | bytes, data: st.DataObject) -> None:
    """Changing any one byte of the body makes the signature fail."""
    index = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    tampered = bytearray(body)
    tampered[index] ^= flip
    with pytest.raises(InvalidSignatureError):
        verify_signature(bytes(tampered), sign(body, secret), secret)


@given(
    body=st.binary(max_size=256), secret=secrets, index=st.integers(0, 31), flip=st.integers(1, 255)
)
def test_any_changed_mac_byte_fails(
    body: bytes, secret: str | bytes, index: int, flip: int
) -> None:
    """Changing any bit pattern of any byte of the decoded MAC makes it fail."""
    mac = bytearray(bytes.fromhex(sign(body, secret)))
    mac[index] ^= flip
    for header in (mac.hex(), base64.b64encode(mac).decode()):
        with pytest.raises(InvalidSignatureError):
            verify_signature(body, header, secret)


@given(header=st.text() | st.binary())
def test_any_header_fails_only_with_signature_errors(header: str | bytes) -> None:
    """An arbitrary header value raises a SignatureError and nothing else."""
    with pytest.raises(SignatureError):
        verify_signature(BODY, header, SECRET)


def test_header_found_in_werkzeug_headers() -> None:
    """Flask's request.headers, which is not a Mapping, works as it is."""
    from werkzeug.datastructures import Headers

    verify_signature(BODY, Headers({"X-Topmessage-Signature": MAC.hex()}), SECRET)


@given(key=st.binary(min_size=1, max_size=200), body=st.binary(max_size=300))
def test_precomputed_key_gives_the_standard_hmac(key: bytes, body: bytes) -> None:
    """A MacKey's digest is hmac.digest's, for keys shorter and longer than a hash block."""
    assert _signature.MacKey.from_bytes(key).digest(body) == hmac.digest(key, body, "sha256")


def test_precomputed_key_repr_hides_it() -> None:
    """A MacKey's repr shows nothing derived from the key."""
    assert repr(_signature.MacKey.from_bytes(b"k" * 10)) == "MacKey(<hidden>)"


class _Text(str):
    """A str subclass, which decode_signature reads on its general path only."""


hex_like = st.text(alphabet="0123456789abcdefABCDEF \t\n=+/_-sha", min_size=60, max_size=68)


@given(header=hex_like | st.text(min_size=64, max_size=64))
@example(header="  " + "ab" * 31)  # 62 digits: fromhex gives 31 bytes
@example(header="ab" * 15 + " \t" + "ab" * 16)
@example(header="sha256=" + "ab" * 28 + "a")
def test_hex_shortcut_decodes_exactly_as_the_general_path(header: str) -> None:
    """A 64-character header gives the same MAC, or the same error, with or without the shortcut."""

    def outcome(value: str) -> tuple[str, str]:
        try:
            return ("mac", _signature.decode_signature(value).hex())
        except SignatureError as error:
            return (type(error).__name__, str(error))

    assert outcome(header) == outcome(_Text(header))
