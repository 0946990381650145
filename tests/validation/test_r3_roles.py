"""Result 3: removing any of the five roles lowers success, each with its own signature.

DESIGN.md section 4 and issue 12: ``missing_role`` takes the role's capability away from
its holders (they still come with their other roles). chicago_absenteeism, 24 paired
replicates per arm. Each missing role must raise the final rate (the 95% interval of the
difference lies below zero) and move its own signature (sim/scenario/roles.py): reach,
diagnosis accuracy, money spent, uptake, system changes.
"""

import pytest
import vhelpers

from sim.runs.claims import roles

pytestmark = pytest.mark.validation


@pytest.mark.parametrize("contrast", roles(), ids=lambda c: c.worse["missing_role"])
def test_a_missing_role_raises_the_rate_with_its_own_signature(contrast):
    (effect,) = vhelpers.effects([contrast])
    assert effect.holds, vhelpers.describe(effect)
    for key, estimate in effect.signature.items():
        assert estimate.low > 0, f"{key} did not fall without the role: {vhelpers.describe(effect)}"
