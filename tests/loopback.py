"""Real servers on 127.0.0.1 for the receivers' tests, and a plain HTTP client."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.validate import validator

import uvicorn
from werkzeug.serving import make_server as make_werkzeug_server


class QuietHandler(WSGIRequestHandler):
    """wsgiref's request handler, without a line on stderr per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(server: Any) -> Iterator[int]:
    """Run a socketserver-style ``server`` in a thread; shut it down and join it after."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def wsgiref_server(app: Any, *, validate: bool = True) -> Iterator[int]:
    """Serve ``app``, checked by wsgiref's validator, on an ephemeral port; stop it after."""
    served = validator(app) if validate else app
    with serving(make_server("127.0.0.1", 0, served, handler_class=QuietHandler)) as port:
        yield port


@contextmanager
def werkzeug_server(app: Any) -> Iterator[int]:
    """Serve ``app`` with Werkzeug, which decodes chunked bodies and sets wsgi.input_terminated."""
    with serving(make_werkzeug_server("127.0.0.1", 0, app)) as port:
        yield port


@contextmanager
def uvicorn_server(app: Any) -> Iterator[int]:
    """Serve ``app`` with uvicorn on an ephemeral port, lifespan on; stop it cleanly after."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="on", log_config=None, log_level="warning", http="h11", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.started, "uvicorn did not start"
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"


class Answer:
    """A response read in full: status, headers and body."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    def json(self) -> Any:
        assert self.headers["Content-Type"] == "application/json"
        return json.loads(self.body)


def request(
    port: int,
    body: bytes | Iterable[bytes] | None,
    headers: dict[str, str],
    method: str = "POST",
    path: str = "/",
) -> Answer:
    """Send one request (chunked when ``body`` is an iterable) and read the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        return Answer(connection.getresponse())
    finally:
        connection.close()
