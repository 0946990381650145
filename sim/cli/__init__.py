"""The ``coalition`` command (``sim.cli.main:main``); one module per subcommand."""
