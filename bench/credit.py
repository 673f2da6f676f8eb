"""Benchmark: does Baton credit the right person when people forget to press?

    python bench/credit.py [--days 30] [--seed 7] [--moment start|first_reply] [--quiet]

Simulates a month (from 2026-11-01) of a team of six on a JD and a Vipshop login with a known
truth (bench/credit_world.py: a rotating roster, lateness, covered breaks, unplanned swaps;
bench/credit_traffic.py: about 12,000 conversations, each answered by whoever really sat at the
keyboard, or after a wait by whoever sat down next). The real Application is driven through the
simulated Bot API on a manual clock (bench/credit_drive.py): the people press the console, type
/on, /off and /case, answer the bot's questions the way people do (bench/credit_people.py), the
checks job runs at its real ticks and the nightly exports are uploaded in the chat.

The same world is played three times in this run:
1. with perfect presses;
2. with human error at the rates printed (bench/credit_plan.py ERROR_RATES), each mistake tagged;
3. with no presses at all, so Baton credits by the roster alone.

Prints the accuracy (share of the answered conversations credited to the true handler; a split
credit counts its share), the unattributed share, the share of the bonus pool that human error
moves (against the perfect run), beside the same distance for an equal split and for the roster
alone, and by error kind the accuracy lost, the conversation credit moved and the hours held away.
`--moment` sets [attribution] moment (default: the product's). The last line is one JSON object
with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.credit_drive import play
from bench.credit_exports import VIPSHOP_PRESET
from bench.credit_people import ANSWER_RATES
from bench.credit_plan import AFTERWARDS_RATES, ERROR_RATES, plan
from bench.credit_score import figures
from bench.credit_traffic import customers
from bench.credit_world import build_world, roster_config
from bot.core.config import Config
from tests.factories import team_config

FIRST_DAY = date(2026, 11, 1)
POOL_YUAN = 12_000


def config(database_url: str, moment: str | None) -> Config:
    overrides: dict = {
        "accounts": [
            {"key": "jd", "platform": "jd", "label": "京东旗舰店"},
            {"key": "vip", "platform": "vip", "label": "唯品会店", "preset": "vipshop"},
        ],
        "presets": {"vipshop": VIPSHOP_PRESET},
        "roster": roster_config(),
        "payout": {"pool": POOL_YUAN},
        "checks": {"scoring_hours": {"jd": "09:00-23:00", "vip": "09:00-23:00"}},
    }
    if moment is not None:
        overrides["attribution"] = {"moment": moment}
    return team_config(database_url, **overrides)


async def simulate(days: int, seed: int, moment: str | None, log=print, keep: Path | None = None) -> dict:
    rng = random.Random(seed)
    world = build_world(FIRST_DAY, days, rng)
    conversations = customers(world, rng)
    perfect, erring = plan(world, seed, errors=False), plan(world, seed, errors=True)
    log(f"world: {days} days, {len(conversations)} conversations, {len(erring.errors)} mistakes, {len(erring.acts)} planned acts")
    with contextlib.nullcontext(str(keep)) if keep is not None else tempfile.TemporaryDirectory() as directory:
        runs = {}
        for name, acts, checks in (("perfect", perfect.acts, True), ("errors", erring.acts, True), ("roster_only", [], False)):
            url = f"sqlite:///{Path(directory) / f'{name}.db'}"
            cfg = config(url, moment)
            runs[name] = await play(world, conversations, acts, cfg, seed=seed, checks=checks, people=checks)
            log(f"  {name}: played in {runs[name].seconds:.0f} s, {sum(runs[name].acts.values())} acts, {runs[name].refused} refused")
    result = figures(conversations, runs["perfect"], runs["errors"], runs["roster_only"], erring.errors, POOL_YUAN * 100, world)
    result.update(
        days=days,
        seed=seed,
        moment=cfg.attribution.moment,
        error_rates=ERROR_RATES,
        answer_rates=ANSWER_RATES,
        afterwards_rates=AFTERWARDS_RATES,
        prompts_seen=runs["errors"].tally.seen,
        acts_errors_run=runs["errors"].acts,
        audited_errors_run=runs["errors"].audited,
        seconds={name: round(run.seconds, 1) for name, run in runs.items()},
    )
    return result


def report(result: dict) -> None:
    pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
    print(f"moment = {result['moment']}, {result['days']} days, seed {result['seed']}")
    print(f"error rates: {', '.join(f'{k} {pct(v)}' for k, v in result['error_rates'].items())}")
    print(f"answer rates: {json.dumps(result['answer_rates'], ensure_ascii=False)}")
    print(f"afterwards: {', '.join(f'{k} {pct(v)}' for k, v in result['afterwards_rates'].items())}")
    print(
        f"answered {result['answered']} of {result['conversations']} ({pct(result['answered_after_a_wait_over_10_min'])} after a wait over 10 min)"
    )
    print(
        f"accuracy {pct(result['accuracy'])} with errors, {pct(result['accuracy_perfect_presses'])} with perfect presses, "
        f"{pct(result['accuracy_roster_only'])} by the roster alone"
    )
    print(f"unattributed {pct(result['unattributed'])} with errors, {pct(result['unattributed_perfect_presses'])} with perfect presses")
    print(
        f"pool moved by human error {pct(result['pool_moved_by_error'])}; an equal split would move {pct(result['pool_moved_equal_split'])}, "
        f"the roster alone {pct(result['pool_moved_roster_only'])}"
    )
    print(f"hours held {result['hours_held']} with errors, {result['hours_held_perfect_presses']} with perfect presses")
    away = result["hours_held_away_by_kind"]
    print(
        f"hours held by someone away from the keyboard: {sum(away.values()):.1f} with errors, {result['hours_held_away_perfect_presses']} with perfect presses"
    )
    moved = result["credit_moved_by_kind"]
    print("by error kind: accuracy lost, conversation credit moved, hours held away (events):")
    for kind, lost in result["accuracy_lost_by_kind"].items():
        print(
            f"  {kind:22s} {100 * lost:5.2f} pp  {100 * moved[kind]:5.2f} %  {away[kind]:6.1f} h  ({result['error_events'].get(kind, '-')})"
        )
    print(f"prompts seen: {result['prompts_seen']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--moment", choices=("start", "first_reply"), default=None)
    parser.add_argument("--quiet", action="store_true", help="only the JSON line")
    parser.add_argument("--keep", type=Path, default=None, help="keep the three runs' SQLite databases in this directory")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    # PTB logs, and suppresses, a last getUpdates that times out while polling stops on a busy machine.
    logging.getLogger("telegram.ext.Updater").setLevel(logging.CRITICAL)
    started = time.perf_counter()
    result = asyncio.run(simulate(args.days, args.seed, args.moment, log=(lambda *_: None) if args.quiet else print, keep=args.keep))
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    if not args.quiet:
        report(result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
