"""Shared fixtures: every test gets its own temporary database and data folder; Qt runs offscreen."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from models import accounts, setup  # noqa: E402
from models.db import close_database  # noqa: E402

# No per-example deadline: speed is measured in bench/, and a loaded CI machine must not fail a property.
hypothesis_settings.register_profile("towndesk", deadline=None)
hypothesis_settings.load_profile("towndesk")

# the grid workers, grids and residents the patrol tests share
pytest_plugins = ["tests.patrol_fixtures"]

ADMIN_PASSWORD = "Admin2022x"
USER_PASSWORD = "Staff2022x"


_COLLECTOR = []


def built_once(tmp_path_factory, name: str, build) -> "Path":
    """A database file made once for a module: created, filled by ``build()`` with its own data folder, closed.
    Tests copy it (it is never opened in place)."""
    folder = tmp_path_factory.mktemp(name)
    path = folder / f"{name}.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOWNDESK_DATA_DIR", str(folder / "data"))
        setup.open_app_database(path, create=True)
        try:
            build()
        finally:
            close_database()
    return path


@pytest.fixture(autouse=True)
def gui_thread_gc(request):
    """As the application does (ui.common.GuiThreadCollector): once a test has Qt, cyclic garbage is
    collected on the GUI thread only — here after each test too, since a test may not run the event loop."""
    if not _COLLECTOR and {"qtbot", "qapp"} & set(request.fixturenames):
        from ui.common import GuiThreadCollector

        _COLLECTOR.append(GuiThreadCollector(request.getfixturevalue("qapp")))
    yield
    if _COLLECTOR:
        _COLLECTOR[0].check()


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """The user's data folder, redirected so no test touches the real one."""
    folder = tmp_path / "data"
    monkeypatch.setenv("TOWNDESK_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "towndesk.db"


@pytest.fixture
def database(db_path):
    """A fresh, migrated, not yet initialised database."""
    setup.open_app_database(db_path, create=True)
    yield db_path
    if "ui.common" in sys.modules:  # a count still running off the GUI thread reads this database
        sys.modules["ui.common"].wait_quiet_work()
    close_database()


@pytest.fixture
def admin(database):
    """The database after first-run set-up (打通镇, post DT00); returns the admin user."""
    return setup.initialise("打通镇", "打通镇便民服务中心", "DT00", "admin", ADMIN_PASSWORD,
                            district="綦江区", hall_phone="023-48612345", admin_display_name="王管理")


@pytest.fixture
def make_user(admin):
    """make_user('window') → a user holding those roles, created by the admin."""
    def make(*roles, username=None):
        name = username or ("u_" + "_".join(roles))
        return accounts.create_user(admin, name, "测试" + "".join(accounts.ROLES[r] for r in roles),
                                    list(roles), USER_PASSWORD)
    return make


def type_text(qtbot, widget, text: str) -> None:
    """Type like a person: ASCII as key presses, Chinese committed through the input method, as an IME does.

    (QTest.keyClicks aborts the process on characters outside ASCII.)
    """
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    run = ""
    for char in text + "\0":
        if char.isascii() and char != "\0":
            run += char
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        if char != "\0":
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def pytest_collection_modifyitems(items):
    """A hung test (a modal dialog nobody answers) fails with a traceback instead of stalling CI."""
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(300, method="thread"))  # a signal cannot interrupt Qt's C++ event loop
