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

# The tests (the GUI ones included) run twice in CI: on SQLite files, and with TOWNDESK_TEST_POSTGRES set to a server URL
# (a role that may create databases) on PostgreSQL, each test on a database of its own. Tests of what only a
# file has (backups, PRAGMAs, the released fixture files) are marked sqlite_only.
SERVER = os.environ.get("TOWNDESK_TEST_POSTGRES", "")
_SERVER_DATABASES = []
# as the README tells a town hall to create its database: Chinese is searched under a UTF-8 character class
SERVER_DATABASE_OPTIONS = "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"


def pytest_addoption(parser):
    parser.addoption("--build", action="store_true",
                     help="also run the tests marked build: PyInstaller builds the application and runs it (minutes)")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: tests what only a local SQLite file has (not run on PostgreSQL)")
    config.addinivalue_line("markers", "build: builds the installable folder with PyInstaller (run with --build; "
                                       ".ci/run does)")
    config.addinivalue_line("markers", "server_only: tests what only the PostgreSQL server has")


def _server(statement: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(statement)


def server_url(name: str) -> str:
    """The test server's URL for database ``name``."""
    from urllib.parse import urlparse

    return urlparse(SERVER)._replace(path="/" + name).geturl()


def new_server_database(template: str | None = None) -> str:
    """A new empty database on the test server (a copy of ``template`` if given); its URL."""
    name = f"td_{os.getpid()}_{len(_SERVER_DATABASES)}"
    _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _server(f'CREATE DATABASE "{name}" ' + (f'TEMPLATE "{template}"' if template else SERVER_DATABASE_OPTIONS))
    _SERVER_DATABASES.append(name)
    return server_url(name)


def drop_server_database(url: str) -> None:
    from urllib.parse import urlparse

    _server(f'DROP DATABASE IF EXISTS "{urlparse(url).path[1:]}" WITH (FORCE)')


def copy_of(built, tmp_path) -> str:
    """A copy a test may change of a database made by ``built_once``: a file copy, or a server database
    made from it as a template."""
    import shutil
    from urllib.parse import urlparse

    if SERVER:
        return new_server_database(template=urlparse(str(built)).path[1:])
    path = Path(tmp_path) / Path(built).name
    shutil.copyfile(built, path)
    return str(path)


def built_once(tmp_path_factory, name: str, build) -> "Path | str":
    """A database made once for a module: created, filled by ``build()`` with its own data folder, closed.
    Tests take a ``copy_of`` it (it is never opened in place). A file, or a server database's URL."""
    folder = tmp_path_factory.mktemp(name)
    target = new_server_database() if SERVER else folder / f"{name}.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOWNDESK_DATA_DIR", str(folder / "data"))
        setup.open_app_database(target, create=True)
        try:
            build()
        finally:
            close_database()
    return target


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


_REUSED = {}   # the PostgreSQL run's migrated database, emptied between tests instead of made anew

_FINGERPRINT = """
SELECT (SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class
        WHERE relnamespace = 'public'::regnamespace)
    || '|' || (SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal)
    || '|' || (SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version)
"""


def _emptied_server_database() -> str:
    """A migrated database on the test server with every table empty but schema_version — as a fresh one.

    Creating one costs seconds of DDL (a few hundred statements); emptying one takes one TRUNCATE. A test
    that changed the schema (the fingerprint differs) gets a new one."""
    import psycopg

    url = _REUSED.get("url")
    if url is not None:
        try:
            with psycopg.connect(url, autocommit=True) as connection:
                if connection.execute(_FINGERPRINT).fetchone()[0] == _REUSED["fingerprint"]:
                    connection.execute("SET lock_timeout = 5000")
                    with connection.transaction():   # the audit log refuses DELETE: its owner lifts that here
                        connection.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
                        connection.execute(_REUSED["empty"])
                        connection.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
                    return url
        except psycopg.Error:
            pass
        drop_server_database(url)
    url = new_server_database()
    setup.open_app_database(url, create=True)
    close_database()
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version'")]
        parents = {}
        for child, parent in connection.execute(
                "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"):
            parents.setdefault(child.strip('"'), set()).add(parent.strip('"'))
        ordered = []   # children before their parents, so plain DELETEs satisfy every foreign key

        def visit(table, seen=()):
            if table in ordered or table in seen:
                return
            for child in (c for c, ps in parents.items() if table in ps and c != table):
                visit(child, (*seen, table))
            ordered.append(table)

        for table in sorted(tables):
            visit(table)
        sequences = [row[0] for row in connection.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
        # DELETE of a few rows is far cheaper than TRUNCATE's new files for fifty tables and their indexes
        empty = [f'DELETE FROM "{t}"' for t in ordered]
        empty += [f"SELECT setval('\"{q}\"', 1, false)" for q in sequences if q != "schema_version_id_seq"]
        _REUSED.update(url=url, fingerprint=connection.execute(_FINGERPRINT).fetchone()[0], empty="; ".join(empty))
    return url


@pytest.fixture
def db_path(tmp_path):
    """Where the test's database is: a file, or (TOWNDESK_TEST_POSTGRES) an empty migrated database on the
    test server."""
    if SERVER:
        yield _emptied_server_database()
        close_database()
    else:
        yield tmp_path / "towndesk.db"


@pytest.fixture
def database(db_path):
    """A fresh, migrated, not yet initialised database."""
    setup.open_app_database(db_path, create=True)
    yield db_path
    if "ui.common" in sys.modules:  # a count still running off the GUI thread reads this database
        sys.modules["ui.common"].wait_quiet_work()
    close_database()


@pytest.fixture(scope="session", autouse=True)
def server_databases_dropped():
    """Every database a PostgreSQL run made is dropped at the end (the server outlives the run)."""
    yield
    for name in _SERVER_DATABASES:
        try:
            _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - best effort: a later run drops its own names first
            pass


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


@pytest.fixture
def messages(monkeypatch):
    """What the screens told the user in information and warning boxes, recorded instead of shown modally."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda parent, title, text, *a, **k: shown.append(("info", title, text))))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a, **k: shown.append(("warn", title, text))))
    return shown


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


def pytest_collection_modifyitems(config, items):
    """A hung test (a modal dialog nobody answers) fails with a traceback instead of stalling CI. On the
    PostgreSQL run the SQLite-only tests are deselected (they ran on the SQLite run), and the other way round;
    the build tests only with --build (.ci/run runs them after the rest)."""
    unwanted = {"sqlite_only" if SERVER else "server_only"} | (set() if config.getoption("--build") else {"build"})
    dropped = [item for item in items if any(item.get_closest_marker(m) for m in unwanted)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        gone = set(map(id, dropped))
        items[:] = [item for item in items if id(item) not in gone]
    for item in items:
        if item.get_closest_marker("timeout") is None:
            # a modal dialog nobody answers hangs a Qt test: 300 s; a data-layer test may build a demo year in its
            # module's fixture on a machine running the SQLite and PostgreSQL suites side by side: 900 s
            qt = {"qtbot", "qapp"} & set(getattr(item, "fixturenames", ()))
            item.add_marker(pytest.mark.timeout(300 if qt else 900, method="thread"))  # a signal cannot interrupt Qt's C++ event loop
