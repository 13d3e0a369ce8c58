"""The command line: every command in process, and serve/send as real processes."""

from __future__ import annotations

import base64
import hmac
import http.server
import io
import json
import os
import queue
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from email.message import Message
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    DeliveryReport,
    IncomingMessage,
    _cli,
    _console,
    parse,
    sign,
    verify_and_parse,
)
from topmessage_webhooks import _samples as samples
from topmessage_webhooks.testing.strategies import events

ROOT = Path(__file__).resolve().parents[1]
SECRET = "cli-test-secret-" + "q" * 16
REPORT = samples.DELIVERY_REPORT_EN
MESSAGE = samples.INCOMING_MESSAGE
UNKNOWN = b'{"data": {"id": "u-1", "mood": "cheerful"}}'
# Generous limits, only so that a broken build fails instead of hanging.
PATIENCE = 20


class Result(NamedTuple):
    code: int
    out: str
    err: str


def run(*argv: str, stdin: bytes = b"") -> Result:
    """``main(argv)`` in process, with ``stdin`` as standard input; its code and output."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        code = _cli.main(list(argv))
    return Result(code, out.getvalue(), err.getvalue())


def hidden_values(body: bytes, secret: str = SECRET) -> list[str]:
    """What no output may show: the secret and the MAC the body should carry."""
    mac = hmac.digest(secret.encode(), body, "sha256")
    return [secret, mac.hex(), base64.b64encode(mac).decode().rstrip("=")]


def assert_one_line_error(result: Result, *words: str) -> None:
    """A usage error: exit 2, one ``error:`` line on stderr, no traceback, nothing on stdout."""
    assert result.code == _cli.EXIT_USAGE
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"{_cli.PROG}: error: ")
    for word in words:
        assert word in result.err


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test depends on a secret or colour setting of the machine it runs on."""
    monkeypatch.delenv(_cli.SECRET_ENV, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    """A file holding the English delivery report sample."""
    path = tmp_path / "body.json"
    path.write_bytes(REPORT)
    return path


# -- sign ------------------------------------------------------------------------


@given(
    body=st.binary(max_size=200),
    secret=st.text(min_size=1, max_size=20).filter(lambda text: "\x00" not in text),
    encoding=st.sampled_from(["hex", "base64"]),
)
def test_sign_prints_the_librarys_signature_of_the_raw_stdin_bytes(
    body: bytes, secret: str, encoding: str
) -> None:
    """``sign`` prints exactly ``sign(body, secret)`` for any bytes read from stdin."""
    result = run("sign", f"--secret={secret}", "--encoding", encoding, stdin=body)
    assert result == (0, sign(body, secret, encoding=encoding) + "\n", "")  # type: ignore[arg-type]


def test_sign_reads_a_file_as_raw_bytes(tmp_path: Path) -> None:
    """A file's CRLFs and non-UTF-8 bytes are signed as they are, never re-encoded."""
    body = b'{"data": {"id": "\xff"}}\r\n'
    path = tmp_path / "raw.json"
    path.write_bytes(body)
    assert run("sign", str(path), "--secret", SECRET).out == sign(body, SECRET) + "\n"


def test_sign_dash_reads_stdin() -> None:
    """``-`` as the file reads standard input."""
    assert run("sign", "-", "--secret", SECRET, stdin=REPORT).out == sign(REPORT, SECRET) + "\n"


def test_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``--secret``, the secret is ``TOPMESSAGE_WEBHOOK_SECRET``."""
    monkeypatch.setenv(_cli.SECRET_ENV, SECRET)
    assert run("sign", stdin=REPORT).out == sign(REPORT, SECRET) + "\n"


def test_secret_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--secret`` is used even when the environment variable is set."""
    monkeypatch.setenv(_cli.SECRET_ENV, "the-other-secret")
    assert run("sign", "--secret", SECRET, stdin=REPORT).out == sign(REPORT, SECRET) + "\n"


def test_secret_argument_keeps_bytes_that_are_not_utf8() -> None:
    """An argument byte that is not UTF-8 (a surrogate escape in argv) is keyed as that byte."""
    assert run("sign", "--secret", "k\udcff", stdin=REPORT).out == sign(REPORT, b"k\xff") + "\n"


COMMANDS = {
    "sign": ["sign"],
    "verify": ["verify", "--signature", "x"],
    "send": ["send", "http://127.0.0.1:9/"],
    "serve": ["serve", "--port", "0"],
}


@pytest.mark.parametrize("command", ["sign", "verify"])
def test_missing_secret_is_a_one_line_error(command: str) -> None:
    """Without ``--secret`` or the environment variable, sign and verify refuse, on one line."""
    result = run(*COMMANDS[command], stdin=REPORT)
    assert_one_line_error(result, "--secret", _cli.SECRET_ENV)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_empty_secret_is_a_one_line_error(command: str) -> None:
    """An empty secret is refused by every command, before anything is read, sent or served."""
    result = run(*COMMANDS[command], "--secret", "", stdin=REPORT)
    assert_one_line_error(result, "must not be empty")


@pytest.mark.parametrize("command", ["sign", "verify"])
def test_unreadable_body_file_is_a_one_line_error(command: str, tmp_path: Path) -> None:
    """A missing file or a directory is named in one error line."""
    for path in (tmp_path / "missing.json", tmp_path):
        result = run(*COMMANDS[command], str(path), "--secret", SECRET)
        assert_one_line_error(result, f"cannot read {path}")


# -- verify ----------------------------------------------------------------------


@given(event=events(), encoding=st.sampled_from(["hex", "base64"]))
def test_verify_prints_the_event_of_any_signed_body(event: Any, encoding: str) -> None:
    """``verify`` prints the kind and the canonical form of any event it verifies."""
    body = event.to_json().encode()
    signature = sign(body, SECRET, encoding=encoding)  # type: ignore[arg-type]
    result = run("verify", "--signature", signature, "--secret", SECRET, stdin=body)
    assert result.code == _cli.EXIT_OK
    printed = json.loads(result.out)
    assert printed["kind"] == (
        "delivery-report" if isinstance(event, DeliveryReport) else "incoming-message"
    )
    assert parse(json.dumps(printed["event"])) == event


@pytest.mark.parametrize(
    ("body", "kind"), [(REPORT, "delivery-report"), (MESSAGE, "incoming-message")]
)
def test_verify_reads_a_file_signed_by_sign(body: bytes, kind: str, tmp_path: Path) -> None:
    """What ``sign`` prints for a file, ``verify`` accepts for it: TopMessage's samples."""
    path = tmp_path / "body.json"
    path.write_bytes(body)
    signature = run("sign", str(path), "--secret", SECRET).out.strip()
    result = run("verify", str(path), "--signature", signature, "--secret", SECRET)
    assert result.code == _cli.EXIT_OK
    assert json.loads(result.out) == {"kind": kind, "event": parse(body).to_dict()}
    assert result.err == ""


@pytest.mark.parametrize(
    "signature",
    [sign(REPORT, "another-secret"), sign(REPORT + b" ", SECRET), "sha256=zz", "  "],
    ids=["wrong secret", "other body", "malformed", "blank"],
)
def test_verify_bad_signature_exits_1(signature: str, body_file: Path) -> None:
    """A signature that does not prove the body exits 1, with the reason on stderr only."""
    result = run("verify", str(body_file), "--signature", signature, "--secret", SECRET)
    assert result.code == _cli.EXIT_BAD_SIGNATURE == 1
    assert result.out == ""
    assert "SignatureError" in result.err
    assert "\n" not in result.err.rstrip("\n")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"data": ', "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"data": []}', "expected an object"),
        (b" " * (1_048_576 + 1), "limit"),
    ],
    ids=["truncated JSON", "not UTF-8", "data not an object", "too large"],
)
def test_verify_bad_payload_exits_3(body: bytes, reason: str) -> None:
    """A verified body that is not a readable event exits 3, saying why."""
    result = run("verify", "--signature", sign(body, SECRET), "--secret", SECRET, stdin=body)
    assert result.code == _cli.EXIT_BAD_PAYLOAD == 3
    assert result.out == ""
    assert reason in result.err


