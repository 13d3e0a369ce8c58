"""The testing toolkit: factories, signed requests, and the in-process WSGI and ASGI clients."""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any
from wsgiref.validate import validator

import attrs
import fastapi
import flask
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    Channel,
    DeliveryReport,
    DeliveryStatus,
    Event,
    InvalidSignatureError,
    Location,
    MissingSignatureError,
    SignatureError,
    Webhook,
    WebhookError,
    _samples,
    asgi,
    parse,
    verify_and_parse,
    wsgi,
)
from topmessage_webhooks.testing import (
    ENCODINGS,
    FAULTS,
    ASGIClient,
    Response,
    SignedRequest,
    WSGIClient,
    client_for,
    delivery_report,
    incoming_message,
    signed_request,
    strategies,
)

SECRET = "whsec-toolkit"


# The public surface


def test_imports_without_hypothesis_or_pytest() -> None:
    """The toolkit needs nothing but the SDK: it imports with hypothesis and pytest absent."""
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = sys.modules['pytest'] = None\n"
        "import topmessage_webhooks.testing as toolkit\n"
        "print(toolkit.signed_request(toolkit.delivery_report(), 's').signature is not None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout == "True\n", result.stderr


# Factories


def _without_ids(event: Event) -> Event:
    if isinstance(event, DeliveryReport):
        return attrs.evolve(event, id="", request_id="")
    return attrs.evolve(event, id="")


def test_delivery_report_defaults_are_the_english_sample() -> None:
    """delivery_report() is the English page's sample, but for its ids."""
    assert _without_ids(delivery_report()) == _without_ids(parse(_samples.DELIVERY_REPORT_EN))


def test_incoming_message_defaults_are_the_documented_sample() -> None:
    """incoming_message() is the documented sample, but for its id."""
    assert _without_ids(incoming_message()) == _without_ids(parse(_samples.INCOMING_MESSAGE))


@pytest.mark.parametrize("factory", [delivery_report, incoming_message])
def test_factories_give_fresh_uuid4_ids(factory: Callable[[], Event]) -> None:
    """Each event gets a new UUID4 id, so events never collide in a receiver's records."""
    first, second = factory(), factory()
    assert first.id != second.id
    assert uuid.UUID(first.id).version == 4


def test_delivery_report_gets_its_own_request_id() -> None:
    """A report's request_id is a fresh UUID too, not its id."""
    report = delivery_report()
    assert report.request_id is not None
    assert report.request_id not in {report.id, delivery_report().request_id}


def test_overrides_replace_the_defaults() -> None:
    """Keyword overrides, ids included, replace the sample's values."""
    report = delivery_report(id="m-1", status="FAILED", channel="WHATSAPP", request_id=None)
    assert report == DeliveryReport(
        id="m-1", status=DeliveryStatus.FAILED, channel=Channel.WHATSAPP, type="STATUS"
    )
    location = Location(latitude="52.52", longitude="13.40")
    message = incoming_message(text=None, location=location)
    assert message.text is None
    assert message.location == location
    assert message.number == "491511234567"


@settings(max_examples=50)
@given(status=strategies.delivery_statuses(), channel=strategies.channels())
def test_factory_events_are_what_parse_returns(status: str, channel: str) -> None:
    """Known values given as strings become enum members, unknown ones stay: as parse reads them."""
    report = delivery_report(status=str(status), channel=str(channel))
    message = incoming_message(channel=str(channel))
    for event in (report, message):
        parsed = parse(event.to_json())
        assert parsed == event
        assert type(parsed.channel) is type(event.channel)
    assert type(parse(report.to_json()).status) is type(report.status)  # type: ignore[union-attr]


@pytest.mark.parametrize("factory", [delivery_report, incoming_message])
def test_unknown_override_is_a_type_error(factory: Callable[..., Event]) -> None:
    """A misspelt field name is a TypeError, not silently ignored."""
    with pytest.raises(TypeError, match="stauts"):
        factory(stauts="FAILED")


# Signed requests


