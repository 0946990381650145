"""The coalition's pooled money and what it buys.

Members' pledges go into a pool, kept per contributor so that a member who leaves takes
back what is left of its money (``given = spent + in the pool + returned`` at all times).
Each week the coalition spends ``spend_share`` of the pool on what it believes the causes
are (its belief: the pooled diagnosis once records are pooled, else what its members'
own records and missions suggest; money spent on the wrong cause buys little):

* a **system change** on a cause ``c`` over which a committed member holds authority,
  the one worth most: its believed share times ``system_returns**n``, ``n`` the changes
  already made on ``c``, if that is at least ``min_system_share``, once the pool can pay
  ``system_cost`` (the coalition saves for it); after ``system_lag`` weeks it lowers the
  onset of ``c`` for everyone by ``system_effect * system_returns**n * uptake /
  max_uptake`` (each further change on a cause does less: the coalition keeps learning,
  with diminishing returns, as long as money flows and its belief moves);
* **case work** with the rest, ``case_cost`` per case, split across circumstances by the
  believed shares, offered to people that committed members who do case work reach and
  who have that circumstance; each offer is taken up with probability ``uptake``, which
  rises with the legitimacy at the table.
"""

from __future__ import annotations

import math

import numpy as np

from sim.scenario.roles import Capability


class CoalitionFund:
    """The pool of money and the ledger of what was bought.

    Args:
        n_nodes: agents in the network (pool balances are kept per node).
        k: number of circumstances.
        spec: the scenario's :class:`sim.scenario.Interventions`.

    """

    def __init__(self, n_nodes: int, k: int, spec):
        self.spec = spec
        self.balance = np.zeros(n_nodes)
        self.given_by = np.zeros(n_nodes)
        self.given = 0.0
        self.spent = 0.0
        self.returned = 0.0
        self.spent_by_cause = np.zeros(k)
        self.cases_offered = 0
        self.cases_taken = 0
        self.cases_resolved = 0
        self.system_changes = 0
        self.system_by_cause = np.zeros(k, dtype=int)
        self._in_effect_by_cause = np.zeros(k, dtype=int)  # changes that took effect (for the news)
        self.pending: list[tuple[int, int, float]] = []

    @property
    def pool(self) -> float:
        """Money in the pool."""
        return float(self.balance.sum())

    def receive(self, node: int, amount: float) -> None:
        """A member pays ``amount`` into the pool."""
        self.balance[node] += amount
        self.given_by[node] += amount
        self.given += amount

    def refund(self, node: int) -> float:
        """Return a leaving member's remaining money."""
        amount = float(self.balance[node])
        self.balance[node] = 0.0
        self.returned += amount
        return amount

    def _pay(self, amount: float, cause: int) -> None:
        pool = self.pool
        amount = min(amount, pool)
        if amount <= 0:
            return
        self.balance *= 1.0 - amount / pool
        self.spent += amount
        self.spent_by_cause[cause] += amount

    def _pay_by_cause(self, amounts: np.ndarray) -> None:
        """Pay ``amounts[c]`` for each cause at once, scaled down together if the pool is short."""
        total, pool = float(amounts.sum()), self.pool
        if total <= 0 or pool <= 0:
            return
        if total > pool:
            amounts, total = amounts * (pool / total), pool
        self.balance *= 1.0 - total / pool
        self.spent += total
        self.spent_by_cause += amounts

    def act(self, model, shares: np.ndarray, step: int) -> None:
        """Spend this week's money on the believed causes (``shares``); let due system changes act."""
        self._apply_due(model, step)
        if shares.sum() <= 0:
            return
        target = self._system_target(model, shares)
        if target is not None and self.pool >= self.spec.system_cost:
            self._fund_system_change(model, target, step)
            target = self._system_target(model, shares)
        # while a system change is within reach, save for it; spend the rest on case work
        reserve = self.spec.system_cost if target is not None else 0.0
        self._case_work(model, shares, self.spec.spend_share * max(0.0, self.pool - reserve))

    def _fund_system_change(self, model, cause: int, step: int) -> None:
        p = model.params
        self._pay(self.spec.system_cost, cause)
        # a change people trust and use works better; each further one on a cause does less
        used = model.uptake / p.max_uptake if p.max_uptake > 0 else 0.0
        effect = model.system_effect * p.system_returns ** self.system_by_cause[cause] * used
        self.pending.append((step + model.system_lag, cause, effect))
        self.system_changes += 1
        self.system_by_cause[cause] += 1
        model.log(
            f"the coalition paid for {_a_change(self.system_by_cause[cause])} in the rules on "
            f"{model.people.labels[cause]}, to take effect in {model.system_lag} weeks"
        )

    def _system_target(self, model, shares: np.ndarray):
        """The cause a change would do most for, among those a committed member can change.

        A change's worth is the believed share of its cause times what a further change on
        it still does (``system_returns`` to the power of the changes already made); the
        coalition pays only for the change worth most, and only if it is worth at least
        ``min_system_share``.
        """
        held: set = set()
        for member in model.committed_able_to(Capability.CHANGE_SYSTEMS):
            held |= member.authority
        p = model.params
        worth = {c: shares[c] * p.system_returns ** self.system_by_cause[c] for c in sorted(held)}
        eligible = [c for c, w in worth.items() if w >= p.min_system_share]
        return max(eligible, key=lambda c: worth[c]) if eligible else None

    def _apply_due(self, model, step: int) -> None:
        due = [p for p in self.pending if p[0] <= step]
        self.pending = [p for p in self.pending if p[0] > step]
        for _, cause, effect in due:
            model.people.lower_onset(cause, effect)
            self._in_effect_by_cause[cause] += 1
            what = _a_change(self._in_effect_by_cause[cause])
            model.log(f"{what} in the rules on {model.people.labels[cause]} took effect for everyone")

    def _case_work(self, model, shares: np.ndarray, money: float) -> None:
        reach = model.case_reach()
        if money <= 0 or reach.size == 0:
            return
        people, rng = model.people, model.rng
        # never more cases than there are people to offer them to (and no overflow on tiny costs)
        cases = int(min(money / self.spec.case_cost, reach.size * people.k))
        wanted = np.rint(cases * shares).astype(np.int64)  # cases per circumstance (shares are >= 0)
        offered, offered_c = choose_offers(people.x, reach, wanted, rng)
        if offered.size == 0:
            return
        self._pay_by_cause(np.bincount(offered_c, minlength=people.k) * self.spec.case_cost)
        taken = rng.random(offered.size) < model.uptake
        self.cases_offered += offered.size
        self.cases_taken += int(taken.sum())
        self.cases_resolved += people.resolve(offered[taken], offered_c[taken])


