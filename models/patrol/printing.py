"""The grid patrol area's printed documents, built from its records (documents/patrol.py lays them out).

``render(actor, kind, number_or_worker, month=None)`` gives the PDF of

- ``patrol-log``    XC-…: the 巡查日志 of one patrol;
- ``hazard-notice`` YH-…: the 隐患整改通知书 of a hazard (复查整改通知书 with the new deadline once a
  verification failed);
- ``monthly-log``   a worker's username and ``month`` "YYYY-MM": the 网格员月度工作日志.

Reading goes through the models, so the grid scope holds: a worker prints the patrols and hazards of
their grids (and what they wrote), and only their own monthly log; the log of another worker needs
``patrol.all``. In the monthly log the care visits' names are masked by the care register's rule
(``registers.care_rows``: in full only with ``patrol.sensitive``), and key-person visits are listed only
for users with ``patrol.sensitive`` — others see how many there were.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from documents import patrol as docs
from models import accounts, settings
from models.accounts import User, require
from models.errors import PermissionDenied, ValidationError
from models.patrol import grids, hazards, patrols, registers
from models.patrol.common import local_today
from models.patrol.tables import (
    DISPUTE, EVENT, HAZARD, HELP, INSPECTION_TYPES, VERIFY_FAIL, CareSubject, CareVisit, Grid, GridMember, Hazard,
    KeyPerson, KeyVisit, PatrolLog,
)
from models.printouts import Printable

KINDS = {"patrol-log": "巡查日志", "monthly-log": "网格员月度工作日志", "hazard-notice": "隐患整改通知书"}
CENTRE_NAME = "网格化服务管理中心"
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def centre() -> docs.Centre:
    """The issuing centre: "{town}网格化服务管理中心" (the post's name when no town is set)."""
    values = settings.get_all()
    town = values["town_name"].strip()
    return docs.Centre(town=town, district=values["district"], name=CENTRE_NAME if town else values["post_name"],
                       phone=values["hall_phone"])


def parse_month(text: str | None) -> tuple[date, date]:
    """"2022-07" → (2022-07-01, 2022-07-31); a month after the current one or bad text is refused."""
    if text is None or not str(text).strip():
        raise ValidationError("月份", "请指定月份（YYYY-MM，如 2022-07）。")
    found = _MONTH.match(str(text))
    year, month = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not found or not 1 <= month <= 12 or year < 1900:
        raise ValidationError("月份", f"“{text}”不是有效的月份，请按 YYYY-MM 填写，如 2022-07。")
    first = date(year, month, 1)
    if first > local_today():
        raise ValidationError("月份", f"{year}年{month}月还没有到。")
    return first, date(year, month, monthrange(year, month)[1])


def _display_name(username: str) -> str:
    user = accounts.get_user(username) if username else None
    return user.display_name if user else username


# --------------------------------------------------------------------------------------------
# 巡查日志
# --------------------------------------------------------------------------------------------

def _grid_text(grid: Grid) -> str:
    return f"{grid.code} {grid.name}"


def patrol_document(actor: User, patrol: PatrolLog) -> docs.PatrolDocument:
    found = [docs.FindingLine(category=f.category, place=f.place, problem=f.problem, measure=f.measure,
                              feedback=f.feedback, kind=f.kind, target=f.target_number)
             for f in patrols.findings(patrol)]
    visited = []
    for inspection in patrols.inspections(patrol):
        premises = inspection.premises
        visited.append(docs.InspectionLine(
            premises=premises.name, kind=premises.kind, result=inspection.result, notes=inspection.notes,
            hazards=tuple(h.number for h in patrols.hazards_of_inspection(inspection)), address=premises.address))
    return docs.PatrolDocument(
        number=patrol.number, centre=centre(), patrol_date=patrol.patrol_date, shift=patrol.shift,
        times=patrols.local_times(patrol), patrol_type=patrol.patrol_type,
        grids=tuple(_grid_text(g) for g in patrols.patrol_grids_of(patrol)), route=patrol.route,
        leader=patrol.leader, participants=tuple(patrol.participants or ()), others=patrol.others,
        person_times=patrol.person_times, weather=patrol.weather, overview=patrol.overview,
        recorder=_display_name(patrol.recorder), findings=tuple(found), inspections=tuple(visited),
        inspection_patrol=patrol.patrol_type in INSPECTION_TYPES)


# --------------------------------------------------------------------------------------------
# 隐患整改通知书
# --------------------------------------------------------------------------------------------

def _source_patrol(hazard: Hazard) -> PatrolLog | None:
    if hazard.finding_id is not None and hazard.finding is not None:
        return hazard.finding.patrol
    if hazard.inspection_id is not None and hazard.inspection is not None:
        return hazard.inspection.patrol
    return None


def hazard_document(hazard: Hazard) -> docs.HazardDocument:
    """The notice of the hazard's current deadline: after a failed verification, the 复查整改通知书
    issued on the day of that check by whoever checked."""
    patrol = _source_patrol(hazard)
    inspectors = tuple(patrol.participants) if patrol is not None and patrol.participants else (
        _display_name(hazard.created_by),)
    failed = [c for c in hazards.checks(hazard) if c.result == VERIFY_FAIL] if hazard.deadlines > 1 else []
    recheck = failed[-1] if failed else None
    earlier = failed[-2].new_deadline if len(failed) > 1 else None
    return docs.HazardDocument(
        number=hazard.number, centre=centre(), responsible=hazard.responsible, place=hazard.place,
        category=hazard.category, level=hazard.level, description=hazard.description,
        requirement=hazard.requirement, found_on=hazard.found_on, deadline=hazard.deadline,
        issued_on=recheck.checked_on if recheck else hazard.found_on,
        inspectors=(recheck.checked_by,) if recheck else inspectors,
        premises=hazard.premises.name if hazard.premises_id is not None and hazard.premises else "",
        responsible_phone=hazard.responsible_phone,
        recheck_on=recheck.checked_on if recheck else None, recheck_notes=recheck.notes if recheck else "",
        first_deadline=earlier, round=hazard.deadlines)


# --------------------------------------------------------------------------------------------
# 网格员月度工作日志
# --------------------------------------------------------------------------------------------

def _worker(actor: User, username: str) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationError("网格员", "请填写网格员的用户名。")
    if username != actor.username and not actor.can(grids.ALL):
        raise PermissionDenied("只能打印本人的月度工作日志；打印其他网格员的日志需要“查看和管理本站点全部网格”的权限。")
    user = accounts.get_user(username)
    if user is None:
        raise ValidationError("网格员", f"没有用户名为“{username}”的账户。")
    return user


def _worker_grids(username: str) -> tuple[str, ...]:
    rows = (GridMember.select(GridMember, Grid).join(Grid)
            .where(GridMember.username == username, GridMember.deleted_at.is_null(), Grid.deleted_at.is_null())
            .order_by(Grid.code))
    return tuple(f"{m.grid.code} {m.grid.name}（{m.kind}）" for m in rows)


def care_visits_of(actor: User, visitor: str, first: date, last: date) -> list[CareVisit]:
    """The care visits ``visitor`` (a display name) made between two dates, in the actor's scope."""
    subjects = grids.scope(actor, CareSubject, CareSubject.grid).select(CareSubject.id)
    return list(CareVisit.live().where(CareVisit.visitor == visitor, CareVisit.visited_on.between(first, last),
                                       CareVisit.subject.in_(subjects))
                .order_by(CareVisit.visited_on, CareVisit.id))


def key_visits_of(actor: User, visitor: str, first: date, last: date):
    """The key-person visits ``visitor`` made between two dates, in the actor's grid scope (a query: the
    caller lists them only for users with ``patrol.sensitive``, and counts them for the others)."""
    persons = grids.scope(actor, KeyPerson, KeyPerson.grid).select(KeyPerson.id)
    return (KeyVisit.live().where(KeyVisit.visitor == visitor, KeyVisit.visited_on.between(first, last),
                                  KeyVisit.key_person.in_(persons))
            .order_by(KeyVisit.visited_on, KeyVisit.id))


def monthly_counts(worked: list[docs.PatrolDocument], care: int, key: int, night: int) -> docs.MonthlyCounts:
    found = [f for p in worked for f in p.findings]
    inspected = sum(len(i.hazards) for p in worked for i in p.inspections)
    return docs.MonthlyCounts(
        patrols=len(worked), night=night, person_times=sum(p.person_times for p in worked), findings=len(found),
        hazards=sum(f.kind == HAZARD for f in found) + inspected, events=sum(f.kind == EVENT for f in found),
        helps=sum(f.kind == HELP for f in found), disputes=sum(f.kind == DISPUTE for f in found),
        care_visits=care, key_visits=key)


def monthly_document(actor: User, worker: User, first: date, last: date) -> docs.MonthlyDocument:
    rows = patrols.worker_patrols(actor, worker.display_name, worker.username, first, last)
    worked = [patrol_document(actor, p) for p in rows]
    care = care_visits_of(actor, worker.display_name, first, last)
    subjects = {}
    for visit in care:
        subjects.setdefault(visit.subject_id, visit.subject)
    shown = {row["id"]: row for row in registers.care_rows(actor, list(subjects.values()))}
    care_lines = tuple(docs.CareVisitLine(
        visited_on=v.visited_on, subject=shown[v.subject_id]["name"], groups=shown[v.subject_id]["groups"],
        colour=v.colour, kind=v.kind, content=v.content, help_given=v.help_given) for v in care)
    key_query = key_visits_of(actor, worker.display_name, first, last)
    if actor.can(grids.SENSITIVE):
        key_rows = list(key_query)
        key_lines: tuple[docs.KeyVisitLine, ...] | None = tuple(docs.KeyVisitLine(
            visited_on=v.visited_on, name=v.key_person.name, category=v.key_person.category, kind=v.kind,
            situation=v.situation, measures=v.measures) for v in key_rows)
        key_count = len(key_rows)
    else:
        key_lines, key_count = None, key_query.count()
    counts = monthly_counts(worked, len(care_lines), key_count, sum(patrols.is_night(p) for p in rows))
    return docs.MonthlyDocument(
        centre=centre(), worker=worker.display_name, username=worker.username, year=first.year, month=first.month,
        counts=counts, grids=_worker_grids(worker.username), patrols=tuple(worked), care_visits=care_lines,
        key_visits=key_lines, phone=worker.phone)


# --------------------------------------------------------------------------------------------
# render
# --------------------------------------------------------------------------------------------

def render(actor: User, kind: str, number_or_worker: str, month: str | None = None) -> Printable:
    """The PDF of one document: ``number_or_worker`` is the XC-/YH- number, or the worker's username
    for the monthly log (with ``month`` "YYYY-MM")."""
    if kind not in KINDS:
        raise ValidationError("文书", f"未知的文书“{kind}”，可选：{'、'.join(KINDS)}。")
    require(actor, grids.USE)
    if kind == "patrol-log":
        patrol = patrols.get_patrol(actor, number_or_worker)
        pdf = docs.patrol_log(patrol_document(actor, patrol))
        title = KINDS[kind]
        return Printable(kind, f"{title} {patrol.number}", f"{title}-{patrol.number}.pdf", patrol, pdf)
    if kind == "hazard-notice":
        hazard = hazards.get_hazard(actor, number_or_worker)
        doc = hazard_document(hazard)
        pdf = docs.hazard_notice(doc)
        return Printable(kind, f"{doc.title} {hazard.number}", f"{doc.title}-{hazard.number}.pdf", hazard, pdf)
    first, last = parse_month(month)
    worker = _worker(actor, number_or_worker)
    doc = monthly_document(actor, worker, first, last)
    title = KINDS[kind]
    return Printable(kind, f"{title} {worker.display_name} {doc.month_text}",
                     f"{title}-{worker.username}-{first:%Y-%m}.pdf", worker, docs.monthly_log(doc))
