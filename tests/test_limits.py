"""Limits under load: real servers, many hostile clients at once, bounded memory.

The WSGI receiver is served by a threading wsgiref server and the ASGI
receiver by uvicorn, on ephemeral 127.0.0.1 ports. Dozens of clients at once
push megabytes each (with a lying Content-Length, chunked, or with no length)
or dribble a body slowly. ``tracemalloc`` measures the process's peak Python
memory: it grows by at most a small multiple of ``max_body_size`` per
connection, far below what the clients push.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIServer

import pytest
from loopback import QuietHandler, serving, uvicorn_server

from topmessage_webhooks import SIGNATURE_HEADER, Webhook, asgi, sign, wsgi
from topmessage_webhooks import _samples as samples

SECRET = "limits-test-secret"
LIMIT = 16 * 1024
CLIENTS = 32
PUSHED_PER_CLIENT = 4 * 1024 * 1024
#: What one connection may hold at once: the body up to the limit and the
#: server's buffers (asyncio reads up to 256 KiB at a time). Generous, yet far
#: below what the clients push.
PER_CONNECTION = LIMIT + 256 * 1024 + 65_536
PIECE = memoryview(b"x" * 65_536)
SOCKET_TIMEOUT = 5.0


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per request; closing it waits for them all."""

    daemon_threads = False
    block_on_close = True


def receiver(module: Any) -> Any:
    """The WSGI or ASGI receiver of ``module``, reading at most ``LIMIT`` bytes."""
    return module.WebhookApp(Webhook(SECRET, max_body_size=LIMIT), lambda event: None)


@contextmanager
def wsgi_server() -> Iterator[int]:
    """Serve the WSGI receiver with a threading wsgiref server; stop it and its threads after."""
    server = ThreadingWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(receiver(wsgi))
    with serving(server) as port:
        yield port


def asgi_server() -> Any:
    """Serve the ASGI receiver with uvicorn on an ephemeral port."""
    return uvicorn_server(receiver(asgi))


SERVERS: dict[str, Callable[[], Any]] = {"wsgiref": wsgi_server, "uvicorn": asgi_server}


def head(*lines: str) -> bytes:
    """A POST's request line and headers, signed as a delivery report would be."""
    signature = sign(samples.DELIVERY_REPORT, SECRET)
    fields = ["POST /webhooks HTTP/1.1", "Host: 127.0.0.1", f"{SIGNATURE_HEADER}: {signature}"]
    return "\r\n".join([*fields, *lines, "", ""]).encode("latin-1")


#: Oversize requests: how each starts, and how its body is framed.
OVERSIZE = {
    "small length, huge body": (head("Content-Length: 100"), False),
    "length at the limit, huge body": (head(f"Content-Length: {LIMIT}"), False),
    "huge length": (head("Content-Length: 99999999999999999999"), False),
    "chunked": (head("Transfer-Encoding: chunked"), True),
    "no length": (head("Connection: close"), False),
}


def status_of(answer: bytes) -> int | None:
    """The status code of an HTTP answer, or None if the connection closed without one."""
    if not answer.startswith(b"HTTP/1."):
        return None
    return int(answer.split(b" ", 2)[1])


def read_answer(client: socket.socket) -> bytes:
    """Whatever the server answered, until it closes or goes quiet."""
    received = b""
    try:
        while len(received) < 65_536:
            data = client.recv(4096)
            if not data:
                break
            received += data
            if b"\r\n\r\n" in received:
                break
    except OSError:
        pass
    return received


def push(port: int, start: bytes, chunked: bool) -> tuple[int, int | None]:
    """Send ``start`` and push body bytes until the server stops reading.

    Returns how many body bytes were pushed, and the answer's status.
    """
    pushed = 0
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT) as client:
        try:
            client.sendall(start)
            while pushed < PUSHED_PER_CLIENT:
                if chunked:
                    client.sendall(f"{len(PIECE):x}\r\n".encode())
                client.sendall(PIECE)
                if chunked:
                    client.sendall(b"\r\n")
                pushed += len(PIECE)
            if chunked:
                client.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: the rest of the body was refused
        return pushed, status_of(read_answer(client))


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_oversize_requests_at_once_keep_memory_bounded(server: str) -> None:
    """Many concurrent oversize requests are all refused, and memory stays bounded."""
    requests = [OVERSIZE[name] for name in sorted(OVERSIZE)] * (CLIENTS // len(OVERSIZE) + 1)
    with SERVERS[server]() as port:
        tracemalloc.start()
        try:
            baseline, _ = tracemalloc.get_traced_memory()
            with ThreadPoolExecutor(CLIENTS) as pool:
                outcomes = list(pool.map(lambda request: push(port, *request), requests))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    pushed = sum(count for count, _ in outcomes)
    growth = peak - baseline
    assert growth < len(requests) * PER_CONNECTION, (growth, pushed)
    assert pushed > 10 * growth, (growth, pushed)
    # Nothing unsigned by its own body is accepted; each is refused or cut off.
    assert all(status not in (200, 202) for _, status in outcomes)


def dribble(port: int, stop: threading.Event) -> int | None:
    """Announce 1000 bytes, send a few at a time until told to stop, then end the body early."""
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT) as client:
        client.sendall(head("Content-Length: 1000"))
        while not stop.wait(0.02):
            client.sendall(b"{    ")
        client.shutdown(socket.SHUT_WR)
        return status_of(read_answer(client))


def post_genuine(port: int) -> int | None:
    """POST a genuine delivery report; return the status."""
    body = samples.DELIVERY_REPORT
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT) as client:
        client.sendall(head(f"Content-Length: {len(body)}", "Connection: close") + body)
        return status_of(read_answer(client))


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_slow_clients_do_not_block_genuine_requests(server: str) -> None:
    """While slow clients dribble bodies, a genuine request is answered; slow ones are refused."""
    stop = threading.Event()
    with SERVERS[server]() as port, ThreadPoolExecutor(8) as pool:
        slow = [pool.submit(dribble, port, stop) for _ in range(8)]
        time.sleep(0.1)
        try:
            assert post_genuine(port) == 200
        finally:
            stop.set()
        statuses = [each.result() for each in slow]
    # An incomplete body is a 400; an ASGI app gets a disconnect and sends no answer.
    assert all(status == 400 or (server == "uvicorn" and status is None) for status in statuses)
