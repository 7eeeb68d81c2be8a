"""数据交换的本地记账表: registered peers, what was exchanged with each, the history of exchanges, conflicts.

These are plain tables with an id, not ``Record`` subclasses: they describe this database's exchanges
and never travel in a bundle themselves. Schema step 7 creates them (re-runnable: ``create_tables(safe=True)``).
"""

import peewee as pw

from models.db import BaseModel, JSONField, utcnow

HALL, POST = "hall", "post"
ROLES = {HALL: "镇便民服务中心", POST: "村便民服务站"}

OUT, IN = "out", "in"
DIRECTIONS = {OUT: "导出", IN: "导入"}
DONE, REFUSED, ALREADY = "done", "refused", "already"
STATUSES = {DONE: "完成", REFUSED: "被拒绝", ALREADY: "已导入过（未作改动）"}

CHANGED, TWIN = "changed", "twin"
CONFLICT_KINDS = {CHANGED: "双方都修改了同一条记录", TWIN: "对方的记录与本地另一条记录的唯一标识相同"}
KEEP_LOCAL, KEEP_INCOMING, BY_PEER, BY_HALL = "local", "incoming", "peer", "hall"
RESOLUTIONS = {KEEP_LOCAL: "保留本地版本", KEEP_INCOMING: "采用对方版本", BY_PEER: "对方已处理（对方的新版本基于本地版本）",
               BY_HALL: "双方都处理过，以镇便民服务中心的处理为准"}


class SyncPeer(BaseModel):
    """The other side of an exchange: on the hall one row per village post, on a post one row for the hall.
    ``role`` is what the OTHER side is; ``key`` the shared HMAC key (hex)."""

    code = pw.CharField(max_length=8, unique=True)
    name = pw.CharField(max_length=64)
    role = pw.CharField(max_length=8)
    key = pw.CharField(max_length=128)
    registered_at = pw.DateTimeField(default=utcnow)
    registered_by = pw.CharField(max_length=64)
    last_seq_out = pw.IntegerField(default=0)
    last_seq_in = pw.IntegerField(default=0)
    last_in_at = pw.DateTimeField(null=True)
    last_out_at = pw.DateTimeField(null=True)     # the `until` of the last bundle sent (local clock, UTC)
    # the highest of our bundle numbers the peer says it has imported (each bundle names the last one it
    # imported from its receiver): the records of later bundles go again until the peer confirms them
    acked_out = pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")])

    class Meta:
        table_name = "sync_peer"

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


class SyncSeen(BaseModel):
    """The version (updated_at) of one record last exchanged with one peer, sent or received: the base for
    conflict detection and what the peer is known to have."""

    peer = pw.CharField(max_length=8)
    table = pw.CharField(max_length=64, column_name="record_table")
    uid = pw.UUIDField()
    version = pw.DateTimeField()
    seq = pw.IntegerField(null=True)      # our bundle that carried this version; None: the peer has it for certain

    class Meta:
        table_name = "sync_seen"
        indexes = ((("peer", "table", "uid"), True),)


class SyncExchange(BaseModel):
    """One exchange, as the history screen lists it."""

    direction = pw.CharField(max_length=4)
    peer = pw.CharField(max_length=16)                 # the other side's code (as the file claims, when refused)
    bundle_id = pw.CharField(max_length=40, default="", index=True)
    seq = pw.IntegerField(null=True)
    file_name = pw.CharField(max_length=255, default="")
    status = pw.CharField(max_length=8)
    reason = pw.TextField(default="")
    counts = JSONField(default=dict)                   # out: {table: n}; in: {table: {inserted, updated, …}}
    conflicts = pw.IntegerField(default=0)
    username = pw.CharField(max_length=64)
    at = pw.DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "sync_exchange"

    @property
    def direction_name(self) -> str:
        return DIRECTIONS.get(self.direction, self.direction)

    @property
    def status_name(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def total(self) -> int:
        """Records carried (out) or handled (in)."""
        values = (self.counts or {}).values()
        return sum(v if isinstance(v, int) else sum(v.values()) for v in values)


class SyncConflict(BaseModel):
    """An incoming version the import did not apply: kept with the local version for the admin to decide.

    ``kind`` "changed": the same record (``uid``) changed on both sides since the last exchange;
    "twin": no local record has ``uid`` but another one (``local_uid``) holds the same unique key
    (user name, grid code, ID number …)."""

    peer = pw.CharField(max_length=8, index=True)
    bundle_id = pw.CharField(max_length=40)
    table = pw.CharField(max_length=64, column_name="record_table")
    uid = pw.UUIDField(index=True)
    kind = pw.CharField(max_length=8, default=CHANGED)
    local_uid = pw.UUIDField(null=True)
    local = JSONField(null=True)
    incoming = JSONField()
    local_version = pw.DateTimeField(null=True)
    incoming_version = pw.DateTimeField()
    detected_at = pw.DateTimeField(default=utcnow)
    resolved_at = pw.DateTimeField(null=True, index=True)
    resolved_by = pw.CharField(max_length=64, null=True)
    resolution = pw.CharField(max_length=8, null=True)

    class Meta:
        table_name = "sync_conflict"

    @property
    def kind_name(self) -> str:
        return CONFLICT_KINDS.get(self.kind, self.kind)

    @property
    def resolution_name(self) -> str:
        return RESOLUTIONS.get(self.resolution, self.resolution or "")


TABLES = [SyncPeer, SyncSeen, SyncExchange, SyncConflict]


def create() -> None:
    """Schema step 7 (re-runnable)."""
    from models.db import db

    db.create_tables(TABLES, safe=True)


ACK_COLUMNS = {   # (table, column): the statements that add it. Which records the bundles exported before the
    # upgrade carried is not known: they count as confirmed.
    ("sync_peer", "acked_out"): ("ALTER TABLE sync_peer ADD COLUMN acked_out INTEGER NOT NULL DEFAULT 0",
                                 "UPDATE sync_peer SET acked_out = last_seq_out"),
    ("sync_seen", "seq"): ("ALTER TABLE sync_seen ADD COLUMN seq INTEGER",),
}


def add_ack_columns() -> None:
    """Schema step 8: the columns of the confirmations, on a database whose sync tables predate them."""
    from models.db import db

    for (table, column), statements in ACK_COLUMNS.items():
        if column not in {c.name for c in db.get_columns(table)}:
            for sql in statements:
                db.execute_sql(sql)
