"""pytest fixtures for testing a TopMessage webhook receiver.

pytest loads this plugin by itself once topmessage-webhooks is installed
(it is registered as the ``topmessage_webhooks`` plugin); with plugin
autoloading disabled, enable it with ``-p topmessage_webhooks``.

- ``topmessage_secret``: a random webhook secret, new for each test;
- ``topmessage_signer``: signs a payload with that secret, returning a
  ``SignedRequest`` (``topmessage_signer(event, fault="wrong_secret")``);
- ``topmessage_client``: posts a payload or ``SignedRequest`` to a WSGI or
  ASGI application, signing it with that secret, and returns its
  ``Response`` (``topmessage_client.post(app, delivery_report())``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import pytest

from ._clients import ASGIClient, Response, client_for
from ._requests import Encoding, Fault, Signable, SignedRequest, signed_request

__all__ = [
    "TopMessageClient",
    "TopMessageSigner",
    "topmessage_client",
    "topmessage_secret",
    "topmessage_signer",
]


@attrs.frozen
class TopMessageSigner:
    """Signs payloads with ``secret``, as ``signed_request`` does."""

    secret: str = attrs.field(repr=False)

    def __call__(
        self,
        payload: Signable,
        *,
        encoding: Encoding = "hex",
        prefix: bool = False,
        fault: Fault | None = None,
    ) -> SignedRequest:
        """``signed_request(payload, secret, ...)``: see it for the options."""
        return signed_request(payload, self.secret, encoding=encoding, prefix=prefix, fault=fault)


@attrs.frozen
class TopMessageClient:
    """Posts requests signed with ``secret`` to WSGI and ASGI applications.

    Which kind ``app`` is, ``client_for`` decides: an application whose
    ``__call__`` is a coroutine function is ASGI.
    """

    secret: str = attrs.field(repr=False)

    def post(
        self,
        app: Callable[..., Any],
        request: SignedRequest | Signable,
        *,
        path: str = "/",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST ``request`` to ``app``; a payload that is not a ``SignedRequest`` is signed."""
        return client_for(app, secret=self.secret).post(request, path=path, headers=headers)

    async def post_async(
        self,
        app: Callable[..., Any],
        request: SignedRequest | Signable,
        *,
        path: str = "/",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """``post`` from an async test: an ASGI application runs in the test's event loop."""
        client = client_for(app, secret=self.secret)
        if isinstance(client, ASGIClient):
            return await client.post_async(request, path=path, headers=headers)
        return client.post(request, path=path, headers=headers)


@pytest.fixture
def topmessage_secret() -> str:
    """A random webhook secret, new for each test; override it to use your own."""
    return "whsec_" + secrets.token_urlsafe(24)


@pytest.fixture
def topmessage_signer(topmessage_secret: str) -> TopMessageSigner:
    """Signs payloads with ``topmessage_secret``."""
    return TopMessageSigner(topmessage_secret)


@pytest.fixture
def topmessage_client(topmessage_secret: str) -> TopMessageClient:
    """Posts requests signed with ``topmessage_secret`` to WSGI and ASGI applications."""
    return TopMessageClient(topmessage_secret)
