"""The pooled records, counted: who is observed for what, and how many people share a pattern.

A person's records are a bit code of the circumstances some sharing member records for them;
people with the same recorded circumstances and the same observations share one row of every
regression of :mod:`sim.model.diagnosis`, so they are counted once.
"""

from __future__ import annotations

import numpy as np

Patterns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # (x, o, count, with_outcome)
DENSE_BITS = 16  # up to this many bits of records and observations, patterns are counted densely
WEEKLY_BITS = 12  # up to this many, each kept week's pattern counts are kept for the next diagnosis


def observation_codes(n: int, sources) -> np.ndarray:
    """Per person, the circumstances some source records for them, as a bit code (bit ``c``)."""
    seen = np.zeros(n, dtype=np.uint32)
    for people, circs in sources:
        if len(people) and len(circs):
            mask = 0
            for c in np.asarray(circs).tolist():
                mask |= 1 << c
            seen[people] |= mask
    return seen


def patterns(code: np.ndarray, observed: np.ndarray, y: np.ndarray, k: int) -> Patterns:
    """People with the same records and observations share a design row: count them once, for every fit.

    Returns:
        ``(x, o, count, with_outcome)``: per pattern (in increasing order of its bit code), the
        recorded circumstances and the observed ones as 0/1 columns, how many people have it,
        and how many of them have the outcome.
    """
    key = code.astype(np.int64) | (observed.astype(np.int64) << k)
    if 2 * k <= DENSE_BITS:  # few patterns possible: count them all at once
        count = np.bincount(key, minlength=1 << 2 * k).astype(float)
        return _dense(count, np.bincount(key, weights=y, minlength=1 << 2 * k), k)
    keys, inverse = np.unique(key.astype(np.uint64), return_inverse=True)
    return _columns(keys, np.bincount(inverse).astype(float), np.bincount(inverse, weights=y), k)


def weekly_patterns(weeks, observed: np.ndarray, k: int, cache: dict) -> Patterns:
    """:func:`patterns` of several weeks stacked, summed from each week's own counts.

    Args:
        weeks: ``(week, code, outcome)`` per kept week (``code`` unmasked, as in ``People``).
        observed: per person, the circumstances recorded for them (the same every week).
        k: the number of circumstances (``2 * k <= WEEKLY_BITS``).
        cache: each week's counts under these records, reused while the records stay the same.

    A week's counts are kept sparse (the patterns present, how many people have each and how
    many of them the outcome: a few hundred numbers instead of two arrays of ``4**k``), and
    the kept weeks' are summed in one ``bincount`` each. The counts are whole numbers, so
    their sums equal the stacked counts exactly.
    """
    size, shifted, tag = 1 << 2 * k, observed.astype(np.int64) << k, observed.tobytes()
    present, count, with_outcome = [], [], []
    for week, code, outcome in weeks:
        counts = cache.get((week, tag))
        if counts is None:
            key = (code.astype(np.uint32) & observed).astype(np.int64) | shifted
            y = np.asarray(outcome, dtype=float)
            people = np.bincount(key, minlength=size)
            keys = (people > 0).nonzero()[0]  # (a mask's nonzero: flatnonzero's result, several times faster)
            counts = cache[week, tag] = (keys, people[keys], np.bincount(key, weights=y, minlength=size)[keys])
        present.append(counts[0])
        count.append(counts[1])
        with_outcome.append(counts[2])
    keys = np.concatenate(present)
    return _dense(
        np.bincount(keys, weights=np.concatenate(count), minlength=size),
        np.bincount(keys, weights=np.concatenate(with_outcome), minlength=size),
        k,
    )


def _dense(count: np.ndarray, with_outcome: np.ndarray, k: int) -> Patterns:
    keys = (count > 0).nonzero()[0].astype(np.uint64)
    return _columns(keys, count[keys], with_outcome[keys], k)


def _columns(keys: np.ndarray, count: np.ndarray, with_outcome: np.ndarray, k: int) -> Patterns:
    bits = (keys[:, None] >> np.arange(2 * k, dtype=np.uint64)) & np.uint64(1)
    return bits[:, :k].astype(float), bits[:, k:].astype(float), count, with_outcome
