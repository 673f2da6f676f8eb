"""The child that reads a workbook with calamine, run as a script: `python calamine_reader.py ROWS`.

It imports nothing of Baton (so it starts in tens of milliseconds), reads the workbook's bytes from
stdin, caps its own address space, and writes pickled messages to stdout: ("extent", end), then
("rows", [...]) a chunk of ROWS rows at a time, then ("end", None); or ("password" | "bad", why).
If calamine aborts the process, the parent reads the end of the stream (storage.importers.isolated).
"""

from __future__ import annotations

import io
import pickle
import resource
import sys

import python_calamine

HEADROOM = 1536 * 1024 * 1024  # what the reader may map beyond what it started with


def main(rows_per_chunk: int) -> None:
    data = sys.stdin.buffer.read()
    _cap_memory()
    out = sys.stdout.buffer

    def send(kind: str, payload: object) -> None:
        pickle.dump((kind, payload), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_name(_first_visible_sheet(book))
        send("extent", sheet.end)
        rows: list[object] = []
        for row in sheet.iter_rows():
            rows.append(row)
            if len(rows) == rows_per_chunk:
                send("rows", rows)
                rows = []
        send("rows", rows)
        send("end", None)
    except python_calamine.PasswordError as error:
        send("password", str(error))
    except (python_calamine.CalamineError, ValueError, OSError, MemoryError) as error:
        send("bad", str(error))
    except BaseException as error:
        # calamine's Rust code panicking: pyo3 raises PanicException, a BaseException Python cannot import.
        if type(error).__name__ != "PanicException":
            raise
        send("bad", f"calamine gave up: {error}")


def _first_visible_sheet(book: python_calamine.CalamineWorkbook) -> str:
    for meta in book.sheets_metadata:
        if meta.visible == python_calamine.SheetVisibleEnum.Visible and meta.typ == python_calamine.SheetTypeEnum.WorkSheet:
            return meta.name
    if not book.sheet_names:
        # A damaged zip can open as a workbook that lists no sheet at all.
        raise ValueError("the workbook has no sheet")
    return book.sheet_names[0]


def _cap_memory() -> None:
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return  # no /proc (not Linux): isolated still, only not capped
    cap = mapped + HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


if __name__ == "__main__":
    main(int(sys.argv[1]))
