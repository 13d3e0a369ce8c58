"""In-process clients: send a signed request to a WSGI or ASGI application.

No server and no socket: the request goes straight into the application,
through a PEP 3333 environ or an ASGI 3 HTTP scope, and the whole response
is collected. Exceptions the application raises reach the caller.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import json
import sys
import urllib.parse
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from ._requests import Signable, SignedRequest, read_only_headers, signed_request

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

__all__ = ["ASGIApplication", "ASGIClient", "Response", "WSGIClient", "client_for"]

ASGIApplication: TypeAlias = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]

_HOST = "testserver"
_CLIENT_ADDRESS = ("127.0.0.1", 50000)


@attrs.frozen
class Response:
    """What the application answered. Header names are lowercase.

    A header the application sent more than once has its values joined with
    ``", "``.
    """

    status: int
    headers: Mapping[str, str] = attrs.field(
        converter=read_only_headers,
        repr=lambda headers: repr(dict(headers)),
    )
    body: bytes

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8")

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)


def _response(status: int, headers: Iterable[tuple[str, str]], body: bytes) -> Response:
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return Response(status, joined, body)


def _sign(request: SignedRequest | Signable, secret: str | bytes | None) -> SignedRequest:
    if isinstance(request, SignedRequest):
        return request
    if secret is None:
        raise TypeError(
            "the client has no secret to sign with: give it one, or post a SignedRequest"
        )
    return signed_request(request, secret)


def _post_parts(
    request: SignedRequest | Signable,
    secret: str | bytes | None,
    headers: Mapping[str, str] | None,
) -> tuple[bytes, dict[str, str]]:
    """The body and headers a client's ``post`` sends: signed, with ``headers`` added."""
    signed = _sign(request, secret)
    return signed.body, dict(_header_list(signed.headers, headers))


def _header_list(base: Mapping[str, str], extra: Mapping[str, str] | None) -> list[tuple[str, str]]:
    # Extra headers replace those of the same name, whatever their case.
    replaced = {name.lower() for name in extra or {}}
    kept = [(name, value) for name, value in base.items() if name.lower() not in replaced]
    return [*kept, *(extra or {}).items()]


def _split_target(target: str) -> tuple[str, str]:
    path, _, query = target.partition("?")
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/', not {target!r}")
    return path, query


