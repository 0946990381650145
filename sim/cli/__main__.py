"""``python -m sim.cli``: the ``coalition`` command."""

import sys

from sim.cli.main import main

sys.exit(main())
