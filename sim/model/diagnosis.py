"""Diagnosis from pooled records: what the coalition believes the cause is.

The coalition sees the outcome for everyone (the problem it was convened on), and a
circumstance only where a sharing member records it, for the people that member touches.
A circumstance that is not recorded for a person is *unknown* there, not absent.

Each circumstance's part is estimated from the people whose records observe it: among
them, a least-squares regression of the outcome on the circumstance, adjusting for every
other circumstance recorded for the same people (a record ``x_d`` where observed, and an
indicator of whether ``d`` is observed; the missing-indicator method). Its effect ``b_c``
times its prevalence is its part of the excess risk: by default the known cases over the
people whose records observe it (``n_c / N_c``; unknown is not absent), or, with
``prevalence="everyone"``, over everyone (``n_c / N``). The parts, normalised, are the
believed shares ``s_c``, each with a standard error from the regression. The records may
stack several weeks (person-weeks; ``diagnosis_window``). A scenario's ``group`` of each
circumstance ("instability") gives the shares by group; the believed cause is the leading
circumstance and the believed group the leading group.

Accuracy is the overlap of the believed and the true shares, ``sum_c min(s_c, t_c)``
(1: the coalition's picture matches the hidden weights; 0: it blames only circumstances
that carry no weight); group accuracy is the same overlap by group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.records import WEEKLY_BITS, observation_codes, patterns, weekly_patterns

MIN_OBSERVED = 20  # people whose records observe a circumstance before it is estimated


@dataclass(frozen=True)
class Diagnosis:
    """What the coalition believes, how sure it is, and how right.

    Attributes:
        shares: believed share of the excess risk per circumstance (sums to 1, or all 0).
        errors: standard error of each share.
        accuracy: overlap with the true shares, in [0, 1].
        group_accuracy: the same overlap by group.
        cause: the circumstance with the largest share ("" when nothing is known).
        group: the group with the largest summed share.
        recorded: names of the circumstances some pooled record observes.
    """

    shares: np.ndarray
    errors: np.ndarray
    accuracy: float
    group_accuracy: float
    cause: str
    group: str
    recorded: tuple

    @property
    def known(self) -> bool:
        """True once any record has been pooled."""
        return bool(self.shares.sum() > 0)


def no_diagnosis(k: int) -> Diagnosis:
    """The state before any data is pooled."""
    return Diagnosis(np.zeros(k), np.zeros(k), 0.0, 0.0, "", "", ())


def estimate(code: np.ndarray, outcome: np.ndarray, observed: np.ndarray, k: int) -> tuple:
    """Each circumstance's effect (and standard error) among the people who observe it.

    Args:
        code: the true circumstances per person as a bit code (bit ``c`` is ``x[i, c]``).
        outcome: the outcome per person (bool).
        observed: per person, the circumstances recorded for them (bit code).
        k: the number of circumstances.

    Returns:
        ``(effects, errors, known_cases, observing)``: arrays of length ``k`` (effects and
        errors NaN where not estimated); ``observing``: the people whose records observe each.
    """
    code = code.astype(np.uint32) & observed
    return fit(*patterns(code, observed, np.asarray(outcome, dtype=float), k), k)


def fit(x, o, count, with_outcome, k: int) -> tuple:
    """The regressions of :func:`estimate`, from the pattern counts :func:`patterns` gives.

    Every circumstance's gram ``X'WX`` and right-hand side ``X'Wy`` are sums of whole
    numbers (0/1 columns, people per pattern), so they are built over all the columns in
    one product and each design's are picked out: the same numbers as building each
    design on its own.
    """
    effects, errors = np.full(k, np.nan), np.full(k, np.nan)
    known = x.T @ count  # people known to have each circumstance (whole numbers, exact)
    observing = o.T @ count
    # every column a design can take: the constant, the records, "is it observed"
    columns = np.hstack([np.ones((count.size, 1)), x, o])
    weights = o * count[:, None]  # per pattern, its people whose records observe each circumstance
    grams = np.matmul(columns.T * weights.T[:, None, :], columns)  # per circumstance, every column
    rhs = (columns.T * with_outcome) @ o  # column j, circumstance c: X'y among those observing c
    both = weights.T @ o  # people whose records observe both c and d
    fits = {}  # circumstance -> (people observing it, its design's X'y, its gram)
    for c, observing_both in enumerate(both.tolist()):
        if observing_both[c] < MIN_OBSERVED:
            continue
        chosen = np.array(_design_columns(c, observing_both))
        fits[c] = (both[c, c], rhs[chosen, c], grams[c][chosen[:, None], chosen])
    inverses = _pinvs({c: fit[2] for c, fit in fits.items()})
    for c, (n, xy, gram) in fits.items():
        # the constant's entry of X'y counts the people with the outcome
        effects[c], errors[c] = _effect(gram.shape[0], n, xy[0], gram, xy, inverses[c])
    return effects, errors, known, observing


def _design_columns(c: int, observing_both: list) -> list:
    """Columns of circumstance ``c``'s design, as indices into ``[1, x, o]``.

    The constant, ``x_c``, then each other observed ``x_d`` and, where some of these people
    lack its record, "is d observed here" (unknown is not absent). ``observing_both[d]``: the
    people whose records observe both ``c`` and ``d``.
    """
    k = len(observing_both)
    chosen = [0, 1 + c]
    for d, people in enumerate(observing_both):
        if d == c or not people > 0:
            continue
        chosen.append(1 + d)
        if people != observing_both[c]:
            chosen.append(1 + k + d)
    return chosen


def _effect(p: int, n: float, cases: float, gram, rhs, inverse_gram) -> tuple:
    """Least squares of the outcome on a design's second column, from its normal equations.

    Args:
        p: the design's columns.
        n: the people it covers.
        cases: those of them with the outcome.
        gram: ``X'WX`` (``W``: the people per pattern).
        rhs: ``X'Wy``.
        inverse_gram: the pseudo-inverse of ``gram``.
    """
    beta = inverse_gram @ rhs
    # as Python floats from here (the same IEEE arithmetic, without numpy scalars' overhead)
    rss = float(cases - 2 * beta @ rhs + beta @ gram @ beta)  # y is 0/1, so y^2 = y
    sigma2 = max(rss, 0.0) / max(float(n) - p, 1.0)
    return float(beta[1]), math.sqrt(max(sigma2 * float(inverse_gram[1, 1]), 0.0))


def _pinvs(grams: dict) -> dict:
    """``numpy.linalg.pinv`` of each matrix, those of one size in one stacked call: the same numbers.

    Collinear columns (a circumstance always with another) are allowed.
    """
    by_size: dict = {}
    for key, gram in grams.items():
        by_size.setdefault(gram.shape[0], []).append(key)
    out: dict = {}
    for keys in by_size.values():
        u, s, vt = np.linalg.svd(np.stack([grams[key] for key in keys]), full_matrices=False)
        large = s > 1e-15 * s.max(axis=-1, keepdims=True)  # numpy's default cutoff
        s = np.divide(1, s, where=large, out=s)
        s[~large] = 0
        inverse = np.matmul(np.swapaxes(vt, -1, -2), s[..., None] * np.swapaxes(u, -1, -2))
        out.update(zip(keys, inverse, strict=True))
    return out


def diagnose(
    code, outcome, sources, names, groups, true_shares, weeks: int = 1, prevalence: str = "observed"
) -> Diagnosis:
    """Diagnose the cause of ``outcome`` from the records in ``sources``.

    Args:
        code: the hidden circumstances per person as a bit code; over several weeks, the
            weeks one after another (person-weeks).
        outcome: the outcome per person (bool), laid out like ``code``.
        sources: ``(people_indices, circumstance_indices)`` pairs of shared records; a
            member's records cover every week pooled.
        names: circumstance names.
        groups: each circumstance's group.
        true_shares: the hidden true shares, for the accuracy.
        weeks: how many weeks ``code`` and ``outcome`` stack.
        prevalence: how a circumstance's prevalence is read: ``"observed"``, its known cases
            over the people whose records observe it; ``"everyone"``, over everyone (a person
            without its record counts as without it; Model 2's first reading).
    """
    observed = observation_codes(len(code) // weeks, sources)
    fitted = estimate(code, outcome, np.tile(observed, weeks) if weeks > 1 else observed, len(names))
    return _belief(fitted, observed, len(code), prevalence, names, groups, true_shares)


def _belief(fitted, observed, n: int, prevalence: str, names, groups, true_shares) -> Diagnosis:
    """The believed shares from :func:`fit`'s effects; ``n``: the person-weeks they cover."""
    effects, errors, known, observing = fitted
    k = len(names)
    any_record = int(np.bitwise_or.reduce(observed)) if n else 0
    ok = np.isfinite(effects)
    # a circumstance's known cases over everyone, or over the people whose records observe it
    over = np.maximum(observing, 1) if prevalence == "observed" else max(n, 1)
    # (np.where and np.maximum: what nan_to_num and clip gave here, without their overhead)
    parts = np.where(ok, np.maximum(np.where(ok, effects, 0.0), 0) * known / over, 0.0)
    recorded = tuple(names[c] for c in range(k) if any_record >> c & 1)
    total = parts.sum()
    if total <= 0:
        return Diagnosis(np.zeros(k), np.zeros(k), 0.0, 0.0, "", "", recorded)
    shares = parts / total
    share_errors = np.where(ok, np.where(ok, errors, 0.0) * known / over / total, 0.0)
    return judged(shares, share_errors, names, groups, true_shares, recorded)


def diagnose_people(people, sources) -> Diagnosis:
    """:func:`diagnose` for a model's :class:`~sim.model.people.People`, over the weeks it keeps.

    The model sets ``people.keep_weeks`` from ``diagnosis_window`` (13 by default: a quarter's
    person-weeks; 1: this week's records alone) and ``people.prevalence_from`` from
    ``diagnosis_prevalence``.
    """
    args = (people.names, people.groups, people.true_shares())
    weeks = people.recent_weeks()
    if weeks[0][0] is not None and 2 * people.k <= WEEKLY_BITS:  # kept weeks: count each once
        observed = observation_codes(people.n, sources)
        fitted = fit(*weekly_patterns(weeks, observed, people.k, people.pattern_cache), people.k)
        return _belief(fitted, observed, people.n * len(weeks), people.prevalence_from, *args)
    code, outcome, n_weeks = people.recent()
    return diagnose(code, outcome, sources, *args, n_weeks, people.prevalence_from)


def judged(shares, errors, names, groups, true_shares, recorded=()) -> Diagnosis:
    """A belief (``shares``, ``errors``), with its cause, group and accuracy against ``true_shares``."""
    by_group: dict[str, float] = {}
    truth_by_group: dict[str, float] = {}
    for s, t, g in zip(np.asarray(shares).tolist(), np.asarray(true_shares).tolist(), groups, strict=True):
        by_group[g] = by_group.get(g, 0.0) + s
        truth_by_group[g] = truth_by_group.get(g, 0.0) + t
    known = shares.sum() > 0
    return Diagnosis(
        shares=shares,
        errors=errors,
        accuracy=float(np.minimum(shares, true_shares).sum()),
        group_accuracy=float(sum(min(by_group[g], truth_by_group[g]) for g in by_group)),
        cause=names[int(np.argmax(shares))] if known else "",
        group=max(by_group, key=lambda g: by_group[g]) if known else "",
        recorded=tuple(recorded),
    )


def changed_beyond_noise(new: Diagnosis, old: Diagnosis, z: float) -> bool:
    """Whether ``new`` differs from ``old`` by more than ``z`` standard errors in some share."""
    if not old.known:
        return new.known
    gap = np.abs(new.shares - old.shares)
    noise = z * np.maximum(new.errors, old.errors)
    return bool(np.any(gap > noise))
