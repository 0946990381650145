"""Where a sweep's results come from: the inputs' content hashes, the code, the versions.

A sweep directory's manifest records, besides the spec:

- ``inputs``: every file the results depend on, with its path and SHA-256: the spec file
  (as given), and the scenario, both as the file's bytes (``sha256``) and as its checked
  content (``content_sha256``: the resolved scenario, defaults included, as canonical
  JSON, so that an edited comment does not count as a change but an edited value does);
- ``code``: the package version, the source revision (``git`` commit, and whether the
  working tree had changes) where there is one, and ``sha256``, a hash of the source files
  that make the numbers (``sim/model``, ``sim/scenario``, and ``design.py``, ``record.py`` and
  ``series.py`` of ``sim/runs``);
- ``versions``: Python's and the packages' that shape results.

:func:`differences` compares what a resume or another shard brings with what the manifest
recorded and says, in words, what changed.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import platform
import subprocess
import tokenize
from importlib import metadata
from pathlib import Path

SIM = Path(__file__).resolve().parents[1]
# the code between a run's parameters and seed and its row: the model, the scenario, each run's
# parameters and seed (design), the run itself and the outcomes and series read off it (record, series)
MODEL_SOURCES = ("model", "scenario", "runs/design.py", "runs/record.py", "runs/series.py")
PACKAGES = (
    "coalition",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "networkx",
    "SALib",
    "dask",
    "distributed",
    "pyabc",
)  # pyabc: the calibration's ABC-SMC


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path) -> str | None:
    """Hex SHA-256 of a file's bytes (None if it cannot be read)."""
    try:
        return sha256_bytes(Path(path).read_bytes())
    except OSError:
        return None


