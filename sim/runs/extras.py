"""Optional packages (extras): a missing one is one line naming the extra to install."""

from __future__ import annotations

import importlib
import warnings

from sim.errors import InputError

EXTRAS = {
    "SALib": "sensitivity",
    "distributed": "dask",
    "dask_jobqueue": "dask",
    "ema_workbench": "ema",
    "solara": "viz",
}


class MissingExtra(InputError):
    """An optional package that is not installed."""


def require(module: str, needed_for: str):
    """Import ``module``, or raise :class:`MissingExtra` naming the extra that installs it.

    Args:
        module: the top-level module, e.g. ``"SALib"``.
        needed_for: what needs it, e.g. ``'design = "sobol"'``.
    """
    extra = EXTRAS.get(module, module)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. ema_workbench warns that ipyparallel is absent
            return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{needed_for}: needs {module}, which is not installed; pip install 'coalition[{extra}]' "
            f"(from a checkout: pip install -e '.[{extra}]')"
        ) from None