def test_verify_unknown_event_exits_4_and_prints_its_data() -> None:
    """A verified event of an unknown kind exits 4, with its data printed as kind "unknown"."""
    result = run("verify", "--signature", sign(UNKNOWN, SECRET), "--secret", SECRET, stdin=UNKNOWN)
    assert result.code == _cli.EXIT_UNKNOWN_EVENT == 4
    assert json.loads(result.out) == {"kind": "unknown", "event": json.loads(UNKNOWN)}
    assert "UnknownEventError" in result.err


def test_verify_strict_rejects_what_the_default_keeps() -> None:
    """``--strict`` turns an unknown key into a bad payload; without it the key is kept."""
    body = b'{"data": {"id": "r-1", "status": "SEEN", "colour": "blue"}}'
    argv = ["verify", "--signature", sign(body, SECRET), "--secret", SECRET]
    lenient = run(*argv, stdin=body)
    assert lenient.code == _cli.EXIT_OK
    assert json.loads(lenient.out)["event"]["data"]["colour"] == "blue"
    strict = run(*argv, "--strict", stdin=body)
    assert strict.code == _cli.EXIT_BAD_PAYLOAD
    assert "colour" in strict.err


def test_verify_requires_the_signature_option(body_file: Path) -> None:
    """Without ``--signature``, verify is a usage error naming the option."""
    result = run("verify", str(body_file), "--secret", SECRET)
    assert result.code == _cli.EXIT_USAGE
    assert "--signature" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("body", "signature"),
    [
        (REPORT, sign(REPORT, SECRET)),
        (REPORT, sign(REPORT, "another-secret")),
        (UNKNOWN, sign(UNKNOWN, SECRET)),
        (b"[1, 2]", sign(b"[1, 2]", SECRET)),
    ],
    ids=["verified", "bad signature", "unknown event", "bad payload"],
)
def test_verify_output_hides_the_secret_and_expected_signature(body: bytes, signature: str) -> None:
    """Whatever the outcome, verify shows neither the secret nor the body's signature."""
    result = run("verify", "--signature", signature, "--secret", SECRET, stdin=body)
    for value in hidden_values(body):
        assert value not in result.out + result.err