def scenario_record(scenario, path) -> dict:
    """The scenario's path, file hash and content hash (the checked scenario as canonical JSON)."""
    content = json.dumps(scenario.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return {
        "name": scenario.name,
        "path": str(path) if path else None,
        "sha256": file_digest(path) if path else None,
        "content_sha256": sha256_bytes(content.encode()),
    }


PLAN_KEY = b"coalition.plan"  # a part's Parquet metadata: the plan its runs were made under


def plan_record(manifest: dict) -> dict:
    """What every part of a sweep must be run under: its spec but replicates, scenario content, model code.

    Replicates may grow (a sweep extended); the scenario is named by its content and a preset
    by the values it fixes, so shards run apart on other machines, with the files elsewhere,
    are one plan; a horizon left to the scenario is its number of steps.
    """
    plan = {k: v for k, v in manifest["spec"].items() if k not in ("replicates", "scenario", "preset")}
    defaults = manifest.get("defaults")
    if plan.get("steps") is None and isinstance(defaults, dict) and defaults.get("steps") is not None:
        plan["steps"] = defaults["steps"]
    inputs, code = manifest.get("inputs"), manifest.get("code")
    scenario = inputs.get("scenario") if isinstance(inputs, dict) else None
    if isinstance(scenario, dict) and scenario.get("content_sha256"):  # (a hand-edited manifest: not checked)
        plan["scenario content"] = scenario["content_sha256"]
    if isinstance(code, dict) and (code.get("logic_sha256") or code.get("sha256")):
        plan["model code"] = code.get("logic_sha256") or code["sha256"]
    return plan


def plan_mismatch(stamped: bytes | None, plan: dict) -> str:
    """The first field of the plan a part was stamped with that differs from ``plan`` ("" if none, or not stamped)."""
    if stamped is None:  # a part written before parts were stamped: its seeds and parameters are checked alone
        return ""
    try:
        theirs = json.loads(stamped)
    except ValueError:
        return "an unreadable plan"
    ours = json.loads(json.dumps(plan))  # as stored: tuples as lists
    for name in sorted(ours):  # what this sweep's manifest says (a hand-edited one may say less)
        if not isinstance(theirs, dict) or theirs.get(name) != ours[name]:
            got = theirs.get(name) if isinstance(theirs, dict) else theirs
            return f"runs made with {name} {got!r}, where this sweep has {ours[name]!r}"
    return ""


def preset_record(scenario, name: str) -> dict:
    """A preset as a run or a sweep records it: the name given, its file's absolute path and SHA-256."""
    from sim.runs.presets import preset_path

    path = preset_path(scenario, name).resolve()
    return {"name": name, "path": str(path), "sha256": file_digest(path)}


def code_record(logic: bool = True) -> dict:
    """The package version, the source revision if any, and the hashes of the code that makes the numbers.

    ``sha256`` hashes the source files' bytes; ``logic_sha256`` (``logic``: for what may be
    resumed, a sweep or a calibration) their code alone, without comments, docstrings or
    layout (:func:`code_tokens`), so that a sweep goes on under a checkout that only reworded
    the model's documentation. Reading the tokens takes a quarter of a second; each file's
    is kept for the process while the file is unchanged.
    """
    return {"coalition": _version("coalition"), **git_revision(SIM), **code_digests(logic)}


def code_digests(logic: bool = True) -> dict:
    """``sha256`` of the model's source files as they are on disk now, and (``logic``) ``logic_sha256``."""
    digest, tokens = hashlib.sha256(), hashlib.sha256()
    for part in MODEL_SOURCES:
        base = SIM / part
        for path in sorted(base.rglob("*.py")) if base.is_dir() else [base]:
            name, source = path.relative_to(SIM).as_posix().encode(), path.read_bytes()
            digest.update(name + b"\0" + source + b"\0")
            if logic:
                tokens.update(name + b"\0" + _tokens_digest(hashlib.sha256(source).digest(), source) + b"\0")
    return (
        {"sha256": digest.hexdigest(), "logic_sha256": tokens.hexdigest()} if logic else {"sha256": digest.hexdigest()}
    )


def other_code(expected: dict | None) -> str:
    """What differs between this process's model code and ``expected`` (a :func:`code_record`); "" if nothing.

    The same bytes are the same code; other bytes are the same code when their logic (without
    comments, docstrings and layout) is. A worker checks this before it runs a sweep's chunk:
    a Dask worker on a node with another checkout ran its own model into the sweep's table.
    """
    if not expected or not expected.get("sha256"):
        return ""
    mine = code_digests(logic=False)
    if mine["sha256"] == expected["sha256"]:
        return ""
    logic = code_digests(logic=True)["logic_sha256"]
    if expected.get("logic_sha256") and logic == expected["logic_sha256"]:
        return ""
    theirs = expected.get("logic_sha256") or expected["sha256"]
    return f"model code {logic[:12]} (sim/ under {SIM.parent}), where the sweep's is {theirs[:12]}"


_TOKENS: dict[bytes, bytes] = {}  # a source's SHA-256 -> the digest of its tokens (this process)


def _tokens_digest(key: bytes, source: bytes) -> bytes:
    if key not in _TOKENS:
        _TOKENS[key] = hashlib.sha256(code_tokens(source)).digest()
    return _TOKENS[key]


def code_tokens(source: bytes) -> bytes:
    """A Python source's tokens without comments, docstrings, blank lines or layout, one per line."""
    tree = ast.parse(source)
    docstrings = {
        (node.body[0].value.lineno, node.body[0].value.col_offset)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    # ast counts columns in UTF-8 bytes, tokenize in characters
    lines = source.decode("utf-8").splitlines()
    kept, after_docstring = [], False
    for tok in tokenize.tokenize(io.BytesIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING):
            continue
        if after_docstring and tok.type == tokenize.NEWLINE:  # the docstring's line: gone with it
            after_docstring = False
            continue
        after_docstring = False
        if tok.type == tokenize.STRING:
            row, col = tok.start
            if (row, len(lines[row - 1][:col].encode("utf-8"))) in docstrings:
                after_docstring = True
                continue
        kept.append(f"{tok.type} {tok.string}")
    return "\n".join(kept).encode("utf-8")


def git_revision(folder: Path) -> dict:
    """``{"revision": commit, "dirty": bool}`` of the git checkout holding ``folder``, or ``{}``."""
    try:
        head = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            # --no-optional-locks: reading the status must not write the checkout's index
            [
                "git",
                "--no-optional-locks",
                "-C",
                str(folder),
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"revision": head, "dirty": bool(status.strip())}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def package_versions() -> dict:
    """Versions of Python and the packages that shape results."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        version = _version(name)
        if version is not None:
            out[name] = version
    return out


def differences(old: dict, new: dict) -> list[tuple[str, str]]:
    """What differs between two manifests' ``inputs`` and ``code``: ``(key, words)`` pairs (empty: the same)."""
    out = []
    inputs = _table(old, "inputs")  # a hand-edited manifest's non-table reads as nothing recorded: changed
    before, now = _table(inputs, "scenario"), new["inputs"]["scenario"]
    if before.get("content_sha256") != now["content_sha256"]:
        out.append(
            (
                "inputs",
                f"the scenario {now['path'] or now['name']} changed since this sweep started "
                f"(content sha256 {str(before.get('content_sha256'))[:12]} -> {now['content_sha256'][:12]})",
            )
        )
    preset_before, preset_now = inputs.get("preset"), new["inputs"].get("preset")
    if preset_now and isinstance(preset_before, dict) and preset_before.get("sha256") != preset_now["sha256"]:
        out.append(("inputs", f"the preset {preset_now['path']} changed since this sweep started"))
    code_before, code_now = _table(old, "code"), new["code"]
    # the same bytes are the same code; other bytes are other code unless both recorded the code without its
    # comments and docstrings (since 3 December 2026) and that is the same
    logic_before = code_before.get("logic_sha256")
    same_logic = bool(logic_before) and logic_before == code_now.get("logic_sha256")
    if code_before.get("sha256") != code_now["sha256"] and not same_logic:
        out.append(
            (
                "code",
                f"the model's code changed since this sweep started (coalition {_code_name(code_before)} -> "
                f"{_code_name(code_now)}, source sha256 {str(code_before.get('sha256'))[:12]} -> "
                f"{code_now['sha256'][:12]})",
            )
        )
    return out


def _table(record, key: str) -> dict:
    """``record[key]`` when both are tables (dicts), else an empty one."""
    value = record.get(key) if isinstance(record, dict) else None
    return value if isinstance(value, dict) else {}


def _code_name(code: dict) -> str:
    revision = str(code.get("revision") or "")[:10]
    return " ".join(filter(None, [str(code.get("coalition")), revision, "with changes" if code.get("dirty") else ""]))
