"""Every Python example in docs/receivers.md runs, so that none can rot."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "receivers.md"
FENCE = re.compile(r"^```python(?P<info>[^\n]*)\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)
SECRET_VARIABLE = "TOPMESSAGE_WEBHOOK_SECRET"


@attrs.frozen
class Block:
    """A fenced ``python`` block: its code, where it starts, and its info attributes."""

    code: str
    line: int
    options: dict[str, str]

    @property
    def name(self) -> str:
        return self.options.get("name", f"line-{self.line}")


def read_blocks() -> list[Block]:
    """The doc's python blocks, with ``key=value`` options from the fence's info string."""
    text = DOC.read_text(encoding="utf-8")
    return [
        Block(
            code=match["code"],
            line=text.count("\n", 0, match.start("code")) + 1,
            options=dict(option.split("=", 1) for option in match["info"].split()),
        )
        for match in FENCE.finditer(text)
    ]


BLOCKS = read_blocks()

# A minimal Django project around a block that is a project's wsgi.py.
DJANGO_SETTINGS = """\
SECRET_KEY = "only-for-this-check"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "mysite.urls"
"""
DJANGO_CHECK = """\
from wsgiref.util import setup_testing_defaults
from mysite.wsgi import application

for path in ("/webhooks/topmessage", "/elsewhere"):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses = []
    application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    print(path, statuses[0])
"""


def test_every_block_is_named_once() -> None:
    """Each python block has a unique name, so a failure says which example broke."""
    names = [block.options.get("name") for block in BLOCKS]
    assert None not in names
    assert len(set(names)) == len(names) >= 8


def run_as_project_file(block: Block, tmp_path: Path) -> None:
    """Write the block as a Django project's file and use it from a fresh interpreter."""
    project = tmp_path / "mysite"
    project.mkdir()
    (project / "__init__.py").write_text("")
    (project / "settings.py").write_text(DJANGO_SETTINGS)
    (project / "urls.py").write_text("urlpatterns = []\n")
    (tmp_path / block.options["file"]).write_text(block.code)
    result = subprocess.run(
        [sys.executable, "-c", DJANGO_CHECK],
        cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(tmp_path), SECRET_VARIABLE: "docs-secret"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # The receiver's path reaches the receiver (405 to a GET); the rest reaches Django.
    assert result.stdout.splitlines() == [
        "/webhooks/topmessage 405 Method Not Allowed",
        "/elsewhere 404 Not Found",
    ]


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_example_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example runs as written (after its framework, if it needs one, is installed)."""
    if "requires" in block.options:
        pytest.importorskip(block.options["requires"])
    if "file" in block.options:
        run_as_project_file(block, tmp_path)
        return
    monkeypatch.setenv(SECRET_VARIABLE, "docs-secret")
    # Padded so that a traceback names the doc's own line numbers.
    source = "\n" * (block.line - 1) + textwrap.dedent(block.code)
    exec(compile(source, str(DOC), "exec"), {"__name__": f"docs_receivers_{block.name}"})  # noqa: S102
