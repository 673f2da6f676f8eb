"""Importing a platform export: read before the transaction, stored in one, one report.

Used by the bot (a supervisor sends the file with the caption `/import <account>`) and by
`baton import FILE --account KEY`. `read_export` reads the whole file first, outside any
transaction, so the database's write lock is held for the writes alone; `store_export` then
stores what it read, audits it, and marks the days it touched as due for a compile, all in the
caller's one unit of work: a refused file changes nothing. The ledger is derived, so the caller
then compiles each due day in a short transaction of its own (`compile_day`), letting other
commands write in between, and reads how the new conversations were credited (`credited`); a
crash in between leaves the days due, and the compile job (first run at start) compiles them.

Three shapes of file come in (storage.importers): session lists and message logs become
conversations, credited to whoever held the account; a per-agent report (赤兔, 生意参谋) becomes
the platform's reference totals, checked against the conversations and, on a day without any,
apportioned to the holders by hold time (bot/ledger/apportioned.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.core.baton import UnitOfWork
from bot.core.config import AccountSettings, Config, configured_preset
from bot.core.errors import Refused
from bot.digest.service import owe_corrections
from bot.ledger.service import PlatformDays, attribute, compile_days, platform_days
from domain.time import days_between, local_day
from storage.conversation_merge import Change
from storage.db import is_sqlite
from storage.importers import (
    PLATFORM_PRESETS,
    PRESETS,
    ColumnPreset,
    ExportRefused,
    ExportUnreadable,
    FormatHelp,
    ImportReport,
    OpenedExport,
    ReadLimits,
    RejectedRow,
    inspect_export,
    open_export,
)
from storage.importers.inspect import preset_toml
from storage.imports import PreparedExport, StoredImport, prepare_export
from storage.imports import store_export as store_opened


@dataclass(frozen=True)
class ReadExport:
    """A file read whole, not stored yet: the account it is for and what its columns became."""

    account: str
    filename: str
    opened: OpenedExport | PreparedExport


@dataclass(frozen=True)
class Imported:
    """What an import read and changed. ``file``: what each column became, row by row problems
    grouped (storage.importers.ImportReport); ``attribution``: status -> count over the new
    conversations; ``platform``: the file's days the platform gave a count for, against
    Baton's, and for a per-agent report, who its counts were apportioned to."""

    account: str
    filename: str
    file: ImportReport
    key: tuple[str, ...]  # the fields a session without an id is identified by
    new: int
    duplicates: int
    rejected: list[RejectedRow]
    attribution: dict[str, int] = field(default_factory=dict)
    platform: PlatformDays = field(default_factory=PlatformDays)
    replaced: int = 0  # a per-agent report's rows that replaced the same slots imported before
    due: tuple[date, ...] = ()  # the days stored but not compiled yet: compile_day each, then credited
    corrections_owed: int = 0  # posted digests whose day this import changed (bot/digest/service.owe_corrections)
    # What `credited` reads the new conversations' attribution by: their ids, and the span they started in.
    new_ids: frozenset[int] = field(default=frozenset(), repr=False)
    updated_ids: frozenset[int] = field(default=frozenset(), repr=False)
    span: tuple[datetime, datetime] | None = field(default=None, repr=False)
    updated_attribution: dict[str, int] = field(default_factory=dict)  # status -> count over the updated conversations
    # Conversations stored before (``duplicates``) that the file filled in or changed, the newer
    # export winning (storage/conversation_merge.py): field -> how many, and a few changes.
    filled: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    changed_records: int = 0
    examples: tuple[Change, ...] = ()
    unchanged: int = 0
    # Credited at their start although the moment is the first reply: without a reply time in the
    # file (``reply_times`` False), or with nobody having replied.
    moment: str = "first_reply"
    reply_times: bool = True
    unreplied: int = 0

    @property
    def updated(self) -> int:
        """Conversations stored before that the file filled in or changed."""
        return len(self.updated_ids)

    @property
    def preset(self) -> str:
        return self.file.preset

    @property
    def shape(self) -> str:
        return self.file.shape

    @property
    def encoding(self) -> str:
        return self.file.encoding

    @property
    def rows_read(self) -> int:
        return self.file.rows_read


@dataclass(frozen=True)
class Inspected:
    """`baton inspect`: a file's header and how every format fares with it."""

    filename: str
    help: FormatHelp
    name: str  # of the guessed [presets.NAME] table
    toml: str


def config_presets(config: Config) -> dict[str, ColumnPreset]:
    """The built-in presets and the [presets.NAME] tables of the config, by name."""
    return {**PRESETS, **{p.name: configured_preset(p) for p in config.presets}}


