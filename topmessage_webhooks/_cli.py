"""The ``topmessage-webhooks`` command line: demo, sign, verify, send and serve.

Every command that cannot do its job (bad arguments, no secret, an unreadable
file, an unreachable URL, a port in use) prints one ``error:`` line and exits
2. The other non-zero codes are outcomes: ``verify`` exits 1 for a bad
signature, 3 for a bad payload and 4 for a verified event of an unknown kind;
``send`` exits 1 when the endpoint does not accept the event.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import urllib.parse
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import TextIO

from . import _console, _samples
from ._errors import PayloadError, SignatureError, UnknownEventError, WebhookError
from ._models import Channel, DeliveryStatus, Event
from ._webhook import Webhook, sign

PROG = "topmessage-webhooks"
DEMO_SECRET = "demo-secret"  # noqa: S105 - a public example, never a real secret
SECRET_ENV = "TOPMESSAGE_WEBHOOK_SECRET"  # noqa: S105 - the variable's name, not a secret

EXIT_OK = 0
EXIT_BAD_SIGNATURE = 1
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_BAD_PAYLOAD = 3
EXIT_UNKNOWN_EVENT = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class CommandError(Exception):
    """A command cannot do its job; ``main`` prints the message on one line and exits 2."""


def _describe(event: Event) -> str:
    return "\n".join(
        [f"{type(event).__name__}:", *(f"    {line}" for line in _console.details(event))]
    )


def demo(file: TextIO | None = None) -> int:
    """Sign TopMessage's sample events, verify and parse them, and reject a forgery."""

    def write(*parts: str) -> None:
        print(*parts, file=file)

    webhook = Webhook(DEMO_SECRET)
    write(f"Verifying TopMessage's documented samples with the secret {DEMO_SECRET!r}.\n")
    for title, body in (
        ("Delivery report (Spanish page)", _samples.DELIVERY_REPORT),
        ("Delivery report (English page)", _samples.DELIVERY_REPORT_EN),
        ("Incoming message (extra brace removed)", _samples.INCOMING_MESSAGE),
    ):
        signature = sign(body, DEMO_SECRET)
        event = webhook.verify_and_parse(body, {"X-TopMessage-Signature": signature})
        write(f"{title}, signed {signature[:16]}...: verified")
        write(_describe(event), "\n")
    forged = _samples.DELIVERY_REPORT.replace(b"DELIVERED", b"FAILED")
    for title, body, signature in (
        (
            "Forged report (status changed after signing)",
            forged,
            sign(_samples.DELIVERY_REPORT, DEMO_SECRET),
        ),
        (
            "Incoming message exactly as printed in the docs",
            _samples.INCOMING_MESSAGE_AS_PRINTED,
            sign(_samples.INCOMING_MESSAGE_AS_PRINTED, DEMO_SECRET),
        ),
    ):
        try:
            webhook.verify_and_parse(body, signature)
        except WebhookError as error:
            write(f"{title}: rejected, HTTP {error.status_code}")
            write(f"    {type(error).__name__}: {error}\n")
        else:  # pragma: no cover - would be a security bug
            write(f"{title}: ACCEPTED (this is a bug)")
            return 1
    return 0


# -- reading the inputs ------------------------------------------------------


def _secret_origin(args: argparse.Namespace) -> str | None:
    """Where the secret comes from: ``--secret``, the environment variable, or nowhere."""
    if args.secret is not None:
        return "--secret"
    return SECRET_ENV if os.environ.get(SECRET_ENV) else None


def _secret(args: argparse.Namespace, *, demo: bool = False) -> bytes:
    """The secret from ``--secret`` or the environment, as the bytes the user typed.

    With ``demo``, a missing secret is the demo secret, and the caller says so.
    """
    origin = _secret_origin(args)
    if origin is None:
        if demo:
            return DEMO_SECRET.encode()
        raise CommandError(f"no webhook secret: pass --secret or set {SECRET_ENV}")
    secret: str = args.secret if origin == "--secret" else os.environ[SECRET_ENV]
    if not secret:
        raise CommandError("the webhook secret must not be empty")
    # surrogateescape gives back the exact bytes of an argument or variable
    # that is not valid UTF-8, rather than failing on it.
    return secret.encode("utf-8", "surrogateescape")


