"""Seeds as users type them: ints, numeric strings, numpy integers, SeedSequences."""

from __future__ import annotations

import numpy as np

from sim.model.params import ParameterError


def normalize_rng(rng):
    """Return a seed that ``mesa.Model(rng=...)`` accepts, or raise ParameterError.

    Accepts None, an int, a numpy integer, a whole float, a numeric string (SolaraViz's seed box sends
    strings), a :class:`numpy.random.SeedSequence`, a sequence of whole numbers >= 0 (numpy's
    entropy; taken as its SeedSequence) or a :class:`numpy.random.Generator`. A SeedSequence
    is turned into an int drawn from it, so that it behaves like an int seed.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool):
        raise ParameterError(f"rng: {rng!r} is not a seed; expected a whole number")
    if isinstance(rng, (int, np.integer)):
        value = int(rng)
    elif isinstance(rng, (float, np.floating)) and float(rng).is_integer():
        value = int(rng)
    elif isinstance(rng, np.random.SeedSequence):
        value = int(rng.generate_state(2, dtype=np.uint64)[0] >> np.uint64(1))
    elif isinstance(rng, (list, tuple)) and rng and all(_entropy(v) for v in rng):
        # a sequence of whole numbers, as numpy and Mesa take one: its SeedSequence's int
        return normalize_rng(np.random.SeedSequence([int(v) for v in rng]))
    elif isinstance(rng, str):
        text = rng.strip()
        try:
            value = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise ParameterError(f"rng: {rng!r} is not a seed; expected a whole number") from None
            if not number.is_integer():
                raise ParameterError(f"rng: {rng!r} is not a seed; expected a whole number") from None
            value = int(number)
    else:
        raise ParameterError(f"rng: {rng!r} is not a seed; expected a whole number")
    if value < 0:
        raise ParameterError(f"rng: {value} is negative; expected a whole number >= 0")
    return value


def _entropy(value) -> bool:
    """A whole number >= 0 that a SeedSequence takes as entropy."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and int(value) >= 0
