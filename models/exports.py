"""导出 Excel: every list screen exports what it shows — its filter applied — as an .xlsx workbook.

One registry (``KINDS``) describes each exportable list: its title, the permission an export needs, its
columns, how to fetch a page of its records (keyset paging, newest first, as the screen shows them) and
how to count them. A ``Column`` is the one definition of a column for both the screen and the export:
its ``value`` reads a TYPED value from a record (a date, an int, text) with masking applied for the
actor (ID numbers through ``shown_id``); the screen shows it through ``cell_text`` (dates as
yyyy-mm-dd …), the workbook keeps it typed. A column can be on the screen only (``export=False``) or in
the export only (``screen=None``), and the screen may name it more briefly (``screen="类别"``).

Values that depend on today (剩余时限, 剩 n 天) are read against ``Context.today``: the day the list
was filled, or the day of the export.

``export_list(actor, kind, flt, progress)`` is the entry point: it checks the permission (a refusal is
audited as "export_refused" and raises PermissionDenied), pages through every record the filter finds
(``EXPORT_PAGE`` at a time, streaming them into the workbook), reports progress, adds a second sheet
"说明" (the list, the filter in words, the count, who exported it and when) and audits one "export" line
with the count and the filter (search text masked: it may be a name or an ID number).

Sensitive registers (关爱帮扶台账, 重点人员台账) are exported only by users with ``patrol.sensitive``
(``registers.check_export``, which audits a refusal); their rows are ``registers.care_export_values`` /
``registers.key_rows`` — the same values ``registers.care_export_rows`` / ``key_export_rows`` give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields as dataclass_fields
from functools import cached_property
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterator

from models import accounts, audit
from models.accounts import PERMISSIONS, User, require
from models.db import to_local, utcnow
from models.deadlines import DUE_TODAY, OVERDUE
from models.errors import PermissionDenied
from models.hall import cases, matters
from models.hall.calendar import work_calendar
from models.hall.cases import CaseFilter
from models.mediation import disputes, petitions
from models.mediation.disputes import DisputeFilter
from models.patrol import events, hazards, helps, patrols, registers
from models.patrol.common import local_today
from models.patrol.events import EventFilter
from models.patrol.grids import SENSITIVE, USE as PATROL_USE
from models.patrol.hazards import HazardFilter
from models.patrol.patrols import PatrolFilter
from models.patrol.registers import CareFilter, KeyFilter
from models.patrol.tables import Grid
from models.people import shown_id
from models.search import RESIDENT_ID
from models.validators import mask_id_number, mask_name, mask_phone

__all__ = [
    "Column", "Context", "ListKind", "KINDS", "kind_of", "export_list", "cell_text", "describe", "default_file_name",
    "PetitionFilter", "HelpFilter", "EXPORT_PAGE", "days_left_text", "workdays_left_text", "shorten",
    "case_deadline", "register_due_text", "petitioner_names",
]

EXPORT_PAGE = 2000
INFO_SHEET = "说明"


# --------------------------------------------------------------------------------------------
# Filters of the lists whose model functions take plain arguments
# --------------------------------------------------------------------------------------------

@dataclass
class PetitionFilter:
    """信访案件清单: the search box and the statuses (``petitions.list_petitions``' arguments)."""

    text: str = ""
    statuses: tuple[str, ...] = ()


@dataclass
class HelpFilter:
    """群众求助清单 (``helps.list_requests``' arguments)."""

    text: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


# --------------------------------------------------------------------------------------------
# Columns and the context their values are read in
# --------------------------------------------------------------------------------------------

class Context:
    """What a column's value may need besides the record: who is looking (masking), today (deadlines)
    and a memo for what a page computes once (the work calendar, user names, finding counts)."""

    def __init__(self, actor: User, today: date | None = None):
        self.actor = actor
        self.today = today or local_today()
        self.memo: dict[Any, Any] = {}

    def cached(self, key, make: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]


@dataclass(frozen=True)
class Column:
    """One column of a list: the export's heading, the workbook kind of its values (documents.workbook:
    text, int, decimal, date, datetime, percent) and ``value(context, record)`` → the typed value, masked
    as the context's actor may see it. ``screen``: the heading on screen ("" the same; None: export only);
    ``export`` False: screen only; ``text``: how the screen shows a value when not the usual way."""

    heading: str
    kind: str
    value: Callable[[Context, Any], Any]
    screen: str | None = ""
    export: bool = True
    text: Callable[[Any], str] | None = None

    @property
    def screen_heading(self) -> str | None:
        return self.heading if self.screen == "" else self.screen


def cell_text(column: Column, value: Any) -> str:
    """A value as the screen shows it: dates yyyy-mm-dd, times yyyy-mm-dd HH:MM, money with two decimals."""
    if column.text is not None:
        return column.text(value)
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if column.kind == "decimal":
        return f"{value:,.2f}"
    if column.kind == "percent":
        return f"{value:.1%}"
    return str(value)


@dataclass(frozen=True)
class ListKind:
    """One exportable list. ``fetch(context, filter, before_id, limit)`` → one page, newest first, of the
    records the columns read (for the screen); ``export_fetch`` the same for an export when the export
    reads other values (the care register: unmasked for those allowed to export); ``count(actor, filter)``
    → how many the filter finds. ``check(actor)`` refuses (audited) an actor who may not export.
    ``labels``: the filter's fields in words (field → label; the date range under "date_from")."""

    key: str
    title: str
    permission: str
    filter_type: type
    columns: tuple[Column, ...]
    fetch: Callable[[Context, Any, int | None, int], list]
    count: Callable[[User, Any], int]
    labels: dict[str, str]
    export_fetch: Callable[[Context, Any, int | None, int], list] | None = None
    check: Callable[[User], None] | None = None
    note: str = ""

    @cached_property
    def screen_columns(self) -> list[Column]:
        return [c for c in self.columns if c.screen is not None]

    @cached_property
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    def screen_headers(self) -> list[str]:
        return [c.screen_heading for c in self.screen_columns]

    def screen_cells(self, context: Context, record) -> tuple[str, ...]:
        return tuple(cell_text(c, c.value(context, record)) for c in self.screen_columns)

    def export_values(self, context: Context, record) -> list:
        return [c.value(context, record) for c in self.export_columns]

    def refuse_unless_allowed(self, actor: User) -> None:
        if self.check is not None:
            self.check(actor)
            return
        try:
            require(actor, self.permission)
        except PermissionDenied:
            if actor is not None:
                audit.log(actor.username, "export_refused",
                          f"导出{self.title}被拒绝：没有“{PERMISSIONS[self.permission]}”权限")
            raise


# --------------------------------------------------------------------------------------------
# Shared value helpers
# --------------------------------------------------------------------------------------------

def days_left_text(left: int | None, state: str = "") -> str:
    """Calendar days left of a running deadline: 超期 n 天 / 今日到期 / 剩 n 天 ("" when none runs)."""
    if left is None:
        return ""
    if left < 0:
        return f"超期 {-left} 天"
    if left == 0:
        return "今日到期"
    return f"剩 {left} 天"


def workdays_left_text(left: int | None, state: str) -> str:
    """Working days left of a hall promise: 超期 n 个工作日 / 已超期 / 今日到期 / 剩 n 个工作日."""
    if left is None:
        return ""
    if state == OVERDUE:
        return f"超期 {-left} 个工作日" if left < 0 else "已超期"
    if state == DUE_TODAY:
        return "今日到期"
    return f"剩 {left} 个工作日"


def shorten(text: str, length: int = 28) -> str:
    """One line of at most `length` characters (an ellipsis when cut)."""
    line = " ".join((text or "").split())
    return line if len(line) <= length else line[:length - 1] + "…"


def _day(text: str) -> date | None:
    """A register's display date (yyyy-mm-dd) back as a date."""
    return date.fromisoformat(text) if text else None


def _number(text) -> int | None:
    return int(text) if str(text or "").strip().isdigit() else None


def _user_name(context: Context, username: str) -> str:
    names = context.cached("user names", dict)
    if username not in names:
        user = accounts.get_user(username)
        names[username] = user.display_name if user else username
    return names[username]


def _dash(value) -> str:
    return "—" if value in (None, "") else str(value)


# --------------------------------------------------------------------------------------------
# 办件清单
# --------------------------------------------------------------------------------------------

def case_deadline(context: Context, case) -> tuple[int | None, str]:
    """(working days left, state) of a case against the context's today (worked out once a case)."""
    found = context.cached("deadlines", dict)
    if case.id not in found:
        found[case.id] = cases.deadline(case, context.today, context.cached("calendar", work_calendar))
    return found[case.id]


CASES = ListKind(
    "cases", "办件清单", cases.PERMISSION, CaseFilter,
    (
        Column("办件编号", "text", lambda c, r: r.number),
        Column("申请人", "text", lambda c, r: r.applicant_name),
        Column("证件号码", "text", lambda c, r: shown_id(c.actor, r.applicant_id_number)),
        Column("办理事项", "text", lambda c, r: r.matter_name),
        Column("类别", "text", lambda c, r: r.matter_class),
        Column("承办部门", "text", lambda c, r: r.department, screen=None),
        Column("渠道", "text", lambda c, r: r.channel),
        Column("收件日期", "date", lambda c, r: r.received_on),
        Column("受理日期", "date", lambda c, r: r.accepted_on, screen=None),
        Column("状态", "text", lambda c, r: r.status),
        Column("承诺日期", "date", lambda c, r: r.promised_date),
        Column("剩余时限", "text", lambda c, r: workdays_left_text(*case_deadline(c, r))),
        Column("收费（元）", "decimal", lambda c, r: Decimal(r.fee_cents) / 100 if r.fee_cents else None, screen=None),
        Column("经办人", "text", lambda c, r: _user_name(c, r.clerk), screen=None),
    ),
    lambda c, flt, before, limit: cases.list_cases(c.actor, flt, before_id=before, limit=limit),
    lambda actor, flt: cases.count_cases(actor, flt),
    {"text": "搜索", "statuses": "状态", "matter_class": "类别", "matter_code": "事项", "channel": "渠道",
     "date_from": "收件日期", "overdue_on": "仅超期", "mine": "仅本人办件"},
    note="证件号码按导出人的权限显示：没有“查看完整证件号码”权限的，隐去中间的数字。",
)


# --------------------------------------------------------------------------------------------
# 矛盾纠纷清单
# --------------------------------------------------------------------------------------------

def _dispute_sides(context: Context, dispute) -> str:
    sides = disputes.parties(dispute)
    return " 诉 ".join("、".join(p.name for p in sides if p.side == side) for side in ("申请人", "被申请人"))


DISPUTES = ListKind(
    "disputes", "矛盾纠纷清单", disputes.USE, DisputeFilter,
    (
        Column("案件编号", "text", lambda c, r: r.number),
        Column("当事人", "text", _dispute_sides),
        Column("纠纷类型", "text", lambda c, r: r.dispute_type),
        Column("来源", "text", lambda c, r: r.source),
        Column("村（社区）", "text", lambda c, r: r.village, screen=None),
        Column("受理日期", "date", lambda c, r: r.accepted_on),
        Column("涉及人数", "int", lambda c, r: r.people_involved or None, screen=None),
        Column("涉及金额（元）", "decimal", lambda c, r: None if r.amount_cents is None else Decimal(r.amount_cents) / 100,
               screen=None),
        Column("风险", "text", lambda c, r: r.risk_colour),
        Column("调解员", "text", lambda c, r: "、".join(_user_name(c, name) for name in r.mediators or ())),
        Column("状态", "text", lambda c, r: r.status),
        Column("期限", "date", lambda c, r: r.due_on),
        Column("剩余", "text", lambda c, r: days_left_text(*disputes.deadline(r, c.today))),
        Column("结案日期", "date", lambda c, r: r.closed_on, screen=None),
        Column("协议编号", "text", lambda c, r: r.agreement_number, screen=None),
    ),
    lambda c, flt, before, limit: disputes.list_disputes(c.actor, flt, before_id=before, limit=limit),
    lambda actor, flt: disputes.count_disputes(actor, flt),
    {"text": "搜索", "statuses": "状态", "dispute_type": "纠纷类型", "source": "来源", "risk_colour": "风险等级",
     "date_from": "受理日期", "mine": "仅本人承办的案件"},
)


# --------------------------------------------------------------------------------------------
# 信访案件清单
# --------------------------------------------------------------------------------------------

def petitioner_names(petition) -> str:
    return "、".join(p.name for p in petitions.petitioners(petition))


PETITIONS = ListKind(
    "petitions", "信访案件清单", disputes.USE, PetitionFilter,
    (
        Column("信访编号", "text", lambda c, r: r.number),
        Column("登记日期", "date", lambda c, r: r.received_on, screen=None),
        Column("信访人", "text", lambda c, r: petitioner_names(r)),
        Column("形式", "text", lambda c, r: r.form),
        Column("人数", "int", lambda c, r: r.visitors),
        Column("信访事项", "text", lambda c, r: r.matter, text=shorten),
        Column("诉求", "text", lambda c, r: r.request, screen=None),
        Column("承办单位", "text", lambda c, r: r.department, text=_dash),
        Column("答复期限", "date", lambda c, r: r.reply_due),
        Column("状态", "text", lambda c, r: r.status),
        Column("剩余天数", "text", lambda c, r: days_left_text(*petitions.deadline(r, c.today))),
        Column("办结日期", "date", lambda c, r: r.closed_on, screen=None),
        Column("满意度", "text", lambda c, r: r.satisfaction, screen=None),
    ),
    lambda c, flt, before, limit: petitions.list_petitions(c.actor, flt.text, flt.statuses, before_id=before,
                                                           limit=limit),
    lambda actor, flt: petitions.count_petitions(actor, flt.text, flt.statuses),
    {"text": "搜索", "statuses": "状态"},
)


# --------------------------------------------------------------------------------------------
# 巡查日志清单
# --------------------------------------------------------------------------------------------

def _patrol_page(context: Context, flt: PatrolFilter, before: int | None, limit: int) -> list:
    rows = patrols.list_patrols(context.actor, flt, before_id=before, limit=limit)
    # one query a page for the finding counts (a first page starts afresh: a finding added later changes it)
    found = patrols.finding_counts([row.id for row in rows])
    if before is None:
        context.memo["findings"] = found
    else:
        context.cached("findings", dict).update(found)
    return rows


PATROLS = ListKind(
    "patrols", "巡查日志清单", PATROL_USE, PatrolFilter,
    (
        Column("巡查编号", "text", lambda c, r: r.number),
        Column("日期", "date", lambda c, r: r.patrol_date),
        Column("班次", "text", lambda c, r: r.shift),
        Column("时间", "text", lambda c, r: patrols.local_times(r)),
        Column("类型", "text", lambda c, r: r.patrol_type),
        Column("网格", "text", lambda c, r: "、".join(r.grid_codes or ())),
        Column("带队人", "text", lambda c, r: r.leader),
        Column("参加人员", "text", lambda c, r: "、".join(r.participants or ()), screen=None),
        Column("人次", "int", lambda c, r: r.person_times),
        Column("发现数", "int", lambda c, r: c.cached("findings", dict).get(r.id, 0),
               text=lambda n: str(n) if n else "—"),
        Column("地点/路线", "text", lambda c, r: r.route.replace("\n", " ")),
    ),
    _patrol_page,
    lambda actor, flt: patrols.count_patrols(actor, flt),
    {"text": "搜索", "patrol_type": "巡查类型", "shift": "班次", "grid_id": "网格", "date_from": "巡查日期",
     "with_findings": "仅看有发现的"},
)


# --------------------------------------------------------------------------------------------
# 网格事件清单, 隐患清单, 群众求助清单
# --------------------------------------------------------------------------------------------

def _event_left(context: Context, event) -> str:
    left, state = events.deadline(event, context.today)
    return days_left_text(left, state) or ("超期办结" if events.closed_late(event) else "")


EVENTS = ListKind(
    "events", "网格事件清单", PATROL_USE, EventFilter,
    (
        Column("事件编号", "text", lambda c, r: r.number),
        Column("事件名称", "text", lambda c, r: r.title),
        Column("类别", "text", lambda c, r: r.category),
        Column("规模", "text", lambda c, r: r.scale),
        Column("地点", "text", lambda c, r: r.place),
        Column("上报日期", "date", lambda c, r: r.reported_on),
        Column("承办", "text", lambda c, r: r.handler),
        Column("状态", "text", lambda c, r: r.status),
        Column("办结期限", "date", lambda c, r: r.due_on),
        Column("剩余", "text", _event_left),
    ),
    lambda c, flt, before, limit: events.list_events(c.actor, flt, before_id=before, limit=limit),
    lambda actor, flt: events.count_events(actor, flt),
    {"text": "搜索", "statuses": "状态", "category": "类别", "overdue_on": "只看超期", "date_from": "上报日期"},
)

HAZARDS = ListKind(
    "hazards", "隐患清单", PATROL_USE, HazardFilter,
    (
        Column("隐患编号", "text", lambda c, r: r.number),
        Column("类别", "text", lambda c, r: r.category),
        Column("等级", "text", lambda c, r: r.level),
        Column("地点", "text", lambda c, r: r.place),
        Column("责任人", "text", lambda c, r: r.responsible),
        Column("发现日期", "date", lambda c, r: r.found_on),
        Column("整改期限", "date", lambda c, r: r.deadline),
        Column("状态", "text", lambda c, r: r.status),
        Column("剩余", "text", lambda c, r: days_left_text(*hazards.deadline(r, c.today))),
    ),
    lambda c, flt, before, limit: hazards.list_hazards(c.actor, flt, before_id=before, limit=limit),
    lambda actor, flt: hazards.count_hazards(actor, flt),
    {"text": "搜索", "statuses": "状态", "category": "类别", "overdue_on": "只看逾期", "date_from": "发现日期"},
)

HELPS = ListKind(
    "helps", "群众求助清单", PATROL_USE, HelpFilter,
    (
        Column("求助编号", "text", lambda c, r: r.number),
        Column("求助日期", "date", lambda c, r: r.asked_on),
        Column("求助人", "text", lambda c, r: r.requester),
        Column("联系电话", "text", lambda c, r: r.phone),
        Column("求助类别", "text", lambda c, r: r.help_type),
        Column("求助事项", "text", lambda c, r: r.need, text=lambda need: shorten(need, 40)),
        Column("状态", "text", lambda c, r: r.status),
        Column("办结方式", "text", lambda c, r: r.closing),
        Column("办结日期", "date", lambda c, r: r.closed_on),
        Column("办结情况", "text", lambda c, r: r.result, screen=None),
    ),
    lambda c, flt, before, limit: helps.list_requests(c.actor, flt.text, flt.status, flt.date_from, flt.date_to,
                                                      before_id=before, limit=limit),
    lambda actor, flt: helps.count_requests(actor, flt.text, flt.status, flt.date_from, flt.date_to),
    {"text": "搜索", "status": "状态", "date_from": "求助日期"},
)


# --------------------------------------------------------------------------------------------
# 关爱帮扶台账, 重点人员台账: rows are the display values registers returns for the actor
# --------------------------------------------------------------------------------------------

def register_due_text(context: Context, values) -> str:
    """The 状态 cell of a register row: 超期 n 天 / 今日到期 / 剩 n 天 while a visit is due, else the status."""
    if not values["next_due"] or not values["state"]:
        return values["status"]
    return days_left_text((date.fromisoformat(values["next_due"]) - context.today).days, values["state"])


def _care_page(context: Context, flt: CareFilter, before: int | None, limit: int) -> list[dict]:
    subjects = registers.list_care(context.actor, flt, before_id=before, limit=limit)
    return registers.care_rows(context.actor, subjects, context.today)


def _care_export_page(context: Context, flt: CareFilter, before: int | None, limit: int) -> list[dict]:
    subjects = registers.list_care(context.actor, flt, before_id=before, limit=limit)
    return registers.care_export_values(context.actor, subjects, context.today)


def _key_page(context: Context, flt: KeyFilter, before: int | None, limit: int) -> list[dict]:
    persons = registers.list_key_persons(context.actor, flt, before_id=before, limit=limit)
    return registers.key_rows(context.actor, persons, context.today)


def _value(key: str) -> Callable[[Context, Any], Any]:
    return lambda c, row: row[key]


def _date_value(key: str) -> Callable[[Context, Any], Any]:
    return lambda c, row: _day(row[key])


_SENSITIVE_NOTE = ("本表含敏感个人信息（个人信息保护法第二十八条），导出已记入操作日志，请妥善保管，仅用于工作，不得外传。"
                   "证件号码按导出人的权限显示。")

CARE = ListKind(
    "care", "关爱帮扶台账", SENSITIVE, CareFilter,
    (
        Column("姓名", "text", _value("name")),
        Column("性别", "text", _value("gender")),
        Column("年龄", "int", lambda c, row: _number(row["age"])),
        Column("身份证号", "text", _value("id_number"), screen=None),
        Column("联系电话", "text", _value("phone"), screen=None),
        Column("住址", "text", _value("address"), screen=None),
        Column("村（社区）", "text", _value("village")),
        Column("网格", "text", _value("grid")),
        Column("关爱对象类别", "text", _value("groups"), screen="类别"),
        Column("关爱等级", "text", _value("colour"), screen="等级"),
        Column("帮扶人", "text", _value("helper")),
        Column("帮扶人电话", "text", _value("helper_phone"), screen=None),
        Column("基本情况", "text", _value("situation"), screen=None),
        Column("帮扶需求", "text", _value("needs"), screen=None),
        Column("列入日期", "date", _date_value("listed_on"), screen=None),
        Column("最近走访日期", "date", _date_value("last_visit"), screen="上次走访"),
        Column("下次走访日期", "date", _date_value("next_due"), screen="下次走访"),
        Column("走访期限", "text", register_due_text, screen="状态"),
        Column("走访状态", "text", _value("state"), screen=None),
        Column("状态", "text", _value("status"), screen=None),
        Column("移出日期", "date", _date_value("removed_on"), screen=None),
        Column("移出原因", "text", _value("removed_reason"), screen=None),
    ),
    _care_page,
    lambda actor, flt: registers.count_care(actor, flt),
    {"text": "搜索", "group": "类别", "colour": "关爱等级", "grid_id": "网格", "status": "状态",
     "overdue_only": "只看走访到期"},
    export_fetch=_care_export_page,
    check=lambda actor: registers.check_export(actor, "关爱帮扶台账"),
    note=_SENSITIVE_NOTE,
)

KEY_PERSONS = ListKind(
    "key_persons", "重点人员台账", SENSITIVE, KeyFilter,
    (
        Column("姓名", "text", _value("name")),
        Column("性别", "text", _value("gender"), screen=None),
        Column("身份证号", "text", _value("id_number"), screen="证件号码"),
        Column("联系电话", "text", _value("phone"), screen=None),
        Column("住址", "text", _value("address"), screen=None),
        Column("村（社区）", "text", _value("village"), screen=None),
        Column("网格", "text", _value("grid"), screen=None),
        Column("人员类别", "text", _value("category"), screen="类别"),
        Column("危险等级/阶段", "text", lambda c, row: row["danger_level"] or row["stage"], export=False),
        Column("危险性等级", "text", _value("danger_level"), screen=None),
        Column("管控阶段", "text", _value("stage"), screen=None),
        Column("管控责任人", "text", _value("responsible"), screen="责任人"),
        Column("帮扶人", "text", _value("helper")),
        Column("监护人", "text", _value("guardian"), screen=None),
        Column("管控措施", "text", _value("measures"), screen=None),
        Column("列管日期", "date", _date_value("listed_on"), screen=None),
        Column("最近走访日期", "date", _date_value("last_visit"), screen="上次随访"),
        Column("下次走访日期", "date", _date_value("next_due"), screen="下次随访"),
        Column("走访期限", "text", register_due_text, screen="状态"),
        Column("走访状态", "text", _value("state"), screen=None),
        Column("状态", "text", _value("status"), screen=None),
        Column("解除日期", "date", _date_value("released_on"), screen=None),
        Column("解除原因", "text", _value("released_reason"), screen=None),
    ),
    _key_page,
    lambda actor, flt: registers.count_key_persons(actor, flt),
    {"text": "搜索", "category": "类别", "grid_id": "网格", "status": "状态", "overdue_only": "只看随访到期"},
    check=lambda actor: registers.check_export(actor, "重点人员台账"),
    note=_SENSITIVE_NOTE,
)

KINDS: dict[str, ListKind] = {kind.key: kind for kind in (
    CASES, DISPUTES, PETITIONS, PATROLS, EVENTS, HAZARDS, HELPS, CARE, KEY_PERSONS)}


def kind_of(key: str) -> ListKind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"unknown list kind {key!r} (one of {', '.join(KINDS)})") from None


