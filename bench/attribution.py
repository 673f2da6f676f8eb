"""Benchmark: attribute a month of conversations to the holds on 20 shared accounts.

    python bench/attribution.py [--conversations N] [--sample 50000] [--seed 7]

Generates N conversations (default 1,000,000) on 20 accounts worked by 200 agents through about
60,000 holds over a month: per account, consecutive holds with short gaps, most handovers at the
same instant, a few overlapping "peak help" holds, and a daytime roster that catches some gaps.
Times attribute_conversations in memory (best of 3), then compares it on a 50,000-conversation
sample with a naive per-conversation scan of that account's holds, checking both agree.
The last line printed is one JSON object for CI.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.attribution import Attribution, attribute_conversations
from domain.roster import RosterEntry, expand_roster
from domain.time import TS_DTYPE, month_bounds

TEAM_ZONE = ZoneInfo("Asia/Shanghai")
ACCOUNTS = 20
AGENTS = 200
HOLDS_PER_ACCOUNT = 3_000
MINUTE_US = 60_000_000


def generate(n_conversations: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(conversations, holds, roster) for March 2024, Shanghai time."""
    rng = np.random.default_rng(seed)
    month_start, month_end = month_bounds(2024, 3, TEAM_ZONE)
    origin = pd.Timestamp(month_start).as_unit("us").asm8.view(np.int64)
    month_us = int((month_end - month_start).total_seconds() * 1e6)
    accounts = np.array([f"{platform}:shop{i:02d}" for i, platform in enumerate(["jd", "tmall", "vip", "jd"] * 5)])
    agents_of = np.arange(AGENTS).reshape(ACCOUNTS, -1) + 1001

    hold_parts = []
    for index in range(ACCOUNTS):
        # Hold lengths average ~12 min; 70% of handovers are instant, the rest leave a short gap.
        lengths = np.maximum(rng.exponential(12.0, HOLDS_PER_ACCOUNT), 0.5) * MINUTE_US
        gaps = np.where(rng.random(HOLDS_PER_ACCOUNT) < 0.7, 0.0, rng.exponential(7.0, HOLDS_PER_ACCOUNT)) * MINUTE_US
        starts = origin + np.cumsum(np.concatenate([[0.0], (lengths + gaps)[:-1]])).astype(np.int64)
        ends = starts + lengths.astype(np.int64)
        agents = rng.choice(agents_of[index], HOLDS_PER_ACCOUNT)
        helpers = rng.random(HOLDS_PER_ACCOUNT) < 0.02
        help_starts = starts[helpers] + (lengths[helpers] * rng.random(helpers.sum())).astype(np.int64)
        hold_parts.append(
            pd.DataFrame(
                {
                    "account": accounts[index],
                    "agent_id": np.concatenate([agents, rng.choice(agents_of.ravel(), helpers.sum())]),
                    "start": np.concatenate([starts, help_starts]),
                    "end": np.concatenate([ends, help_starts + (20 * MINUTE_US)]),
                }
            )
        )
    holds = pd.concat(hold_parts, ignore_index=True)
    last = holds.groupby("account")["start"].idxmax()
    for column in ("start", "end"):
        holds[column] = _stamps(holds[column].to_numpy())
    holds.loc[last[: ACCOUNTS // 4], "end"] = pd.NaT  # some agents are still on when the month is read

    starts = np.sort(origin + rng.integers(0, month_us, n_conversations))
    replies = starts + (rng.exponential(25.0, n_conversations) * 1e6).astype(np.int64)
    conversations = pd.DataFrame(
        {
            "conversation_id": np.arange(1, n_conversations + 1, dtype=np.int64),
            "account": pd.Series(accounts[rng.integers(0, ACCOUNTS, n_conversations)], dtype="str"),
            "start": _stamps(starts),
            "first_reply_at": _stamps(replies).where(rng.random(n_conversations) > 0.05),
        }
    )
    plan = [
        RosterEntry(int(agents_of[i][0]), str(accounts[i]), frozenset(range(7)), clock_time(9), clock_time(18)) for i in range(ACCOUNTS)
    ]
    roster = expand_roster(plan, date(2024, 3, 1), date(2024, 3, 31), TEAM_ZONE)
    return conversations, holds, roster


def time_in_memory(conversations, holds, roster, now, moment="start", repeats: int = 3) -> tuple[float, Attribution]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = attribute_conversations(conversations, holds, roster, moment=moment, now=now)
        best = min(best, time.perf_counter() - started)
    return best, result


def time_from_db(conversations: pd.DataFrame, holds: pd.DataFrame, roster: pd.DataFrame, now) -> float:
    """Seconds to read the month back through storage and attribute it: the compile job's path.

    The frames are first written to a fresh SQLite file (not timed), the way imports and the
    bot would have stored them.
    """
    import tempfile

    from sqlalchemy import insert

    from storage.accounts import AccountSpec
    from storage.conversations import conversation_moments
    from storage.db import make_engine, transaction
    from storage.migrate import migrate
    from storage.models import Agent, ConversationRow, HoldRow
    from storage.uow import Tables

    with tempfile.TemporaryDirectory(prefix="baton-bench-") as scratch:
        engine = make_engine(f"sqlite:///{scratch}/bench.db")
        migrate(engine)
        first = conversations["start"].min()
        with transaction(engine) as session:
            keys = sorted(set(conversations["account"]) | set(holds["account"]))
            tables = Tables(session)
            tables.accounts.sync([AccountSpec(k, k.split(":")[0], k) for k in keys])
            ids = tables.accounts.ids
            agent_ids = sorted(set(holds["agent_id"]))
            session.execute(insert(Agent), [{"id": a, "tg_user_id": a, "name": f"agent {a}", "registered_at": first} for a in agent_ids])
            session.execute(
                insert(HoldRow),
                [
                    {
                        "account_id": ids[r.account],
                        "agent_id": r.agent_id,
                        "started_at": r.start,
                        "ended_at": None if pd.isna(r.end) else r.end,
                    }
                    for r in holds.sort_values("start").itertuples(index=False)
                ],
            )
        for chunk in range(0, len(conversations), 200_000):
            part = conversations.iloc[chunk : chunk + 200_000]
            replies = (part["first_reply_at"] - part["start"]).dt.total_seconds()
            with transaction(engine) as session:
                session.execute(
                    insert(ConversationRow),
                    [
                        {
                            "account_id": ids[a],
                            "platform": "jd",
                            "external_id": str(i),
                            "started_at": t,
                            "first_response_s": None if pd.isna(f) else f,
                            "inquiry": False,
                            "paid": False,
                            "raw": "{}",
                            "imported_at": first,
                            "source": "bench",
                        }
                        for i, a, t, f in zip(part["conversation_id"], part["account"], part["start"], replies, strict=True)
                    ],
                )
        started = time.perf_counter()
        with transaction(engine) as session:
            stored_holds = Tables(session).holds.frame_between(first.to_pydatetime(), now)
            stored = conversation_moments(session, first.to_pydatetime(), now)
        result = attribute_conversations(stored, stored_holds, roster, now=now)
        seconds = time.perf_counter() - started
        engine.dispose()
    print(f"  from the database: {len(stored):,} conversations, {len(stored_holds):,} holds, statuses {result.counts()}")
    return seconds


def naive_tables(holds, roster, now) -> tuple[dict, dict]:
    """Each account's holds and roster windows as plain (start, end, agent) tuples of integers."""

    def by_account(frame):
        table = defaultdict(list)
        starts = frame["start"].to_numpy(dtype="datetime64[us]").view(np.int64).tolist()
        ends = frame["end"].fillna(pd.Timestamp(now)).to_numpy(dtype="datetime64[us]").view(np.int64).tolist()
        for account, agent, start, end in zip(frame["account"], frame["agent_id"].tolist(), starts, ends, strict=True):
            table[account].append((start, end, agent))
        return table

    return by_account(holds), by_account(roster)


def naive_attribution(conversations, hold_table, roster_table) -> tuple[dict[int, str], list[tuple[int, int, float]]]:
    """The obvious loop: for each conversation, scan every hold of its account."""
    moments = conversations["start"].to_numpy(dtype="datetime64[us]").view(np.int64).tolist()
    statuses, credits = {}, []
    for cid, account, ts in zip(conversations["conversation_id"].tolist(), conversations["account"], moments, strict=True):
        status = "held"
        chosen = sorted({agent for start, end, agent in hold_table[account] if start <= ts < end})
        if not chosen:
            status = "roster"
            chosen = sorted({agent for start, end, agent in roster_table[account] if start <= ts < end})
        if not chosen:
            status = "unattributed"
        statuses[cid] = status
        credits.extend((cid, agent, 1 / len(chosen)) for agent in chosen)
    return statuses, credits


def agrees(result: Attribution, statuses: dict, credits: list) -> bool:
    mine = dict(zip(result.statuses["conversation_id"].tolist(), result.statuses["status"].astype(str).tolist(), strict=True))
    theirs = sorted(credits)
    ours = list(zip(*(result.credits[c].tolist() for c in ("conversation_id", "agent_id", "share")), strict=True))
    return (
        mine == statuses
        and len(ours) == len(theirs)
        and all(a[:2] == b[:2] and abs(a[2] - b[2]) < 1e-12 for a, b in zip(ours, theirs, strict=True))
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    conversations, holds, roster = generate(args.conversations, args.seed)
    now = month_bounds(2024, 3, TEAM_ZONE)[1]
    overlaps = len(holds) - ACCOUNTS * HOLDS_PER_ACCOUNT
    print(
        f"generated {len(conversations):,} conversations, {len(holds):,} holds ({overlaps:,} overlapping helpers), "
        f"{len(roster):,} roster windows on {ACCOUNTS} accounts, {holds['agent_id'].nunique()} agents "
        f"in {time.perf_counter() - started:.1f} s"
    )

    seconds, result = time_in_memory(conversations, holds, roster, now)
    counts = result.counts()
    print(f"in memory: {seconds:.3f} s best of 3  ({len(conversations) / seconds / 1e6:.1f} M conversations/s)")
    print(f"  statuses {counts}, {len(result.credits):,} credit rows")

    shuffled = conversations.sample(frac=1, random_state=args.seed)
    shuffled_seconds, _ = time_in_memory(shuffled, holds, roster, now)
    categorical = conversations.assign(account=conversations["account"].astype("category"))
    categorical_seconds, _ = time_in_memory(categorical, holds, roster, now)
    reply_seconds, _ = time_in_memory(conversations, holds, roster, now, moment="first_reply")
    print(
        f"  rows in random order: {shuffled_seconds:.3f} s; account as category: {categorical_seconds:.3f} s; "
        f"by first reply: {reply_seconds:.3f} s"
    )

    sample = conversations.sample(n=min(args.sample, len(conversations)), random_state=args.seed)
    sample_seconds, sample_result = time_in_memory(sample, holds, roster, now)
    hold_table, roster_table = naive_tables(holds, roster, now)
    started = time.perf_counter()
    naive_statuses, naive_credits = naive_attribution(sample, hold_table, roster_table)
    naive_seconds = time.perf_counter() - started
    ratio = naive_seconds / sample_seconds
    print(
        f"sample of {len(sample):,}: vectorised {sample_seconds * 1000:.1f} ms, naive scan {naive_seconds:.2f} s "
        f"-> {ratio:,.0f}x; results agree: {agrees(sample_result, naive_statuses, naive_credits)}"
    )

    from_db = time_from_db(conversations, holds, roster, now)
    print(f"from database (read and attribute): {from_db:.3f} s")
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_rss_mb:.0f} MB")
    print(
        json.dumps(
            {
                "bench": "attribution",
                "conversations": len(conversations),
                "seconds": round(seconds, 4),
                "from_db_seconds": round(from_db, 4),
                "baseline_ratio": round(ratio, 1),
                "peak_rss_mb": round(peak_rss_mb, 1),
            }
        )
    )


def _stamps(microseconds: np.ndarray) -> pd.Series:
    naive = pd.Series(np.asarray(microseconds, dtype=np.int64).view("datetime64[us]"))
    return naive.dt.tz_localize("UTC").astype(TS_DTYPE)


def _us(stamp: pd.Timestamp | datetime) -> int:
    return int(pd.Timestamp(stamp).as_unit("us").asm8.view(np.int64))


if __name__ == "__main__":
    main()
