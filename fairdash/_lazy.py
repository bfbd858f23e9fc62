"""Names of a package imported on first use (PEP 562), so that importing the package stays
cheap: ``fairdash.mitigation`` and ``fairdash.models`` keep scikit-learn out of a cold start
that only reads the registry or the model names (issue 16)."""

from __future__ import annotations

import importlib


def lazy_names(package: str, where: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for ``package`` whose ``where`` maps each lazy name to
    the submodule (relative, e.g. ``"_apply"``) that defines it."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name):
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        namespace[name] = value  # the next lookup is an ordinary attribute
        return value

    def __dir__():
        return sorted({*namespace, *where})

    return __getattr__, __dir__
