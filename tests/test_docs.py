"""Every Python example in README.md and docs/ runs, so none can rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
# Plain ```python blocks run here. Tagged ones (```python excerpt, named
# receiver blocks) are checked by the tests of the files they come from.
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _examples(document: Path) -> list[str]:
    return PYTHON_BLOCK.findall(document.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "document",
    [document for document in DOCUMENTS if _examples(document)],
    ids=lambda document: str(document.relative_to(ROOT)),
)
def test_python_examples_run(document: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The document's python blocks run in order, in one namespace, without error."""
    namespace: dict[str, object] = {"__name__": "__doc_example__"}
    for number, example in enumerate(_examples(document), start=1):
        code = compile(example, f"{document.name} example {number}", "exec")
        exec(code, namespace)  # noqa: S102 - the project's own documentation


def test_readme_has_examples() -> None:
    """The README's quickstart is among the examples that run."""
    assert _examples(ROOT / "README.md")
