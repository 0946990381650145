"""``python -m sim.cli``: the ``coalition`` command."""

import sys

from sim.cli.entry import main

sys.exit(main())
