"""备份与恢复: consistent copies of a live SQLite database, verification, restore, rotation.

Copies go through SQLite's online backup API, so a backup taken while windows are writing is
still a consistent snapshot. Backup files are written in rollback-journal mode: one
self-contained file that can be carried on a USB stick.
"""

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from models.db import SQLITE_HEADER, check_sqlite_file, quick_check, startup_check_tables, translate_sqlite_error
from models.errors import DatabaseProblem, DatabaseReadOnly, DatabaseTooNew, NotADatabase
from models.paths import backups_dir

AUTO_PREFIX = "towndesk-"
KEEP_AUTOMATIC = 20


def _timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def _ensure_backups_dir(db_path) -> Path:
    folder = backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseReadOnly(f"无法创建备份文件夹 {folder}：{exc.strerror}") from exc
    return folder


def _check_target(out: Path) -> None:
    if out.exists():
        raise DatabaseProblem(f"目标文件 {out} 已存在，不会覆盖。请换一个文件名。")
    if not out.parent.exists():
        raise DatabaseProblem(f"目标文件夹 {out.parent} 不存在。")
    if not os.access(out.parent, os.W_OK):
        raise DatabaseReadOnly(f"目标文件夹 {out.parent} 是只读的，无法写入备份。")


def _copy(source: Path, dest: Path, journal_mode: str) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
            dst.execute(f"PRAGMA journal_mode={journal_mode}")
            quick_check(dst.execute, str(dest))
        finally:
            dst.close()
    finally:
        src.close()


def backup_database(db_path, out) -> Path:
    """Write a verified copy of `db_path` to `out` (which must not exist yet)."""
    db_path, out = Path(db_path), Path(out).expanduser()
    check_sqlite_file(db_path, must_exist=True, writable=False)
    _check_target(out)
    partial = out.with_name(out.name + ".partial")
    try:
        _copy(db_path, partial, "DELETE")
        os.replace(partial, out)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, str(db_path)) from exc
    except OSError as exc:
        raise DatabaseReadOnly(f"无法写入备份文件 {out}：{exc.strerror}") from exc
    finally:
        if partial.exists():
            partial.unlink()
    return out


def schema_version_of(path) -> int:
    """Verify a file is a sound TownDesk database and return its schema version (read-only)."""
    return inspect_file(path)[0]


def inspect_file(path, allow_blank: bool = False, whole: bool = True) -> tuple[int, bool]:
    """Read-only verification of a TownDesk file: (schema version, whether first-run set-up was done).

    Refuses a file that is damaged, someone else's SQLite database, or written by a newer TownDesk;
    `allow_blank` accepts an SQLite file with no tables at all (a database about to be created);
    `whole=False` is the start-up check, which covers only the core tables of a very large file.
    """
    from models.migrations import LATEST

    path = Path(path).expanduser()
    check_sqlite_file(path, must_exist=True, writable=False)
    with open(path, "rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise NotADatabase(f"{path} 不是 TownDesk 数据库文件（空文件或格式不符）。")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            quick_check(conn.execute, str(path), None if whole else startup_check_tables(path))
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
            if not has_table:
                if allow_blank and conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0:
                    return 0, False
                raise NotADatabase(f"{path} 是 SQLite 文件，但不是 TownDesk 数据库。")
            version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
            initialised = bool(version) and conn.execute(
                "SELECT (SELECT COUNT(*) FROM setting WHERE key='post_code' AND value<>'')"
                " AND (SELECT COUNT(*) FROM user)").fetchone()[0] == 1
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, str(path)) from exc
    if version > LATEST:
        raise DatabaseTooNew(f"{path} 由更新版本的 TownDesk 写入（数据结构第{version}版，本程序支持到第{LATEST}版）。")
    return version, initialised


def restore_database(db_path, backup_file) -> Path | None:
    """Replace `db_path` with `backup_file` after verifying it; the replaced database is kept first.

    Returns where the replaced database was kept (None when there was none). The caller must have
    closed its own connection.
    """
    db_path, backup_file = Path(db_path), Path(backup_file).expanduser()
    schema_version_of(backup_file)
    if db_path.resolve() == backup_file.resolve():
        raise DatabaseProblem("不能用数据库文件本身来恢复它。")
    kept = None
    if db_path.exists():
        check_sqlite_file(db_path, must_exist=True, writable=True)
        folder = _ensure_backups_dir(db_path)
        kept = _unique(folder / f"before-restore-{_timestamp()}.db")
        try:
            backup_database(db_path, kept)
        except DatabaseProblem:
            # A damaged database cannot be read through the backup API: keep its raw files instead.
            kept = kept.with_suffix(".damaged")
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(db_path) + suffix)
                if source.exists():
                    shutil.copy2(source, str(kept) + suffix)
            Path(str(db_path) + "-wal").unlink(missing_ok=True)
            Path(str(db_path) + "-shm").unlink(missing_ok=True)
            db_path.unlink()
    else:
        check_sqlite_file(db_path, must_exist=False)
    try:
        src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(str(db_path))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")
                quick_check(dst.execute, str(db_path))
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, str(db_path)) from exc
    return kept


def automatic_backup(db_path, keep: int = KEEP_AUTOMATIC, label: str = AUTO_PREFIX) -> Path:
    """A dated copy in the backups folder; the oldest automatic copies beyond `keep` are removed."""
    folder = _ensure_backups_dir(db_path)
    out = backup_database(db_path, _unique(folder / f"{label}{_timestamp()}.db"))
    if label == AUTO_PREFIX:
        automatic = sorted(folder.glob(f"{AUTO_PREFIX}*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in automatic[keep:]:
            old.unlink()
    return out


def list_backups(db_path) -> list[Path]:
    """Every backup beside the database, newest first."""
    folder = backups_dir(db_path)
    if not folder.exists():
        return []
    return sorted((p for p in folder.glob("*.db") if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True)


def newest_sound_backup(db_path) -> Path | None:
    for candidate in list_backups(db_path):
        try:
            schema_version_of(candidate)
        except DatabaseProblem:
            continue
        return candidate
    return None


def automatic_backup_if_due(db_path, hours: float = 20) -> Path | None:
    """The daily automatic copy, taken when the application closes if the last one is old enough."""
    from time import time

    folder = backups_dir(db_path)
    recent = [p for p in folder.glob(f"{AUTO_PREFIX}*.db")] if folder.exists() else []
    if recent and time() - max(p.stat().st_mtime for p in recent) < hours * 3600:
        return None
    return automatic_backup(db_path)
