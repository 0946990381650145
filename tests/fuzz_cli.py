"""Helpers of the CLI fuzz tests (tests/test_cli_fuzz*.py): tripwires, one-line checks, strategies.

Every generated input must give exit status 2 and exactly one line, ``error: ...``, with no
traceback and no raw control character, before any model runs: the model's constructor, the
do-nothing baseline and ``os.execve`` (``coalition viz``) are replaced by tripwires
(``no_model_runs``, imported by each test module). Over 10,000 inputs in all (``EXAMPLES``),
``BATCH`` to a hypothesis example.
"""

import contextlib
import io
import itertools
import re

import pytest
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from sim.cli.main import build_parser, main
from tests.strategies import odd_text

# inputs thrown at the CLI per test; hypothesis draws them BATCH to an example, since its own
# bookkeeping per example costs about twice what the CLI does with one malformed input
EXAMPLES = {"arguments": 6000, "scenarios": 1000, "specs": 3000}
BATCH = 10


def batches(strategy):
    """``BATCH`` draws of ``strategy``: one hypothesis example."""
    return st.lists(strategy, min_size=BATCH, max_size=BATCH)


FUZZ = {
    "deadline": None,
    "database": None,
    "phases": [Phase.explicit, Phase.generate, Phase.shrink],
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_names = itertools.count()


class ReachedTheModel(AssertionError):
    """The CLI went past its checks: a malformed input was taken for a good one."""


def tripwire(*args, **kwargs):
    raise ReachedTheModel(f"ran past the checks: {args[:2]}")


@pytest.fixture(scope="module", autouse=True)
def no_model_runs(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sim.model.model.CoalitionModel.__init__", tripwire)
        mp.setattr("sim.model.baseline.do_nothing", tripwire)
        mp.setattr("os.execve", tripwire)
        cwd = tmp_path_factory.mktemp("cwd")
        mp.chdir(cwd)
        (cwd / SPEC_FILE).write_text(GOOD_SPEC)
        yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def fails_in_one_line(argv):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    text = err.getvalue()
    lines = text.strip("\n").split("\n")
    assert code == 2, (argv, text, out.getvalue())
    assert len(lines) == 1 and lines[0].startswith("error: "), (argv, text)
    assert "Traceback" not in text and not CONTROL.search(text), (argv, text)
    return lines[0]


def write(folder, text, suffix=".toml"):
    path = folder / f"f{next(_names)}{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


# -- argument lists: a valid command with one defect -------------------------------------------
not_an_int = st.sampled_from(["abc", "", "1.5", "1e3x", "--", "0x10", "½", "\x00", "\x1b[31m"]) | odd_text.filter(
    lambda t: not re.fullmatch(r"\s*[+-]?\d+\s*", t)
)
negative = st.integers(max_value=-1).map(str)
bad_sets = st.sampled_from(
    [
        "noequals",
        "=5",
        "zz_unknown=1",
        "patience=abc",
        "patience=-5",
        "patience=nan",
        "initial_trust=2",
        "leader=boss",
        "n_people=0",
        "n_people=1.5",
        "steps=0",
        "steps=99999",
        "community=",
        "missing_role=chair",
    ]
) | odd_text.map(lambda t: f"zz{t}={t}")


SCENARIOS = st.sampled_from(["chicago_absenteeism", "single_agency"])
NO_SCENARIO = odd_text.map(lambda t: f"zz_no_{t}")


def flags(*pairs):
    """A strategy of ``[flag, value]`` lists, one of ``pairs`` (value: a strategy or a string)."""
    return st.one_of(
        [st.tuples(st.just(f), v if isinstance(v, st.SearchStrategy) else st.just(v)).map(list) for f, v in pairs]
    )


DEFECTS = {
    "run": flags(
        ("--steps", not_an_int | negative | st.sampled_from(["0", "3", "10001", "9" * 30])),
        ("--seed", not_an_int | negative),
        ("--set", bad_sets),
    )
    | st.sampled_from([["--set", "patience=5", "--set", "patience=6"], ["--steps", "9", "--set", "steps=10"]]),
    "sweep": flags(
        ("--workers", not_an_int | negative),
        ("--shard", st.sampled_from(["2/2", "1", "a/b", "-1/3", "0/0"])),
        ("--replicates", not_an_int | st.just("0")),
        ("--steps", st.sampled_from(["0", "3", "10001"])),
        ("--chunk-size", "0"),
        ("--series-out", "elsewhere"),
    )
    | st.just(["--workers", "1", "--scheduler", "tcp://127.0.0.1:1"]),
    "table": flags(
        ("--threshold", st.sampled_from(["0", "1.5", "x", "nan"])),
        ("--replicates", "0"),
        ("--workers", "-1"),
        ("--set", bad_sets | st.just("missing_role=data")),
        ("--steps", "2"),
    ),
    "scenarios": flags(("--people", st.sampled_from(["0", "x", "99999999999"])), ("--steps", "1"), ("--seed", "-3")),
    "viz": flags(("--port", st.sampled_from(["-1", "65536", "http", ""])), ("--scenario", NO_SCENARIO)),
}
ANYWHERE = st.sampled_from([["--zzunknown"], ["extra", "positional", "args"]]) | st.text("abcxyz", max_size=5).map(
    lambda t: ["--zz" + t]
)


def command(kind, scenario, spec_file):
    return {
        "run": ["run", scenario, "--seed", "1"],
        "sweep": ["sweep", spec_file, "--out", "sweep-out"],
        "table": ["table", scenario],
        "scenarios": ["scenarios", "show", scenario],
        "viz": ["viz"],
    }[kind]


COMMANDS = frozenset(build_parser()._subparsers._group_actions[0].choices)


def not_a_command(word: str) -> bool:
    """Whether ``word`` alone is a mistake: no subcommand, and no way of asking for help."""
    asks_for_help = word.startswith("-h") or (len(word) > 2 and "--help".startswith(word))
    return word not in COMMANDS and not asks_for_help


def bad_arguments(spec_file):
    """A valid command with one defect inserted somewhere, a missing scenario, or no such subcommand."""
    with_defect = (
        st.sampled_from(sorted(DEFECTS))
        .flatmap(
            lambda kind: st.tuples(
                st.just(command(kind, "single_agency", spec_file)), DEFECTS[kind] | ANYWHERE, st.integers(1, 4)
            )
        )
        .map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :])
    )
    missing = st.tuples(st.sampled_from(["run", "table", "scenarios"]), NO_SCENARIO).map(
        lambda t: command(t[0], t[1], spec_file)
    )
    unknown = odd_text.filter(not_a_command).map(lambda t: [t])
    return with_defect | missing | unknown


GOOD_SPEC = """scenario = "chicago_absenteeism"
steps = 10
replicates = 1
seed = 7
[parameters]
patience = [4, 8]
"""


SPEC_FILE = "good-spec.toml"  # written in the working folder by no_model_runs
