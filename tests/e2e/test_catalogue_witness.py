"""The catalogue check itself: a text written into the code is caught, catalogue text and data are not."""

import pytest
from telegram.ext import CommandHandler

from bot.sandbox.live import LiveBot
from tests.e2e.catalogue_witness import check, recording, unexplained, witness, words_of
from tests.factories import team_config

pytestmark = [pytest.mark.e2e, pytest.mark.sends_foreign_text]


async def hard_coded(update, context):
    await update.effective_message.reply_text("Account taken over by " + update.effective_user.first_name)


async def catalogued(update, context):
    render = context.render
    await update.effective_message.reply_text(
        render.t("toast.took", label=update.effective_user.first_name)
        + "\n<pre>"
        + "  ".join(render.t("standings.header").split()[:2])
        + "\n1   李雷 3</pre>",
        parse_mode="HTML",
    )


@pytest.mark.parametrize(("handler", "flagged"), [(hard_coded, ["Account", "taken", "over", "by"]), (catalogued, [])])
async def test_only_text_from_outside_the_catalogue_is_flagged(database_url, clock, monkeypatch, handler, flagged):
    seen = recording(monkeypatch)
    async with LiveBot(team_config(database_url), clock) as live:
        live.application.add_handler(CommandHandler("probe", handler), group=-5)
        li = live.user(102, "李雷")
        await live.say(li, "/probe")
        problems = check(seen, [witness(live.sandbox, live.config, live.baton.engine)])
        # The probe sent one text; the check must judge it, and only the hard-coded words.
        mine = [p for p in problems if "probe" not in p and ("taken over" in p or "已接管" in p)]
        assert [p.split("catalogue: ")[1] for p in mine] == ([repr(flagged)] if flagged else [])


def test_a_stored_name_with_a_letter_beside_a_han_character_is_data_and_a_word_beside_it_is_not():
    known = words_of(["+ @Ó三&a"])
    assert unexplained("1    + @Ó三&a…    8.50", False, [], set(), known) == []
    assert unexplained("Paid Ó三", False, [], set(), known) == ["Paid"]
