"""Sending an event as TopMessage would: a signed POST with ``urllib``."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from email.message import Message

import attrs

from ._signature import SIGNATURE_HEADER

#: How much of an endpoint's answer is read; an answer is shown, not stored.
MAX_ANSWER_SIZE = 65_536


@attrs.frozen
class Answer:
    """What the endpoint answered: the status, its reason phrase, and the start of the body."""

    status: int
    reason: str
    body: bytes
    #: Where a redirect pointed; redirects are reported, never followed.
    location: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the endpoint accepted the event (a 2xx answer)."""
        return 200 <= self.status < 300


class SendError(Exception):
    """The endpoint could not be reached, or did not answer with HTTP."""


class _DoNotRedirect(urllib.request.HTTPRedirectHandler):
    # Following a redirect would turn the POST into a GET without a body, and
    # report the answer of some other URL as the endpoint's.
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


_OPENER = urllib.request.build_opener(_DoNotRedirect)


def post(
    url: str, body: bytes, signature: str | None, *, user_agent: str, timeout: float
) -> Answer:
    """POST ``body`` to ``url`` with the signature header, and return the answer.

    ``signature`` ``None`` sends no signature header. Any HTTP answer is
    returned, whatever its status; ``SendError`` is raised when there is none.
    """
    headers = {"Content-Type": "application/json", "User-Agent": user_agent}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - the scheme is checked by the caller
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Answer(response.status, response.reason, response.read(MAX_ANSWER_SIZE))
    except urllib.error.HTTPError as error:
        with error:
            return Answer(
                error.code, error.reason, error.read(MAX_ANSWER_SIZE), error.headers["Location"]
            )
    except urllib.error.URLError as error:
        reason = getattr(error.reason, "strerror", None) or error.reason
        raise SendError(f"cannot reach {url}: {reason}") from error
    except TimeoutError as error:
        raise SendError(f"{url} did not answer within {timeout:g} seconds") from error
    except (OSError, http.client.HTTPException) as error:
        raise SendError(
            f"{url} did not answer with HTTP: {error or type(error).__name__}"
        ) from error
