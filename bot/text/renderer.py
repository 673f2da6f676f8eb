"""The Renderer: one language's catalogue, its numbers, money and dates, and the one refusal text.

Each feature's render.py turns its use cases' results into Telegram HTML through a Renderer;
nothing else builds text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from html import escape

from bot.core.config import Config
from bot.core.errors import Refused
from bot.text.i18n import case_type_label, formats, t
from bot.text.layout import short_datetime, truncate

ECHO_WIDTH = 40
# Refusal values shown whole: a diagnostic, and lists the configuration or a file supplies.
UNCUT = frozenset({"detail", "keys", "presets", "types", "expected", "found", "missing"})


class Renderer:
    def __init__(self, config: Config, lang: str | None = None) -> None:
        self.config = config
        self.lang = lang or config.team.language
        self.tz = config.team.timezone
        self.labels = {a.key: a.label for a in config.accounts}

    def t(self, key: str, /, **params: object) -> str:
        return t(self.lang, key, **params)

    def refusal(self, refusal: Refused, /, **rendered: str) -> str:
        """Why a command was refused, in this renderer's language.

        Every value in the refusal is escaped, and a text is echoed only as far as it helps: a
        4,000-character argument must not turn a one-line refusal into several messages. Only a
        diagnostic (`detail`) or a list of names may run longer. `rendered` values are HTML
        already, and go in as they are: a feature's render.py supplies them for the refusals
        whose values need its own words (a factor's label, a sheet's bad rows, a time of day).
        """
        params: dict[str, object] = {}
        for name, value in refusal.params.items():
            if isinstance(value, list):
                value = self.listed(map(str, value)) or "—"
            if isinstance(value, str):
                value = escape(value if name in UNCUT else truncate(value, ECHO_WIDTH))
            params[name] = value
        if "account" in refusal.params:
            params["label"] = escape(truncate(self.label(str(refusal.params["account"] or "")), ECHO_WIDTH))
        accounts = refusal.params.get("accounts")
        if isinstance(accounts, list):
            params["labels"] = self.listed(escape(self.label(a)) for a in accounts)
            params["first"] = escape(accounts[0])
        params.update(rendered)
        key = f"error.{refusal.code}.{params['reason']}" if refusal.code == "export_refused" else f"error.{refusal.code}"
        return self.t(key, **params)

    def timed_refusal(self, refusal: Refused, /) -> str:
        """`refusal` with its times as read at its `now`: today's as HH:MM, another day's as MM-DD HH:MM,
        in the team's zone (a correction of a hold, an answer to a reminder, a cover claim)."""
        now = refusal.params.get("now")
        if not isinstance(now, datetime):
            return self.refusal(refusal)
        today = now.astimezone(self.tz).date()
        params = {k: short_datetime(v, self.tz, today) if isinstance(v, datetime) else v for k, v in refusal.params.items() if k != "now"}
        return self.refusal(Refused(refusal.code, **params))

    def label(self, account: str) -> str:
        return self.labels.get(account, account)

    def listed(self, items: Iterable[str]) -> str:
        """Texts (HTML already) as a list the language reads: 京东、唯品会 · JD, Vipshop."""
        return self.t("list.separator").join(items)

    def keys(self) -> str:
        """The account keys commands take, for usage lines."""
        return ", ".join(a.key for a in self.config.accounts)

    # -- numbers, money and dates as the language writes them ------------------------------------

    def money(self, cents: int) -> str:
        return formats.money(self.lang, cents)

    def number(self, value: float, decimals: int = 0) -> str:
        return formats.number(self.lang, value, decimals)

    def seconds(self, value: float) -> str:
        return "—" if math.isnan(value) else self.t("metrics.seconds", value=f"{value:.0f}")

    def day(self, day: date) -> str:
        return formats.long_date(self.lang, day)

    def month(self, month: str) -> str:
        return formats.month_name(self.lang, month)

    def case_type(self, case_type: str) -> str:
        return case_type_label(self.lang, case_type)
