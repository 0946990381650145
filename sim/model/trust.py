"""Directed trust on the network's edges, held as numpy arrays aligned with the edges.

Each undirected tie ``{i, j}`` of the network carries two directed trusts, ``i -> j``
(how much ``i`` trusts ``j``) and ``j -> i``. During a week, honoured and broken
commitments are counted; :meth:`TrustLedger.settle` applies them all at once, in
log-odds (``z = log(t / (1 - t))``)::

    z <- z + build_rate * honours - loss_ratio * build_rate * betrayals

so a betrayal costs ``loss_ratio`` times what an honour earns, in log-odds, at every
trust level; in trust itself too, at every level, as long as ``build_rate`` is not huge
(both changes scale with ``t (1 - t)``; see docs/ODD.md). Trust stays inside (0, 1).
"""

from __future__ import annotations

import math

import numpy as np

# trust is kept this far inside (0, 1), where log-odds are finite
EDGE = 1e-9
LOGIT_LIMIT = 40.0  # log-odds beyond this are 0 or 1 to double precision


class TrustLedger:
    """Directed trust on edges, with the week's commitment events.

    Args:
        n_nodes: number of agents (nodes) in the network.
        build_rate: log-odds of trust gained per honoured commitment.
        loss_ratio: log-odds lost per betrayal, as a multiple of ``build_rate``.

    """

    def __init__(self, n_nodes: int, build_rate: float, loss_ratio: float):
        self.n_nodes = n_nodes
        self.build = float(build_rate)
        self.loss = float(loss_ratio) * float(build_rate)
        self.src = np.zeros(0, dtype=np.int64)
        self.dst = np.zeros(0, dtype=np.int64)
        self.trust = np.zeros(0)
        self._index: dict[tuple[int, int], int] = {}
        self._pending: list[tuple] = []
        self.observed_honours = np.zeros(n_nodes)
        self.honours: np.ndarray = np.zeros(0)
        self.betrayals: np.ndarray = np.zeros(0)
        self._reset_week()

    # -- structure ---------------------------------------------------------
    def __len__(self) -> int:
        return self.src.size

    def has(self, i: int, j: int) -> bool:
        """True when ``i`` and ``j`` are tied."""
        return (i, j) in self._index

    def add_tie(self, i: int, j: int, trust_ij: float, trust_ji: float) -> None:
        """Tie ``i`` and ``j`` with the given starting trusts (idempotent)."""
        if i == j or (i, j) in self._index:
            return
        self._pending.append((i, j, trust_ij))
        self._pending.append((j, i, trust_ji))
        base = self.src.size + len(self._pending) - 2
        self._index[(i, j)] = base
        self._index[(j, i)] = base + 1

    def _flush(self) -> None:
        if not self._pending:
            return
        new = np.array(self._pending, dtype=float)
        self.src = np.concatenate([self.src, new[:, 0].astype(np.int64)])
        self.dst = np.concatenate([self.dst, new[:, 1].astype(np.int64)])
        self.trust = np.concatenate([self.trust, np.clip(new[:, 2], 0.0, 1.0)])
        grow = np.zeros(len(self._pending))
        self.honours = np.concatenate([self.honours, grow])
        self.betrayals = np.concatenate([self.betrayals, grow])
        self._pending.clear()

    def get(self, i: int, j: int) -> float:
        """Trust of ``i`` in ``j`` (NaN when they are not tied)."""
        self._flush()
        e = self._index.get((i, j))
        return float(self.trust[e]) if e is not None else float("nan")

    # -- the week's events ----------------------------------------------------
    def _reset_week(self) -> None:
        self.honours = np.zeros(self.src.size)
        self.betrayals = np.zeros(self.src.size)
        self.seen_honours = np.zeros(self.n_nodes)
        self.seen_betrayals = np.zeros(self.n_nodes)

    def honoured(self, promisor: int, counterpart: int) -> None:
        """``promisor`` kept a small commitment made to ``counterpart``."""
        self._flush()
        e = self._index.get((counterpart, promisor))
        if e is not None:
            self.honours[e] += 1

    def broken(self, promisor: int, counterpart: int) -> None:
        """``promisor`` broke a small commitment made to ``counterpart``."""
        self._flush()
        e = self._index.get((counterpart, promisor))
        if e is not None:
            self.betrayals[e] += 1

    def honoured_by_all(self, promisor: int, count: float = 1) -> None:
        """Every observer at the table sees ``promisor`` honour a pledge to the coalition."""
        self.seen_honours[promisor] += count

    def broken_by_all(self, promisor: int, count: float = 1) -> None:
        """Every observer at the table sees ``promisor`` break a pledge or misuse data."""
        self.seen_betrayals[promisor] += count

    def settle(self, observers: np.ndarray) -> None:
        """Apply the week's events; coalition-wide ones reach ``observers`` (bool per node)."""
        self._flush()
        watching, watched = observers[self.src], observers[self.dst]
        h = self.honours + self.seen_honours[self.dst] * watching
        b = self.betrayals + self.seen_betrayals[self.dst] * watching
        changed = (h > 0) | (b > 0)
        if changed.any():
            # (np.maximum and np.minimum: what np.clip gives, without its overhead)
            t = np.minimum(np.maximum(self.trust[changed], EDGE), 1.0 - EDGE)
            z = np.log(t / (1.0 - t)) + self.build * h[changed] - self.loss * b[changed]
            self.trust[changed] = 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(z, -LOGIT_LIMIT), LOGIT_LIMIT)))
        # honoured commitments each node saw, per tie to someone at the table
        ties = np.bincount(self.src, weights=watched * 1.0, minlength=self.n_nodes)
        got = np.bincount(self.src, weights=h * (watching & watched), minlength=self.n_nodes)
        self.observed_honours = np.divide(got, ties, out=np.zeros(self.n_nodes), where=ties > 0)
        self._reset_week()

    def reset_towards(self, node: int, level: float, share: float) -> None:
        """Move ``node``'s trust in others ``share`` of the way towards ``level`` (turnover)."""
        self._flush()
        mask = self.src == node
        self.trust[mask] += share * (level - self.trust[mask])

    # -- views -------------------------------------------------------------
    def trust_in(self, members: np.ndarray, default: float) -> np.ndarray:
        """Each node's mean trust in its tied ``members`` (bool per node), else ``default``."""
        self._flush()
        mask = members[self.dst] & (self.src != self.dst)
        sums = np.bincount(self.src[mask], weights=self.trust[mask], minlength=self.n_nodes)
        counts = np.bincount(self.src[mask], minlength=self.n_nodes)
        out = np.full(self.n_nodes, float(default))
        has = counts > 0
        out[has] = sums[has] / counts[has]
        return out

    def mean(self, active: np.ndarray) -> float:
        """Mean trust over edges whose two ends are ``active`` (bool per node); NaN when there is none."""
        self._flush()
        mask = active[self.src] & active[self.dst]
        if not mask.any():
            return math.nan
        trust = self.trust[mask]
        return float(trust.sum()) / trust.size  # cheaper than mean() on a few dozen edges

    def trust_of(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Trust of others in ``node``: (sources, trusts)."""
        self._flush()
        mask = self.dst == node
        return self.src[mask], self.trust[mask]
