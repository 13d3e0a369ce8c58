"""The framework recipes in docs/recipes, each driven by its framework's own test client.

One table of requests runs against four adapters, one per framework. The
recipes live outside the package, so they are loaded from their files, once per
process: Django's settings can be configured only once, and the Django recipe
does that itself.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import importlib.util
import io
import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import attrs
import django.test
import fastapi.testclient
import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given, settings
from hypothesis import strategies as st

from topmessage_webhooks import SIGNATURE_HEADER, sign
from topmessage_webhooks._body import DEFAULT_MAX_BODY_SIZE
from topmessage_webhooks._samples import (
    DELIVERY_REPORT,
    DELIVERY_REPORT_EN,
    INCOMING_MESSAGE,
    INCOMING_MESSAGE_AS_PRINTED,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
RECIPES = DOCS / "recipes"
FRAMEWORKS = ("flask_app", "django_app", "fastapi_app", "aiohttp_app")
SECRET = "recipe-test-secret"
SECRET_VARIABLE = "TOPMESSAGE_WEBHOOK_SECRET"
PATH = "/webhooks/topmessage"


@functools.cache
def load_recipe(name: str) -> ModuleType:
    """Import ``docs/recipes/<name>.py`` with the test secret in the environment."""
    spec = importlib.util.spec_from_file_location(name, RECIPES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered first: the Django recipe names itself as its ROOT_URLCONF.
    sys.modules[name] = module
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_VARIABLE, SECRET)
        spec.loader.exec_module(module)
    return module


@attrs.frozen
class Answer:
    """What a recipe answered: the status and the body's bytes."""

    status: int
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


Send = Callable[[ModuleType, str, bytes, dict[str, str]], Answer]


def send_flask(recipe: ModuleType, method: str, body: bytes, headers: dict[str, str]) -> Answer:
    response = recipe.app.test_client().open(PATH, method=method, data=body, headers=headers)
    return Answer(response.status_code, response.get_data())


def send_django(recipe: ModuleType, method: str, body: bytes, headers: dict[str, str]) -> Answer:
    client = django.test.Client()
    response = client.generic(method, PATH, body, content_type="application/json", headers=headers)
    return Answer(response.status_code, response.content)


def send_fastapi(recipe: ModuleType, method: str, body: bytes, headers: dict[str, str]) -> Answer:
    with fastapi.testclient.TestClient(recipe.app) as client:
        response = client.request(method, PATH, content=body, headers=headers)
    return Answer(response.status_code, response.content)


def send_aiohttp(recipe: ModuleType, method: str, body: bytes, headers: dict[str, str]) -> Answer:
    async def send() -> Answer:
        async with TestClient(TestServer(recipe.create_app())) as client:
            # A file object: aiohttp warns that large bytes would block the loop.
            data = io.BytesIO(body)
            response = await client.request(method, PATH, data=data, headers=headers)
            return Answer(response.status, await response.read())

    return asyncio.run(send())


SENDERS: dict[str, Send] = {
    "flask_app": send_flask,
    "django_app": send_django,
    "fastapi_app": send_fastapi,
    "aiohttp_app": send_aiohttp,
}


