"""Generated malformed scenarios and sweep specs thrown at the CLI, in this process.

The helpers, the tripwires and the argument-list strategies are in tests/fuzz_cli.py; the
argument lists are in tests/test_cli_fuzz_arguments.py (a file of its own, so that make test's
workers share the 10,000 inputs).
"""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tests import test_cli_fuzz_arguments as arguments
from tests.fuzz_cli import BATCH, EXAMPLES, FUZZ, batches, fails_in_one_line, write
from tests.fuzz_cli import folder as folder  # noqa: F401  (a fixture)
from tests.fuzz_cli import no_model_runs as no_model_runs  # noqa: F401  (an autouse fixture)
from tests.strategies import mutations, odd_text, toml_text

# -- scenario files: a shipped scenario with one wrong value, key or type -------------------------
COMMANDS = st.sampled_from([["scenarios", "show"], ["run"], ["table"], ["viz", "--scenario"]])


@settings(max_examples=EXAMPLES["scenarios"] // BATCH, **FUZZ)
@given(cases=batches(st.tuples(mutations(kinds=("type", "nonfinite", "huge", "unknown")), COMMANDS)))
def test_malformed_scenarios(cases, folder):
    for mutation, command in cases:
        path = write(folder, toml_text(mutation.document))
        fails_in_one_line([*command, path])


# -- sweep specs: a good spec with one defect ---------------------------------------------------
def not_a_number(text):
    try:
        return not math.isfinite(float(text))
    except (TypeError, ValueError):
        return True


wrong_scalar = st.one_of(st.booleans(), st.just([1, 2]), st.just({"a": 1}), odd_text.filter(not_a_number))
SPEC_DEFECTS = {
    "scenario": st.one_of(st.integers(), st.booleans(), odd_text.map(lambda t: f"zz_no_{t}")),
    "steps": st.one_of(wrong_scalar, st.sampled_from([0, -1, 3, 10_001, 1.5, math.nan])),
    "replicates": st.one_of(wrong_scalar, st.sampled_from([0, -4, 10**9, 2.5])),
    "seed": st.one_of(wrong_scalar, st.sampled_from([-1, 2**63, 0.5, math.inf])),
    "design": st.one_of(st.integers(), odd_text.filter(lambda t: t not in ("grid", "lhs", "sobol"))),
    "samples": st.one_of(wrong_scalar, st.sampled_from([0, -1, 10**8])),
    "second_order": st.one_of(st.integers(), odd_text),
    "series": st.one_of(st.integers(), odd_text),
    "stop": st.one_of(st.integers(), odd_text.filter(lambda t: t not in ("horizon", "goal"))),
    "parameters": st.one_of(
        st.just({}),
        wrong_scalar.filter(lambda v: not isinstance(v, list)).map(lambda v: {"patience": v}),
        st.sampled_from(
            [
                {"patience": []},
                {"patience": [4, True]},
                {"patience": [4, [1]]},
                {"patience": [0.5]},
                {"patience": {"start": 4, "stop": 2, "step": 1}},
                {"patience": {"start": 4, "stop": 8, "step": 0}},
                {"patience": {"start": 4, "stop": 8}},
                {"patience": {"min": 1, "max": 2}},
                {"leader": ["boss"]},
                {"steps": [8, 9]},
                {"zz_unknown": [1]},
                {"patiance": [4]},
                {"initial_trust": [0.5, 2]},
                {"leader": {"start": 1, "stop": 2, "step": 1}},
                {"n_people": [1.5]},
            ]
        ),
        odd_text.map(lambda t: {"patience": [4, f"zz{t}"]}),
    ),
    "fixed": st.one_of(
        wrong_scalar.filter(lambda v: not isinstance(v, dict)),
        st.sampled_from(
            [
                {"leader": "boss"},
                {"patience": 0},
                {"patience": [1]},
                {"zz": 1},
                {"patience": 5},
                {"initial_trust": math.nan},
            ]
        ),
    ),
    "zz_unknown_key": st.one_of(st.integers(), odd_text),
}
RANGE_DEFECTS = [
    {"design": "lhs", "samples": 8, "parameters": {"patience": {"min": 9, "max": 4}}},
    {"design": "lhs", "samples": 8, "parameters": {"patience": {"min": 4, "mx": 9}}},
    {"design": "lhs", "samples": 8, "parameters": {"leader": {"min": 0, "max": 1}}},
    {"design": "sobol", "samples": 6, "parameters": {"patience": {"min": 4, "max": 9}}},
    {"design": "lhs", "samples": 8, "parameters": {"patience": {"min": 4, "max": 9}}, "fixed": {"patience": 4}},
]


@st.composite
def bad_specs(draw):
    spec = {
        "scenario": "chicago_absenteeism",
        "steps": 10,
        "replicates": 1,
        "seed": 7,
        "parameters": {"patience": [4, 8]},
    }
    if draw(st.integers(0, 9)) == 0:
        spec.update(draw(st.sampled_from(RANGE_DEFECTS)))
    else:
        key = draw(st.sampled_from(sorted(SPEC_DEFECTS)))
        spec[key] = draw(SPEC_DEFECTS[key])
    return toml_text(spec)


not_toml = st.binary(max_size=60).map(lambda b: b.decode("latin-1")).filter(lambda t: "=" not in t)


@settings(max_examples=EXAMPLES["specs"] // BATCH, **FUZZ)
@given(texts=batches(bad_specs() | not_toml))
def test_malformed_specs(texts, folder):
    for text in texts:
        path = write(folder, text)
        line = fails_in_one_line(["sweep", path, "--out", folder / "never-written", "--workers", "0"])
        assert not (folder / "never-written").exists(), line  # refused before anything was written


def test_over_ten_thousand_inputs_in_all():
    """The settings the three tests run with throw over 10,000 malformed inputs, BATCH an example."""
    tests = (test_malformed_scenarios, test_malformed_specs, arguments.test_malformed_argument_lists)
    examples = sum(t._hypothesis_internal_use_settings.max_examples for t in tests)
    assert examples * BATCH >= 10_000
