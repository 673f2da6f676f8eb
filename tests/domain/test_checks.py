from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.checks import (
    CASE,
    CONVERSATION,
    COVER,
    ROSTER,
    SCORING,
    START,
    Overdue,
    Shift,
    closing_refusal,
    corrected_end,
    cover_overdue_at,
    is_forgotten,
    last_activity,
    late_starts,
    long_holds,
    missing_import_days,
    over_long_holds,
    overdue_of,
    overlapping_holds,
    read_left_time,
    scoring_end,
    shift_of,
    unattended_gaps,
    uncovered,
    watched_spans,
)
from domain.checks import DAY_END as BY_DAY_END
from domain.holds import HELPER, Hold
from tests.factories import SHANGHAI, local

DAY_END, MORNING = time(23, 59), time(9, 0)


# -- watched hours and unattended gaps ----------------------------------------------------------------


def test_jd_is_watched_from_nine_to_eleven_and_tmall_until_midnight():
    assert watched_spans((time(9), time(23)), date(2026, 11, 2), date(2026, 11, 2), SHANGHAI) == [
        (local("2026-11-02", "09:00"), local("2026-11-02", "23:00"))
    ]
    assert watched_spans((time(8), time(0)), date(2026, 11, 2), date(2026, 11, 3), SHANGHAI) == [
        (local("2026-11-02", "08:00"), local("2026-11-03", "00:00")),
        (local("2026-11-03", "08:00"), local("2026-11-04", "00:00")),
    ]
    assert watched_spans(None, date(2026, 11, 2), date(2026, 11, 3), SHANGHAI) == []


def test_a_round_the_clock_window_is_one_stretch_across_midnight():
    assert watched_spans((time(0), time(0)), date(2026, 11, 2), date(2026, 11, 3), SHANGHAI) == [
        (local("2026-11-02", "00:00"), local("2026-11-04", "00:00"))
    ]


def test_an_unattended_gap_runs_from_the_last_hand_off_and_is_ongoing_until_someone_takes_over():
    watched = {"jd": watched_spans((time(9), time(23)), date(2026, 11, 2), date(2026, 11, 2), SHANGHAI)}
    holds = [
        Hold("jd", 1, local("2026-11-02", "08:00"), local("2026-11-02", "10:00")),
        Hold("jd", 2, local("2026-11-02", "10:20"), local("2026-11-02", "12:00")),
    ]
    now = local("2026-11-02", "12:45")
    gaps = unattended_gaps(watched, holds, now, timedelta(minutes=30))
    assert [(g.start, g.end, g.ongoing) for g in gaps] == [(local("2026-11-02", "12:00"), now, True)], "20 minutes is not a gap"
    assert unattended_gaps(watched, holds, local("2026-11-02", "12:30"), timedelta(minutes=30)) == [], "exactly the threshold is not more"


def test_before_the_watched_hours_begin_nothing_is_unattended():
    watched = {"jd": watched_spans((time(9), time(23)), date(2026, 11, 2), date(2026, 11, 2), SHANGHAI)}
    assert unattended_gaps(watched, [], local("2026-11-02", "08:59"), timedelta(minutes=30)) == []
    (gap,) = unattended_gaps(watched, [], local("2026-11-02", "09:31"), timedelta(minutes=30))
    assert gap.start == local("2026-11-02", "09:00") and gap.ongoing


def test_a_helper_on_the_account_means_it_is_attended_and_an_open_hold_covers_up_to_now():
    watched = {"jd": [(local("2026-11-02", "09:00"), local("2026-11-02", "23:00"))]}
    holds = [
        Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "10:00")),
        Hold("jd", 2, local("2026-11-02", "09:30"), None, role=HELPER),
    ]
    assert unattended_gaps(watched, holds, local("2026-11-02", "15:00"), timedelta(minutes=1)) == []


BASE = datetime(2026, 11, 2, tzinfo=UTC)
minute_spans = st.lists(st.tuples(st.integers(0, 600), st.integers(1, 240)).map(lambda t: (t[0], t[0] + t[1])), max_size=6)


