"""Turning service results into Telegram text (HTML) and keyboards."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.config import Config
from bot.i18n import CASE_TYPES, case_type_label, t
from bot.services import ConsoleLine, Digest, RankedAgent


def display_width(text: str) -> int:
    """Columns a string takes in a monospace font: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def truncate(text: str, width: int) -> str:
    out = ""
    for ch in text:
        if display_width(out + ch) > width:
            return out[:-1] + "…" if out else "…"
        out += ch
    return out


def clock_time(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M")


def short_datetime(instant: datetime, tz: ZoneInfo, today) -> str:
    local = instant.astimezone(tz)
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


def hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


class Renderer:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.lang = config.team.language
        self.tz = config.team.timezone
        self.labels = {a.key: a.label for a in config.accounts}

    def t(self, key: str, /, **params: object) -> str:
        return t(self.lang, key, **params)

    def label(self, account: str) -> str:
        return self.labels.get(account, account)

    def case_type(self, case_type: str) -> str:
        return case_type_label(self.lang, case_type)

    # -- console -------------------------------------------------------------------------

    def console_text(self, lines: Sequence[ConsoleLine], today) -> str:
        body = [self.t("console.title", team=escape(self.config.team.name))]
        for line in lines:
            label = escape(self.label(line.account))
            if line.holder is None:
                body.append(self.t("console.free", label=label))
            else:
                since = short_datetime(line.since, self.tz, today)
                body.append(self.t("console.held", label=label, name=escape(line.holder), since=since))
        return "\n".join(body)

    def console_keyboard(self, lines: Sequence[ConsoleLine]) -> InlineKeyboardMarkup:
        rows = []
        for line in lines:
            label = self.label(line.account)
            row = [self._button("button.take", label, cb.Press(cb.TAKE, line.account))]
            if line.holder is not None:
                row.append(self._button("button.hand_off", label, cb.Press(cb.HAND_OFF, line.account)))
                row.append(self._button("button.case", label, cb.Press(cb.CASE, line.account)))
            rows.append(row)
        return InlineKeyboardMarkup(rows)

    def case_type_keyboard(self, account: str) -> InlineKeyboardMarkup:
        types = [
            InlineKeyboardButton(self.case_type(ct), callback_data=cb.encode(cb.Press(cb.CASE_TYPE, account, ct)))
            for ct in CASE_TYPES
        ]
        back = InlineKeyboardButton(self.t("button.back"), callback_data=cb.encode(cb.Press(cb.BACK, account)))
        return InlineKeyboardMarkup([types[:3], types[3:] + [back]])

    def _button(self, key: str, label: str, press: cb.Press) -> InlineKeyboardButton:
        return InlineKeyboardButton(self.t(key, label=label), callback_data=cb.encode(press))

    # -- standings and digest -----------------------------------------------------------------

    def standings_table(self, ranked: Sequence[RankedAgent]) -> str:
        if not ranked:
            return self.t("standings.empty")
        name_width = min(12, max(display_width(r.name) for r in ranked))
        header = self.t("standings.header").split()
        lines = [
            " ".join([pad(header[0], 4), pad(header[1], name_width), pad(header[2], 6, right=True), pad(header[3], 5, right=True), pad(header[4], 8, right=True)])
        ]
        for row in ranked:
            s = row.standing
            lines.append(
                " ".join(
                    [
                        pad(str(s.rank), 4),
                        pad(truncate(row.name, name_width), name_width),
                        pad(hours(s.seconds_held), 6, right=True),
                        pad(str(s.cases), 5, right=True),
                        pad(f"{s.points:.2f}", 8, right=True),
                    ]
                )
            )
        return "<pre>" + escape("\n".join(lines)) + "</pre>"

    def standings_message(self, day, ranked: Sequence[RankedAgent]) -> str:
        return self.t("standings.title", day=day.isoformat()) + "\n" + self.standings_table(ranked)

    def digest_message(self, digest: Digest) -> str:
        parts = [
            self.t("digest.title", team=escape(self.config.team.name), day=digest.day.isoformat()),
            self.standings_table(digest.standings),
            self.t("digest.coverage"),
        ]
        for c in digest.coverage:
            parts.append(
                self.t(
                    "digest.coverage_line",
                    label=escape(self.label(c.account)),
                    held=f"{c.held_seconds / 3600:.1f}",
                    elapsed=f"{c.elapsed_seconds / 3600:.1f}",
                    percent=round(100 * c.ratio),
                )
            )
        parts.append(self.t("digest.open_holds"))
        if not digest.open_holds:
            parts.append(self.t("digest.none_open"))
        for hold in digest.open_holds:
            since = short_datetime(hold.since, self.tz, digest.day)
            parts.append(self.t("digest.open_line", label=escape(self.label(hold.account)), name=escape(hold.holder), since=since))
        return "\n".join(parts)
