"""演示数据: a realistic, invented 打通镇 to try TownDesk with. Every name and number is made up.

Two entry points share one writer (models/hall/demo.py):

* ``load_demo()`` — the first-run wizard: the town, the demo accounts, 40 residents, 3 organisations
  and the service hall's last four weeks up to now (fast: well under a second of writing), with a
  handful of disputes and petitions of the mediation centre and a small window of the grid patrol
  area in the same weeks.
* ``create_demo(year, scale)`` — ``python main.py demo``: a whole year of the hall at the seed
  report's volumes (scale 1: ~600 residents, ~20 organisations, 929 accepted cases), or ``scale``
  times that for benchmarks; then the town's grids and workers and the mediation centre's year
  (models/mediation/demo.py: 213 disputes, 240 petitions, 11 risk meetings at scale 1), and — when
  asked, as ``main.py demo`` does — the grid patrol area's year (models/patrol/demo.py: 73 night
  patrols, 215 shop inspections, the key-person and care registers …), written through their domain
  functions.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from models import accounts, audit, people, setup
from models.db import db, is_server, to_local, utcnow
from models.hall import demo as hall_demo
from models.hall import matters
from models.hall.workdays import WorkCalendar
from models.mediation import demo as mediation_demo
from models.patrol import demo as patrol_demo
from models.validators import credit_code_check_char, resident_id_check_digit

DEMO_PASSWORD = "Demo2022"
TOWN = {"town": "打通镇", "district": "綦江区", "post_name": "打通镇便民服务中心", "post_code": "DT00",
        "hall_phone": "023-48612345"}
DEMO_USERS = [
    ("admin", "王建国", ["admin"]),
    ("chuangkou", "李秀英", ["window"]),
    ("tiaojie", "陈志强", ["mediator"]),
    ("tiaojie2", "罗晓梅", ["mediator"]),
    ("zhuren", "杨文华", ["mediation_lead"]),
    ("wangge", "刘小燕", ["grid"]),             # 网格员: the 专职 worker of each village (patrol_demo.WORKERS)
    ("wangge2", "罗建平", ["grid"]),
    ("wangge3", "谭丽", ["grid"]),
    ("wangge4", "周德明", ["grid"]),
    ("wangge5", "黄小琴", ["grid"]),
    ("wangge6", "吴晓东", ["grid"]),
    ("wanggezhang", "唐志刚", ["grid_lead"]),   # 网格长
    ("zhongdian", "冉秀琴", ["key_persons"]),   # 重点人员管理员
    ("lingdao", "赵德明", ["leader"]),
]
WINDOW_CLERK = "chuangkou"      # the hall's clerk; the admin covers the window now and then

PEOPLE_PER_SCALE = 600
WIZARD_PEOPLE = 40
WIZARD_HALL_WORKDAYS = 20
FIRST_YEAR, LAST_YEAR = 2004, 2026      # chinese-calendar 1.11 knows these years' holidays

VILLAGES = {"石龙村": 18, "大罗村": 16, "天台村": 14, "双星村": 14, "金鸡村": 14, "打通社区": 24}
STREETS = ("兴隆街", "胜天路", "新街", "老街", "河坝街")
# Common surnames in 綦江, roughly by frequency.
SURNAMES = {"王": 9, "李": 8, "张": 7, "刘": 7, "陈": 7, "杨": 5, "罗": 5, "黄": 4, "周": 4, "吴": 3, "赵": 3,
            "徐": 2, "胡": 3, "谭": 3, "邓": 3, "唐": 3, "曾": 2, "彭": 2, "蒋": 2, "冉": 2, "向": 2, "余": 2,
            "熊": 2, "袁": 2, "何": 2, "郭": 2, "梁": 2, "朱": 2, "林": 1, "高": 1, "孙": 1, "秦": 1, "万": 1,
            "程": 1, "付": 1, "龚": 1, "游": 1, "穆": 1, "吕": 1, "魏": 1}
# Given-name characters by generation: (born before 1965, 1965–1989, from 1990).
GIVEN = {
    "男": (("德永国建志明文光正忠福贵荣昌学祥发友全洪兴绍成开元", "华明强生林荣贵富才良清兵军平安泉云章松书"),
          ("建志海国小伟勇军红斌波涛刚平春", "军华平强明东兵林涛峰勇刚超辉"),
          ("浩子宇俊家鹏杰文思博一梓", "然轩宇杰豪涛鑫博阳航睿铭")),
    "女": (("秀桂玉淑春素兰凤翠美金银", "英芳兰珍华琼芬梅群蓉容莲"),
          ("丽红小晓春海利琴燕敏雪", "梅燕红霞琴丽萍娟玲英莉"),
          ("欣梦思雨佳诗婷雪可子语", "怡琪涵婷悦雨瑶洁妍倩彤")),
}
# Ages of the registry (the people who come to the hall): an ageing rural town.
AGE_BANDS = ((18, 29, 12), (30, 44, 18), (45, 59, 30), (60, 74, 28), (75, 95, 12))
REGIONS = (("500222", 80), ("500110", 6), ("500113", 3), ("500112", 2), ("520321", 5), ("500221", 2),
           ("510321", 2))        # 綦江（旧码/新码）、巴南、渝北、遵义、长寿、荣县
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185", "187", "188",
                   "189", "199")
ORGANISATIONS = [  # (name, kind: 村/企, credit-code head)
    ("重庆市綦江区打通镇石龙村民委员会", "村", "54"), ("重庆市綦江区打通镇大罗村民委员会", "村", "54"),
    ("重庆市綦江区打通镇天台村民委员会", "村", "54"), ("重庆市綦江区打通镇双星村民委员会", "村", "54"),
    ("重庆市綦江区打通镇金鸡村民委员会", "村", "54"), ("重庆市綦江区打通镇打通社区居民委员会", "村", "54"),
    ("重庆市綦江区打通镇兴隆湾农业专业合作社", "企", "93"), ("綦江区打通镇天星煤矿有限公司", "企", "91"),
    ("重庆打通建筑工程有限公司", "企", "91"), ("重庆綦能燃气有限公司打通营业所", "企", "91"),
    ("中国电信股份有限公司重庆綦江分公司", "企", "91"), ("中国移动通信集团重庆有限公司綦江分公司", "企", "91"),
    ("国网重庆市电力公司綦江供电分公司", "企", "91"), ("重庆市綦江区自来水有限公司", "企", "91"),
    ("重庆鑫达建材有限公司", "企", "91"), ("重庆顺通渣土运输有限公司", "企", "91"),
    ("重庆綦江农村商业银行股份有限公司打通支行", "企", "91"), ("綦江区打通镇好又多超市", "企", "92"),
    ("重庆市綦江区打通中心卫生院", "企", "12"), ("重庆市綦江区打通中学校", "企", "12"),
]
WIZARD_ORGANISATIONS = [("重庆市綦江区打通镇兴隆湾农业专业合作社", "企", "93"),
                        ("綦江区打通镇天星煤矿有限公司", "企", "91"), ("重庆打通建筑工程有限公司", "企", "91")]
BRANDS = "鑫达兴盛华顺通恒宏利源隆泰佳丰瑞福安康宇金诚信和祥润德豪远"
TRADES = ("建筑工程", "建材", "商贸", "运输", "农业开发", "电气安装", "装饰工程", "餐饮管理", "物流", "市政工程",
          "园林绿化", "广告传媒", "劳务", "机械租赁", "食品")
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# ------------------------------------------------------------------------------------------------
# Invented people and organisations
# ------------------------------------------------------------------------------------------------

def _weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def _resident_id(rng: random.Random, birth: date, male: bool, region: str = "500222") -> str:
    order = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + resident_id_check_digit(first17)


def _credit_code(rng: random.Random, head: str = "91", region: str = "500110") -> str:
    subject = "MA" + "".join(rng.choice(CODE_ALPHABET) for _ in range(7))
    first17 = head + region + subject
    return first17 + credit_code_check_char(first17)


def _name(rng: random.Random, male: bool, born: int) -> str:
    generation = 0 if born < 1965 else 1 if born < 1990 else 2
    first, second = GIVEN["男" if male else "女"][generation]
    given = rng.choice(second) if rng.random() < .15 else rng.choice(first) + rng.choice(second)
    return _weighted(rng, SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _address(rng: random.Random, village: str) -> str:
    if village.endswith("社区"):
        return f"重庆市綦江区打通镇{rng.choice(STREETS)}{rng.randrange(1, 160)}号"
    return f"重庆市綦江区打通镇{village}{rng.randrange(1, 13)}组{rng.randrange(1, 90)}号"


def invent_people(rng: random.Random, count: int, on: date) -> list[dict]:
    """``count`` residents (adults on ``on``) as the people form would send them; ID numbers unique."""
    bands = [(lo, hi) for lo, hi, _ in AGE_BANDS]
    band_weights = list(accumulate(w for *_, w in AGE_BANDS))
    regions = [r for r, _ in REGIONS]
    region_weights = list(accumulate(w for _, w in REGIONS))
    seen, out = set(), []
    while len(out) < count:
        lo, hi = bands[bisect(band_weights, rng.random() * band_weights[-1])]
        birth = on - timedelta(days=rng.randrange(lo * 365 + 1, (hi + 1) * 365 - 1))
        male = rng.random() < .5
        number = _resident_id(rng, birth, male, regions[bisect(region_weights, rng.random() * region_weights[-1])])
        if number in seen:
            continue
        seen.add(number)
        village = _weighted(rng, VILLAGES)
        age = (on - birth).days // 365
        out.append({
            "name": _name(rng, male, birth.year),
            "id_number": number,
            "ethnicity": rng.choices(("汉族", "苗族", "土家族"), weights=(97, 1.5, 1.5))[0],
            "phone": "" if age >= 75 and rng.random() < .1 else _mobile(rng),
            "village": village,
            "address": _address(rng, village),
        })
    return out


def invent_organisations(rng: random.Random, count: int, base=ORGANISATIONS) -> list[dict]:
    """The town's fixed organisations, then as many invented companies as ``count`` asks for."""
    chosen = list(base[:count])
    names = {name for name, *_ in chosen}
    serial = 0
    while len(chosen) < count:
        name = f"重庆{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司"
        if name in names:
            serial += 1
            name = name.replace("有限公司", f"第{serial}分公司")
        names.add(name)
        chosen.append((name, "企", "91"))
    out, codes = [], set()
    for name, kind, head in chosen:
        code = _credit_code(rng, head)
        while code in codes:
            code = _credit_code(rng, head)
        codes.add(code)
        male = rng.random() < .7
        out.append({"name": name, "credit_code": code,
                    "legal_rep": _name(rng, male, rng.randrange(1955, 1990)),
                    "contact": "" if kind == "村" else _name(rng, rng.random() < .5, rng.randrange(1970, 2000)),
                    "phone": f"023-4861{rng.randrange(10**4):04d}" if rng.random() < .6 else _mobile(rng),
                    "address": f"重庆市綦江区打通镇{rng.choice(STREETS)}{rng.randrange(1, 160)}号"})
    return out


