"""备份与恢复: backup/restore round trip, refusals, verification of backup files, rotation."""

import os
import shutil
import sqlite3
import time

import pytest

pytestmark = pytest.mark.sqlite_only   # backups are copies of the SQLite file; a server is backed up by its administrator (pg_dump)

from models import audit, backup, people, settings, setup
from models.db import close_database, db
from models.errors import DatabaseMissing, DatabaseProblem, DatabaseTooNew, NotADatabase
from models.paths import backups_dir
from models.migrations import LATEST

ID = "11010519491231002X"


def _dump(path) -> dict[str, list[tuple]]:
    """Every row of every table, read with plain sqlite3."""
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def window(make_user):
    return make_user("window")


@pytest.fixture
def filled(admin, window):
    """Initialised database holding a person and an organisation."""
    people.save_person(window, {"name": "张三", "id_number": ID, "phone": "13812345678"})
    people.save_organisation(window, {"name": "合作社", "credit_code": "91500222MA5U12345X"})
    return admin


def _change_everything(admin, window):
    people.soft_delete(admin, people.find_person_by_id(ID))
    people.save_person(window, {"name": "李四"})
    settings.update(admin, {"hall_phone": "023-48610000"})


# --------------------------------------------------------------------------- round trip

def test_backup_then_restore_gives_back_identical_rows(filled, window, db_path, tmp_path):
    out = backup.backup_database(db_path, tmp_path / "copy.db")
    at_backup = _dump(db_path)
    assert _dump(out) == at_backup
    _change_everything(filled, window)
    close_database()
    before_restore = _dump(db_path)
    assert before_restore != at_backup
    backup.restore_database(db_path, out)
    assert _dump(db_path) == at_backup


def test_restored_database_opens_and_works(filled, window, db_path, tmp_path):
    out = backup.backup_database(db_path, tmp_path / "copy.db")
    _change_everything(filled, window)
    close_database()
    backup.restore_database(db_path, out)
    setup.open_app_database(db_path)
    assert people.find_person_by_id(ID).name == "张三"
    assert settings.get("hall_phone") == "023-48612345"


def test_backup_file_is_a_single_rollback_journal_file(filled, db_path, tmp_path):
    out = backup.backup_database(db_path, tmp_path / "copy.db")
    conn = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]


def test_restore_keeps_replaced_database_in_backups_folder(filled, window, db_path, tmp_path):
    out = backup.backup_database(db_path, tmp_path / "copy.db")
    _change_everything(filled, window)
    close_database()
    before_restore = _dump(db_path)
    kept = backup.restore_database(db_path, out)
    assert kept is not None and kept.parent == backups_dir(db_path)
    assert kept.name.startswith("before-restore-")
    assert _dump(kept) == before_restore