# -- help, version, demo -----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ("sign", ["--encoding", "examples:"]),
        ("verify", ["exit codes:", "4  unknown event", "examples:"]),
        ("send", ["incoming-message", "--wrong-secret", "exit codes:", "examples:"]),
        ("serve", ["--port", "demo secret", "Ctrl-C", "examples:"]),
        ("demo", ["forged"]),
    ],
)
def test_each_command_has_useful_help(command: str, mentions: list[str]) -> None:
    """``COMMAND --help`` exits 0 with a description, its options and examples."""
    result = run(command, "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: {_cli.PROG} {command}")
    for text in mentions:
        assert text in result.out


def test_top_level_help_lists_every_command() -> None:
    """``--help`` names each command."""
    result = run("--help")
    assert result.code == 0
    for command in ("demo", "sign", "verify", "send", "serve"):
        assert f"    {command} " in result.out


def test_version_prints_the_installed_version() -> None:
    """``--version`` prints the program and the package's version."""
    from importlib.metadata import version

    assert run("--version") == (0, f"{_cli.PROG} {version('topmessage-webhooks')}\n", "")


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["serve", "--port", "65536"], ["serve", "--port", "http"]],
    ids=["no command", "unknown command", "port too large", "port not a number"],
)
def test_usage_errors_exit_2_without_a_traceback(argv: list[str]) -> None:
    """argparse's own usage errors exit 2 with an ``error:`` line and no traceback."""
    result = run(*argv)
    assert result.code == _cli.EXIT_USAGE
    assert "error:" in result.err
    assert "Traceback" not in result.err


def test_demo_verifies_the_samples_and_rejects_the_forgeries() -> None:
    """``demo`` verifies TopMessage's three samples and rejects both bad requests."""
    result = run("demo")
    assert result.code == 0
    assert result.out.count(": verified") == 3
    assert "Forged report (status changed after signing): rejected, HTTP 401" in result.out
    assert "Incoming message exactly as printed in the docs: rejected, HTTP 400" in result.out
    assert "    sender_details.sender_name: TopMessage" in result.out


# -- the console output ------------------------------------------------------------


@given(text=st.text())
def test_printable_leaves_no_control_character(text: str) -> None:
    """Any text, once made printable, holds no character that could steer a terminal."""
    assert _console.printable(text).isprintable()


def test_summaries_escape_what_the_payload_says() -> None:
    """An escape sequence in a message's text is shown as text, never sent to the terminal."""
    message = parse(b'{"data": {"id": "m-1", "text": "hi\\u001b[2J", "number": "4915"}}')
    assert isinstance(message, IncomingMessage)
    assert _console.summary(message) == 'incoming message m-1: "hi\\u001b[2J" from 4915 via SMS'
    assert "\x1b" not in "".join(_console.details(message))


