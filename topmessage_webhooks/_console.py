"""How the command line shows events and messages on a terminal.

Every piece of text that came from a request goes through ``printable`` first:
a payload is data, and must never move the cursor or recolour the terminal.
Colour is used only on a terminal, and never when ``NO_COLOR`` is set
(https://no-color.org).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from ._models import DeliveryReport, Event

#: The names of the two kinds of event, as ``send`` takes them and ``verify`` prints them.
DELIVERY_REPORT = "delivery-report"
INCOMING_MESSAGE = "incoming-message"

_RESET = "\033[0m"
BOLD = "1"
DIM = "2"
RED = "31"
GREEN = "32"
YELLOW = "33"


def kind(event: Event) -> str:
    """The kind of ``event``: ``"delivery-report"`` or ``"incoming-message"``."""
    return DELIVERY_REPORT if isinstance(event, DeliveryReport) else INCOMING_MESSAGE


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape, so it prints as data."""
    return "".join(each if each.isprintable() else repr(each)[1:-1] for each in text)


def summary(event: Event) -> str:
    """One line that says what happened: the kind, the id, the status or the text."""
    if isinstance(event, DeliveryReport):
        return printable(f"delivery report {event.id}: {event.status} via {event.channel}")
    said = json.dumps(event.text, ensure_ascii=False) if event.text is not None else "no text"
    sender = f" from {event.number}" if event.number is not None else ""
    return printable(f"incoming message {event.id}: {said}{sender} via {event.channel}")


def details(event: Event) -> Iterator[str]:
    """Every field of the event's ``data`` as ``key: value``; nested keys dotted."""
    return _flatten(event.to_dict()["data"], "")


def _flatten(mapping: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield printable(f"{prefix}{key}: {value}")


def wants_colour(stream: TextIO) -> bool:
    """Whether to colour what is written to ``stream``: a terminal, and no ``NO_COLOR``."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


class Style:
    """Wraps text in ANSI colour codes, or leaves it alone when colour is off."""

    __slots__ = ("enabled",)

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *codes: str) -> str:
        """``text`` in the given SGR ``codes`` (``BOLD``, ``RED``...), if colour is on."""
        if not self.enabled or not codes:
            return text
        return f"\033[{';'.join(codes)}m{text}{_RESET}"
