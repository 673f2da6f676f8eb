"""The month chart: a PNG a phone can read, with Chinese names drawn in a real CJK font."""

from __future__ import annotations

import struct
import sys
import warnings
from datetime import date

import matplotlib
import pandas as pd
import pytest
from matplotlib.font_manager import fontManager

from bot.month.chart import month_chart
from bot.text.charts import CJK_FONT_FILE, cjk_font
from bot.text.i18n.formats import money
from domain.payouts import PayoutPolicy, compute_payouts
from domain.rules import RulesVersion, default_rules
from domain.scoring import score_period
from domain.snapshot import Snapshot, freeze, snapshot_rows

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Reading rcParams["backend"] would itself import pyplot, so only the font settings are compared.
FONT_SETTINGS = ("font.family", "font.sans-serif", "font.size", "axes.unicode_minus")
TEAM = {1: "王芳", 2: "李雷", 3: "韩梅梅", 4: "欧阳娜娜", 5: "张伟"}


def closed_month(agents: int = 5, *, scheme: str = "tiers", pool_cents: int = 1_234_567) -> Snapshot:
    ids = list(range(1, agents + 1))
    factors = pd.DataFrame(
        {
            "conversations": [400 - 37 * i for i in ids],
            "cases": [20 + 3 * (i % 4) for i in ids],
            "hours_held": [160 - 9 * i for i in ids],
            "satisfaction": [0.99 - 0.02 * i for i in ids],
        },
        index=ids,
    )
    rules = RulesVersion(2, date(2025, 1, 1), default_rules())
    card = score_period(factors, rules, collaboration=pd.Series({ids[-1]: 4.5}))
    policy = PayoutPolicy(scheme=scheme, team_fund_percent=10 if scheme == "hybrid" else 0)
    payouts = compute_payouts(policy, pool_cents, card.totals())
    return freeze("2025-03", rules, pool_cents, scheme, snapshot_rows(card, payouts))


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk always comes first
    return width, height


def render_strictly(snapshot: Snapshot, names: dict[int, str], **options: object) -> bytes:
    """Render with every warning an error, so a glyph missing from the font fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return month_chart(snapshot, names, **options)


def test_chinese_names_render_without_missing_glyphs_on_a_phone_sized_png():
    png = render_strictly(closed_month(), TEAM)

    width, height = png_size(png)
    assert width == 1000
    assert 400 < height < 1500
    assert len(png) > 20_000  # bars, names and labels, not a blank canvas


def test_english_labels_and_a_team_fund_line_render_too():
    month = closed_month(scheme="hybrid")
    assert month.team_fund_cents > 0

    png = render_strictly(month, TEAM, lang="en", title="Customer service · March")

    assert png_size(png)[0] == 1000


def test_a_bigger_team_gets_a_taller_chart_of_the_same_width():
    small = png_size(render_strictly(closed_month(3), TEAM))
    large = png_size(render_strictly(closed_month(9), {i: f"客服{i}号" for i in range(1, 10)}))

    assert small[0] == large[0] == 1000
    assert large[1] > small[1]


def test_an_agent_missing_from_the_names_and_a_month_with_nobody_still_render():
    assert png_size(render_strictly(closed_month(), {1: "王芳"}))[0] == 1000
    nobody = freeze("2025-03", 1, 50_000, "team_fund", [])
    assert png_size(render_strictly(nobody, {}))[0] == 1000


def test_the_chinese_text_is_drawn_with_the_bundled_noto_font():
    assert fontManager.findfont(cjk_font(), fallback_to_default=False).endswith(CJK_FONT_FILE)


def test_the_strict_render_does_catch_a_glyph_no_font_has():
    # Proves the guard above can fail. 𠀀 (CJK extension B, as in some rare given names)
    # is in neither Noto Sans CJK SC nor DejaVu Sans.
    with pytest.warns(UserWarning, match="missing from font"):
        month_chart(closed_month(2), {1: "王\U00020000", 2: "李雷"})


def test_rendering_leaves_pyplot_and_the_global_settings_alone():
    pyplot_loaded = "matplotlib.pyplot" in sys.modules
    fonts = {key: matplotlib.rcParams[key] for key in FONT_SETTINGS}

    render_strictly(closed_month(), TEAM)

    assert {key: matplotlib.rcParams[key] for key in FONT_SETTINGS} == fonts
    if not pyplot_loaded:
        assert "matplotlib.pyplot" not in sys.modules


@pytest.mark.parametrize(
    ("cents", "shown"),
    [(0, "¥0.00"), (5, "¥0.05"), (123_456, "¥1,234.56"), (100_000_000, "¥1,000,000.00")],
)
def test_payouts_are_shown_in_yuan_from_whole_cents(cents, shown):
    assert money("zh", cents) == shown == money("en", cents)