@given(windows=minute_spans, held=minute_spans, threshold=st.integers(0, 90), now=st.integers(0, 900))
def test_gaps_never_touch_a_hold_and_every_long_enough_unheld_stretch_is_reported(windows, held, threshold, now):
    at = lambda m: BASE + timedelta(minutes=m)  # noqa: E731
    holds = [Hold("jd", 1, at(s), at(e)) for s, e in held]
    gaps = unattended_gaps({"jd": [(at(s), at(e)) for s, e in windows]}, holds, at(now), timedelta(minutes=threshold))
    for gap in gaps:
        assert not any(h.start < gap.end and gap.start < h.end for h in holds)
        assert gap.length > timedelta(minutes=threshold) and gap.end <= at(now)
    # Every minute up to now that some window watches and no hold covers, in maximal runs.
    free = [m for m in range(now) if any(s <= m < e for s, e in windows) and not any(s <= m < e for s, e in held)]
    runs = []
    for m in free:
        if runs and runs[-1][1] == m:
            runs[-1][1] = m + 1
        else:
            runs.append([m, m + 1])
    expected = [(at(s), at(e)) for s, e in runs if e - s > threshold]
    assert [(g.start, g.end) for g in gaps] == expected


def test_uncovered_cuts_covers_out_of_spans():
    t = lambda h: BASE + timedelta(hours=h)  # noqa: E731
    assert uncovered([(t(0), t(10))], [(t(1), t(2)), (t(4), t(12))]) == [(t(0), t(1)), (t(2), t(4))]


# -- holds left open ----------------------------------------------------------------------------------


def test_a_hold_is_long_only_past_the_limit_and_only_while_open():
    now = local("2026-11-02", "19:00")
    holds = [
        Hold("jd", 1, local("2026-11-02", "09:00"), None, id=1),
        Hold("vip", 2, local("2026-11-02", "08:00"), None, id=2),
        Hold("jd", 3, local("2026-11-02", "06:00"), local("2026-11-02", "08:00"), id=3),
    ]
    assert [h.id for h in long_holds(holds, now, timedelta(hours=10))] == [2]


JD_HOURS, TMALL_HOURS = (time(9), time(23)), (time(8), time(0))
GRACE = timedelta(minutes=30)


def test_a_hold_is_overdue_at_its_holders_rostered_end_plus_the_grace():
    hold = Hold("jd", 1, local("2026-11-02", "08:50"), None, id=7)
    shifts = [
        Shift("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "18:00")),
        Shift("jd", 2, local("2026-11-02", "18:00"), local("2026-11-02", "23:00")),
        Shift("vip", 1, local("2026-11-02", "09:00"), local("2026-11-02", "12:00")),
    ]
    assert shift_of(hold, shifts, GRACE) == shifts[0], "ten minutes early is that shift's take-over"
    assert overdue_of(hold, shifts, JD_HOURS, GRACE, DAY_END, SHANGHAI) == Overdue(hold, local("2026-11-02", "18:30"), ROSTER)


def test_without_a_shift_a_hold_is_overdue_past_its_platforms_scoring_hours():
    hold = Hold("jd", 1, local("2026-11-02", "14:00"), None, id=7)
    assert overdue_of(hold, [], JD_HOURS, GRACE, DAY_END, SHANGHAI) == Overdue(hold, local("2026-11-02", "23:30"), SCORING)
    early = Hold("jd", 1, local("2026-11-02", "08:30"), None)
    assert scoring_end(early.start, JD_HOURS, SHANGHAI) == local("2026-11-02", "23:00"), "before the hours: the coming span's end"
    late = Hold("tmall", 1, local("2026-11-02", "23:50"), None)
    assert overdue_of(late, [], TMALL_HOURS, GRACE, DAY_END, SHANGHAI).at == local("2026-11-03", "00:30")


def test_the_scoring_end_counts_when_it_comes_before_the_rostered_end():
    hold = Hold("jd", 1, local("2026-11-02", "14:00"), None)
    shifts = [Shift("jd", 1, local("2026-11-02", "14:00"), local("2026-11-03", "00:00"))]
    assert overdue_of(hold, shifts, JD_HOURS, GRACE, DAY_END, SHANGHAI).reason == SCORING
    assert overdue_of(hold, shifts, None, GRACE, DAY_END, SHANGHAI) == Overdue(hold, local("2026-11-03", "00:30"), ROSTER)


def test_with_neither_a_shift_nor_scoring_hours_the_days_end_is_the_last_resort():
    hold = Hold("vip", 1, local("2026-11-02", "14:00"), None)
    assert overdue_of(hold, [], None, GRACE, DAY_END, SHANGHAI) == Overdue(hold, local("2026-11-02", "23:59"), BY_DAY_END)
    assert overdue_of(Hold("vip", 1, local("2026-11-02", "23:59"), None), [], None, GRACE, DAY_END, SHANGHAI).at == local(
        "2026-11-03", "23:59"
    )


def test_an_overdue_hold_is_asked_about_open_or_taken_over_after_it_was_overdue():
    due = local("2026-11-02", "18:30")
    open_hold = Hold("jd", 1, local("2026-11-02", "09:00"), None)
    assert not is_forgotten(Overdue(open_hold, due, ROSTER), local("2026-11-02", "18:29"), taken_over=False)
    assert is_forgotten(Overdue(open_hold, due, ROSTER), due, taken_over=False)
    taken_next_morning = Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-03", "09:00"))
    assert is_forgotten(Overdue(taken_next_morning, due, ROSTER), local("2026-11-03", "09:05"), taken_over=True)
    assert not is_forgotten(Overdue(taken_next_morning, due, ROSTER), local("2026-11-03", "09:05"), taken_over=False), "they handed off"
    taken_in_time = Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "18:10"))
    assert not is_forgotten(Overdue(taken_in_time, due, ROSTER), local("2026-11-03", "09:05"), taken_over=True)