def _read_body(path: str | None) -> bytes:
    """The body from the file at ``path``, or from standard input for ``-`` or None.

    Read as raw bytes: the signature is over the exact bytes, so nothing may
    decode, re-encode or change line endings on the way.
    """
    if path is None or path == "-":
        if sys.stdin is None:
            raise CommandError("no standard input to read the body from; pass a FILE")
        if sys.stdin.isatty():
            print("Reading the body from standard input; end it with Ctrl-D.", file=sys.stderr)
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from error


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, not {port}")
    return port


def _http_url(text: str) -> str:
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"not an http:// or https:// URL: {text!r}")
    return text


def _timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"the timeout must be positive, not {text}")
    return seconds


def _version() -> str:
    try:
        return metadata.version(PROG)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


# -- the commands ------------------------------------------------------------


def _run_demo(args: argparse.Namespace) -> int:
    return demo()


def _run_sign(args: argparse.Namespace) -> int:
    secret = _secret(args)
    print(sign(_read_body(args.body), secret, encoding=args.encoding))
    return EXIT_OK


def _run_verify(args: argparse.Namespace) -> int:
    webhook = Webhook(_secret(args), strict=args.strict)
    body = _read_body(args.body)
    try:
        event = webhook.verify_and_parse(body, args.signature)
    except SignatureError as error:
        _report("rejected", error)
        return EXIT_BAD_SIGNATURE
    except UnknownEventError as error:
        _report("verified, but of a kind this version does not know", error)
        _print_json({"kind": "unknown", "event": {"data": dict(error.data)}})
        return EXIT_UNKNOWN_EVENT
    except PayloadError as error:
        _report("verified, but not a readable event", error)
        return EXIT_BAD_PAYLOAD
    _print_json({"kind": _console.kind(event), "event": event.to_dict()})
    return EXIT_OK


def _report(outcome: str, error: WebhookError) -> None:
    message = _console.printable(f"{type(error).__name__}: {error}")
    answer = f"a receiver answers {error.status_code}"
    print(f"{PROG}: {outcome} ({answer}): {message}", file=sys.stderr)


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _run_send(args: argparse.Namespace) -> int:
    from . import _send

    secret = _secret(args, demo=True)
    if _secret_origin(args) is None:
        print(
            f"No secret given: signing with the demo secret {DEMO_SECRET!r}, the one "
            f"`{PROG} serve` uses without a secret. Set {SECRET_ENV} to your endpoint's.",
            file=sys.stderr,
        )
    if args.body is not None:
        sample_options = [args.kind, args.status, args.channel, args.text]
        if any(option is not None for option in sample_options):
            raise CommandError(
                "--body sends a file as it is: drop KIND, --status, --channel, --text"
            )
        body = _read_body(args.body)
        source = "standard input" if args.body == "-" else _console.printable(args.body)
        what = f"{len(body)} bytes from {source}"
    else:
        event = _sample_event(args)
        body = event.to_json().encode("utf-8")
        what = _console.summary(event)
    if args.no_signature:
        signature, how = None, "with no signature"
    elif args.wrong_secret:
        signature, how = sign(body, secrets.token_bytes(32)), "signed with a wrong secret"
    else:
        signature, how = sign(body, secret), "signed"
    print(f"POST {args.url}\n  {what}, {how}", flush=True)
    try:
        answer = _send.post(
            args.url, body, signature, user_agent=f"{PROG}/{_version()}", timeout=args.timeout
        )
    except _send.SendError as error:
        raise CommandError(str(error)) from error
    print(f"{answer.status} {_console.printable(answer.reason)}")
    if answer.location is not None:
        print(f"  a redirect to {_console.printable(answer.location)}, not followed")
    text = answer.body.decode("utf-8", "replace")
    if text:
        print("\n".join(_console.printable(line) for line in text.splitlines()))
    return EXIT_OK if answer.ok else EXIT_REFUSED


