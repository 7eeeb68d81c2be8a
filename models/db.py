"""The one database connection: a peewee proxy, the base model, and the function that opens a file or URL."""

import json
import os
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

import peewee as pw

from models.errors import (
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseProblem,
    DatabaseReadOnly,
    NotADatabase,
)

db = pw.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: a record acknowledged at the counter survives a power cut
    "busy_timeout": 15000,
}
SQLITE_HEADER = b"SQLite format 3\x00"
SERVER_SCHEMES = {"postgresql", "postgres"}
# The town hall's server: every statement waits at most this long for a lock held by another window, and the
# session's times are UTC like everything stored.
POSTGRES_OPTIONS = "-c lock_timeout=15000 -c TimeZone=UTC -c client_min_messages=warning"


_clock = None   # set only by simulated_clock()


def utcnow() -> datetime:
    """Naive UTC timestamp: every stored time is UTC, converted to local time only for display."""
    if _clock is not None:
        return _clock()
    return datetime.now(timezone.utc).replace(tzinfo=None)


@contextmanager
def simulated_clock(clock):
    """Within the block every stamp (created_at, updated_at, audit lines) comes from ``clock()`` — only
    for writing demo history through the domain functions, as if it happened on those days."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def to_utc(local: datetime | None) -> datetime | None:
    """A local time as typed (naive) → the naive UTC time it is stored as."""
    if local is None:
        return None
    aware = local if local.tzinfo else local.astimezone()
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class JSONField(pw.TextField):
    """A list or dict kept as JSON text (materials, bundles)."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def python_value(self, value):
        return None if value is None else json.loads(value)


class Record(BaseModel):
    """A business record that can travel from a village post to the town hall without renumbering.

    `post` is the code of the post that created it; `deleted_at` marks a soft delete.
    """

    uid = pw.UUIDField(unique=True, default=uuid.uuid4)
    post = pw.CharField(max_length=8, index=True)
    created_by = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow, index=True)
    deleted_at = pw.DateTimeField(null=True)
    deleted_by = pw.CharField(max_length=64, null=True)

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            self.updated_at = utcnow()
        return super().save(*args, **kwargs)

    def mark_deleted(self, username: str) -> None:
        """Soft delete: the row stays (and travels to the town hall) but is hidden everywhere."""
        self.deleted_at = utcnow()
        self.deleted_by = username
        self.save()

    @classmethod
    def live(cls, *fields):
        """Records not soft-deleted."""
        return cls.select(*fields).where(cls.deleted_at.is_null())


def is_url(target: str) -> bool:
    return "://" in str(target)


def sqlite_path(target) -> Path | None:
    """The file behind a path or a sqlite:/// URL; None for a server database."""
    text = str(target)
    if not is_url(text):
        return Path(text).expanduser()
    parsed = urlparse(text)
    if parsed.scheme != "sqlite":
        return None
    # As peewee and SQLAlchemy read it: sqlite:///relative.db, sqlite:////absolute/path.db
    return Path(parsed.netloc + parsed.path[1:] if parsed.netloc else parsed.path[1:])


def describe(target) -> str:
    """The file, or the server URL without its password (never shown or logged)."""
    path = sqlite_path(target)
    if path is not None:
        return str(path)
    parsed = urlparse(str(target))
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return str(target)


def is_server(database=None) -> bool:
    """The open database (or ``database``) is the town hall's PostgreSQL server, not a local file."""
    database = db.obj if database is None else database
    return isinstance(database, pw.PostgresqlDatabase)


def locked(query):
    """``query`` with the rows it reads locked until the transaction ends, for a step that reads a record, checks
    it and changes it (a case's 办结, a dispute's 调解协议, a hazard's 复查 …): two windows taking the same step
    at once then run one after the other, and the second sees what the first did instead of doing it again.
    PostgreSQL: SELECT … FOR UPDATE. SQLite: the query as it is, since a transaction here begins IMMEDIATE and
    holds the file's one write lock."""
    return query.for_update() if is_server() else query


