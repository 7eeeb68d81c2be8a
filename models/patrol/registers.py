"""关爱帮扶与重点人员台账: the two registers of people the grid workers look after (../shared/domain.md §3).

关爱帮扶 (care register): people from the registry in one or more groups (空巢老人, 留守儿童 …), with a
care colour (四色管理; each colour's visit interval in days is the number of its entry in the editable
list), a helper and their visits. The next visit is due ``(last visit or listing date) + interval``.

重点人员 (key-person register): 严重精神障碍患者 (danger level 0–5: 3–5 级 followed up within 2 weeks,
1–2 级 monthly, 0 级 every 3 months, every patient at least 4 times a year), 吸毒人员 (with their stage;
社区戒毒 / 社区康复 count as in rehabilitation), 社区矫正对象, 刑满释放人员 and 邪教帮教对象: responsible
person, helper, control measures, assessments and visits. An assessment that changes the danger level
changes the interval; a rise to 3–5 brings the next visit within 14 days of the assessment.

Who sees what (个人信息保护法 art. 28: sensitive personal information, minimum access):

- The key-person register is for users with ``patrol.sensitive`` only: every function here that reads
  or writes it refuses anyone else (PermissionDenied), whatever the screen shows. Within it, users with
  ``patrol.all`` see every grid, others the subjects of their own grids (``grids.scope``).
- The care register is for every grid worker (``patrol.use``), scoped to their grids the same way.
  Lists (``care_rows``) show names, ID numbers and phones masked ("张*", "500222********1237",
  "138****5678") to users without ``patrol.sensitive``; a name or phone typed into the search box then
  finds only the whole name or number, so masked characters cannot be probed. An opened record
  (``shown``) shows the name, phone and address in full to users with ``patrol.sensitive`` and to the
  workers assigned to the subject's grid (they visit and call them); the ID number is shown in full
  only to users with both ``patrol.sensitive`` and ``people.full_id``.
- Opening one record (``get_care_subject``, ``get_key_person``) writes a "view_sensitive" audit line;
  an export writes "export", and a refused export attempt "export_refused". Only users with
  ``patrol.sensitive`` may export either register. Audit summaries carry masked names: the record's
  uid identifies it.

Every write validates first, then writes in one transaction with its audit lines (``records``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

import peewee as pw

from models import audit, codes, records
from models.accounts import User, require
from models.db import db, locked
from models.deadlines import NO_DEADLINE, state_of
from models.errors import PermissionDenied, ValidationError
from models.patrol import grids
from models.patrol.common import choice as _choice, day, local_today, optional_phone as _phone
from models.patrol.grids import ALL, SENSITIVE, USE
from models.patrol.tables import (
    CARE_ACTIVE, CARE_COLOURS, CARE_GROUPS, CARE_REMOVED, CATEGORY_DAYS, DANGER_LEVELS, DRUG, DRUG_STAGES,
    KEY_ACTIVE, KEY_CATEGORIES, KEY_RELEASED, MENTAL, MENTAL_DAYS, MIN_VISITS_A_YEAR, REHAB_STAGES, VISIT_KINDS,
    CareSubject, CareVisit, Grid, GridMember, KeyAssessment, KeyPerson, KeyVisit,
)
from models.people import Person, shown_id
from models.search import FULL_ID_PERMISSION, capped_count, json_list_holds as _json_has, keyset_page
from models.validators import (
    clean_text, mask_id_number, mask_name, mask_phone, normalise_phone, parse_resident_id,
)

__all__ = [
    "USE", "ALL", "SENSITIVE",
    "CareEntry", "CareVisitEntry", "CareFilter", "KeyPersonEntry", "AssessmentEntry", "KeyVisitEntry", "KeyFilter",
    "person_of", "care_interval", "add_care", "update_care", "add_care_visit", "care_visits", "remove_care", "get_care_subject",
    "list_care", "count_care", "care_visits_due", "care_state", "care_rows", "shown", "check_export",
    "care_export_values", "care_export_rows",
    "key_interval", "add_key_person", "update_key_person", "assess", "add_key_visit", "release_key_person",
    "get_key_person", "key_visits", "key_assessments", "list_key_persons", "count_key_persons", "key_visits_due",
    "key_state", "short_of_visits", "key_counts", "key_rows", "key_export_rows",
]

EXPORT_REFUSED = "export_refused"

DUE_SOON_DAYS = 3
HIGH_RISK_LEVELS = (3, 4, 5)
HIGH_RISK_DAYS = 14                  # 3–5 级: followed up within 2 weeks of the assessment
REHAB = "社区戒毒康复"                 # key_counts: 吸毒人员 in 社区戒毒 or 社区康复


# --------------------------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------------------------

@dataclass
class CareEntry:
    person: Person
    groups: Sequence[str]
    colour: str
    helper: str
    grid: Grid | str | None = None
    helper_phone: str = ""
    situation: str = ""
    needs: str = ""
    listed_on: date | None = None     # default: today


@dataclass
class CareVisitEntry:
    visited_on: date
    visitor: str
    kind: str
    content: str
    help_given: str = ""
    colour: str = ""                  # the colour after this visit, when the visit changes it


@dataclass
class KeyPersonEntry:
    person: Person
    category: str
    responsible: str
    grid: Grid | str | None = None
    danger_level: int | None = None   # 严重精神障碍患者 only
    stage: str = ""                   # 吸毒人员 only
    helper: str = ""
    guardian: str = ""
    measures: str = ""
    listed_on: date | None = None     # default: today


@dataclass
class AssessmentEntry:
    assessed_on: date
    assessor: str
    danger_level: int | None = None   # 严重精神障碍患者 only
    notes: str = ""


@dataclass
class KeyVisitEntry:
    visited_on: date
    visitor: str
    kind: str
    situation: str
    measures: str = ""


@dataclass
class CareFilter:
    text: str = ""
    group: str = ""
    colour: str = ""
    grid_id: int | None = None
    status: str = CARE_ACTIVE         # "" for every status
    overdue_only: bool = False
    today: date | None = None         # what "overdue" is measured against (default: today)


@dataclass
class KeyFilter:
    text: str = ""
    category: str = ""
    grid_id: int | None = None
    status: str = KEY_ACTIVE          # "" for every status
    overdue_only: bool = False
    today: date | None = None


# --------------------------------------------------------------------------------------------
# Shared validation
# --------------------------------------------------------------------------------------------

def _day(value, label: str, today: date, not_before: date | None = None, before_label: str = "列入日期") -> date:
    return day(value, label, today, not_before, before_label=before_label)


def _person(person) -> Person:
    """The live registry record the entry names (read again: it may have been deleted meanwhile)."""
    if isinstance(person, Person) and person.id is not None:
        fresh = Person.get_or_none(Person.id == person.id, Person.deleted_at.is_null())
        if fresh is not None:
            return fresh
    raise ValidationError("人员", "请从人员库中选择人员（该人员不存在或已删除）。")


def person_of(person_uid: str) -> Person | None:
    """The live registry record a register entry was copied from (a form's 修改 hands it back unchanged)."""
    return Person.get_or_none(Person.uid == person_uid, Person.deleted_at.is_null())


def _person_fields(person: Person) -> dict:
    return {"person_uid": str(person.uid), "name": person.name, "id_number": person.id_number or "",
            "gender": person.gender or "", "phone": person.phone or "", "address": person.address or "",
            "village": person.village or ""}


def _grid(actor: User, grid) -> Grid | None:
    if grid is None or (isinstance(grid, str) and not grid.strip()):
        return None
    return grids.check_grid(actor, grid, "网格")


def _whole_id(text: str) -> str:
    try:
        return parse_resident_id(text).number
    except ValidationError:
        return text.upper().replace(" ", "")


def _whole_phone(text: str) -> str:
    try:
        return normalise_phone(text)
    except ValidationError:
        return text


def _text_condition(actor: User, model, text: str, partial_names: bool):
    """The search box: name, phone, village, ID number. Without the right to see names and phones in
    full (``partial_names`` False) only a whole name or number matches; partial ID numbers only for users
    who may see whole ones."""
    text = text.strip()
    if partial_names:
        condition = model.name.contains(text) | model.phone.contains(text)
    else:
        condition = (model.name == text) | (model.phone == _whole_phone(text))
    condition = condition | model.village.contains(text) | (model.id_number == _whole_id(text))
    if partial_names and actor.can(FULL_ID_PERMISSION):
        condition = condition | model.id_number.contains(text.upper())
    return condition


def _date_text(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _age(born: date | None, today: date) -> str:
    if born is None:
        return ""
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def _grid_names(rows) -> dict[int, str]:
    ids = {row.grid_id for row in rows if row.grid_id}
    if not ids:
        return {}
    return {g.id: f"{g.code} {g.name}" for g in Grid.select().where(Grid.id.in_(ids))}


def _audit_refused_export(actor, what: str) -> None:
    if actor is not None:
        audit.log(actor.username, EXPORT_REFUSED, f"导出{what}被拒绝：没有“重点人员”权限")


# --------------------------------------------------------------------------------------------
# 关爱帮扶: validation and due dates
# --------------------------------------------------------------------------------------------

CARE_LABELS = {
    "name": "姓名", "id_number": "身份证号", "gender": "性别", "birth_date": "出生日期", "phone": "联系电话",
    "address": "住址", "village": "村（社区）", "grid": "网格", "groups": "关爱对象类别", "colour": "关爱等级",
    "helper": "帮扶人", "helper_phone": "帮扶人电话", "situation": "基本情况", "needs": "帮扶需求",
    "listed_on": "列入日期", "next_due": "下次走访日期", "last_visit": "最近走访日期", "status": "状态",
    "removed_on": "移出日期", "removed_reason": "移出原因",
}


def care_interval(colour: str) -> int | None:
    """Days between visits for a care colour: the number of its entry in the editable list."""
    return codes.number_of(CARE_COLOURS, colour)


def _care_due(colour: str, since: date) -> date | None:
    days = care_interval(colour)
    return since + timedelta(days=days) if days else None


def _clean_care(actor: User, entry: CareEntry, today: date) -> tuple[Person, dict]:
    person = _person(entry.person)
    if isinstance(entry.groups, str) or not entry.groups:
        raise ValidationError("关爱对象类别", "请至少选择一个关爱对象类别。")
    groups = list(dict.fromkeys(codes.check(CARE_GROUPS, g, "关爱对象类别") for g in entry.groups))
    fields = {
        **_person_fields(person), "birth_date": person.birth_date,
        "groups": groups,
        "colour": codes.check(CARE_COLOURS, entry.colour, "关爱等级"),
        "helper": clean_text(entry.helper, "帮扶人", 64, required=True),
        "helper_phone": _phone(entry.helper_phone, "帮扶人电话"),
        "situation": clean_text(entry.situation, "基本情况", 2000),
        "needs": clean_text(entry.needs, "帮扶需求", 2000),
        "listed_on": _day(entry.listed_on or today, "列入日期", today),
        "grid": _grid(actor, entry.grid),
    }
    return person, fields


def _care_twin(person_uid: str, exclude_id: int | None = None) -> CareSubject | None:
    query = CareSubject.live().where(CareSubject.person_uid == person_uid, CareSubject.status == CARE_ACTIVE)
    if exclude_id is not None:
        query = query.where(CareSubject.id != exclude_id)
    return query.first()


def _care_scope(actor: User):
    return grids.scope(actor, CareSubject, CareSubject.grid)


def _care_fresh(actor: User, subject: CareSubject | int, active: bool = True) -> CareSubject:
    """The subject as it is now in the database, if the actor may see it (and it is still 在册)."""
    subject_id = subject if isinstance(subject, int) else subject.id
    fresh = locked(_care_scope(actor).where(CareSubject.id == subject_id)).first()
    if fresh is None:
        if CareSubject.live().where(CareSubject.id == subject_id).exists():
            raise PermissionDenied("这位关爱对象不在您负责的网格内。")
        raise ValidationError("关爱对象", "没有这条关爱对象记录（可能已被删除）。")
    if active and fresh.status != CARE_ACTIVE:
        raise ValidationError("状态", f"{mask_name(fresh.name)}已于{fresh.removed_on:%Y年%m月%d日}移出关爱帮扶台账，"
                                    "不能再修改或走访。")
    return fresh


def _first_visit(model, column, owner_column, owner) -> date | None:
    return (model.select(pw.fn.MIN(column)).where(owner_column == owner, model.deleted_at.is_null()).scalar())


# --------------------------------------------------------------------------------------------
# 关爱帮扶: writes
# --------------------------------------------------------------------------------------------

def add_care(actor: User, entry: CareEntry, today: date | None = None) -> CareSubject:
    """列入关爱帮扶台账: the person's registry details are copied; the first visit is due one interval
    of the colour after the listing date. A person is on the register once while 在册."""
    require(actor, USE)
    today = today or local_today()
    person, fields = _clean_care(actor, entry, today)
    with db.atomic():
        twin = _care_twin(fields["person_uid"])
        if twin is not None:
            raise ValidationError("人员", f"{person.name}已在关爱帮扶台账中（{twin.listed_on:%Y年%m月%d日}列入，"
                                        "在册），请打开原记录修改。")
        return records.create(actor, CareSubject, f"列入关爱帮扶对象 {mask_name(person.name)}（{fields['colour']}）",
                              status=CARE_ACTIVE, next_due=_care_due(fields["colour"], fields["listed_on"]), **fields)


def update_care(actor: User, subject: CareSubject, entry: CareEntry, today: date | None = None) -> CareSubject:
    """Change a subject's groups, colour, helper, grid, notes (and refresh the registry details). The
    person stays: someone else is listed anew."""
    today = today or local_today()
    with db.atomic():
        fresh = _care_fresh(actor, subject)
        person, fields = _clean_care(actor, entry, today)
        if fields["person_uid"] != fresh.person_uid:
            raise ValidationError("人员", "不能更换关爱对象本人；如需登记其他人，请另行列入。")
        first = _first_visit(CareVisit, CareVisit.visited_on, CareVisit.subject, fresh)
        if first is not None and fields["listed_on"] > first:
            raise ValidationError("列入日期", f"列入日期不能晚于第一次走访（{first:%Y年%m月%d日}）。")
        if fields["colour"] != fresh.colour or fields["listed_on"] != fresh.listed_on:
            fields["next_due"] = _care_due(fields["colour"], fresh.last_visit or fields["listed_on"])
        records.update(actor, fresh, fields, f"关爱帮扶对象 {mask_name(fresh.name)}", CARE_LABELS)
    return fresh


def add_care_visit(actor: User, subject: CareSubject, entry: CareVisitEntry, today: date | None = None) -> CareVisit:
    """走访记录. The latest visit moves the next visit one interval on (and may change the colour); a
    visit recorded late, earlier than the latest, is kept but moves nothing back."""
    today = today or local_today()
    fields = {
        "visitor": clean_text(entry.visitor, "走访人", 64, required=True),
        "kind": _choice(entry.kind, VISIT_KINDS, "走访方式"),
        "content": clean_text(entry.content, "走访情况", 5000, required=True),
        "help_given": clean_text(entry.help_given, "帮扶措施", 2000),
        "colour": codes.check(CARE_COLOURS, entry.colour, "关爱等级", required=False),
    }
    with db.atomic():
        fresh = _care_fresh(actor, subject)
        visited = _day(entry.visited_on, "走访日期", today, fresh.listed_on)
        latest = fresh.last_visit is None or visited >= fresh.last_visit
        colour = fields["colour"] if (latest and fields["colour"]) else fresh.colour
        fields["colour"] = fields["colour"] or fresh.colour
        visit = records.create(actor, CareVisit, f"关爱帮扶对象 {mask_name(fresh.name)} 走访（{visited:%Y-%m-%d}）",
                               subject=fresh, visited_on=visited, **fields)
        if latest:
            records.update(actor, fresh, {"last_visit": visited, "colour": colour,
                                          "next_due": _care_due(colour, visited)},
                           f"关爱帮扶对象 {mask_name(fresh.name)} 走访后", CARE_LABELS)
    return visit


def remove_care(actor: User, subject: CareSubject, reason: str, on: date | None = None,
                today: date | None = None) -> CareSubject:
    """移出台账 (moved away, died, no longer in need): kept with its visits; no visit falls due."""
    today = today or local_today()
    reason = clean_text(reason, "移出原因", 200, required=True)
    with db.atomic():
        fresh = _care_fresh(actor, subject)
        day = _day(on or today, "移出日期", today, fresh.listed_on)
        records.update(actor, fresh, {"status": CARE_REMOVED, "removed_on": day, "removed_reason": reason,
                                      "next_due": None},
                       f"关爱帮扶对象 {mask_name(fresh.name)} 移出台账", CARE_LABELS)
    return fresh


# --------------------------------------------------------------------------------------------
# 关爱帮扶: reading
# --------------------------------------------------------------------------------------------

def get_care_subject(actor: User, subject_id: int) -> CareSubject:
    """Open one subject's record (audited)."""
    fresh = _care_fresh(actor, subject_id, active=False)
    audit.log(actor.username, "view_sensitive", f"查看关爱帮扶对象 {mask_name(fresh.name)}", fresh)
    return fresh


def care_visits(subject: CareSubject) -> list[CareVisit]:
    return list(CareVisit.live().where(CareVisit.subject == subject).order_by(CareVisit.visited_on, CareVisit.id))


def care_state(subject: CareSubject, today: date) -> str:
    """已超期 / 今日到期 / 即将到期 (within 3 days) / 正常 for the next visit; "" once removed."""
    if subject.status != CARE_ACTIVE or subject.next_due is None:
        return NO_DEADLINE
    left = (subject.next_due - today).days
    return state_of(subject.next_due, today, max(left, 0), DUE_SOON_DAYS)


def _care_filtered(actor: User, flt: CareFilter):
    query = _care_scope(actor)
    if flt.status:
        query = query.where(CareSubject.status == _choice(flt.status, (CARE_ACTIVE, CARE_REMOVED), "状态"))
    if flt.group:
        query = query.where(_json_has(CareSubject.groups, flt.group.strip()))
    if flt.colour:
        query = query.where(CareSubject.colour == flt.colour.strip())
    if flt.grid_id is not None:
        query = query.where(CareSubject.grid == flt.grid_id)
    if flt.overdue_only:
        query = query.where(CareSubject.status == CARE_ACTIVE,
                            CareSubject.next_due < (flt.today or local_today()))
    if flt.text.strip():
        query = query.where(_text_condition(actor, CareSubject, flt.text, actor.can(SENSITIVE)))
    return query


def list_care(actor: User, flt: CareFilter, before_id: int | None = None, limit: int = 100) -> list[CareSubject]:
    """One page, newest first. Show them through ``care_rows``, which masks for those who may not see."""
    return keyset_page(_care_filtered(actor, flt), CareSubject, before_id, limit)


def count_care(actor: User, flt: CareFilter, cap: int | None = None) -> int:
    return capped_count(_care_filtered(actor, flt), CareSubject, cap)


def care_visits_due(actor: User, today: date | None = None, within_days: int = 0) -> list[CareSubject]:
    """在册 subjects whose next visit is due by ``today + within_days``, the most overdue first."""
    today = today or local_today()
    return list(_care_scope(actor).where(CareSubject.status == CARE_ACTIVE,
                                         CareSubject.next_due <= today + timedelta(days=within_days))
                .order_by(CareSubject.next_due, CareSubject.id))


def _care_values(subject: CareSubject, today: date, grid_name: str) -> dict:
    return {
        "id": subject.id, "name": subject.name, "gender": subject.gender,
        "age": _age(subject.birth_date, today), "id_number": subject.id_number, "phone": subject.phone,
        "address": subject.address, "village": subject.village, "grid": grid_name,
        "groups": "、".join(subject.groups or ()), "colour": subject.colour, "helper": subject.helper,
        "helper_phone": subject.helper_phone, "situation": subject.situation, "needs": subject.needs,
        "listed_on": _date_text(subject.listed_on), "last_visit": _date_text(subject.last_visit),
        "next_due": _date_text(subject.next_due), "state": care_state(subject, today), "status": subject.status,
        "removed_on": _date_text(subject.removed_on), "removed_reason": subject.removed_reason,
    }


def care_rows(actor: User, subjects: Sequence[CareSubject], today: date | None = None) -> list[dict]:
    """Display values for a list: name, ID number and phone masked unless the actor holds
    ``patrol.sensitive`` (the ID number in full only with ``people.full_id`` too); no address."""
    require(actor, USE)
    today = today or local_today()
    names = _grid_names(subjects)
    sensitive = actor.can(SENSITIVE)
    rows = []
    for subject in subjects:
        row = _care_values(subject, today, names.get(subject.grid_id, ""))
        del row["address"]
        if sensitive:
            row["id_number"] = shown_id(actor, subject.id_number)
        else:
            row.update(name=mask_name(subject.name), id_number=mask_id_number(subject.id_number),
                       phone=mask_phone(subject.phone))
        rows.append(row)
    return rows


def _grid_member(actor: User, grid_id: int | None) -> bool:
    return grid_id is not None and GridMember.live().where(
        GridMember.grid == grid_id, GridMember.username == actor.username).exists()


def shown(actor: User, subject: CareSubject, today: date | None = None) -> dict:
    """Display values of an opened record: name, phone and address in full for users with
    ``patrol.sensitive`` and for the workers of the subject's grid, masked for others; the ID number in
    full only with ``patrol.sensitive`` and ``people.full_id``."""
    require(actor, USE)
    today = today or local_today()
    values = _care_values(subject, today, _grid_names([subject]).get(subject.grid_id, ""))
    sensitive = actor.can(SENSITIVE)
    if not (sensitive or _grid_member(actor, subject.grid_id)):
        values.update(name=mask_name(subject.name), phone=mask_phone(subject.phone), address="")
    full_id = sensitive and actor.can(FULL_ID_PERMISSION)
    values["id_number"] = subject.id_number if full_id else mask_id_number(subject.id_number)
    return values


CARE_EXPORT_COLUMNS = (
    ("name", "姓名"), ("gender", "性别"), ("age", "年龄"), ("id_number", "身份证号"), ("phone", "联系电话"),
    ("address", "住址"), ("village", "村（社区）"), ("grid", "网格"), ("groups", "关爱对象类别"),
    ("colour", "关爱等级"), ("helper", "帮扶人"), ("helper_phone", "帮扶人电话"), ("situation", "基本情况"),
    ("needs", "帮扶需求"), ("listed_on", "列入日期"), ("last_visit", "最近走访日期"), ("next_due", "下次走访日期"),
    ("state", "走访状态"), ("status", "状态"), ("removed_on", "移出日期"), ("removed_reason", "移出原因"),
)


def check_export(actor: User, what: str) -> None:
    """Only users with ``patrol.sensitive`` may export either register (``what``: its name, e.g.
    关爱帮扶台账); a refused attempt is audited as "export_refused" before PermissionDenied is raised."""
    try:
        require(actor, SENSITIVE)
    except PermissionDenied:
        _audit_refused_export(actor, what)
        raise


def care_export_values(actor: User, subjects: Sequence[CareSubject], today: date | None = None) -> list[dict]:
    """The values an export writes (only for users with ``patrol.sensitive``): everything in full but
    the ID number, shown as the actor may see it (``shown_id``)."""
    require(actor, SENSITIVE)
    today = today or local_today()
    names = _grid_names(subjects)
    rows = []
    for subject in subjects:
        values = _care_values(subject, today, names.get(subject.grid_id, ""))
        values["id_number"] = shown_id(actor, subject.id_number)
        rows.append(values)
    return rows


def care_export_rows(actor: User, flt: CareFilter, today: date | None = None) -> list[dict]:
    """Every subject the filter finds, as rows keyed by the Chinese column headings (in order). Only for
    users with ``patrol.sensitive``; each attempt is audited, a refused one too. (The list screen's
    导出 Excel goes through ``models.exports``, which pages through ``list_care`` and ``care_export_values``.)"""
    check_export(actor, "关爱帮扶台账")
    subjects = list(_care_filtered(actor, flt).order_by(CareSubject.id))
    rows = [{heading: values[key] for key, heading in CARE_EXPORT_COLUMNS}
            for values in care_export_values(actor, subjects, today)]
    audit.log(actor.username, "export", f"导出关爱帮扶台账 {len(rows)} 人")
    return rows


# --------------------------------------------------------------------------------------------
# 重点人员: validation and due dates
# --------------------------------------------------------------------------------------------

KEY_LABELS = {
    "name": "姓名", "id_number": "身份证号", "gender": "性别", "phone": "联系电话", "address": "住址",
    "village": "村（社区）", "grid": "网格", "danger_level": "危险性等级", "stage": "管控阶段",
    "responsible": "管控责任人", "helper": "帮扶人", "guardian": "监护人", "measures": "管控措施",
    "listed_on": "列管日期", "last_visit": "最近走访日期", "next_due": "下次走访日期", "status": "状态",
    "released_on": "解除日期", "released_reason": "解除原因",
}


def key_interval(category: str, danger_level: int | None) -> int:
    """Days between follow-ups: by danger level for 严重精神障碍患者, by category for the others."""
    if category == MENTAL:
        return MENTAL_DAYS[danger_level if danger_level is not None else 0]
    return CATEGORY_DAYS[category]


def _danger_level(category: str, value) -> int | None:
    given = value is not None and not (isinstance(value, str) and not value.strip())
    if category != MENTAL:
        if given:
            raise ValidationError("危险性等级", f"只有严重精神障碍患者评定危险性等级，{category}不填。")
        return None
    if not given:
        raise ValidationError("危险性等级", "请填写危险性等级（0 到 5 级）。")
    if isinstance(value, bool):
        raise ValidationError("危险性等级", "危险性等级应为 0 到 5 的整数。")
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError("危险性等级", "危险性等级应为 0 到 5 的整数。") from None
    if level not in DANGER_LEVELS:
        raise ValidationError("危险性等级", "危险性等级应为 0 到 5 的整数。")
    return level


def _stage(category: str, value: str) -> str:
    value = (value or "").strip()
    if category != DRUG:
        if value:
            raise ValidationError("管控阶段", f"只有吸毒人员登记管控阶段，{category}不填。")
        return ""
    return _choice(value, DRUG_STAGES, "管控阶段")


def _clean_key(actor: User, entry: KeyPersonEntry, today: date) -> tuple[Person, dict]:
    person = _person(entry.person)
    category = _choice(entry.category, KEY_CATEGORIES, "人员类别")
    fields = {
        **_person_fields(person), "category": category,
        "danger_level": _danger_level(category, entry.danger_level),
        "stage": _stage(category, entry.stage),
        "responsible": clean_text(entry.responsible, "管控责任人", 64, required=True),
        "helper": clean_text(entry.helper, "帮扶人", 64),
        "guardian": clean_text(entry.guardian, "监护人", 64),
        "measures": clean_text(entry.measures, "管控措施", 2000),
        "listed_on": _day(entry.listed_on or today, "列管日期", today),
        "grid": _grid(actor, entry.grid),
    }
    return person, fields


def _key_scope(actor: User):
    require(actor, SENSITIVE)
    return grids.scope(actor, KeyPerson, KeyPerson.grid)


def _key_fresh(actor: User, kp: KeyPerson | int, active: bool = True) -> KeyPerson:
    kp_id = kp if isinstance(kp, int) else kp.id
    fresh = locked(_key_scope(actor).where(KeyPerson.id == kp_id)).first()
    if fresh is None:
        if KeyPerson.live().where(KeyPerson.id == kp_id).exists():
            raise PermissionDenied("这名重点人员不在您负责的网格内。")
        raise ValidationError("重点人员", "没有这条重点人员记录（可能已被删除）。")
    if active and fresh.status != KEY_ACTIVE:
        raise ValidationError("状态", f"{mask_name(fresh.name)}已于{fresh.released_on:%Y年%m月%d日}解除管控，"
                                    "不能再修改、评估或走访。")
    return fresh


def _key_summary(kp_or_fields) -> str:
    name = kp_or_fields["name"] if isinstance(kp_or_fields, dict) else kp_or_fields.name
    return f"重点人员 {mask_name(name)}"


# --------------------------------------------------------------------------------------------
# 重点人员: writes
# --------------------------------------------------------------------------------------------

def add_key_person(actor: User, entry: KeyPersonEntry, today: date | None = None) -> KeyPerson:
    """列管: the person's registry details are copied; the first follow-up is due one interval after
    the listing date. A person is listed once per category while 在管."""
    require(actor, SENSITIVE)
    today = today or local_today()
    person, fields = _clean_key(actor, entry, today)
    with db.atomic():
        twin = KeyPerson.live().where(KeyPerson.person_uid == fields["person_uid"],
                                      KeyPerson.category == fields["category"], KeyPerson.status == KEY_ACTIVE).first()
        if twin is not None:
            raise ValidationError("人员", f"{person.name}已作为{twin.category}列管（{twin.listed_on:%Y年%m月%d日}起，"
                                        "在管），请打开原记录修改。")
        due = fields["listed_on"] + timedelta(days=key_interval(fields["category"], fields["danger_level"]))
        return records.create(actor, KeyPerson, f"列管{_key_summary(fields)}", status=KEY_ACTIVE, next_due=due,
                              **fields)


def update_key_person(actor: User, kp: KeyPerson, entry: KeyPersonEntry, today: date | None = None) -> KeyPerson:
    """Change the responsible person, helper, guardian, measures, stage, grid (and refresh the registry
    details). The person and the category stay; a corrected danger level or listing date moves the
    next follow-up."""
    today = today or local_today()
    with db.atomic():
        fresh = _key_fresh(actor, kp)
        person, fields = _clean_key(actor, entry, today)
        if fields["person_uid"] != fresh.person_uid:
            raise ValidationError("人员", "不能更换重点人员本人；如需登记其他人，请另行列管。")
        if fields["category"] != fresh.category:
            raise ValidationError("人员类别", f"不能把{fresh.category}改为{fields['category']}；请解除后按新类别列管。")
        del fields["category"]
        first = _first_visit(KeyVisit, KeyVisit.visited_on, KeyVisit.key_person, fresh)
        if first is not None and fields["listed_on"] > first:
            raise ValidationError("列管日期", f"列管日期不能晚于第一次走访（{first:%Y年%m月%d日}）。")
        if fields["danger_level"] != fresh.danger_level or fields["listed_on"] != fresh.listed_on:
            fields["next_due"] = ((fresh.last_visit or fields["listed_on"])
                                  + timedelta(days=key_interval(fresh.category, fields["danger_level"])))
        records.update(actor, fresh, fields, _key_summary(fresh), KEY_LABELS)
    return fresh


def assess(actor: User, kp: KeyPerson, entry: AssessmentEntry, today: date | None = None) -> KeyAssessment:
    """危险性评估 (or a periodic assessment of another category). The latest assessment's danger level
    is the person's. A change to 3–5 级 brings the next follow-up within 14 days of the assessment (an
    earlier one already due stays); a change to 0–2 级 counts the new interval from the last visit (or
    the listing date). An assessment dated before the latest one is kept but changes nothing."""
    today = today or local_today()
    assessor = clean_text(entry.assessor, "评估人", 64, required=True)
    notes = clean_text(entry.notes, "评估意见", 2000)
    with db.atomic():
        fresh = _key_fresh(actor, kp)
        level = _danger_level(fresh.category, entry.danger_level)
        day = _day(entry.assessed_on, "评估日期", today, fresh.listed_on, "列管日期")
        latest = (KeyAssessment.select(pw.fn.MAX(KeyAssessment.assessed_on))
                  .where(KeyAssessment.key_person == fresh, KeyAssessment.deleted_at.is_null()).scalar())
        assessment = records.create(
            actor, KeyAssessment, f"{_key_summary(fresh)} 评估（{day:%Y-%m-%d}）", key_person=fresh,
            assessed_on=day, assessor=assessor, danger_level=level, notes=notes)
        if level is not None and level != fresh.danger_level and (latest is None or day >= latest):
            if level in HIGH_RISK_LEVELS:
                soon = day + timedelta(days=HIGH_RISK_DAYS)
                due = min(fresh.next_due, soon) if fresh.next_due else soon
            else:
                due = (fresh.last_visit or fresh.listed_on) + timedelta(days=key_interval(fresh.category, level))
            records.update(actor, fresh, {"danger_level": level, "next_due": due},
                           f"{_key_summary(fresh)} 评估后", KEY_LABELS)
    return assessment


def add_key_visit(actor: User, kp: KeyPerson, entry: KeyVisitEntry, today: date | None = None) -> KeyVisit:
    """走访 (随访): the latest visit moves the next one interval on; a visit recorded late, earlier than
    the latest, is kept but moves nothing back."""
    today = today or local_today()
    fields = {
        "visitor": clean_text(entry.visitor, "走访人", 64, required=True),
        "kind": _choice(entry.kind, VISIT_KINDS, "走访方式"),
        "situation": clean_text(entry.situation, "现实表现", 5000, required=True),
        "measures": clean_text(entry.measures, "落实措施", 2000),
    }
    with db.atomic():
        fresh = _key_fresh(actor, kp)
        visited = _day(entry.visited_on, "走访日期", today, fresh.listed_on, "列管日期")
        visit = records.create(actor, KeyVisit, f"{_key_summary(fresh)} 走访（{visited:%Y-%m-%d}）",
                               key_person=fresh, visited_on=visited, **fields)
        if fresh.last_visit is None or visited >= fresh.last_visit:
            due = visited + timedelta(days=key_interval(fresh.category, fresh.danger_level))
            records.update(actor, fresh, {"last_visit": visited, "next_due": due},
                           f"{_key_summary(fresh)} 走访后", KEY_LABELS)
    return visit


def release_key_person(actor: User, kp: KeyPerson, reason: str, on: date | None = None,
                       today: date | None = None) -> KeyPerson:
    """解除管控: kept with its assessments and visits; no follow-up falls due."""
    today = today or local_today()
    reason = clean_text(reason, "解除原因", 200, required=True)
    with db.atomic():
        fresh = _key_fresh(actor, kp)
        day = _day(on or today, "解除日期", today, fresh.listed_on, "列管日期")
        records.update(actor, fresh, {"status": KEY_RELEASED, "released_on": day, "released_reason": reason,
                                      "next_due": None}, f"{_key_summary(fresh)} 解除管控", KEY_LABELS)
    return fresh


# --------------------------------------------------------------------------------------------
# 重点人员: reading
# --------------------------------------------------------------------------------------------

def get_key_person(actor: User, kp_id: int) -> KeyPerson:
    """Open one record (audited)."""
    fresh = _key_fresh(actor, kp_id, active=False)
    audit.log(actor.username, "view_sensitive", f"查看{_key_summary(fresh)}", fresh)
    return fresh


def key_visits(kp: KeyPerson) -> list[KeyVisit]:
    return list(KeyVisit.live().where(KeyVisit.key_person == kp).order_by(KeyVisit.visited_on, KeyVisit.id))


def key_assessments(kp: KeyPerson) -> list[KeyAssessment]:
    return list(KeyAssessment.live().where(KeyAssessment.key_person == kp)
                .order_by(KeyAssessment.assessed_on, KeyAssessment.id))


def key_state(kp: KeyPerson, today: date) -> str:
    if kp.status != KEY_ACTIVE or kp.next_due is None:
        return NO_DEADLINE
    left = (kp.next_due - today).days
    return state_of(kp.next_due, today, max(left, 0), DUE_SOON_DAYS)


def _key_filtered(actor: User, flt: KeyFilter):
    query = _key_scope(actor)
    if flt.status:
        query = query.where(KeyPerson.status == _choice(flt.status, (KEY_ACTIVE, KEY_RELEASED), "状态"))
    if flt.category:
        query = query.where(KeyPerson.category == _choice(flt.category, KEY_CATEGORIES, "人员类别"))
    if flt.grid_id is not None:
        query = query.where(KeyPerson.grid == flt.grid_id)
    if flt.overdue_only:
        query = query.where(KeyPerson.status == KEY_ACTIVE, KeyPerson.next_due < (flt.today or local_today()))
    if flt.text.strip():
        query = query.where(_text_condition(actor, KeyPerson, flt.text, True))
    return query


def list_key_persons(actor: User, flt: KeyFilter, before_id: int | None = None, limit: int = 100) -> list[KeyPerson]:
    return keyset_page(_key_filtered(actor, flt), KeyPerson, before_id, limit)


def count_key_persons(actor: User, flt: KeyFilter, cap: int | None = None) -> int:
    return capped_count(_key_filtered(actor, flt), KeyPerson, cap)


def key_visits_due(actor: User, today: date | None = None, within_days: int = 0) -> list[KeyPerson]:
    """在管 persons whose next follow-up is due by ``today + within_days``, the most overdue first."""
    today = today or local_today()
    return list(_key_scope(actor).where(KeyPerson.status == KEY_ACTIVE,
                                        KeyPerson.next_due <= today + timedelta(days=within_days))
                .order_by(KeyPerson.next_due, KeyPerson.id))


def short_of_visits(actor: User, year: int, today: date | None = None) -> list[tuple[KeyPerson, int]]:
    """在管 严重精神障碍患者 listed by the end of ``year`` with fewer than 4 follow-ups in that year, as
    (person, visits), the fewest first."""
    query = _key_scope(actor)
    today = today or local_today()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError("年度", "年度应为整数，如 2024。") from None
    if not 1900 <= year <= today.year:
        raise ValidationError("年度", f"年度应在 1900 到 {today.year} 之间。")
    first, last = date(year, 1, 1), date(year, 12, 31)
    patients = list(query.where(KeyPerson.status == KEY_ACTIVE, KeyPerson.category == MENTAL,
                                KeyPerson.listed_on <= last))
    if not patients:
        return []
    counts = dict(KeyVisit.select(KeyVisit.key_person, pw.fn.COUNT(KeyVisit.id))
                  .where(KeyVisit.key_person.in_([p.id for p in patients]), KeyVisit.deleted_at.is_null(),
                         KeyVisit.visited_on.between(first, last))
                  .group_by(KeyVisit.key_person).tuples())
    short = [(p, counts.get(p.id, 0)) for p in patients if counts.get(p.id, 0) < MIN_VISITS_A_YEAR]
    return sorted(short, key=lambda pair: (pair[1], pair[0].id))


def key_counts(actor: User) -> dict[str, int]:
    """在管 persons by category (every category present), and ``REHAB``: 吸毒人员 in 社区戒毒 or 社区康复."""
    query = _key_scope(actor).where(KeyPerson.status == KEY_ACTIVE)
    counts = {category: 0 for category in KEY_CATEGORIES}
    for person in query.select(KeyPerson.category, KeyPerson.stage):
        counts[person.category] = counts.get(person.category, 0) + 1
        if person.category == DRUG and person.stage in REHAB_STAGES:
            counts[REHAB] = counts.get(REHAB, 0) + 1
    counts.setdefault(REHAB, 0)
    return counts


def _key_values(actor: User, kp: KeyPerson, today: date, grid_name: str) -> dict:
    return {
        "id": kp.id, "name": kp.name, "gender": kp.gender, "id_number": shown_id(actor, kp.id_number),
        "phone": kp.phone, "address": kp.address, "village": kp.village, "grid": grid_name,
        "category": kp.category, "danger_level": "" if kp.danger_level is None else f"{kp.danger_level} 级",
        "stage": kp.stage, "responsible": kp.responsible, "helper": kp.helper, "guardian": kp.guardian,
        "measures": kp.measures, "listed_on": _date_text(kp.listed_on), "last_visit": _date_text(kp.last_visit),
        "next_due": _date_text(kp.next_due), "state": key_state(kp, today), "status": kp.status,
        "released_on": _date_text(kp.released_on), "released_reason": kp.released_reason,
    }


def key_rows(actor: User, persons: Sequence[KeyPerson], today: date | None = None) -> list[dict]:
    """Display values for a list (the ID number in full only with ``people.full_id``)."""
    require(actor, SENSITIVE)
    today = today or local_today()
    names = _grid_names(persons)
    return [_key_values(actor, kp, today, names.get(kp.grid_id, "")) for kp in persons]


KEY_EXPORT_COLUMNS = (
    ("name", "姓名"), ("gender", "性别"), ("id_number", "身份证号"), ("phone", "联系电话"), ("address", "住址"),
    ("village", "村（社区）"), ("grid", "网格"), ("category", "人员类别"), ("danger_level", "危险性等级"),
    ("stage", "管控阶段"), ("responsible", "管控责任人"), ("helper", "帮扶人"), ("guardian", "监护人"),
    ("measures", "管控措施"), ("listed_on", "列管日期"), ("last_visit", "最近走访日期"), ("next_due", "下次走访日期"),
    ("state", "走访状态"), ("status", "状态"), ("released_on", "解除日期"), ("released_reason", "解除原因"),
)


def key_export_rows(actor: User, flt: KeyFilter, today: date | None = None) -> list[dict]:
    """Every person the filter finds, as rows keyed by the Chinese column headings (in order); each
    attempt is audited, a refused one too. (The list screen's 导出 Excel goes through ``models.exports``,
    which pages through ``list_key_persons`` and ``key_rows``.)"""
    check_export(actor, "重点人员台账")
    persons = list(_key_filtered(actor, flt).order_by(KeyPerson.id))
    rows = [{heading: values[key] for key, heading in KEY_EXPORT_COLUMNS} for values in key_rows(actor, persons, today)]
    audit.log(actor.username, "export", f"导出重点人员台账 {len(rows)} 人")
    return rows
