"""Importing a platform export: one file, one transaction, one report.

Used by the bot (a supervisor sends the file with the caption `/import <account>`) and by
`baton import FILE --account KEY`. The file is read, its new conversations stored and audited,
and the days it touched compiled, all in the caller's one unit of work: a refused file changes
nothing, and the report's attribution is what the ledger now says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd

from bot.core.baton import UnitOfWork
from bot.core.config import AccountSettings, Config
from bot.core.errors import Refused
from bot.ledger.service import attribute, compile_days
from storage.importers import PRESETS, ColumnPreset, ExportRefused, ExportUnreadable, RejectedRow, parse_export, preset_from_mapping

# Which built-in presets suit an account of each platform when the caller names none.
_PLATFORM_PRESETS = {"jd": ("jd", "generic"), "tmall": ("tmall", "generic"), "vip": ("generic",), "other": ("generic",)}


@dataclass(frozen=True)
class ImportReport:
    account: str
    filename: str
    preset: str
    encoding: str
    rows_read: int
    new: int
    duplicates: int
    rejected: list[RejectedRow]
    attribution: dict[str, int] = field(default_factory=dict)  # status -> count, over the new conversations


def config_presets(config: Config) -> dict[str, ColumnPreset]:
    presets = dict(PRESETS)
    for p in config.presets:
        presets[p.name] = preset_from_mapping(p.name, p.platform, p.columns, rating_labels=p.ratings, boolean_labels=p.booleans)
    return presets


def candidate_presets(config: Config, account: AccountSettings, named: str | None) -> tuple[ColumnPreset | None, dict[str, ColumnPreset]]:
    """(the preset to use, or None to detect one) and the presets to detect among.

    `named` is a preset name (jd, tmall, generic or one from [presets]) or a platform name,
    which narrows detection to that platform's presets.
    """
    presets = config_presets(config)
    choice = named or account.preset
    if choice in presets:
        return presets[choice], presets
    platform = choice or account.platform
    if platform not in _PLATFORM_PRESETS:
        raise Refused("unknown_preset", preset=choice, presets=", ".join(sorted(presets)))
    own = {p.name for p in config.presets if p.platform == platform}
    names = set(_PLATFORM_PRESETS[platform]) | own
    return None, {name: presets[name] for name in sorted(names)}


def import_export(
    uow: UnitOfWork, account_key: str, data: bytes, filename: str, *, preset: str | None = None, source: str = "file"
) -> ImportReport:
    """Read `data` as an export of `account_key` and store what is new; the sender, if any, is audited as the importer."""
    account = uow.config.account(uow.account_key(account_key))
    chosen, candidates = candidate_presets(uow.config, account, preset)
    try:
        try:
            parsed = parse_export(data, filename, tz=uow.tz, preset=chosen, presets=candidates)
        except ExportRefused as refused:
            # Nothing fit: measure the file against the account's own platform format, whose
            # missing columns say more to a supervisor than the closest generic guess.
            if refused.reason != "unknown_format" or account.platform not in candidates:
                raise
            parsed = parse_export(data, filename, tz=uow.tz, preset=candidates[account.platform])
    except ExportRefused as refused:
        raise Refused(
            "export_refused",
            reason=refused.reason,
            expected=list(refused.expected),
            found=list(refused.found),
            missing=list(refused.missing),
        ) from None
    except ExportUnreadable as unreadable:
        raise Refused("export_unreadable", reason=unreadable.reason, detail=unreadable.detail) from None

    stored = uow.conversations.store(account.key, account.platform, parsed.records, uow.now, source=f"{source}:{filename}"[:64])
    uow.audit(
        uow.now,
        "import",
        actor_agent_id=uow.me.id if uow.person is not None else None,
        subject=account.key,
        filename=filename,
        preset=parsed.preset,
        rows_read=parsed.rows_read,
        new=stored.new,
        duplicates=stored.duplicates,
        rejected=len(parsed.rejected),
    )
    return ImportReport(
        account=account.key,
        filename=filename,
        preset=parsed.preset,
        encoding=parsed.encoding,
        rows_read=parsed.rows_read,
        new=stored.new,
        duplicates=stored.duplicates,
        rejected=list(parsed.rejected),
        attribution=_attribute_new(uow, parsed.records, set(stored.new_ids)),
    )


def _attribute_new(uow: UnitOfWork, records: pd.DataFrame, new_ids: set[int]) -> dict[str, int]:
    """Compile the days the file touched, and say how its new conversations were credited."""
    if not new_ids:
        return {}
    first = records["start"].min().to_pydatetime()
    after_last = records["start"].max().to_pydatetime() + timedelta(microseconds=1)
    compile_days(uow, uow.days_spanned(first, after_last))
    statuses = attribute(uow, first, after_last).attribution.statuses
    mine = statuses[statuses["conversation_id"].isin(new_ids)]
    return dict(Counter(str(s) for s in mine["status"]))
