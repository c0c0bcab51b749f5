"""Compiled twins of the sanitiser's recognisers and request steps: the same findings, in the same order,
found at C speed.

Each module here mirrors the Python module of the same name in doorman.boundary and reuses its patterns
and word lists; the Python code stays the reference (tests/boundary/test_fast_recognisers.py holds each
twin to it on generated and arbitrary text) and stands in wherever a twin is not built.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

# Every module of this package; each defines TWINS, {Python class or function: its compiled twin}.
MODULES = (
    "addresses", "contact", "dates", "dry_run", "echoes", "financial", "findings", "names", "network",
    "organisations", "sanitiser", "secrets", "tabular", "vault",
)


@cache
def _built() -> dict[str, ModuleType]:
    modules = {}
    for name in MODULES:
        try:
            modules[name] = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":  # built, but broken: say so
                raise
    return modules


def twins() -> dict[object, object]:
    """The compiled twin of each Python recogniser class or request step that has one built."""
    return {reference: twin for module in _built().values() for reference, twin in module.TWINS.items()}


def missing() -> list[str]:
    """The modules not built (no C compiler at install): their Python references stand in."""
    return [name for name in MODULES if name not in _built()]