instants = st.integers(min_value=0, max_value=72 * 60).map(lambda m: local("2026-11-01", "00:00") + timedelta(minutes=m))


@given(start=instants, length=st.integers(min_value=0, max_value=48 * 60), answer=instants, still_open=st.booleans())
def test_a_correction_never_lengthens_a_hold_nor_ends_it_before_it_began(start, length, answer, still_open):
    hold = Hold("jd", 1, start, None if still_open else start + timedelta(minutes=length))
    end = corrected_end(hold, answer)
    assert end >= hold.start
    if hold.end is not None:
        assert end <= hold.end
    if hold.start <= answer and (hold.end is None or answer <= hold.end):
        assert end == answer, "an answer inside the hold is taken as it is"


@given(
    start=instants,
    shift_start=instants,
    shift_hours=st.integers(min_value=1, max_value=14),
    window=st.sampled_from([None, JD_HOURS, TMALL_HOURS]),
    grace=st.integers(min_value=0, max_value=120),
)
def test_the_overdue_moment_is_after_the_start_and_never_later_than_each_that_applies(start, shift_start, shift_hours, window, grace):
    hold = Hold("jd", 1, start, None)
    shift = Shift("jd", 1, shift_start, shift_start + timedelta(hours=shift_hours))
    overdue = overdue_of(hold, [shift], window, timedelta(minutes=grace), DAY_END, SHANGHAI)
    assert overdue.at > hold.start
    if shift_of(hold, [shift], timedelta(minutes=grace)) is not None:
        assert overdue.at <= shift.end + timedelta(minutes=grace)
    if window is not None:
        assert overdue.at <= scoring_end(start, window, SHANGHAI) + timedelta(minutes=grace)
        assert overdue.at - hold.start <= timedelta(hours=40), "the next scoring span ends within a day and a half"


def test_last_activity_is_the_latest_of_start_cases_and_conversations_before_the_day_end():
    hold = Hold("jd", 1, local("2026-11-02", "14:00"), None)
    until = local("2026-11-02", "23:59")
    cases = [local("2026-11-02", "17:10"), local("2026-11-02", "18:05")]
    assert last_activity(hold, [], [], until).source == START
    assert last_activity(hold, cases, [local("2026-11-02", "17:50")], until) == last_activity(hold, cases, [], until)
    assert last_activity(hold, cases, [], until).at == local("2026-11-02", "18:05")
    latest = last_activity(hold, cases, [local("2026-11-02", "18:40"), local("2026-11-03", "08:00")], until)
    assert (latest.at, latest.source) == (local("2026-11-02", "18:40"), CONVERSATION), "the next morning's work is not theirs"
    assert last_activity(hold, [local("2026-11-02", "13:00")], [], until).source == START, "before the hold is not the hold"
    assert last_activity(hold, cases, [], until).source == CASE