@settings(max_examples=50)
@given(
    event=strategies.events(),
    encoding=st.sampled_from(ENCODINGS),
    prefix=st.booleans(),
)
def test_signed_requests_verify_and_parse_back(event: Event, encoding: Any, prefix: bool) -> None:
    """Any event, signed in any encoding, verifies and parses back equal."""
    request = signed_request(event, SECRET, encoding=encoding, prefix=prefix)
    assert verify_and_parse(*request, SECRET) == event


@settings(max_examples=25)
@given(request=strategies.signed_requests(SECRET))
def test_signed_requests_strategy_verifies(request: SignedRequest) -> None:
    """The signed_requests() strategy draws requests that verify under its secret."""
    verify_and_parse(request.body, request.headers, SECRET)


@settings(max_examples=25)
@given(request=strategies.signed_requests(SECRET, payloads=strategies.wire_payloads()))
def test_signed_requests_strategy_signs_given_payloads(request: SignedRequest) -> None:
    """Given wire payloads, signed_requests() signs them as their JSON, which parses back."""
    event = verify_and_parse(*request, SECRET)
    assert event.to_dict() == json.loads(request.body)


def _decode(signature: str) -> bytes:
    signature = signature.removeprefix("sha256=")
    if len(signature) == 64:
        return bytes.fromhex(signature)
    return base64.urlsafe_b64decode(signature.translate(str.maketrans("+/", "-_")) + "==")


_HEX = "0123456789abcdef"
_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize(
    ("encoding", "alphabet", "length"),
    [
        ("hex", _HEX, 64),
        ("hex_uppercase", _HEX.upper(), 64),
        ("base64", _BASE64 + "+/=", 44),
        ("base64_unpadded", _BASE64 + "+/", 43),
        ("base64url", _BASE64 + "-_=", 44),
        ("base64url_unpadded", _BASE64 + "-_", 43),
    ],
)
@pytest.mark.parametrize("prefix", [False, True])
def test_signature_encodings(encoding: Any, alphabet: str, length: int, prefix: bool) -> None:
    """Each encoding spells the body's HMAC-SHA256 in its own alphabet, prefixed on request."""
    body = b'{"data":{"id":"m-1","status":"DELIVERED"}}'
    signature = signed_request(body, SECRET, encoding=encoding, prefix=prefix).signature
    assert signature is not None
    assert signature.startswith("sha256=") == prefix
    value = signature.removeprefix("sha256=")
    assert _decode(value) == hmac.digest(SECRET.encode(), body, "sha256")
    assert set(value) <= set(alphabet)
    assert len(value) == length


def test_headers_are_those_topmessage_sends() -> None:
    """The request has the JSON content type and the signature header, nothing else."""
    request = signed_request(delivery_report(), SECRET)
    assert set(request.headers) == {"Content-Type", SIGNATURE_HEADER}
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("payload", "body"),
    [
        ({"data": {"id": "é", "status": "SEEN"}}, '{"data":{"id":"é","status":"SEEN"}}'.encode()),
        (b'{"data": not json', b'{"data": not json'),
        (bytearray(b"\xff\xfe"), b"\xff\xfe"),
        ('{"data": {"text": "é"}}', '{"data": {"text": "é"}}'.encode()),
    ],
)
def test_bodies_are_sent_as_given(payload: Any, body: bytes) -> None:
    """A mapping is sent as compact UTF-8 JSON; bytes and str bodies unchanged, however bad."""
    request = signed_request(payload, SECRET)
    assert request.body == body
    assert type(request.body) is bytes
    assert _decode(request.signature or "") == hmac.digest(SECRET.encode(), body, "sha256")


def test_events_are_sent_as_their_canonical_json() -> None:
    """An event's body is its to_json(), UTF-8 encoded."""
    event = incoming_message(text="¡hola!")
    assert signed_request(event, SECRET).body == event.to_json().encode()


def test_bytes_secret_signs_like_its_text() -> None:
    """A bytes secret signs exactly like the str it encodes."""
    event = delivery_report()
    assert signed_request(event, SECRET.encode()) == signed_request(event, SECRET)


_FAULT_ERRORS = {
    "wrong_secret": InvalidSignatureError,
    "tampered_body": InvalidSignatureError,
    "missing_signature": MissingSignatureError,
    "empty_signature": MissingSignatureError,
    "malformed_signature": InvalidSignatureError,
}


