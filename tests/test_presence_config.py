"""[presence] in the configuration, and the buttons its features write."""

from datetime import UTC, datetime

import pytest

from bot.console import callbacks as console_cb
from bot.core.config import ConfigError
from bot.core.settings import PresenceSettings
from bot.presence import callbacks as presence_cb
from tests.factories import team_config


def test_presence_defaults_and_overrides():
    assert team_config().presence == PresenceSettings()
    assert team_config(presence={"max_backdate_minutes": 45}).presence.max_backdate_minutes == 45


@pytest.mark.parametrize(
    ("values", "key"), [({"max_backdate_minutes": 0}, "presence.max_backdate_minutes"), ({"typo": 1}, "presence.typo")]
)
def test_a_bad_presence_value_names_its_key(values, key):
    with pytest.raises(ConfigError) as refused:
        team_config(presence=values)
    assert key in str(refused.value)


def test_the_backdate_and_hand_back_buttons_round_trip_within_64_bytes():
    at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    press = console_cb.BackdatePress(123456, "a-long-account-key", 9_999_999, at, "aftersale")
    data = console_cb.encode_backdate(press)
    assert data == "bk:123456:a-long-account-key:9999999:1793581200:aftersale"
    assert console_cb.decode_backdate(data) == press
    assert console_cb.decode_backdate("bk:1:jd:2:3:nonsense") is None
    assert console_cb.decode_backdate(console_cb.encode_backdate(console_cb.BackdatePress(1, "jd", 2, at))).case_type is None
    for action in (presence_cb.HAND_BACK, presence_cb.TAKE_BACK):
        pressed = presence_cb.PresencePress(action, 42)
        assert presence_cb.decode(presence_cb.encode(pressed)) == pressed
    assert presence_cb.decode("pr:x:1") is None