# ------------------------------------------------------------------------------------------------
# Building the database
# ------------------------------------------------------------------------------------------------

@contextmanager
def _published_password_hashed_once(stored: str):
    """While the demo accounts are created, ``accounts.hash_password`` of the published demo password
    gives ``stored`` (the admin's hash of it) instead of a fresh scrypt each — 0.2 s apiece, some three
    seconds for the fifteen accounts. The password is printed for everyone; a salt per account adds nothing."""
    real = accounts.hash_password
    accounts.hash_password = lambda password: stored if password == DEMO_PASSWORD else real(password)
    try:
        yield
    finally:
        accounts.hash_password = real


def _initialise() -> dict[str, accounts.User]:
    """The town, the post and the demo accounts (password Demo2022, no forced change)."""
    admin = setup.initialise(TOWN["town"], TOWN["post_name"], TOWN["post_code"], DEMO_USERS[0][0], DEMO_PASSWORD,
                             district=TOWN["district"], hall_phone=TOWN["hall_phone"],
                             admin_display_name=DEMO_USERS[0][1])
    users = {admin.username: admin}
    with db.atomic(), _published_password_hashed_once(admin.password_hash):
        for username, name, roles in DEMO_USERS[1:]:
            user = accounts.create_user(admin, username, name, roles, DEMO_PASSWORD)
            user.must_change_password = False
            user.save()
            users[username] = user
    return users


