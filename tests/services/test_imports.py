"""Importing a platform export in the domain's words: stored once, credited to who held the account, audited."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.console.service import hand_off_account, take_over_account
from bot.core.errors import Duplicate, Refused
from bot.imports.service import import_export
from domain.ledger import CONVERSATION
from tests.factories import act, local
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

DAY = date(2026, 11, 2)


def export(*hhmm):
    """JD sessions on the day, in naive local time as the platform prints them."""
    return jd_csv_bytes([SampleConversation(f"JD-{t}", datetime.fromisoformat(f"2026-11-02T{t}")) for t in hhmm])


def stored(baton):
    return len(baton.read(lambda uow: uow.conversations.moments(local("2026-11-01", "00:00"), local("2026-12-01", "00:00"))))


def credited(baton):
    """Conversations the ledger credits each agent with on the day."""
    with baton.reading() as uow:
        names = uow.agents.names()
        return {names[e.agent_id]: e.quantity for e in uow.ledger.between(DAY, DAY) if e.kind == CONVERSATION}


def imports_audited(baton):
    with baton.reading() as uow:
        names = uow.agents.names()
        return [names.get(e.actor_agent_id) for e in uow.audit.all() if e.action == "import"]


@pytest.fixture
def wang_held_jd_in_the_morning(baton, clock, wang):
    clock.set(local("2026-11-02", "09:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "12:00"))
    act(baton, wang, hand_off_account)
    clock.set(local("2026-11-02", "18:00"))


def test_new_conversations_are_credited_to_the_holder_in_the_same_command(baton, boss, wang_held_jd_in_the_morning):
    report = act(baton, boss, import_export, "jd", export("09:30:00", "11:00:00", "15:00:00"), "咚咚.csv")
    assert (report.preset, report.rows_read, report.new, report.duplicates) == ("jd", 3, 3, 0)
    assert report.attribution == {"held": 2, "unattributed": 1}
    assert credited(baton) == {"王芳": 2.0}


def test_the_same_file_twice_stores_nothing_new_and_each_import_is_audited_with_its_importer(baton, boss, wang_held_jd_in_the_morning):
    data = export("09:30:00", "11:00:00")
    act(baton, boss, import_export, "jd", data, "a.csv")
    again = baton.run(import_export, "jd", data, "a.csv", source="cli")
    assert (again.new, again.duplicates, again.attribution) == (0, 2, {})
    assert stored(baton) == 2
    assert imports_audited(baton) == ["Boss", None]


def test_a_refused_file_changes_nothing(baton, boss):
    broken = export("09:30:00").decode("gbk").replace("会话ID", "编号").encode("gbk")
    with pytest.raises(Refused) as refused:
        act(baton, boss, import_export, "jd", broken, "broken.csv", update_id=5)
    assert (refused.value.code, refused.value.params["reason"]) == ("export_refused", "missing_columns")
    assert "会话ID" in refused.value.params["missing"]
    assert (stored(baton), imports_audited(baton)) == (0, [])
    assert baton.seen(5), "the refusal is remembered, so a redelivery is not answered twice"


def test_an_unknown_account_or_format_is_refused_by_name(baton, boss):
    for account, preset, code in (("amazon", None, "unknown_account"), ("jd", "ebay", "unknown_preset")):
        with pytest.raises(Refused) as refused:
            act(baton, boss, import_export, account, export("09:30:00"), "jd.csv", preset=preset)
        assert refused.value.code == code


def test_a_redelivered_upload_is_imported_once(baton, boss):
    act(baton, boss, import_export, "jd", export("09:30:00"), "jd.csv", update_id=7)
    with pytest.raises(Duplicate):
        act(baton, boss, import_export, "jd", export("10:30:00"), "jd.csv", update_id=7)
    assert stored(baton) == 1
