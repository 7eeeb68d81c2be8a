"""操作日志: an append-only record of who did what, when, to which record.

The application only ever inserts; on SQLite triggers (created by the first migration) refuse
UPDATE and DELETE on the table, so not even a bug can rewrite history.
"""

import peewee as pw

from models.db import Record, db

ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "lock": "锁定屏幕",
    "unlock": "解除锁定",
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "print": "打印",
    "export": "导出",
    "export_refused": "导出被拒绝",
    "view_sensitive": "查看敏感信息",
    "backup": "备份",
    "restore": "恢复",
    "migrate": "升级数据库",
    "settings": "修改设置",
    "password": "修改密码",
    "sync_export": "导出数据包",
    "sync_import": "导入数据包",
    "sync_refused": "数据包被拒绝",
    "sync_resolve": "处理同步冲突",
}


class AuditEntry(Record):
    """One line of the audit log (操作日志). `created_by` is who, `created_at` is when (UTC)."""

    action = pw.CharField(max_length=32, index=True)
    record_type = pw.CharField(max_length=64, null=True)
    record_uid = pw.CharField(max_length=40, null=True, index=True)
    summary = pw.TextField(default="")

    class Meta:
        table_name = "audit_log"


APPEND_ONLY_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, '操作日志只能追加，不能修改'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, '操作日志只能追加，不能删除'); END",
]
# The same on the town hall's PostgreSQL server: a trigger function refusing UPDATE, DELETE and TRUNCATE.
SERVER_APPEND_ONLY_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '操作日志只能追加，不能修改'; END IF; "
    "RAISE EXCEPTION '操作日志只能追加，不能删除'; END $$",
    "CREATE OR REPLACE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]


def append_only_triggers() -> list[str]:
    """The statements that make the audit log append-only on the open database."""
    from models.db import is_server

    return SERVER_APPEND_ONLY_TRIGGERS if is_server() else APPEND_ONLY_TRIGGERS


def log(who: str, action: str, summary: str = "", record=None, post: str | None = None) -> AuditEntry:
    """Append one entry. `record` may be a Record (its type and uid are kept) or None."""
    from models import settings

    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with db.atomic():
        return AuditEntry.create(
            post=post or settings.post_code_or_blank(),
            created_by=who or "",
            action=action,
            record_type=type(record).__name__ if record is not None else None,
            record_uid=str(record.uid) if record is not None else None,
            summary=summary,
        )


def recent(limit: int = 200, action: str | None = None):
    query = AuditEntry.select().order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(query)
