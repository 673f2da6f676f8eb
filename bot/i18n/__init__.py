"""Every user-facing string, in Chinese and English. Chinese is the default.

Strings live in one module per area (core, month, …); each defines MESSAGES, merged here.
A key defined twice is a bug, so merging refuses it.
"""
from __future__ import annotations

from bot.i18n import access, audit, collab, core, explain, month, onboarding, profile, reminders, roster

CASE_TYPES = ("consult", "presale", "aftersale", "complaint", "other")


def _merged(*modules) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in modules:
        clash = merged.keys() & module.MESSAGES.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(module.MESSAGES)
    return merged


MESSAGES = _merged(core, month, collab, explain, audit, access, reminders, profile, roster, onboarding)

# Typed case types: what people write after /case, in either language.
CASE_TYPE_WORDS = {
    "咨询": "consult", "consult": "consult",
    "售前": "presale", "presale": "presale", "pre-sale": "presale",
    "售后": "aftersale", "aftersale": "aftersale", "after-sale": "aftersale",
    "投诉": "complaint", "complaint": "complaint",
    "其他": "other", "other": "other",
}


def t(lang: str, key: str, /, **params: object) -> str:
    entry = MESSAGES[key]
    return (entry.get(lang) or entry["zh"]).format(**params)


def case_type_label(lang: str, case_type: str) -> str:
    return t(lang, f"case.{case_type}")


def scheme_name(lang: str, scheme: str) -> str:
    """A payout scheme in words; an unknown one as its config name."""
    return t(lang, f"scheme.{scheme}") if f"scheme.{scheme}" in MESSAGES else scheme
