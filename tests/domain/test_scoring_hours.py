from datetime import time

import pandas as pd

from domain.scoring_hours import scoring_seconds
from tests.factories import SHANGHAI, local

JD_QUIET = {"jd": (time(23), time(9))}


def holds(*rows):
    frame = pd.DataFrame(rows, columns=["account", "agent_id", "start", "end"])
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def test_jd_night_hours_do_not_count_and_other_platforms_count_every_hour():
    frame = holds(
        ("jd", 1, local("2026-11-02", "21:00"), local("2026-11-03", "10:00")),  # 21–23 and 09–10 count: 3 h
        ("vip", 2, local("2026-11-02", "21:00"), local("2026-11-03", "10:00")),  # all 13 h count
    )
    result = scoring_seconds(
        frame, {"jd": "jd", "vip": "vip"}, JD_QUIET, SHANGHAI, local("2026-11-01", "00:00"), local("2026-12-01", "00:00")
    )
    assert result == {1: 3 * 3600, 2: 13 * 3600}


def test_holds_are_clipped_to_the_period_and_open_holds_run_to_its_end():
    frame = holds(("jd", 1, local("2026-10-31", "20:00"), None))
    result = scoring_seconds(frame, {"jd": "jd"}, JD_QUIET, SHANGHAI, local("2026-11-01", "00:00"), local("2026-11-01", "12:00"))
    assert result == {1: 3 * 3600}


def test_a_quiet_window_inside_the_day_is_cut_out():
    frame = holds(("tm", 1, local("2026-11-02", "00:00"), local("2026-11-03", "00:00")))
    result = scoring_seconds(
        frame, {"tm": "tmall"}, {"tmall": (time(1), time(5))}, SHANGHAI, local("2026-11-01", "00:00"), local("2026-12-01", "00:00")
    )
    assert result == {1: 20 * 3600}
