"""The join address as a QR code, drawn on this machine (``segno``, pure Python): no web service."""

from __future__ import annotations

import io


def qr_svg(url: str) -> str:
    """An SVG QR code of ``url`` (black on white, with the quiet zone phones need)."""
    import segno

    out = io.BytesIO()
    code = segno.make(url, error="m")
    code.save(
        out, kind="svg", scale=8, border=4, xmldecl=False, svgns=True, title="Join the game", dark="#000", light="#fff"
    )
    return out.getvalue().decode()
