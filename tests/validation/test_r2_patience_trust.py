"""Result 2: success grows with patience and with trust; a visible boundary between regimes.

DESIGN.md section 4. A 3 x 3 grid of patience (13, 26, 52 weeks) by initial trust (0.2,
0.35, 0.5) on chicago_absenteeism, system leader, 24 seeded replicates per cell (the same
seeds in every cell). The goal is the source's target (20%), which no cell reaches within
three years (P(goal) is 0 throughout; reported, not tested), so the claim is judged on the
final rate (lower is better), with paired intervals.
"""

import numpy as np
import pytest
import vhelpers

from sim.runs import stats

pytestmark = pytest.mark.validation

PATIENCE = (13, 26, 52)
TRUST = (0.2, 0.35, 0.5)


@pytest.fixture(scope="module")
def grid():
    cells = [dict(patience=p, initial_trust=t) for p in PATIENCE for t in TRUST]
    runs = vhelpers.results(cells)
    rates = np.array([[r["final_rate"] for r in cell] for cell in runs]).reshape(len(PATIENCE), len(TRUST), -1)
    exits = np.array([[r["exits"] for r in cell] for cell in runs]).reshape(len(PATIENCE), len(TRUST), -1)
    return rates, exits


def show(rates) -> str:
    return f"mean final rate, rows patience {PATIENCE}, columns trust {TRUST}:\n{rates.mean(axis=2).round(3)}"


def test_the_rate_falls_with_patience_and_with_trust(grid):
    """Each step up in patience (pooled over trust) and in trust (pooled over patience) lowers the rate."""
    rates, _ = grid
    for axis, name in ((0, "patience"), (1, "trust")):
        marginal = rates.mean(axis=1 - axis)  # levels x seeds, pooled over the other axis
        for low, high in zip(marginal[:-1], marginal[1:], strict=True):
            d = stats.difference(high, low)
            assert d.high < 0, f"{name}: {d}\n{show(rates)}"


def test_low_trust_with_low_patience_does_about_nothing(grid):
    """Patience 13 and trust 0.2: the rate ends within 0.01 of where it started."""
    rates, _ = grid
    start = vhelpers.results([dict(patience=13, initial_trust=0.2)])[0]
    drop = np.mean([r["start_rate"] - r["final_rate"] for r in start])
    assert abs(drop) < 0.01, f"fell by {drop:.3f}\n{show(rates)}"


def test_a_visible_boundary_between_the_regimes(grid):
    """Some neighbouring cells differ by far more than their noise: a transition, not a slope."""
    rates, _ = grid
    mean, se = rates.mean(axis=2), rates.std(axis=2, ddof=1) / np.sqrt(rates.shape[2])
    jumps = [
        abs(mean[i, j] - mean[i + di, j + dj]) / np.hypot(se[i, j], se[i + di, j + dj])
        for i in range(len(PATIENCE))
        for j in range(len(TRUST))
        for di, dj in ((1, 0), (0, 1))
        if i + di < len(PATIENCE) and j + dj < len(TRUST)
    ]
    assert max(jumps) > 8, f"largest jump {max(jumps):.1f} standard errors\n{show(rates)}"


def test_impatient_coalitions_lose_their_members(grid):
    """Exits fall with patience at every trust level."""
    rates, exits = grid
    mean_exits = exits.mean(axis=2)
    assert np.all(mean_exits[0] > mean_exits[-1] + 2), f"exits\n{mean_exits.round(1)}\n{show(rates)}"
