"""Turning service results into Telegram text (HTML) and keyboards."""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from html import escape, unescape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.attention import attention_lines
from bot.config import Config
from bot.i18n import CASE_TYPES, case_type_label, formats, t
from bot.imports import ImportReport
from bot.ledger_service import AgentMetrics, Digest, RankedAgent
from bot.services import ConsoleLine, Refused

MAX_REJECTED_SHOWN = 10


def plain_text(html: str) -> str:
    """Telegram HTML as plain text: for toasts and the terminal."""
    return unescape(re.sub(r"<[^>]+>", "", html))


TOAST_LIMIT = 200  # characters Telegram shows in a callback query's answer


def toast_text(html: str) -> str:
    return plain_text(html)[:TOAST_LIMIT]


def display_width(text: str) -> int:
    """Columns a string takes in a monospace font: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


ECHO_WIDTH = 40
# Refusal values shown whole: a diagnostic, and lists the configuration or a file supplies.
UNCUT = frozenset({"detail", "keys", "presets", "types", "expected", "found", "missing"})


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


def quantity(value: float) -> str:
    """A credited count: whole when it is, one decimal when conversations were split."""
    return str(round(value)) if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def percent(rate: float) -> str:
    return "—" if math.isnan(rate) else f"{100 * rate:.0f}%"


def hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


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
        already, and go in as they are.
        """
        params: dict[str, object] = {}
        for name, value in refusal.params.items():
            if isinstance(value, list):
                value = self.listed(map(str, value)) or "—"
            if isinstance(value, str):
                value = escape(value if name in UNCUT else truncate(value, ECHO_WIDTH))
            params[name] = value
        if "account" in refusal.params:
            params["label"] = escape(truncate(self.label(refusal.params["account"] or ""), ECHO_WIDTH))
        if isinstance(refusal.params.get("accounts"), list):
            params["labels"] = self.listed(escape(self.label(a)) for a in refusal.params["accounts"])
            params["first"] = escape(refusal.params["accounts"][0])
        params.update(rendered)
        key = f"error.{refusal.code}.{params['reason']}" if refusal.code == "export_refused" else f"error.{refusal.code}"
        return self.t(key, **params)

    def label(self, account: str) -> str:
        return self.labels.get(account, account)

    def listed(self, items: Iterable[str]) -> str:
        """Texts (HTML already) as a list the language reads: 京东、唯品会 · JD, Vipshop."""
        return self.t("list.separator").join(items)

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
            row = [self._button("button.take", label, cb.Press(cb.TAKE, line.account, seen_hold=line.holder_hold_id))]
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
        """A monospace table padded by display width, so Chinese names keep the columns straight."""
        if not ranked:
            return self.t("standings.empty")
        name_width = min(12, max(display_width(r.name) for r in ranked))
        widths = (4, name_width, 6, 6, 5, 8)
        header = self.t("standings.header").split()
        rows = [header] + [
            [
                str(r.standing.rank),
                truncate(r.name, name_width),
                hours(r.standing.seconds_held),
                quantity(r.standing.conversations),
                str(r.standing.cases),
                self.number(r.standing.points, 2),
            ]
            for r in ranked
        ]
        lines = [" ".join(pad(cell, width, right=i >= 2) for i, (cell, width) in enumerate(zip(row, widths))) for row in rows]
        return "<pre>" + escape("\n".join(lines)) + "</pre>"

    def standings_message(self, day, ranked: Sequence[RankedAgent]) -> str:
        return self.t("standings.title", day=self.day(day)) + "\n" + self.standings_table(ranked)

    def digest_message(self, digest: Digest) -> str:
        parts = [
            self.t("digest.title", team=escape(self.config.team.name), day=self.day(digest.day)),
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
        counts = digest.conversations
        parts.append(
            self.t("digest.conversations", imported=counts.imported, held=counts.held, roster=counts.roster, unattributed=counts.unattributed)
        )
        parts.append(self.t("digest.open_holds"))
        if not digest.open_holds:
            parts.append(self.t("digest.none_open"))
        for hold in digest.open_holds:
            since = short_datetime(hold.since, self.tz, digest.day)
            parts.append(self.t("digest.open_line", label=escape(self.label(hold.account)), name=escape(hold.holder), since=since))
        parts += attention_lines(self, digest.attention, digest.day)
        return "\n".join(parts)

    def import_report(self, report: ImportReport) -> str:
        lines = [
            self.t(
                "import.report", filename=escape(report.filename), label=escape(self.label(report.account)), preset=escape(report.preset),
                read=report.rows_read, new=report.new, duplicates=report.duplicates, rejected=len(report.rejected),
            )
        ]
        for row in report.rejected[:MAX_REJECTED_SHOWN]:
            detail = f"（{escape(str(row.value))}）" if row.value not in (None, "") else ""
            lines.append(self.t("import.rejected_line", row=row.row_number, reason=self.t(f"reason.{row.reason}"), detail=detail))
        if len(report.rejected) > MAX_REJECTED_SHOWN:
            lines.append(self.t("import.more_rejected", count=len(report.rejected) - MAX_REJECTED_SHOWN))
        if report.attribution:
            counts = {status: report.attribution.get(status, 0) for status in ("held", "roster", "unattributed")}
            lines.append(self.t("import.attribution", **counts))
            if counts["unattributed"]:
                lines.append(self.t("import.gaps_hint"))
        return "\n".join(lines)

    def metrics_table(self, title: str, rows: Sequence[AgentMetrics]) -> str:
        if not rows:
            return title + "\n" + self.t("metrics.empty")
        name_width = min(10, max(display_width(r.name) for r in rows))
        widths = (name_width, 6, 6, 5, 5, 5, 5)
        header = self.t("metrics.header").split()
        body = [header] + [
            [
                truncate(r.name, name_width), quantity(r.conversations), self.seconds(r.avg_first_response_s),
                percent(r.first_reply_30s_rate), percent(r.satisfaction), percent(r.inquiry_conversion), percent(r.resolved_rate),
            ]
            for r in rows
        ]
        lines = [" ".join(pad(cell, width, right=i >= 1) for i, (cell, width) in enumerate(zip(row, widths))) for row in body]
        return title + "\n<pre>" + escape("\n".join(lines)) + "</pre>\n" + self.t("metrics.legend")