# --------------------------------------------------------------------------------------------
# The filter in words
# --------------------------------------------------------------------------------------------

_SKIPPED = {"today", "extra", "date_to"}


def _masked_search(text: str) -> str:
    """A search text as the audit log keeps it: it may be a name, a phone or an ID number."""
    text = text.strip()
    if RESIDENT_ID.match(text.upper()) or (len(text) >= 15 and text[:-1].isdigit()):
        return mask_id_number(text)
    if text.isdigit():
        return mask_phone(text)
    if re.search(r"[\u3400-\u9fff]", text):
        return mask_name(text)
    return text


def _grid_name(grid_id) -> str:
    grid = Grid.get_or_none(Grid.id == grid_id)
    return f"{grid.code} {grid.name}" if grid is not None else str(grid_id)


def describe(kind: ListKind | str, flt, masked: bool = False) -> str:
    """The filter in words, e.g. "状态：已受理、办理中；收件日期：2026-11-01 至 2026-11-27；搜索：“张”";
    ``masked``: the search text masked (for the audit log)."""
    kind = kind_of(kind) if isinstance(kind, str) else kind
    parts = []
    for item in dataclass_fields(flt):
        name = item.name
        value = getattr(flt, name)
        if name in _SKIPPED or value in (None, "", (), [], False):
            continue
        label = kind.labels.get(name, name)
        if name == "text":
            if not value.strip():
                continue
            parts.append(f"{label}：“{_masked_search(value) if masked else value.strip()}”")
        elif name == "date_from":
            parts.append(f"{label}：{value:%Y-%m-%d} 至 " + (f"{flt.date_to:%Y-%m-%d}" if flt.date_to else "今"))
        elif name == "grid_id":
            parts.append(f"{label}：{_grid_name(value)}")
        elif name == "matter_code":
            matter = matters.get_matter(value)
            parts.append(f"{label}：{value} {matter.name}" if matter is not None else f"{label}：{value}")
        elif name in ("overdue_on",):
            parts.append(f"{label}（{value:%Y-%m-%d}）")
        elif value is True:
            parts.append(label)
        elif isinstance(value, (tuple, list)):
            parts.append(f"{label}：" + "、".join(str(v) for v in value))
        elif isinstance(value, date):
            parts.append(f"{label}：{value:%Y-%m-%d}")
        else:
            parts.append(f"{label}：{value}")
    if getattr(flt, "date_to", None) and not getattr(flt, "date_from", None):
        label = kind.labels.get("date_from", "日期")
        parts.append(f"{label}：至 {flt.date_to:%Y-%m-%d}")
    return "；".join(parts) if parts else "无（全部记录）"


