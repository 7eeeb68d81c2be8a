"""演示数据 for the service hall: a year of invented but realistic 办件, written in bulk.

One code path at every scale.  ``HallYear`` plans the year — which matter, which day, who applies,
what happens to the case and when — and yields every step in time order, each step exactly the
arguments of a domain function (``cases.intake``, ``resume``, ``send_to_back_office``, ``complete``,
``deliver``, ``withdraw``, ``record_fee``, ``rate``, ``close_rectification``).  ``BulkWriter`` turns
the steps into the rows those functions write — ``ServiceCase`` (built by ``cases.clean_intake``,
the intake form's own check), ``CaseEvent``, ``FeePaymentRecord``, ``Rating``, the audit lines, both
search indexes, and the numbering counters — and inserts them with ``executemany`` in batches, one
transaction per batch.  tests/test_hall_demo.py replays the same steps through the domain functions
and compares the two databases row by row, so the bulk rows cannot drift from what the window writes.

Why not the domain functions themselves, or peewee's ``insert_many``: the domain runs one transaction,
a re-read and an audit insert per step (~20 statements a case), and ``insert_many`` renders every value
into SQL in Python — about 1,000 rows a second for the 53-column ``service_case`` here.  ``executemany``
with the values converted as peewee's fields convert them is about ten times faster.

A case's row is written once, at its intake, with its final state (the later steps are known: the
plan made them together); each step's event and audit line are written at the step's own time, so
ids follow time in every table as they do at a real window.

The seed report's year (打通镇 2022) fixes the volumes: 受理 (accepted: ``accepted_on`` within the
year) 154 行政审批, 356 行政服务, 419 其他; 287 of them through 渝快办网办.  Rejections (不予受理) and
补正 that never resumed come on top and are not counted.  ``scale`` multiplies every volume.

Times: office hours 08:30–17:30 in Asia/Shanghai (UTC+8, no daylight saving), stored as naive UTC
like every other time in TownDesk.  Days: working days of the office's calendar only.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import operator
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import peewee as pw

from models import settings
from models.accounts import User
from models.audit import AuditEntry
from models.db import db, is_server
from models.hall import cases
from models.hall.calendar import work_calendar
from models.hall.catalogue import IMMEDIATE
from models.hall.cases import ACCEPT, CASE_PREFIX, CORRECT, FEE_PREFIX, REJECT, TRANSITIONS, Intake
from models.hall.tables import (
    ACCEPTED, BAD_RATING, CHECKED, CORRECTION, GRANTED, MISSING, ONLINE_CHANNEL,
    RATING_LEVELS, RECEIVED, RECTIFY_WORKDAYS, REFUSED, REJECTED, CaseEvent,
    CatalogueMatter, FeePaymentRecord, Rating, ServiceCase,
)
from models.hall.workdays import WorkCalendar
from models.numbering import Counter as NumberCounter
from models.numbering import format_number
from models.people import Organisation, Person

# The seed report's 2022 figures (see ../shared/domain.md §5).
SEED_YEAR = 2022
SEED_ACCEPTED = {"行政审批": 154, "行政服务": 356, "其他": 419}
SEED_ONLINE = 287

LOCAL_OFFSET = timedelta(hours=8)          # Asia/Shanghai
OPENS, CLOSES = 8 * 60 + 30, 17 * 60 + 30  # office hours, minutes after local midnight


def utc_at(day: date, minute: float) -> datetime:
    """Local wall time ``minute`` minutes after midnight on ``day`` (Asia/Shanghai) as naive UTC."""
    return datetime(day.year, day.month, day.day) + timedelta(seconds=round(minute * 60)) - LOCAL_OFFSET


def local_minute(moment: datetime) -> float:
    local = moment + LOCAL_OFFSET
    return local.hour * 60 + local.minute + local.second / 60


def _uid(rng: random.Random) -> str:
    """A random (version 4) UUID as UUIDField stores it: 32 hex digits."""
    value = rng.getrandbits(128) & ~(0xF << 76) & ~(0x3 << 62) | (4 << 76) | (0x2 << 62)
    return f"{value:032x}"


def dashed(uid_hex: str) -> str:
    """str(uuid.UUID(uid_hex)), as the domain writes a uid into the audit log and case snapshots."""
    h = uid_hex
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# ------------------------------------------------------------------------------------------------
# What the town applies for: volumes, seasons, who applies, how it ends
# ------------------------------------------------------------------------------------------------

# Month factors (1..12); a matter without one is spread evenly over the year.
BUILDING = {1: .6, 2: .6, 3: 1.4, 4: 1.5, 5: 1.3, 6: 1, 7: .9, 8: .9, 9: 1.2, 10: 1.3, 11: 1.2, 12: .7}
PENSION_DRIVE = {1: .6, 2: .5, 3: .7, 4: .7, 5: .8, 6: .8, 7: .8, 8: .9, 9: 1.8, 10: 2.2, 11: 2.2, 12: 1.6}
FARMLAND = {3: 4, 4: 5, 5: 3}                       # 耕地地力保护补贴: declared in spring
RELIEF = {1: 1.8, 2: 1.2, 12: 1.4}                  # 春节前 hardship help
MARRIAGE = {1: 1.4, 2: 1.2, 5: 1.3, 9: 1.1, 10: 1.3, 12: 1.1}
MARRIAGE_DAYS = {(2, 14): 4, (5, 20): 6, (5, 21): 2, (10, 10): 2}   # 情人节、520、十全十美
WEEKDAY = (1.25, 1.05, 1.0, .95, .9, .85, .85)      # Monday busiest; 调休 weekends quieter

SP_REF = "綦打通审〔{year}〕{n}号"


@dataclass(frozen=True)
class Profile:
    """How one matter behaves in the demo year."""

    weight: float                      # share within its class
    ages: tuple[int, int] = (18, 85)   # applicant's age on the day
    male: float | None = None          # share of male applicants (None: as the registry)
    online: float = 1.0                # propensity to come through 渝快办 (online matters only)
    org: float = 0.0                   # share of organisations among applicants
    org_kind: str = ""                 # "村" (village committees), "企" (companies), "" (any)
    agent: float = 0.04                # share through 代办 (personal applicants)
    refuse: float = 0.0                # 办结 with 不予
    refuse_note: str = ""
    ref: str = ""                      # result document number: template with {year} and {n}
    months: dict | None = None
    special_days: dict | None = None
    deliver_note: str = ""             # 即办件 handed over on the spot


PROFILES = {
    "XZSP-001": Profile(45, (25, 70), refuse=.05, refuse_note="申请人已有宅基地，不符合“一户一宅”规定",
                        ref=SP_REF, months=BUILDING, agent=.05),
    "XZSP-002": Profile(38, (25, 70), ref=SP_REF, months=BUILDING),
    "XZSP-003": Profile(22, (30, 75), refuse=.05, refuse_note="采伐地点位于生态公益林范围内，不予采伐",
                        ref=SP_REF, months={11: 1.6, 12: 1.8, 1: 1.6, 2: 1.3}),
    "XZSP-004": Profile(8, (25, 70), org=.4, ref=SP_REF),
    "XZSP-005": Profile(4, org=1, org_kind="村", ref=SP_REF, months=BUILDING),
    "XZSP-006": Profile(14, (25, 65), org=.7, org_kind="企", ref=SP_REF),
    "XZSP-007": Profile(6, org=1, org_kind="企", ref=SP_REF),
    "XZSP-008": Profile(5, org=1, org_kind="企", ref=SP_REF, months=BUILDING),
    "XZSP-009": Profile(6, (30, 75), org=.6, ref=SP_REF),
    "XZSP-010": Profile(6, (25, 60), org=.8, org_kind="企", ref=SP_REF),
    "XZFW-001": Profile(40, (18, 59), online=1.4, months=PENSION_DRIVE),
    "XZFW-002": Profile(55, (58, 70), online=.9, agent=.1),
    "XZFW-003": Profile(22, (35, 75), online=.6, agent=.08),
    "XZFW-004": Profile(30, (20, 45), online=1.5, months=PENSION_DRIVE),
    "XZFW-005": Profile(35, (16, 80), online=1.2),
    "XZFW-006": Profile(14, (18, 55), online=1.3),
    "XZFW-007": Profile(5, (18, 55), online=1.1),
    "XZFW-008": Profile(8, (18, 55), online=1.0),
    "XZFW-009": Profile(5, (30, 59), online=.8, refuse=.1, refuse_note="经核查，申请人不属于就业困难人员认定范围"),
    "XZFW-010": Profile(22, (40, 85), online=.5, agent=.1, refuse=.15, months=RELIEF,
                        refuse_note="经入户调查和家庭经济状况核对，家庭月人均收入高于本区最低生活保障标准"),
    "XZFW-011": Profile(6, (60, 92), online=.3, agent=.3, refuse=.15,
                        refuse_note="经核查，申请人有法定赡养义务人且其具备赡养能力"),
    "XZFW-012": Profile(18, (30, 85), online=.6, refuse=.08, months=RELIEF,
                        refuse_note="经核实，申请人家庭困难情形已通过其他救助渠道解决"),
    "XZFW-013": Profile(15, (30, 85), online=.6, agent=.1, months=RELIEF),
    "XZFW-014": Profile(22, (80, 95), online=.4, agent=.45),
    "XZFW-015": Profile(1, (30, 70), online=.3),
    "XZFW-016": Profile(1, (30, 70)),
    "XZFW-017": Profile(16, (18, 85), online=.7, agent=.2),
    "XZFW-018": Profile(14, (18, 85), online=.7, agent=.2),
    "XZFW-019": Profile(6, (40, 85), refuse=.1, refuse_note="经房屋安全性鉴定，该房屋不属于C级或D级危房"),
    "XZFW-020": Profile(10, (22, 70), male=.95, online=.8),
    "XZFW-021": Profile(3, (40, 60)),
    "XZFW-022": Profile(2, (55, 90), male=.9),
    "XZFW-023": Profile(2, (35, 75)),
    "XZFW-024": Profile(12, (35, 80), months=FARMLAND, agent=.08),
    "XZFW-025": Profile(5, (35, 75)),
    "QT-001": Profile(70, (22, 40), online=1.3),
    "QT-002": Profile(6, (35, 60)),
    "QT-003": Profile(25, (60, 80), refuse=.05, refuse_note="经核查，申请人不符合农村部分计划生育家庭奖励扶助条件"),
    "QT-004": Profile(5, (49, 80)),
    "QT-005": Profile(45, (18, 60)),
    "QT-006": Profile(30, (18, 55), online=.8),
    "QT-007": Profile(50, (18, 80)),
    "QT-008": Profile(12, (18, 75), online=.5, refuse=.1, refuse_note="经审查，申请人经济状况不符合法律援助条件"),
    "QT-009": Profile(140, (22, 40), ref="J500110-{year}-{n:06d}", months=MARRIAGE, special_days=MARRIAGE_DAYS,
                      deliver_note="当场颁发结婚证", agent=0),
    "QT-010": Profile(26, (25, 75), ref="BJ500110-{year}-{n:06d}", deliver_note="当场补发婚姻登记证", agent=0),
    "QT-011": Profile(10, (25, 70), online=1.2, org=.2, refuse=.1,
                      refuse_note="申请公开的信息不属于本机关负责公开的政府信息"),
}
DEFAULT_PROFILE = Profile(5)

REJECT_REASONS = (
    "申请人户籍不在本镇，不属于本镇受理范围，已告知向户籍所在地镇（街道）申请",
    "申请事项不属于本机关职权范围，已告知向綦江区相关部门申请",
    "该事项已在办理中，不得重复申请",
    "申请人不符合该事项的申请条件，已当场说明",
)
REMEDIES = ("如不服本决定，可以自收到本通知书之日起六十日内向綦江区人民政府申请行政复议，"
            "或者自收到本通知书之日起六个月内向綦江区人民法院提起行政诉讼。")
WITHDRAW_REASONS = ("申请人表示暂不办理", "申请人已在外地办理", "申请人家庭情况发生变化，主动撤回申请",
                    "申请人因个人原因撤回申请", "申请人材料无法补齐，申请撤回")
GOOD_COMMENTS = ("办事效率高", "工作人员很耐心", "一次就办好了，点赞", "服务热情周到", "解释得很清楚", "不用跑第二趟")
ONLINE_COMMENTS = ("网上就能办，很方便", "不用跑路，很方便")
BAD_COMMENTS = ("排队等候时间太长", "材料要求没有一次讲清楚，跑了两趟", "工作人员态度生硬",
                "办理时间比预期长，也没有人通知进度", "咨询电话一直打不通")
RECTIFY_RESULTS = ("已电话回访申请人，说明情况并致歉，申请人表示理解", "已对窗口人员进行批评教育，并在科室会上通报整改",
                   "已优化叫号流程，高峰期增开窗口", "已修订一次性告知清单，避免群众重复补交材料",
                   "已安排专人接听咨询电话并在大厅公示号码")
PAYMENT_METHODS, PAYMENT_CUM = ("微信", "支付宝", "现金", "银行卡"), (40, 62, 90, 100)
INTAKE_SLOTS = ((510, 540), (540, 600), (600, 660), (660, 720), (720, 840), (840, 900), (900, 960), (960, 1020),
                (1020, 1050))
INTAKE_CUM = tuple(itertools.accumulate((1.2, 1.6, 1.5, 1.1, .7, 1.1, 1.0, .7, .3)))
# Working days between 办结 and collection at the window: most come within two days, a few much later.
PICKUP_WAITS = (0, 1, 2, 3, 4, 5, 8, 12, 20, 30, 45)
PICKUP_CUM = tuple(itertools.accumulate((25, 30, 14, 8, 6, 5, 5, 3, 3, 2, 2)))
ID_WORDS = ("身份证", "户口簿", "结婚证", "社会保障卡", "残疾人证", "退役证件", "优抚对象证件", "光荣证")


@dataclass
class Mix:
    """Shares of the paths a case can take. Tests raise the rare ones to see every path."""

    correction: float = .05       # accepted 承诺件 that first needed 补正
    correction_immediate: float = .02
    rejected: float = .025        # 不予受理 at intake, on top of the accepted
    abandoned: float = .012       # 补正 never resumed, on top (half of them withdrawn later)
    withdrawn: float = .012       # accepted 承诺件 withdrawn before the decision
    late: float = .01             # 承诺件 decided after the promised date
    rated: float = .85            # finished cases that get a rating
    bad: float = .006             # of those, 差评 (不满意 or worse)
    mail: float = .08             # 承诺件 at the window whose result is posted
    online_mail: float = .55      # 承诺件 through 渝快办 whose result is posted
    by_post: float = .01          # applications that arrive by post (承诺件)
    second_clerk: float = .08     # intakes by the second clerk (the admin covering the window)
    send_next_day: float = .2     # 承诺件 forwarded to the back office the next working morning


# ------------------------------------------------------------------------------------------------
# The plan: parties, cases, steps
# ------------------------------------------------------------------------------------------------

PERSON_KEYS = ("id", "uid", "name", "gender", "id_type", "id_number", "birth_date", "phone", "address", "village")
ORGANISATION_KEYS = ("id", "uid", "name", "credit_code", "legal_rep", "contact", "phone", "address")


@dataclass
class Population:
    """The registry the demo draws applicants from: each entry the stored values (``PERSON_KEYS``,
    ``ORGANISATION_KEYS``) as a tuple — a few hundred bytes instead of a model instance's two
    kilobytes, which matters at scale 1000 (600,000 residents)."""

    people: list[tuple]
    organisations: list[tuple]

    def __post_init__(self):
        born = PERSON_KEYS.index("birth_date")
        self.people = sorted((p for p in self.people if p[born] is not None), key=lambda p: p[born])
        self.births = [p[born] for p in self.people]
        self.villages = [o for o in self.organisations if o[2].endswith(("村民委员会", "居民委员会"))]
        self.companies = [o for o in self.organisations if not o[2].endswith(("村民委员会", "居民委员会"))]

    # __no_default__: the stored values only (peewee would otherwise make a fresh uuid4 and timestamps
    # for every instance, only to overwrite them)
    @staticmethod
    def person(entry: tuple) -> Person:
        return Person(__no_default__=True, **dict(zip(PERSON_KEYS, entry)))

    @staticmethod
    def organisation(entry: tuple) -> Organisation:
        return Organisation(__no_default__=True, **dict(zip(ORGANISATION_KEYS, entry)))


@dataclass
class CasePlan:
    """One application: the intake form and what later happens to it."""

    intake: Intake | None
    clerk: User
    result_refs: str = ""                       # template of the result documents' numbers (准予)
    later: list = field(default_factory=list)   # the steps after the intake, in time order
    ref: dict = field(default_factory=dict)     # writer state (case id, number, …)


@dataclass(order=True)
class Step:
    """One call of a domain function at ``moment`` (naive UTC) by ``actor``."""

    moment: datetime
    seq: int
    kind: str = field(compare=False)            # intake, resume, send, complete, deliver, withdraw, fee, rate, rectify
    plan: CasePlan = field(compare=False)
    actor: User = field(compare=False)
    args: dict = field(compare=False, default_factory=dict)


STEP_ORDER = operator.attrgetter("moment", "seq")


def _largest_remainder(total: int, weights: dict) -> dict:
    """Split ``total`` in proportion to ``weights`` exactly (Hamilton's method)."""
    mass = sum(weights.values())
    shares = {k: total * w / mass for k, w in weights.items()}
    out = {k: int(v) for k, v in shares.items()}
    left = total - sum(out.values())
    for k in sorted(shares, key=lambda k: (out[k] - shares[k], k))[:left]:
        out[k] += 1
    return out


def _ages_to_births(day: date, ages: tuple[int, int]) -> tuple[date, date]:
    """Birth dates (inclusive range) of people aged ages[0]..ages[1] on ``day``."""
    low, high = ages

    def years_before(n):
        try:
            return day.replace(year=day.year - n)
        except ValueError:  # 29 February
            return day.replace(year=day.year - n, day=28)
    return years_before(high + 1) + timedelta(days=1), years_before(low)


class HallYear:
    """Plans the hall's cases over a window of working days and yields every step in time order.

    ``figures`` (class → accepted cases) and ``online`` are the volumes for a whole year; a window
    shorter than its year gets them in proportion to its working days.  Steps after ``cutoff`` never
    happen: the cases then stand where they are (in progress near the end of the year).
    """

    def __init__(self, matters: list[CatalogueMatter], population: Population, clerks: list[User], admin: User,
                 *, start: date, end: date, cutoff: datetime | None = None, scale: int = 1,
                 figures: dict | None = None, online: int = SEED_ONLINE, seed: int = SEED_YEAR,
                 mix: Mix | None = None, calendar: WorkCalendar | None = None):
        if not population.people:
            raise ValueError("the demo needs people in the registry")
        self.rng = random.Random(seed)
        calendar = calendar or work_calendar()
        self.calendar = calendar
        self.matters = [m for m in matters if m.active and m.deleted_at is None]
        self.population, self.clerks, self.admin = population, clerks, admin
        self.mix = mix or Mix()
        self.days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        self.days = [d for d in self.days if self.calendar.is_workday(d)]
        self.index = {d: i for i, d in enumerate(self.days)}
        self.cutoff = cutoff or utc_at(end, 24 * 60) - timedelta(seconds=1)
        self.seq = itertools.count()
        self.ref_counters: Counter = Counter()
        figures = figures or SEED_ACCEPTED
        fraction = self._fraction(start, end)
        self.targets = {c: round(n * scale * fraction) for c, n in figures.items()}
        self.online_target = round(online * scale * fraction)
        self._buckets = self._allocate()

    # --- volumes ------------------------------------------------------------------------------

    def _fraction(self, start: date, end: date) -> float:
        """The window's share of a year's working days (1 for a whole calendar year)."""
        if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
            return 1.0
        year = [date(start.year, 1, 1) + timedelta(days=n) for n in range(366)]
        full = sum(1 for d in year if d.year == start.year and self.calendar.is_workday(d))
        return len(self.days) / full

    def _day_weights(self, profile: Profile) -> list[float]:
        weights = []
        for day in self.days:
            w = WEEKDAY[day.weekday()]
            if profile.months is not None:
                w *= profile.months.get(day.month, .05 if profile.months is FARMLAND else 1)
            if profile.special_days:
                w *= profile.special_days.get((day.month, day.day), 1)
            weights.append(w)
        return weights

    def _allocate(self) -> dict[int, list[tuple]]:
        """Every case as (matter index, accepted-day index or None, online, days of 补正, path), by intake day."""
        rng, mix = self.rng, self.mix
        if not self.days:
            return {}
        by_class = defaultdict(dict)
        for i, m in enumerate(self.matters):
            by_class[m.matter_class][i] = PROFILES.get(m.code, DEFAULT_PROFILE).weight
        cum_weights = {}

        def days_for(i, k):
            if i not in cum_weights:
                cum_weights[i] = list(itertools.accumulate(
                    self._day_weights(PROFILES.get(self.matters[i].code, DEFAULT_PROFILE))))
            return rng.choices(range(len(self.days)), cum_weights=cum_weights[i], k=k)

        accepted = []                                    # [matter, day, online]
        for matter_class, total in self.targets.items():
            if total and not by_class.get(matter_class):
                raise ValueError(f"no active matter of class {matter_class}")
            for i, n in _largest_remainder(total, by_class.get(matter_class, {})).items():
                accepted += [[i, d, False] for d in days_for(i, n)]
        # 渝快办: exactly online_target of the accepted, among online matters, weighted by propensity
        keyed = []
        for case in accepted:
            matter = self.matters[case[0]]
            if matter.online:
                w = PROFILES.get(matter.code, DEFAULT_PROFILE).online
                keyed.append((rng.random() ** (1 / w), id(case), case))
        for _, _, case in heapq.nlargest(min(self.online_target, len(keyed)), keyed):
            case[2] = True
        self.online_target = min(self.online_target, len(keyed))
        buckets = defaultdict(list)
        for i, day, online in accepted:
            immediate = self.matters[i].kind == IMMEDIATE
            offset = 0
            if rng.random() < (mix.correction_immediate if immediate else mix.correction):
                offset = min(day, rng.choice((1, 1, 2, 2, 3, 4, 5, 7)))
            buckets[day - offset].append((i, day, online, offset, "accepted"))
        total = sum(self.targets.values())
        weights = {i: PROFILES.get(m.code, DEFAULT_PROFILE).weight * self.targets.get(m.matter_class, 0)
                   / max(1, sum(w for j, w in by_class[m.matter_class].items()))
                   for i, m in enumerate(self.matters)}
        for path, share in (("rejected", mix.rejected), ("abandoned", mix.abandoned)):
            n = round(total * share)
            if n and any(weights.values()):
                for i in rng.choices(list(weights), weights=list(weights.values()), k=n):
                    day = days_for(i, 1)[0]
                    online = self.matters[i].online and rng.random() < .4
                    buckets[day].append((i, None, online, 0, path))
        return buckets

    # --- time ---------------------------------------------------------------------------------

    def _intake_minute(self) -> float:
        """Busy mornings, a quiet lunch (the window stays open), a thin last half hour."""
        slot = self.rng.choices(INTAKE_SLOTS, cum_weights=INTAKE_CUM)[0]
        return self.rng.uniform(*slot)

    def _moment(self, day_index: int, lo: float = OPENS + 10, hi: float = CLOSES - 15) -> datetime | None:
        if day_index >= len(self.days):
            return None
        return utc_at(self.days[day_index], self.rng.uniform(lo, hi))

    def _after(self, day_index: int, moment: datetime, low: float, high: float):
        """A moment ``low``..``high`` minutes after ``moment``; past closing time: next working morning."""
        later = moment + timedelta(minutes=self.rng.uniform(low, high))
        if local_minute(later) <= CLOSES and later.date() == moment.date():
            return day_index, later
        return day_index + 1, self._moment(day_index + 1, OPENS + 5, OPENS + 60)

    def _on_day_after(self, day_index: int, previous_index: int, previous: datetime):
        """A working moment on ``day_index``, later than ``previous`` when on the same day."""
        if day_index != previous_index:
            return day_index, self._moment(day_index)
        if local_minute(previous) > CLOSES - 20:
            return day_index + 1, self._moment(day_index + 1)
        return day_index, self._moment(day_index, local_minute(previous) + 5, CLOSES - 10)

    # --- people -------------------------------------------------------------------------------

    def _person(self, day: date, ages: tuple[int, int], male: float | None = None,
                avoid: Person | None = None) -> Person:
        """A resident aged ``ages`` on ``day`` (anyone when nobody is), of the gender ``male`` asks for."""
        pop, rng = self.population, self.rng
        first, last = _ages_to_births(day, ages)
        lo, hi = bisect.bisect_left(pop.births, first), bisect.bisect_right(pop.births, last)
        if hi - lo < (2 if avoid is not None else 1):
            lo, hi = 0, len(pop.people)
        gender = PERSON_KEYS.index("gender")
        chosen = None
        for _ in range(8):
            candidate = pop.people[rng.randrange(lo, hi)]
            if avoid is not None and candidate[0] == avoid.id:
                continue
            chosen = candidate
            if male is None or (candidate[gender] == "男") == (rng.random() < male):
                break
        if chosen is None:  # a registry of one, or bad luck
            chosen = next(p for p in pop.people if avoid is None or p[0] != avoid.id)
        return pop.person(chosen)

    def _organisation(self, kind: str) -> Organisation:
        pop = self.population
        pool = {"村": pop.villages, "企": pop.companies}.get(kind) or pop.organisations
        return pop.organisation(self.rng.choice(pool))

    # --- one case -----------------------------------------------------------------------------

    def _materials(self, matter: CatalogueMatter, online: bool, missing: int = 0) -> tuple[dict, list[str]]:
        states = {}
        for item in matter.materials:
            keep_original = item["form"] == "原件" and any(word in item["name"] for word in ID_WORDS)
            states[item["name"]] = RECEIVED if online or not keep_original else CHECKED
        lacking = []
        if missing:
            candidates = [m["name"] for m in matter.materials if not any(w in m["name"] for w in ID_WORDS)]
            candidates = candidates or [m["name"] for m in matter.materials]
            lacking = self.rng.sample(candidates, min(missing, len(candidates)))
            for name in lacking:
                states[name] = MISSING
        return states, lacking

    def _ref(self, template: str, year: int) -> str:
        self.ref_counters[(template, year)] += 1
        return template.format(year=year, n=self.ref_counters[(template, year)])

    def _number_results(self, intake: Step) -> None:
        """Result documents (审批决定书, 结婚证 …) numbered in order of intake, as the case is written."""
        plan = intake.plan
        if not plan.result_refs:
            return
        if plan.intake.complete_now:
            plan.intake.result_ref = self._ref(plan.result_refs, (intake.moment + LOCAL_OFFSET).year)
        for step in plan.later:
            if step.kind == "complete" and step.args["decision"] == GRANTED:
                step.args["result_ref"] = self._ref(plan.result_refs, (step.moment + LOCAL_OFFSET).year)

    def _case(self, day_index: int, spec: tuple) -> list[Step]:
        steps = self._plan_case(day_index, spec)
        if steps:
            steps[0].plan.later = steps[1:]
        return steps

    def _plan_case(self, day_index: int, spec: tuple) -> list[Step]:
        rng, mix = self.rng, self.mix
        i, accept_index, online, offset, path = spec
        matter = self.matters[i]
        profile = PROFILES.get(matter.code, DEFAULT_PROFILE)
        day = self.days[day_index]
        received = utc_at(day, self._intake_minute())
        if received > self.cutoff:
            return []
        immediate = matter.kind == IMMEDIATE
        # who
        agent, notes = None, ""
        if rng.random() < profile.org and self.population.organisations:
            applicant = self._organisation(profile.org_kind)
            agent = self._person(day, (22, 60))              # 经办人
        else:
            applicant = self._person(day, profile.ages, profile.male)
        channel = "窗口"
        if online:
            channel = ONLINE_CHANNEL
        elif isinstance(applicant, Person) and profile.agent and rng.random() < profile.agent:
            channel, agent = "代办", self._person(day, (25, 65), avoid=applicant)
        elif not immediate and rng.random() < mix.by_post:
            channel = "邮寄"
        if matter.code == "QT-009" and isinstance(applicant, Person):
            other = self._person(day, (20, 40), male=0.0 if applicant.gender == "男" else 1.0, avoid=applicant)
            notes = f"双方共同申请，另一方：{other.name}"
        delivery = "自取"
        if not immediate and (channel == "邮寄" or rng.random() < (mix.online_mail if online else mix.mail)):
            delivery = "邮寄"
        address = ""
        if delivery == "邮寄":
            address = applicant.address or f"重庆市綦江区打通镇{getattr(applicant, 'village', '')}"
        # intake outcome
        if path == "rejected":
            states, _ = self._materials(matter, online)
            entry = Intake(matter=matter, applicant=applicant, outcome=REJECT, agent=agent, channel=channel,
                           delivery=delivery, delivery_address=address, materials=states, notes=notes,
                           reason=rng.choice(REJECT_REASONS), remedies=REMEDIES)
        elif offset or path == "abandoned":
            states, lacking = self._materials(matter, online, missing=rng.choice((1, 1, 1, 2)))
            entry = Intake(matter=matter, applicant=applicant, outcome=CORRECT, agent=agent, channel=channel,
                           delivery=delivery, delivery_address=address, materials=states, notes=notes,
                           reason=f"请补交：{'、'.join(lacking)}（已一次性告知）")
        else:
            states, lacking = self._materials(matter, online)
            entry = Intake(matter=matter, applicant=applicant, outcome=ACCEPT, agent=agent, channel=channel,
                           delivery=delivery, delivery_address=address, materials=states, notes=notes,
                           complete_now=immediate)
        clerk = self.clerks[0] if len(self.clerks) == 1 or rng.random() >= mix.second_clerk else self.clerks[1]
        plan = CasePlan(entry, clerk, result_refs=profile.ref)
        steps = [Step(received, next(self.seq), "intake", plan, clerk)]
        add = self._adder(steps, plan, clerk)
        if path == "rejected":
            return steps
        if path == "abandoned":
            if rng.random() < .5:
                add(self._on_day_after(day_index + rng.randint(3, 15), day_index, received), "withdraw",
                    reason=rng.choice(WITHDRAW_REASONS))
            return steps
        index, moment = day_index, received
        if offset:
            at = self._on_day_after(accept_index, day_index, received)
            if not add(at, "resume", received={name: RECEIVED for name in lacking}, note="材料已补齐"):
                return steps
            index, moment = at
            if immediate:
                at = self._after(index, moment, 5, 25)
                if not add(at, "complete", decision=GRANTED, result_ref=""):
                    return steps
                index, moment = at
        if immediate:
            return self._hand_over(steps, plan, clerk, index, moment, profile, online, add)
        accepted_index = index
        if matter.fee_cents:
            at = self._after(index, moment, 1, 3)
            if add(at, "fee", amount=str(Decimal(matter.fee_cents) / 100),
                   method=rng.choices(PAYMENT_METHODS, cum_weights=PAYMENT_CUM)[0]):
                index, moment = at
        if rng.random() < mix.send_next_day:
            at = self._on_day_after(index + 1, index, moment)     # forwarded with the next morning's batch
        else:
            at = self._after(index, moment, 3, 45)
        if not add(at, "send"):
            return steps
        index, moment = at
        promised = matter.promised_days
        if rng.random() < mix.withdrawn:
            at = self._on_day_after(accepted_index + rng.randint(1, max(1, promised - 1)), index, moment)
            add(at, "withdraw", reason=rng.choice(WITHDRAW_REASONS))
            return steps
        if rng.random() < mix.late:
            k = promised + rng.randint(1, 3)
        else:
            k = max(1, min(promised, round(promised * rng.betavariate(2.2, 1.6))))
        at = self._on_day_after(max(accepted_index + k, index), index, moment)
        if rng.random() < profile.refuse:
            done = add(at, "complete", decision=REFUSED, result_note=profile.refuse_note)
        else:
            done = add(at, "complete", decision=GRANTED, result_ref="")
        if not done:
            return steps
        index, moment = at
        return self._hand_over(steps, plan, clerk, index, moment, profile, online, add)

    def _adder(self, steps: list[Step], plan: CasePlan, clerk: User):
        def add(at, kind, actor=None, **args) -> bool:
            if at is None or at[1] is None or at[1] > self.cutoff:
                return False
            steps.append(Step(at[1], next(self.seq), kind, plan, actor or clerk, args))
            return True
        return add

    def _hand_over(self, steps, plan, clerk, index, moment, profile, online, add) -> list[Step]:
        """出件, then perhaps 好差评 and its 整改."""
        rng, mix = self.rng, self.mix
        entry = plan.intake
        if entry.delivery == "邮寄":
            at = self._after(index, moment, 60, 180)
            note = f"EMS {rng.randrange(10**12, 2 * 10**12)}"
        elif entry.matter.kind == IMMEDIATE:
            at = self._after(index, moment, 2, 10)
            note = "结果已通过“渝快办”推送" if online else profile.deliver_note
        elif online and rng.random() < .5:
            at = self._after(index, moment, 1, 5)
            note = "结果已通过“渝快办”推送"
        else:
            wait = rng.choices(PICKUP_WAITS, cum_weights=PICKUP_CUM)[0]
            at = self._on_day_after(index + wait, index, moment)
            note = ""
        if not add(at, "deliver", note=note):
            return steps
        index, moment = at
        if rng.random() >= mix.rated:
            return steps
        if entry.delivery == "邮寄" or online:
            at = self._on_day_after(index + rng.choice((0, 1, 1, 2)), index, moment)
        else:
            at = self._after(index, moment, 1, 4)
        if at is None or at[1] is None or at[1] > self.cutoff:
            return steps
        rate_index, rate_moment = at
        close = None
        if rng.random() < mix.bad:
            close = self._on_day_after(rate_index + rng.randint(2, RECTIFY_WORKDAYS - 3), rate_index, rate_moment)
            if close is None or close[1] is None or close[1] > self.cutoff:
                close = None                    # a 差评 is only shown with its 整改 done
        if close:
            overall = rng.choice((2, 2, 2, 1))
            levels = {"efficiency": overall, "competence": min(5, overall + rng.choice((0, 1))),
                      "attitude": overall if rng.random() < .5 else min(5, overall + 1)}
            comment = rng.choice(BAD_COMMENTS)
        else:
            overall = rng.choices((5, 4, 3), cum_weights=(80, 96, 99.5))[0]
            levels = {"efficiency": overall, "competence": overall, "attitude": overall}
            if rng.random() < .15:
                aspect = rng.choice(list(levels))
                levels[aspect] = max(1, overall - 1)
            comment = ""
            if rng.random() < .12:
                comment = rng.choice(ONLINE_COMMENTS if online else GOOD_COMMENTS)
        add(at, "rate", overall=overall, comment=comment, **levels)
        if close:
            add(close, "rectify", actor=self.admin, result=rng.choice(RECTIFY_RESULTS))
        return steps

    # --- the year, step by step ---------------------------------------------------------------

    def steps(self) -> Iterator[Step]:
        """Every step of every case, in time order (day by day: memory holds only open cases)."""
        pending: dict[int, list[Step]] = defaultdict(list)
        for index in range(len(self.days)):
            today = self._buckets.pop(index, [])
            self.rng.shuffle(today)
            for spec in today:
                for step in self._case(index, spec):
                    pending[self.index[(step.moment + LOCAL_OFFSET).date()]].append(step)
            for step in sorted(pending.pop(index, []), key=STEP_ORDER):
                if step.kind == "intake":
                    self._number_results(step)
                yield step

    def planned_cases(self) -> int:
        return sum(len(v) for v in self._buckets.values())


# ------------------------------------------------------------------------------------------------
# Writing: the rows the domain functions write, in bulk
# ------------------------------------------------------------------------------------------------

# Field types whose db_value passes our values through unchanged (dates and times go to sqlite3's
# adapters exactly as peewee hands them over; uids are given as the 32 hex digits UUIDField stores).
PASS_THROUGH = (pw.CharField, pw.TextField, pw.IntegerField, pw.DateField, pw.DateTimeField, pw.BooleanField,
                pw.ForeignKeyField, pw.UUIDField, pw.AutoField)


class Table:
    """Rows of one model (or FTS table) waiting for ``executemany``; values stored as peewee stores them."""

    def __init__(self, model=None, with_id: bool = False, sql: str = ""):
        self.model, self.rows = model, []
        if model is not None:
            meta = model._meta
            fields = [f for f in meta.sorted_fields if with_id or f is not meta.primary_key]
            self.defaults = {f.name: f.default for f in fields if not callable(f.default)}
            self.get = operator.itemgetter(*(f.name for f in fields))
            self.convert = [(i, f.db_value) for i, f in enumerate(fields) if type(f) not in PASS_THROUGH]
            columns = ", ".join(f'"{f.column_name}"' for f in fields)
            self.sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({", ".join([db.param] * len(fields))})'
        else:
            self.sql = sql

    def add(self, row: dict) -> None:
        values = self.get({**self.defaults, **row})
        if self.convert:
            values = list(values)
            for i, convert in self.convert:
                values[i] = convert(values[i])
            values = tuple(values)
        self.rows.append(values)

    def add_raw(self, values: tuple) -> None:
        self.rows.append(values)

    def flush(self, cursor) -> int:
        count = len(self.rows)
        if count:
            cursor.executemany(self.sql, self.rows)
            self.rows = []
        return count


@dataclass
class Stats:
    accepted: Counter = field(default_factory=Counter)     # class → cases accepted within the window
    online: int = 0
    rejected: int = 0                                      # 不予受理 (not counted as accepted)
    never_accepted: int = 0                                # 补正 never resumed: waiting or withdrawn
    statuses: Counter = field(default_factory=Counter)
    rows: int = 0
    cases: int = 0


MOVES = ("resume", "send", "complete", "deliver", "withdraw")   # steps that move the case (cases._move)
REGISTRY_BATCH = 20000


class BulkWriter:
    """Writes people, organisations and a hall year as the domain functions would, in batches.

    Counters: the serials handed out per prefix and day are written at ``close`` (raised to at least
    the demo's last serial), so the next real intake on a demo day gets the next number.
    """

    def __init__(self, seed: int = SEED_YEAR, batch_cases: int = 2000, progress: Callable | None = None):
        self.rng = random.Random(seed ^ 0x5EED)
        self.post = settings.post_code()
        self.batch_cases = batch_cases
        self.progress = progress
        self.people = Table(Person, with_id=True)
        self.organisations = Table(Organisation, with_id=True)
        self.cases = Table(ServiceCase, with_id=True)
        self.events = Table(CaseEvent)
        self.fees = Table(FeePaymentRecord)
        self.ratings = Table(Rating)
        self.audit = Table(AuditEntry)
        self.search = [Table(sql=sql) for sql in cases.SEARCH.insert_sql()]
        self.order = (self.people, self.organisations, self.cases, self.events, self.fees, self.ratings, self.audit,
                      *self.search)
        self.serials: Counter = Counter()
        self.next_ids = {model: (model.select(model.id).order_by(model.id.desc()).scalar() or 0) + 1
                         for model in (ServiceCase, Person, Organisation)}
        self.stats = Stats()
        self.pending_cases = 0
        self.calendar = work_calendar()
        self._promise_cache: dict = {}
        self.window: tuple[date, date] | None = None
        self.total_cases = 0

    # --- generic --------------------------------------------------------------------------------

    def uid(self) -> str:
        return _uid(self.rng)

    def log(self, who: str, action: str, summary: str, record_type: str, record_uid: str, at: datetime) -> None:
        self.audit.add({"uid": self.uid(), "post": self.post, "created_by": who, "created_at": at,
                        "updated_at": at, "action": action, "record_type": record_type,
                        "record_uid": dashed(record_uid), "summary": summary})

    def record(self, table: Table, actor: User, at: datetime, **fields) -> dict:
        row = {"uid": self.uid(), "post": self.post, "created_by": actor.username, "created_at": at,
               "updated_at": at, **fields}
        table.add(row)
        return row

    def flush(self) -> None:
        with db.atomic():
            cursor = db.cursor()
            for table in self.order:
                self.stats.rows += table.flush(cursor)
        self.pending_cases = 0
        if self.progress:
            self.progress(self.stats.cases, self.total_cases)

    # --- the registry ---------------------------------------------------------------------------

    def next_id(self, model) -> int:
        value = self.next_ids[model]
        self.next_ids[model] = value + 1
        return value

    def person(self, actor: User, fields: dict, at: datetime) -> tuple:
        """people.save_person's row and audit line; the stored values as a ``Population`` entry."""
        if len(self.people.rows) >= REGISTRY_BATCH:
            self.flush()
        row = self.record(self.people, actor, at, id=self.next_id(Person), **fields)
        self.log(actor.username, "create", f"登记人员 {fields['name']}", "Person", row["uid"], at)
        return tuple(dashed(row[k]) if k == "uid" else row.get(k) for k in PERSON_KEYS)

    def organisation(self, actor: User, fields: dict, at: datetime) -> tuple:
        row = self.record(self.organisations, actor, at, id=self.next_id(Organisation), **fields)
        self.log(actor.username, "create", f"登记单位 {fields['name']}", "Organisation", row["uid"], at)
        return tuple(dashed(row[k]) if k == "uid" else row.get(k) for k in ORGANISATION_KEYS)

    # --- cases ----------------------------------------------------------------------------------

    def number(self, prefix: str, day: date) -> str:
        self.serials[(prefix, day)] += 1
        return format_number(prefix, self.post, day, self.serials[(prefix, day)])

    def promised(self, day: date, days: int) -> date:
        key = (day, days)
        if key not in self._promise_cache:
            self._promise_cache[key] = self.calendar.add_workdays(day, days)
        return self._promise_cache[key]

    def write(self, steps: Iterator[Step]) -> Stats:
        """Consume a plan's steps; each case's row is written at its intake with its final state."""
        for step in steps:
            getattr(self, "_" + step.kind)(step)
            if self.pending_cases >= self.batch_cases:
                self.flush()
        self.flush()
        return self.stats

    def _intake(self, step: Step) -> None:
        plan, actor, now = step.plan, step.actor, step.moment
        entry = plan.intake
        fields = cases.clean_intake(entry)
        today = cases._local_day(now)
        outcome = entry.outcome
        status = {ACCEPT: ACCEPTED, CORRECT: CORRECTION, REJECT: REJECTED}[outcome]
        number = self.number(CASE_PREFIX, today)
        case_id = self.next_id(ServiceCase)
        row = {"id": case_id, "uid": self.uid(), "post": self.post, "created_by": actor.username,
               "created_at": now, "updated_at": now, "number": number, "status": status, "received_at": now,
               "received_on": today, "clerk": actor.username, "clerk_name": actor.display_name, **fields}
        if status == ACCEPTED:
            row["accepted_on"] = today
            row["promised_date"] = self.promised(today, fields["promised_days"])
        plan.ref = {"id": case_id, "uid": row["uid"], "number": number, "applicant_name": row["applicant_name"],
                    "fee_basis": row["fee_basis"], "post": self.post}
        events = [(now, actor, outcome, "", status, fields["reason"])]
        audits = [(now, actor, "create", f"收件 {number} {fields['matter_name']}（{outcome}）")]
        if entry.complete_now:
            self._final(row, "办结", now, events, audits, actor, decision=GRANTED, result_ref=fields["result_ref"],
                        result_note=fields["result_note"])
        # the later steps of this case, applied now so the row is written once with its final state;
        # their events and audit lines wait for their own time (ids stay in time order)
        ref = plan.ref
        ref["moves"] = {}
        for later in plan.later:
            if later.kind in MOVES:
                ref["moves"][later.seq] = self._apply(row, later)
            elif later.kind == "rectify":
                ref["rectify"] = later
        self.cases.add(row)
        plan.intake = None
        for at, who, action, before, after, note in events:
            self._event(ref, who, at, action, before, after, note)
        for at, who, action, summary in audits:
            self.log(who.username, action, summary, "ServiceCase", ref["uid"], at)
        for table, params in zip(self.search, cases.SEARCH.params(case_id, row)):
            table.add_raw(params)
        self.stats.cases += 1
        self.pending_cases += 1
        self.stats.statuses[row["status"]] += 1
        if row.get("accepted_on") is None:
            if row["status"] == REJECTED:
                self.stats.rejected += 1
            else:
                self.stats.never_accepted += 1
        elif self.window is None or self.window[0] <= row["accepted_on"] <= self.window[1]:
            self.stats.accepted[row["matter_class"]] += 1
            self.stats.online += row["channel"] == ONLINE_CHANNEL

    def _event(self, ref: dict, actor: User, at: datetime, action: str, before: str, after: str, note: str) -> None:
        self.events.add({"uid": self.uid(), "post": ref["post"], "created_by": actor.username, "created_at": at,
                         "updated_at": at, "case": ref["id"], "action": action, "from_status": before,
                         "to_status": after, "actor_name": actor.display_name, "note": note})

    def _final(self, row: dict, action: str, now: datetime, events: list, audits: list, actor: User, **changes):
        """``cases._move`` on the row: the new status and fields, its event and its audit line."""
        before = row["status"]
        sources, after = TRANSITIONS[action]
        if before not in sources:
            raise ValueError(f"demo plan: {row['number']} cannot {action} from {before}")
        note = changes.pop("_note", None)
        if action == "办结":
            decision, result_note = changes["decision"], changes["result_note"]
            note = f"{decision}" + (f"，{result_note}" if result_note else "")
            changes.update(completed_at=now, completed_on=cases._local_day(now))
        row.update(changes)
        row["status"] = after
        row["updated_at"] = now
        events.append((now, actor, action, before, after, note))
        audits.append((now, actor, "update", f"办件 {row['number']}：{action}（{before}→{after}）"
                       + (f"，{note}" if note else "")))

    def _apply(self, row: dict, step: Step) -> tuple[list, list]:
        """Fold a later step into the case row; its event and audit line are written at its own time."""
        events, audits = [], []
        now, args, actor = step.moment, step.args, step.actor
        if step.kind == "resume":
            materials = [{**item, "state": args["received"].get(item["name"], item["state"])}
                         for item in row["materials"]]
            today = cases._local_day(now)
            self._final(row, "补正受理", now, events, audits, actor, _note=args.get("note", ""), materials=materials,
                        accepted_on=today, promised_date=self.promised(today, row["promised_days"]))
        elif step.kind == "send":
            self._final(row, "送后台办理", now, events, audits, actor,
                        _note=args.get("note") or f"送{row['department']}")
        elif step.kind == "complete":
            self._final(row, "办结", now, events, audits, actor, decision=args["decision"],
                        result_ref=args.get("result_ref", ""), result_note=args.get("result_note", ""))
        elif step.kind == "deliver":
            self._final(row, "出件", now, events, audits, actor, _note=args.get("note", ""), delivered_at=now,
                        delivery_note=args.get("note", ""))
        elif step.kind == "withdraw":
            self._final(row, "撤回", now, events, audits, actor, _note=args["reason"], reason=args["reason"])
        return events, audits

    def _moved(self, step: Step) -> None:
        events, audits = step.plan.ref["moves"].pop(step.seq)
        ref = step.plan.ref
        for at, who, action, before, after, note in events:
            self._event(ref, who, at, action, before, after, note)
        for at, who, action, summary in audits:
            self.log(who.username, action, summary, "ServiceCase", ref["uid"], at)

    _resume = _send = _complete = _deliver = _withdraw = _moved

    def _fee(self, step: Step) -> None:
        ref, now, actor = step.plan.ref, step.moment, step.actor
        cents = cases.parse_amount(step.args["amount"])
        receipt_no = self.number(FEE_PREFIX, cases._local_day(now))
        row = {"uid": self.uid(), "post": ref["post"], "created_by": actor.username, "created_at": now,
               "updated_at": now, "case": ref["id"], "receipt_no": receipt_no, "amount_cents": cents,
               "method": step.args["method"], "payer_name": ref["applicant_name"], "clerk_name": actor.display_name,
               "basis": ref["fee_basis"], "note": step.args.get("note", "")}
        self.fees.add(row)
        self.log(actor.username, "create", f"收费 {receipt_no}：办件 {ref['number']}，{Decimal(cents) / 100:.2f} 元，"
                 f"{step.args['method']}", "FeePaymentRecord", row["uid"], now)

    def _rate(self, step: Step) -> None:
        ref, now, actor, args = step.plan.ref, step.moment, step.actor, step.args
        overall = args["overall"]
        bad = overall <= BAD_RATING
        due = self.calendar.add_workdays(cases._local_day(now), RECTIFY_WORKDAYS) if bad else None
        row = {"uid": self.uid(), "post": ref["post"], "created_by": actor.username, "created_at": now,
               "updated_at": now, "case": ref["id"], "overall": overall, "comment": args.get("comment", ""),
               "rectify_due": due, **{aspect: overall if args.get(aspect) is None else args[aspect]
                                      for aspect in ("efficiency", "competence", "attitude")}}
        close = ref.get("rectify")
        if close is not None:
            row.update(rectified_at=close.moment, rectified_by=close.actor.display_name,
                       rectify_result=close.args["result"], updated_at=close.moment)
            ref["rating_uid"] = row["uid"]
        self.ratings.add(row)
        self.log(actor.username, "create", f"办件 {ref['number']} 评价：{RATING_LEVELS[overall]}"
                 + (f"，整改期限 {due:%Y-%m-%d}" if due else ""), "Rating", row["uid"], now)

    def _rectify(self, step: Step) -> None:
        ref = step.plan.ref
        self.log(step.actor.username, "update", f"办件 {ref['number']} 差评整改完毕：{step.args['result']}",
                 "Rating", ref["rating_uid"], step.moment)

    def defer_indexes(self) -> None:
        """Drop the written tables' indexes now and build them again in ``close`` (several times faster
        for a big demo; SQLite sorts once instead of inserting key by key).  Only for a database that is
        thrown away when the build fails (``main.py demo`` deletes it)."""
        if is_server():   # the server's own bulk machinery is not ours to tune; its indexes stay
            return
        tables = [t.model._meta.table_name for t in self.order if t.model is not None]
        marks = ", ".join("?" * len(tables))
        self.deferred = db.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) "
            "ORDER BY name", tables).fetchall()
        with db.atomic():
            for name, _ in self.deferred:
                db.execute_sql(f'DROP INDEX "{name}"')

    def close(self) -> None:
        """The numbering counters, raised to the demo's serials (never lowered); deferred indexes rebuilt."""
        table = NumberCounter._meta.table_name
        with db.atomic():
            for _, sql in getattr(self, "deferred", ()):
                db.execute_sql(sql)
            self.deferred = []
            larger = "GREATEST" if is_server() else "MAX"
            mark = db.param
            db.cursor().executemany(
                f'INSERT INTO "{table}" (prefix, post, day, last) VALUES ({mark}, {mark}, {mark}, {mark}) '
                f'ON CONFLICT (prefix, post, day) DO UPDATE SET last = {larger}("{table}".last, excluded.last)',
                [(prefix, self.post, NumberCounter.day.db_value(day), last)
                 for (prefix, day), last in sorted(self.serials.items())])
        self.stats.rows += len(self.serials)


def write_year(plan: HallYear, writer: BulkWriter) -> Stats:
    writer.window = (plan.days[0], plan.days[-1]) if plan.days else None
    writer.total_cases = plan.planned_cases()
    return writer.write(plan.steps())
