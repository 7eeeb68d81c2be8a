"""场所: the register of shops and key venues (KTV, bar, internet café …) that inspection patrols visit.

Every patrol user of the post sees the register (it holds businesses, not personal data) and may add or
change a premises; each visit is an Inspection row on the patrol that made it, so "9 key venues inspected
46 times" and "215 shop inspections (家次) finding 83 hazards" are counted from the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import peewee as pw

from models import codes, records
from models.accounts import User, require
from models.db import db
from models.errors import ValidationError
from models.patrol import grids
from models.patrol.common import optional_phone
from models.patrol.tables import PREMISES_KINDS, Grid, Hazard, Inspection, PatrolLog, Premises
from models.validators import clean_text

KEY_VENUE_MEANING = "重点场所"
LABELS = {"name": "场所名称", "kind": "场所类别", "key_venue": "重点场所", "grid": "所属网格", "village": "所在村（社区）",
          "address": "地址", "operator": "经营者", "phone": "联系电话", "licence": "证照号码"}


@dataclass
class PremisesEntry:
    name: str
    kind: str
    address: str
    grid: Grid | str | None = None
    village: str = ""
    operator: str = ""
    phone: str = ""
    licence: str = ""
    key_venue: bool | None = None        # default: the kind's meaning says 重点场所


def clean_premises(actor: User, entry: PremisesEntry) -> dict:
    kind = codes.check(PREMISES_KINDS, entry.kind, "场所类别")
    grid = grids.check_grid(actor, entry.grid, "所属网格") if entry.grid not in (None, "") else None
    key_venue = entry.key_venue
    if key_venue is None:
        key_venue = codes.meaning_of(PREMISES_KINDS, kind).startswith(KEY_VENUE_MEANING)
    return {
        "name": clean_text(entry.name, "场所名称", 128, required=True),
        "kind": kind, "key_venue": bool(key_venue), "grid": grid,
        "village": clean_text(entry.village or (grid.village if grid else ""), "所在村（社区）", 64),
        "address": clean_text(entry.address, "地址", 200, required=True),
        "operator": clean_text(entry.operator, "经营者", 64),
        "phone": optional_phone(entry.phone, "联系电话"),
        "licence": clean_text(entry.licence, "证照号码", 32).upper(),
    }


def save_premises(actor: User, entry: PremisesEntry, premises: Premises | None = None) -> Premises:
    require(actor, grids.USE)
    fields = clean_premises(actor, entry)
    duplicate = Premises.live().where(Premises.name == fields["name"], Premises.address == fields["address"])
    if premises is not None:
        duplicate = duplicate.where(Premises.id != premises.id)
    if duplicate.exists():
        raise ValidationError("场所名称", f"“{fields['name']}”（{fields['address']}）已登记。")
    with db.atomic():
        if premises is None:
            return records.create(actor, Premises, f"登记场所“{fields['name']}”", **fields)
        records.update(actor, premises, fields, f"场所“{premises.name}”", LABELS)
    return premises


def set_active(actor: User, premises: Premises, active: bool) -> Premises:
    require(actor, grids.USE)
    with db.atomic():
        records.update(actor, premises, {"active": active}, f"场所“{premises.name}”{'恢复' if active else '停业注销'}",
                       {"active": "状态"})
    return premises


def list_premises(actor: User, text: str = "", kind: str = "", key_only: bool = False,
                  include_inactive: bool = False, limit: int = 500) -> list[Premises]:
    require(actor, grids.USE)
    query = Premises.live()
    if not include_inactive:
        query = query.where(Premises.active == True)  # noqa: E712
    if kind:
        query = query.where(Premises.kind == kind)
    if key_only:
        query = query.where(Premises.key_venue == True)  # noqa: E712
    text = (text or "").strip()
    if text:
        query = query.where(Premises.name.contains(text) | Premises.address.contains(text)
                            | Premises.operator.contains(text) | Premises.licence.contains(text.upper()))
    return list(query.order_by(Premises.key_venue.desc(), Premises.village, Premises.name).limit(limit))


def inspections_of(premises: Premises) -> list[Inspection]:
    """The visits to a premises, newest first, with their patrols."""
    return list(Inspection.live().join(PatrolLog).where(Inspection.premises == premises,
                                                        PatrolLog.deleted_at.is_null())
                .order_by(PatrolLog.patrol_date.desc(), Inspection.id.desc()))


def inspection_counts(date_from: date, date_to: date, key_only: bool | None = None) -> dict:
    """{"premises": distinct premises visited, "visits": 家次, "hazards": hazards found on those visits}."""
    visits = (Inspection.live().join(PatrolLog).switch(Inspection).join(Premises)
              .where(PatrolLog.deleted_at.is_null(), PatrolLog.patrol_date.between(date_from, date_to)))
    if key_only is not None:
        visits = visits.where(Premises.key_venue == key_only)
    premises = visits.select(pw.fn.COUNT(Inspection.premises.distinct())).scalar() or 0
    hazards = Hazard.live().where(Hazard.inspection.in_(visits.select(Inspection.id))).count()
    return {"premises": premises, "visits": visits.count(), "hazards": hazards}