def _registry(writer: hall_demo.BulkWriter, clerk: accounts.User, rng: random.Random, people_count: int,
              organisations: list[dict], before: date) -> hall_demo.Population:
    """Register residents and organisations (checked by the people forms' own rules) before ``before``."""
    persons = invent_people(rng, people_count, before)
    moments = sorted(hall_demo.utc_at(before - timedelta(days=rng.randrange(1, 3 * 365)),
                                      rng.uniform(hall_demo.OPENS, hall_demo.CLOSES))
                     for _ in range(len(persons) + len(organisations)))
    registered = [writer.person(clerk, people.clean_person(data), at) for data, at in zip(persons, moments)]
    bodies = [writer.organisation(clerk, people.clean_organisation(data)[0], at)
              for data, at in zip(organisations, moments[len(persons):])]
    return hall_demo.Population(registered, bodies)


@dataclass
class DemoResult:
    users: dict
    stats: hall_demo.Stats
    people: int
    organisations: int
    start: date | None
    end: date | None
    seconds: float
    mediation: mediation_demo.Stats | None = None      # the mediation centre's window (None: not written)
    patrol: patrol_demo.Stats | None = None            # the grid patrol area's window (None: not written)
    grid_seconds: float = 0.0                          # writing the grids and their workers

    @property
    def rows_per_second(self) -> float:
        """The hall's bulk rows per second of the hall's part of the build."""
        seconds = self.seconds - self.grid_seconds - sum(
            area.seconds for area in (self.mediation, self.patrol) if area is not None)
        return self.stats.rows / seconds if seconds > 0 else 0.0


