"""[imports]: the limits an upload is read within, documented in the example and checked at start-up."""

import pytest

from bot.core.config import ConfigError, load_config, parse_config
from storage.importers.limits import MB
from tests.test_config import EXAMPLE, minimal


def test_the_example_documents_the_import_limits_and_they_reach_the_reader():
    config = load_config(EXAMPLE, environ={})
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in ("max_file_mb", "max_inflated_mb", "max_cells", "max_rows"):
        assert f"\n{key} = " in text
    limits = config.imports.limits()
    assert (limits.max_bytes, limits.max_inflated_bytes, limits.max_cells, limits.max_rows) == (20 * MB, 200 * MB, 4_000_000, 1_000_000)
    assert config.imports.limits(max_bytes=256 * MB).max_bytes == 256 * MB


def test_an_import_limit_can_be_set_and_a_bad_one_is_named():
    config = parse_config({**minimal(), "imports": {"max_inflated_mb": 50, "max_rows": 5000}})
    assert (config.imports.limits().max_inflated_bytes, config.imports.limits().max_rows) == (50 * MB, 5000)
    with pytest.raises(ConfigError) as error:
        parse_config({**minimal(), "imports": {"max_cells": 0}})
    assert "imports.max_cells" in str(error.value)