def test_every_fault_is_listed() -> None:
    """FAULTS names exactly the faults these tests expect errors for."""
    assert set(FAULTS) == set(_FAULT_ERRORS)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("secret", [SECRET, SECRET.encode()])
def test_faults_fail_verification_with_401(fault: Any, secret: str | bytes) -> None:
    """Each fault makes verification fail with its own SignatureError, answered 401."""
    request = signed_request(delivery_report(), secret, fault=fault)
    with pytest.raises(SignatureError) as failure:
        verify_and_parse(*request, secret)
    assert type(failure.value) is _FAULT_ERRORS[fault]
    assert failure.value.status_code == 401
    assert request.headers["Content-Type"] == "application/json"


def test_wrong_secret_is_a_well_formed_mismatch() -> None:
    """A wrong-secret signature is well-formed: it fails on the MAC, not on its form."""
    request = signed_request(delivery_report(), SECRET, fault="wrong_secret")
    with pytest.raises(InvalidSignatureError, match="does not match"):
        verify_and_parse(*request, SECRET)


def test_tampered_body_keeps_its_meaning() -> None:
    """The tampered body is the same JSON in other bytes: only raw-byte verification notices."""
    event = delivery_report()
    signed = signed_request(event, SECRET)
    tampered = signed_request(event, SECRET, fault="tampered_body")
    assert tampered.body != signed.body
    assert json.loads(tampered.body) == json.loads(signed.body)
    assert tampered.headers == signed.headers


def test_missing_signature_has_no_header() -> None:
    """missing_signature leaves the header out; the signature property is then None."""
    request = signed_request(delivery_report(), SECRET, fault="missing_signature")
    assert SIGNATURE_HEADER not in request.headers
    assert request.signature is None


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"encoding": "base32"}, ValueError),
        ({"fault": "late"}, ValueError),
        ({"secret": ""}, ValueError),
        ({"secret": None}, TypeError),
        ({"payload": 42}, TypeError),
        ({"payload": ["data"]}, TypeError),
    ],
)
def test_misuse_is_a_type_or_value_error(options: dict[str, Any], error: type[Exception]) -> None:
    """An unknown encoding or fault, a bad secret or an unsignable payload fail eagerly."""
    arguments: dict[str, Any] = {"payload": delivery_report(), "secret": SECRET, **options}
    with pytest.raises(error):
        signed_request(arguments.pop("payload"), arguments.pop("secret"), **arguments)


def test_signed_request_unpacks_and_is_read_only() -> None:
    """A SignedRequest unpacks as (body, headers), and its headers cannot be changed."""
    request = signed_request(delivery_report(), SECRET)
    body, headers = request
    assert (body, headers) == (request.body, request.headers)
    with pytest.raises(TypeError):
        request.headers[SIGNATURE_HEADER] = "x"  # type: ignore[index]
    variant = request._replace(headers={**request.headers, "X-Extra": "1"})
    assert variant.headers["X-Extra"] == "1"
    assert SECRET not in repr(request)


# Hand-written applications: what exactly the clients send


def _echo_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    seen = {
        key: value for key, value in environ.items() if isinstance(value, str) and key.isupper()
    }
    seen["body"] = body.decode()
    start_response(
        "201 Created", [("Content-Type", "application/json"), ("X-A", "1"), ("x-a", "2")]
    )
    return [json.dumps(seen).encode()]


def test_wsgi_environ_follows_pep_3333() -> None:
    """wsgiref's validator accepts the environ and the whole exchange."""
    client = WSGIClient(validator(_echo_wsgi), secret=SECRET)
    response = client.post(delivery_report(), path="/hooks/top%20message?x=1&y=2")
    assert response.status == 201
    seen = response.json()
    assert seen["REQUEST_METHOD"] == "POST"
    assert seen["PATH_INFO"] == "/hooks/top message"
    assert seen["QUERY_STRING"] == "x=1&y=2"
    assert seen["CONTENT_TYPE"] == "application/json"
    assert seen["CONTENT_LENGTH"] == str(len(seen["body"].encode()))
    assert "HTTP_CONTENT_TYPE" not in seen


