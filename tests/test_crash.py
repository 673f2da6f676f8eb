"""Issue 5: the real `baton run` process, SIGKILLed at random moments under a scripted team, loses
and doubles nothing it acknowledged. The driver and the checks are bench/crash.py's, shared with
the benchmark; this runs it at the issue's size on each backend (SQLite, and PostgreSQL when
BATON_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest

from bench.crash import CrashSettings, run_crash

ACTIONS = 500
KILLS = 5


@pytest.mark.e2e
def test_killed_bot_keeps_every_acknowledged_press(database_url, tmp_path):
    report = run_crash(CrashSettings(database_url, tmp_path, actions=ACTIONS, kills=KILLS, seed=5))
    print("\n".join(report.lines()))  # pytest shows it with -s, or with the failure

    assert report.kills >= KILLS + 1  # the random ones, and the one as the first digest went out
    assert report.restarts == report.kills
    sent = sum(report.counts.get(f"{kind}_sent", 0) for kind in ("press", "case", "console", "off", "standings"))
    assert sent >= ACTIONS
    assert report.counts["press_acknowledged"] > ACTIONS // 2
    assert report.counts["case_acknowledged"] > 0 and report.counts["cases"] > 0 and report.counts["holds"] > 0
    assert report.digests, "no digest was posted, so the digest check checked nothing"
    assert not report.problems, "\n".join(report.problems)
