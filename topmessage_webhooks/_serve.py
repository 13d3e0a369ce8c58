"""``serve``: a local endpoint that verifies every request and prints what it received.

It is ``wsgi.WebhookApp`` on the standard library's ``wsgiref`` server, with
everything the server and the library would write to stderr turned into tidy
lines on one stream: verified events, rejected requests (from the WARNING
records of the ``topmessage_webhooks`` logger) and one short line per answer.
"""

from __future__ import annotations

import contextlib
import http
import logging
import socket
import socketserver
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any, TextIO
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from . import _console
from ._console import BOLD, DIM, GREEN, RED, YELLOW
from ._models import Event
from ._router import Router
from ._webhook import Webhook
from .wsgi import WebhookApp

_INDENT = " " * len("00:00:00 ")


class EventPrinter:
    """Writes what the server sees to ``stream``, a line at a time, flushed at once."""

    __slots__ = ("stream", "style")

    def __init__(self, stream: TextIO, style: _console.Style) -> None:
        self.stream = stream
        self.style = style

    def write(self, text: str, *codes: str) -> None:
        """Write ``text`` as one line, coloured with ``codes`` if colour is on."""
        print(self.style(text, *codes), file=self.stream, flush=True)

    def _stamped(self, text: str, *codes: str) -> None:
        self.write(f"{time.strftime('%H:%M:%S')} {self.style(text, *codes)}")

    def _details(self, lines: Iterator[str]) -> None:
        for line in lines:
            self.write(f"{_INDENT}{line}", DIM)

    def received(self, received: Event | Mapping[str, Any]) -> None:
        """Print a verified event and its fields, or the ``data`` of an unknown kind."""
        if isinstance(received, Mapping):
            self._stamped("verified an event of a kind this version does not know", YELLOW)
            self._details(_console.printable(f"{key}: {value}") for key, value in received.items())
        else:
            self._stamped(f"verified {_console.summary(received)}", GREEN, BOLD)
            self._details(_console.details(received))

    def rejected(self, message: str) -> None:
        """Print why a request was rejected."""
        self._stamped(_console.printable(message), RED, BOLD)

    def note(self, message: str) -> None:
        """Print a line of lesser interest: an answer, a broken connection."""
        self._stamped(_console.printable(message), DIM)


class _PrintRecords(logging.Handler):
    """Sends the ``topmessage_webhooks`` logger's warnings and errors to the printer."""

    def __init__(self, printer: EventPrinter) -> None:
        super().__init__(logging.WARNING)
        self.printer = printer

    def emit(self, record: logging.LogRecord) -> None:
        self.printer.rejected(record.getMessage())


@contextlib.contextmanager
def printing_rejections(printer: EventPrinter) -> Iterator[None]:
    """Within the block, print the library's rejections and handler failures."""
    logger = logging.getLogger("topmessage_webhooks")
    handler = _PrintRecords(printer)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


class _RequestHandler(WSGIRequestHandler):
    server: _Server

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        try:
            answer = f"{code} {http.HTTPStatus(int(code)).phrase}"
        except ValueError:
            answer = str(code)
        self.server.printer.note(f"{self.command} {self.path} answered {answer}")

    def log_message(self, format: str, *args: Any) -> None:
        self.server.printer.note(format % args)


class _Server(WSGIServer):
    printer: EventPrinter

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's fully qualified name,
        # which can wait on DNS; the address is all a local server needs.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.socket.getsockname()[:2]
        self.setup_environ()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        self.printer.note(f"a connection failed: {type(error).__name__}: {error}")


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(host: str, port: int, webhook: Webhook, printer: EventPrinter) -> _Server:
    """A server listening on ``host:port`` (port 0: any free one), printing to ``printer``.

    Raises ``OSError`` when it cannot listen there.
    """
    router = Router()
    # A fallback alone receives every event, known kinds and unknown ones.
    router.fallback(printer.received)
    server_class = _Server6 if ":" in host else _Server
    server = server_class((host, port), _RequestHandler)
    server.printer = printer
    server.set_app(WebhookApp(webhook, router))
    return server


def url(server: WSGIServer) -> str:
    """The URL the server is listening on, with the port it was given."""
    host, port = server.socket.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