@attrs.frozen
class WSGIClient:
    """Sends requests to a WSGI application, such as a Flask app, in process.

    ``secret`` signs what ``post`` is given, unless it is a ``SignedRequest``
    already. The environ is a PEP 3333 one: ``wsgi.input`` holds the body
    and ``CONTENT_LENGTH`` its length, and each header is an ``HTTP_*`` key.
    """

    app: WSGIApplication
    secret: str | bytes | None = attrs.field(default=None, kw_only=True, repr=False)

    def post(
        self,
        request: SignedRequest | Signable,
        *,
        path: str = "/",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST ``request`` to ``path``, signing it with the client's secret if needed.

        ``request`` is a ``SignedRequest``, or anything ``signed_request``
        signs. ``headers`` are added, replacing those of the same name.
        """
        body, sent = _post_parts(request, self.secret, headers)
        return self.request("POST", path, body=body, headers=sent)

    def request(
        self,
        method: str,
        path: str = "/",
        *,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send any request, signed or not, and return the application's answer."""
        environ = _environ(method, path, body, headers or {})
        started: list[tuple[str, list[tuple[str, str]]]] = []
        chunks: list[bytes] = []

        def start_response(
            status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            if exc_info is not None:
                # PEP 3333: once the body has begun, the error goes to the caller.
                if any(chunks):
                    raise exc_info[1].with_traceback(exc_info[2])
            elif started:
                raise RuntimeError("start_response was called twice without exc_info")
            started[:] = [(status, list(response_headers))]
            return chunks.append

        result = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if not started:
            raise RuntimeError("the WSGI application returned without calling start_response")
        status, response_headers = started[0]
        return _response(int(status.split(" ", 1)[0]), response_headers, b"".join(chunks))


def _environ(method: str, target: str, body: bytes, headers: Mapping[str, str]) -> WSGIEnvironment:
    path, query = _split_target(target)
    environ: WSGIEnvironment = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        # PEP 3333: the decoded path, its bytes as a latin-1 native string.
        "PATH_INFO": urllib.parse.unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": _HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": _CLIENT_ADDRESS[0],
        "HTTP_HOST": _HOST,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key not in {"CONTENT_TYPE", "CONTENT_LENGTH"}:
            key = "HTTP_" + key
        environ[key] = value
    return environ


@attrs.frozen
class ASGIClient:
    """Sends requests to an ASGI 3 application, such as a FastAPI app, in process.

    ``secret`` signs what ``post`` is given, unless it is a ``SignedRequest``
    already. The application gets an HTTP scope and the whole body in one
    ``http.request`` message; once it has answered, ``receive`` returns
    ``http.disconnect``. No lifespan events are sent.

    ``post`` and ``request`` run the application with ``asyncio.run``; from
    a test that is already async, await ``post_async`` and ``request_async``.
    """

    app: ASGIApplication
    secret: str | bytes | None = attrs.field(default=None, kw_only=True, repr=False)

    def post(
        self,
        request: SignedRequest | Signable,
        *,
        path: str = "/",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST ``request`` to ``path``, signing it with the client's secret if needed.

        ``request`` is a ``SignedRequest``, or anything ``signed_request``
        signs. ``headers`` are added, replacing those of the same name.
        """
        return _run(self.post_async, request, path=path, headers=headers)

    async def post_async(
        self,
        request: SignedRequest | Signable,
        *,
        path: str = "/",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """``post``, awaited in the running event loop."""
        body, sent = _post_parts(request, self.secret, headers)
        return await self.request_async("POST", path, body=body, headers=sent)

    def request(
        self,
        method: str,
        path: str = "/",
        *,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send any request, signed or not, and return the application's answer."""
        return _run(self.request_async, method, path, body=body, headers=headers)

    async def request_async(
        self,
        method: str,
        path: str = "/",
        *,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """``request``, awaited in the running event loop."""
        scope = _scope(method, path, body, headers or {})
        answered = asyncio.Event()
        body_sent = False
        start: MutableMapping[str, Any] | None = None
        chunks: list[bytes] = []

        async def receive() -> MutableMapping[str, Any]:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            # The client stays connected until the application has answered.
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if start is not None:
                    raise RuntimeError("the ASGI application started its response twice")
                start = message
            elif message["type"] == "http.response.body":
                if start is None or answered.is_set():
                    raise RuntimeError(
                        "the ASGI application sent a body outside its response "
                        "(before http.response.start or after its last body message)"
                    )
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    answered.set()

        await self.app(scope, receive, send)
        if start is None or not answered.is_set():
            raise RuntimeError("the ASGI application returned without completing its response")
        headers_sent = [
            (bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
            for name, value in start.get("headers", [])
        ]
        return _response(int(start["status"]), headers_sent, b"".join(chunks))


def _run(send: Callable[..., Coroutine[Any, Any, Response]], *args: Any, **kwargs: Any) -> Response:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(send(*args, **kwargs))
    # Checked before the coroutine exists, so none is left never awaited.
    raise RuntimeError(
        "an event loop is already running: await post_async or request_async instead"
    )


def _scope(
    method: str, target: str, body: bytes, headers: Mapping[str, str]
) -> MutableMapping[str, Any]:
    path, query = _split_target(target)
    sent = {"host": _HOST, "content-length": str(len(body))}
    sent.update((name.lower(), value) for name, value in headers.items())
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": urllib.parse.unquote(path),
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in sent.items()
        ],
        "client": _CLIENT_ADDRESS,
        "server": (_HOST, 80),
    }


def client_for(
    app: Callable[..., Any], *, secret: str | bytes | None = None
) -> WSGIClient | ASGIClient:
    """An ``ASGIClient`` for an ASGI application, a ``WSGIClient`` for any other callable.

    An application is taken for ASGI when it, or its ``__call__``, is a
    coroutine function, as for Starlette and FastAPI apps; Flask and other
    WSGI apps are plain callables.
    """
    if not callable(app):
        raise TypeError(f"app must be a WSGI or ASGI application, not {type(app).__name__}")
    if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(type(app).__call__):
        return ASGIClient(app, secret=secret)
    return WSGIClient(app, secret=secret)
