"""What every chart Baton draws shares: its width and resolution, and a font with Chinese in it.

No default matplotlib font has CJK glyphs. The Noto Sans CJK SC font bundled in the `mplfonts`
package is registered once with matplotlib's font manager (nothing is written to matplotlibrc or
a cache directory) and named on every text, with DejaVu Sans behind it for anything Noto lacks.
Charts are drawn on a bare Figure with the Agg canvas, never through pyplot, so drawing leaves no
global figure state behind and is safe from any thread.

A text with two dollar signs is read as mathtext, and a name like `$\\undefinedcmd$` makes drawing
fail. Every text taken from data goes through `literal`, which escapes them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from matplotlib.font_manager import FontProperties, fontManager

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
FALLBACK_FAMILY = "DejaVu Sans"
# 5 inches at 200 dpi: 1000 px wide, and point sizes stay legible when a phone shrinks it.
WIDTH_INCHES = 5.0
DPI = 200


@cache
def cjk_font() -> FontProperties:
    """Register the bundled Noto Sans CJK SC once; the properties every text of a chart uses."""
    path = resources.files("mplfonts") / "fonts" / CJK_FONT_FILE
    with resources.as_file(path) as font_file:
        fontManager.addfont(str(font_file))
        family = FontProperties(fname=str(font_file)).get_name()
    return FontProperties(family=[family, FALLBACK_FAMILY])


def literal(text: str) -> str:
    """`text` drawn as written: matplotlib shows an escaped dollar sign as a dollar sign and starts no mathtext."""
    return text.replace("$", r"\$")