def default_file_name(kind: ListKind | str, today: date | None = None) -> str:
    """办件清单-2026-11-27.xlsx"""
    kind = kind_of(kind) if isinstance(kind, str) else kind
    return f"{kind.title}-{today or local_today():%Y-%m-%d}.xlsx"


# --------------------------------------------------------------------------------------------
# Exporting
# --------------------------------------------------------------------------------------------

def _records(kind: ListKind, context: Context, flt, page: int) -> Iterator:
    fetch = kind.export_fetch or kind.fetch
    before = None
    while True:
        rows = fetch(context, flt, before, page)
        yield from rows
        if len(rows) < page:
            return
        last = rows[-1]
        before = last["id"] if isinstance(last, dict) else last.id


def export_list(actor: User, kind: str | ListKind, flt=None,
                progress: Callable[[int, int | None], None] | None = None,
                today: date | None = None, page: int = EXPORT_PAGE) -> tuple[bytes, int]:
    """Every record of the list `kind` the filter `flt` finds (as the screen lists them, newest first) as an
    .xlsx workbook: (its bytes, the number of rows). Refused (audited as "export_refused") without the
    list's export permission; audited as "export" with the count and the filter in words.

    `progress(done, total)` is called as pages are read (total: what the filter counted first; it may
    differ by the time the last page is read). A bad filter raises ValidationError before anything is
    audited as exported."""
    from documents.workbook import Sheet, workbook_bytes   # openpyxl is imported only when exporting

    kind = kind_of(kind) if isinstance(kind, str) else kind
    kind.refuse_unless_allowed(actor)
    flt = flt if flt is not None else kind.filter_type()
    if not isinstance(flt, kind.filter_type):
        raise ValueError(f"{kind.key} lists are filtered by {kind.filter_type.__name__}, not {type(flt).__name__}")
    context = Context(actor, today)
    total = kind.count(actor, flt)
    done = 0
    if progress is not None:
        progress(0, total)

    def rows():
        nonlocal done
        for record in _records(kind, context, flt, page):
            yield kind.export_values(context, record)
            done += 1
            if progress is not None and done % page == 0:
                progress(done, total)

    exported_at = to_local(utcnow())
    words = describe(kind, flt)
    columns = kind.export_columns

    def info_rows():     # read after the list sheet is written: the count is known by then
        yield ["清单", kind.title]
        yield ["筛选条件", words]
        yield ["记录数", f"{done:,}"]
        yield ["导出人", f"{actor.display_name}（{actor.username}）"]
        yield ["导出时间", f"{exported_at:%Y-%m-%d %H:%M}"]
        yield ["排列顺序", "最新登记的在前（与列表相同）"]
        if kind.note:
            yield ["注意", kind.note]

    data = workbook_bytes([
        Sheet(kind.title, [c.heading for c in columns], rows(), [c.kind for c in columns]),
        Sheet(INFO_SHEET, ["项目", "内容"], info_rows(), widths=[14, 90]),
    ], title=kind.title)
    if progress is not None:
        progress(done, total)
    audit.log(actor.username, "export", f"导出{kind.title} {done:,} 条；筛选条件：{describe(kind, flt, masked=True)}")
    return data, done