def server_database(url: str) -> pw.PostgresqlDatabase:
    """A PostgreSQL database from a postgresql:// URL (psycopg 3; a password may come from ~/.pgpass)."""
    scheme = urlparse(url).scheme
    if scheme not in SERVER_SCHEMES:
        raise DatabaseProblem(f"不支持的数据库地址 {describe(url)}：请使用文件路径或 postgresql://用户@服务器/数据库。")
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:  # pragma: no cover - psycopg is a pinned requirement
        raise DatabaseProblem("缺少 PostgreSQL 驱动 psycopg，请重新安装 TownDesk。") from exc
    conninfo = "postgresql" + url[len(scheme):]
    return pw.PostgresqlDatabase(conninfo, prefer_psycopg3=True, options=POSTGRES_OPTIONS,
                                 connect_timeout=10, application_name="TownDesk")


def check_server_database(database: pw.PostgresqlDatabase, where: str) -> None:
    """A server database TownDesk can search in Chinese: UTF-8, with a character classification that knows
    Chinese characters are letters (under LC_CTYPE "C" the trigram index skips them and finds nothing)."""
    encoding, ctype = database.execute_sql(
        "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database WHERE datname = current_database()").fetchone()
    if encoding != "UTF8" or ctype.upper() in ("C", "POSIX"):
        raise DatabaseProblem(
            f"服务器数据库 {where} 的字符设置（{encoding}，LC_CTYPE={ctype}）不能查找中文。请服务器管理员按使用说明重建数据库："
            "CREATE DATABASE … ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0。")


def _gave_up_waiting(exc: BaseException) -> bool:
    """SQLite's busy timeout or the server's lock_timeout ran out."""
    text = str(exc).lower()
    return "database is locked" in text or "lock timeout" in text or "canceling statement due to lock" in text


def busy_problem(exc: BaseException) -> DatabaseProblem | None:
    """The database's own "I waited and gave up" — another window held what this step needed longer than the
    wait allowed (SQLite's busy timeout, the server's lock_timeout; both 15 s) — as the message a person can
    act on; None for any other error. Nothing of the step was written: its transaction was rolled back."""
    if not isinstance(exc, (pw.OperationalError, sqlite3.OperationalError)):
        return None
    if _gave_up_waiting(exc):
        return DatabaseProblem("数据库正被其他窗口占用（例如另一个窗口正在导入数据包），等了 15 秒仍未轮到。"
                               "刚才的操作没有完成，也没有保存任何内容：请稍后再做一次。")
    return None


def translate_server_error(exc: Exception, where: str) -> DatabaseProblem:
    """What a person can do about a server that cannot be reached or refuses us, in Chinese."""
    text = str(exc).lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return DatabaseProblem(f"无法登录数据库服务器 {where}：用户名或密码不对。请向服务器管理员确认连接地址。")
    if "does not exist" in text and "database" in text:
        return DatabaseMissing(f"服务器上没有这个数据库：{where}。请服务器管理员先建好数据库（见使用说明）。")
    if "role" in text and "does not exist" in text:
        return DatabaseProblem(f"数据库服务器 {where} 上没有这个用户。请服务器管理员先建好用户（见使用说明）。")
    if "permission denied" in text:
        return DatabaseReadOnly(f"数据库用户无权使用 {where}（{exc}）。请服务器管理员授予权限。")
    if "resolve host" in text or "translate host name" in text or "name or service not known" in text:
        return DatabaseProblem(f"找不到数据库服务器 {where}：服务器名称不对，或本机连不上网络。请检查连接地址和网线。")
    if "timeout" in text or "could not connect" in text or "connection refused" in text or "connection failed" in text:
        return DatabaseProblem(f"连接不上数据库服务器 {where}。请检查网络和服务器是否开机，稍后再试。")
    if _gave_up_waiting(exc):
        return DatabaseProblem(f"数据库 {where} 正被其他窗口占用，请稍后再试。")
    return DatabaseProblem(f"无法使用数据库服务器 {where}：{exc}")


