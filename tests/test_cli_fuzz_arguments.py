"""Generated malformed argument lists thrown at the CLI, in this process (see tests/fuzz_cli.py)."""

from hypothesis import given, settings

from tests.fuzz_cli import (  # noqa: F401  (no_model_runs is an autouse fixture)
    BATCH,
    EXAMPLES,
    FUZZ,
    SPEC_FILE,
    bad_arguments,
    batches,
    fails_in_one_line,
    no_model_runs,
)


@settings(max_examples=EXAMPLES["arguments"] // BATCH, **FUZZ)
@given(argvs=batches(bad_arguments(SPEC_FILE)))
def test_malformed_argument_lists(argvs):
    for argv in argvs:
        fails_in_one_line(argv)
