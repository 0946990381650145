"""What every subcommand shares: the one-line usage error and argument types."""

from __future__ import annotations

import argparse

from sim.model.params import ParameterError, check_params

EXIT_USAGE = 2


class UsageError(Exception):
    """A user mistake: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (a :class:`UsageError`), with no usage dump."""

    def error(self, message):
        """Raise the mistake as a :class:`UsageError`."""
        raise UsageError(f"{self.prog}: {message}")


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def seed_value(text: str) -> int:
    """An argparse type: a seed, a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed; expected a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; expected a whole number >= 0")
    return value


def parse_sets(pairs: list[str]) -> dict:
    """``["patience=13", "leader=point"]`` -> checked parameter values."""
    raw = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--set {pair}: expected name=value, e.g. --set patience=13")
        raw[name.strip()] = value.strip()
    try:
        return check_params(raw, where="--set")
    except ParameterError as err:
        raise UsageError(str(err)) from None
