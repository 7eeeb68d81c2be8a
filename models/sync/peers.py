"""站点登记: the hall registers each village post and hands it a registration file (.tdkey) holding the
pair's secret key; the post joins with that file. Bundles between the two are signed with the key.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets

from models import audit, settings
from models.accounts import require
from models.db import db, utcnow
from models.errors import ValidationError
from models.sync.bundle import BundleRefused
from models.sync.tables import HALL, POST, SyncPeer
from models.validators import clean_text, validate_post_code

MANAGE = "sync.manage"
KEY_FORMAT = "towndesk-sync-key"
KEY_FORMAT_VERSION = 1
KEY_SUFFIX = ".tdkey"
KEY_BYTES = 32


def peers() -> list[SyncPeer]:
    """The registered peers, by code."""
    return list(SyncPeer.select().order_by(SyncPeer.code))


def get_peer(code: str) -> SyncPeer | None:
    return SyncPeer.get_or_none(SyncPeer.code == (code or "").strip().upper())


def key_of(peer: SyncPeer) -> bytes:
    return bytes.fromhex(peer.key)


def register_post(actor, code: str, name: str) -> bytes:
    """On the hall: register a village post; returns the registration file's bytes (JSON) to carry to it."""
    require(actor, MANAGE)
    code = validate_post_code(code, "站点代码")
    name = clean_text(name, "站点名称", 64, required=True)
    own = settings.post_code()
    if code == own:
        raise ValidationError("站点代码", f"{code} 是本机自己的站点代码，请填写要登记的村便民服务站的代码。")
    key = secrets.token_bytes(KEY_BYTES)
    with db.atomic():
        if SyncPeer.select().where(SyncPeer.code == code).exists():
            raise ValidationError("站点代码", f"站点 {code} 已经登记过；登记文件丢了，可以选中该站点，"
                                          "用“重新生成登记文件”再取一份（密钥不变）。")
        peer = SyncPeer.create(code=code, name=name, role=POST, key=key.hex(), registered_by=actor.username)
        audit.log(actor.username, "create", f"数据交换：登记站点 {code}（{name}），生成登记文件")
    return _key_file(peer)


def key_file_again(actor, code: str) -> bytes:
    """On the hall: the registration file of a registered post once more (the same key), for a post whose
    file was lost before it joined, or a post PC set up again from scratch."""
    require(actor, MANAGE)
    peer = get_peer(code)
    if peer is None or peer.role != POST:
        known = "、".join(p.code for p in peers() if p.role == POST) or "无"
        raise ValidationError("站点代码", f"没有登记代码为 {code} 的村便民服务站（已登记：{known}）。")
    audit.log(actor.username, "update", f"数据交换：重新生成站点 {peer.code}（{peer.name}）的登记文件")
    return _key_file(peer)


def _key_file(peer: SyncPeer) -> bytes:
    values = settings.get_all()
    return json.dumps({
        "format": KEY_FORMAT, "format_version": KEY_FORMAT_VERSION,
        "hall_code": settings.post_code(), "hall_name": values["post_name"], "town_name": values["town_name"],
        "post_code": peer.code, "post_name": peer.name,
        "key": base64.b64encode(key_of(peer)).decode("ascii"), "created_at": utcnow().isoformat(),
    }, ensure_ascii=False, indent=1).encode("utf-8")


def _parse_key_file(data: bytes) -> dict:
    bad = "登记文件无法读取：不是 TownDesk 站点登记文件（.tdkey），或文件已损坏。"
    try:
        raw = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, TypeError):
        raise BundleRefused(bad) from None
    if not isinstance(raw, dict) or raw.get("format") != KEY_FORMAT:
        raise BundleRefused(bad)
    if raw.get("format_version") != KEY_FORMAT_VERSION:
        raise BundleRefused(f"登记文件格式为第{raw.get('format_version')}版，本程序只能读取第{KEY_FORMAT_VERSION}版。")
    try:
        key = base64.b64decode(str(raw["key"]), validate=True)
        hall_code = validate_post_code(str(raw["hall_code"]))
        post_code = validate_post_code(str(raw["post_code"]))
        hall_name = str(raw.get("hall_name") or raw.get("town_name") or hall_code)[:64]
    except (KeyError, binascii.Error, ValueError, ValidationError):
        raise BundleRefused("登记文件缺少必需的内容或内容不对（站点代码、密钥）：文件已损坏或被改动。") from None
    if len(key) != KEY_BYTES:
        raise BundleRefused("登记文件中的密钥长度不对：文件已损坏或被改动。")
    return {"key": key, "hall_code": hall_code, "post_code": post_code, "hall_name": hall_name}


def join(actor, data: bytes) -> SyncPeer:
    """On a village post: store the hall from its registration file as this database's peer."""
    require(actor, MANAGE)
    entry = _parse_key_file(data)
    own = settings.post_code()
    if entry["post_code"] != own:
        raise BundleRefused(f"这份登记文件是发给站点 {entry['post_code']} 的，本机是站点 {own}：请使用发给本站点的登记文件。")
    if entry["hall_code"] == own:
        raise BundleRefused(f"登记文件中的镇便民服务中心代码 {own} 与本机相同：本机不能与自己交换数据。")
    with db.atomic():
        existing = get_peer(entry["hall_code"])
        if existing is not None:
            if not secrets.compare_digest(existing.key, entry["key"].hex()):
                raise BundleRefused(f"本机已登记过 {entry['hall_code']}，且密钥与这份登记文件不同：请确认文件是否最新，"
                                    "或请技术人员处理。")
            return existing
        peer = SyncPeer.create(code=entry["hall_code"], name=entry["hall_name"], role=HALL, key=entry["key"].hex(),
                               registered_by=actor.username)
        audit.log(actor.username, "create", f"数据交换：加入 {peer.code}（{peer.name}）")
    return peer
