"""Where TownDesk keeps its files: the user's data folder, backups, logs, and the bundled resources."""

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "TownDesk"
DB_FILENAME = "towndesk.db"


def data_dir() -> Path:
    """The user's data folder (created on demand). TOWNDESK_DATA_DIR overrides it, e.g. for tests."""
    override = os.environ.get("TOWNDESK_DATA_DIR")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return folder


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def database_setting_path() -> Path:
    """Where this PC remembers the town hall's server (one line, a postgresql:// URL), set by ``main.py connect``."""
    return data_dir() / "database.txt"


def remembered_database() -> str | None:
    """The server this PC was told to use, or None (the local file in the data folder)."""
    try:
        text = database_setting_path().read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return text or None


def remember_database(target: str | None) -> None:
    """Use ``target`` from now on when no --db is given; None goes back to the local file."""
    path = database_setting_path()
    if target is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(target + "\n", encoding="utf-8")
    try:
        path.chmod(0o600)   # the URL may hold the server password
    except OSError:
        pass


def log_dir() -> Path:
    return data_dir() / "logs"


def backups_dir(db_path: Path) -> Path:
    """Backups live beside the database they protect, so a restore never has to search."""
    return Path(db_path).resolve().parent / "backups"


def resource_path(*parts: str) -> Path:
    """A file under resources/, both in the source tree and in a PyInstaller bundle (sys._MEIPASS)."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base.joinpath("resources", *parts)
