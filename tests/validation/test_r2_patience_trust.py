"""Result 2: the chance of reaching the goal grows with patience and with starting trust.

DESIGN.md section 4: low trust with low patience almost never succeeds, high with high
almost always, and there is a visible boundary between the regimes. A 3 x 3 grid of
patience (13, 26, 52 weeks) by initial trust (0.2, 0.35, 0.5), 12 seeded replicates per
cell (the same seeds in every cell), chicago_absenteeism, system leader.
"""

import numpy as np
import pytest
import vhelpers

pytestmark = pytest.mark.validation

N = 12
PATIENCE = (13, 26, 52)
TRUST = (0.2, 0.35, 0.5)


@pytest.fixture(scope="module")
def grid():
    settings = [dict(patience=p, initial_trust=t) for p in PATIENCE for t in TRUST]
    runs = vhelpers.results(settings, N)
    shape = (len(PATIENCE), len(TRUST))

    def table(fn):
        return np.array([fn(r) for r in runs]).reshape(shape)

    return {
        "p": table(vhelpers.success),
        "final_rate": table(lambda r: vhelpers.mean(r, "final_rate")),
        "exits": table(lambda r: vhelpers.mean(r, "exits")),
        "money_spent": table(lambda r: vhelpers.mean(r, "money_spent")),
    }


def show(grid) -> str:
    return f"P(goal), rows patience {PATIENCE}, columns trust {TRUST}:\n{grid['p'].round(2)}"


def test_corners(grid):
    """Low-low almost never (<= 1 of 12), high-high almost always (>= 11 of 12)."""
    assert grid["p"][0, 0] <= 1 / N, show(grid)
    assert grid["p"][-1, -1] >= 11 / N, show(grid)


def test_success_grows_with_patience_and_trust(grid):
    """Marginal means (36 paired runs each) never fall and rise by >= 0.2 overall (~2.5 standard errors)."""
    by_patience, by_trust = grid["p"].mean(axis=1), grid["p"].mean(axis=0)
    assert np.all(np.diff(by_patience) >= 0), show(grid)
    assert np.all(np.diff(by_trust) >= 0), show(grid)
    assert by_patience[-1] - by_patience[0] >= 0.2, show(grid)
    assert by_trust[-1] - by_trust[0] >= 0.2, show(grid)
    # cell by cell, no step down by more than binomial noise (2 of 12 runs)
    assert np.diff(grid["p"], axis=0).min() >= -2 / N, show(grid)
    assert np.diff(grid["p"], axis=1).min() >= -2 / N, show(grid)


def test_visible_boundary(grid):
    """Some adjacent cells differ by >= 0.5: a sharp transition, not a gentle slope."""
    jumps = np.concatenate([np.diff(grid["p"], axis=0).ravel(), np.diff(grid["p"], axis=1).ravel()])
    assert jumps.max() >= 0.5, show(grid)


def test_continuous_signatures(grid):
    """Impatient coalitions lose members and spend less; the final rate falls with patience."""
    exits, money, rate = grid["exits"], grid["money_spent"], grid["final_rate"]
    msg = f"{show(grid)}\nexits\n{exits.round(1)}\nmoney\n{money.round(0)}\nfinal rate\n{rate.round(3)}"
    assert np.all(exits[0] > exits[-1] + 3), msg
    assert np.all(money[0] < 0.6 * money[-1]), msg
    assert np.all(rate[0] > rate[-1] + 0.01), msg
