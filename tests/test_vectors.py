"""The published test vectors: fresh, well-formed, and every one met by the SDK."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    WebhookError,
    _errors,
    asgi,
    verify_and_parse,
    wsgi,
)
from topmessage_webhooks.testing import ENCODINGS, Vector, client_for, load_vectors
from topmessage_webhooks.testing._vectors import render

VECTORS = load_vectors()
FILE = resources.files("topmessage_webhooks.testing").joinpath("vectors.json")


def _cases() -> list[Any]:
    return [
        pytest.param(vector, name, signature, id=f"{vector.name}-{name}")
        for vector in VECTORS
        for name, signature in vector.signatures.items()
    ]


def test_committed_file_is_freshly_generated() -> None:
    """vectors.json is exactly what the generator writes: it cannot drift from its source."""
    assert FILE.read_text(encoding="utf-8") == render()


def test_generator_writes_the_file(tmp_path: Path) -> None:
    """python -m topmessage_webhooks.testing._vectors PATH writes what render() returns."""
    path = tmp_path / "vectors.json"
    subprocess.run(
        [sys.executable, "-m", "topmessage_webhooks.testing._vectors", str(path)], check=True
    )
    assert path.read_text(encoding="utf-8") == render()


@pytest.mark.parametrize(("vector", "name", "signature"), _cases())
def test_sdk_meets_every_vector(vector: Vector, name: str, signature: str | None) -> None:
    """verify_and_parse gives each vector's expected event, or raises its expected error."""
    expected = vector.expected
    if "error" in expected:
        with pytest.raises(WebhookError) as failure:
            verify_and_parse(vector.body, signature, vector.secrets)
        assert type(failure.value).__name__ == expected["error"]
        assert failure.value.status_code == expected["status_code"]
    else:
        event = verify_and_parse(vector.body, signature, vector.secrets)
        assert type(event).__name__ == expected["event"]
        assert event.to_dict() == expected["canonical"]
        assert expected["status_code"] == 200


@pytest.mark.parametrize("receiver", [wsgi, asgi], ids=["wsgi", "asgi"])
def test_receivers_answer_every_vector_with_its_status(receiver: Any) -> None:
    """The SDK's WSGI and ASGI receivers answer each vector with its expected status code."""
    for vector in VECTORS:
        client = client_for(receiver.WebhookApp(vector.secrets, lambda event: None))
        for name, signature in vector.signatures.items():
            headers = {"Content-Type": "application/json"}
            if signature is not None:
                headers[SIGNATURE_HEADER] = signature
            response = client.request("POST", body=vector.body, headers=headers)
            assert response.status == vector.expected["status_code"], (vector.name, name)


def test_vectors_are_well_formed() -> None:
    """Names are unique; body and body_base64 agree; each outcome names a real error or event."""
    raw = json.loads(FILE.read_text(encoding="utf-8"))
    assert raw["signature_header"] == SIGNATURE_HEADER
    names = [vector["name"] for vector in raw["vectors"]]
    assert len(names) == len(set(names))
    for vector in raw["vectors"]:
        body = base64.b64decode(vector["body_base64"], validate=True)
        if vector["body"] is None:
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
        else:
            assert vector["body"].encode("utf-8") == body
        assert vector["secrets"]
        assert vector["signatures"]
        expected = vector["expected"]
        if "error" in expected:
            assert set(expected) == {"status_code", "error"}
            assert getattr(_errors, expected["error"]).status_code == expected["status_code"]
        else:
            assert set(expected) == {"status_code", "event", "canonical"}
            assert expected["event"] in {"DeliveryReport", "IncomingMessage"}


def test_vectors_cover_every_encoding_and_outcome() -> None:
    """A genuine vector is signed in every encoding; every error class and status occurs."""
    genuine = next(vector for vector in VECTORS if vector.name == "delivery_report_sample")
    assert set(ENCODINGS) < set(genuine.signatures)
    outcomes = {vector.expected.get("error", vector.expected.get("event")) for vector in VECTORS}
    assert outcomes == {
        "DeliveryReport",
        "IncomingMessage",
        "PayloadError",
        "UnknownEventError",
        "InvalidSignatureError",
        "MissingSignatureError",
    }
    assert any(len(vector.secrets) > 1 for vector in VECTORS)
    assert any(vector.body and vector.expected.get("error") for vector in VECTORS)


def test_load_vectors_gives_bytes_bodies_and_read_only_data() -> None:
    """Loaded vectors hold the body as bytes, and their mappings cannot be changed."""
    vector = next(vector for vector in VECTORS if vector.name == "non_utf8_body")
    assert vector.body == b'{"data":{"id":"\xff\xfe","status":"DELIVERED"}}'
    assert isinstance(vector.secrets, tuple)
    with pytest.raises(TypeError):
        vector.expected["status_code"] = 200  # type: ignore[index]