def candidate_presets(config: Config, account: AccountSettings, named: str | None) -> tuple[ColumnPreset | None, dict[str, ColumnPreset]]:
    """(the preset to use, or None to detect one) and the presets to detect among.

    `named` is a preset name (built in, or from [presets]) or a platform name, which narrows
    detection to that platform's presets; by default the account's preset, else its platform's."""
    presets = config_presets(config)
    choice = named or account.preset
    if choice is not None and choice not in presets and choice not in PLATFORM_PRESETS:
        raise Refused("unknown_preset", preset=choice, presets=", ".join(sorted(presets)))
    platform = choice if choice in PLATFORM_PRESETS and choice not in presets else account.platform
    names = [*PLATFORM_PRESETS.get(platform, ()), *(p.name for p in config.presets if p.platform == platform)]
    candidates = {name: presets[name] for name in dict.fromkeys(names)}
    if choice in presets:
        return presets[choice], {**candidates, choice: presets[choice]}
    return None, candidates


def read_export(
    config: Config, account_key: str, data: bytes, filename: str, *, preset: str | None = None, limits: ReadLimits | None = None
) -> ReadExport:
    """Read a whole export for an account, before any transaction; a file that does not fit or
    cannot be read is Refused (export_refused, export_unreadable) with everything its words need.
    ``limits``: the configured ones for an upload unless given."""
    account = _account(config, account_key)
    chosen, candidates = candidate_presets(config, account, preset)
    limits = config.imports.limits() if limits is None else limits
    try:
        opened = open_export(data, filename, tz=config.team.timezone, preset=chosen, presets=candidates, limits=limits)
        # Read whole, and its rows made what the database's driver takes: none of it under the write lock.
        prepared = prepare_export(opened, account.platform, sqlite=is_sqlite(config.database_url))
    except ExportRefused as refused:
        raise refusal_of(refused, account) from None
    except ExportUnreadable as unreadable:
        raise Refused("export_unreadable", reason=unreadable.reason, **unreadable.params) from None
    return ReadExport(account.key, filename, prepared)


def store_export(uow: UnitOfWork, read: ReadExport, *, source: str = "file") -> Imported:
    """Store what `read_export` read, in this unit of work; the sender, if any, is audited as the importer.

    The days new conversations started on, and those of the conversations the file filled in or
    changed (before and after), are left due (``Imported.due``): the caller compiles them after
    this commits (`compile_day`) and then reads the attribution (`credited`). A posted digest of
    such a day is owed a correction (bot/digest/service.owe_corrections), in this transaction."""
    stored = store_opened(uow.session, read.account, read.opened, at=uow.now, source=f"{source}:{read.filename}"[:64])
    uow.audit(
        uow.now,
        "import",
        actor_agent_id=uow.me.id if uow.person is not None else None,
        subject=read.account,
        filename=read.filename,
        preset=stored.report.preset,
        shape=stored.report.shape,
        rows_read=stored.report.rows_read,
        new=stored.new,
        duplicates=stored.duplicates,
        rejected=len(stored.rejected),
        updated=len(stored.updated_ids),
        changed=stored.changed_records,
    )
    if stored.totals is not None:
        return _totals_imported(uow, read, stored)
    span = None
    starts = list(stored.updated_starts)
    if stored.new_ids and stored.first_start is not None and stored.last_start is not None:
        starts += [stored.first_start, stored.last_start]
    if starts:
        span = (min(starts), max(starts) + timedelta(microseconds=1))
    days = set(uow.days_spanned(*span)) if stored.new_ids and span is not None else set()
    days |= {local_day(t, uow.tz) for t in stored.updated_starts}
    # Credited by the first reply, a conversation answered after midnight counts on a later day.
    later: set[date] = set()
    if days and stored.last_reply is not None and uow.config.attribution.moment == "first_reply":
        later = set(days_between(max(days) + timedelta(days=1), min(local_day(stored.last_reply, uow.tz), uow.today)))
    due = sorted(days | later)
    uow.ledger.mark_due(due, uow.now)
    owed = owe_corrections(uow, sorted(days))
    return Imported(
        account=read.account,
        filename=read.filename,
        file=stored.report,
        key=read.opened.preset.key,
        new=stored.new,
        duplicates=stored.duplicates,
        rejected=list(stored.rejected),
        platform=PlatformDays(reconciliation=stored.reconciliation),
        due=tuple(due),
        corrections_owed=owed,
        new_ids=frozenset(stored.new_ids),
        updated_ids=frozenset(stored.updated_ids),
        span=span,
        filled=dict(stored.filled),
        changed=dict(stored.changed),
        changed_records=stored.changed_records,
        examples=stored.examples,
        unchanged=stored.unchanged,
        moment=uow.config.attribution.moment,
        reply_times=stored.reply_times,
        unreplied=stored.unreplied,
    )