def _sample_event(args: argparse.Namespace) -> Event:
    from .testing import delivery_report, incoming_message

    kind = args.kind or _console.DELIVERY_REPORT
    overrides = {"channel": args.channel} if args.channel is not None else {}
    if kind == _console.DELIVERY_REPORT:
        if args.text is not None:
            raise CommandError(f"--text is for {_console.INCOMING_MESSAGE}, not {kind}")
        if args.status is not None:
            overrides["status"] = args.status
        return delivery_report(**overrides)
    if args.status is not None:
        raise CommandError(f"--status is for {_console.DELIVERY_REPORT}, not {kind}")
    if args.text is not None:
        overrides["text"] = args.text
    return incoming_message(**overrides)


def _run_serve(args: argparse.Namespace) -> int:
    from . import _serve

    secret = _secret(args, demo=True)
    origin = _secret_origin(args)
    printer = _serve.EventPrinter(sys.stdout, _console.Style(_console.wants_colour(sys.stdout)))
    try:
        server = _serve.make_server(
            args.host, args.port, Webhook(secret, strict=args.strict), printer
        )
    except OSError as error:
        raise CommandError(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
        ) from error
    with server, _serve.printing_rejections(printer):
        try:
            printer.write(
                f"Listening for TopMessage webhooks on {_serve.url(server)}", _console.BOLD
            )
            if origin is not None:
                printer.write(f"Verifying with the secret from {origin}.")
            else:
                printer.write(
                    f"No secret given: using the DEMO secret {DEMO_SECRET!r}, which "
                    f"`{PROG} send` uses by default too.\n"
                    f"For your endpoint's real secret, set {SECRET_ENV} or pass --secret.",
                    _console.YELLOW,
                )
            printer.write("Press Ctrl-C to stop.\n")
            server.serve_forever()
        except KeyboardInterrupt:
            printer.write("\nStopped.")
    return EXIT_OK


# -- the parser --------------------------------------------------------------

_SECRET_HELP = f"the endpoint's webhook secret (default: the {SECRET_ENV} environment variable)"
_BODY_HELP = "file holding the exact request body; '-' or nothing reads standard input"

_SIGN_EPILOG = f"""\
examples:
  {PROG} sign body.json
  {PROG} sign --encoding base64 < body.json
  curl -H "X-TopMessage-Signature: $({PROG} sign body.json)" \\
       -H "Content-Type: application/json" --data-binary @body.json http://127.0.0.1:8000/
"""

_VERIFY_EPILOG = f"""\
exit codes:
  0  verified: the event is printed as JSON, {{"kind": ..., "event": {{"data": ...}}}}
  1  bad signature: missing, malformed, or not made with this secret
  2  usage error: bad arguments, no secret, an unreadable file
  3  bad payload: verified, but not a readable TopMessage event (or too large)
  4  unknown event: verified, but of a kind this version does not know; its
     data is printed with "kind": "unknown" (a receiver answers it 202)

examples:
  export {SECRET_ENV}=...
  {PROG} verify body.json --signature "$SIGNATURE"
  {PROG} verify --strict --signature "$SIGNATURE" < body.json
"""

_SEND_EPILOG = f"""\
KIND is {_console.DELIVERY_REPORT} (the default) or {_console.INCOMING_MESSAGE}: a sample
event built from TopMessage's documented samples, with fresh ids every time.
Without --secret or {SECRET_ENV}, the body is signed with the demo secret
{DEMO_SECRET!r}, the one `{PROG} serve` uses without a secret.

exit codes:
  0  the endpoint answered 2xx
  1  the endpoint answered anything else (redirects are reported, not followed)
  2  usage error, or the endpoint could not be reached

examples:
  {PROG} send http://127.0.0.1:8000/
  {PROG} send http://127.0.0.1:8000/ {_console.DELIVERY_REPORT} --status FAILED
  {PROG} send http://127.0.0.1:8000/ {_console.INCOMING_MESSAGE} --text "Hi there"
  {PROG} send https://example.com/hooks/topmessage --body body.json
  {PROG} send http://127.0.0.1:8000/ --wrong-secret   # must be answered 401
"""

