"""The town hall's PostgreSQL server: opening it, what it refuses, the schema on it, and what holds on both
back ends (the append-only audit log, the statistics triggers).

The tests marked server_only run on the PostgreSQL run of CI (TOWNDESK_TEST_POSTGRES); the others on both.
"""

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import peewee as pw
import pytest

from models import audit, migrations, setup
from models.audit import AuditEntry
from models.db import close_database, db, describe, is_server, open_database
from models.errors import DatabaseMissing, DatabaseProblem
from models.migrations import LATEST, STEPS, SchemaVersion
from tests.conftest import SERVER, drop_server_database, new_server_database, server_url

server_only = pytest.mark.server_only
HERE = Path(__file__).resolve().parent


# ------------------------------------------------------------------ on both back ends


def test_the_audit_log_cannot_be_changed_or_deleted(admin):
    entry = audit.log("admin", "update", "一条记录")
    with pytest.raises(pw.DatabaseError, match="操作日志只能追加，不能修改"):
        with db.atomic():
            AuditEntry.update(summary="改过").where(AuditEntry.id == entry.id).execute()
    with pytest.raises(pw.DatabaseError, match="操作日志只能追加，不能删除"):
        with db.atomic():
            AuditEntry.delete().where(AuditEntry.id == entry.id).execute()
    assert AuditEntry.get_by_id(entry.id).summary == "一条记录"


def test_a_case_changed_by_plain_sql_marks_its_days_for_the_statistics(make_user):
    """The statistics' triggers see every write to service_case, the sync import's and outside SQL's too."""
    from models import people
    from models.hall import cases, matters
    from models.hall.tables import ServiceCase
    from models.stats.summary import StatDirty

    window = make_user("window")
    person = people.save_person(window, {"name": "张三"})
    matter = matters.get_matter("XZFW-002")
    case = cases.intake(window, cases.Intake(matter=matter, applicant=person,
                                             materials={m["name"]: "已收取" for m in matter.materials}),
                        now=datetime(2024, 5, 20, 2, 0))
    assert [d.day for d in StatDirty.select()] == [case.accepted_on]
    StatDirty.delete().execute()
    ServiceCase.update(accepted_on=date(2024, 5, 21)).where(ServiceCase.id == case.id).execute()
    assert sorted(d.day for d in StatDirty.select()) == [case.accepted_on, date(2024, 5, 21)]
    StatDirty.delete().execute()
    ServiceCase.delete().where(ServiceCase.id == case.id).execute()
    assert [d.day for d in StatDirty.select()] == [date(2024, 5, 21)]


# ------------------------------------------------------------------ the server only


@server_only
def test_the_server_database_is_postgresql_and_its_password_is_never_shown(database):
    assert is_server()
    shown = describe(database)
    from urllib.parse import urlparse

    assert shown.startswith("postgresql://") and ":***@" in shown
    assert f":{urlparse(SERVER).password}@" not in shown


@server_only
def test_the_fresh_server_schema_has_every_table_search_index_and_trigger(database):
    from models.search import SearchIndex

    tables = set(db.get_tables())
    from tests.test_server import _models
    assert {m._meta.table_name for m in _models()} <= tables
    indexes = [SearchIndex]  # noqa: F841 - the six search tables, each with its trigram and word indexes
    for name in ("case_search", "dispute_search", "petition_search", "patrol_search", "grid_event_search", "hazard_search"):
        assert name in tables
        found = {r[0] for r in db.execute_sql("SELECT indexname FROM pg_indexes WHERE tablename = %s", (name,))}
        assert {f"{name}_text", f"{name}_idno", f"{name}_chars", f"{name}_idchars"} <= found
    triggers = {r[0] for r in db.execute_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert {"audit_log_no_update", "audit_log_no_truncate", "stat_case_insert", "stat_case_update",
            "stat_case_delete"} <= triggers
    assert db.execute_sql("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    assert migrations.current_version() == LATEST
    assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == list(range(1, LATEST + 1))


def _models():
    from models.db import BaseModel

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)
    return [m for m in subclasses(BaseModel) if m._meta.table_name not in ("record",)]


@server_only
def test_migrating_again_is_a_no_op_and_a_failing_step_leaves_the_server_schema_untouched(database):
    assert migrations.migrate() == []

    def failing():
        db.execute_sql("ALTER TABLE person ADD COLUMN note TEXT DEFAULT ''")
        raise RuntimeError("half way")

    with pytest.raises(RuntimeError):
        migrations.migrate(steps={**STEPS, LATEST + 1: ("会失败", failing)})
    columns = {c.name for c in db.get_columns("person")}
    assert "note" not in columns and migrations.current_version() == LATEST


@server_only
def test_two_windows_starting_on_a_new_server_database_upgrade_it_once(tmp_path):
    """Two processes open the same empty server database at once: one creates the schema, the other waits."""
    url = new_server_database()
    try:
        script = ("import sys; sys.path.insert(0, sys.argv[1]); from models import setup; "
                  "setup.open_app_database(sys.argv[2]); print('ok')")
        workers = [subprocess.Popen([sys.executable, "-c", script, str(HERE.parent), url],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env={**__import__("os").environ, "TOWNDESK_DATA_DIR": str(tmp_path / f"d{i}")})
                   for i in range(2)]
        outputs = [w.communicate(timeout=240) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outputs
        setup.open_app_database(url)
        assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == list(range(1, LATEST + 1))
    finally:
        close_database()
        drop_server_database(url)


@server_only
def test_a_server_database_that_cannot_search_chinese_is_refused():
    from tests.conftest import _server

    name = "td_c_ctype_probe"
    _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _server(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    try:
        with pytest.raises(DatabaseProblem, match="LC_CTYPE=C.*不能查找中文.*C.UTF-8"):
            open_database(server_url(name))
    finally:
        close_database()
        _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@server_only
def test_a_missing_database_and_a_wrong_password_are_named_in_chinese():
    with pytest.raises(DatabaseMissing, match="服务器上没有这个数据库"):
        open_database(server_url("td_no_such_database"))
    from urllib.parse import urlparse

    parsed = urlparse(server_url("postgres"))
    wrong = parsed._replace(netloc=f"{parsed.username}:wrong-password@{parsed.hostname}").geturl()
    with pytest.raises(DatabaseProblem, match="用户名或密码不对") as refused:
        open_database(wrong)
    assert "wrong-password" not in str(refused.value)


def test_an_unreachable_server_is_named_in_chinese():
    with pytest.raises(DatabaseProblem, match="连接不上数据库服务器"):
        open_database("postgresql://towndesk@127.0.0.1:1/towndesk")
