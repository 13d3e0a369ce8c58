"""The public surface: one __init__, a sorted __all__ that matches what is exported."""

from __future__ import annotations

from types import ModuleType

import topmessage_webhooks


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted (constants, classes, functions) and lists exactly the public names."""
    exported = topmessage_webhooks.__all__

    def kind_then_name(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert exported == sorted(exported, key=kind_then_name)
    public = {
        name
        for name, value in vars(topmessage_webhooks).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert public == set(exported)


def test_every_exported_name_has_a_docstring() -> None:
    """Each exported class and function documents its contract."""
    for name in topmessage_webhooks.__all__:
        value = getattr(topmessage_webhooks, name)
        if callable(value):
            assert value.__doc__, name