_SERVE_EPILOG = f"""\
Without --secret or {SECRET_ENV}, the server uses the demo secret
{DEMO_SECRET!r} and says so; `{PROG} send` uses the same one by default.
Stop it with Ctrl-C.

examples:
  {PROG} serve
  {PROG} serve --port 0                       # any free port; the URL is printed
  {SECRET_ENV}=... {PROG} serve --port 8080 --strict
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Verify, parse and try out TopMessage webhooks.",
        epilog=f"Run `{PROG} COMMAND --help` for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, run: Callable[[argparse.Namespace], int], help: str, epilog: str | None = None
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(run=run)
        return sub

    command(
        "demo", _run_demo, "sign TopMessage's sample events, verify them, and reject a forged one"
    )

    sign_parser = command(
        "sign", _run_sign, "print the X-TopMessage-Signature value for a body", _SIGN_EPILOG
    )
    sign_parser.add_argument("body", nargs="?", metavar="FILE", help=_BODY_HELP)
    sign_parser.add_argument("--secret", help=_SECRET_HELP)
    sign_parser.add_argument(
        "--encoding",
        choices=("hex", "base64"),
        default="hex",
        help="the signature's encoding (default: hex)",
    )

    verify_parser = command(
        "verify", _run_verify, "verify a signed body and print the event it holds", _VERIFY_EPILOG
    )
    verify_parser.add_argument("body", nargs="?", metavar="FILE", help=_BODY_HELP)
    verify_parser.add_argument(
        "--signature", required=True, help="the X-TopMessage-Signature header's value"
    )
    verify_parser.add_argument("--secret", help=_SECRET_HELP)
    verify_parser.add_argument(
        "--strict", action="store_true", help="reject unknown keys, statuses and channels"
    )

    send_parser = command(
        "send",
        _run_send,
        "POST a signed event to a webhook endpoint, as TopMessage would",
        _SEND_EPILOG,
    )
    send_parser.add_argument(
        "url", metavar="URL", type=_http_url, help="the endpoint's http(s) URL"
    )
    send_parser.add_argument(
        "kind",
        nargs="?",
        metavar="KIND",
        choices=(_console.DELIVERY_REPORT, _console.INCOMING_MESSAGE),
        help=f"{_console.DELIVERY_REPORT} (default) or {_console.INCOMING_MESSAGE}",
    )
    send_parser.add_argument(
        "--status",
        type=str.upper,
        choices=[each.value for each in DeliveryStatus],
        help="the delivery report's status (default: DELIVERED)",
    )
    send_parser.add_argument(
        "--channel",
        type=str.upper,
        choices=[each.value for each in Channel],
        help="the event's channel (default: SMS for a report, WHATSAPP for a message)",
    )
    send_parser.add_argument("--text", help="the incoming message's text (default: 'Received')")
    send_parser.add_argument(
        "--body",
        metavar="FILE",
        help="send this file's exact bytes instead ('-' reads standard input)",
    )
    send_parser.add_argument("--secret", help=_SECRET_HELP)
    forgery = send_parser.add_mutually_exclusive_group()
    forgery.add_argument(
        "--wrong-secret",
        action="store_true",
        help="sign with a random secret, to test that the endpoint rejects it",
    )
    forgery.add_argument(
        "--no-signature",
        action="store_true",
        help="send no signature header, to test that the endpoint rejects it",
    )
    send_parser.add_argument(
        "--timeout",
        type=_timeout,
        default=10.0,
        help="seconds to wait for the answer (default: 10)",
    )

    serve_parser = command(
        "serve",
        _run_serve,
        "run a local endpoint that verifies and prints every event it receives",
        _SERVE_EPILOG,
    )
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    serve_parser.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="the port to listen on; 0 picks a free one (default: 8000)",
    )
    serve_parser.add_argument("--secret", help=_SECRET_HELP)
    serve_parser.add_argument(
        "--strict", action="store_true", help="reject unknown keys, statuses and channels"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # argparse's --help, --version and usage errors
        return exit.code if isinstance(exit.code, int) else EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        code = run(args)
        sys.stdout.flush()
    except CommandError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader left (`... | head`): stop quietly, and point stdout at
        # devnull so that Python's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
