"""Issue 15: a file's name is a label: what would break storage, a terminal or a group message is dropped."""

import pytest

from bot.text.filenames import MAX_NAME, upload_name


@pytest.mark.parametrize(
    "name, shown",
    [
        ("会话\x00明细.csv", "会话明细.csv"),  # PostgreSQL stores no NUL
        ("jd\x1b[31m.csv", "jd[31m.csv"),  # no terminal escape reaches a log or a reply
        ("\u202egpj.xlsx", "gpj.xlsx"),  # a bidi override would reverse the words after it
        ("a\u200bb\tc\n.csv", "ab c .csv"),
        ("\x00\x01", "export"),
        (None, "export"),
    ],
)
def test_control_format_and_bidi_characters_leave_a_file_name(name, shown):
    assert upload_name(name, "export") == shown


def test_a_long_name_is_cut_but_keeps_its_suffix_which_tells_a_workbook_from_a_csv():
    name = upload_name("导出" * 200 + ".xlsx", "export")
    assert len(name) == MAX_NAME and name.startswith("导出导出") and name.endswith(".xlsx")
