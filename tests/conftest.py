"""Test-wide settings: hypothesis profiles, and which tests share a worker.

``ci`` (chosen when ``CI`` is set, as ``.ci/run`` does): derandomized, so a CI run is
reproducible and a failure can be replayed; ``dev`` (the default): random examples, so
local runs keep exploring. Either can be forced with ``HYPOTHESIS_PROFILE``.

Tests that use a module-scoped fixture (a server and a browser, a sweep, a fit) are put in
one ``xdist_group`` per module, so that ``make test`` (``--dist loadgroup``) builds the
fixture once instead of once per worker; every other test goes to whichever worker is free.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def shares_a_module_fixture(item) -> bool:
    """Whether ``item`` uses a fixture built once per module (or wider, but not per session)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(defs[-1].scope in ("module", "package") for defs in info.name2fixturedefs.values() if defs)


# first: pytest-xdist reads the groups in its own hook, which otherwise runs before this one
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
