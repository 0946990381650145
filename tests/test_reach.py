"""Reach that turns over (``reach_turnover``): people come into and out of contact with organizations."""

import numpy as np

from sim import CoalitionModel


def test_a_redraw_keeps_everyone_else_and_draws_the_chosen_by_the_starting_rule():
    model = CoalitionModel("chicago_absenteeism", n_people=40_000, steps=1, rng=3)
    people, rng = model.people, np.random.default_rng(0)
    reach = np.flatnonzero(rng.random(people.n) < 0.3)
    who = np.flatnonzero(rng.random(people.n) < 0.5)
    touches, share, focus = [0], 0.1, 0.6
    new = people.redraw_reach(reach, who, share, touches, focus)
    assert np.all(np.diff(new) > 0), "sorted, each person once"
    others = np.setdiff1d(np.arange(people.n), who)
    assert np.array_equal(np.intersect1d(new, others), np.intersect1d(reach, others)), "the others keep theirs"
    has = people.x[who][:, touches].any(axis=1)
    joined = np.isin(who, new)
    # binomial tolerance: 5 standard errors of each share (thousands of people each)
    for rate, group in ((focus, has), (share, ~has)):
        se = np.sqrt(rate * (1 - rate) / group.sum())
        assert abs(joined[group].mean() - rate) < 5 * se, (rate, joined[group].mean())


def test_with_no_turnover_the_reach_never_changes_and_with_it_new_holders_come_in():
    def focused_reach(turnover):
        model = CoalitionModel("chicago_absenteeism", n_people=3000, steps=60, reach_turnover=turnover, rng=5)
        org = max(model.organizations, key=lambda o: o.spec.focus)
        start = org.reach.copy()
        model.run_model()
        return start, org.reach

    start, end = focused_reach(0)
    assert np.array_equal(start, end)
    start, end = focused_reach(26)
    # over 60 weeks about 90% of people are drawn again: most of the reach is new
    assert np.setdiff1d(end, start).size > 0.5 * end.size


def test_case_work_goes_to_the_members_reach_as_it_is_that_week():
    from sim.scenario.roles import Capability

    model = CoalitionModel("chicago_absenteeism", n_people=2000, steps=80, reach_turnover=13, rng=2)
    checked = 0
    while model.running:
        model.step()
        workers = model.committed_able_to(Capability.CASE_WORK)
        if workers:
            union = np.unique(np.concatenate([w.reach for w in workers]))
            assert np.array_equal(model.case_reach(), union), model.steps
            checked += 1
    assert checked > 20
