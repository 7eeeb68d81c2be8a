"""隐患 YH-…: found on a patrol or an inspection, given a deadline (限时整改) and a party responsible,
rectified (整改), then verified on a visit (复查): 合格 clears it (销号); 不合格 sets a new deadline.

A hazard still 整改中 past its deadline is overdue and listed on the area's home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Sequence

from models import audit, codes, numbering, records
from models.accounts import User, require
from models.db import db
from models.deadlines import NO_DEADLINE, state_of
from models.errors import ValidationError
from models.patrol import grids
from models.patrol.common import choice, day, local_today, optional_phone
from models.patrol.tables import (
    HAZARD_CATEGORIES, HAZARD_DUE_SOON_DAYS, HAZARD_LEVELS, HAZARD_STATUSES, HZ_CLEARED, HZ_OPEN, HZ_RECTIFIED,
    VERIFY_FAIL, VERIFY_PASS, Finding, Grid, Hazard, HazardCheck, Inspection, Premises,
)
from models.search import SearchIndex, capped_count, keyset_page, within
from models.validators import clean_text

PREFIX = "YH"
MAX_DEADLINE_DAYS = 180


@dataclass
class HazardEntry:
    """A hazard as the worker records it. On a finding, ``place`` and ``description`` default to the
    finding's place and problem; on an inspection, ``place`` defaults to the premises' address."""

    category: str
    requirement: str                     # 整改要求
    responsible: str                     # the party responsible (person or business)
    deadline: date | None                # 限时整改
    description: str = ""
    place: str = ""
    level: str = "一般隐患"
    responsible_phone: str = ""


def clean_hazard(entry: HazardEntry, found_on: date, place: str = "", description: str = "",
                 label: str = "隐患") -> dict:
    deadline = entry.deadline
    if not isinstance(deadline, date) or isinstance(deadline, datetime):
        raise ValidationError("整改期限", f"请填写{label}的整改期限。")
    if deadline < found_on:
        raise ValidationError("整改期限", f"{label}的整改期限不能早于发现日期（{found_on:%Y年%m月%d日}）。")
    if deadline > found_on + timedelta(days=MAX_DEADLINE_DAYS):
        raise ValidationError("整改期限", f"{label}的整改期限不能超过发现后 {MAX_DEADLINE_DAYS} 天。")
    return {
        "category": codes.check(HAZARD_CATEGORIES, entry.category, "隐患类别"),
        "level": choice(entry.level, HAZARD_LEVELS, "隐患等级"),
        "place": clean_text(entry.place or place, "隐患地点", 200, required=True),
        "description": clean_text(entry.description or description, "隐患描述", 4000, required=True, min_len=4),
        "requirement": clean_text(entry.requirement, "整改要求", 2000, required=True, min_len=4),
        "responsible": clean_text(entry.responsible, "整改责任人", 128, required=True),
        "responsible_phone": optional_phone(entry.responsible_phone, "责任人电话"),
        "deadline": deadline,
    }


def create(actor: User, fields: dict, found_on: date, finding: Finding | None = None,
           inspection: Inspection | None = None, premises: Premises | None = None,
           grid: Grid | None = None) -> Hazard:
    """Record a cleaned hazard (inside the caller's transaction): numbered YH-POST-YYYYMMDD-NNNN."""
    number = numbering.next_number(PREFIX, day=found_on)
    hazard = records.create(actor, Hazard, f"登记隐患 {number}，限 {fields['deadline']:%Y-%m-%d} 前整改",
                            number=number, status=HZ_OPEN, finding=finding, inspection=inspection,
                            premises=premises, grid=grid, found_on=found_on, **fields)
    SEARCH.write(hazard)
    return hazard


def visible(actor: User):
    return grids.scope(actor, Hazard, Hazard.grid)


def get_hazard(actor: User, number: str) -> Hazard:
    return grids.by_number(visible(actor), Hazard, number, "隐患编号", "隐患")


def _fresh(actor: User, hazard: Hazard, verb: str, allowed: Sequence[str]) -> Hazard:
    require(actor, grids.USE)
    fresh = grids.fresh_in_scope(visible(actor), hazard, "隐患")
    if fresh.status not in allowed:
        raise ValidationError("状态", f"隐患 {fresh.number} 当前为“{fresh.status}”，不能{verb}。")
    return fresh


def rectify(actor: User, hazard: Hazard, rectification: str, on: date | None = None,
            now: datetime | None = None) -> Hazard:
    """The party responsible reports the hazard rectified: it waits for a verification visit (待复查)."""
    rectification = clean_text(rectification, "整改情况", 4000, required=True, min_len=4)
    today = local_today(now)
    with db.atomic():
        fresh = _fresh(actor, hazard, "登记整改", (HZ_OPEN,))
        fresh.rectified_on = day(on or today, "整改日期", today, fresh.found_on)
        fresh.rectification, fresh.status = rectification, HZ_RECTIFIED
        fresh.save()
        audit.log(actor.username, "update", f"隐患 {fresh.number} 已整改，待复查", fresh)
    return fresh


def verify(actor: User, hazard: Hazard, result: str, notes: str = "", on: date | None = None,
           new_deadline: date | None = None, now: datetime | None = None) -> HazardCheck:
    """复查: 合格 clears the hazard (销号); 不合格 returns it to 整改中 with ``new_deadline``."""
    result = choice(result, (VERIFY_PASS, VERIFY_FAIL), "复查结果")
    notes = clean_text(notes, "复查情况", 2000, required=result == VERIFY_FAIL)
    today = local_today(now)
    with db.atomic():
        fresh = _fresh(actor, hazard, "复查", (HZ_OPEN, HZ_RECTIFIED))
        checked_on = day(on or today, "复查日期", today, fresh.rectified_on or fresh.found_on)
        if result == VERIFY_FAIL:
            if not isinstance(new_deadline, date) or new_deadline <= checked_on:
                raise ValidationError("新的整改期限", "复查不合格时请定新的整改期限（晚于复查日期）。")
            if new_deadline > checked_on + timedelta(days=MAX_DEADLINE_DAYS):
                raise ValidationError("新的整改期限", f"新的整改期限不能超过复查后 {MAX_DEADLINE_DAYS} 天。")
            fresh.status, fresh.deadline, fresh.deadlines = HZ_OPEN, new_deadline, fresh.deadlines + 1
            fresh.rectified_on, fresh.rectification = None, ""
            summary = f"隐患 {fresh.number} 复查不合格，重新限 {new_deadline:%Y-%m-%d} 前整改"
        else:
            new_deadline = None
            if fresh.rectified_on is None:          # found rectified on the visit itself
                fresh.rectified_on = checked_on
                fresh.rectification = fresh.rectification or notes or "复查时已整改"
            fresh.status, fresh.cleared_on = HZ_CLEARED, checked_on
            summary = f"隐患 {fresh.number} 复查合格，销号"
        fresh.verified_on, fresh.verified_by, fresh.verification = checked_on, actor.display_name, notes
        fresh.save()
        check = records.create(actor, HazardCheck, summary, hazard=fresh, checked_on=checked_on,
                               checked_by=actor.display_name, result=result, notes=notes, new_deadline=new_deadline)
    return check


def checks(hazard: Hazard) -> list[HazardCheck]:
    return list(hazard.checks.where(HazardCheck.deleted_at.is_null()).order_by(HazardCheck.checked_on, HazardCheck.id))


def deadline(hazard: Hazard, today: date) -> tuple[int | None, str]:
    """(days left, state) while the hazard is 整改中; rectified or cleared hazards have no running deadline."""
    if hazard.status != HZ_OPEN:
        return None, NO_DEADLINE
    left = (hazard.deadline - today).days
    return left, state_of(hazard.deadline, today, max(left, 0), HAZARD_DUE_SOON_DAYS)


def overdue(actor: User, today: date) -> list[Hazard]:
    """整改中 past the deadline, the longest overdue first."""
    return list(visible(actor).where(Hazard.status == HZ_OPEN, Hazard.deadline < today)
                .order_by(Hazard.deadline, Hazard.id))


def due_soon(actor: User, today: date) -> list[Hazard]:
    """整改中 and due within three days (overdue ones included), and those waiting for verification."""
    return list(visible(actor).where(
        ((Hazard.status == HZ_OPEN) & (Hazard.deadline <= today + timedelta(days=HAZARD_DUE_SOON_DAYS)))
        | (Hazard.status == HZ_RECTIFIED)).order_by(Hazard.deadline, Hazard.id))


# --------------------------------------------------------------------------------------------
# Search and lists
# --------------------------------------------------------------------------------------------

def _hazard_texts(get) -> tuple[str, str]:
    premises = get("premises")
    if premises is not None and not isinstance(premises, Premises):
        premises = Premises.get_or_none(Premises.id == premises)
    return " ".join(filter(None, (get("number"), get("category"), get("place"), get("responsible"),
                                  premises.name if premises else ""))), ""


SEARCH = SearchIndex("hazard_search", Hazard, _hazard_texts, None, (Hazard.number,),
                     hint="请输入隐患编号、地点、场所或责任人。")


@dataclass
class HazardFilter:
    text: str = ""
    statuses: Sequence[str] = ()
    category: str = ""
    overdue_on: date | None = None
    date_from: date | None = None
    date_to: date | None = None


def _filtered(actor: User, flt: HazardFilter):
    query = visible(actor)
    for status in flt.statuses:
        choice(status, HAZARD_STATUSES, "状态")
    if flt.statuses:
        query = query.where(Hazard.status.in_(list(flt.statuses)))
    if flt.category:
        query = query.where(Hazard.category == flt.category)
    if flt.overdue_on:
        query = query.where(Hazard.status == HZ_OPEN, Hazard.deadline < flt.overdue_on)
    query = within(query, Hazard.found_on, flt.date_from, flt.date_to, "发现日期")
    if flt.text.strip():
        query = query.where(SEARCH.condition(actor, flt.text))
    return query


def list_hazards(actor: User, flt: HazardFilter, before_id: int | None = None, limit: int = 100) -> list[Hazard]:
    return keyset_page(_filtered(actor, flt), Hazard, before_id, limit)


def count_hazards(actor: User, flt: HazardFilter, cap: int | None = None) -> int:
    return capped_count(_filtered(actor, flt), Hazard, cap)