@contextmanager
def bulk_pragmas(throwaway: bool = False):
    """A bigger page cache and less syncing while a demo is written; the file's own settings after.

    ``throwaway``: the caller deletes the file if the build fails (``main.py demo``), so the build may
    skip the journal altogether — every page is then written once instead of twice (WAL, checkpoint).
    """
    if is_server():   # the town hall's server keeps its own durability settings
        yield
        return
    saved = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
             for name in ("cache_size", "synchronous", "journal_mode")}
    db.execute_sql("PRAGMA cache_size = -131072")       # 128 MB while the indexes grow
    if throwaway:
        db.execute_sql("PRAGMA journal_mode = OFF")
        db.execute_sql("PRAGMA synchronous = OFF")
    else:
        db.execute_sql("PRAGMA synchronous = NORMAL")   # WAL stays consistent; a crash loses the last batches only
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA journal_mode = {saved.pop('journal_mode')}")
        for name, value in saved.items():
            db.execute_sql(f"PRAGMA {name} = {int(value)}")


def start_demo(people_count: int, organisations: list[dict], before: date, seed: int, progress=None,
               defer_indexes: bool = False) -> tuple[dict, hall_demo.BulkWriter, hall_demo.Population]:
    """Initialise the town and accounts, register the residents and organisations; the writer for the hall."""
    users = _initialise()
    writer = hall_demo.BulkWriter(seed=seed, progress=progress)
    if defer_indexes:
        writer.defer_indexes()
    population = _registry(writer, users[WINDOW_CLERK], random.Random(seed), people_count, organisations, before)
    writer.flush()
    return users, writer, population


def _build(people_count: int, organisations: list[dict], start: date, end: date, cutoff: datetime | None,
           scale: int, seed: int, progress=None, mix: hall_demo.Mix | None = None,
           defer_indexes: bool = False, mediation: mediation_demo.Volumes | None = None,
           centre: bool = True, patrol: bool = False, patrol_volumes: patrol_demo.Volumes | None = None
           ) -> DemoResult:
    """The hall's window, then (``centre``) the grids and the mediation centre's window — its grid
    referrals are findings of real patrols — then (``patrol``) the patrol area's window."""
    began = time.perf_counter()
    with bulk_pragmas(throwaway=defer_indexes):
        users, writer, population = start_demo(people_count, organisations, start, seed, progress, defer_indexes)
        admin, clerk = users["admin"], users[WINDOW_CLERK]
        year = hall_demo.HallYear(matters.list_matters(), population, [clerk, admin], admin, start=start, end=end,
                                  cutoff=cutoff, scale=scale, seed=seed, mix=mix)
        stats = hall_demo.write_year(year, writer)
        writer.close()
        grid_seconds, mediated, patrolled = 0.0, None, None
        if centre or patrol:     # the grids and their workers, set up the day before the window
            grid_began = time.perf_counter()
            patrol_demo.create_grids(users, hall_demo.utc_at(start - timedelta(days=1), 9 * 60))
            grid_seconds = time.perf_counter() - grid_began
        if centre:
            mediated = mediation_demo.write_year(mediation_demo.MediationYear(
                population, users, start=start, end=end, cutoff=cutoff, scale=scale, seed=seed, volumes=mediation))
        if patrol:
            patrolled = patrol_demo.write_year(patrol_demo.PatrolYear(
                population, users, start=start, end=end, cutoff=cutoff, scale=scale, seed=seed,
                volumes=patrol_volumes))
    accepted = "、".join(f"{c} {n}" for c, n in stats.accepted.items())
    audit.log(admin.username, "create", f"载入演示数据：人员 {people_count} 人，单位 {len(organisations)} 家，"
              f"办件 {stats.cases} 件（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}，受理 {accepted or 0}）"
              + (f"；调解案件 {mediated.disputes} 件，信访 {mediated.petitions} 件，风险研判会 {mediated.meetings} 次"
                 if mediated is not None else "")
              + (f"；网格 {patrolled.grids} 个，巡查 {patrolled.patrols} 次（夜间巡逻 {patrolled.night_patrols} 次），"
                 f"群众求助 {patrolled.help_requests} 件，隐患 {patrolled.hazards} 处"
                 if patrolled is not None else ""))
    return DemoResult(users, stats, people_count, len(organisations), year.days[0] if year.days else None,
                      year.days[-1] if year.days else None, time.perf_counter() - began, mediated, patrolled,
                      grid_seconds)


