"""Proof that every text the bot sends comes from the message catalogue.

While a test runs, every catalogue template records what it renders (`t()` formats a template
once per message part). When the test ends, each text the bot sent is taken apart: the rendered
parts are removed, longest first; inside a <pre> table, which pads and re-joins its header, the
parts' words are removed too. What is left may hold numbers, punctuation and data, meaning
words that came from outside the code: what the test's users typed and were called, the files
they uploaded, the configuration, and what the database holds. Any other word was written into
the code, not the catalogue, and fails the test.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import unescape

from sqlalchemy import String, select
from sqlmodel import SQLModel

from bot.core.config import Config
from bot.sandbox import ApiCall, BotApiSandbox
from bot.text.i18n import MESSAGES

LETTERS = re.compile(r"[^\W\d_]+")
HAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
PRE = re.compile(r"<pre>(.*?)</pre>", re.S)
TAG = re.compile(r"<[^>]+>")
URL_OR_PATH = re.compile(r"\S*/\S*")
DIGEST = re.compile(r"[0-9a-f]{16,}")  # the audit chain's hashes: letters, but no words


class Rendered(str):
    """A catalogue template that remembers each text rendered from it."""

    seen: set[str]

    def format(self, *args: object, **kwargs: object) -> str:
        text = super().format(*args, **kwargs)
        self.seen.add(text)
        return text


def recording(monkeypatch) -> set[str]:
    """Swap every catalogue template for one that records; the set of rendered texts."""
    seen: set[str] = set()
    for entry in MESSAGES.values():
        for lang, template in list(entry.items()):
            recorder = Rendered(template)
            recorder.seen = seen
            monkeypatch.setitem(entry, lang, recorder)
    return seen


def sent_texts(calls: Iterable[ApiCall]) -> Iterator[tuple[str, str, bool]]:
    """(method, text, is_html) for every text a person would see: messages, captions, toasts, buttons, menus."""
    for call in calls:
        p = call.params
        html = p.get("parse_mode") == "HTML"
        if call.method in ("sendMessage", "editMessageText") and p.get("text"):
            yield call.method, p["text"], html
        if call.method in ("sendPhoto", "sendDocument") and p.get("caption"):
            yield call.method, p["caption"], html
        if call.method == "answerCallbackQuery" and p.get("text"):
            yield call.method, p["text"], False
        if call.method == "setMyCommands":
            for command in p.get("commands") or []:
                yield call.method, command["description"], False
        for row in (p.get("reply_markup") or {}).get("inline_keyboard", []) if isinstance(p.get("reply_markup"), dict) else []:
            for button in row:
                yield call.method + ".button", button["text"], False


@dataclass(frozen=True)
class Witnessed:
    """One bot's run, as it ended: what it sent, and the words it had from outside its code."""

    calls: list[ApiCall]
    known: set[str]


def witness(sandbox: BotApiSandbox, config: Config, engine) -> Witnessed:
    return Witnessed(sandbox.calls, vocabulary(sandbox, config) | stored_words(engine))


def stored_words(engine) -> set[str]:
    """Every word in the database's text columns: names, reasons, notes, audit details."""
    texts: list[str] = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if _holds_text(c)]
            if columns:
                texts += [str(v) for row in connection.execute(select(*columns)) for v in row if v and not DIGEST.fullmatch(str(v))]
    return words_of(value for text in texts for value in _stored_values(text))


def _holds_text(column) -> bool:
    # SQLModel's AutoString decorates String.
    return isinstance(column.type, String) or isinstance(getattr(column.type, "impl", None), String)


def _stored_values(text: str) -> Iterator[str]:
    """The text, or the values of the JSON it holds (an audit entry's details); never JSON's keys."""
    try:
        parsed = json.loads(text)
    except ValueError:
        yield text
        return
    yield from _strings(list(parsed.values()) if isinstance(parsed, dict) else parsed)


def words_of(texts: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        for word in LETTERS.findall(text):
            words.add(word.casefold())
            # `unexplained` splits a word at its Han characters, so the pieces between them are known too
            # (a name "Ó三ab" cut to "Ó三a…" leaves "Ó" beside a Han character).
            words.update(HAN.findall(word))
            words.update(piece.casefold() for piece in HAN.sub(" ", word).split())
    return words


def vocabulary(sandbox: BotApiSandbox, config: Config) -> set[str]:
    """Words that came from outside the bot: typed, uploaded, or configured."""
    outside: list[str] = []
    for event in sandbox.transcript:
        if event[0] == "user":
            outside += [str(part) for part in event[2:]]
    with sandbox._state.lock:  # the sandbox keeps what users uploaded; nothing else reads it
        files = [f.content for f in sandbox._state.files.values()]
        chats = list(sandbox._state.chats.values())
        users = list(sandbox._state.users.values())
    for content in files:
        for encoding in ("utf-8", "gbk"):
            try:
                outside.append(content.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
    outside += [str(v) for chat in chats for v in chat.values()]
    outside += [str(v) for user in users for v in user.values()]
    outside += list(_strings(config))
    return words_of(outside)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if not URL_OR_PATH.fullmatch(value):  # a database URL's path is no word anyone reads
            yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)


def unexplained(text: str, html: bool, rendered: list[str], table_words: set[str], known: set[str]) -> list[str]:
    """The words of `text` that neither the catalogue nor the outside world accounts for."""
    for part in rendered:
        text = text.replace(part, " ")
    if html:
        text = PRE.sub(lambda m: " ".join(w for w in m.group(1).split() if w not in table_words), text)
        text = unescape(TAG.sub(" ", text))
    left = []
    for word in LETTERS.findall(text):
        if HAN.search(word):
            left += [ch for ch in word if HAN.match(ch) and ch not in known]
            rest = HAN.sub(" ", word).split()
        else:
            rest = [word]
        left += [w for w in rest if w.casefold() not in known]
    return left


def check(seen: set[str], runs: Iterable[Witnessed]) -> list[str]:
    """One line per sent text that holds a word from outside the catalogue."""
    # Toasts and terminal output carry the plain text of a rendered part.
    plain = {unescape(TAG.sub("", part)) for part in seen}
    rendered = sorted({p for p in seen | plain if p.strip()}, key=len, reverse=True)
    table_words = {w for part in seen for w in unescape(TAG.sub(" ", part)).split()}
    problems = []
    for run in runs:
        for method, text, html in sent_texts(run.calls):
            left = unexplained(text, html, rendered, table_words, run.known)
            if left:
                problems.append(f"{method}: {text!r} has words from outside the catalogue: {left}")
    return problems
