"""The ``topmessage-webhooks`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from . import _samples
from ._errors import WebhookError
from ._models import Event
from ._webhook import Webhook, sign

DEMO_SECRET = "demo-secret"  # noqa: S105 - a public example, never a real secret


def _describe(event: Event) -> str:
    lines = [f"{type(event).__name__}:"]
    for key, value in event.to_dict()["data"].items():
        lines.append(f"    {key}: {value}")
    return "\n".join(lines)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = argparse.ArgumentParser(
        prog="topmessage-webhooks",
        description="Verify, parse and try out TopMessage webhooks.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "demo",
        help="sign TopMessage's sample events, verify them, and reject a forged one",
        description=demo.__doc__,
    )
    parser.parse_args(argv)
    return demo()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
