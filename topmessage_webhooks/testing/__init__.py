"""Tools for testing code that receives TopMessage webhooks, without calling TopMessage.

>>> from topmessage_webhooks.testing import delivery_report, signed_request
>>> body, headers = signed_request(delivery_report(status="FAILED"), "my-secret")
>>> headers["Content-Type"]
'application/json'

- ``delivery_report(**overrides)`` and ``incoming_message(**overrides)``:
  typed events like TopMessage's documented samples, with fresh ids;
- ``signed_request(payload, secret, ...)``: the body and headers TopMessage
  would send, in any accepted signature encoding, or spoilt in one of the
  ``FAULTS`` for negative tests;
- ``WSGIClient``, ``ASGIClient`` and ``client_for(app)``: send such requests
  to a WSGI or ASGI application in process and get its ``Response``;
- ``load_vectors()``: the published, language-neutral test vectors.

Nothing here needs more than the SDK itself. Hypothesis strategies are in
``topmessage_webhooks.testing.strategies`` (``pip install
'topmessage-webhooks[testing]'``), and pytest fixtures in the
``topmessage_webhooks.testing.pytest_plugin`` plugin, which pytest loads
once the package is installed.
"""

from ._clients import ASGIClient, Response, WSGIClient, client_for
from ._factories import delivery_report, incoming_message
from ._requests import ENCODINGS, FAULTS, Encoding, Fault, SignedRequest, signed_request
from ._vectors import Vector, load_vectors

__all__ = [
    "ENCODINGS",
    "FAULTS",
    "ASGIClient",
    "Encoding",
    "Fault",
    "Response",
    "SignedRequest",
    "Vector",
    "WSGIClient",
    "client_for",
    "delivery_report",
    "incoming_message",
    "load_vectors",
    "signed_request",
]
