"""Every user-facing string, in Chinese and English: one gettext catalogue per language.

The catalogues are `locales/<lang>/LC_MESSAGES/baton.po`, read with Babel when Baton starts, so
a translator edits them with any PO editor. Message ids are symbolic keys ("console.title"):
the Chinese text is the source, and a key reads better in code than a sentence would.
Chinese is the default; a text missing from another language falls back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from babel.messages.pofile import read_po

from bot.core.settings import DEFAULT_LANGUAGE, LANGUAGES

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "baton"

CASE_TYPES = ("consult", "presale", "aftersale", "complaint", "other")


def catalogue_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> dict[str, str]:
    """One language's texts by key; an untranslated entry is left out, so it falls back."""
    with catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po, locale=lang)
    return {message.id: message.string for message in catalogue if message.id and message.string}


def _by_key(catalogues: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    keys = dict.fromkeys(key for texts in catalogues.values() for key in texts)
    return {key: {lang: texts[key] for lang, texts in catalogues.items() if key in texts} for key in keys}


CATALOGUES = {lang: read_catalogue(lang) for lang in LANGUAGES}
# key -> {lang: text}
MESSAGES = _by_key(CATALOGUES)

# Typed case types: what people write after /case, in either language.
CASE_TYPE_WORDS = {
    "咨询": "consult",
    "consult": "consult",
    "售前": "presale",
    "presale": "presale",
    "pre-sale": "presale",
    "售后": "aftersale",
    "aftersale": "aftersale",
    "after-sale": "aftersale",
    "投诉": "complaint",
    "complaint": "complaint",
    "其他": "other",
    "other": "other",
}


def supported(language_code: str | None) -> str | None:
    """The catalogue for a Telegram language_code ("en-GB", "zh-hans"), if Baton speaks it."""
    code = (language_code or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def t(lang: str, key: str, /, **params: object) -> str:
    entry = MESSAGES[key]
    return (entry.get(lang) or entry[DEFAULT_LANGUAGE]).format(**params)


def t_or(lang: str, key: str, fallback: str, /, **params: object) -> str:
    """The text for `key`, or `fallback` where the catalogue has no such key (a config-defined name)."""
    return t(lang, key, **params) if key in MESSAGES else fallback


def case_type_label(lang: str, case_type: str) -> str:
    return t(lang, f"case.{case_type}")


def scheme_name(lang: str, scheme: str) -> str:
    """A payout scheme in words; an unknown one as its config name."""
    return t_or(lang, f"scheme.{scheme}", scheme)
