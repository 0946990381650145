"""Diagnosis from pooled records: what the coalition believes the cause is.

The coalition sees the outcome for everyone (the problem it was convened on), but a
circumstance only where a sharing member records it for a person it touches; a missing
record reads as 0. It regresses the outcome on the pooled records by least squares and
attributes the excess risk to each circumstance as ``max(beta_c, 0) * mean(record_c)``,
normalised. With only one agency's records, a circumstance that others raise (school
disengagement, raised by instability) takes the blame; pooling more owners' records
moves it to the real causes.

Accuracy is the overlap of the believed and the true shares, ``sum_c min(s_c, t_c)``:
1 when the coalition's picture matches the hidden weights, 0 when it blames only
circumstances that carry no weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Diagnosis:
    """What the coalition believes, and how right it is."""

    shares: np.ndarray
    accuracy: float
    cause: str
    recorded: tuple

    @property
    def known(self) -> bool:
        """True once any record has been pooled."""
        return bool(self.shares.sum() > 0)


def no_diagnosis(k: int) -> Diagnosis:
    """The state before any data is pooled."""
    return Diagnosis(np.zeros(k), 0.0, "", ())


def pooled_records(x: np.ndarray, sources) -> np.ndarray:
    """The pooled record matrix: ``x[i, c]`` where some source records ``c`` for ``i``, else 0.

    Args:
        x: people x circumstances, the true (hidden) state.
        sources: iterable of ``(people_indices, circumstance_indices)`` that are shared.
    """
    seen = np.zeros(x.shape, dtype=bool)
    for people, circs in sources:
        if len(people) and len(circs):
            seen[np.ix_(people, circs)] = True
    return x & seen


def record_codes(x: np.ndarray, sources, code: np.ndarray | None = None) -> np.ndarray:
    """Each person's pooled records as a bit code: bit ``c`` set when ``pooled_records(x)[i, c]``.

    Costs O(N k + the people in ``sources``), with no N x k temporaries; O(N + the people in
    ``sources``) when ``code``, ``x`` already as bit codes, is given.
    """
    x = np.asarray(x, dtype=bool)
    n, k = x.shape
    dtype = np.uint8 if k <= 8 else np.uint16
    seen = np.zeros(n, dtype=dtype)
    for people, circs in sources:
        if len(people) and len(circs):
            mask = 0
            for c in np.asarray(circs).tolist():
                mask |= 1 << c
            seen[people] |= mask
    if code is None:
        code = x.view(np.uint8) @ (1 << np.arange(k)).astype(dtype)  # bool as 0/1 bytes: bit c = x[:, c]
    return code.astype(dtype, copy=False) & seen


def diagnose(x: np.ndarray, outcome: np.ndarray, sources, names, true_shares, code=None) -> Diagnosis:
    """Diagnose the cause of ``outcome`` from the records in ``sources``.

    Args:
        x: people x circumstances (bool), the hidden truth.
        outcome: the week's outcome per person (bool).
        sources: ``(people_indices, circumstance_indices)`` pairs of shared records.
        names: circumstance names.
        true_shares: the hidden true shares, for the accuracy.
        code: ``x`` as bit codes (bit ``c`` of ``code[i]`` is ``x[i, c]``), if already at hand.
    """
    n, k = x.shape
    # Records are 0/1, so the normal equations need only how many people have each
    # pattern of records (and how many of those have the outcome): sums of whole numbers,
    # exact in floating point, so the result equals least squares on the N-row design.
    codes = record_codes(x, sources, code)
    size = 1 << k
    count = np.bincount(codes, minlength=size).astype(float)
    with_outcome = np.bincount(codes[np.asarray(outcome, dtype=bool)], minlength=size).astype(float)
    patterns = np.flatnonzero(count)
    bits = (patterns[:, None] >> np.arange(k)) & 1
    cols = np.flatnonzero(bits.any(axis=0))
    if cols.size == 0:
        return no_diagnosis(k)
    design = np.empty((patterns.size, cols.size + 1))
    design[:, 0] = 1.0
    design[:, 1:] = bits[:, cols]
    weights = count[patterns]
    gram = design.T @ (design * weights[:, None])
    rhs = design.T @ with_outcome[patterns]
    beta = np.linalg.lstsq(gram, rhs, rcond=None)[0][1:]
    shares = np.zeros(k)
    shares[cols] = np.clip(beta, 0, None) * (gram[0, 1:] / n)
    total = shares.sum()
    if total <= 0:
        return Diagnosis(np.zeros(k), 0.0, "", tuple(names[c] for c in cols))
    shares /= total
    accuracy = float(np.minimum(shares, true_shares).sum())
    return Diagnosis(shares, accuracy, names[int(np.argmax(shares))], tuple(names[c] for c in cols))
