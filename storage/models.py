"""The tables. Times are UTCDateTime; Telegram ids are 64-bit; points are integer millipoints."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Protocol

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _utc(nullable: bool = False, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Identified) -> int:
    """The id the database gave a row. Models declare `id` optional only because a new row has
    none until it is flushed; every row read back or flushed has one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id: it was never flushed")
    return row.id


class Agent(SQLModel, table=True):
    __tablename__ = "agents"

    id: int | None = Field(default=None, primary_key=True)
    tg_user_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    name: str = Field(max_length=128)
    username: str | None = Field(default=None, max_length=64)
    registered_at: datetime = Field(sa_column=_utc())
    # As Telegram last reported it ("en-GB"); the bot writes to them privately in it, if it speaks it.
    language_code: str | None = Field(default=None, max_length=16)


class Account(SQLModel, table=True):
    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=24, unique=True)
    platform: str = Field(max_length=16)
    label: str = Field(max_length=64)


class HoldRow(SQLModel, table=True):
    __tablename__ = "holds"
    __table_args__ = (
        # The database itself refuses a second open holder on one account (helpers sit beside them)…
        Index(
            "uq_holds_one_open_holder_per_account",
            "account_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL AND role = 'holder'"),
            postgresql_where=text("ended_at IS NULL AND role = 'holder'"),
        ),
        # …and a second open hold of one agent on one account, whatever its role.
        Index(
            "uq_holds_one_open_per_agent_and_account",
            "account_id",
            "agent_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=Column(Integer, ForeignKey("accounts.id"), nullable=False, index=True))
    agent_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id"), nullable=False, index=True))
    started_at: datetime = Field(sa_column=_utc(index=True))
    ended_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True, index=True))
    # Set when the hold ended because someone took the account over: that is a handover.
    taken_over_by: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agents.id"), nullable=True))
    note: str | None = Field(default=None, max_length=500)
    # A supervisor's /assign: a window credited after the fact, not a live take-over.
    assigned_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("agents.id", name="fk_holds_assigned_by"), nullable=True)
    )
    # "holder", or "helper": joined beside the holder at peak load (/join); a take-over ends holders only.
    role: str = Field(default="holder", sa_column=Column(String(8), nullable=False, server_default="holder"))
    # Why a supervisor should look at this hold: "auto_closed" when nobody answered the clock-off question.
    flag: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    # The Telegram update that opened it; unique, so a redelivered press can never open a second hold.
    update_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, unique=True))


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    # A holder's last case on an account, asked at every refused case press and every reminder
    # check, is a look-up here rather than a walk through all their cases ever.
    __table_args__ = (Index("ix_cases_agent_account_logged_at", "agent_id", "account_id", "logged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id"), nullable=False, index=True))
    account_id: int = Field(sa_column=Column(Integer, ForeignKey("accounts.id"), nullable=False))
    logged_at: datetime = Field(sa_column=_utc(index=True))
    case_type: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=200)
    update_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, unique=True))


class LedgerRow(SQLModel, table=True):
    __tablename__ = "ledger"
    __table_args__ = (UniqueConstraint("agent_id", "day", "kind", "source", name="uq_ledger_entry"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id"), nullable=False, index=True))
    day: date = Field(index=True)
    kind: str = Field(max_length=24)
    source: str = Field(max_length=64)
    millipoints: int = Field(sa_column=Column(BigInteger, nullable=False))
    quantity: float = 0.0
    recorded_at: datetime = Field(sa_column=_utc())


class LedgerDueRow(SQLModel, table=True):
    """A day whose facts changed and whose ledger is not compiled yet: an import marks its days in its
    own transaction and compiles them after, one short transaction each; the compile job takes what is left."""

    __tablename__ = "ledger_due"

    day: date = Field(primary_key=True)
    marked_at: datetime = Field(sa_column=_utc())


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_utc(index=True))
    actor_agent_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agents.id"), nullable=True))
    action: str = Field(max_length=32)
    subject: str = Field(default="", max_length=128)
    detail: str = Field(default="{}")  # JSON
    # The hash chain (domain.audit_chain): unique prev_hash means the chain cannot fork.
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))


class ProcessedUpdate(SQLModel, table=True):
    __tablename__ = "processed_updates"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    processed_at: datetime = Field(sa_column=_utc())


