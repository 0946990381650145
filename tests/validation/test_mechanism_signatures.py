"""Each mechanism, switched off, moves its own signature (issue 12).

Translation (declined invitations), brokered commitments (mean trust), the shared metric
(exits, at a patience where members do leave), the leader's kept meetings (trust in the
leader), members inviting members (who joins when nobody convenes), the belief that waits
for evidence (how often the believed main cause, one circumstance, changes), system changes that keep
paying off (how many are made). chicago_absenteeism, 24 paired replicates per arm; each
difference's 95% interval must lie on the side the mechanism says.
"""

import pytest
import vhelpers

from sim.runs.claims import mechanisms

pytestmark = pytest.mark.validation


# small effects (one mechanism among many) get more replicates, as a power calculation would
REPLICATES = {"members invite members when nobody convenes": 48}


@pytest.mark.parametrize("contrast", mechanisms(), ids=lambda c: c.claim)
def test_switching_a_mechanism_off_moves_its_signature(contrast):
    (effect,) = vhelpers.effects([contrast], REPLICATES.get(contrast.claim, vhelpers.N))
    assert effect.holds, vhelpers.describe(effect)
