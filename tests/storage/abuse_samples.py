"""Hostile uploads, generated small (issue 15): workbooks that inflate or stretch, damaged ones, odd CSVs.

Nothing here is committed as a binary: the tests and bench/upload_abuse.py build each file when run.
"""

from __future__ import annotations

import io
import struct
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
HEADER = ("external_id", "start")


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_inline(f"{col}1", name) for col, name in zip("AB", HEADER, strict=True)) + "</row>"


def _package(sheet: bytes | str, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def far_cell_xlsx(ref: str, *, dimension: bool = True) -> bytes:
    """A header row and one more cell at ``ref`` (XFD1048576, A200000): a few KB that a reader
    allocating the sheet's whole grid turns into gigabytes."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    dim = f'<dimension ref="A1:{ref}"/>' if dimension else ""
    body = _header_row() + f'<row r="{row}">{_inline(ref, "x")}</row>'
    return _package(_SHEET_HEAD.format(dimension=dim) + body + _SHEET_TAIL)


def _rows(count: int) -> str:
    return "".join(f'<row r="{n}">{_inline(f"A{n}", f"S{n}")}{_inline(f"B{n}", "2026-11-03 09:00:00")}</row>' for n in range(2, count + 2))


def inflating_xlsx(inflated_bytes: int, *, forged: bool = False, block_rows: int = 1000) -> bytes:
    """A workbook whose one sheet unpacks to about ``inflated_bytes`` of rows. ``block_rows``: how
    many distinct rows repeat (100 fit in deflate's 32 KB window: about 300 times smaller packed,
    1,000 do not: about 12 times). ``forged``: its zip directory declares a small size instead."""
    block = _rows(block_rows).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ):
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.format(dimension="").encode() + _header_row().encode())
            for _ in range(max(1, inflated_bytes // len(block))):
                sheet.write(block)  # the same row numbers again: only the size matters here
            sheet.write(_SHEET_TAIL.encode())
    data = buffer.getvalue()
    return _forge_sizes(data, "xl/worksheets/sheet1.xml", 50_000) if forged else data


def _forge_sizes(data: bytes, member: str, size: int) -> bytes:
    """Write ``size`` as the member's uncompressed size in its local header and the directory."""
    out = bytearray(data)
    book = zipfile.ZipFile(io.BytesIO(data))
    info = book.getinfo(member)
    struct.pack_into("<I", out, info.header_offset + 22, size)
    at = book.start_dir
    name = member.encode()
    while True:
        at = data.index(b"PK\x01\x02", at)
        length, extra_length = struct.unpack_from("<HH", data, at + 28)
        if data[at + 46 : at + 46 + length] == name:
            break
        at += 4
    if struct.unpack_from("<I", data, at + 24)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", out, at + 24, size)
        return bytes(out)
    extra = at + 46 + length  # a zip64 entry: its sizes sit in the extra field
    while extra < at + 46 + length + extra_length:
        tag, field = struct.unpack_from("<HH", data, extra)
        if tag == 1:
            struct.pack_into("<Q", out, extra + 4, size)
            break
        extra += 4 + field
    return bytes(out)


def corrupt_zlib_xlsx() -> bytes:
    """A workbook whose sheet's deflate stream is damaged half-way."""
    data = bytearray(_package(_SHEET_HEAD.format(dimension="") + _header_row() + _rows(2000) + _SHEET_TAIL))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = bytes((b ^ 0x5A) for b in data[middle : middle + 64])
    return bytes(data)


def malformed_xml_xlsx() -> bytes:
    """A workbook whose sheet XML breaks off inside a tag."""
    return _package(_SHEET_HEAD.format(dimension="") + _header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>S2</t></is')


def bulk_csv(rows: int) -> bytes:
    """A month of sessions in the generic format, about 52 bytes a row (376,521 rows: 19.5 MB)."""
    lines = ["external_id,start,customer,first_response_s,avg_response_s,rating,paid\r\n"]
    for n in range(rows):
        second = n * 6
        day, rest = divmod(second, 86_400)
        lines.append(
            f"G{n:09d},2026-11-{day % 30 + 1:02d} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d},buyer_{n % 90_000:05d},{n % 90},{n % 40},{n % 5 + 1},\r\n"
        )
    return "".join(lines).encode()


def wide_csv(columns: int) -> bytes:
    return (",".join(f"column_{n}" for n in range(columns)) + "\r\n" + ",".join("1" for _ in range(columns)) + "\r\n").encode()


def utf16le_without_bom(text: str) -> bytes:
    return text.encode("utf-16-le")
