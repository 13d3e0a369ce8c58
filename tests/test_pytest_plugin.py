"""The pytest plugin: its fixtures, as a user's own test files use them, run by pytester."""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

DOCS = Path(__file__).resolve().parents[1] / "docs" / "testing.md"
PLUGIN = "topmessage_webhooks.testing.pytest_plugin"


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Run pytest in process with this plugin, by its module path, and no other.

    Autoloading is off, so an installed entry point cannot register the same
    plugin a second time (which pytest refuses), and the run stays fast.
    """
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    return functools.partial(pytester.runpytest, "-p", PLUGIN)


def _doc_example(first_line: str) -> str:
    blocks = re.findall(r"^```python\n(.*?)^```", DOCS.read_text("utf-8"), re.DOTALL | re.M)
    (block,) = (block for block in blocks if block.startswith(first_line))
    return str(block)


def test_documented_test_file_passes(pytester: pytest.Pytester, run: Callable[..., Any]) -> None:
    """The test file docs/testing.md shows passes, fixtures and all."""
    pytester.makepyfile(test_topmessage_receiver=_doc_example("# test_topmessage_receiver.py"))
    result = run()
    result.assert_outcomes(passed=7)


def test_secret_is_random_and_shared_by_the_fixtures(
    pytester: pytest.Pytester, run: Callable[..., Any]
) -> None:
    """Each test gets a new secret; the signer and the client both sign with it."""
    pytester.makepyfile(
        """
        from topmessage_webhooks import verify_and_parse
        from topmessage_webhooks.asgi import WebhookApp
        from topmessage_webhooks.testing import delivery_report

        SEEN = []

        def test_one(topmessage_secret):
            SEEN.append(topmessage_secret)

        def test_two(topmessage_secret):
            SEEN.append(topmessage_secret)

        def test_secrets_differ():
            assert len(set(SEEN)) == 2
            assert all(isinstance(secret, str) and len(secret) > 20 for secret in SEEN)

        def test_signer_uses_the_secret(topmessage_secret, topmessage_signer):
            report = delivery_report()
            assert verify_and_parse(*topmessage_signer(report), topmessage_secret) == report
            assert topmessage_signer.secret == topmessage_secret
            assert topmessage_secret not in repr(topmessage_signer)

        def test_client_signs_with_the_secret(topmessage_secret, topmessage_client):
            mine = WebhookApp(topmessage_secret, lambda event: None)
            other = WebhookApp("another-secret", lambda event: None)
            assert topmessage_client.post(mine, delivery_report()).status == 200
            assert topmessage_client.post(other, delivery_report()).status == 401
            assert topmessage_secret not in repr(topmessage_client)
        """
    )
    result = run()
    result.assert_outcomes(passed=5)


def test_secret_fixture_can_be_overridden(
    pytester: pytest.Pytester, run: Callable[..., Any]
) -> None:
    """A conftest's own topmessage_secret is the one the signer and the client use."""
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def topmessage_secret():
            return "the-apps-configured-secret"
        """
    )
    pytester.makepyfile(
        """
        from topmessage_webhooks.testing import delivery_report
        from topmessage_webhooks.wsgi import WebhookApp

        def test_override(topmessage_signer, topmessage_client):
            app = WebhookApp("the-apps-configured-secret", lambda event: None)
            assert topmessage_signer.secret == "the-apps-configured-secret"
            assert topmessage_client.post(app, delivery_report()).status == 200
        """
    )
    run().assert_outcomes(passed=1)


def test_client_posts_from_async_tests(pytester: pytest.Pytester, run: Callable[..., Any]) -> None:
    """post_async awaits an ASGI app in a running event loop, and posts to WSGI apps too."""
    pytester.makepyfile(
        """
        import asyncio

        from topmessage_webhooks import asgi, wsgi
        from topmessage_webhooks.testing import incoming_message

        def test_async(topmessage_secret, topmessage_client, topmessage_signer):
            async def run():
                received = []
                for receiver in (asgi, wsgi):
                    app = receiver.WebhookApp(topmessage_secret, received.append)
                    message = incoming_message()
                    assert (await topmessage_client.post_async(app, message)).status == 200
                    spoilt = topmessage_signer(message, fault="wrong_secret")
                    assert (await topmessage_client.post_async(app, spoilt)).status == 401
                return received

            assert len(asyncio.run(run())) == 2
        """
    )
    run().assert_outcomes(passed=1)


def test_fixtures_come_from_the_plugin(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the plugin, the fixtures do not exist."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile("def test_client(topmessage_client):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'topmessage_client' not found*"])


def _install_entry_point(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # A distribution's metadata, as an installed package registers its plugin.
    dist_info = pytester.mkdir("site").joinpath("topmessage_plugin_check-0.dist-info")
    dist_info.mkdir()
    dist_info.joinpath("METADATA").write_text(
        "Metadata-Version: 2.1\nName: topmessage-plugin-check\nVersion: 0\n"
    )
    dist_info.joinpath("entry_points.txt").write_text(
        f"[pytest11]\ntopmessage_webhooks = {PLUGIN}\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(dist_info.parent))
    pytester.makepyfile(
        textwrap.dedent(
            """
            def test_fixture(topmessage_client, topmessage_secret):
                assert topmessage_client.secret == topmessage_secret
            """
        )
    )


def test_entry_point_loads_the_plugin(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registered as the pytest11 entry point, the plugin loads by itself, or by its name."""
    _install_entry_point(pytester, monkeypatch)
    # hypothesis's own plugin is left out only to keep this run fast.
    pytester.runpytest_subprocess("-p", "no:hypothesispytest").assert_outcomes(passed=1)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.runpytest_subprocess().assert_outcomes(errors=1)
    pytester.runpytest_subprocess("-p", "topmessage_webhooks").assert_outcomes(passed=1)


def test_entry_point_and_module_path_together_are_refused(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As docs/testing.md warns, -p with the module path beside the entry point fails."""
    _install_entry_point(pytester, monkeypatch)
    result = pytester.runpytest_subprocess("-p", PLUGIN)
    assert result.ret != 0
    assert "already registered" in result.stderr.str() + result.stdout.str()
