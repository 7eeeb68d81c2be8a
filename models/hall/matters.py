"""事项目录 in the database: seeded once from the shipped catalogue, then edited by the administrator.

Validation is the catalogue file's own (``catalogue.parse_matter``): a matter typed in the app
obeys exactly the rules of one shipped in resources/.
"""

from decimal import Decimal

from models import audit, records, settings
from models.accounts import User, require
from models.db import db
from models.errors import ValidationError
from models.hall import catalogue
from models.hall.catalogue import Matter
from models.hall.tables import CatalogueMatter

SYSTEM = "system"


def seed_catalogue(matters: list[Matter] | None = None) -> int:
    """Fill an empty catalogue from resources/catalogue/matters.json (first run). Returns rows added."""
    if CatalogueMatter.select().exists():
        return 0
    matters = catalogue.load_catalogue() if matters is None else matters
    post = settings.post_code()
    with db.atomic():
        for position, matter in enumerate(matters, start=1):
            CatalogueMatter.create(post=post, created_by=SYSTEM, position=position, **_fields(matter))
        audit.log(SYSTEM, "create", f"载入事项目录：{len(matters)} 个事项")
    return len(matters)


def _fields(matter: Matter) -> dict:
    return {
        "code": matter.code, "name": matter.name, "matter_class": matter.matter_class,
        "department": matter.department, "kind": matter.kind, "legal_days": matter.legal_days,
        "legal_days_unit": matter.legal_days_unit, "promised_days": matter.promised_days,
        "fee_cents": int(matter.fee * 100), "fee_basis": matter.fee_basis,
        "materials": [{"name": m.name, "form": m.form, "copies": m.copies, "note": m.note}
                      for m in matter.materials],
        "online": matter.online, "bundles": list(matter.bundles), "statute": matter.statute,
    }


def as_matter(row: CatalogueMatter) -> Matter:
    """The stored row as the catalogue's dataclass."""
    return catalogue.parse_matter(_entry(row), 1)


def _entry(row) -> dict:
    """A row (or a form's values) in the catalogue file's JSON shape."""
    return {
        "code": row.code, "name": row.name, "class": row.matter_class, "department": row.department,
        "kind": row.kind, "legal_days": row.legal_days, "legal_days_unit": row.legal_days_unit,
        "promised_days": row.promised_days, "fee": Decimal(row.fee_cents) / 100, "fee_basis": row.fee_basis,
        "materials": list(row.materials), "online": row.online, "bundles": list(row.bundles),
        "statute": row.statute,
    }


def list_matters(include_inactive: bool = False) -> list[CatalogueMatter]:
    query = CatalogueMatter.live()
    if not include_inactive:
        query = query.where(CatalogueMatter.active == True)  # noqa: E712 (peewee expression)
    return list(query.order_by(CatalogueMatter.position, CatalogueMatter.code))


def find_matters(text: str, include_inactive: bool = False) -> list[CatalogueMatter]:
    """Type-ahead on code and name, ranked as the catalogue ranks them."""
    return catalogue.find(list_matters(include_inactive), text)


def get_matter(code: str) -> CatalogueMatter | None:
    return CatalogueMatter.live().where(CatalogueMatter.code == (code or "").strip().upper()).first()


def bundle_names() -> dict[str, list[CatalogueMatter]]:
    """一件事 bundles: name → the active matters in it."""
    return catalogue.bundles(list_matters())


MATTER_LABELS = {
    "code": "事项编码", "name": "事项名称", "matter_class": "事项类别", "department": "承办机构",
    "kind": "办件类型", "legal_days": "法定办结时限", "legal_days_unit": "法定时限单位",
    "promised_days": "承诺办结时限", "fee_cents": "收费金额", "fee_basis": "收费依据",
    "materials": "申请材料", "online": "全程网办", "bundles": "一件事", "statute": "设定依据", "active": "启用",
}


def clean_matter(data: dict) -> dict:
    """Check a matter typed in the app with the catalogue file's rules; the stored fields."""
    entry = {
        "code": (data.get("code") or "").strip().upper(), "name": data.get("name", ""),
        "class": data.get("matter_class", ""), "department": data.get("department", ""),
        "kind": data.get("kind", ""), "legal_days": data.get("legal_days"),
        "legal_days_unit": data.get("legal_days_unit", "工作日"), "promised_days": data.get("promised_days"),
        "fee": data.get("fee", 0), "fee_basis": data.get("fee_basis", ""),
        "materials": data.get("materials", []), "online": bool(data.get("online", False)),
        "bundles": data.get("bundles", []), "statute": data.get("statute", ""),
    }
    fee = entry["fee"]
    if isinstance(fee, str):
        entry["fee"] = fee.strip() or "0"
    matter = catalogue.parse_matter(entry, 1)
    if len(matter.name) > 100:
        raise ValidationError("事项名称", "事项名称最多 100 个字。")
    return _fields(matter)


def save_matter(actor: User, data: dict, row: CatalogueMatter | None = None) -> CatalogueMatter:
    """Add a matter or change one. Cases already accepted keep what they were accepted under."""
    require(actor, "settings.manage")
    fields = clean_matter(data)
    with db.atomic():
        twin = get_matter(fields["code"])
        if twin is not None and (row is None or twin.id != row.id):
            raise ValidationError("事项编码", f"编码 {fields['code']} 已用于“{twin.name}”，请换一个编码。")
        named = CatalogueMatter.live().where(CatalogueMatter.name == fields["name"]).first()
        if named is not None and (row is None or named.id != row.id):
            raise ValidationError("事项名称", f"已有同名事项（{named.code}），请区分事项名称。")
        if row is None:
            last = CatalogueMatter.select(CatalogueMatter.position).order_by(CatalogueMatter.position.desc()).first()
            return records.create(actor, CatalogueMatter, f"新增事项 {fields['code']} {fields['name']}",
                                  position=(last.position + 1) if last else 1, **fields)
        records.update(actor, row, fields, f"修改事项 {row.code}", MATTER_LABELS)
        return row


def set_active(actor: User, row: CatalogueMatter, active: bool) -> None:
    """停用 / 启用: a stopped matter is no longer offered at intake; its cases are untouched."""
    require(actor, "settings.manage")
    with db.atomic():
        records.update(actor, row, {"active": active}, f"{'启用' if active else '停用'}事项 {row.code}", MATTER_LABELS)
