"""Names a package exports but imports only when first used (PEP 562).

``import sim`` and the command line's error paths then stay fast: Mesa, pandas and SciPy
are imported by the first use of a name that needs them, not by the package's
``__init__``.
"""

from __future__ import annotations

import importlib


def lazy_exports(package: str, homes: dict[str, str], namespace: dict):
    """A module ``__getattr__`` and ``__dir__`` for ``package``.

    Args:
        package: the package's ``__name__``.
        homes: each exported name and the module that defines it.
        namespace: the package's ``globals()``; a name, once imported, is stored there.
    """

    def __getattr__(name: str):
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(homes[name]), name)
        namespace[name] = value  # from now on an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
