"""Online, consistent copies of the database, taken while the bot keeps writing.

SQLite: the backup API copies every page in one step, under one read transaction; in WAL
mode that blocks no writer, and the copy is the database as of the step's start.
PostgreSQL: pg_dump, which reads everything in one snapshot.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import make_url

from storage.db import SQLITE_BUSY_TIMEOUT_MS, normalise_url


class BackupFailed(Exception):
    """The copy could not be taken; the message says what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    method: str  # "sqlite-backup-api" or "pg_dump"


# Files SQLite keeps beside the database; writing over any of them corrupts the live database.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def backup(database_url: str, out: Path) -> Backup:
    url = make_url(normalise_url(database_url))
    _writable(out)
    if url.get_backend_name() == "sqlite":
        return _sqlite(url.database, out)
    if url.get_backend_name() == "postgresql":
        return _pg_dump(url, out)
    raise BackupFailed(f"no backup method for {url.get_backend_name()} databases")


def _writable(out: Path) -> None:
    """OUT must be a file in a folder that exists: the copy is written beside it and renamed into place."""
    folder = out.absolute().parent
    if not folder.is_dir():
        raise BackupFailed(f"the folder {folder} does not exist; create it first (mkdir -p {folder}) and run baton backup again")
    if out.is_dir():
        raise BackupFailed(f"{out} is a folder; name the backup file, for example {out / 'baton-backup.db'}")


def _refuse_live_files(database: Path, out: Path) -> None:
    """The backup's rename would swap the database (or its WAL) under the running bot: commits since
    its last checkpoint would vanish on restart, and audit verify could not tell."""
    for written in (out, _partial(out)):
        target = written.resolve()
        for suffix in _COMPANIONS:
            live = Path(f"{database}{suffix}").resolve()
            if target == live or (target.exists() and live.exists() and os.path.samefile(target, live)):
                raise BackupFailed(f"{out} is the live database file {live}; write the backup to another file, for example {live}.backup")


def _partial(out: Path) -> Path:
    return out.with_name(out.name + ".partial")


def _sqlite(database: str | None, out: Path) -> Backup:
    if not database or database == ":memory:" or not Path(database).is_file():
        raise BackupFailed(f"no SQLite database file at {database!r}")
    _refuse_live_files(Path(database), out)
    partial = _partial(out)
    try:
        partial.unlink(missing_ok=True)
        problems = _copy(database, partial)
        if problems != [("ok",)]:
            partial.unlink(missing_ok=True)
            raise BackupFailed(f"the copy failed its integrity check: {problems[:3]}")
        # Rename last, so OUT is either the previous backup or a complete new one, never half a file.
        os.replace(partial, out)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"could not write {out}: {exc}") from None
    return Backup(out, out.stat().st_size, "sqlite-backup-api")


def _copy(database: str, partial: Path) -> list[tuple[object, ...]]:
    source = sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # pages=-1: everything in one step, so one consistent snapshot
            return target.execute("PRAGMA integrity_check").fetchall()
        finally:
            target.close()
    finally:
        source.close()


def _pg_dump(url, out: Path) -> Backup:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed(
            "pg_dump is not on PATH. Install the PostgreSQL client (Debian: apt-get install postgresql-client, "
            "of the server's major version or newer) and run baton backup again, or run on the database host: "
            "pg_dump --format=custom --file OUT DBNAME"
        )
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={out}", f"--dbname={_libpq_uri(url)}"]
    command += [f"--schema={schema}" for schema in _search_path(url)]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        out.unlink(missing_ok=True)
        raise BackupFailed(f"pg_dump failed (exit {done.returncode}): {done.stderr.strip()}")
    return Backup(out, out.stat().st_size, "pg_dump")


def _libpq_uri(url) -> str:
    """The SQLAlchemy URL as libpq reads it: no driver name, and the password kept out of argv."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _search_path(url) -> list[str]:
    """The schemas named by `options=-csearch_path=…`: Baton's tables live there, so only they are dumped."""
    options = unquote(str(url.query.get("options", "")))
    for option in options.split():
        if option.startswith("-csearch_path="):
            return [s.strip().strip('"') for s in option.removeprefix("-csearch_path=").split(",") if s.strip()]
    return []