def test_a_typed_time_is_read_on_the_holds_day_and_small_hours_after_it():
    hold = Hold("jd", 1, local("2026-11-02", "14:00"), None)
    read = lambda hh, mm: read_left_time(time(hh, mm), hold, MORNING, SHANGHAI)  # noqa: E731
    assert read(18, 30) == local("2026-11-02", "18:30")
    assert read(0, 30) == local("2026-11-03", "00:30")
    assert read(8, 30) == local("2026-11-03", "08:30")
    assert read(13, 0) == local("2026-11-02", "13:00"), "before the start: refused by closing_refusal, not moved"
    night = Hold("jd", 1, local("2026-11-02", "02:00"), None)
    assert read_left_time(time(3, 0), night, MORNING, SHANGHAI) == local("2026-11-02", "03:00")
    assert read_left_time(time(1, 0), night, MORNING, SHANGHAI) == local("2026-11-03", "01:00")
    assert read_left_time(time(18, 0), night, MORNING, SHANGHAI) == local("2026-11-02", "18:00")


def test_a_hold_closes_only_between_its_start_and_now():
    hold = Hold("jd", 1, local("2026-11-02", "14:00"), None)
    now = local("2026-11-03", "09:30")
    assert closing_refusal(hold, local("2026-11-02", "13:59"), now) == "before_start"
    assert closing_refusal(hold, local("2026-11-03", "09:31"), now) == "in_future"
    assert closing_refusal(hold, local("2026-11-02", "14:00"), now) is None
    assert closing_refusal(hold, now, now) is None


# -- late starts ---------------------------------------------------------------------------------------


def test_a_shift_is_late_after_the_grace_until_the_agent_takes_over_or_it_ends():
    shift = Shift("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "18:00"))
    grace = timedelta(minutes=15)
    assert late_starts([shift], [], local("2026-11-02", "09:14"), grace) == []
    assert late_starts([shift], [], local("2026-11-02", "09:15"), grace) == [shift]
    assert late_starts([shift], [], local("2026-11-02", "18:00"), grace) == [], "over: nothing to nudge"
    someone_else = [Hold("jd", 2, local("2026-11-02", "08:00"), None)]
    assert late_starts([shift], someone_else, local("2026-11-02", "09:20"), grace) == [shift]
    on_since_before = [Hold("jd", 1, local("2026-11-02", "08:50"), None)]
    assert late_starts([shift], on_since_before, local("2026-11-02", "09:20"), grace) == []
    left_before = [Hold("jd", 1, local("2026-11-02", "07:00"), local("2026-11-02", "09:00"))]
    assert late_starts([shift], left_before, local("2026-11-02", "09:20"), grace) == [shift]


# -- the digest's checks -------------------------------------------------------------------------------


def test_overlaps_are_between_holders_of_one_account_only():
    now = local("2026-11-02", "22:00")
    a = Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "12:00"), id=1)
    b = Hold("jd", 2, local("2026-11-02", "11:00"), local("2026-11-02", "13:00"), id=2)
    c = Hold("jd", 3, local("2026-11-02", "13:00"), None, id=3)
    helper = Hold("jd", 4, local("2026-11-02", "09:30"), local("2026-11-02", "10:00"), id=4, role=HELPER)
    other = Hold("vip", 5, local("2026-11-02", "10:00"), None, id=5)
    assert [(o.first.id, o.second.id) for o in overlapping_holds([c, b, a, helper, other], now)] == [(1, 2)]


def test_over_long_holds_count_an_open_one_up_to_now():
    now = local("2026-11-02", "22:00")
    holds = [
        Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "18:00"), id=1),
        Hold("vip", 2, local("2026-11-02", "11:00"), None, id=2),
    ]
    assert [h.id for h in over_long_holds(holds, now, timedelta(hours=10))] == [2]


def test_a_missing_import_is_a_day_after_the_accounts_first_import_without_conversations():
    days = [date(2026, 11, d) for d in range(1, 8)]
    first = {"jd": date(2026, 11, 3), "vip": date(2026, 10, 1)}
    imported = {"jd": {date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 6), date(2026, 11, 7)}, "vip": set(days)}
    assert missing_import_days(days, first, imported) == {"jd": [date(2026, 11, 5)]}


# -- kept covers ------------------------------------------------------------------------------------

