"""The raw request body: accepted types and the size limit."""

from __future__ import annotations

from ._errors import PayloadTooLargeError
from ._signature import Body

DEFAULT_MAX_BODY_SIZE = 1_048_576


def body_bytes(body: Body, max_body_size: int) -> bytes | bytearray:
    """Return ``body`` as bytes, after checking its type and size.

    A decoded payload (a dict, say) is a ``TypeError``: TopMessage signs the
    exact bytes it sent, which re-serialising never reproduces. The size is
    checked before anything else is done with the body.
    """
    if isinstance(body, (bytes, bytearray)):
        _check_size(len(body), max_body_size)
        return body
    if isinstance(body, memoryview):
        _check_size(body.nbytes, max_body_size)
        return body.tobytes()
    if isinstance(body, str):
        # Each character is at least one UTF-8 byte: reject before encoding.
        _check_size(len(body), max_body_size)
        # surrogatepass lets any str through, so that a body that is not
        # Unicode text fails as a payload error after verification.
        encoded = body.encode("utf-8", "surrogatepass")
        _check_size(len(encoded), max_body_size)
        return encoded
    raise TypeError(
        "body must be the raw request body as bytes or str, not "
        f"{type(body).__name__}; a parsed or re-serialised body never matches "
        "its signature"
    )


def _check_size(size: int, max_body_size: int) -> None:
    if size > max_body_size:
        raise PayloadTooLargeError(f"body is {size} bytes, more than the limit of {max_body_size}")


def check_max_body_size(max_body_size: object) -> int:
    """Validate a ``max_body_size`` argument: a positive int."""
    if isinstance(max_body_size, bool) or not isinstance(max_body_size, int):
        raise TypeError(f"max_body_size must be an int, not {type(max_body_size).__name__}")
    if max_body_size <= 0:
        raise ValueError("max_body_size must be positive")
    return max_body_size