def load_demo(people_count: int = WIZARD_PEOPLE, seed: int = 2022, now: datetime | None = None) -> accounts.User:
    """Initialise the open, empty database as 打通镇 with demo users (password Demo2022), residents,
    organisations and the hall's last four weeks of cases up to ``now``, with a handful of disputes,
    petitions and a risk meeting of the mediation centre and a small window of the grid patrol area
    (the grids, a few patrols, an inspection with a hazard, a help request, a few care subjects and
    key persons drawn from the registry) in the same weeks. Returns the admin."""
    now = now or utcnow()
    today = to_local(now).date()
    calendar = WorkCalendar()
    start, left = today, WIZARD_HALL_WORKDAYS
    while left:
        start -= timedelta(days=1)
        left -= calendar.is_workday(start)
    result = _build(people_count, invent_organisations(random.Random(seed + 1), len(WIZARD_ORGANISATIONS),
                                                       WIZARD_ORGANISATIONS),
                    start, today, now, 1, seed, mediation=mediation_demo.WIZARD_VOLUMES, patrol=True,
                    patrol_volumes=patrol_demo.WIZARD_VOLUMES)
    return result.users["admin"]


def check_year(year: int, today: date | None = None) -> None:
    today = today or date.today()
    last = min(LAST_YEAR, today.year)
    if not FIRST_YEAR <= year <= last or not WorkCalendar.official_covers(year):
        raise ValueError(f"演示年份应在 {FIRST_YEAR}–{last} 之间（需要内置节假日日历覆盖该年，且不能晚于今年）。")


def create_demo(year: int = hall_demo.SEED_YEAR, scale: int = 1, progress=None, now: datetime | None = None,
                mix: hall_demo.Mix | None = None, throwaway: bool = False, mediation: bool = True,
                patrol: bool = False) -> DemoResult:
    """Initialise the open, empty database with a year of the hall (up to now for the current year).

    Scale 1 of 2022 has exactly the seed report's figures: accepted 154 行政审批, 356 行政服务, 419 其他,
    287 of them through 渝快办网办; the mediation centre 213 disputes, 240 petitions (826 visitors) and
    11 risk meetings; with ``patrol`` the grid patrol area 73 night patrols (1,426 person-times), 32 help
    requests, 215 shop inspections finding 83 hazards, 9 key venues inspected 46 times (12 hazards), all
    hazards cleared, 23 / 370 (38 in rehabilitation) / 7 key persons and a care register of 250 people
    (models/patrol/demo.py). ``scale`` multiplies the people, organisations, cases, disputes, petitions
    and the patrol area's figures (the care register reaches the seed's 20,000+ at scale 80).
    ``throwaway`` (the CLI, which deletes the file when the build fails): indexes are built at the end
    and the journal is off while writing — about a third faster, but a failure leaves a broken file.
    ``mediation=False``: the hall only (the centre's year goes through its domain functions, about ten
    milliseconds a step — some 1,900 steps at scale 1). ``patrol``: the grid patrol area's year too
    (``main.py demo`` asks for it; some 5,000 domain steps at scale 1, about a minute). The grids and
    their workers are written whenever the centre or the patrol area is.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError("规模（--scale）应为不小于 1 的整数。")
    now = now or utcnow()
    check_year(year, to_local(now).date())
    start, end, cutoff = date(year, 1, 1), date(year, 12, 31), None
    if year == to_local(now).date().year:
        end, cutoff = to_local(now).date(), now
    organisations = invent_organisations(random.Random(year + 1), len(ORGANISATIONS) * scale)
    return _build(PEOPLE_PER_SCALE * scale, organisations, start, end, cutoff, scale, year, progress, mix,
                  defer_indexes=throwaway, centre=mediation, patrol=patrol)
