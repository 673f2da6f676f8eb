"""Benchmark: import a 200,000-row session XLSX, the same rows as CSV, and a 1,000,000-message log.

    python bench/imports.py [--sessions 200000] [--messages 1000000] [--sample 10000] [--seed 7]

Writes the three files into a temporary directory (JD-style 会话明细 with a title row, a 统计周期
line and a 合计 row, GBK for the CSV; a 千牛-style chat log), then imports each in its own
subprocess, so that each peak RSS is that file's alone: the real path, storage.imports.
import_export_file, parse and store in one transaction into a fresh SQLite file. In the same
subprocess, after the peak is taken, a naive baseline runs on the first ``--sample`` rows and
is scaled to the whole file: the row-by-row path the import used before (openpyxl for a
workbook, a reader call per row, an ORM object per conversation), and for the log a Python
loop grouping messages per customer. The CSV is then imported twice more into the same database:
once over rows whose first replies were blanked (a later export filling every one), once as it is
(nothing to write). Targets on the 2-core machine: XLSX <= 15 s, CSV <= 8 s, the log <= 30 s,
peak RSS <= 600 MB. One JSON line per file, as the last lines printed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEAM_ZONE = ZoneInfo("Asia/Shanghai")
SESSION_HEADER = [
    "会话ID", "客服账号", "顾客账号", "会话开始时间", "会话结束时间", "首次响应时长(秒)", "平均响应时长(秒)",
    "顾客消息数", "客服消息数", "满意度评价", "是否解决", "是否售前咨询", "是否下单",
]  # fmt: skip
RATINGS = np.array(["非常满意", "满意", "一般", "不满意", "非常不满意", "未评价", "未评价", "未评价"], dtype=object)
TITLE, PERIOD = "咚咚会话明细", "统计周期：2026-11-01 ~ 2026-11-30"
LOG_HEADER = ["时间", "买家", "发送人", "内容"]


# -- the files ---------------------------------------------------------------------------------------


def session_table(rows: int, seed: int) -> pd.DataFrame:
    """A month of JD sessions on one shared login, as text cells plus real datetimes for the workbook."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-11-01 00:00:00") + pd.to_timedelta(np.sort(rng.integers(0, 30 * 86_400, rows)), unit="s")
    inquiry = rng.random(rows) < 0.45
    return pd.DataFrame(
        {
            "会话ID": [f"JD{20261101000000 + i}" for i in range(rows)],
            "客服账号": "jd_旗舰店_kf",
            "顾客账号": [f"jd_{n:08d}" for n in rng.integers(0, 10**8, rows)],
            "会话开始时间": start,
            "会话结束时间": start + pd.to_timedelta(rng.integers(60, 1800, rows), unit="s"),
            "首次响应时长(秒)": rng.integers(2, 90, rows).astype(str),
            "平均响应时长(秒)": np.round(rng.uniform(5, 120, rows), 1).astype(str),
            "顾客消息数": rng.integers(1, 30, rows).astype(str),
            "客服消息数": rng.integers(1, 30, rows).astype(str),
            "满意度评价": RATINGS[rng.integers(0, len(RATINGS), rows)],
            "是否解决": np.where(rng.random(rows) < 0.8, "是", "否"),
            "是否售前咨询": np.where(inquiry, "是", "否"),
            "是否下单": np.where(inquiry & (rng.random(rows) < 0.4), "是", "否"),
        }
    )


