"""Test-wide settings: hypothesis profiles.

``ci`` (chosen when ``CI`` is set, as ``.ci/run`` does): derandomized, so a CI run is
reproducible and a failure can be replayed; ``dev`` (the default): random examples, so
local runs keep exploring. Either can be forced with ``HYPOTHESIS_PROFILE``.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
