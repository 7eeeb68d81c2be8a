"""数据交换: exporting the records a peer has not seen to a signed bundle, importing a peer's bundle.

Export
  Post → hall: every syncable record changed since the hall last saw it, whoever created it.
  Hall → post: the reference lists (catalogue matters, calendar days, code items: every row) and every
  record of that post (``post`` = its code, or owned through a CASCADE foreign key by such a record),
  changed since the post last saw it. A record's parents the peer has never seen travel with it, so a
  bundle is always complete.
  "Changed since the peer last saw it": ``updated_at`` later than the last export's time less a day (a
  cheap pre-filter on the updated_at index; none on the reference lists, whose rows may arrive from
  another post with older stamps, none after the clock went back), then every row whose
  (table, uid, updated_at) is the version in ``sync_seen`` for that peer is dropped: no echo.
  Each row carries ``_base``, the version last exchanged with the receiver, so the receiver can tell a
  change made on top of its own version from a change made beside it.

Import (one transaction, rolled back whole when a record cannot be applied) — per record, with v_in its
updated_at, base the version last exchanged with this peer (sync_seen), local the row with its uid:
  no local                               → insert; when another local row holds the same unique key (user
                                           name, grid code, ID number …): identical reference rows merge
                                           (a post takes the hall's uid), anything else is a "twin" conflict
  local.updated_at == v_in               → unchanged
  the sender's _base == local.updated_at → update (the sender changed exactly our version; an open
                                           conflict on the record is closed: the sender decided it)
  base and v_in <= base                  → stale (an older version): ignored, never overwrites
  local.updated_at == base, v_in > base,
  no open conflict, and the sender had
  seen base (_base null or not older)    → update (not changed here since the last exchange)
  otherwise                              → the same content on both sides: unchanged (the later stamp
                                           kept); else a conflict (sync_conflict, the local row untouched)
An update that would give a record a unique key another local record holds is a conflict too.
After a record is handled (except a conflict or a stale one) sync_seen = v_in. Nothing is ever
hard-deleted: a soft delete travels as an update of deleted_at/deleted_by.

Why ``_base``: sync_seen is set when a version is sent, so without it a post that sent v3 and then
received the hall's v4 (made beside v3, before the hall read it) would see "not changed here since the
last exchange" and overwrite its own v3; with it the post sees that v4 was not made on top of v3.
"""

from __future__ import annotations

import gc
import json
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

import peewee as pw

from models import __version__, audit, settings
from models.accounts import require
from models.db import JSONField, busy_problem, db, is_server, utcnow
from models.errors import TownDeskError, ValidationError
from models.sync import catalog
from models.sync.bundle import BundleRefused, BundleWriter, Manifest, OpenedBundle
from models.sync.peers import MANAGE, get_peer, key_of, peers
from models.sync.tables import (
    ALREADY, BY_HALL, BY_PEER, CHANGED, DONE, HALL, IN, KEEP_INCOMING, KEEP_LOCAL, OUT, REFUSED, TWIN, SyncConflict,
    SyncExchange, SyncPeer, SyncSeen,
)

CHUNK = 500                 # uids per IN (…) lookup, rows per bookkeeping insert
APPLY_CHUNK = 2000          # incoming rows handled together
ANALYZE_AFTER = 1000        # rows one import writes to one table before its statistics are taken again (PostgreSQL)
OVERLAP = timedelta(days=1)
COUNT_KEYS = ("inserted", "updated", "unchanged", "merged", "stale", "superseded", "conflicts")
Progress = Callable[[int, int | None], None] | None


