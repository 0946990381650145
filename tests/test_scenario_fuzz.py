"""Fuzzing the scenario loader: malformed documents give one ScenarioError line, nothing else."""

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import one_line
from sim.scenario.load import load_scenario, parse_scenario, scenario_from_dict
from sim.scenario.messages import ScenarioError
from sim.scenario.validate import SECTIONS
from tests.strategies import HAND_WRITTEN, mutations, odd_text, toml_text

LABEL = "fuzz.toml"
FAST = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MESSAGE = re.compile(r"^fuzz\.toml(?::(\d+))?: (.+)$")


def check_message(err: ScenarioError) -> str:
    """The message is one line, ``fuzz.toml[:line]: <field>: <what>``; returns ``<field>: <what>``."""
    text = str(err)
    assert len(text.splitlines()) == 1 and "\n" not in text, text
    found = MESSAGE.match(text)
    assert found, text
    rest = found.group(2)
    assert ": " in rest and rest.split(": ")[0].strip(), text
    return rest


def outcome(call):
    """Run ``call``; return None on success or the checked message; anything else fails."""
    try:
        call()
    except ScenarioError as err:
        return check_message(err)
    return None


@FAST
@given(mutation=mutations(kinds=("type", "nonfinite", "huge")))
def test_a_wrong_value_is_reported_at_its_field(mutation):
    """Wrong type, NaN, infinity, huge numbers: always an error, naming exactly that field."""
    rest = outcome(lambda: scenario_from_dict(mutation.document, label=LABEL))
    assert rest is not None, f"{mutation.kind} at {mutation.field} was accepted"
    assert rest.startswith(one_line(mutation.field) + ": "), (mutation.field, rest)


@FAST
@given(mutation=mutations(kinds=("unknown",)))
def test_an_unknown_key_is_reported_at_its_field(mutation):
    rest = outcome(lambda: scenario_from_dict(mutation.document, label=LABEL))
    assert rest is not None, f"extra key {mutation.field} was accepted"
    assert rest.startswith(one_line(mutation.field) + ": "), (mutation.field, rest)


@FAST
@given(mutation=mutations(kinds=("missing",)))
def test_a_missing_key_is_reported_in_its_table_or_defaulted(mutation):
    rest = outcome(lambda: scenario_from_dict(mutation.document, label=LABEL))
    if rest is not None:
        at_field = rest.startswith(one_line(mutation.field) + ": ")
        if "." in mutation.field:  # a key of a table: the message names it or its table
            assert at_field or rest.startswith(one_line(mutation.field.rpartition(".")[0])), (mutation.field, rest)
        else:  # a whole section: the message names it, or a section that needed it
            assert rest.split(":")[0].split(".")[0].split("[")[0] in SECTIONS, (mutation.field, rest)


@FAST
@given(mutation=mutations(kinds=("text", "missing", "unknown")))
def test_odd_text_gives_a_result_or_one_line(mutation):
    outcome(lambda: scenario_from_dict(mutation.document, label=LABEL))


@settings(max_examples=400, deadline=None)
@given(mutation=mutations())
def test_as_text_the_line_number_points_at_the_field(mutation):
    """The same mutations written as TOML text: the reported line holds the field's key."""
    text = toml_text(mutation.document)
    try:
        parse_scenario(text, label=LABEL)
    except ScenarioError as err:
        check_message(err)
        line = MESSAGE.match(str(err)).group(1)
        if line and mutation.kind in ("type", "nonfinite", "huge") and str(err).count(one_line(mutation.field) + ": "):
            key = next(str(p) for p in reversed(mutation.path) if isinstance(p, str))
            if key.isidentifier():
                assert key in text.splitlines()[int(line) - 1], (str(err), text.splitlines()[int(line) - 1])


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(HAND_WRITTEN), data=st.data())
def test_edited_text_gives_a_result_or_one_line(name, data):
    """Lines deleted, duplicated, cut or overwritten with odd text."""
    from sim.scenario.load import SCENARIO_DIR

    lines = (SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8").splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["delete", "duplicate", "cut", "replace", "value"]))
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        elif edit == "replace":
            lines[i] = data.draw(odd_text)
        elif "=" in lines[i]:
            lines[i] = (
                lines[i].split("=")[0]
                + "= "
                + data.draw(
                    st.sampled_from(
                        ["nan", "inf", "-inf", "1e400", "99999999999999999999", "true", '"x"', "[]", "{}", "-1", "0"]
                    )
                )
            )
    outcome(lambda: parse_scenario("\n".join(lines), label=LABEL))


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=200) | st.builds(lambda b: b'[scenario]\nname = "' + b, st.binary(max_size=40)))
def test_any_bytes_in_a_file_give_a_result_or_one_line(raw):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_bytes(raw)
        try:
            load_scenario(path)
        except ScenarioError as err:
            text = str(err)
            assert len(text.splitlines()) == 1 and text.startswith(str(path)), text


def test_deeply_nested_or_odd_documents():
    for doc in (
        {"scenario": [[[[]]]]},
        {"x" * 10_000: 1},
        {"scenario": {"steps": 10**400}},
        [],
        "text",
        None,
        {"population": {"circumstances": [{"name": "a"}] * 13}},
    ):
        with_label = outcome(lambda d=doc: scenario_from_dict(d, label=LABEL))
        assert with_label is not None


@pytest.mark.timeout(30)
def test_pathological_lines_are_scanned_in_linear_time():
    """The line finder must not backtrack for ages on odd lines (a regex trap).

    A regex that backtracks takes exponential time on these; the test's timeout (pytest-timeout,
    30 s) fails it instead of a wall-clock threshold that a busy machine could trip.
    """
    from sim.scenario.locator import Locator

    n = 20_000
    for line in [
        "[" + " " * n + "x",
        "[" + "a " * n,
        "a" * n,
        "a." * n,
        '"' * n,
        "a = [" + "[" * n,
        "[[" + " ]" * n,
        "a" + " " * n + ".",
        "a" + " . a" * n,
        "a." * n + " =",
        " " * n + "a" + " " * n,
    ]:
        Locator(line + "\n" + line)
        outcome(lambda text=line: parse_scenario(text, label=LABEL))
