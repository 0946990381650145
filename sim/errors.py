"""Errors a user can act on: one line naming the file or flag, the field, and what is wrong.

Every layer raises a subclass of :class:`InputError` for bad input; the CLI prints it as
``error: <message>`` and exits with status 2. Nothing here imports the rest of ``sim``.
"""

from __future__ import annotations

import unicodedata


def one_line(text: str) -> str:
    """``text`` with every line break and control character escaped, so it prints as one line."""
    out = []
    for ch in str(text):
        if ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


class InputError(ValueError):
    """Bad input (a file, a flag, a value); the message is always one line."""

    def __init__(self, message: str = ""):
        super().__init__(one_line(message))
