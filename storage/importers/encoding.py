"""Which text encoding a CSV export was written in.

Platform exports arrive in three encodings only: UTF-8, UTF-8 with a BOM (what Excel writes
for "CSV UTF-8") and GBK, the default of Chinese Windows and of JD's and Taobao's back
offices. A statistical detector (chardet, charset-normalizer) would be a new dependency that
guesses among dozens of encodings; here the choice is between three, and it can be made
exactly:

* UTF-8 is tried first, strictly. Chinese text in GBK is practically never valid UTF-8
  (GBK trail bytes 0x40-0x7E are not UTF-8 continuation bytes, and GBK lead/trail pairs
  rarely line up with UTF-8's 0b110xxxxx/0b10xxxxxx pattern), while the reverse is not
  true: UTF-8 bytes often decode as GBK, into mojibake. So the strict order is what makes
  the check reliable. ``utf-8-sig`` also strips the BOM.
* GB18030 comes second rather than GBK because it is a strict superset of GBK and GB2312:
  it also decodes the rare characters (some surnames, 㛃, 䶮) that plain GBK cannot, and
  every GBK file decodes identically under it.
"""

from __future__ import annotations

import codecs

from storage.importers.errors import ExportUnreadable

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"


def detect_encoding(data: bytes) -> str:
    """The name of the codec that decodes ``data``: 'utf-8-sig', 'utf-8' or 'gb18030'.

    Raises ExportUnreadable('bad_encoding') when none of them decodes the bytes."""
    candidates = (UTF8_BOM, GB18030) if data.startswith(codecs.BOM_UTF8) else (UTF8, GB18030)
    for encoding in candidates:
        try:
            data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        return encoding
    raise ExportUnreadable(
        "bad_encoding",
        "the file is neither UTF-8 nor GBK/GB18030 text; save it again as CSV (UTF-8) or XLSX",
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with."""
    encoding = detect_encoding(data)
    return data.decode(encoding), encoding


__all__ = ["GB18030", "UTF8", "UTF8_BOM", "decode_text", "detect_encoding"]
