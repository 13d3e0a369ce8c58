"""The public surface: a sorted __all__ that matches what each public module exports."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import topmessage_webhooks
import topmessage_webhooks.testing

PUBLIC_MODULES = [topmessage_webhooks, topmessage_webhooks.testing]


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda module: module.__name__)
def test_all_is_sorted_and_complete(module: ModuleType) -> None:
    """__all__ is sorted (constants, classes, functions) and lists exactly the public names."""
    exported = module.__all__

    def kind_then_name(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert exported == sorted(exported, key=kind_then_name)
    public = {
        name
        for name, value in vars(module).items()
        # Skips submodules, and the names pytest adds to modules it rewrites.
        if name.isidentifier() and not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert public == set(exported)


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda module: module.__name__)
def test_every_exported_name_has_a_docstring(module: ModuleType) -> None:
    """Each exported class and function documents its contract."""
    for name in module.__all__:
        value = getattr(module, name)
        if isinstance(value, type) or inspect.isfunction(value):
            assert value.__doc__, name
