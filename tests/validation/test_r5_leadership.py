"""Result 5: a system leader beats a point leader and no leader across boundaries;
inside one organization a point leader does about as well.

DESIGN.md section 4. Four cross-boundary scenarios and the single_agency control, 16
paired replicates per arm.
"""

import pytest
import vhelpers

from sim.runs.claims import CROSS_BOUNDARY, Contrast, leadership

pytestmark = pytest.mark.validation


@pytest.mark.parametrize("scenario", CROSS_BOUNDARY)
def test_a_system_leader_beats_point_and_none_across_boundaries(scenario):
    for effect in vhelpers.effects(leadership(scenario)):
        assert effect.holds, vhelpers.describe(effect)


def test_inside_one_organization_a_point_leader_does_about_as_well():
    """single_agency: whatever separates system and point leaders (both ends of the interval) is
    under a quarter of what a system leader achieves over no leader there."""
    control = Contrast(
        "point leader as good inside one organization", {}, {"leader": "point"}, scenario="single_agency"
    )
    none = Contrast("a leader helps inside one organization", {}, {"leader": "none"}, scenario="single_agency")
    point, nobody = vhelpers.effects([control, none])
    assert nobody.holds, vhelpers.describe(nobody)
    margin = 0.25 * abs(nobody.difference.value)
    assert max(abs(point.difference.low), abs(point.difference.high)) < margin, (
        f"{vhelpers.describe(point)}; margin {margin:.4f}"
    )