def _chunks(items, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _version(value, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (ValueError, TypeError):
        raise BundleRefused(f"数据包中 {where} 有一条记录的时间无效（{value!r}）：文件已损坏或被改动。") from None


@contextmanager
def _bulk():
    """Python's cyclic garbage collector paused while a bundle is read or written: the tens of thousands of
    row dicts made meanwhile hold no cycles, but each collection would walk them all again (a quarter of an
    import's time, measured in bench/bench_sync.py). Reference counting still frees them as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read_snapshot():
    """A transaction that only reads: one consistent view of every table without blocking the windows' writes
    (SQLite: BEGIN DEFERRED in WAL mode; PostgreSQL: REPEATABLE READ, whose statements all see the snapshot
    taken by the first, where the default READ COMMITTED would let each see the writes committed meanwhile)."""
    if isinstance(db.obj, pw.SqliteDatabase):
        return db.atomic(lock_type="DEFERRED")
    return db.atomic(isolation_level="REPEATABLE READ")


_STATEMENTS: dict = {}


def insert_rows(model, fields: list, rows: list, upsert=None) -> None:
    """Insert ``rows`` (statement parameters in ``fields`` order, as the fields' ``db_value`` would make them)
    with one prepared statement run by the driver's ``executemany``: no SQL text per row or per chunk, no
    Python between rows.

    Peewee writes the statement once per shape (table, columns, upsert, database kind). ``upsert`` is peewee's
    on_conflict arguments. A unique or foreign key refused raises peewee's IntegrityError, as any statement
    run through peewee would."""
    if not rows:
        return
    key = (model, tuple(f.name for f in fields), bool(upsert), type(db.obj))
    sql = _STATEMENTS.get(key)
    if sql is None:
        query = model.insert_many([[None] * len(fields)], fields=fields)
        if upsert:
            query = query.on_conflict(**upsert)
        sql = _STATEMENTS[key] = query.sql()[0]
    with pw.__exception_wrapper__:
        db.cursor().executemany(sql, rows)


def reserve_ids(model, count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, for rows inserted with their ids given. SQLite: the
    ids after the largest one, which no other connection can take meanwhile, since a transaction here
    begins IMMEDIATE and so holds the database's one write lock (as SQLite itself picks a new rowid);
    PostgreSQL: taken from the table's sequence, as its default would take them."""
    if not count:
        return []
    table = model._meta.table_name
    if is_server():
        cursor = db.execute_sql("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                                (f'"{table}"', count))
        return [i for (i,) in cursor.fetchall()]
    if not db.in_transaction():
        raise RuntimeError("reserve_ids needs the transaction that inserts the rows")
    (largest,) = db.execute_sql(f'SELECT MAX(id) FROM "{table}"').fetchone()
    first = (largest or 0) + 1
    return list(range(first, first + count))


def _hex_uid(value) -> str:
    return value.replace("-", "") if isinstance(value, str) else value.hex


def _upsert_seen(peer_code: str, rows, seq: int | None = None) -> None:
    """sync_seen(peer, table, uid) = version for each (table, uid, version). A version is a datetime or the
    updated_at value exactly as the driver returned it from the record (stored back the same way, so the
    export's ``version != updated_at`` comparison is exact). ``seq``: the number of our bundle that carries
    these versions (not yet confirmed by the peer); None for versions the peer certainly has."""
    insert_rows(SyncSeen, [SyncSeen.peer, SyncSeen.table, SyncSeen.uid, SyncSeen.version, SyncSeen.seq],
                [(peer_code, t, _hex_uid(u), v, seq) for t, u, v in rows],
                upsert={"conflict_target": [SyncSeen.peer, SyncSeen.table, SyncSeen.uid],
                        "preserve": [SyncSeen.version, SyncSeen.seq]})


# --------------------------------------------------------------------------------------------
# reading rows in their bundle form
# --------------------------------------------------------------------------------------------
# Rows are read as the driver returns them (peewee's per-value conversion costs more than the query):
# SQLite gives text for times and hex for uids, a server database gives datetime and UUID objects.

def as_uuid(value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)


def as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def uid_text(value) -> str:
    """A uid as the driver returns it (UUID, 32 hex digits, or canonical text) in canonical text."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}".lower()
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


_wire_uuid = uid_text


def _wire_datetime(value):
    return (value if isinstance(value, datetime) else datetime.fromisoformat(value)).isoformat()


def _wire_date(value):
    return value.isoformat() if hasattr(value, "isoformat") else date.fromisoformat(value).isoformat()


def _wire_json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def compiled(name: str, argument: str, expression: str, where: str, env: dict):
    """A one-argument function returning ``expression``, compiled once (as dataclasses and peewee write their
    per-class code): a row's fields written out in one expression, for the loops over every record of a
    bundle. ``env`` holds the names the expression uses; ``where`` names it in a traceback."""
    exec(compile(f"def {name}({argument}):\n    return {expression}\n", where, "exec"), env)
    return env[name]


def _converter(f):
    if isinstance(f, pw.UUIDField):
        return _wire_uuid
    if isinstance(f, pw.DateTimeField):
        return _wire_datetime
    if isinstance(f, pw.DateField):
        return _wire_date
    if isinstance(f, pw.BooleanField):
        return bool
    if isinstance(f, JSONField):
        return _wire_json
    return None


class Reader:
    """Rows of one table as bundle dicts (FKs as uids), with the version last exchanged with ``peer``."""

    def __init__(self, table: catalog.Table, peer_code: str, acked: int | None = None):
        self.table, self.acked = table, acked
        model = table.model
        self.seen = SyncSeen.alias()
        self.plain = [f for f in table.fields if not isinstance(f, pw.ForeignKeyField)]
        parents = [f.rel_model.alias() for f in table.fks]
        self.query = model.select(*self.plain, *[p.uid for p in parents], self.seen.version, model.id)
        for fk, parent in zip(table.fks, parents):
            self.query = self.query.join_from(model, parent, pw.JOIN.LEFT_OUTER, on=(fk == parent.id))
        self.query = self.query.join_from(model, self.seen, pw.JOIN.LEFT_OUTER, on=(
            (self.seen.peer == peer_code) & (self.seen.table == table.name) & (self.seen.uid == model.uid)))
        self.names = [f.name for f in self.plain]
        self.fk_names = [f.name for f in table.fks]
        self.updated_at = self.names.index("updated_at")
        self.build = self._compile()

    def _compile(self):
        """A function making one row's wire dict from the values the driver returned, written out field by
        field (no loop per value): every record of an export passes through it."""
        env = {"_uid": uid_text, "_base": _wire_datetime}
        items = []
        for number, f in enumerate(self.plain):
            convert = _converter(f)
            if convert is None:
                items.append(f"{f.name!r}: v[{number}]")
            else:
                env[f"_c{number}"] = convert
                items.append(f"{f.name!r}: None if (x := v[{number}]) is None else _c{number}(x)")
        for number, name in enumerate(self.fk_names, start=len(self.plain)):
            items.append(f"{name!r}: None if (x := v[{number}]) is None else _uid(x)")
        items.append(f"'_base': None if (x := v[{len(self.plain) + len(self.fk_names)}]) is None else _base(x)")
        return compiled("build", "v", "{" + ", ".join(items) + "}", f"<wire row of {self.table.name}>", env)

    @property
    def unseen(self):
        """Rows whose current version is not the one last exchanged with the peer, or was sent in one of our
        bundles later than the last the peer confirmed (``acked``; it may have been lost)."""
        condition = self.seen.version.is_null() | (self.seen.version != self.table.model.updated_at)
        if self.acked is not None:
            condition = condition | (self.seen.seq > self.acked)
        return condition

    def _raw(self, *conditions):
        query = self.query.where(*conditions) if conditions else self.query
        cursor = db.execute_sql(*query.sql())
        while True:
            batch = cursor.fetchmany(1000)
            if not batch:
                return
            yield from batch

    def rows(self, *conditions):
        """(wire dict, uid text, updated_at as stored, {fk name: parent uid text}, local id) for the rows
        matching ``conditions``; the dict's "_base" is the version last exchanged with the peer."""
        build, fk_names, at_updated = self.build, self.fk_names, self.updated_at
        for values in self._raw(*conditions):
            row = build(values)
            parents = {name: row[name] for name in fk_names if row[name] is not None} if fk_names else {}
            yield row, row["uid"], values[at_updated], parents, values[-1]

    def by_ids(self, ids) -> dict[int, dict]:
        """Wire dicts (without "_base") of the rows with these local ids, for comparing and keeping conflicts."""
        out = {}
        for chunk in _chunks(ids):
            for row, _uid, _version, _parents, local_id in self.rows(self.table.model.id.in_(chunk)):
                row.pop("_base")
                out[local_id] = row
        return out


# --------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------

@dataclass
class ExportResult:
    path: Path
    peer: str
    peer_name: str
    bundle_id: str
    seq: int
    counts: dict               # {table: rows}
    since: datetime | None
    until: datetime
    size: int
    unconfirmed: tuple[int, int] | None = None   # our earlier bundles the peer has not confirmed, sent again

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _target(to: str | None) -> SyncPeer:
    registered = peers()
    if to:
        peer = get_peer(to)
        if peer is None:
            known = "、".join(p.code for p in registered) or "无"
            raise ValidationError("目标站点", f"没有登记代码为 {to} 的交换对象（已登记：{known}）。")
        return peer
    if not registered:
        raise ValidationError("目标站点", "尚未登记任何交换对象：镇便民服务中心请先登记站点，村便民服务站请先导入登记文件。")
    if len(registered) > 1:
        raise ValidationError("目标站点", f"已登记多个站点（{'、'.join(p.code for p in registered)}），请选择要发给哪个站点。")
    return registered[0]


def _scope(table: catalog.Table, peer: SyncPeer, tables: dict):
    """None for every row, or the condition on the rows of ``table`` this peer receives."""
    if peer.role == HALL or table.reference:
        return None
    model = table.model
    condition = model.post == peer.code
    for fk in table.cascade_fks:
        parent = tables[fk.rel_model._meta.table_name]
        inner = _scope(parent, peer, tables)
        if inner is None:
            return None
        condition = condition | fk.in_(parent.model.select(parent.model.id).where(inner))
    return condition


def _since(peer: SyncPeer, now: datetime) -> datetime | None:
    if peer.last_out_at is None or now < peer.last_out_at:   # first export, or the clock went back
        return None
    return peer.last_out_at - OVERLAP


def export_bundle(actor, out_path, to: str | None = None, progress: Progress = None) -> ExportResult:
    """Write the records the peer ``to`` (default: the only peer) has not seen to a new bundle file."""
    require(actor, MANAGE)
    out = Path(out_path)
    if not out.parent.is_dir():
        raise ValidationError("导出文件", f"文件夹 {out.parent} 不存在，请选择已有的文件夹。")
    peer = _target(to)
    tables = catalog.tables()
    named = {t.name: t for t in tables}
    until = utcnow()
    since = _since(peer, until)
    manifest = Manifest(bundle_id=str(uuid.uuid4()), source=settings.post_code(),
                        source_name=settings.get("post_name"), target=peer.code, seq=peer.last_seq_out + 1,
                        since=since, until=until, created_at=until, created_by=actor.username,
                        schema_version=_schema_version(), app_version=__version__, acked=peer.last_seq_in)
    acked = peer.acked_out
    unconfirmed = (acked + 1, peer.last_seq_out) if acked < peer.last_seq_out else None
    sent: list[tuple[str, str, object]] = []      # (table, uid, updated_at as stored)
    done = 0
    try:
        fh = open(out, "xb")                           # never an existing file, even one made just now
    except FileExistsError:
        raise ValidationError("导出文件", f"{out} 已存在，不会覆盖；请换一个文件名。") from None
    try:
        with fh, _read_snapshot(), _bulk():
            writer = BundleWriter(fh)
            readers = {t.name: Reader(t, peer.code, acked) for t in tables}
            conditions = {}
            for t in tables:
                where = [readers[t.name].unseen]
                scope = _scope(t, peer, named)
                if scope is not None:
                    where.append(scope)
                if since is not None and not t.reference:
                    where.append(t.model.updated_at > since)
                conditions[t.name] = where
            # an upper bound (the rows the peer already has are not subtracted: that is the export's own work)
            total = sum((t.model.select().where(*conditions[t.name][1:]) if conditions[t.name][1:]
                         else t.model.select()).count() for t in tables)
            if progress is not None:
                progress(0, total)
            wanted: dict[str, set] = defaultdict(set)     # parent uids the rows sent refer to

            def stream(t: catalog.Table):
                reader, chosen = readers[t.name], set()

                def emit(found):
                    nonlocal done
                    for row, uid, version, parents, _local_id in found:
                        chosen.add(uid)
                        sent.append((t.name, uid, version))
                        for fk in t.fks:
                            if fk.name in parents:
                                wanted[fk.rel_model._meta.table_name].add(parents[fk.name])
                        done += 1
                        if progress is not None and done % 1000 == 0:
                            progress(done, max(total, done))
                        yield row

                yield from emit(reader.rows(*conditions[t.name]))
                if unconfirmed:
                    # the rest of what went in bundles the peer has not confirmed (older than ``since``)
                    again = {str(u) for (u,) in SyncSeen.select(SyncSeen.uid).where(
                        SyncSeen.peer == peer.code, SyncSeen.table == t.name, SyncSeen.seq > acked).tuples()}
                    for chunk in _chunks(again - chosen):
                        yield from emit(reader.rows(t.model.uid.in_(chunk)))
                # parents the peer does not have for certain, of rows already written (children come first)
                missing = wanted.pop(t.name, set()) - chosen
                for chunk in _chunks(missing):
                    known = {str(u) for (u,) in SyncSeen.select(SyncSeen.uid).where(
                        SyncSeen.peer == peer.code, SyncSeen.table == t.name, SyncSeen.uid.in_(chunk),
                        SyncSeen.seq.is_null() | (SyncSeen.seq <= acked)).tuples()}
                    extra = [u for u in chunk if u not in known]
                    if extra:
                        yield from emit(reader.rows(t.model.uid.in_(extra)))

            for t in reversed(tables):      # children first: their parents are known when the parent is read
                writer.add(t.name, stream(t))
            writer.finish(manifest, key_of(peer))
        size = out.stat().st_size
        with db.atomic():
            try:
                _one_at_a_time(peer)
            except BundleRefused as exc:     # about the exchange, not a bundle read: nothing to record
                raise TownDeskError(exc.reason) from None
            fresh = SyncPeer.get_by_id(peer.id)
            if fresh.last_seq_out >= manifest.seq:
                # another window exported to this peer meanwhile, under the same number: the peer would take
                # only one of the two, and confirming it would seem to confirm this one's records too
                raise TownDeskError(f"另一个窗口刚刚导出了给 {peer.code} 的第{fresh.last_seq_out}号数据包，"
                                    "这个文件与它编号相同，已作废删除；请重新导出。")
            _upsert_seen(peer.code, sent, manifest.seq)
            fresh.last_seq_out = manifest.seq
            fresh.last_out_at = until
            fresh.save()
            SyncExchange.create(direction=OUT, peer=peer.code, bundle_id=manifest.bundle_id, seq=manifest.seq,
                                file_name=out.name, status=DONE, counts=manifest.counts, username=actor.username)
            audit.log(actor.username, "sync_export",
                      f"导出数据包 {out.name} 给 {peer.code}（{peer.name}）：第{manifest.seq}号，{manifest.total:,} 条记录")
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(done, done)
    return ExportResult(path=out, peer=peer.code, peer_name=peer.name, bundle_id=manifest.bundle_id,
                        seq=manifest.seq, counts=dict(manifest.counts), since=since, until=until, size=size,
                        unconfirmed=unconfirmed)


def _schema_version() -> int:
    from models.migrations import LATEST

    return LATEST


# --------------------------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    status: str                   # "done" or "already"
    source: str
    source_name: str
    seq: int
    bundle_id: str
    counts: dict = field(default_factory=dict)     # {table: {inserted, updated, unchanged, merged, stale, conflicts}}
    path: Path | None = None

    @property
    def totals(self) -> dict:
        out = dict.fromkeys(COUNT_KEYS, 0)
        for per_table in self.counts.values():
            for key, value in per_table.items():
                out[key] += value
        return out

    @property
    def conflicts(self) -> int:
        return self.totals["conflicts"]


def _refuse_recorded(actor, path: Path, manifest: Manifest | None, reason: str) -> None:
    with db.atomic():
        SyncExchange.create(direction=IN, peer=(manifest.source if manifest else "")[:16],
                            bundle_id=(manifest.bundle_id if manifest else "")[:40],
                            seq=manifest.seq if manifest else None, file_name=path.name[:255], status=REFUSED,
                            reason=reason, username=actor.username)
        audit.log(actor.username, "sync_refused", f"拒绝导入数据包 {path.name}：{reason}")


def _check_header(bundle: OpenedBundle) -> SyncPeer:
    """Schema version, target, source and signature: BundleRefused with the reason."""
    m = bundle.manifest
    ours = _schema_version()
    if m.schema_version > ours:
        raise BundleRefused(f"数据包由较新版本的 TownDesk 导出（数据结构第{m.schema_version}版，本机第{ours}版）："
                            "请先把本机的 TownDesk 升级到与对方相同的版本，再导入。")
    if m.schema_version < ours:
        raise BundleRefused(f"数据包由较旧版本的 TownDesk 导出（数据结构第{m.schema_version}版，本机第{ours}版）："
                            f"请对方（{m.source}）先升级 TownDesk，再重新导出。")
    own = settings.post_code()
    if m.target != own:
        raise BundleRefused(f"数据包是发给站点 {m.target} 的，本机是站点 {own}：请确认选对了文件。")
    peer = get_peer(m.source)
    if peer is None or peer.code != m.source:
        raise BundleRefused(f"数据包来自未登记的站点 {m.source}（{m.source_name}）：请先完成站点登记，再导入。")
    bundle.check_signature(key_of(peer), peer.code)
    return peer


def _check_replay(peer: SyncPeer, m: Manifest) -> None:
    if m.seq <= peer.last_seq_in:
        raise BundleRefused(f"数据包是 {peer.code} 的第{m.seq}号，本机已导入到第{peer.last_seq_in}号：这是一个较旧或重复导出的"
                            "数据包，已拒绝，以免旧数据覆盖新数据。")


def _raw_rows(query):
    """A query's rows as the driver returns them (no per-value conversion)."""
    return db.execute_sql(*query.sql()).fetchall()


_LOOKUPS: dict = {}


def lookup(key, build, values: list) -> list:
    """Rows (as the driver returns them) of ``build(values)``, a query whose last condition is
    ``column.in_(values)``, for ``values`` already in their stored form (uids as hex), a few hundred at a
    time. Peewee writes the SQL once per call site and count; the values are bound as parameters."""
    out = []
    for chunk in _chunks(values):
        cached = _LOOKUPS.get((key, len(chunk), type(db.obj)))
        if cached is None:
            dummy = [f"{i:032x}" for i in range(len(chunk))]
            sql, params = build(dummy).sql()
            if params[len(params) - len(chunk):] != dummy:     # not of the expected shape: no caching
                out.extend(_raw_rows(build(chunk)))
                continue
            cached = _LOOKUPS[(key, len(chunk), type(db.obj))] = (sql, params[:len(params) - len(chunk)])
        sql, fixed = cached
        out.extend(db.execute_sql(sql, fixed + chunk).fetchall())
    return out


def uid_key(value) -> str | None:
    """A uid from a bundle as canonical text (the form every map below is keyed by); None when invalid."""
    if type(value) is str and len(value) == 36 and value[8] == "-" and value.islower():
        return value
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def _aliases(table: catalog.Table, uids, peer_code: str) -> dict[str, str]:
    """Incoming uids standing for a local row with the same unique key (twin conflicts not decided for theirs)."""
    out = {}
    for chunk in _chunks(uids):
        query = (SyncConflict.select(SyncConflict.uid, SyncConflict.local_uid)
                 .where(SyncConflict.peer == peer_code, SyncConflict.table == table.name, SyncConflict.kind == TWIN,
                        SyncConflict.uid.in_(chunk),
                        SyncConflict.resolution.is_null() | (SyncConflict.resolution == KEEP_LOCAL))
                 .order_by(SyncConflict.id))
        out.update({uid_text(u): uid_text(local) for u, local in _raw_rows(query)})
    return out


def _local_ids(table: catalog.Table, uids) -> dict[str, int]:
    model = table.model
    found = lookup(("ids", table.name), lambda chunk: model.select(model.id, model.uid).where(model.uid.in_(chunk)),
                   [_hex_uid(u) for u in uids])
    return {uid_text(u): i for i, u in found}


def import_bundle(actor, path, progress: Progress = None) -> ImportResult:
    """Check a peer's bundle, then apply it in one transaction. BundleRefused (recorded and audited) when
    it is refused; status "already" when this very bundle was imported before (nothing changes).

    The header and the signature are checked first; a bundle already imported (its signed manifest names
    it) is then reported as such without reading its records. The data files (hash, size, count) and the
    sequence number are checked before the transaction. A record that cannot be applied (a foreign key
    pointing nowhere, a value of the wrong type) is found while applying: the whole transaction is rolled
    back before the refusal is recorded, so nothing is written either way.

    Imports from one peer run one at a time (``_one_at_a_time``): a second window importing the same bundle
    meanwhile waits for the first, then finds it imported (status "already") instead of writing it twice."""
    require(actor, MANAGE)
    path = Path(path)
    manifest = None
    try:
        with OpenedBundle(path) as bundle:
            manifest = bundle.manifest
            peer = _check_header(bundle)
            result = ImportResult(status=DONE, source=peer.code, source_name=manifest.source_name or peer.name,
                                  seq=manifest.seq, bundle_id=manifest.bundle_id, path=path)
            earlier = _earlier_import(peer, manifest)
            if earlier is not None:
                return _already(actor, path, peer, manifest, earlier, result)
            bundle.check_files(set(catalog.by_name()))
            _check_replay(peer, manifest)
            try:
                with db.atomic(), _bulk():
                    _one_at_a_time(peer)
                    # what another window committed while this one checked the file
                    earlier = _earlier_import(peer, manifest)
                    if earlier is not None:
                        raise _ImportedMeanwhile(earlier)
                    _check_replay(SyncPeer.get_by_id(peer.id), manifest)
                    result.counts = Importer(bundle, peer, progress).run()
                    fresh = SyncPeer.get_by_id(peer.id)
                    fresh.last_seq_in = max(fresh.last_seq_in, manifest.seq)
                    fresh.acked_out = max(fresh.acked_out, min(manifest.acked, fresh.last_seq_out))
                    fresh.last_in_at = utcnow()
                    fresh.save()
                    totals = result.totals
                    SyncExchange.create(direction=IN, peer=peer.code, bundle_id=manifest.bundle_id, seq=manifest.seq,
                                        file_name=path.name[:255], status=DONE, counts=result.counts,
                                        conflicts=totals["conflicts"], username=actor.username)
                    audit.log(actor.username, "sync_import", f"导入数据包 {path.name}（{peer.code} 第{manifest.seq}号）："
                              + summary(totals))
            except _ImportedMeanwhile as meanwhile:
                return _already(actor, path, peer, manifest, meanwhile.earlier, result)
            except pw.IntegrityError as exc:
                raise BundleRefused(f"数据包与本机数据不相容，未写入任何数据（{exc}）。") from None
    except BundleRefused as exc:
        _refuse_recorded(actor, path, manifest, exc.reason)
        raise
    return result


EXCHANGE_WAIT = 120     # seconds an exchange waits for another window's with the same peer (PostgreSQL)


class _ImportedMeanwhile(Exception):
    def __init__(self, earlier: SyncExchange):
        super().__init__(earlier.bundle_id)
        self.earlier = earlier


def _one_at_a_time(peer: SyncPeer) -> None:
    """Inside an import's or export's writing transaction: wait until no other window is writing an exchange
    with ``peer``. SQLite: nothing to do, the transaction began IMMEDIATE and holds the file's one write lock.
    PostgreSQL: the peer's row is locked (FOR UPDATE) until this transaction ends; another window waits up to
    EXCHANGE_WAIT seconds for it (an import of 100,000 records takes about 10 s), then is refused with the
    reason."""
    if not is_server():
        return
    (usual,) = db.execute_sql("SELECT current_setting('lock_timeout')").fetchone()
    db.execute_sql("SELECT set_config('lock_timeout', %s, true)", (f"{EXCHANGE_WAIT}s",))
    try:
        SyncPeer.select(SyncPeer.id).where(SyncPeer.id == peer.id).for_update().get()
    except pw.OperationalError as exc:
        if busy_problem(exc) is None:
            raise
        raise BundleRefused(f"另一个窗口正在导入或导出 {peer.code} 的数据包，等了 {EXCHANGE_WAIT} 秒仍未完成："
                            "未写入任何数据，请稍后再试。") from None
    db.execute_sql("SELECT set_config('lock_timeout', %s, true)", (usual,))     # the rest waits as usual


def _earlier_import(peer: SyncPeer, m: Manifest) -> SyncExchange | None:
    return SyncExchange.get_or_none(SyncExchange.direction == IN, SyncExchange.peer == peer.code,
                                    SyncExchange.bundle_id == m.bundle_id, SyncExchange.status == DONE)


def _already(actor, path: Path, peer: SyncPeer, m: Manifest, earlier: SyncExchange,
             result: ImportResult) -> ImportResult:
    """This very bundle was imported before: recorded and audited as such, nothing else changes."""
    result.status = ALREADY
    with db.atomic():
        SyncExchange.create(direction=IN, peer=peer.code, bundle_id=m.bundle_id, seq=m.seq,
                            file_name=path.name[:255], status=ALREADY, username=actor.username,
                            reason=f"已于 {earlier.at:%Y-%m-%d %H:%M}（UTC）导入过，未作改动")
        audit.log(actor.username, "sync_import", f"数据包 {path.name}（{peer.code} 第{m.seq}号）已导入过，未作改动")
    return result


def summary(totals: dict) -> str:
    words = {"inserted": "新增", "updated": "更新", "unchanged": "未变", "merged": "合并", "stale": "旧版本忽略",
             "superseded": "以镇中心处理为准", "conflicts": "冲突"}
    return "，".join(f"{words[k]} {totals.get(k, 0):,}" for k in COUNT_KEYS)


# --- reading a bundle's values: the type each field accepts ---------------------------------------

def _text(value):
    if type(value) is not str:
        raise TypeError
    return value


def _integer(value):
    if type(value) is not int:
        raise TypeError
    return value


def _boolean(value):
    if type(value) is not bool:
        raise TypeError
    return value


def _any(value):
    return value


def _bad():
    raise TypeError


def _decoder(f):
    if isinstance(f, pw.UUIDField):
        return uuid.UUID
    if isinstance(f, pw.DateTimeField):
        return datetime.fromisoformat
    if isinstance(f, pw.DateField):
        return date.fromisoformat
    if isinstance(f, JSONField):
        return _any
    if isinstance(f, pw.BooleanField):
        return _boolean
    if isinstance(f, (pw.IntegerField, pw.BigIntegerField)):
        return _integer
    if isinstance(f, (pw.CharField, pw.TextField)):
        return _text
    return _any


def _hex(value: uuid.UUID) -> str:
    return value.hex


def _param(f):
    """How a decoded value becomes a statement parameter, as the field's db_value would make it: a uuid as
    hex, JSON as text; dates, times, numbers and text as they are (the drivers take them)."""
    if isinstance(f, pw.UUIDField):
        return _hex
    if isinstance(f, JSONField):
        return f.db_value
    return None


class _Record:
    """Column values under their field names, with the local id: what SearchIndex.write reads."""

    def __init__(self, local_id: int, values: dict):
        self.__dict__.update(values)
        self.id = local_id


class Importer:
    """Applies a checked bundle inside the caller's transaction (``bundle`` None: only the helpers, for resolve)."""

    def __init__(self, bundle: OpenedBundle | None, peer, progress: Progress = None):
        self.bundle, self.peer, self.progress = bundle, peer, progress
        self.named = catalog.by_name()
        self.ids: dict[str, dict] = defaultdict(dict)        # table → {uid text: local id} learnt in this import
        self.reindex: dict = defaultdict(dict)               # SearchIndex → {local id: values or None}
        self.inserted: dict = defaultdict(set)               # SearchIndex → local ids inserted by this import
        self.seen: list = []
        self.done = 0
        self._plans: dict = {}
        self._fast: dict = {}
        self._names: dict = {}
        self._presence: dict = {}

    def run(self) -> dict:
        manifest = self.bundle.manifest
        total = manifest.total
        counts = {}
        if self.progress is not None:
            self.progress(0, total)
        for t in catalog.tables():
            if t.name not in manifest.counts:
                continue
            tally = dict.fromkeys(COUNT_KEYS, 0)
            batch = []
            for row in self.bundle.rows(t.name):
                batch.append(row)
                if len(batch) >= APPLY_CHUNK:
                    self._apply(t, batch, tally)
                    batch = []
            if batch:
                self._apply(t, batch, tally)
            counts[t.name] = tally
        _upsert_seen(self.peer.code, self.seen)
        self._write_search()
        self._refresh_statistics(counts)
        if self.progress is not None:
            self.progress(total, total)
        return counts

    def _refresh_statistics(self, counts: dict) -> None:
        """PostgreSQL: the tables this import filled analysed at once. The server plans each statement from a
        table's statistics, which its autovacuum takes again only some time after a big write; until then the
        next import's uid lookups (a few hundred uids at a time) on a table it still believes nearly empty read
        the whole table each time: 75 s for 115,239 records found unchanged, measured in bench/bench_sync.py,
        against 4 s with fresh statistics. ANALYZE runs inside this transaction and counts its own new rows.
        SQLite needs nothing: it plans these lookups by the uid indexes without statistics."""
        if not is_server():
            return
        names = []
        for name, tally in counts.items():
            if tally["inserted"] + tally["updated"] + tally["merged"] >= ANALYZE_AFTER:
                t = self.named[name]
                names.append(name)
                if t.search is not None:
                    names.append(t.search.name)
        if len(self.seen) >= ANALYZE_AFTER:
            names.append(SyncSeen._meta.table_name)
        for name in dict.fromkeys(names):
            db.execute_sql(f'ANALYZE "{name}"')

    # ---- helpers ------------------------------------------------------------------------------

    def _plan(self, t: catalog.Table):
        plan = self._plans.get(t.name)
        if plan is None:
            plan = self._plans[t.name] = [
                (f, f.name, self.named[f.rel_model._meta.table_name].name if isinstance(f, pw.ForeignKeyField) else None,
                 _decoder(f)) for f in t.fields]
        return plan

    def _present(self, t: catalog.Table) -> tuple[bool, bool, bool, bool]:
        """Whether the table has rows, rows seen with this peer, open conflicts with it, conflicts with it
        decided here (checked once per
        import: a first exchange skips the lookups that cannot find anything). A table gains rows while it is
        imported, but only rows of this bundle, whose uids do not repeat."""
        found = self._presence.get(t.name)
        if found is None:
            found = self._presence[t.name] = (
                t.model.select().exists(),
                SyncSeen.select().where(SyncSeen.peer == self.peer.code, SyncSeen.table == t.name).exists(),
                SyncConflict.select().where(SyncConflict.peer == self.peer.code, SyncConflict.table == t.name,
                                            SyncConflict.resolved_at.is_null()).exists(),
                SyncConflict.select().where(SyncConflict.peer == self.peer.code, SyncConflict.table == t.name,
                                            SyncConflict.resolution.in_([KEEP_LOCAL, KEEP_INCOMING])).exists())
        return found

    def _resolve(self, parent: catalog.Table, uids) -> dict[str, int]:
        known = self.ids[parent.name]
        rest = [u for u in set(uids) if u not in known]
        if rest:
            found = _local_ids(parent, rest)
            known.update(found)
            rest = [u for u in rest if u not in found]
        if rest:
            aliases = _aliases(parent, rest, self.peer.code)
            local = _local_ids(parent, set(aliases.values()))
            for u, other in aliases.items():
                if other in local:
                    known[u] = local[other]
        return known

    def _values(self, t: catalog.Table, row: dict, plan=None) -> dict:
        """A bundle row as {field name: value}, foreign keys translated to local ids (resolved before)."""
        names = self._names.get(t.name)
        if names is None:
            names = self._names[t.name] = [step[1] for step in self._plan(t)]
        return dict(zip(names, self._decode(t, row, plan)))

    def _decode(self, t: catalog.Table, row: dict, plan=None) -> list:
        """A bundle row's values in field order, foreign keys translated to local ids (resolved before).

        Each table's row is read by one generated expression (``_fast``); a row it cannot read is read again
        step by step (``_decode_slowly``), which names the field and the fault in the refusal."""
        fast = self._fast.get(t.name)
        if fast is None:
            fast = self._fast[t.name] = self._compile(t, plan or self._plan(t))
        try:
            return fast(row)
        except (KeyError, ValueError, TypeError, AttributeError):
            return self._decode_slowly(t, row, plan)

    def _compile(self, t: catalog.Table, plan):
        """A function reading one row of ``t`` as ``_decode_slowly`` does when nothing is wrong, written out
        field by field (no loop, no call per text or number): a bundle row passes through it a hundred
        thousand times. Any fault raises, and the row is read again slowly for the message."""
        env = {"_bad": _bad, "_uuid": uuid.UUID, "_datetime": datetime.fromisoformat, "_date": date.fromisoformat}
        checks = {_text: "str", _integer: "int", _boolean: "bool"}
        items = []
        for number, (_f, name, parent, decode) in enumerate(plan):
            if parent is not None:
                env[f"_k{number}"] = self.ids[parent]                   # filled in place as ids are learnt
                value = f"_k{number}[v]"
            elif decode in checks:
                value = f"v if type(v) is {checks[decode]} else _bad()"
            elif decode is _any:
                items.append(f"row[{name!r}]")
                continue
            else:
                value = {uuid.UUID: "_uuid(v)", datetime.fromisoformat: "_datetime(v)",
                         date.fromisoformat: "_date(v)"}[decode]
            items.append(f"None if (v := row[{name!r}]) is None else {value}")
        return compiled("fast", "row", "[" + ", ".join(items) + "]", f"<bundle row of {t.name}>", env)

    def _decode_slowly(self, t: catalog.Table, row: dict, plan=None) -> list:
        out = []
        append = out.append
        ids = self.ids
        for _f, name, parent, decode in plan or self._plan(t):
            try:
                value = row[name]
            except KeyError:
                raise BundleRefused(f"数据包中 {t.name} 的记录缺少字段 {name}：文件已损坏或被改动。") from None
            if value is None:
                append(None)
            elif parent is not None:
                local = ids[parent].get(value) if type(value) is str else None
                if local is None:
                    local = ids[parent].get(uid_key(value))
                if local is None:
                    raise BundleRefused(
                        f"数据包不完整：{catalog.label(t.name)}（{t.name}）中的记录引用了{catalog.label(parent)}"
                        f"（{parent}）中的记录 {value}，但本机和数据包中都没有。请对方重新导出后再导入。")
                append(local)
            else:
                try:
                    append(decode(value))
                except (ValueError, TypeError, AttributeError):
                    raise BundleRefused(f"数据包中 {t.name} 的字段 {name} 的值无效（{value!r}）。") from None
        return out

    def _prepare_fks(self, t: catalog.Table, rows) -> None:
        for fk in t.fks:
            parent = self.named[fk.rel_model._meta.table_name]
            uids = {uid_key(r[fk.name]) for r in rows if r.get(fk.name) is not None}
            uids.discard(None)
            if uids:
                self._resolve(parent, uids)

    def _touch_search(self, t: catalog.Table, values_by_id: dict) -> None:
        """Note the search index rows to write again for rows of ``t`` inserted or changed."""
        if not values_by_id:
            return
        if t.search is not None:
            self.reindex[t.search].update(values_by_id)
        for name in t.search_parents:
            fk = t.model._meta.fields[name]
            index = self.named[fk.rel_model._meta.table_name].search
            for values in values_by_id.values():
                if values.get(name) is not None:
                    self.reindex[index].setdefault(values[name], None)
        for model, name in t.reverse_search:
            child = self.named[model._meta.table_name]
            fk = model._meta.fields[name]
            for chunk in _chunks(values_by_id):
                for (i,) in model.select(model.id).where(fk.in_(chunk)).tuples():
                    self.reindex[child.search].setdefault(i, None)

    def _write_search(self) -> None:
        for index, wanted in self.reindex.items():
            model = index.model
            given = [_Record(local_id, values) for local_id, values in wanted.items() if values is not None]
            fresh = self.inserted.get(index, set())
            index.write_many([r for r in given if r.id in fresh], fresh=True)
            index.write_many([r for r in given if r.id not in fresh])
            stored = [i for i, values in wanted.items() if values is None]
            for chunk in _chunks(sorted(stored)):
                index.write_many(model.select().where(model.id.in_(chunk)))

    def _conflict(self, t, uid, kind, local_uid, local_row, local_version, incoming, v_in, open_conflict,
                  decided: str | None = None):
        """Keep the two versions for the admin (``decided``: already decided this way, nothing to do)."""
        now = utcnow()
        fields = dict(bundle_id=self.bundle.manifest.bundle_id, kind=kind, local_uid=local_uid, local=local_row,
                      incoming=incoming, local_version=local_version, incoming_version=v_in, detected_at=now)
        if decided is not None:
            fields.update(resolved_at=now, resolved_by=settings.post_code(), resolution=decided)
        if open_conflict is not None:
            SyncConflict.update(fields).where(SyncConflict.id == open_conflict).execute()
        else:
            SyncConflict.create(peer=self.peer.code, table=t.name, uid=uid, **fields)

    def _close(self, conflict_ids) -> None:
        for chunk in _chunks(conflict_ids):
            (SyncConflict.update(resolved_at=utcnow(), resolved_by=self.peer.code, resolution=BY_PEER)
             .where(SyncConflict.id.in_(chunk)).execute())

    # ---- one batch of one table ------------------------------------------------------------------

    def _apply(self, t: catalog.Table, rows: list[dict], tally: dict) -> None:
        model = t.model
        parsed = []
        for row in rows:
            uid = uid_key(row.get("uid"))
            if uid is None:
                raise BundleRefused(f"数据包中 {t.name} 有一条记录的 uid 无效（{row.get('uid')!r}）：文件已损坏或被改动。")
            row["uid"] = uid
            v_in = _version(row.get("updated_at"), t.name)
            if v_in is None:
                raise BundleRefused(f"数据包中 {t.name} 有一条记录缺少修改时间：文件已损坏或被改动。")
            parsed.append((uid, v_in, _version(row.pop("_base", None), t.name), row))
        uids = [p[0].replace("-", "") for p in parsed]          # hex: what a uid column compares with
        local, seen, open_conflicts = {}, {}, {}
        has_rows, has_seen, has_conflicts = self._present(t)[:3]
        peer = self.peer.code
        if has_rows:
            local = {uid_text(u): (i, as_datetime(v)) for i, u, v in lookup(
                ("local", t.name), lambda chunk: model.select(model.id, model.uid, model.updated_at)
                .where(model.uid.in_(chunk)), uids)}
        if has_seen:
            seen = {uid_text(u): as_datetime(v) for u, v in lookup(
                ("seen", peer, t.name), lambda chunk: SyncSeen.select(SyncSeen.uid, SyncSeen.version).where(
                    SyncSeen.peer == peer, SyncSeen.table == t.name, SyncSeen.uid.in_(chunk)), uids)}
        if has_conflicts:
            open_conflicts = {uid_text(u): i for i, u in lookup(
                ("conflicts", peer, t.name), lambda chunk: SyncConflict.select(SyncConflict.id, SyncConflict.uid)
                .where(SyncConflict.peer == peer, SyncConflict.table == t.name, SyncConflict.resolved_at.is_null(),
                       SyncConflict.uid.in_(chunk)), uids)}
        known = self.ids[t.name]
        for u, (i, _v) in local.items():
            known[u] = i

        updates, new, undecided, closing = [], [], [], []
        for uid, v_in, base, row in parsed:
            rb = seen.get(uid)
            if uid not in local:
                if rb is not None and v_in <= rb:     # handled before (a merged twin), or an older version of it
                    tally["unchanged" if v_in == rb else "stale"] += 1
                else:
                    new.append((uid, v_in, row))
                continue
            lid, lv = local[uid]
            conflict = open_conflicts.get(uid)
            if lv == v_in:
                tally["unchanged"] += 1
                if rb != v_in:
                    self.seen.append((t.name, uid, v_in))
                if conflict is not None:
                    closing.append(conflict)
            elif base is not None and base == lv:
                updates.append((lid, uid, v_in, row))
                if conflict is not None:
                    closing.append(conflict)
            elif rb is not None and v_in <= rb:
                tally["stale"] += 1
            elif conflict is None and lv == rb and v_in > rb and (base is None or base > rb):
                updates.append((lid, uid, v_in, row))
            else:
                undecided.append((lid, uid, v_in, lv, rb, base, row, conflict))

        # the foreign keys of what will be written or compared, translated to local ids in a few queries
        self._prepare_fks(t, [u[3] for u in updates] + [n[2] for n in new] + [u[6] for u in undecided])
        if undecided:
            mine = Reader(t, self.peer.code).by_ids([u[0] for u in undecided])
            decided = self._decided(t, [u[1] for u in undecided])
            content = t.content
            for lid, uid, v_in, lv, rb, base, row, conflict in undecided:
                local_row = mine[lid]
                if all(local_row.get(k) == row.get(k) for k in content):
                    # the same content on both sides (both took the same decision): keep the later stamp
                    tally["unchanged"] += 1
                    if v_in > lv:
                        model.update({model.updated_at: v_in}).where(model.id == lid).execute()
                        self.seen.append((t.name, uid, v_in))
                    else:
                        self.seen.append((t.name, uid, lv if rb == lv else v_in))
                    if conflict is not None:
                        closing.append(conflict)
                elif base is not None and decided.get(uid) == (base, lv):
                    # The peer's version was made on the version we had in a conflict we decided, without our
                    # decision: both admins decided the same conflict, differently. The town hall's decision
                    # stands on both sides, so two decisions cannot send the record back and forth for ever;
                    # the post's version stays readable in the hall's conflict list (decided, nothing to do).
                    tally["superseded"] += 1
                    if self.peer.role == HALL:
                        updates.append((lid, uid, v_in, row))
                        if conflict is not None:
                            closing.append(conflict)
                    else:
                        self._conflict(t, uid, CHANGED, None, local_row, lv, row, v_in, conflict, BY_HALL)
                        self.seen.append((t.name, uid, v_in))
                else:
                    tally["conflicts"] += 1
                    self._conflict(t, uid, CHANGED, None, local_row, lv, row, v_in, conflict)

        changed = {}
        plan = self._plan(t)
        prepared = [(lid, uid, v_in, row, self._values(t, row, plan)) for lid, uid, v_in, row in updates]
        if t.natural and prepared:
            # a changed unique key (an ID number corrected …) now held by another local record: kept for the admin
            clashes = self._twins(t, [(uid, v_in, values) for _l, uid, v_in, _r, values in prepared])
            if clashes:
                kept = Reader(t, self.peer.code).by_ids([lid for lid, uid, *_ in prepared if uid in clashes])
                for lid, uid, v_in, row, _values in prepared:
                    if uid in clashes:
                        tally["conflicts"] += 1
                        self._conflict(t, uid, CHANGED, None, kept[lid], local[uid][1], row, v_in,
                                       open_conflicts.get(uid))
                prepared = [p for p in prepared if p[1] not in clashes]
        for lid, uid, v_in, row, values in prepared:
            model.update(values).where(model.id == lid).execute()
            changed[lid] = values
            self.seen.append((t.name, uid, v_in))
            tally["updated"] += 1
        if closing:
            self._close(closing)

        if new:
            changed.update(self._insert(t, new, tally, open_conflicts))
        self._touch_search(t, changed)
        self.done += len(rows)
        if self.progress is not None:
            self.progress(self.done, self.bundle.manifest.total)

    def _decided(self, t: catalog.Table, uids: list) -> dict:
        """uid → (the local version, the decision's stamp) of the latest conflict with this peer decided here
        on each of these records (a decision stamps the record with the time it was made)."""
        if not self._present(t)[3]:
            return {}
        found = {}
        for u, local_version, at in lookup(
                ("decided", self.peer.code, t.name),
                lambda chunk: SyncConflict.select(SyncConflict.uid, SyncConflict.local_version, SyncConflict.resolved_at)
                .where(SyncConflict.peer == self.peer.code, SyncConflict.table == t.name,
                       SyncConflict.resolution.in_([KEEP_LOCAL, KEEP_INCOMING]), SyncConflict.uid.in_(chunk))
                .order_by(SyncConflict.id), [u.replace("-", "") for u in uids]):
            found[uid_text(u)] = (as_datetime(local_version), as_datetime(at))
        return found

    def _natural_key(self, t, values: dict, columns, live_only):
        if live_only and values.get("deleted_at") is not None:
            return None
        key = tuple(values[c] for c in columns)
        return None if any(v is None for v in key) else key

    def _twins(self, t: catalog.Table, candidates: list) -> dict:
        """uid → (local id, local uid) of the local row holding the same unique key as an incoming row."""
        model = t.model
        found = {}
        for columns, live_only in t.natural:
            fields = [model._meta.fields[c] for c in columns]
            keyed = {}
            for uid, _v, values in candidates:
                if uid in found:
                    continue
                key = self._natural_key(t, values, columns, live_only)
                if key is not None:
                    keyed.setdefault(key, []).append(uid)
            if not keyed:
                continue
            for chunk in _chunks(list(keyed)):
                if len(fields) == 1:
                    condition = fields[0].in_([k[0] for k in chunk])
                else:
                    condition = pw.Tuple(*fields).in_([pw.Tuple(*k) for k in chunk])
                query = model.select(model.id, model.uid, *fields).where(condition)
                if live_only:
                    query = query.where(model.deleted_at.is_null())
                for lid, luid, *key in query.tuples():
                    luid = str(luid)
                    for uid in keyed.get(tuple(key), []):
                        if uid != luid:
                            found[uid] = (lid, luid)
        return found

    def _insert(self, t: catalog.Table, new: list, tally: dict, open_conflicts: dict) -> dict:
        model = t.model
        # the values by name where something reads them (unique keys, search texts, merges); a list elsewhere
        by_name = bool(t.natural or t.search or t.search_parents or t.reference)
        read, plan = (self._values if by_name else self._decode), self._plan(t)
        candidates = [(uid, v_in, read(t, row, plan)) for uid, v_in, row in new]
        rows_by_uid = {uid: row for uid, _v, row in new}
        # a table empty before this import cannot hold a twin; nor can a bundle repeat a unique key, since the
        # sender's database has the same unique indexes (if one did, the insert fails and the bundle is refused)
        checked = t.natural if self._present(t)[0] else []
        twins = self._twins(t, candidates) if checked else {}
        # two new rows under one unique key: the later one waits as a twin of the first
        taken: dict = {}
        later: dict = {}
        for uid, _v, values in candidates:
            if uid in twins:
                continue
            for columns, live_only in checked:
                key = self._natural_key(t, values, columns, live_only)
                if key is None:
                    continue
                if (columns, key) in taken:
                    later[uid] = taken[(columns, key)]
                    break
                taken[(columns, key)] = uid
        locals_by_id = Reader(t, self.peer.code).by_ids({lid for lid, _u in twins.values()}) if twins else {}

        plain = []
        merged = {}
        for uid, v_in, values in candidates:
            if uid in later:
                continue
            if uid not in twins:
                plain.append((uid, v_in, values))
                continue
            lid, luid = twins[uid]
            row, local_row = rows_by_uid[uid], locals_by_id[lid]
            if t.reference and all(local_row.get(k) == row.get(k) for k in t.content):
                # the same shipped entry seeded on both sides: the hall's uid is kept, a post takes it over
                tally["merged"] += 1
                if self.peer.role == HALL:
                    model.update(values).where(model.id == lid).execute()
                    merged[lid] = values
                self.ids[t.name][uid] = lid
                self.seen.append((t.name, uid, v_in))
            else:
                tally["conflicts"] += 1
                self.ids[t.name][uid] = lid
                self._conflict(t, uid, TWIN, luid, local_row, catalog.version_of(local_row["updated_at"]),
                               row, v_in, open_conflicts.get(uid))

        inserted = {}
        fields = t.fields
        names = [f.name for f in fields]
        converted = [(i + 1, convert) for i, f in enumerate(fields) if (convert := _param(f)) is not None]
        local = [f.db_value(f.default() if callable(f.default) else f.default) for f in t.machine_local]
        new_ids = reserve_ids(model, len(plain))
        params = []
        for lid, (_u, _v, values) in zip(new_ids, plain):
            row = [lid, *([values[name] for name in names] if by_name else values), *local]
            for i, convert in converted:
                if row[i] is not None:
                    row[i] = convert(row[i])
            params.append(row)
        insert_rows(model, [model.id] + fields + t.machine_local, params)
        for lid, (uid, v_in, values) in zip(new_ids, plain):
            self.ids[t.name][uid] = lid
            inserted[lid] = values
            self.seen.append((t.name, uid, v_in))
        tally["inserted"] += len(plain)

        versions = {uid: v_in for uid, v_in, _values in candidates}
        for uid, first in later.items():
            tally["conflicts"] += 1
            self.ids[t.name][uid] = self.ids[t.name][first]
            first_row = rows_by_uid[first]
            self._conflict(t, uid, TWIN, first, first_row, catalog.version_of(first_row["updated_at"]),
                           rows_by_uid[uid], versions[uid], open_conflicts.get(uid))
        if t.search is not None:
            self.inserted[t.search].update(inserted)     # brand-new ids: their index rows need no delete first
        inserted.update(merged)
        return inserted


def rewrite_soft_links(t: catalog.Table, old: uuid.UUID, new: uuid.UUID) -> int:
    """Records elsewhere holding ``old`` as a uid now hold ``new``, stamped so the change travels too."""
    changed, now = 0, utcnow()
    for model, name in t.soft_links:
        column = model._meta.fields[name]
        changed += model.update({column: str(new), model.updated_at: now}).where(column == str(old)).execute()
    return changed


# --------------------------------------------------------------------------------------------
# history
# --------------------------------------------------------------------------------------------

def history(actor, limit: int = 500) -> list[SyncExchange]:
    """Every exchange, newest first."""
    require(actor, MANAGE)
    return list(SyncExchange.select().order_by(SyncExchange.id.desc()).limit(limit))