class OutboxRow(SQLModel, table=True):
    """A message the bot owes a chat: claimed once by (kind, key), then sent and confirmed.

    Digests, reminders and alerts all go through it (storage/outbox.py). A reminder that asks a
    question also records its answer here (`resolution`, `resolved_at`) and what it is about.
    """

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_outbox_kind_key"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)
    key: str = Field(max_length=128)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(sa_column=_utc(index=True))
    # owed (to be sent), sending (a send is in flight, or a crash left it so: never sent again),
    # sent (message_id known) or unconfirmed (Telegram may have delivered it without saying so).
    state: str = Field(sa_column=Column(String(12), nullable=False, index=True))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # HTML, when fixed at the claim
    agent_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agents.id"), nullable=True))
    hold_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("holds.id"), nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    resolution: str | None = Field(default=None, max_length=24)
    # What a queued group message needs besides its text: its keyboard, the message it edits,
    # its file's name, what to do once sent (JSON); and the file itself.
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    blob: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class BoardRow(SQLModel, table=True):
    """A group's live console: the message that shows who holds what, and how far behind it is.

    `version` counts the changes to what it shows; the message shows `shown`. See storage/boards.py.
    """

    __tablename__ = "boards"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    shown: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    repost: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    changed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class ConversationRow(SQLModel, table=True):
    """A customer conversation as the platform reported it; the raw row is kept for audit."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("account_id", "external_id", name="uq_conversation_per_account"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=Column(Integer, ForeignKey("accounts.id"), nullable=False))
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    started_at: datetime = Field(sa_column=_utc(index=True))
    first_response_s: float | None = None
    avg_response_s: float | None = None
    customer_messages: int | None = None
    agent_messages: int | None = None
    rating: str | None = Field(default=None, max_length=24)
    resolved: bool | None = None
    inquiry: bool = False
    paid: bool = False
    raw: str = Field(default="{}")  # JSON of the original row
    imported_at: datetime = Field(sa_column=_utc())
    source: str = Field(default="file", max_length=64)
    # Who the customer was, when the export says (a 接待人数 counts people, not conversations).
    customer: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    # A left message (JD 留言): a conversation, but out of the response metrics, as JD's own rules do.
    left_message: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class PlatformTotalRow(SQLModel, table=True):
    """A platform's own counts for one agent row of a per-agent report (赤兔, 生意参谋), per day or hour.

    On a shared login the report's one row is the whole team's: these are reference totals and
    the basis of apportioned credit, never per-conversation credit. ``hour`` is WHOLE_DAY (-1)
    for a daily row. A re-import of the same report replaces the row (a 延迟统计 may have become
    final); ``not_final`` names the fields that were still 延迟统计, comma-separated.
    """

    __tablename__ = "platform_totals"
    __table_args__ = (UniqueConstraint("account_id", "day", "hour", "agent", name="uq_platform_totals_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=Column(Integer, ForeignKey("accounts.id"), nullable=False))
    day: date = Field(sa_column=Column(Date, nullable=False, index=True))
    hour: int = Field(default=-1, sa_column=Column(SmallInteger, nullable=False))
    agent: str = Field(default="", sa_column=Column(String(128), nullable=False))  # 客服昵称 / 旺旺 as written
    shop: str = Field(default="", sa_column=Column(String(128), nullable=False))  # of 店铺名:子账号
    sub_account: str = Field(default="", sa_column=Column(String(128), nullable=False))
    platform: str = Field(sa_column=Column(String(16), nullable=False))
    report: str = Field(sa_column=Column(String(32), nullable=False))  # the preset that read it
    received: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))  # 接待人数
    consulted: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))  # 咨询人数
    effective_received: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    unanswered: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    slow_received: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    inquiries: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    inquiry_paid: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    very_satisfied: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    satisfied: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    neutral: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    dissatisfied: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    very_dissatisfied: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    customer_messages: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    agent_messages: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    sales_cents: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reply_rate: float | None = Field(default=None, sa_column=Column(Float, nullable=True))  # fractions 0..1
    three_min_reply_rate: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    inquiry_conversion: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    first_response_s: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    avg_response_s: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    avg_reception_s: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    not_final: str = Field(default="", sa_column=Column(String(256), nullable=False))
    raw: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    imported_at: datetime = Field(sa_column=_utc())
    source: str = Field(default="file", sa_column=Column(String(64), nullable=False))


CURSOR_LENGTH = 512


class ConnectorCursor(SQLModel, table=True):
    """Where a pull connector got to, so a restart resumes instead of re-reading everything."""

    __tablename__ = "connector_cursors"

    account_id: int = Field(sa_column=Column(Integer, ForeignKey("accounts.id"), primary_key=True, autoincrement=False))
    cursor: str = Field(default="", max_length=CURSOR_LENGTH)
    updated_at: datetime = Field(sa_column=_utc())


class RulesVersionRow(SQLModel, table=True):
    """A version of the scoring rules, in force from a day until the next version's day."""

    __tablename__ = "rules_versions"

    version: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    effective_from: date = Field(index=True)
    body: str  # JSON of domain.rules.Rules
    created_at: datetime = Field(sa_column=_utc())
    created_by: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agents.id"), nullable=True))


class ThanksRow(SQLModel, table=True):
    __tablename__ = "thanks"

    id: int | None = Field(default=None, primary_key=True)
    giver_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id"), nullable=False, index=True))
    receiver_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id"), nullable=False, index=True))
    at: datetime = Field(sa_column=_utc(index=True))
    reason: str | None = Field(default=None, max_length=200)


