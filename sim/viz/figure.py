"""Pictures on the page: SVGs drawn inline, each with a button that saves it as PNG.

The PNG is made in the browser (the SVG drawn on a canvas at twice its size), so export
costs the server nothing. The component also reports the width it is drawn at, so the
network can be laid out for a phone, and it sets the page's language. Several pictures
share one widget, so a new week sends one update for all of them.
"""

from __future__ import annotations

from collections.abc import Callable

import solara


def picture(svg: str, name: str, title: str, filename: str) -> dict:
    """One picture for :func:`Figures`.

    Args:
        svg: the SVG document.
        name: a short name (the CSS class ``coalition-figure-<name>``).
        title: what it shows, for the download button's label.
        filename: the PNG's file name.
    """
    return {"svg": svg, "name": name, "title": title, "filename": filename}


@solara.component_vue("figure.vue", vuetify=False)
def Figures(
    pictures: list,
    kind: str = "",
    heading: str = "",
    note: str = "",
    width: int = 0,
    on_width: Callable[[int], None] = None,
):
    """SVG pictures, each with a "Download PNG" button, in one panel.

    Args:
        pictures: dicts made by :func:`picture`.
        kind: CSS classes of the panel (e.g. ``"coalition-panel coalition-charts"``).
        heading: the panel's heading, if any.
        note: a line under the pictures, if any.
        width: the width the browser draws them in, in CSS pixels (set by the browser).
        on_width: called when that width changes.
    """
