"""Telegram's HTML parse mode: the plain text and entities a formatted message is stored as.

Telegram rejects tags it does not know (``<br>``, ``<div>``, ``<p>`` …) and unbalanced markup
with "can't parse entities"; the sandbox does the same so such bugs fail in tests, not in the
team's group.
"""

from __future__ import annotations

from html.parser import HTMLParser

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}


class EntityParseError(ValueError):
    """The text cannot be parsed in the requested parse mode; str() is Telegram's wording."""


def utf16_len(text: str) -> int:
    """Entity offsets and lengths are counted in UTF-16 code units, as Telegram does."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict]]:
    """The plain text and MessageEntity dicts Telegram derives from HTML-formatted text."""
    parser = _TelegramHtml(source)
    parser.feed(source)
    parser.close()
    if parser.open_tags:
        tag = parser.open_tags[-1][0]
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    text = "".join(parser.parts)
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return text, entities


def strip_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims whitespace around a message; entities are shifted and clipped to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end_of_text = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(end_of_text, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


class _TelegramHtml(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.units = 0
        self.open_tags: list[tuple[str, int, dict]] = []
        self.entities: list[dict] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.units += utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open_tags.append((tag, self.units, self._entity_for(tag, dict(attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        expected, start, entity = self.open_tags.pop()
        if expected != tag:
            raise EntityParseError(f'Unmatched end tag at byte offset {self._byte_offset()}, expected "</{expected}>", found "</{tag}>"')
        if self.units > start:
            self.entities.append({**entity, "offset": start, "length": self.units - start})

    def _entity_for(self, tag: str, attrs: dict[str, str | None]) -> dict:
        if tag in _SIMPLE_TAGS:
            return {"type": _SIMPLE_TAGS[tag]}
        if tag == "span" and attrs.get("class") == "tg-spoiler":
            return {"type": "spoiler"}
        if tag == "a":
            href = attrs.get("href") or ""
            user_id = href.removeprefix("tg://user?id=")
            if user_id != href and user_id.isdigit():
                return {"type": "text_mention", "user": {"id": int(user_id), "is_bot": False, "first_name": ""}}
            return {"type": "text_link", "url": href}
        if tag == "blockquote":
            return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
        if tag == "tg-emoji":
            return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id") or ""}
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self.source.splitlines(keepends=True)
        consumed = "".join(lines[: line - 1]) + lines[line - 1][:column] if lines else ""
        return len(consumed.encode())