def test_restore_refuses_a_damaged_backup_and_keeps_database(filled, db_path, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    close_database()
    before = _dump(db_path)
    with pytest.raises(NotADatabase):
        backup.restore_database(db_path, bad)
    assert _dump(db_path) == before


def test_restore_refuses_database_itself(filled, db_path):
    close_database()
    with pytest.raises(DatabaseProblem):
        backup.restore_database(db_path, db_path)


# --------------------------------------------------------------------------- backup refusals

def test_backup_refuses_existing_output_file(filled, db_path, tmp_path):
    out = tmp_path / "copy.db"
    out.write_bytes(b"yesterday's backup")
    with pytest.raises(DatabaseProblem) as info:
        backup.backup_database(db_path, out)
    assert "已存在" in str(info.value)
    assert out.read_bytes() == b"yesterday's backup"
    assert not (tmp_path / "copy.db.partial").exists()


def test_backup_refuses_missing_output_folder(filled, db_path, tmp_path):
    folder = tmp_path / "usb"
    with pytest.raises(DatabaseProblem) as info:
        backup.backup_database(db_path, folder / "copy.db")
    assert "不存在" in str(info.value)
    assert not folder.exists()


def test_backup_refuses_missing_source(tmp_path):
    out = tmp_path / "copy.db"
    with pytest.raises(DatabaseMissing):
        backup.backup_database(tmp_path / "nothing.db", out)
    assert not out.exists()


# --------------------------------------------------------------------------- verifying a file

def test_schema_version_of_a_sound_backup(filled, db_path, tmp_path):
    out = backup.backup_database(db_path, tmp_path / "copy.db")
    assert backup.schema_version_of(out) == LATEST


def test_schema_version_of_refuses_text_file(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库 / not a database\n" * 50, encoding="utf-8")
    with pytest.raises(NotADatabase):
        backup.schema_version_of(path)


def test_schema_version_of_refuses_empty_file(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with pytest.raises(NotADatabase):
        backup.schema_version_of(path)


@pytest.fixture
def big_backup(admin, db_path, tmp_path):
    """A sound backup spanning many pages."""
    with db.atomic():
        for i in range(1500):
            audit.log("admin", "export", f"导出第{i}批 " + "记录" * 100)
    out = backup.backup_database(db_path, tmp_path / "big.db")
    page_size = sqlite3.connect(str(out)).execute("PRAGMA page_size").fetchone()[0]
    assert out.stat().st_size > 50 * page_size
    return out, page_size


def test_schema_version_of_refuses_truncated_database(big_backup, tmp_path):
    source, _ = big_backup
    data = source.read_bytes()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatabaseProblem):
        backup.schema_version_of(truncated)


def test_schema_version_of_refuses_first_two_pages_only(big_backup, tmp_path):
    source, page_size = big_backup
    truncated = tmp_path / "two-pages.db"
    truncated.write_bytes(source.read_bytes()[: 2 * page_size])
    with pytest.raises(DatabaseProblem):
        backup.schema_version_of(truncated)


def test_schema_version_of_refuses_foreign_sqlite_file(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE stock (item TEXT, qty INTEGER)")
    conn.execute("INSERT INTO stock VALUES ('rice', 3)")
    conn.commit()
    conn.close()
    with pytest.raises(NotADatabase) as info:
        backup.schema_version_of(path)
    assert "TownDesk" in str(info.value)


def _copy_from_a_newer_towndesk(db_path, tmp_path):
    out = backup.backup_database(db_path, tmp_path / "copy.db")
    conn = sqlite3.connect(str(out))
    conn.execute("INSERT INTO schema_version (version, applied_at, app_version) VALUES (99, '2030-01-01', '9.0')")
    conn.commit()
    conn.close()
    return out


def test_schema_version_of_refuses_newer_schema(filled, db_path, tmp_path):
    out = _copy_from_a_newer_towndesk(db_path, tmp_path)
    with pytest.raises(DatabaseTooNew):
        backup.schema_version_of(out)


def test_restore_refuses_newer_schema_and_keeps_database(filled, db_path, tmp_path):
    out = _copy_from_a_newer_towndesk(db_path, tmp_path)
    close_database()
    before = _dump(db_path)
    with pytest.raises(DatabaseTooNew):
        backup.restore_database(db_path, out)
    assert _dump(db_path) == before


# --------------------------------------------------------------------------- automatic backups

def _automatic(db_path):
    return sorted(backups_dir(db_path).glob("towndesk-*.db"))


def test_automatic_backup_goes_to_backups_folder(filled, db_path):
    out = backup.automatic_backup(db_path)
    assert out.parent == backups_dir(db_path)
    assert backup.schema_version_of(out) == LATEST


def test_automatic_backup_rotation_keeps_newest_three(filled, db_path):
    past = time.time() - 1000
    made = []
    for i in range(5):
        made.append(backup.automatic_backup(db_path, keep=3))
        os.utime(made[-1], (past + i, past + i))  # distinct ages, whatever the clock's resolution
    remaining = _automatic(db_path)
    assert len(remaining) == 3
    assert set(remaining) == set(made[2:])


def test_rotation_leaves_other_backups_alone(filled, db_path):
    other = backup.automatic_backup(db_path, label="before-upgrade-v1-to-v2-")
    for _ in range(4):
        backup.automatic_backup(db_path, keep=2)
    assert other.exists()
    assert len(_automatic(db_path)) == 2


def test_newest_sound_backup_skips_damaged_newest(filled, db_path):
    good = backup.automatic_backup(db_path)
    damaged = backups_dir(db_path) / "towndesk-damaged.db"
    damaged.write_bytes(good.read_bytes()[:1000])
    newer = time.time() + 60
    os.utime(damaged, (newer, newer))
    assert backup.list_backups(db_path)[0] == damaged
    assert backup.newest_sound_backup(db_path) == good


def test_newest_sound_backup_none_without_backups(filled, db_path):
    assert backup.newest_sound_backup(db_path) is None
    backups_dir(db_path).mkdir()
    shutil.copy(__file__, backups_dir(db_path) / "towndesk-junk.db")
    assert backup.newest_sound_backup(db_path) is None


def _damage_root_page(db_path, sql_name: str) -> None:
    """Overwrite the root page of one table or index with garbage (the file must be closed)."""
    conn = sqlite3.connect(str(db_path))
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (sql_name,)).fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    with open(db_path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * page_size)


def _an_index_of(db_path, table: str) -> str:
    conn = sqlite3.connect(str(db_path))
    try:
        return conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                            "AND sql IS NOT NULL ORDER BY name", (table,)).fetchone()[0]
    finally:
        conn.close()


def test_start_up_of_a_very_large_file_checks_the_core_tables_and_check_the_whole(filled, db_path, monkeypatch):
    """Reading every page of a file of gigabytes takes minutes: start-up checks what logging in needs."""
    from models import db as db_module
    from models.errors import DatabaseDamaged

    close_database()
    _damage_root_page(db_path, _an_index_of(db_path, "person"))
    with pytest.raises(DatabaseDamaged):           # a small file is checked whole at start-up
        setup.open_app_database(db_path)
    monkeypatch.setattr(db_module, "FULL_CHECK_BYTES", 0)  # now it counts as very large
    setup.open_app_database(db_path)                # the core tables are sound: it opens
    assert setup.is_initialised()
    close_database()
    with pytest.raises(DatabaseDamaged, match="完整性检查未通过"):
        backup.inspect_file(db_path)                # `main.py check` and every backup read it all


def test_start_up_of_a_very_large_file_refuses_damage_to_the_accounts(filled, db_path, monkeypatch):
    from models import db as db_module
    from models.errors import DatabaseDamaged

    close_database()
    _damage_root_page(db_path, _an_index_of(db_path, "user"))
    monkeypatch.setattr(db_module, "FULL_CHECK_BYTES", 0)
    with pytest.raises(DatabaseDamaged):
        setup.open_app_database(db_path)