def test_non_ascii_paths_are_decoded_as_each_protocol_says() -> None:
    """PATH_INFO holds the path's bytes as latin-1 (PEP 3333); the ASGI path is UTF-8 text."""
    target = "/caf%C3%A9"
    seen_by_wsgi = WSGIClient(validator(_echo_wsgi)).request("POST", target).json()
    assert seen_by_wsgi["PATH_INFO"] == "/café".encode().decode("latin-1")
    seen_by_asgi = ASGIClient(_echo_asgi).request("POST", target).json()
    assert (seen_by_asgi["path"], seen_by_asgi["raw_path"]) == ("/café", target)


def test_wsgi_request_carries_the_signed_body_and_header() -> None:
    """The app reads the exact signed body, and the signature as HTTP_X_TOPMESSAGE_SIGNATURE."""
    request = signed_request(incoming_message(text="¡hola!"), SECRET, encoding="base64")
    seen = WSGIClient(_echo_wsgi).post(request).json()
    assert seen["body"].encode() == request.body
    assert seen["HTTP_X_TOPMESSAGE_SIGNATURE"] == request.signature


def test_response_headers_are_lowercase_joined_and_read_only() -> None:
    """Header names come back lowercase, a repeated header's values joined, read-only."""
    response = WSGIClient(_echo_wsgi).request("POST")
    assert response.headers == {"content-type": "application/json", "x-a": "1, 2"}
    assert response.text == response.body.decode()
    with pytest.raises(TypeError):
        response.headers["x-a"] = "3"  # type: ignore[index]


def test_extra_headers_replace_whatever_their_case() -> None:
    """Headers given to post replace the signed ones of the same name, and add others."""
    client = WSGIClient(_echo_wsgi, secret=SECRET)
    seen = client.post(
        delivery_report(), headers={"x-topmessage-signature": "forged", "X-Trace": "t-1"}
    ).json()
    assert seen["HTTP_X_TOPMESSAGE_SIGNATURE"] == "forged"
    assert seen["HTTP_X_TRACE"] == "t-1"


def test_post_without_a_secret_needs_a_signed_request() -> None:
    """A client without a secret sends SignedRequests, and refuses to sign anything else."""
    client = WSGIClient(_echo_wsgi)
    with pytest.raises(TypeError, match="no secret"):
        client.post(delivery_report())
    assert client.post(signed_request(delivery_report(), SECRET)).status == 201


@pytest.mark.parametrize("path", ["", "hooks", "http://example.com/"])
def test_path_must_start_with_a_slash(path: str) -> None:
    """A path that is not absolute is a ValueError."""
    with pytest.raises(ValueError, match="path"):
        WSGIClient(_echo_wsgi).request("POST", path)


class _Closing:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed = True


