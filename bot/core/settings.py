"""The settings Baton runs with, as bot/config.py reads them from TOML and checks them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo

from domain.collaboration import CollaborationPolicy
from domain.ledger import PointRates
from domain.payouts import PayoutPolicy
from domain.rules import Rules, default_rules
from storage.importers.limits import MB, ReadLimits

# The languages Baton speaks: one catalogue each (bot/text/i18n/locales); Chinese is the default.
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"


class ConfigError(Exception):
    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"config: {key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class BotSettings:
    token: str = ""
    base_url: str = TELEGRAM_API
    base_file_url: str = TELEGRAM_FILES
    mode: str = "polling"
    # mode = "webhook": Telegram posts updates to webhook_url; the bot listens on listen:port at path.
    webhook_url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = ""
    webhook_secret: str = ""  # checked against X-Telegram-Bot-Api-Secret-Token on every request
    # Writes a minute into one group: Telegram's limit is about 20; 0 paces nothing (a local server without limits).
    group_writes_per_minute: int = 20


@dataclass(frozen=True)
class FairnessSettings:
    """[fairness]: how much one person may ask of the bot before it waits for them (0: no limit)."""

    commands_per_minute: int = 20
    command_burst: int = 5
    # Presses write nothing into the group themselves (a toast, and a board edit that coalesces), and
    # an agent at work taps in bursts: take over, then a case type after each customer.
    presses_per_minute: int = 120
    press_burst: int = 20
    console_repeat_seconds: int = 30  # a /console sooner than this after the last one points to the live board


@dataclass(frozen=True)
class TeamSettings:
    name: str
    chat_id: int
    timezone: ZoneInfo
    language: str = "zh"
    supervisors: frozenset[int] = frozenset()
    supervisors_include_group_admins: bool = False  # the group's admins supervise too, as Telegram lists them


@dataclass(frozen=True)
class PullSource:
    """An HTTP endpoint that serves this account's conversations as paged JSON (docs/pull-api.md)."""

    url: str
    token: str
    interval_minutes: int = 15


@dataclass(frozen=True)
class AccountSettings:
    key: str
    platform: str
    label: str
    preset: str | None = None  # the export format of this account's files, when not the platform's own
    pull: PullSource | None = None


@dataclass(frozen=True)
class PresetSettings:
    """A column mapping for a platform without a built-in preset, such as Vipshop.

    ``shape``: sessions (one row per conversation), messages (one per chat message) or totals
    (a per-agent report); ``key``: the fields that identify a session without an id
    (["customer", "start"]); ``idle_gap_minutes``: the silence that starts a new conversation
    in a message log; ``senders``: labels of a message log's sender column (customer/shop/system)."""

    name: str
    platform: str
    columns: dict[str, str | list[str]]
    ratings: dict[str, str] = field(default_factory=dict)
    booleans: dict[str, bool] = field(default_factory=dict)
    shape: str = "sessions"
    key: tuple[str, ...] | None = None
    idle_gap_minutes: float | None = None
    senders: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RosterSettings:
    tg_user_id: int
    name: str
    account: str
    weekdays: frozenset[int]  # 0 = Monday, as date.weekday(); the file says 1 = Monday … 7 = Sunday
    start: time
    end: time


@dataclass(frozen=True)
class AttributionSettings:
    # Credit by who answered: a conversation answered after a wait goes to whoever replied.
    # "start" credits its start instead; without a reply time it falls back to the start anyway.
    moment: str = "first_reply"  # or "start"
    # A conversation on an account nobody holds or is rostered on, answered this little before a
    # shift on it begins, is that shift's: people sit down early and answer the night's backlog.
    roster_early_minutes: int = 15
    satisfaction_prior: float = 5.0
    quiet_hours: dict[str, tuple[time, time] | None] = field(default_factory=lambda: {"jd": (time(23), time(9))})


@dataclass(frozen=True)
class ScheduleSettings:
    daily_digest: time = time(22, 0)
    compile_every_minutes: int = 10
    monthly_digest_day: int = 1  # day of the month on which last month's provisional standings are posted
    monthly_digest_time: time = time(10, 0)


