"""The message catalogues: one PO file per language, every key in both, the same placeholders in each."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.text import i18n
from bot.text.i18n import CATALOGUES, LANGUAGES, MESSAGES, catalogue_path, read_catalogue

BOT = Path(i18n.__file__).parents[1]


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_both_catalogues_hold_every_key():
    for lang in LANGUAGES:
        missing = sorted(MESSAGES.keys() - CATALOGUES[lang].keys())
        assert not missing, f"untranslated in {lang}: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_key_is_defined_twice(lang):
    ids = re.findall(r'^msgid "(.+)"$', catalogue_path(lang).read_text(encoding="utf-8"), flags=re.M)
    doubled = sorted({key for key in ids if ids.count(key) > 1})
    assert not doubled
    assert len(ids) == len(read_catalogue(lang))


def test_every_language_fills_the_same_placeholders():
    differing = {
        key: {lang: sorted(placeholders(text)) for lang, text in entry.items()}
        for key, entry in MESSAGES.items()
        if len({frozenset(placeholders(text)) for text in entry.values()}) > 1
    }
    assert not differing


def test_the_chinese_catalogue_is_chinese_and_the_english_one_is_not():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    # Markup, placeholders, commands and entities are not words of either language.
    words = {lang: {k: re.sub(r"<[^>]+>|\{[^}]*\}|/\w+|&\w+;", "", text) for k, text in CATALOGUES[lang].items()} for lang in LANGUAGES}
    english_in_chinese = [k for k, text in words["zh"].items() if re.search(r"[A-Za-z]{4,}", text) and not cjk.search(text)]
    chinese_in_english = [k for k, text in words["en"].items() if cjk.search(text)]
    assert not english_in_chinese
    assert not chinese_in_english


def test_every_key_the_code_names_is_in_the_catalogue():
    """A literal key passed to t() anywhere in bot/ must exist, or that message would fail when sent."""
    named = set()
    for path in BOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"""\bt\(\s*(?:[\w.]+,\s*)?"([a-z_]+(?:\.[a-z0-9_]+)+)\"""", source))
    assert named, "the scan found no keys at all"
    assert not sorted(named - MESSAGES.keys())


def test_every_code_an_import_can_report_has_words_in_every_language():
    """The importer reports codes (storage.importers); the catalogue must word each one, or that report would fail when sent."""
    from domain.apportion import HELD_OUTSIDE_SCORING_HOURS, NOBODY_HELD
    from domain.reconcile import COMPLETE, CONSULTED, CONVERSATIONS, CUSTOMERS, OVER, RECEIVED, SHORT
    from storage.importers import CONSEQUENCES, REFUSAL_REASONS, ROW_REASONS, SHAPES, UNREADABLE_REASONS
    from storage.importers.fields import SHAPE_FIELDS

    keys = (
        [f"reason.{r}" for r in ROW_REASONS]
        + [f"error.export_refused.{r}" for r in REFUSAL_REASONS]
        + [f"error.export_unreadable.{r}" for r in UNREADABLE_REASONS]
        + [f"import.absent.{c}" for c in CONSEQUENCES]
        + [f"import.shape.{s}" for s in SHAPES]
        + [f"import.shape_name.{s}" for s in SHAPES]
        + [f"field.{f}" for fields in SHAPE_FIELDS.values() for f in fields]
        + [f"platform.{s}" for s in (COMPLETE, SHORT, OVER)]
        + [f"platform.measure.{m}" for m in (RECEIVED, CONSULTED)]
        + [f"platform.counted.{c}" for c in (CUSTOMERS, CONVERSATIONS)]
        + [f"platform.unshared.{r}" for r in (NOBODY_HELD, HELD_OUTSIDE_SCORING_HOURS)]
        + [f"attention.unshared.{r}" for r in (NOBODY_HELD, HELD_OUTSIDE_SCORING_HOURS)]
    )
    for lang in LANGUAGES:
        assert [key for key in keys if key not in CATALOGUES[lang]] == [], lang
