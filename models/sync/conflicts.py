"""同步冲突: the versions an import did not apply, for the admin to decide — keep the local version or take
the incoming one. Either way the decision is stamped (updated_at = now) so it travels back to the peer,
where it applies on top of the version the peer sent (see exchange: the sender's ``_base``).
"""

from __future__ import annotations

import peewee as pw

from models import audit
from models.accounts import require
from models.db import db, locked, utcnow
from models.errors import ValidationError
from models.sync import catalog
from models.sync.bundle import BundleRefused
from models.sync.exchange import Importer, _upsert_seen, rewrite_soft_links
from models.sync.peers import MANAGE, get_peer
from models.sync.tables import KEEP_INCOMING, KEEP_LOCAL, RESOLUTIONS, TWIN, SyncConflict


def conflicts(actor, open_only: bool = True) -> list[SyncConflict]:
    """The conflicts (only those not yet decided, by default), oldest first."""
    require(actor, MANAGE)
    query = SyncConflict.select().order_by(SyncConflict.id)
    if open_only:
        query = query.where(SyncConflict.resolved_at.is_null())
    return list(query)


def resolve(actor, conflict_id: int, keep: str) -> SyncConflict:
    """Decide a conflict: ``keep`` "local" (the local version stays and travels back) or "incoming" (the
    peer's version is written here and travels back). Either way the incoming version counts as seen."""
    require(actor, MANAGE)
    if keep not in (KEEP_LOCAL, KEEP_INCOMING):
        raise ValidationError("处理方式", "请选择“保留本地版本”或“采用对方版本”。")
    with db.atomic():
        # locked: two admins deciding the same conflict at once take turns, and the second is told it is decided
        conflict = locked(SyncConflict.select().where(SyncConflict.id == conflict_id)).first()
        if conflict is None:
            raise ValidationError("冲突", "没有这条冲突记录。")
        if conflict.resolved_at is not None:
            raise ValidationError("冲突", f"这条冲突已经处理过（{conflict.resolution_name}）。")
        table = catalog.by_name().get(conflict.table)
        if table is None:
            raise ValidationError("冲突", f"本机不认识数据表 {conflict.table}。")
        model = table.model
        local_uid = conflict.local_uid or conflict.uid
        row = model.get_or_none(model.uid == local_uid)
        if row is None:
            raise ValidationError("冲突", "本地记录已不存在，无法处理这条冲突。")
        now = utcnow()
        if keep == KEEP_INCOMING:
            if conflict.kind == TWIN and model.select().where(model.uid == conflict.uid).exists():
                raise ValidationError("冲突", "对方的这条记录已在本机，请刷新冲突列表。")
            importer = Importer(None, get_peer(conflict.peer) or _Peer(conflict.peer))
            incoming = dict(conflict.incoming)
            importer._prepare_fks(table, [incoming])
            try:
                values = importer._values(table, incoming)
            except BundleRefused as exc:
                raise ValidationError("冲突", f"无法采用对方版本：{exc.reason}") from None
            values["updated_at"] = now
            try:
                model.update(values).where(model.id == row.id).execute()
            except pw.IntegrityError as exc:
                raise ValidationError("冲突", f"无法采用对方版本：与本机其他记录的唯一标识重复（{exc}）。") from None
            if conflict.kind == TWIN:
                rewrite_soft_links(table, local_uid, conflict.uid)
            importer._touch_search(table, {row.id: values})
            importer._write_search()
        else:
            model.update({model.updated_at: now}).where(model.id == row.id).execute()
        _upsert_seen(conflict.peer, [(table.name, conflict.uid, conflict.incoming_version)])
        conflict.resolved_at, conflict.resolved_by, conflict.resolution = now, actor.username, keep
        conflict.save()
        audit.log(actor.username, "sync_resolve",
                  f"处理与 {conflict.peer} 的数据冲突：{catalog.describe(table.name, conflict.incoming)}，{RESOLUTIONS[keep]}",
                  model.get_by_id(row.id))
    return conflict


class _Peer:
    """A peer no longer registered: only its code is needed to read its aliases."""

    def __init__(self, code: str):
        self.code = code
