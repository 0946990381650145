"""Test-wide settings: hypothesis profiles.

``ci`` (chosen when ``CI`` is set, as ``.ci/run`` does): derandomized, so a CI run is
reproducible and a failure can be replayed; ``dev`` (the default): random examples, so
local runs keep exploring. Either can be forced with ``HYPOTHESIS_PROFILE``.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``), keep each module
    whose tests share a module-scoped fixture on one worker, so the fixture is built once;
    every other test is handed out on its own."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        if any(d.scope in ("module", "class") for defs in info.name2fixturedefs.values() for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