def compile_day(uow: UnitOfWork, day: date) -> None:
    """One day an import left due, compiled in a transaction of its own (no longer due once it commits)."""
    compile_days(uow, [day])


def credited(uow: UnitOfWork, imported: Imported) -> Imported:
    """The import with how its new (and updated) conversations are credited, once its days are compiled: a read."""
    if imported.span is None:
        return imported
    statuses = attribute(uow, *imported.span).attribution.statuses

    def tally(ids: frozenset[int]) -> dict[str, int]:
        return dict(Counter(str(s) for s in statuses[statuses["conversation_id"].isin(ids)]["status"]))

    return replace(imported, attribution=tally(imported.new_ids), updated_attribution=tally(imported.updated_ids))


def account_to_import(uow: UnitOfWork, account_key: str) -> str:
    """The account a file is for; refused when there is no such account."""
    return uow.account_key(account_key)


def import_export(
    uow: UnitOfWork, account_key: str, data: bytes, filename: str, *, preset: str | None = None, source: str = "file"
) -> Imported:
    """Read, store and compile in one go, inside the unit of work (tests, and what needs no short lock)."""
    imported = store_export(uow, read_export(uow.config, account_key, data, filename, preset=preset), source=source)
    compile_days(uow, list(imported.due))
    return credited(uow, imported)


def inspect_file(
    config: Config, data: bytes, filename: str, *, account_key: str | None = None, limits: ReadLimits | None = None
) -> Inspected:
    """How every format the account (or any account) could use fares with the file's header,
    and a [presets.NAME] table guessed from it; reads only the top of the file."""
    if account_key is None:
        presets, name, platform = config_presets(config), "mine", "other"
    else:
        account = _account(config, account_key)
        presets, name, platform = candidate_presets(config, account, None)[1], preset_name(account), account.platform
    try:
        found = inspect_export(data, filename, presets, config.imports.limits() if limits is None else limits)
    except ExportUnreadable as unreadable:
        raise Refused("export_unreadable", reason=unreadable.reason, **unreadable.params) from None
    return Inspected(filename, found, name, preset_toml(name, platform, found.shape, found.guessed, found.key))


def refusal_of(refused: ExportRefused, account: AccountSettings) -> Refused:
    """A file the presets refused, as a Refused with the facts its words need: for a format
    no preset fits (or several do), what each one matched and missed, and a guessed mapping."""
    help = refused.help if isinstance(refused.help, FormatHelp) else None
    guess = preset_toml(preset_name(account), account.platform, help.shape, help.guessed, help.key) if help is not None else ""
    return Refused(
        "export_refused",
        reason=refused.reason,
        account=account.key,
        preset=refused.preset or "",
        expected=list(refused.expected),
        found=list(refused.found),
        missing=list(refused.missing),
        candidates=list(refused.candidates),
        labels=list(refused.labels),
        column=refused.column or "",
        help=help,
        toml=guess,
        name=preset_name(account),
        **{k: str(v) for k, v in refused.params.items()},
    )


def preset_name(account: AccountSettings) -> str:
    """The name a guessed mapping for this account's files is given: never a built-in one."""
    return f"{account.key}_format"


def _account(config: Config, key: str) -> AccountSettings:
    account = config.account(key)
    if account is None:
        raise Refused("unknown_account", key=key, keys=", ".join(a.key for a in config.accounts))
    return account


def _totals_imported(uow: UnitOfWork, read: ReadExport, stored: StoredImport) -> Imported:
    """A per-agent report: its days compiled (their apportioned credit in the ledger) and checked.
    A posted digest of a day whose numbers it changed is owed a correction, as after a session list."""
    assert stored.totals is not None
    days = sorted(stored.totals.days)
    if days:
        compile_days(uow, [d for d in days if d <= uow.today])
    owed = owe_corrections(uow, list(stored.totals.changed_days))
    checked = platform_days(uow, days[0], days[-1], stored.reconciliation) if days else PlatformDays()
    return Imported(
        account=read.account,
        filename=read.filename,
        file=stored.report,
        key=(),
        new=stored.totals.new,
        duplicates=0,
        rejected=list(stored.rejected),
        platform=checked,
        replaced=stored.totals.replaced,
        corrections_owed=owed,
    )


__all__ = [
    "Imported",
    "Inspected",
    "ReadExport",
    "account_to_import",
    "candidate_presets",
    "compile_day",
    "config_presets",
    "credited",
    "import_export",
    "inspect_file",
    "read_export",
    "refusal_of",
    "store_export",
]
