"""数据结构升级: the committed schema-1 fixture opens and upgrades; the migration runner's guarantees.

tests/fixtures/schema_v1.db was built once by tests/fixtures/make_schema_v1.py and is never
regenerated; the tests only ever open copies of it.
"""

import hashlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only   # the released fixtures are SQLite files; tests/test_server.py migrates on PostgreSQL

from models import accounts, backup, migrations, numbering, people, settings, setup
from models.audit import AuditEntry
from models.db import close_database, db
from models.errors import DatabaseTooNew, ValidationError
from models.migrations import LATEST, STEPS, SchemaVersion
from models.paths import backups_dir

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schema_v1.db"
# What make_schema_v1.py put in the fixture.
FIXTURE_ADMIN_PASSWORD = "Admin2022x"
FIXTURE_WINDOW_PASSWORD = "Staff2022x"
FIXTURE_DAY = date(2024, 5, 20)
FIXTURE_ID = "11010519491231002X"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _schema(path: Path) -> dict:
    """Tables with their columns' names and types, index names and trigger names."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        master = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        tables = sorted(name for kind, name in master if kind == "table")
        return {
            "tables": {t: [(r[1], r[2]) for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables},
            "indexes": sorted(name for kind, name in master if kind == "index"),
            "triggers": sorted(name for kind, name in master if kind == "trigger"),
        }
    finally:
        conn.close()


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def fixture_copy(tmp_path):
    """A copy of the schema-1 fixture; the original is never opened."""
    assert FIXTURE.exists(), "tests/fixtures/schema_v1.db is missing (build it once with make_schema_v1.py)"
    path = tmp_path / "old" / "towndesk.db"
    path.parent.mkdir()
    shutil.copyfile(FIXTURE, path)
    return path


@pytest.fixture
def opened_fixture(fixture_copy):
    setup.open_app_database(fixture_copy)
    yield fixture_copy
    close_database()


def _column_names(table: str) -> list[str]:
    return [r[1] for r in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()]


# --------------------------------------------------------------------------- the committed fixture

def test_fixture_is_a_self_contained_schema_1_file(fixture_copy):
    header = FIXTURE.read_bytes()[:20]
    assert header[:16] == b"SQLite format 3\x00"
    assert header[18:20] == b"\x01\x01"  # rollback journal, not WAL: nothing lives in a -wal file
    assert backup.schema_version_of(fixture_copy) == 1


def test_fixture_opens_at_latest_version(opened_fixture):
    assert migrations.current_version() == LATEST
    assert setup.is_initialised()


def test_fixture_every_table_has_rows(fixture_copy):
    for table in _schema(fixture_copy)["tables"]:
        assert _count(fixture_copy, table) > 0, table


def test_fixture_rows_are_all_there(opened_fixture):
    assert settings.get("town_name") == "打通镇"
    assert settings.post_code() == "DT00"
    assert sorted(u.username for u in accounts.list_users()) == ["admin", "chuangkou"]
    assert people.find_person_by_id(FIXTURE_ID).name == "张三"
    assert people.Person.select().count() == 3
    assert people.Organisation.get().credit_code == "91500222MA5U12345X"


def test_fixture_users_can_log_in(opened_fixture):
    assert accounts.authenticate("admin", FIXTURE_ADMIN_PASSWORD).can("users.manage")
    assert accounts.authenticate("chuangkou", FIXTURE_WINDOW_PASSWORD).role_list == ["window"]


def test_fixture_people_continue(opened_fixture):
    window = accounts.get_user("chuangkou")
    with pytest.raises(ValidationError) as info:
        people.save_person(window, {"name": "张叁", "id_number": FIXTURE_ID})
    assert "张三" in str(info.value)
    people.save_person(window, {"name": "新居民"})
    assert len(people.search_people(window, "")) == 4


def test_fixture_numbering_continues(opened_fixture):
    with db.atomic():
        assert numbering.next_number("SL", day=FIXTURE_DAY) == "SL-DT00-20240520-0004"
        assert numbering.next_number("TS", day=FIXTURE_DAY) == "TS-DT00-20240520-0002"


def test_schema_1_upgrade_keeps_a_version_1_backup_and_loads_the_catalogue(opened_fixture):
    [kept] = list(backups_dir(opened_fixture).glob("before-upgrade-v1-to-v*.db"))
    assert backup.schema_version_of(kept) == 1
    from models.hall import matters
    assert len(matters.list_matters()) == 46
    assert matters.get_matter("QT-007").fee_cents == 4000


def test_migrated_fixture_schema_equals_fresh_schema(opened_fixture, tmp_path):
    close_database()
    fresh = tmp_path / "fresh.db"
    setup.open_app_database(fresh, create=True)
    close_database()
    assert _schema(opened_fixture) == _schema(fresh)


def test_fresh_schema_has_the_append_only_triggers_and_live_indexes(database):
    close_database()
    schema = _schema(database)
    assert {"audit_log_no_update", "audit_log_no_delete"} <= set(schema["triggers"])
    assert {"person_live_id", "organisation_live_code"} <= set(schema["indexes"])


# --------------------------------------------------------------------------- the migration runner

EXTRA = LATEST + 1  # a step a future version might add


def _add_note_column():
    db.execute_sql("ALTER TABLE person ADD COLUMN note TEXT DEFAULT ''")


def _failing_step():
    db.execute_sql("ALTER TABLE person ADD COLUMN note TEXT DEFAULT ''")
    raise RuntimeError("step 2 failed half way")


def test_rerunning_migrate_is_a_no_op(opened_fixture):
    before = (SchemaVersion.select().count(), AuditEntry.select().count())
    assert migrations.migrate() == []
    assert (SchemaVersion.select().count(), AuditEntry.select().count()) == before


def test_extra_step_upgrades_to_the_next_version(opened_fixture):
    assert migrations.migrate(steps={**STEPS, EXTRA: ("加备注列", _add_note_column)}) == [EXTRA]
    assert migrations.current_version() == EXTRA
    assert "note" in _column_names("person")
    assert SchemaVersion.get(SchemaVersion.version == EXTRA).app_version


def test_upgrade_writes_backup_holding_the_previous_version(opened_fixture):
    before_people = people.Person.select().count()
    migrations.migrate(steps={**STEPS, EXTRA: ("加备注列", _add_note_column)})
    [kept] = list(backups_dir(opened_fixture).glob(f"before-upgrade-v{LATEST}-to-v{EXTRA}-*.db"))
    assert backup.schema_version_of(kept) == LATEST
    assert _count(kept, "person") == before_people
    conn = sqlite3.connect(f"file:{kept}?mode=ro", uri=True)
    try:
        assert "note" not in [r[1] for r in conn.execute("PRAGMA table_info(person)")]
    finally:
        conn.close()


def test_upgrade_writes_migrate_audit_entry(opened_fixture):
    migrations.migrate(steps={**STEPS, EXTRA: ("加备注列", _add_note_column)})
    [entry] = AuditEntry.select().where(AuditEntry.action == "migrate", AuditEntry.summary.contains("加备注列"))
    assert entry.created_by == "system"
    assert f"第{EXTRA}版" in entry.summary


def test_rerunning_migrate_after_upgrade_is_a_no_op(opened_fixture):
    steps = {**STEPS, EXTRA: ("加备注列", _add_note_column)}
    migrations.migrate(steps=steps)
    assert migrations.migrate(steps=steps) == []
    assert len(list(backups_dir(opened_fixture).glob(f"before-upgrade-v{LATEST}-*.db"))) == 1


def test_failing_step_rolls_back(opened_fixture):
    audit_before = AuditEntry.select().count()
    with pytest.raises(RuntimeError):
        migrations.migrate(steps={**STEPS, EXTRA: ("会失败", _failing_step)})
    assert migrations.current_version() == LATEST
    assert not SchemaVersion.select().where(SchemaVersion.version == EXTRA).exists()
    assert "note" not in _column_names("person")
    assert AuditEntry.select().count() == audit_before


def test_database_usable_after_failed_step(opened_fixture):
    with pytest.raises(RuntimeError):
        migrations.migrate(steps={**STEPS, EXTRA: ("会失败", _failing_step)})
    window = accounts.authenticate("chuangkou", FIXTURE_WINDOW_PASSWORD)
    person = people.save_person(window, {"name": "升级失败后登记"})
    assert people.Person.get_by_id(person.id).name == "升级失败后登记"
    assert migrations.migrate(steps={**STEPS, EXTRA: ("加备注列", _add_note_column)}) == [EXTRA]


def test_fresh_database_migration_writes_no_backup_or_audit(database):
    assert migrations.current_version() == LATEST
    assert not backups_dir(database).exists()
    assert AuditEntry.select().count() == 0


# --------------------------------------------------------------------------- newer databases

def _make_version_99(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("INSERT INTO schema_version (version, applied_at, app_version) VALUES (99, '2030-01-01', '9.0')")
    conn.commit()
    conn.close()


def _assert_refused_untouched(path):
    """Mark `path` as written by schema 99; opening it must refuse and leave every byte as it was."""
    _make_version_99(path)
    before = _sha256(path)
    with pytest.raises(DatabaseTooNew):
        setup.open_app_database(path)
    close_database()
    assert _sha256(path) == before


def test_newer_database_is_refused_untouched(fixture_copy):
    # A rollback-journal file, as every backup and the fixture are: opening must not even
    # switch it to WAL (that rewrites bytes 18-19 of the header).
    _assert_refused_untouched(fixture_copy)
    assert not backups_dir(fixture_copy).exists()


def test_newer_wal_database_is_refused_untouched(database):
    close_database()
    _assert_refused_untouched(database)


def test_migrate_refuses_newer_database(opened_fixture):
    backups_before = sorted(backups_dir(opened_fixture).glob("*.db"))
    SchemaVersion.create(version=99, app_version="9.0")
    with pytest.raises(DatabaseTooNew):
        migrations.migrate()
    assert migrations.current_version() == 99
    assert sorted(backups_dir(opened_fixture).glob("*.db")) == backups_before


# ------------------------------------------- the schema-2 fixture (一窗受理) and schema 3 (its upgrade)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_V2 = FIXTURES / "schema_v2.db"
RELEASED = [2, 3, 4, 5, 6, 7]   # schema versions with the hall's fixture rows (make_schema_v2.py … make_schema_v7.py)


@pytest.fixture(params=RELEASED, ids=lambda v: f"schema_v{v}")
def opened_v2(request, tmp_path):
    """A copy of tests/fixtures/schema_vN.db (each built once), opened as the app opens it."""
    version = request.param
    path = tmp_path / f"v{version}" / "towndesk.db"
    path.parent.mkdir()
    shutil.copyfile(FIXTURES / f"schema_v{version}.db", path)
    assert backup.schema_version_of(path) == version
    setup.open_app_database(path)
    yield path
    close_database()


@pytest.mark.parametrize("version", RELEASED)
def test_released_fixture_has_rows_in_every_table(version):
    fixture = FIXTURES / f"schema_v{version}.db"
    for table in _schema(fixture)["tables"]:
        assert _count(fixture, table) > 0, table


def test_schema_2_fixture_opens_at_latest_with_the_same_schema_as_a_fresh_database(opened_v2, tmp_path):
    assert migrations.current_version() == LATEST
    close_database()
    fresh = tmp_path / "fresh.db"
    setup.open_app_database(fresh, create=True)
    close_database()
    assert _schema(opened_v2) == _schema(fresh)


def test_schema_2_fixture_cases_continue(opened_v2):
    from models.hall import cases, matters
    from models.hall.tables import ServiceCase

    window = accounts.authenticate("chuangkou", FIXTURE_WINDOW_PASSWORD)
    later = 1 if opened_v2.parent.name >= "v6" else 0   # schema_v6.db adds one case for 张三 (make_schema_v6.py)
    statuses = [c.status for c in ServiceCase.select().order_by(ServiceCase.id)]
    assert statuses == ["已出件", "待补正", "不予受理", "办理中"] + ["已受理"] * later
    assert len(cases.list_cases(window, cases.CaseFilter(text="张三"))) == 3 + later
    assert len(cases.list_cases(window, cases.CaseFilter(text="合作社"))) == 1
    waiting = cases.get_case(window, "SL-DT00-20240520-0002")
    matter = matters.get_matter("XZFW-002")
    resumed = cases.resume(window, waiting, {m["name"]: "已收取" for m in matter.materials})
    assert resumed.status == "已受理"
    with db.atomic():
        assert numbering.next_number("SL", day=FIXTURE_DAY) == "SL-DT00-20240520-0005"
        assert numbering.next_number("SF", day=FIXTURE_DAY) == "SF-DT00-20240520-0002"
    assert cases.open_rectifications(window) == []
    from models.hall.calendar import work_calendar
    assert not work_calendar().is_workday(date(2027, 5, 4))


def test_schema_4_fixture_mediation_continues(tmp_path):
    """The mediation rows of schema_v4.db (make_schema_v4.py) open, search and number on after upgrading."""
    from models.mediation import disputes, petitions

    path = tmp_path / "towndesk.db"
    shutil.copyfile(FIXTURES / "schema_v4.db", path)
    setup.open_app_database(path)
    try:
        mediator = accounts.authenticate("tiaojie", FIXTURE_WINDOW_PASSWORD)
        dispute = disputes.get_dispute(mediator, "TJ-DT00-20240521-0001")
        assert dispute.status == "调解成功"
        assert [p.name for p in disputes.parties(dispute)] == ["张三", "王五"]
        assert len(disputes.terms(dispute)) == 1 and len(disputes.follow_ups(dispute)) == 1
        assert [d.number for d in disputes.list_disputes(mediator, disputes.DisputeFilter(text="王五"))] == [dispute.number]
        assert [p.number for p in petitions.list_petitions(mediator, "张三")] == ["XF-DT00-20240521-0001"]
        assert [d.content for d in petitions.open_decisions(mediator)] == ["一周内回访当事人"]
        with db.atomic():
            assert numbering.next_number("TJ", day=date(2024, 5, 21)) == "TJ-DT00-20240521-0002"
    finally:
        close_database()


def test_schema_5_fixture_patrol_continues(tmp_path):
    """The patrol rows of schema_v5.db (make_schema_v5.py) open, search, step on and number on after upgrading."""
    from models.patrol import events, grids, hazards, helps, patrols, registers
    from models.patrol.events import EventFilter
    from models.patrol.hazards import HazardFilter
    from models.patrol.patrols import PatrolFilter
    from models.patrol.registers import CareFilter, KeyFilter
    from models.patrol.tables import EV_ASSIGNED, EV_HANDLED, HELP_CLOSED, HZ_CLEARED

    day = date(2024, 5, 22)
    path = tmp_path / "towndesk.db"
    shutil.copyfile(FIXTURES / "schema_v5.db", path)
    setup.open_app_database(path)
    try:
        worker = accounts.authenticate("wangge", FIXTURE_WINDOW_PASSWORD)
        lead = accounts.authenticate("wanggezhang", FIXTURE_WINDOW_PASSWORD)
        keeper = accounts.authenticate("zhongdian", FIXTURE_WINDOW_PASSWORD)
        assert (worker.role_list, lead.role_list, keeper.role_list) == (["grid"], ["grid_lead"], ["key_persons"])
        assert [g.code for g in grids.visible_grids(worker)] == ["DT-01"]

        assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(text="河堤"))] == ["XC-DT00-20240522-0002"]
        assert [p.number for p in patrols.list_patrols(lead, PatrolFilter(date_from=day, date_to=day))] == [
            "XC-DT00-20240522-0002", "XC-DT00-20240522-0001"]
        night = patrols.get_patrol(worker, "XC-DT00-20240522-0002")
        assert [f.kind for f in patrols.findings(night)] == ["当场处理", "事件", "隐患", "群众求助"]
        [inspection] = patrols.inspections(patrols.get_patrol(worker, "XC-DT00-20240522-0001"))
        assert inspection.premises.name == "兴隆超市" and inspection.result == "合格"

        [event] = events.list_events(lead, EventFilter(text="路灯"))
        assert event.number == "SJ-DT00-20240522-0001" and event.status == EV_ASSIGNED
        assert [s.step for s in events.steps(event)][-1] == EV_ASSIGNED
        [hazard] = hazards.list_hazards(worker, HazardFilter(text="兴隆超市"))
        assert hazard.number == "YH-DT00-20240522-0001" and hazard.status == HZ_CLEARED
        assert [c.result for c in hazards.checks(hazard)] == ["合格"]
        [request] = helps.list_requests(worker, text="赵秀英")
        assert request.number == "QZ-DT00-20240522-0001" and request.status == HELP_CLOSED
        [subject] = registers.list_care(worker, CareFilter(text="赵秀英"))
        assert len(registers.care_visits(subject)) == 1
        [kp] = registers.list_key_persons(keeper, KeyFilter(text="刘建国"))
        assert len(registers.key_assessments(kp)) == 1 and len(registers.key_visits(kp)) == 1

        handled = events.handle(lead, event, "已联系路灯维护单位更换灯具，路灯恢复照明。")
        assert handled.status == EV_HANDLED
        assert events.get_event(worker, event.number).status == EV_HANDLED
        with db.atomic():
            assert numbering.next_number("XC", day=day) == "XC-DT00-20240522-0003"
            assert numbering.next_number("YH", day=day) == "YH-DT00-20240522-0002"
            assert numbering.next_number("SJ", day=day) == "SJ-DT00-20240522-0002"
            assert numbering.next_number("QZ", day=day) == "QZ-DT00-20240522-0002"
    finally:
        close_database()


def test_upgrading_to_6_counts_the_cases_already_there(tmp_path):
    """Schema step 6 marks every day with cases, so the first statistics after the upgrade count them all."""
    from models.hall.tables import ServiceCase
    from models.stats import figures, periods, summary

    path = tmp_path / "towndesk.db"
    shutil.copyfile(FIXTURES / "schema_v5.db", path)
    setup.open_app_database(path)
    try:
        accepted = [c for c in ServiceCase.select() if c.accepted_on and c.deleted_at is None]
        assert accepted and summary.pending() == len({c.accepted_on for c in accepted})
        admin = accounts.authenticate("admin", "Admin2022x")
        stats = figures.compute(admin, periods.year(2024))
        assert summary.pending() == 0
        assert stats.area("hall").value("accepted") == len(accepted)
        assert stats.area("patrol").value("night") == 1 and stats.area("mediation").value("disputes") == 1
    finally:
        close_database()


def test_schema_6_fixture_statistics_continue(tmp_path):
    """The day summary built at schema 6 is kept, and the day marked dirty there is counted at the next statistics."""
    from models.hall.tables import ServiceCase
    from models.stats import figures, periods, summary

    path = tmp_path / "towndesk.db"
    shutil.copyfile(FIXTURES / "schema_v6.db", path)
    setup.open_app_database(path)
    try:
        assert summary.pending() == 1
        accepted = [c for c in ServiceCase.select() if c.accepted_on and c.deleted_at is None]
        admin = accounts.authenticate("admin", "Admin2022x")
        stats = figures.compute(admin, periods.year(2024))
        assert summary.pending() == 0
        assert stats.area("hall").value("accepted") == len(accepted) == 3   # 补正 and 不予受理 are not accepted
    finally:
        close_database()


def test_schema_7_fixture_sync_continues(tmp_path):
    """The exchanges of schema_v7.db (make_schema_v7.py) survive the upgrade: the registered post, the history,
    the open conflict (decided after the upgrade); the bundle exported before it counts as confirmed."""
    from models import sync
    from models.people import Person

    path = tmp_path / "towndesk.db"
    shutil.copyfile(FIXTURES / "schema_v7.db", path)
    setup.open_app_database(path)
    try:
        assert migrations.current_version() == LATEST
        admin = accounts.authenticate("admin", "Admin2022x")
        [peer] = sync.peers()
        assert (peer.code, peer.last_seq_in, peer.last_seq_out, peer.acked_out) == ("DT01", 2, 1, 1)
        assert [e.status for e in sync.history(admin)] == ["refused", "done", "done", "done"]
        [conflict] = sync.conflicts(admin)
        assert (conflict.local["phone"], conflict.incoming["phone"]) == ("13900000002", "13800000003")
        sync.resolve(admin, conflict.id, "incoming")
        assert Person.get(Person.id_number == "500222198501011239").phone == "13800000003"
        result = sync.export_bundle(admin, tmp_path / "h2.tdsync")
        assert result.seq == 2 and result.unconfirmed is None and result.counts == {"person": 1}
    finally:
        close_database()
