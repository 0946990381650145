"""make test keeps the tests of a module-scoped fixture on one worker (tests/conftest.py).

Otherwise each worker builds the module's server, browser or sweep again, and make test
takes longer than it should (it did with pytest 9.2 and pytest-xdist 3.8: pytest-xdist#1386).
"""

import os

import pytest


@pytest.fixture(scope="module")
def built_once():
    return os.getpid()


def test_a_module_fixture_puts_its_tests_in_one_group(request, built_once):
    assert request.node.get_closest_marker("xdist_group").args == (__name__,)


def test_a_test_without_one_goes_to_any_worker(request):
    assert request.node.get_closest_marker("xdist_group") is None


def test_under_loadgroup_the_group_reaches_the_scheduler(request, built_once):
    """The scheduler groups tests by the ``@group`` ending xdist gives their node ids."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run by pytest-xdist with --dist loadgroup (make test is)")
    assert request.node.nodeid.endswith(f"@{__name__}"), request.node.nodeid
