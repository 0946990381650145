"""The installed package's version (``sim.__version__``; read from its metadata on first use)."""

from importlib import metadata

try:
    __version__ = metadata.version("coalition")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