@dataclass(frozen=True)
class ChecksSettings:
    """The reminders' and data checks' thresholds ([checks])."""

    every_minutes: int = 5
    max_hold_hours: float = 10.0  # a private "still on?" to whoever has held an account this long
    auto_close_hours: float = 30.0  # a forgotten clock-off still unanswered this long after the hold began is closed
    unattended_minutes: int = 30  # one ping in the group when an account goes this long without a holder…
    # …inside its platform's scoring hours, local [from, to); to <= from runs past midnight, (8:00, 0:00) is 08:00-24:00
    scoring_hours: dict[str, tuple[time, time] | None] = field(
        default_factory=lambda: {"jd": (time(9), time(23)), "tmall": (time(8), time(0))}
    )
    late_minutes: int = 15  # a private nudge to a rostered agent who has not taken over this long into the shift
    # A hold past its holder's rostered end, or its platform's scoring hours, plus this is overdue:
    # its holder is asked then when they left (whichever comes first)
    handoff_grace_minutes: int = 30
    # A hold on an account someone else is rostered on, kept this long beside an account of the
    # holder's own, is a cover never handed back (a meal break lasts 30-45 minutes): its holder is asked when they did
    cover_overdue_minutes: int = 60
    day_end: time = time(23, 59)  # the last resort, for a hold with neither a roster nor scoring hours: overdue at this local time
    morning: time = time(9, 0)  # a typed time of leaving before this, earlier than the hold's start, is the small hours after its day


@dataclass(frozen=True)
class PayoutSettings:
    pool_cents: int = 0  # the default pool for /close_month, from [payout] pool in yuan
    policy: PayoutPolicy = field(default_factory=PayoutPolicy)


@dataclass(frozen=True)
class PresenceSettings:
    """[presence]: evidence of who was at the keyboard (domain/presence.py, bot/presence/)."""

    every_minutes: int = 5  # how often the hand-back check runs
    max_backdate_minutes: int = 120  # how far back a take-over offered after a refused /case may reach
    hand_back_after_minutes: int = 30  # a cover held this long beside one's own account, its rostered agent back: nudge
    present_within_minutes: int = 15  # a press or command this recent shows its sender is at the keyboard
    idle_grace_minutes: int = 30  # held past one's rostered end by more than this, with no activity since: idle hours
    unanswered_stretch_minutes: int = 60  # a customer waiting this long during a hold with no reply at all: flagged


@dataclass(frozen=True)
class ImportSettings:
    """[imports]: how much an uploaded or `baton import`ed file may hold (storage/importers/limits.py)."""

    max_file_mb: int = 20  # an upload the bot downloads; Telegram's own Bot API serves no more
    max_inflated_mb: int = 200  # a workbook's zip members, unpacked, together
    max_cells: int = 4_000_000  # a sheet's grid from A1 to its last cell, or a CSV's rows times columns
    max_rows: int = 1_000_000

    def limits(self, max_bytes: int | None = None) -> ReadLimits:
        """The reader's limits; ``max_bytes`` for the command line, which reads files no chat carried."""
        return ReadLimits(
            max_bytes=self.max_file_mb * MB if max_bytes is None else max_bytes,
            max_rows=self.max_rows,
            max_cells=self.max_cells,
            max_inflated_bytes=self.max_inflated_mb * MB,
        )


@dataclass(frozen=True)
class Config:
    bot: BotSettings
    team: TeamSettings
    accounts: tuple[AccountSettings, ...]
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    points: PointRates = field(default_factory=PointRates)
    database_url: str = "sqlite:///baton.db"
    attribution: AttributionSettings = field(default_factory=AttributionSettings)
    presets: tuple[PresetSettings, ...] = ()
    roster: tuple[RosterSettings, ...] = ()  # only the seed: the roster lives in the database (storage/roster.py)
    swaps_auto_approve: bool = False  # [roster] swaps_auto_approve: an accepted swap needs no supervisor
    rules: Rules = field(default_factory=default_rules)
    collaboration: CollaborationPolicy = field(default_factory=CollaborationPolicy)
    payout: PayoutSettings = field(default_factory=PayoutSettings)
    checks: ChecksSettings = field(default_factory=ChecksSettings)
    fairness: FairnessSettings = field(default_factory=FairnessSettings)
    imports: ImportSettings = field(default_factory=ImportSettings)
    presence: PresenceSettings = field(default_factory=PresenceSettings)

    def is_supervisor(self, tg_user_id: int) -> bool:
        return tg_user_id in self.team.supervisors

    def account(self, key: str) -> AccountSettings | None:
        return next((a for a in self.accounts if a.key == key), None)

    def require_token(self) -> str:
        if not self.bot.token:
            raise ConfigError("BATON_TOKEN", "no bot token: set BATON_TOKEN in the environment or [bot] token in the file")
        return self.bot.token
