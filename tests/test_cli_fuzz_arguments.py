"""Generated malformed argument lists thrown at the CLI, in this process (see tests/fuzz_cli.py)."""

from hypothesis import given, settings

from tests.fuzz_cli import (  # noqa: F401  (no_model_runs is an autouse fixture)
    EXAMPLES,
    FUZZ,
    SPEC_FILE,
    bad_arguments,
    fails_in_one_line,
    no_model_runs,
)


@settings(max_examples=EXAMPLES["arguments"], **FUZZ)
@given(argv=bad_arguments(SPEC_FILE))
def test_malformed_argument_lists(argv):
    fails_in_one_line(argv)
