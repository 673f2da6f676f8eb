"""The roster and shift swaps as Telegram text (HTML) and keyboards.

The week's table is a monospace block padded by display width (bot.text.layout.pad), so Chinese
names, two columns wide each, keep the day columns aligned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.errors import Refused
from bot.roster import callbacks as cb
from bot.roster.service import Conflict, RosterImported, RosterWeek, ShiftEnded, ShiftSet, WeekRow
from bot.roster.swaps import WITHDRAW, SwapView
from bot.text.layout import display_width, pad, toast_text, truncate
from bot.text.renderer import Renderer
from bot.text.uploads import file_list, unreadable

NAME_WIDTH = 10
_CELLS = {"on": "x", "swapped_in": "s", "away": "~", "off": "."}


def refusal(render: Renderer, refused: Refused) -> str:
    """Why a roster or swap command was refused: a refused sheet lists its bad rows."""
    if refused.code == "roster_sheet_rows":
        problems = refused.params["problems"]
        lines = [render.t("error.roster_sheet_rows", count=len(problems))]
        for row, code, values in problems[:15]:
            lines.append(render.t("roster.sheet_row", row=row, reason=render.refusal(Refused(code, **values))))
        return "\n".join(lines)
    if refused.code == "roster_sheet_unreadable":
        return unreadable(render, refused.params)
    if refused.code == "roster_sheet_columns":
        return render.refusal(refused, found=file_list(render, refused.params["found"]))
    if refused.code == "swap_moved":
        return render.refusal(refused, status=render.t(f"swap.status.{refused.params['status']}"))
    return render.refusal(refused)


# -- the notation -------------------------------------------------------------------------------------------


def days_text(render: Renderer, weekdays: Iterable[int]) -> str:
    """Weekdays in words: 周一至周五, 周一、周三 / Mon–Fri, Mon, Wed."""
    runs: list[list[int]] = []
    for day in sorted(set(weekdays)):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        names = [render.t(f"weekday.long.{d}") for d in run]
        parts += [render.t("roster.day_range", first=names[0], last=names[-1])] if len(run) > 2 else names
    return render.listed(parts)


def hours_text(render: Renderer, start: time, end: time) -> str:
    key = "roster.hours_overnight" if end <= start else "roster.hours"
    return render.t(key, start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def date_text(render: Renderer, day: date) -> str:
    return render.t("roster.date", md=f"{day:%m-%d}", weekday=render.t(f"weekday.long.{day.weekday()}"))


def validity_text(render: Renderer, valid_from: date, valid_to: date | None) -> str:
    if valid_to is None:
        return render.t("roster.valid_from", start=valid_from.isoformat())
    return render.t("roster.valid_range", start=valid_from.isoformat(), end=valid_to.isoformat())


def _when(render: Renderer, start: datetime, end: datetime) -> str:
    local_start, local_end = start.astimezone(render.tz), end.astimezone(render.tz)
    return f"{date_text(render, local_start.date())} {render.t('roster.hours', start=f'{local_start:%H:%M}', end=f'{local_end:%H:%M}')}"


def conflict_lines(render: Renderer, conflicts: Iterable[Conflict], title_key: str = "roster.conflicts_title") -> list[str]:
    conflicts = list(conflicts)
    if not conflicts:
        return []
    return [render.t(title_key)] + [
        render.t(
            "roster.conflict_line",
            label=escape(render.label(c.account)),
            first=escape(c.first),
            second=escape(c.second),
            when=_when(render, c.start, c.end),
            count=c.count,
        )
        for c in conflicts
    ]


# -- replies ------------------------------------------------------------------------------------------------


def shift_text(render: Renderer, done: ShiftSet | ShiftEnded) -> str:
    return shift_set_text(render, done) if isinstance(done, ShiftSet) else shift_ended_text(render, done)


def shift_set_text(render: Renderer, done: ShiftSet) -> str:
    replaced = render.t("shift.replaced", count=done.replaced) if done.replaced else ""
    first = render.t(
        "shift.set",
        name=escape(done.name),
        label=escape(render.label(done.account)),
        days=days_text(render, done.weekdays),
        hours=hours_text(render, done.start, done.end),
        validity=validity_text(render, done.valid_from, done.valid_to),
        replaced=replaced,
    )
    return "\n".join([first, *conflict_lines(render, done.conflicts)])


def shift_ended_text(render: Renderer, done: ShiftEnded) -> str:
    return render.t(
        "shift.ended", name=escape(done.name), label=escape(render.label(done.account)), day=done.valid_from.isoformat(), count=done.count
    )


def imported_text(render: Renderer, done: RosterImported) -> str:
    first = render.t("roster.imported", filename=escape(done.filename), shifts=done.shifts, people=done.people)
    return "\n".join([first, *conflict_lines(render, done.conflicts)])


def week_text(render: Renderer, week: RosterWeek) -> str:
    iso = week.monday.isocalendar()
    sunday = week.monday + timedelta(days=6)
    lines = [
        render.t(
            "roster.week_title",
            week=f"{iso.year}-W{iso.week:02d}",
            first=f"{week.monday:%m-%d}",
            last=f"{sunday:%m-%d}",
            tz=escape(str(render.tz)),
        )
    ]
    for account, rows in week.accounts:
        label = escape(render.label(account))
        if not rows:
            lines.append(render.t("roster.account_empty", label=label, account=escape(account)))
            continue
        lines.append(render.t("roster.account", label=label, account=escape(account)))
        lines.append(f"<pre>{escape(_table(render, rows))}</pre>")
    lines.append(render.t("roster.legend"))
    lines += conflict_lines(render, week.conflicts, "roster.week_conflicts_title")
    return "\n".join(lines)


def _table(render: Renderer, rows: tuple[WeekRow, ...]) -> str:
    names = [truncate(r.name, NAME_WIDTH) for r in rows]
    hours = [f"{r.start:%H:%M}-{r.end:%H:%M}" for r in rows]
    name_width = max(display_width(render.t("roster.header_name")), *(display_width(n) for n in names))
    hours_width = max(display_width(render.t("roster.header_hours")), *(len(h) for h in hours))
    header = [pad(render.t("roster.header_name"), name_width), pad(render.t("roster.header_hours"), hours_width)]
    header += [pad(render.t(f"weekday.short.{d}"), 2) for d in range(7)]
    lines = [" ".join(header).rstrip()]
    for row, name, shown in zip(rows, names, hours, strict=True):
        cells = [pad(_cell(row, d), 2) for d in range(7)]
        lines.append(" ".join([pad(name, name_width), pad(shown, hours_width), *cells]).rstrip())
    return "\n".join(lines)


def _cell(row: WeekRow, day: int) -> str:
    if day in row.days:
        return _CELLS["swapped_in" if row.swapped_in else "on"]
    return _CELLS["away" if day in row.away else "off"]


# -- swaps ---------------------------------------------------------------------------------------------------


def _colleague(view: SwapView) -> str:
    return f"@{view.colleague_username}" if view.colleague_username else view.colleague


def swap_status(render: Renderer, view: SwapView) -> str:
    key = "swap.approved_auto" if view.automatic else f"swap.{view.status}"
    return render.t(key, colleague=escape(view.colleague), offerer=escape(view.offerer), supervisor=escape(view.decided_by or ""))


def swap_toast(render: Renderer, view: SwapView) -> str:
    return toast_text(swap_status(render, view))


def swap_text(render: Renderer, view: SwapView) -> str:
    title = render.t(
        "swap.title",
        offerer=escape(view.offerer),
        label=escape(render.label(view.account)),
        when=date_text(render, view.day),
        hours=hours_text(render, view.start, view.end),
        colleague=escape(_colleague(view)),
    )
    return f"{title}\n{swap_status(render, view)}"


def swap_keyboard(render: Renderer, view: SwapView) -> InlineKeyboardMarkup | None:
    """The answer the swap waits for, yes or no, and under it the offerer's withdrawal; no buttons once settled."""
    if view.awaiting is None:
        return None
    return InlineKeyboardMarkup(
        [
            [_button(render, action, view.id) for action in view.awaiting],
            [_button(render, WITHDRAW, view.id)],
        ]
    )


def _button(render: Renderer, action: str, swap_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(render.t(f"swap.button.{action}"), callback_data=cb.encode(cb.SwapPress(action, swap_id)))