def choose_offers(x: np.ndarray, reach: np.ndarray, wanted: np.ndarray, rng: np.random.Generator) -> tuple:
    """Whom case work is offered to.

    For each circumstance ``c``, ``wanted[c]`` of the reached people who have it: a uniform
    random subset (all of them when there are fewer).

    Args:
        x: people x circumstances (bool).
        reach: sorted indices of the people case work can reach.
        wanted: cases wanted per circumstance.
        rng: the model's generator (one draw: a random key per eligible person and circumstance).

    Returns:
        ``(people, circumstances)``: distinct pairs, grouped by circumstance.
    """
    causes = np.flatnonzero(wanted > 0)
    if causes.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # a column view of x indexes much faster than x[reach]
    eligible = [reach[x[:, c][reach]] for c in causes]
    sizes = np.array([e.size for e in eligible])
    person, circumstance = np.concatenate(eligible), np.repeat(causes, sizes)
    # order each group by a random key and keep its first wanted[c]
    order = np.argsort(circumstance + rng.random(person.size))
    rank = np.arange(person.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    chosen = rank < np.repeat(wanted[causes], sizes)
    return person[order[chosen]], circumstance[chosen]


def uptake_from(legitimacies, base: float, most: float) -> float:
    """Uptake of case work given the legitimacies at the table.

    ``uptake = base + (most - base) * (1 - prod(1 - legitimacy_i))``.
    """
    combined = 1.0 - math.prod(1.0 - v for v in legitimacies)
    return base + (most - base) * combined


def _a_change(nth: int) -> str:
    """The news's words for the ``nth`` change on a cause: a change, then another change (the 2nd)."""
    if nth <= 1:
        return "a change"
    suffix = "th" if 10 <= nth % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(nth % 10, "th")
    return f"another change (the {nth}{suffix})"