@pytest.fixture(scope="module", params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    assert load_recipe(name).webhook.max_body_size == DEFAULT_MAX_BODY_SIZE
    return name


def post(framework: str, body: bytes, signature: str | None, method: str = "POST") -> Answer:
    """Deliver ``body`` the way TopMessage does, to the recipe ``framework``."""
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    return SENDERS[framework](load_recipe(framework), method, body, headers)


def padded_to(body: bytes, size: int) -> bytes:
    """``body`` with trailing JSON whitespace, ``size`` bytes in all."""
    return body + b" " * (size - len(body))


@attrs.frozen
class Case:
    """A delivery, and what the recipe answers and logs (at INFO) in return."""

    body: bytes
    signature: str | None
    status: int
    answer: object = None
    logged: str | None = None
    method: str = "POST"


FORGED = DELIVERY_REPORT.replace(b"DELIVERED", b"FAILED")
TRUNCATED = DELIVERY_REPORT[:40]
UNKNOWN = b'{"data": {"id": "c0ffee", "kind": "CALL"}}'
TOO_LARGE = padded_to(DELIVERY_REPORT, DEFAULT_MAX_BODY_SIZE + 1)
LARGEST = padded_to(DELIVERY_REPORT, DEFAULT_MAX_BODY_SIZE)
REPORT_ID = "b04fc4d3-f232-46b7-b66b-538c0d4b3404"
RECEIVED = {"status": "received"}

CASES = {
    "delivery report": Case(
        DELIVERY_REPORT,
        sign(DELIVERY_REPORT, SECRET),
        200,
        RECEIVED,
        f"delivery report for {REPORT_ID}: DELIVERED",
    ),
    "delivery report, base64 signature": Case(
        DELIVERY_REPORT_EN,
        sign(DELIVERY_REPORT_EN, SECRET, encoding="base64"),
        200,
        RECEIVED,
        f"delivery report for {REPORT_ID}: DELIVERED",
    ),
    "incoming message": Case(
        INCOMING_MESSAGE,
        sign(INCOMING_MESSAGE, SECRET),
        200,
        RECEIVED,
        "incoming WHATSAPP message e3fc3b55-807f-41cf-93cf-cd365fef8515",
    ),
    "body of exactly the size limit": Case(
        LARGEST,
        sign(LARGEST, SECRET),
        200,
        RECEIVED,
        f"delivery report for {REPORT_ID}: DELIVERED",
    ),
    "unknown event": Case(UNKNOWN, sign(UNKNOWN, SECRET), 202, {"status": "ignored"}),
    "body changed after signing": Case(FORGED, sign(DELIVERY_REPORT, SECRET), 401),
    "signed with another secret": Case(DELIVERY_REPORT, sign(DELIVERY_REPORT, "other"), 401),
    "signature not hex or base64": Case(DELIVERY_REPORT, "not-a-signature", 401),
    "no signature header": Case(DELIVERY_REPORT, None, 401),
    "empty signature header": Case(DELIVERY_REPORT, "", 401),
    "signed body that is not JSON": Case(TRUNCATED, sign(TRUNCATED, SECRET), 400),
    "signed sample with its extra brace": Case(
        INCOMING_MESSAGE_AS_PRINTED, sign(INCOMING_MESSAGE_AS_PRINTED, SECRET), 400
    ),
    "body over the size limit": Case(TOO_LARGE, sign(TOO_LARGE, SECRET), 413),
    "GET": Case(b"", None, 405, method="GET"),
}


def secrets_in(body: bytes) -> list[str]:
    """What must never be told back: the secret, signatures of the body, the body."""
    hex_mac = sign(body, SECRET)
    candidates = [SECRET, hex_mac, hex_mac.upper(), sign(body, SECRET, encoding="base64")]
    candidates.append(base64.urlsafe_b64encode(bytes.fromhex(hex_mac)).decode().rstrip("="))
    if len(body.strip()) >= 20:
        candidates.append(body.decode("utf-8", "replace").strip())
    return candidates


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_recipe_answers(framework: str, case: Case, caplog: pytest.LogCaptureFixture) -> None:
    """Each recipe answers each kind of delivery with the status and body TopMessage expects."""
    caplog.set_level(logging.INFO, logger=framework)
    answer = post(framework, case.body, case.signature, case.method)

    assert answer.status == case.status
    if case.answer is not None:
        assert answer.json() == case.answer
    if case.status in (400, 401):
        error = answer.json()
        assert isinstance(error, dict)
        assert set(error) == {"error"}
        assert error["error"]
    handled = [
        record.getMessage()
        for record in caplog.records
        if record.name == framework and record.levelno == logging.INFO
    ]
    assert handled == ([case.logged] if case.logged else [])


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_recipe_keeps_secrets(framework: str, case: Case, caplog: pytest.LogCaptureFixture) -> None:
    """No answer or log line of a recipe holds the secret, a signature or the body."""
    caplog.set_level(logging.DEBUG)
    answer = post(framework, case.body, case.signature, case.method)

    told = answer.body.decode("utf-8", "replace") + caplog.text
    for secret in secrets_in(case.body) + ([case.signature] if case.signature else []):
        assert secret not in told


def test_recipe_logs_rejections(framework: str, caplog: pytest.LogCaptureFixture) -> None:
    """A rejected delivery is logged as a warning that says why."""
    caplog.set_level(logging.INFO, logger=framework)
    post(framework, DELIVERY_REPORT, None)

    (warning,) = [record for record in caplog.records if record.name == framework]
    assert warning.levelno == logging.WARNING
    assert SIGNATURE_HEADER in warning.getMessage()


def test_recipe_refuses_large_bodies(framework: str, caplog: pytest.LogCaptureFixture) -> None:
    """A body over the limit is refused by the framework, before the recipe reads it."""
    caplog.set_level(logging.INFO, logger=framework)
    answer = post(framework, TOO_LARGE, sign(TOO_LARGE, SECRET))

    assert answer.status == 413
    # verify_and_parse would have refused it too, and the recipe logged that.
    assert [record for record in caplog.records if record.name == framework] == []


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
WIRE_KEYS = st.sampled_from(["status", "channel", "type", "text", "number", "location"])
EVENTS = st.builds(
    lambda event_id, data: json.dumps({"data": {"id": event_id, **data}}).encode(),
    st.text(max_size=8),
    st.dictionaries(WIRE_KEYS | st.text(max_size=5), st.text(max_size=8) | JSON_VALUES, max_size=4),
)


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=200) | EVENTS)
def test_recipes_never_fail_on_verified_bodies(body: bytes) -> None:
    """Whatever TopMessage signs, every recipe answers 200, 202 or 400, never a server error."""
    for name in FRAMEWORKS:
        assert post(name, body, sign(body, SECRET)).status in (200, 202, 400)