HOUR = timedelta(hours=1)
ON_DUTY = [
    Shift("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "17:00")),
    Shift("vip", 2, local("2026-11-02", "09:00"), local("2026-11-02", "17:00")),
]
OWN_VIP = [(local("2026-11-02", "09:00"), None)]  # agent 2's hold on vip, still open


def test_a_cover_kept_an_hour_beside_ones_own_account_is_overdue_then():
    cover = Hold("jd", 2, local("2026-11-02", "12:00"), None, id=3)
    at = cover_overdue_at(cover, ON_DUTY, OWN_VIP, after=HOUR, horizon=local("2026-11-02", "13:00"))
    assert at == local("2026-11-02", "13:00")
    assert cover_overdue_at(cover, ON_DUTY, OWN_VIP, after=HOUR, horizon=local("2026-11-02", "12:59")) is None, "not yet"
    overdue = overdue_of(cover, ON_DUTY, JD_HOURS, GRACE, DAY_END, SHANGHAI, cover_at=at)
    assert overdue == Overdue(cover, at, COVER), "before the scoring hours' end"


def test_a_cover_handed_back_within_the_hour_is_not_overdue():
    back = Hold("jd", 2, local("2026-11-02", "12:00"), local("2026-11-02", "12:40"))
    assert cover_overdue_at(back, ON_DUTY, OWN_VIP, after=HOUR, horizon=local("2026-11-02", "20:00")) is None


def test_holding_only_a_colleagues_account_is_working_their_shift_not_covering():
    in_her_place = Hold("jd", 2, local("2026-11-02", "09:00"), None)
    assert cover_overdue_at(in_her_place, ON_DUTY, [], after=HOUR, horizon=local("2026-11-02", "16:00")) is None
    # From the moment he takes his own account as well, it is a cover: the hour counts from then.
    beside = [(local("2026-11-02", "11:00"), None)]
    assert cover_overdue_at(in_her_place, ON_DUTY, beside, after=HOUR, horizon=local("2026-11-02", "16:00")) == local("2026-11-02", "12:00")


def test_no_cover_on_an_account_nobody_else_is_rostered_on_or_that_the_holder_is_rostered_on():
    cover = Hold("jd", 2, local("2026-11-02", "12:00"), None)
    evening = local("2026-11-02", "23:00")
    assert cover_overdue_at(cover, ON_DUTY[1:], OWN_VIP, after=HOUR, horizon=evening) is None, "nobody's shift on jd"
    both = [*ON_DUTY, Shift("jd", 2, local("2026-11-02", "12:00"), local("2026-11-02", "18:00"))]
    assert cover_overdue_at(cover, both, OWN_VIP, after=HOUR, horizon=evening) is None, "his own shift on jd"
    # Her shift ends at 17:00: a cover taken at 16:30 is not one an hour later.
    late = Hold("jd", 2, local("2026-11-02", "16:30"), None)
    assert cover_overdue_at(late, ON_DUTY, OWN_VIP, after=HOUR, horizon=evening) is None


minutes_in_day = st.integers(min_value=0, max_value=24 * 60)


@given(
    start=minutes_in_day,
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=12 * 60)),
    beside=st.lists(st.tuples(minutes_in_day, st.integers(min_value=0, max_value=12 * 60)), max_size=3),
    after=st.integers(min_value=1, max_value=180),
)
def test_a_cover_is_overdue_only_after_an_unbroken_stretch_of_covering(start, length, beside, after):
    day = local("2026-11-02", "00:00")
    hold = Hold("jd", 2, day + timedelta(minutes=start), None if length is None else day + timedelta(minutes=start + length))
    spans = [(day + timedelta(minutes=b), day + timedelta(minutes=b + n)) for b, n in beside]
    horizon = day + timedelta(days=2)
    at = cover_overdue_at(hold, ON_DUTY, spans, after=timedelta(minutes=after), horizon=horizon)
    if at is None:
        return
    stretch_start = at - timedelta(minutes=after)
    assert stretch_start >= hold.start and (hold.end is None or at <= hold.end)
    assert ON_DUTY[0].start <= stretch_start and at <= ON_DUTY[0].end, "while she was rostered on jd"
    probe = stretch_start
    while probe < at:  # every minute of the stretch, he held another account too
        assert any(lo <= probe < hi for lo, hi in spans)
        probe += timedelta(minutes=1)