def write_session_csv(table: pd.DataFrame, path: Path) -> None:
    text = table.copy()
    for column in ("会话开始时间", "会话结束时间"):
        text[column] = text[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    buffer = io.StringIO(newline="")
    buffer.write(f"{TITLE}\r\n{PERIOD}\r\n")
    text.to_csv(buffer, index=False, lineterminator="\r\n")
    buffer.write("合计" + "," * (len(SESSION_HEADER) - 1) + "\r\n")
    path.write_bytes(buffer.getvalue().encode("gbk"))


def write_session_xlsx(table: pd.DataFrame, path: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("会话明细")
    sheet.append([TITLE])
    sheet.append([PERIOD])
    sheet.append(SESSION_HEADER)
    columns = [table[c].tolist() for c in SESSION_HEADER]
    starts, ends = (table[c].dt.to_pydatetime() for c in ("会话开始时间", "会话结束时间"))
    for index, row in enumerate(zip(*columns, strict=True)):
        cells = list(row)
        for position, moment in ((3, starts[index]), (4, ends[index])):
            cell = WriteOnlyCell(sheet, value=moment)
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
            cells[position] = cell
        sheet.append(cells)
    sheet.append(["合计"])
    workbook.save(path)


def write_message_log(messages: int, path: Path, seed: int) -> None:
    """千牛-style log: customers ask, the shop answers after a few seconds to minutes, some come back later."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 21, messages // 8)
    lengths = lengths[: np.searchsorted(np.cumsum(lengths), messages) + 1]
    lengths[-1] -= lengths.sum() - messages
    conversations = len(lengths)
    customers = rng.integers(0, conversations // 3 + 1, conversations)
    opened = rng.integers(0, 30 * 86_400, conversations)
    which = np.repeat(np.arange(conversations), lengths)
    first = np.concatenate([[True], which[1:] != which[:-1]])
    offset = pd.Series(np.where(first, 0, rng.integers(3, 180, messages))).groupby(which).cumsum().to_numpy()
    at = pd.Timestamp("2026-11-01") + pd.to_timedelta(opened[which] + offset, unit="s")
    shop = ~first & (rng.random(messages) < 0.5)
    buyer = np.array([f"tb_{c:07d}" for c in customers], dtype=object)[which]
    frame = pd.DataFrame(
        {
            "时间": at.strftime("%Y-%m-%d %H:%M:%S"),
            "买家": buyer,
            "发送人": np.where(shop, "旗舰店:客服", buyer),
            "内容": np.where(shop, "亲，在的", "请问有货吗"),
        }
    )
    path.write_bytes(frame.to_csv(index=False, lineterminator="\r\n").encode("gbk"))


# -- one import, in its own process ----------------------------------------------------------------------


def run_one(kind: str, path: Path, sample_path: Path, sample: int, scale: int) -> dict:
    from storage.accounts import Accounts, AccountSpec
    from storage.db import make_engine, transaction
    from storage.imports import import_export_file
    from storage.migrate import migrate

    data = path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="baton-bench-") as scratch:
        engine = make_engine(f"sqlite:///{scratch}/bench.db")
        migrate(engine)
        with transaction(engine) as session:
            Accounts(session).sync([AccountSpec("jd", "jd", "京东"), AccountSpec("tm", "tmall", "天猫")])
        account = "tm" if kind == "log" else "jd"
        started = time.perf_counter()
        with transaction(engine) as session:
            stored = import_export_file(session, account, data, path.name, tz=TEAM_ZONE, at=datetime.now(UTC), source=f"bench:{kind}")
        seconds = time.perf_counter() - started
        peak_rss_mb = peak_rss()
        again = reimports(engine, account, data, path.name) if kind == "csv" else {}
        engine.dispose()
    del data
    naive_seconds = naive(kind, sample_path, sample) * scale
    return {
        "bench": "imports",
        "file": kind,
        "rows": stored.report.rows_read,
        "conversations": stored.new,
        "rejected": len(stored.rejected),
        "summary_rows": len(stored.report.summary_rows),
        "seconds": round(seconds, 2),
        "conversations_per_second": round(stored.new / seconds),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "baseline_seconds_scaled": round(naive_seconds, 1),
        "baseline_ratio": round(naive_seconds / seconds, 1),
        **again,
    }


def reimports(engine, account: str, data: bytes, name: str) -> dict:
    """The same file imported again, twice: first over rows whose replies were not exported yet
    (every row filled in, one executemany), then as it is (every row compared, nothing written)."""
    from sqlalchemy import update

    from storage.db import transaction
    from storage.imports import import_export_file
    from storage.models import ConversationRow

    with transaction(engine) as session:
        session.execute(update(ConversationRow).values(first_response_s=None))
    figures = {}
    for label in ("reimport_filling", "reimport_same"):
        started = time.perf_counter()
        with transaction(engine) as session:
            stored = import_export_file(session, account, data, name, tz=TEAM_ZONE, at=datetime.now(UTC), source="bench:again")
        figures[f"{label}_seconds"] = round(time.perf_counter() - started, 2)
        figures[f"{label}_updated"] = len(stored.updated_ids)
    return figures


def peak_rss() -> float:
    """This process's peak resident memory in MB. VmHWM, not ru_maxrss: Linux carries ru_maxrss
    over from the parent across fork and exec, so a child would report the generator's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive(kind: str, sample_path: Path, rows: int) -> float:
    """Seconds for the row-by-row path on the sample file."""
    from sqlmodel import Session

    from storage.accounts import Accounts, AccountSpec
    from storage.db import make_engine, transaction
    from storage.importers import JD
    from storage.importers.record import cell_readers, read_record
    from storage.migrate import migrate
    from storage.models import ConversationRow

    with tempfile.TemporaryDirectory(prefix="baton-naive-") as scratch:
        engine = make_engine(f"sqlite:///{scratch}/naive.db")
        migrate(engine)
        with transaction(engine) as session:
            Accounts(session).sync([AccountSpec("jd", "jd", "京东")])
            account_id = Accounts(session).ids["jd"]
        started = time.perf_counter()
        if kind == "log":
            records = _naive_grouping(sample_path)
        else:
            readers = cell_readers(JD, TEAM_ZONE)
            headers = {f: JD.columns[f][0] for f in JD.columns if f in readers}
            records = []
            for number, cells in enumerate(_naive_rows(kind, sample_path), start=4):
                record = read_record(number, {f: str(cells.get(h, "")) for f, h in headers.items()}, readers, headers)
                if isinstance(record, dict):
                    record["raw"] = json.dumps(cells, ensure_ascii=False, default=str)
                    records.append(record)
        now = datetime.now(UTC)
        with Session(engine) as session, session.begin():
            for record in records:
                session.add(
                    ConversationRow(
                        account_id=account_id,
                        platform="jd",
                        external_id=record["external_id"],
                        started_at=record["start"],
                        first_response_s=record.get("first_response_s"),
                        inquiry=record.get("inquiry", False),
                        paid=record.get("paid", False),
                        raw=record["raw"],
                        imported_at=now,
                        source="naive",
                    )
                )
            session.flush()
        seconds = time.perf_counter() - started
        engine.dispose()
    return seconds


def _naive_rows(kind: str, path: Path):
    if kind == "xlsx":
        sheet = pd.read_excel(path, header=None, dtype=object, engine="openpyxl", na_filter=False, skiprows=2)
        header = [str(h) for h in sheet.iloc[0]]
        for row in sheet.iloc[1:].itertuples(index=False):
            yield dict(zip(header, (str(c) for c in row), strict=True))
    else:
        lines = path.read_bytes().decode("gb18030").splitlines()[2:]
        reader = csv.DictReader(lines)
        yield from reader


def _naive_grouping(path: Path) -> list[dict]:
    """Per customer, a dict of lists, a loop over each one's messages."""
    by_customer: dict[str, list[tuple[datetime, bool]]] = {}
    for row in csv.DictReader(path.read_bytes().decode("gb18030").splitlines()):
        moment = datetime.strptime(row["时间"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=TEAM_ZONE)
        by_customer.setdefault(row["买家"], []).append((moment, row["发送人"] != row["买家"]))
    records = []
    for customer, messages in by_customer.items():
        messages.sort()
        run: list[tuple[datetime, bool]] = []
        for message in [*messages, None]:
            if run and (message is None or message[0] - run[-1][0] > timedelta(minutes=30)):
                asked = [t for t, shop in run if not shop]
                if asked:
                    replies = [t for t, shop in run if shop and t >= asked[0]]
                    records.append({
                        "external_id": f"{customer}|{asked[0].isoformat()}", "start": asked[0].astimezone(UTC),
                        "first_response_s": (replies[0] - asked[0]).total_seconds() if replies else None, "raw": "{}",
                    })  # fmt: skip
                run = []
            if message is not None:
                run.append(message)
    return records


# -- the driver -----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--run", nargs=4, metavar=("KIND", "FILE", "SAMPLE_FILE", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        kind, path, sample_path, scale = args.run
        print(json.dumps(run_one(kind, Path(path), Path(sample_path), args.sample, int(scale)), ensure_ascii=False))
        return

    with tempfile.TemporaryDirectory(prefix="baton-bench-files-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        table = session_table(args.sessions, args.seed)
        files = {
            "xlsx": (folder / "会话明细.xlsx", folder / "sample.xlsx", args.sessions // args.sample),
            "csv": (folder / "会话明细.csv", folder / "sample.csv", args.sessions // args.sample),
            "log": (folder / "聊天记录.csv", folder / "sample-log.csv", args.messages // (args.sample * 5)),
        }
        write_session_xlsx(table, files["xlsx"][0])
        write_session_xlsx(table.head(args.sample), files["xlsx"][1])
        write_session_csv(table, files["csv"][0])
        write_session_csv(table.head(args.sample), files["csv"][1])
        write_message_log(args.messages, files["log"][0], args.seed)
        write_message_log(args.sample * 5, files["log"][1], args.seed)
        sizes = ", ".join(f"{kind} {paths[0].stat().st_size / 1e6:.1f} MB" for kind, paths in files.items())
        print(f"generated {args.sessions:,} sessions and {args.messages:,} messages ({sizes}) in {time.perf_counter() - started:.0f} s")
        lines = []
        for kind, (path, sample_path, scale) in files.items():
            command = [
                sys.executable,
                __file__,
                "--sample",
                str(args.sample if kind != "log" else args.sample * 5),
                "--run",
                kind,
                str(path),
                str(sample_path),
                str(scale),
            ]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode:  # one file's failure is reported, the others' figures still printed
                print(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"{kind}: exit {result.returncode}")
                lines.append(json.dumps({"bench": "imports", "file": kind, "failed": result.returncode}))
                continue
            lines.append(result.stdout.strip().splitlines()[-1])
        for line in lines:
            print(line)


if __name__ == "__main__":
    main()
