"""Which text encoding a CSV export was written in.

Platform exports arrive in a handful of encodings: UTF-8, UTF-8 with a BOM (what Excel writes
for "CSV UTF-8"), GBK (the default of Chinese Windows and of JD's and Taobao's back offices)
and UTF-16 (Excel's "Unicode text", tab-separated). A statistical detector (chardet,
charset-normalizer) would be a new dependency that guesses among dozens of encodings; here
the choice is between these, and it can be made exactly:

* A UTF-16 file announces itself: by its BOM, or, without one, by NUL bytes on one side of
  the byte pairs only (the high byte of ASCII letters, digits, delimiters and line ends; a
  Chinese export has few of those, so their share is not what tells).
* UTF-8 is tried first, strictly. Chinese text in GBK is practically never valid UTF-8
  (GBK trail bytes 0x40-0x7E are not UTF-8 continuation bytes, and GBK lead/trail pairs
  rarely line up with UTF-8's 0b110xxxxx/0b10xxxxxx pattern), while the reverse is not
  true: UTF-8 bytes often decode as GBK, into mojibake. So the strict order is what makes
  the check reliable. ``utf-8-sig`` also strips the BOM.
* GB18030 comes second rather than GBK because it is a strict superset of GBK and GB2312:
  it also decodes the rare characters (some surnames, 㛃, 䶮) that plain GBK cannot, and
  every GBK file decodes identically under it.

The check decodes in slices and keeps nothing, so a 100 MB export is never held twice as text.
"""

from __future__ import annotations

import codecs

from storage.importers.errors import BAD_ENCODING, ExportUnreadable

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"
UTF16 = "utf-16"  # with a BOM, which the codec reads and strips
UTF16_LE = "utf-16-le"
UTF16_BE = "utf-16-be"

_SLICE = 1 << 20
_SNIFF = 4096


def detect_encoding(data: bytes) -> str:
    """The name of the codec that decodes ``data``: 'utf-8-sig', 'utf-8', 'gb18030' or a UTF-16.

    Raises ExportUnreadable('bad_encoding') when none of them decodes the bytes."""
    for encoding in _candidates(data):
        if _decodes(data, encoding):
            return encoding
    raise ExportUnreadable(BAD_ENCODING, "the file is neither UTF-8, UTF-16 nor GBK/GB18030 text")


def _candidates(data: bytes) -> tuple[str, ...]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return (UTF16,)
    if data.startswith(codecs.BOM_UTF8):
        return (UTF8_BOM, GB18030)
    head = data[:_SNIFF]
    even_nuls, odd_nuls = head[0::2].count(0), head[1::2].count(0)
    # Text never holds NUL, so NULs mostly on one side of the byte pairs are UTF-16's high bytes.
    # In Chinese text only the ASCII (digits, delimiters, line ends) has them, far fewer than
    # half, and a character such as 开 (U+5F00) puts one on the other side now and then.
    if max(even_nuls, odd_nuls) >= 2 and min(even_nuls, odd_nuls) * 3 <= max(even_nuls, odd_nuls):
        return (UTF16_LE,) if odd_nuls > even_nuls else (UTF16_BE,)
    if even_nuls or odd_nuls:
        return ()  # NULs scattered: not text in any of these encodings (GB18030 would pass them on)
    return (UTF8, GB18030)


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for start in range(0, len(data), _SLICE):
            decoder.decode(data[start : start + _SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with."""
    encoding = detect_encoding(data)
    return data.decode(encoding), encoding


__all__ = ["GB18030", "UTF8", "UTF8_BOM", "UTF16", "UTF16_BE", "UTF16_LE", "decode_text", "detect_encoding"]