@settings(max_examples=25, deadline=None)
@given(body=st.binary(max_size=200), wrong_secret=st.text(min_size=1).filter(lambda s: s != SECRET))
def test_recipes_reject_other_secrets(body: bytes, wrong_secret: str) -> None:
    """Whatever the body, a signature under another secret is answered 401 by every recipe."""
    for name in FRAMEWORKS:
        assert post(name, body, sign(body, wrong_secret)).status == 401


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_recipe_requires_the_secret(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A recipe started without TOPMESSAGE_WEBHOOK_SECRET stops, naming the variable."""
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    spec = importlib.util.spec_from_file_location(f"unconfigured_{name}", RECIPES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    with pytest.raises(KeyError, match=SECRET_VARIABLE):
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


def run_recipe_command(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ``args``, the test secret in its environment."""
    return subprocess.run(
        [sys.executable, *args],
        env={**os.environ, SECRET_VARIABLE: SECRET},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_django_recipe_is_a_manage_script() -> None:
    """The Django recipe runs Django's commands itself, as its docstring says."""
    result = run_recipe_command(str(RECIPES / "django_app.py"), "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_flask_recipe_runs_with_the_flask_command() -> None:
    """The Flask recipe is found by ``flask --app``, with its webhook route."""
    result = run_recipe_command("-m", "flask", "--app", str(RECIPES / "flask_app.py"), "routes")
    assert result.returncode == 0, result.stderr
    assert re.search(rf"topmessage_webhook\s+POST\s+{PATH}", result.stdout)


# The docs quote the recipes' key lines in "python excerpt" blocks (test_docs.py
# runs the plain "python" blocks); these tests keep the quotes true.

FRAMEWORKS_DOC = DOCS / "frameworks.md"
EXCERPT = re.compile(r"^```python excerpt\n(.*?)^```$", re.MULTILINE | re.DOTALL)
RECIPE_LINK = re.compile(r"\(recipes/(\w+)\.py\)")


def doc_sections() -> dict[str, list[str]]:
    """Each ``## `` section of frameworks.md that links a recipe, with its excerpts."""
    sections = {}
    for section in re.split(r"^## ", FRAMEWORKS_DOC.read_text(), flags=re.MULTILINE)[1:]:
        linked = set(RECIPE_LINK.findall(section))
        blocks = EXCERPT.findall(section)
        if linked or blocks:
            assert len(linked) == 1, f"section {section.splitlines()[0]!r} links {linked}"
            sections[linked.pop()] = blocks
    return sections


def test_every_recipe_has_a_section() -> None:
    """frameworks.md has one section per recipe file, each quoting some of it."""
    sections = doc_sections()
    assert sorted(sections) == sorted(path.stem for path in RECIPES.glob("*.py"))
    assert sorted(sections) == sorted(FRAMEWORKS)
    assert all(sections.values())


@pytest.mark.parametrize(
    ("name", "quote"),
    [
        pytest.param(name, quote, id=f"{name} excerpt {number}")
        for name, quotes in doc_sections().items()
        for number, quote in enumerate(quotes, start=1)
    ],
)
def test_doc_quotes_are_verbatim(name: str, quote: str) -> None:
    """Each excerpt in frameworks.md is a run of lines of its recipe, indentation aside."""
    wanted = textwrap.dedent(quote).splitlines()
    lines = (RECIPES / f"{name}.py").read_text().splitlines()
    runs = (
        textwrap.dedent("\n".join(lines[start : start + len(wanted)])).splitlines()
        for start in range(len(lines) - len(wanted) + 1)
    )
    assert wanted in runs
