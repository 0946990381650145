"""Parameter sweeps that scale from a laptop to a cluster (``coalition sweep``).

See docs/sweeps.md. ``run_sweep(load_spec(path), out)`` runs or resumes a sweep;
``pandas.read_parquet(out / "runs")`` reads its table, one row per run.

The names below are imported when first used (PEP 562), so that reading a sweep file or
checking an output folder does not pay for importing the model, Mesa and pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_exports

if TYPE_CHECKING:
    from sim.runs.design import Design, run_seed
    from sim.runs.engine import SweepReport, run_chunk, run_sweep
    from sim.runs.executors import SweepError
    from sim.runs.spec import SweepSpec, load_spec, parse_spec

_HOMES = {
    "Design": "sim.runs.design",
    "run_seed": "sim.runs.design",
    "SweepReport": "sim.runs.engine",
    "run_chunk": "sim.runs.engine",
    "run_sweep": "sim.runs.engine",
    "SweepError": "sim.runs.executors",
    "SweepSpec": "sim.runs.spec",
    "load_spec": "sim.runs.spec",
    "parse_spec": "sim.runs.spec",
}
__all__ = [
    "Design",
    "SweepError",
    "SweepReport",
    "SweepSpec",
    "load_spec",
    "parse_spec",
    "run_chunk",
    "run_seed",
    "run_sweep",
]

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