def check_sqlite_file(path: Path, must_exist: bool = True, writable: bool = True) -> None:
    """Refuse clearly, before SQLite touches it, a file that is missing, not a database, or unwritable."""
    if not path.exists():
        if must_exist:
            raise DatabaseMissing(f"数据库文件不存在：{path}")
        parent = path.parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True)
            except OSError as exc:
                raise DatabaseReadOnly(f"无法创建数据文件夹 {parent}：{exc.strerror}") from exc
        if not os.access(parent, os.W_OK):
            raise DatabaseReadOnly(f"文件夹 {parent} 是只读的，无法在此创建数据库。")
        return
    if path.is_dir():
        raise NotADatabase(f"{path} 是一个文件夹，不是数据库文件。")
    with open(path, "rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise NotADatabase(f"{path} 不是 TownDesk 数据库文件（文件格式不符）。")
    if writable and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise DatabaseReadOnly(f"数据库 {path} 所在位置是只读的，TownDesk 需要能写入该文件及其文件夹。")


def translate_sqlite_error(exc: Exception, where: str) -> DatabaseProblem:
    text = str(exc).lower()
    if "not a database" in text or "file is encrypted" in text:
        return NotADatabase(f"{where} 不是 TownDesk 数据库文件。")
    if "malformed" in text or "corrupt" in text:
        return DatabaseDamaged(f"数据库 {where} 已损坏（{exc}）。")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return DatabaseReadOnly(f"无法写入数据库 {where}：位置只读或无权限。")
    if "locked" in text or "busy" in text:
        return DatabaseProblem(f"数据库 {where} 正被其他程序占用，请稍后再试。")
    return DatabaseProblem(f"无法打开数据库 {where}：{exc}")


# A start-up check reads every page of the file; beyond this size (minutes at a million cases) start-up
# checks only the tables logging in and numbering depend on. Every backup still checks the whole copy,
# and `main.py check` the whole file.
FULL_CHECK_BYTES = 256 * 1024 * 1024
CORE_TABLES = ("schema_version", "setting", "user", "number_counter")


def quick_check(connection_execute, where: str, tables=None) -> None:
    """PRAGMA quick_check of the whole file, or of `tables` only: raise DatabaseDamaged naming the first problems."""
    try:
        if tables is None:
            rows = [r[0] for r in connection_execute("PRAGMA quick_check").fetchall()]
        else:
            present = {r[0] for r in connection_execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
            rows = []
            for table in (t for t in tables if t in present):
                rows += [r[0] for r in connection_execute(f'PRAGMA quick_check("{table}")').fetchall()
                         if r[0] != "ok"]
            rows = rows or ["ok"]
    except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
        raise translate_sqlite_error(exc, where) from exc
    if rows != ["ok"]:
        raise DatabaseDamaged(f"数据库 {where} 完整性检查未通过：{'；'.join(rows[:3])}")


def startup_check_tables(path: Path):
    """What a start-up check covers: None (the whole file) when it is small enough, else CORE_TABLES."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return None if size <= FULL_CHECK_BYTES else CORE_TABLES


def open_database(target, create: bool = False, check: bool = True) -> pw.Database:
    """Open a path or URL, apply the pragmas, run quick_check (unless the caller just did), bind the proxy.

    Never creates a file unless `create` is set; never overwrites one.
    """
    close_database()
    path = sqlite_path(target)
    if path is not None:
        check_sqlite_file(path, must_exist=not create)
        database = pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
        where = str(path)
    else:
        database = server_database(str(target))
        where = describe(target)
    try:
        database.connect()
        if path is not None and check:
            quick_check(database.execute_sql, where, startup_check_tables(path))
        if path is None:
            check_server_database(database, where)
    except DatabaseProblem:
        database.close()
        raise
    except (pw.DatabaseError, pw.OperationalError, sqlite3.DatabaseError) as exc:
        database.close()
        if path is None:
            raise translate_server_error(exc, where) from exc
        raise translate_sqlite_error(exc, where) from exc
    db.initialize(database)
    return database


def on_own_connection(work):
    """Run `work` on the calling worker thread's own connection (peewee's are per thread), closed after."""
    with db.connection_context():
        return work()


def close_database() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


def current_path() -> Path | None:
    """The open SQLite file, or None (server database or nothing open)."""
    if isinstance(db.obj, pw.SqliteDatabase):
        return Path(db.obj.database)
    return None