def test_wsgi_iterable_is_joined_and_closed() -> None:
    """Chunks, write() calls and a lazy start_response all count; close() is called."""
    result = _Closing([b"b", b"c"])

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        write = start_response("200 OK", [])
        write(b"a")
        return result

    response = WSGIClient(app).request("GET")
    assert (response.status, response.body, result.closed) == (200, b"abc", True)

    def lazy(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("204 No Content", [])
        yield b""

    assert WSGIClient(lazy).request("GET").status == 204


def test_wsgi_app_without_start_response_is_an_error() -> None:
    """An app that never calls start_response fails the request."""
    with pytest.raises(RuntimeError, match="start_response"):
        WSGIClient(lambda environ, start_response: [b""]).request("GET")


def test_wsgi_start_response_twice_is_an_error() -> None:
    """Calling start_response again without exc_info breaks PEP 3333."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [])
        start_response("500 Internal Server Error", [])
        return []

    with pytest.raises(RuntimeError, match="twice"):
        WSGIClient(app).request("GET")


def test_wsgi_exc_info_replaces_headers_until_the_body_starts() -> None:
    """With exc_info, the status is replaced before the body; after, the error is raised."""

    def late(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [])
        yield b"partial"
        try:
            raise KeyError("late")
        except KeyError:
            start_response("500 Internal Server Error", [], sys.exc_info())

    def early(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [])
        try:
            raise KeyError("early")
        except KeyError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"oops"]

    assert WSGIClient(early).request("GET").status == 500
    with pytest.raises(KeyError, match="late"):
        WSGIClient(late).request("GET")


def test_wsgi_app_exceptions_reach_the_test() -> None:
    """An exception in the app is raised to the caller, not turned into a response."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        WSGIClient(app).request("POST")


Scope = MutableMapping[str, Any]


async def _echo_asgi(scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    request = await receive()
    seen = {
        key: value
        for key, value in scope.items()
        if key not in {"headers", "raw_path", "query_string"}
    }
    seen["header_list"] = [[name.decode(), value.decode()] for name, value in scope["headers"]]
    seen["raw_path"] = scope["raw_path"].decode()
    seen["query_string"] = scope["query_string"].decode()
    seen["request"] = {**request, "body": request["body"].decode()}
    body = json.dumps(seen).encode()
    await send({"type": "http.response.start", "status": 201, "headers": [(b"X-A", b"1")]})
    await send({"type": "http.response.body", "body": body[:10], "more_body": True})
    await send({"type": "http.response.body", "body": body[10:]})
    # After the answer, the client tells that it is gone.
    assert await receive() == {"type": "http.disconnect"}


def test_asgi_scope_is_an_http_scope() -> None:
    """The scope has what ASGI 3 requires; the body comes whole, in one message."""
    request = signed_request(delivery_report(), SECRET)
    response = ASGIClient(_echo_asgi).post(request, path="/hooks/top%20message?x=1")
    assert response.status == 201
    assert response.headers["x-a"] == "1"
    seen = response.json()
    assert seen["type"] == "http"
    assert seen["asgi"]["version"] == "3.0"
    assert (seen["method"], seen["scheme"], seen["http_version"]) == ("POST", "http", "1.1")
    assert (seen["path"], seen["raw_path"]) == ("/hooks/top message", "/hooks/top%20message")
    assert seen["query_string"] == "x=1"
    assert seen["root_path"] == ""
    assert seen["request"] == {
        "type": "http.request",
        "body": request.body.decode(),
        "more_body": False,
    }
    headers = dict(seen["header_list"])
    assert all(name == name.lower() for name in headers)
    assert headers["x-topmessage-signature"] == request.signature
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == str(len(request.body))


def test_asgi_post_async_runs_in_the_callers_loop() -> None:
    """post_async and request_async are awaited in an event loop that is already running."""

    async def run() -> tuple[Response, Response]:
        client = ASGIClient(_echo_asgi, secret=SECRET)
        return await client.post_async(delivery_report()), await client.request_async("GET")

    posted, got = asyncio.run(run())
    assert (posted.status, got.json()["method"]) == (201, "GET")


def test_asgi_post_in_a_running_loop_points_to_post_async() -> None:
    """The blocking post, called where an event loop runs, says to await post_async."""

    async def run() -> None:
        with pytest.raises(RuntimeError, match="await post_async"):
            ASGIClient(_echo_asgi, secret=SECRET).post(delivery_report())

    asyncio.run(run())


def _asgi_app(*messages: dict[str, Any]) -> Callable[..., Any]:
    async def app(scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        for message in messages:
            await send(message)

    return app


_START = {"type": "http.response.start", "status": 200, "headers": []}
_BODY = {"type": "http.response.body", "body": b"x"}


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ((), "without completing"),
        ((_START,), "without completing"),
        ((_START, {**_BODY, "more_body": True}), "without completing"),
        ((_BODY,), "outside its response"),
        ((_START, _BODY, _BODY), "outside its response"),
        ((_START, _START), "twice"),
    ],
)
def test_asgi_protocol_errors_fail_the_request(
    messages: tuple[dict[str, Any], ...], error: str
) -> None:
    """An app that answers out of order, twice, or not at all fails the request."""
    with pytest.raises(RuntimeError, match=error):
        ASGIClient(_asgi_app(*messages)).request("POST")


def test_asgi_app_exceptions_reach_the_test() -> None:
    """An exception in the ASGI app is raised to the caller."""

    async def app(scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        ASGIClient(app).request("POST")


# Real applications: the SDK's receivers, Flask and FastAPI


def _flask_app(secret: str, received: list[Event]) -> flask.Flask:
    app = flask.Flask(__name__)
    webhook = Webhook(secret)

    @app.post("/topmessage")
    def topmessage() -> tuple[dict[str, str], int]:
        try:
            event = webhook.verify_and_parse(
                flask.request.get_data(), flask.request.headers.get(SIGNATURE_HEADER)
            )
        except WebhookError as error:
            return {"error": type(error).__name__}, error.status_code
        received.append(event)
        return {"status": "received"}, 200

    return app


def _fastapi_app(secret: str, received: list[Event]) -> fastapi.FastAPI:
    app = fastapi.FastAPI()
    webhook = Webhook(secret)

    @app.post("/topmessage")
    async def topmessage(request: fastapi.Request) -> fastapi.responses.JSONResponse:
        try:
            event = webhook.verify_and_parse(await request.body(), request.headers)
        except WebhookError as error:
            return fastapi.responses.JSONResponse(
                {"error": type(error).__name__}, status_code=error.status_code
            )
        received.append(event)
        return fastapi.responses.JSONResponse({"status": "received"})

    return app


def _framework_app(name: str, received: list[Event]) -> tuple[Any, str]:
    if name == "flask":
        return _flask_app(SECRET, received), "/topmessage"
    if name == "fastapi":
        return _fastapi_app(SECRET, received), "/topmessage"
    receiver = wsgi if name == "wsgi" else asgi
    return receiver.WebhookApp(SECRET, received.append), "/"


APPS = ["wsgi", "asgi", "flask", "fastapi"]


@pytest.mark.parametrize(
    ("name", "client_class"),
    [("wsgi", WSGIClient), ("asgi", ASGIClient), ("flask", WSGIClient), ("fastapi", ASGIClient)],
)
def test_client_for_tells_wsgi_from_asgi(name: str, client_class: type) -> None:
    """client_for picks the ASGI client for async applications, WSGI for the others."""
    app, _ = _framework_app(name, [])
    assert type(client_for(app)) is client_class


def test_client_for_plain_functions_and_non_callables() -> None:
    """A coroutine function is ASGI, a plain one WSGI, and anything else a TypeError."""
    assert type(client_for(_echo_asgi)) is ASGIClient
    assert type(client_for(_echo_wsgi)) is WSGIClient
    assert type(client_for(flask.Flask(__name__).wsgi_app)) is WSGIClient
    with pytest.raises(TypeError, match="WSGI or ASGI"):
        client_for("app")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", APPS)
@pytest.mark.parametrize(
    "event",
    [
        *(
            delivery_report(status=status, channel=channel)
            for status in DeliveryStatus
            for channel in Channel
        ),
        incoming_message(),
        incoming_message(channel="SMS", text=None, location=Location(latitude="1", longitude="2")),
    ],
    ids=lambda event: f"{type(event).__name__}-{getattr(event, 'status', '')}-{event.channel}",
)
def test_real_apps_receive_what_was_posted(name: str, event: Event) -> None:
    """Each app answers 200 and its handler gets the very event that was posted."""
    received: list[Event] = []
    app, path = _framework_app(name, received)
    response = client_for(app, secret=SECRET).post(event, path=path)
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    assert received == [event]


@pytest.mark.parametrize("name", APPS)
@pytest.mark.parametrize("fault", FAULTS)
def test_real_apps_answer_faults_with_401(name: str, fault: Any) -> None:
    """Each app answers every fault with 401, and its handler never runs."""
    received: list[Event] = []
    app, path = _framework_app(name, received)
    request = signed_request(incoming_message(), SECRET, fault=fault)
    response = client_for(app).post(request, path=path)
    assert response.status == 401
    assert received == []


@settings(max_examples=20, deadline=None)
@given(event=strategies.events(), name=st.sampled_from(APPS))
def test_real_apps_receive_any_event(event: Event, name: str) -> None:
    """Whatever the event, every app gets it equal to what was posted."""
    received: list[Event] = []
    app, path = _framework_app(name, received)
    assert client_for(app, secret=SECRET).post(event, path=path).status == 200
    assert received == [event]


@pytest.mark.parametrize("name", ["wsgi", "asgi"])
def test_sdk_receivers_answer_other_methods_with_405(name: str) -> None:
    """request() sends other methods too: the SDK's receivers answer GET with 405."""
    app, _ = _framework_app(name, [])
    response = client_for(app).request("GET")
    assert response.status == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"