@contextmanager
def terminal() -> Iterator[io.TextIOWrapper]:
    """A real pseudo-terminal, as the stream a command would write to."""
    leader, follower = os.openpty()
    with open(follower, "w") as stream, open(leader, "rb"):
        yield stream


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour is on for a terminal, off for a pipe or file, and off whenever NO_COLOR is set."""
    assert not _console.wants_colour(io.StringIO())
    with terminal() as stream:
        assert _console.wants_colour(stream)
        monkeypatch.setenv("NO_COLOR", "1")
        assert not _console.wants_colour(stream)


def test_style_adds_ansi_codes_only_when_enabled() -> None:
    """An enabled style wraps text in SGR codes and a reset; a disabled one changes nothing."""
    assert _console.Style(True)("ok", _console.GREEN) == "\033[32mok\033[0m"
    assert _console.Style(False)("ok", _console.GREEN) == "ok"


# -- send, against a recording endpoint ---------------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request, and answers what the server's ``answer`` says."""

    server: RecordingServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.command, self.headers, body))
        status, headers, answer = self.server.answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self) -> None:
        self.server.requests.append((self.command, self.headers, b""))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class RecordingServer(http.server.HTTPServer):
    requests: list[tuple[str, Message, bytes]]
    answer: tuple[int, dict[str, str], bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/hooks"


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[None]:
    """Run ``server`` in a thread for the block; stop it and close its socket after."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def endpoint() -> Iterator[RecordingServer]:
    """An HTTP endpoint on 127.0.0.1 that records requests and answers 200 by default."""
    server = RecordingServer(("127.0.0.1", 0), Recorder)
    server.requests = []
    server.answer = (200, {"Content-Type": "application/json"}, b'{"status": "ok"}')
    with serving(server):
        yield server


def received(endpoint: RecordingServer) -> tuple[Message, bytes]:
    """The headers and body of the one request the endpoint received."""
    ((method, headers, body),) = endpoint.requests
    assert method == "POST"
    return headers, body


def event_sent(endpoint: RecordingServer, secret: str = SECRET) -> Any:
    """The event of the one request the endpoint received, verified with ``secret``."""
    headers, body = received(endpoint)
    return verify_and_parse(body, headers[SIGNATURE_HEADER], secret)


def test_send_posts_a_signed_sample_delivery_report(endpoint: RecordingServer) -> None:
    """By default ``send`` POSTs the sample report, signed, as JSON, and prints the answer."""
    result = run("send", endpoint.url, "--secret", SECRET)
    assert result.code == 0
    headers, body = received(endpoint)
    assert headers["Content-Type"] == "application/json"
    event = verify_and_parse(body, headers[SIGNATURE_HEADER], SECRET)
    assert isinstance(event, DeliveryReport)
    assert (event.status, event.channel, event.type) == ("DELIVERED", "SMS", "STATUS")
    assert f"POST {endpoint.url}" in result.out
    assert event.id in result.out
    assert "200 OK" in result.out
    assert '{"status": "ok"}' in result.out


def test_send_delivery_report_options(endpoint: RecordingServer) -> None:
    """``--status`` and ``--channel`` (any letter case) set the report's fields."""
    run(
        "send",
        endpoint.url,
        "delivery-report",
        "--status",
        "failed",
        "--channel",
        "WhatsApp",
        "--secret",
        SECRET,
    )
    event = event_sent(endpoint)
    assert isinstance(event, DeliveryReport)
    assert (event.status, event.channel) == ("FAILED", "WHATSAPP")


def test_send_incoming_message(endpoint: RecordingServer) -> None:
    """``incoming-message --text`` sends the sample message with that text."""
    result = run("send", endpoint.url, "incoming-message", "--text", "Hola", "--secret", SECRET)
    assert result.code == 0
    event = event_sent(endpoint)
    assert isinstance(event, IncomingMessage)
    assert (event.text, event.channel, event.number) == ("Hola", "WHATSAPP", "491511234567")


def test_send_makes_fresh_ids_every_time(endpoint: RecordingServer) -> None:
    """Two sends of the same sample carry different ids, as two real events would."""
    for _ in range(2):
        run("send", endpoint.url, "incoming-message", "--secret", SECRET)
    ids = {json.loads(body)["data"]["id"] for _, _, body in endpoint.requests}
    assert len(ids) == 2


def test_send_body_file_sends_its_exact_bytes(endpoint: RecordingServer, tmp_path: Path) -> None:
    """``--body FILE`` sends the file byte for byte, signed over those bytes."""
    body = b'{"data": {"id": "raw", "status": "SEEN"}}\r\n\xff'
    path = tmp_path / "raw.json"
    path.write_bytes(body)
    assert run("send", endpoint.url, "--body", str(path), "--secret", SECRET).code == 0
    headers, sent = received(endpoint)
    assert sent == body
    assert headers[SIGNATURE_HEADER] == sign(body, SECRET)


def test_send_body_from_stdin(endpoint: RecordingServer) -> None:
    """``--body -`` sends standard input."""
    assert run("send", endpoint.url, "--body", "-", "--secret", SECRET, stdin=MESSAGE).code == 0
    assert received(endpoint)[1] == MESSAGE


def test_send_wrong_secret_is_not_verifiable(endpoint: RecordingServer) -> None:
    """``--wrong-secret`` signs well-formed but with another secret."""
    run("send", endpoint.url, "--wrong-secret", "--secret", SECRET)
    headers, body = received(endpoint)
    assert re.fullmatch("[0-9a-f]{64}", headers[SIGNATURE_HEADER])
    assert headers[SIGNATURE_HEADER] != sign(body, SECRET)


def test_send_no_signature_sends_no_header(endpoint: RecordingServer) -> None:
    """``--no-signature`` leaves the signature header out."""
    run("send", endpoint.url, "--no-signature", "--secret", SECRET)
    headers, _ = received(endpoint)
    assert SIGNATURE_HEADER not in headers


def test_send_uses_the_environment_secret(
    endpoint: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``--secret``, send signs with ``TOPMESSAGE_WEBHOOK_SECRET``, silently."""
    monkeypatch.setenv(_cli.SECRET_ENV, SECRET)
    result = run("send", endpoint.url)
    assert isinstance(event_sent(endpoint), DeliveryReport)
    assert result.err == ""


def test_send_without_any_secret_signs_with_the_demo_secret(endpoint: RecordingServer) -> None:
    """With no secret at all, send signs with the demo secret and says so on stderr."""
    result = run("send", endpoint.url)
    assert isinstance(event_sent(endpoint, _cli.DEMO_SECRET), DeliveryReport)
    assert repr(_cli.DEMO_SECRET) in result.err
    assert _cli.SECRET_ENV in result.err


@pytest.mark.parametrize("status", [401, 404, 500])
def test_send_exits_1_when_the_endpoint_refuses(endpoint: RecordingServer, status: int) -> None:
    """A non-2xx answer is printed with its body, and send exits 1."""
    endpoint.answer = (status, {}, b"nope\x1b[31m")
    result = run("send", endpoint.url, "--secret", SECRET)
    assert result.code == _cli.EXIT_REFUSED == 1
    assert f"\n{status} " in result.out
    assert "nope\\x1b[31m" in result.out


def test_send_reports_a_redirect_without_following_it(endpoint: RecordingServer) -> None:
    """A redirect is shown with its target; no second request is made; send exits 1."""
    endpoint.answer = (302, {"Location": "/elsewhere"}, b"")
    result = run("send", endpoint.url, "--secret", SECRET)
    assert result.code == 1
    assert "302 Found" in result.out
    assert "/elsewhere, not followed" in result.out
    assert [method for method, _, _ in endpoint.requests] == ["POST"]


def test_send_accepts_any_2xx(endpoint: RecordingServer) -> None:
    """A 202 (an unknown event's answer) counts as accepted."""
    endpoint.answer = (202, {}, b"")
    assert run("send", endpoint.url, "--secret", SECRET).code == 0


def test_send_output_hides_the_secret_and_signature(endpoint: RecordingServer) -> None:
    """What send prints shows neither the secret nor the signature it sent."""
    result = run("send", endpoint.url, "--secret", SECRET)
    _, body = received(endpoint)
    for value in hidden_values(body):
        assert value not in result.out + result.err


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_send_to_an_unreachable_url_is_a_one_line_error() -> None:
    """A refused connection is one error line naming the URL, exit 2."""
    url = f"http://127.0.0.1:{free_port()}/"
    result = run("send", url, "--secret", SECRET)
    assert result.code == _cli.EXIT_USAGE
    assert "Traceback" not in result.err
    assert result.err == f"{_cli.PROG}: error: cannot reach {url}: Connection refused\n"


def test_send_to_an_endpoint_that_never_answers_times_out() -> None:
    """An endpoint that accepts the connection but never answers is a timeout error."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        result = run("send", url, "--secret", SECRET, "--timeout", "0.1")
    assert result.code == _cli.EXIT_USAGE
    assert result.err == f"{_cli.PROG}: error: {url} did not answer within 0.1 seconds\n"


class NotHttp(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.rfile.readline()
        self.wfile.write(b"SSH-2.0-OpenSSH\r\n")


def test_send_to_something_that_is_not_http_is_a_one_line_error() -> None:
    """An answer that is not HTTP is one error line, exit 2."""
    server = socketserver.TCPServer(("127.0.0.1", 0), NotHttp)
    with serving(server):
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        result = run("send", url, "--secret", SECRET)
    assert result.code == _cli.EXIT_USAGE
    assert result.err.startswith(f"{_cli.PROG}: error: {url} did not answer with HTTP")
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["delivery-report", "--text", "hi"], ["--text is for incoming-message"]),
        (["incoming-message", "--status", "SEEN"], ["--status is for delivery-report"]),
        (["incoming-message", "--body", "-"], ["--body sends a file as it is"]),
        (["--body", "-", "--status", "SEEN"], ["--body sends a file as it is"]),
    ],
)
def test_send_refuses_options_that_do_not_fit(argv: list[str], words: list[str]) -> None:
    """Options that do not apply to what is sent are one-line errors, and nothing is sent."""
    result = run("send", f"http://127.0.0.1:{free_port()}/", *argv, "--secret", SECRET)
    assert_one_line_error(result, *words)


@pytest.mark.parametrize(
    "argv",
    [
        ["file:///etc/passwd"],
        ["http://"],
        ["http://127.0.0.1:9/", "--status", "LOST"],
        ["http://127.0.0.1:9/", "--timeout", "0"],
        ["http://127.0.0.1:9/", "--wrong-secret", "--no-signature"],
    ],
    ids=["file URL", "no host", "unknown status", "zero timeout", "two forgeries"],
)
def test_send_usage_errors(argv: list[str]) -> None:
    """Bad URLs and option values are refused by the parser, exit 2, before sending."""
    result = run("send", *argv)
    assert result.code == _cli.EXIT_USAGE
    assert f"{_cli.PROG} send: error:" in result.err


# -- serve and send, as real processes -----------------------------------------------


def environment(**variables: str) -> dict[str, str]:
    """This process's environment without a secret or NO_COLOR, plus ``variables``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in (_cli.SECRET_ENV, "NO_COLOR")
    }
    return {**env, "PYTHONUNBUFFERED": "", **variables}


def command(*argv: str) -> list[str]:
    return [sys.executable, "-m", "topmessage_webhooks", *argv]


class Server:
    """``topmessage-webhooks serve --port 0`` in a subprocess, its output read line by line."""

    def __init__(self, *argv: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command("serve", "--port", "0", *argv),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output = ""
        self.reader = threading.Thread(target=self._read)
        self.reader.start()
        self.url = self.wait_for(r"Listening for TopMessage webhooks on (http://\S+)")[1]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, pattern: str) -> re.Match[str]:
        """Read output until a line matches ``pattern``; fail if the output ends first."""
        while True:
            line = self.lines.get(timeout=PATIENCE)
            assert line is not None, f"serve stopped before printing {pattern!r}:\n{self.output}"
            self.output += line
            match = re.search(pattern, line)
            if match:
                return match

    def interrupt(self) -> tuple[int, str, str]:
        """Send SIGINT, as Ctrl-C does; return the exit code, all stdout and stderr."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=PATIENCE)
        self.reader.join()
        while (line := self.lines.get()) is not None:
            self.output += line
        assert self.process.stderr is not None
        return code, self.output, self.process.stderr.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.reader.join()
        for stream in (self.process.stdout, self.process.stderr):
            assert stream is not None
            stream.close()


@contextmanager
def served(*argv: str, env: dict[str, str]) -> Iterator[Server]:
    """A running ``serve`` process for the block, always stopped after."""
    server = Server(*argv, env=env)
    try:
        yield server
    finally:
        server.close()


def send(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``topmessage-webhooks send`` as a process."""
    return subprocess.run(
        command("send", *argv), cwd=ROOT, env=env, capture_output=True, text=True, timeout=PATIENCE
    )


def test_serve_prints_verified_events_and_rejections_then_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    """send's report and message show up verified, a forgery rejected; SIGINT exits 0 cleanly."""
    env = environment(**{_cli.SECRET_ENV: SECRET})
    message_file = tmp_path / "message.json"
    message_file.write_bytes(MESSAGE)
    with served(env=env) as server:
        assert server.url.startswith("http://127.0.0.1:")
        server.wait_for(f"Verifying with the secret from {_cli.SECRET_ENV}.")
        report = send(server.url, "delivery-report", "--status", "FAILED", env=env)
        assert report.returncode == 0, report.stderr
        server.wait_for(r"verified delivery report [0-9a-f-]{36}: FAILED via SMS")
        server.wait_for(r"status: FAILED")
        server.wait_for(r"POST / answered 200 OK")

        message = send(server.url, "--body", str(message_file), env=env)
        assert message.returncode == 0, message.stderr
        server.wait_for(r'verified incoming message e3fc3b55-\S+: "Received" from 491511234567')
        server.wait_for(r"sender_details.sender_name: TopMessage")

        forged = send(server.url, "--wrong-secret", env=env)
        assert forged.returncode == _cli.EXIT_REFUSED
        assert "401 Unauthorized" in forged.stdout
        server.wait_for(r"rejected .*401: InvalidSignatureError: signature does not match")
        server.wait_for(r"POST / answered 401 Unauthorized")

        code, output, errors = server.interrupt()
    assert code == 0
    assert output.endswith("\nStopped.\n")
    assert errors == ""
    assert "\x1b[" not in output, "no colour when stdout is not a terminal"
    shown = "".join(
        [output, errors, *(each.stdout + each.stderr for each in (report, message, forged))]
    )
    for value in hidden_values(MESSAGE):
        assert value not in shown


def test_serve_without_a_secret_uses_the_labelled_demo_secret() -> None:
    """With no secret set, serve says it uses the demo secret, and send's default matches it."""
    env = environment()
    with served(env=env) as server:
        server.wait_for(f"No secret given: using the DEMO secret {_cli.DEMO_SECRET!r}")
        result = send(server.url, "incoming-message", "--text", "ping", env=env)
        assert result.returncode == 0, result.stderr
        assert repr(_cli.DEMO_SECRET) in result.stderr
        server.wait_for(r'verified incoming message [0-9a-f-]{36}: "ping" from 491511234567')
        code, _, errors = server.interrupt()
    assert (code, errors) == (0, "")


def test_serve_on_a_port_in_use_is_a_one_line_error() -> None:
    """A port that is taken is one error line, exit 2, and no traceback."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            command("serve", "--port", port, "--secret", SECRET),
            cwd=ROOT,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )
    assert result.returncode == _cli.EXIT_USAGE
    assert result.stdout == ""
    assert (
        result.stderr
        == f"{_cli.PROG}: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    )


def test_a_closed_stdout_stops_quietly() -> None:
    """When stdout's reader has gone (``... | head``), a command exits 141 without a traceback."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            command("demo"),
            cwd=ROOT,
            env=environment(),
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=PATIENCE,
        )
    finally:
        os.close(writer)
    assert result.returncode == _cli.EXIT_BROKEN_PIPE
    assert result.stderr == ""


# -- docs/cli.md ----------------------------------------------------------------


def test_cli_docs_examples_run() -> None:
    """Every python block of docs/cli.md runs, in order, in one namespace."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert blocks
    namespace: dict[str, object] = {"__name__": "__cli_doc__"}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"docs/cli.md example {number}", "exec"), namespace)  # noqa: S102


def test_cli_docs_name_every_command_and_exit_code() -> None:
    """docs/cli.md documents each command and verify's exit codes 0 to 4."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command_name in ("demo", "sign", "verify", "send", "serve"):
        assert f"{_cli.PROG} {command_name}" in text
    for code in range(5):
        assert f"| {code} |" in text
