"""The scoring factors in words: their names, and a value (or a target) in the factor's own unit.

Shared by what explains a month (bot/explain/) and what shows the rules (bot/rules/).
"""

from __future__ import annotations

from bot.text.layout import quantity
from bot.text.renderer import Renderer

RATE_PERCENT = frozenset({"satisfaction", "conversion", "resolved_rate"})


def trimmed(value: float) -> str:
    """Whole numbers without decimals, anything else with one: 30, 12.5."""
    return str(round(value)) if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def factor_label(render: Renderer, factor: str) -> str:
    return render.t(f"explain.factor.{factor}")


def factor_value(render: Renderer, factor: str, value: float) -> str:
    """A raw factor value (or a target) in its own unit: counts, hours, seconds or percent."""
    if factor == "hours_held":
        return render.t("explain.unit.hours", value=f"{value:.1f}")
    if factor == "first_response":
        return render.t("explain.unit.seconds", value=trimmed(value))
    if factor in RATE_PERCENT:
        return f"{trimmed(100 * value)}%"
    return quantity(value)
