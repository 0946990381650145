"""Result 4: the community as a partner beats consulted, which beats absent.

DESIGN.md section 4 and issue 12: the community comes in like any member (invited, trust,
patience); the modes differ in what it brings: a partner shares what it knows, lends
legitimacy and does case work; consulted, it only shares what it knows; absent, nothing.
chicago_absenteeism, 48 paired replicates: the community is one member of eleven, so its
effect on the final rate is small beside the runs' spread, and 24 replicates cannot tell
it from noise (docs/validation.md gives the numbers).
"""

import pytest
import vhelpers

from sim.runs.claims import community

pytestmark = pytest.mark.validation
N = 48


def test_a_partner_beats_a_consulted_community():
    (effect,) = vhelpers.effects(community()[:1], N)
    assert effect.holds, vhelpers.describe(effect)
    assert all(e.low > 0 for e in effect.signature.values()), vhelpers.describe(effect)


def test_a_consulted_community_improves_the_diagnosis_over_an_absent_one():
    (effect,) = vhelpers.effects(community()[1:], N)
    assert effect.signature["diagnosis_accuracy"].low > 0, vhelpers.describe(effect)
