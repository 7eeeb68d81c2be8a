"""数据结构升级: numbered schema steps, each in its own transaction, with a backup before the first.

A step must be re-runnable (CREATE … IF NOT EXISTS, add a column only when missing): a fresh
database gets today's tables from step 1, an old one reaches the same shape step by step, and
tests/test_migrations.py checks that both end identical. Never edit a released step; add one.
"""

import peewee as pw

from models import __version__
from models.db import BaseModel, current_path, db, is_server, utcnow
from models.errors import DatabaseTooNew


class SchemaVersion(BaseModel):
    """One applied migration step (the highest is the database's schema version)."""

    version = pw.IntegerField(unique=True)
    applied_at = pw.DateTimeField(default=utcnow)
    app_version = pw.CharField(max_length=32)

    class Meta:
        table_name = "schema_version"


def _tables():
    from models.accounts import User
    from models.audit import AuditEntry
    from models.numbering import Counter
    from models.people import Organisation, Person
    from models.settings import Setting

    return [Setting, Counter, User, AuditEntry, Person, Organisation]


def step_1_initial() -> None:
    from models.audit import append_only_triggers
    from models.people import ORGANISATION_CODE_INDEX, PERSON_ID_INDEX

    db.create_tables(_tables(), safe=True)
    db.execute_sql(PERSON_ID_INDEX)
    db.execute_sql(ORGANISATION_CODE_INDEX)
    for sql in append_only_triggers():
        db.execute_sql(sql)


def step_2_hall() -> None:
    from models import settings
    from models.hall import cases, matters, tables

    db.create_tables(tables.TABLES, safe=True)
    for sql in tables.INDEXES:
        db.execute_sql(sql)
    for sql in cases.SEARCH.create_sql():
        db.execute_sql(sql)
    if settings.post_code_or_blank():  # an initialised database gets the shipped catalogue now; a new one at set-up
        matters.seed_catalogue()


def step_3_agent_id_index() -> None:
    from models.hall import tables

    db.execute_sql(tables.AGENT_ID_INDEX)


def step_4_mediation() -> None:
    from models import codes, settings
    from models.mediation import disputes, petitions, tables

    db.create_tables(tables.TABLES, safe=True)
    for sql in disputes.SEARCH.create_sql() + petitions.SEARCH.create_sql():
        db.execute_sql(sql)
    if settings.post_code_or_blank():  # a new database gets its lists at set-up
        codes.seed([tables.DISPUTE_TYPES, tables.RISK_COLOURS])


def step_5_patrol() -> None:
    from models import codes, settings
    from models.patrol import events, hazards, patrols, tables

    codes.add_number_column()
    db.create_tables(tables.TABLES, safe=True)
    for index in (patrols.SEARCH, events.SEARCH, hazards.SEARCH):
        for sql in index.create_sql():
            db.execute_sql(sql)
    if settings.post_code_or_blank():  # a new database gets its lists at set-up
        codes.seed(tables.LISTS)


def step_6_statistics() -> None:
    from models.stats import summary

    summary.create()


def step_7_sync() -> None:
    from models.sync import tables

    tables.create()


def step_8_sync_acks() -> None:
    from models.sync import tables

    tables.add_ack_columns()


STEPS = {
    1: ("建立初始数据表：设置、编号、用户、操作日志、人员库", step_1_initial),
    2: ("一窗受理：事项目录、节假日、办件、收费、评价", step_2_hall),
    3: ("一窗受理：按代办人证件号码查找的索引", step_3_agent_id_index),
    4: ("矛盾调解：纠纷案件、当事人、调解记录、协议、回访、信访、风险研判会", step_4_mediation),
    5: ("网格巡查：网格、巡查日志、事件、隐患、群众求助、场所检查、关爱帮扶与重点人员台账", step_5_patrol),
    6: ("统计报表：一窗受理的按日汇总、评价的统计索引", step_6_statistics),
    7: ("数据交换：站点登记、交换记录、冲突", step_7_sync),
    8: ("数据交换：对方确认收到的数据包（未确认的记录会重发）", step_8_sync_acks),
}
LATEST = max(STEPS)


def current_version() -> int:
    if not db.table_exists("schema_version"):
        return 0
    return SchemaVersion.select(pw.fn.MAX(SchemaVersion.version)).scalar() or 0


def supported_version(latest: int = LATEST) -> int:
    """The open database's schema version; DatabaseTooNew if a newer TownDesk wrote it."""
    version = current_version()
    if version > latest:
        raise DatabaseTooNew(
            f"此数据库由更新版本的 TownDesk 写入（数据结构第{version}版，本程序只支持到第{latest}版）。"
            "请安装新版 TownDesk 后再打开；文件未作任何改动。")
    return version


def migrate(steps: dict | None = None, backup: bool = True) -> list[int]:
    """Bring the open database to the latest schema. Returns the step numbers applied.

    A database written by a newer TownDesk is refused untouched. Before the first step on a
    database that already holds data, the file is copied to the backups folder.
    """
    steps = STEPS if steps is None else steps
    if not is_server():
        return _migrate(steps, backup)
    # Several windows may start at once on the town hall's server: one upgrades, the others wait and find
    # nothing left to do.
    db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        return _migrate(steps, backup)
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


MIGRATION_LOCK = 0x70776E64   # "twnd": the advisory lock the schema upgrade holds on a PostgreSQL server


def _migrate(steps: dict, backup: bool) -> list[int]:
    from models import audit, backup as backups

    latest = max(steps)
    version = supported_version(latest)
    if version == latest:
        return []
    path = current_path()
    if backup and version > 0 and path is not None:
        backups.automatic_backup(path, label=f"before-upgrade-v{version}-to-v{latest}-")
    applied = []
    for number in range(version + 1, latest + 1):
        title, step = steps[number]
        with db.atomic():
            db.create_tables([SchemaVersion], safe=True)
            step()
            SchemaVersion.create(version=number, app_version=__version__)
            if version > 0:
                audit.log("system", "migrate", f"数据结构升级到第{number}版：{title}")
        applied.append(number)
    return applied
