"""The ``coalition`` command: run, scenarios, sweep, table, viz, classroom.

Bad input gets one line on stderr, ``error: <where>: <what is wrong>``, and exit status 2.
Each subcommand is a module of this package with ``add_parser(subparsers)``; heavy imports
happen inside the handlers, so ``coalition --help`` starts fast.
"""

from __future__ import annotations

import argparse
import sys

from sim.cli import classroom, run, scenarios, sweep, table, viz
from sim.cli.common import EXIT_USAGE, Parser, UsageError
from sim.errors import InputError
from sim.model.params import ParameterError

SUBCOMMANDS = (run, scenarios, sweep, table, viz, classroom)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = Parser(prog="coalition", description="Organizations forming a coalition around an upstream problem.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``coalition`` command."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args) or 0
    except (UsageError, InputError, ParameterError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
