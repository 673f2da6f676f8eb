"""Issue 15: `baton import` reads a file within the same bounds as an upload, and names it safely."""

from tests.storage import abuse_samples as abuse
from tests.storage.export_samples import jd_csv_bytes
from tests.test_cli_import import ROWS, baton, stored


def test_a_workbook_with_a_far_cell_is_refused_with_exit_2_and_nothing_stored(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(abuse.far_cell_xlsx("XFD200000"))
    refused = baton(tmp_path, "import", str(bomb), "--account", "jd", language="en")
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("Cannot read the file, nothing imported: its sheet spans 3,276,800,000 cells from A1")
    assert stored(tmp_path) == 0


def test_control_characters_leave_the_name_of_a_file_imported_from_the_command_line(tmp_path):
    export = tmp_path / "jd\x1b[31m.csv"
    export.write_bytes(jd_csv_bytes(ROWS))
    imported = baton(tmp_path, "import", str(export), "--account", "jd")
    assert imported.returncode == 0, imported.stderr
    assert "\x1b" not in imported.stdout
    assert imported.stdout.splitlines()[0].startswith("📥 导入 jd[31m.csv → 京东旗舰店")
    assert stored(tmp_path) == 5
