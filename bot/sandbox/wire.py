"""Decoding Bot API requests the way the real server does: JSON, url-encoded or multipart bodies.

PTB (via httpx) posts every parameter as a form field whose value is the JSON dump of anything
that is not already a string, so ``chat_id`` arrives as ``"-100123"`` and ``reply_markup`` as a
JSON object in a string. Uploaded files arrive as multipart parts named after the parameter
(``photo``, ``document``) or, for ``attach://<name>`` references, after the attach name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content: bytes
    mime_type: str


class BadParameter(ValueError):
    """A parameter Telegram would refuse; str() is the description after "Bad Request: "."""


_INT_FIELDS = {
    "chat_id",
    "from_chat_id",
    "message_id",
    "offset",
    "limit",
    "user_id",
    "cache_time",
    "message_thread_id",
    "reply_to_message_id",
}
_FLOAT_FIELDS = {"timeout"}
_BOOL_FIELDS = {
    "show_alert",
    "disable_notification",
    "protect_content",
    "drop_pending_updates",
    "allow_sending_without_reply",
    "disable_web_page_preview",
    "disable_content_type_detection",
    "has_spoiler",
    "show_caption_above_media",
}
_JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "allowed_updates",
    "commands",
    "scope",
    "entities",
    "caption_entities",
    "link_preview_options",
    "media",
}
# httpx escapes these in multipart filenames following the HTML5 form encoding.
_FORM_ESCAPE = re.compile(r"%(22|[01][0-9A-F])")


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, object], dict[str, UploadedFile]]:
    """Split a request body into its plain fields and its uploaded files."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}, {}
    if media_type == "application/json":
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise BadParameter("parameters must be a JSON object")
        return decoded, {}
    if media_type == "multipart/form-data":
        return _parse_multipart(content_type, body)
    return dict(parse_qsl(body.decode(), keep_blank_values=True)), {}


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, object], dict[str, UploadedFile]]:
    envelope = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    message = BytesParser(policy=policy.HTTP).parsebytes(envelope)
    fields: dict[str, object] = {}
    files: dict[str, UploadedFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = content.decode("utf-8")
        else:
            files[name] = UploadedFile(
                filename=_FORM_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), filename),
                content=content,
                mime_type=part.get_content_type(),
            )
    return fields, files


def decode_params(raw: dict[str, object], files: dict[str, UploadedFile]) -> dict[str, object]:
    """Typed parameters: numbers, booleans and JSON objects decoded, attach:// files resolved.

    Fields that are not known to carry another type stay strings, so a message text of "42"
    remains text.
    """
    params: dict[str, object] = {}
    for name, value in raw.items():
        params[name] = _decode_field(name, value)
    for name, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.get(value.removeprefix("attach://"))
            if attached is None:
                raise BadParameter(f"file {value} not found in the request")
            params[name] = attached
    for name, upload in files.items():
        params.setdefault(name, upload)
    return params


def _decode_field(name: str, value: object) -> object:
    if not isinstance(value, str):
        return value
    if name in _INT_FIELDS:
        return int(value) if re.fullmatch(r"-?\d+", value) else value
    if name in _FLOAT_FIELDS:
        try:
            number = float(value)
        except ValueError:
            raise BadParameter(f"invalid {name} specified") from None
        return int(number) if number.is_integer() else number
    if name in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            if name == "reply_markup":
                raise BadParameter("can't parse reply keyboard markup JSON object") from None
            raise BadParameter(f"can't parse {name} JSON object") from None
    return value