class MonthClose(SQLModel, table=True):
    """A frozen month. Never updated except to note that it was reopened; closing again adds a version."""

    __tablename__ = "month_closes"
    __table_args__ = (UniqueConstraint("month", "version", name="uq_month_close_version"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)
    version: int
    rules_version: int
    pool_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    scheme: str = Field(max_length=16)
    snapshot: str  # the canonical JSON the checksum covers
    checksum: str = Field(max_length=64)
    closed_at: datetime = Field(sa_column=_utc())
    closed_by: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("agents.id"), nullable=True))
    reopened_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    reopened_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("agents.id", name="fk_month_closes_reopened_by"), nullable=True)
    )
    reopen_reason: str | None = Field(default=None, max_length=500)


class SkillRow(SQLModel, table=True):
    """A skill an agent has: tagged by a supervisor or declared by the agent ("self"); see domain.profile."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("agent_id", "skill", "source", name="uq_skills_agent_skill_source"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id"), nullable=False, index=True))
    skill: str = Field(sa_column=Column(String(32), nullable=False, index=True))
    source: str = Field(sa_column=Column(String(12), nullable=False))
    tagged_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("agents.id", name="fk_skills_tagged_by"), nullable=True)
    )
    at: datetime = Field(sa_column=_utc())


class ShiftRow(SQLModel, table=True):
    """One line of the roster: an agent on an account on some weekdays, at local hours, over some days.

    Weekdays are ISO digits, "12345" for Monday to Friday; end <= start runs past midnight. A row
    is in force from valid_from to valid_to (open-ended when null) unless cancelled: rows are
    never deleted, a newer plan trims valid_to or cancels the row and names itself in replaced_by.
    """

    __tablename__ = "shifts"

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id"), nullable=False, index=True))
    account_id: int = Field(sa_column=Column(Integer, ForeignKey("accounts.id"), nullable=False))
    weekdays: str = Field(sa_column=Column(String(7), nullable=False))
    start_time: time = Field(sa_column=Column(Time, nullable=False))
    end_time: time = Field(sa_column=Column(Time, nullable=False))
    valid_from: date = Field(sa_column=Column(Date, nullable=False, index=True))
    valid_to: date | None = Field(default=None, sa_column=Column(Date, nullable=True, index=True))
    # "config" (the seed), "command" (/shift), "import" (a roster sheet) or "swap" (a colleague's one day).
    source: str = Field(sa_column=Column(String(8), nullable=False))
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("agents.id", name="fk_shifts_created_by"), nullable=True)
    )
    created_at: datetime = Field(sa_column=_utc())
    cancelled_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    replaced_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("shifts.id", name="fk_shifts_replaced_by"), nullable=True)
    )


class ShiftSwapRow(SQLModel, table=True):
    """One occurrence of a shift offered to a colleague: offered, accepted, then approved (or not).

    The occurrence is the offerer's shift on `account_id` starting on `day` at `start_time`; once
    approved it is skipped in their plan and `cover_shift_id` is the colleague's one-day row.
    Only one live swap (offered, accepted or approved) per occurrence.
    """

    __tablename__ = "shift_swaps"
    __table_args__ = (
        Index(
            "uq_shift_swaps_one_live_per_occurrence",
            "offerer_id",
            "account_id",
            "day",
            "start_time",
            unique=True,
            sqlite_where=text("status IN ('offered', 'accepted', 'approved')"),
            postgresql_where=text("status IN ('offered', 'accepted', 'approved')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(sa_column=Column(Integer, ForeignKey("shifts.id", name="fk_shift_swaps_shift"), nullable=False))
    offerer_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id", name="fk_shift_swaps_offerer"), nullable=False))
    colleague_id: int = Field(sa_column=Column(Integer, ForeignKey("agents.id", name="fk_shift_swaps_colleague"), nullable=False))
    account_id: int = Field(sa_column=Column(Integer, ForeignKey("accounts.id"), nullable=False))
    day: date = Field(sa_column=Column(Date, nullable=False, index=True))
    start_time: time = Field(sa_column=Column(Time, nullable=False))
    end_time: time = Field(sa_column=Column(Time, nullable=False))
    # "offered", "accepted", "approved", "declined" (by the colleague), "rejected" (by a supervisor), "withdrawn".
    status: str = Field(sa_column=Column(String(10), nullable=False))
    offered_at: datetime = Field(sa_column=_utc())
    accepted_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    decided_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    # The supervisor who approved or rejected; null for an automatic approval.
    decided_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("agents.id", name="fk_shift_swaps_decided_by"), nullable=True)
    )
    cover_shift_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("shifts.id", name="fk_shift_swaps_cover"), nullable=True)
    )
    # The message with the swap's buttons: a press must come from it.
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
