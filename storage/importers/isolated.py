"""calamine in a process of its own: a damaged workbook must never take the bot down with it.

A panic in calamine's Rust code arrives as an exception, but an allocation that fails does not:
Rust aborts the process. A damaged legacy .xls whose record claims 122 GB did exactly that (found
by tests/storage/test_import_fuzz.py: "memory allocation of 122138132640 bytes failed", then
SIGABRT), and nothing in Python can catch it. So a workbook is read by a child process, a plain
script that imports nothing of Baton (storage/importers/calamine_reader.py), with its address
space capped: a file that would make it abort, or swell past the cap, ends the child, and the
workbook is refused as a bad format. The parent turns the rows into text as before.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from storage.importers.errors import BAD_FORMAT, PASSWORD_PROTECTED, ExportUnreadable

READER = Path(__file__).with_name("calamine_reader.py")
Rows = list[Sequence[object]]


def read_sheet(data: bytes, file_format: str, rows_per_chunk: int) -> tuple[tuple[int, int] | None, Generator[Rows]]:
    """The first visible sheet's extent (last row and column, from 0; None when empty) and its rows,
    in chunks; ExportUnreadable, now or while the rows are read, for a workbook calamine cannot read."""
    reader = subprocess.Popen(
        [sys.executable, "-I", str(READER), str(rows_per_chunk)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        _hand_over(reader, data)
        extent = _next(reader, file_format)
    except BaseException:
        _stop(reader)
        raise
    return extent, _chunks(reader, file_format)


def _hand_over(reader: subprocess.Popen[bytes], data: bytes) -> None:
    stdin = reader.stdin
    if stdin is None:
        raise RuntimeError("the reader was started without a pipe to it")
    try:
        stdin.write(data)
        stdin.close()
    except BrokenPipeError:
        pass  # it died reading: the stream's end says so


def _chunks(reader: subprocess.Popen[bytes], file_format: str) -> Generator[Rows]:
    try:
        while (rows := _next(reader, file_format)) is not None:
            yield rows
    finally:
        _stop(reader)


def _next(reader: subprocess.Popen[bytes], file_format: str) -> Any:  # a message's payload
    try:
        kind, payload = pickle.load(reader.stdout)  # type: ignore[arg-type]
    except (EOFError, OSError, pickle.UnpicklingError, ValueError):
        code = reader.wait(timeout=5)
        raise ExportUnreadable(BAD_FORMAT, f"the {file_format} workbook stopped its reader (exit {code})") from None
    if kind == "password":
        raise ExportUnreadable(PASSWORD_PROTECTED, f"the workbook is protected by a password: {payload}")
    if kind == "bad":
        raise ExportUnreadable(BAD_FORMAT, f"not a readable {file_format} workbook: {payload}")
    return payload


def _stop(reader: subprocess.Popen[bytes]) -> None:
    if reader.stdout is not None:
        reader.stdout.close()
    try:
        reader.wait(timeout=1)
    except subprocess.TimeoutExpired:
        reader.kill()
        reader.wait()
