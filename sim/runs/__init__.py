"""Parameter sweeps that scale from a laptop to a cluster (``coalition sweep``).

See docs/sweeps.md. ``run_sweep(load_spec(path), out)`` runs or resumes a sweep;
``pandas.read_parquet(out / "runs")`` reads its table, one row per run.
"""

from sim.runs.design import Design, run_seed
from sim.runs.engine import SweepReport, run_chunk, run_sweep
from sim.runs.executors import SweepError
from sim.runs.spec import SweepSpec, load_spec, parse_spec

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
