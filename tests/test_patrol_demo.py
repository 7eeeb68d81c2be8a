"""演示数据 for 网格巡查: the seed report's 2022 figures exactly (73 night patrols with 1,426 person-times, 32 help
requests, 215 shop inspections finding 83 hazards, 9 key venues inspected 46 times with 12 fixes, 23 / 370 (38) / 7
key persons, 100 % grid coverage), every hazard cleared, the mediation centre's grid referrals as findings of real
patrols, consistent records written through the domain functions, volumes that scale, and the wizard's handful.

The year is built once for the module (as ``main.py demo`` builds it) and counted with peewee queries here, not
with the demo's own counting."""

import dataclasses
import random
import re
from collections import Counter
from datetime import date, datetime, timedelta

import peewee as pw
import pytest

from models import accounts, demo, setup
from models.accounts import get_user
from models.db import close_database, open_database
from models.errors import PermissionDenied
from models.hall import demo as hall_demo
from models.mediation.tables import REFERRED, Dispute, Petition, RiskMeeting
from models.patrol import demo as patrol_demo
from models.patrol import grids, patrols, registers
from models.patrol.patrols import PatrolFilter
from models.patrol.tables import (
    CARE_ACTIVE, CULT, DISPUTE, DRUG, EV_RATED, EVENT_OPEN, HELP_CLOSED, HZ_CLEARED, KEY_ACTIVE, MENTAL, NIGHT_SHIFT,
    CareSubject, CareVisit, EventStep, Finding, Grid, GridEvent, GridMember, Hazard, HazardCheck, HelpRequest,
    Inspection, KeyAssessment, KeyPerson, KeyVisit, PatrolGrid, PatrolLog, Premises,
)
from models.people import Person
from tests.test_hall_demo import build

FIRST, LAST = date(2022, 1, 1), date(2022, 12, 31)
LOCAL = timedelta(hours=8)
XC = re.compile(r"^XC-DT00-(\d{8})-(\d{4})$")


@pytest.fixture(scope="module")
def year_file(tmp_path_factory):
    """2022 at scale 1 with the patrol area, built once for the module as ``main.py demo`` builds it."""
    folder = tmp_path_factory.mktemp("patrol2022")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOWNDESK_DATA_DIR", str(folder / "data"))
        result = build(folder / "demo.db", throwaway=True, patrol=True)
    return folder / "demo.db", result


@pytest.fixture
def year(year_file):
    path, result = year_file
    open_database(path)
    yield result
    close_database()


def in_2022(model, column):
    return model.select().where(model.deleted_at.is_null(), column.between(FIRST, LAST))


def inspected(key_venue: bool):
    return (Inspection.select(Inspection, Premises, PatrolLog).join(Premises).switch(Inspection).join(PatrolLog)
            .where(PatrolLog.patrol_date.between(FIRST, LAST), Premises.key_venue == key_venue))


# ------------------------------------------------------------------------------------------ figures

def test_2022_has_exactly_the_seed_reports_figures(year):
    nights = list(in_2022(PatrolLog, PatrolLog.patrol_date).where(PatrolLog.shift == NIGHT_SHIFT))
    assert len(nights) == 73
    assert sum(p.person_times for p in nights) == 1426
    assert all(p.person_times == len(p.participants) + p.others and len(p.participants) >= 3 for p in nights)
    assert in_2022(HelpRequest, HelpRequest.asked_on).count() == 32
    shops = list(inspected(False))
    assert len(shops) == 215 and {v.patrol.patrol_type for v in shops} == {"消防安全检查"}
    assert Hazard.select().where(Hazard.inspection.in_([v.id for v in shops])).count() == 83
    venues = list(inspected(True))
    assert len(venues) == 46 and len({v.premises_id for v in venues}) == 9
    assert {v.premises.kind for v in venues} == {"KTV", "酒吧", "网吧", "歌舞厅"}
    assert {v.patrol.patrol_type for v in venues} == {"重点场所检查"}
    assert Hazard.select().where(Hazard.inspection.in_([v.id for v in venues])).count() == 12
    live = KeyPerson.select().where(KeyPerson.status == KEY_ACTIVE, KeyPerson.deleted_at.is_null())
    assert live.where(KeyPerson.category == MENTAL).count() == 23
    assert live.where(KeyPerson.category == DRUG).count() == 370
    assert live.where(KeyPerson.category == DRUG, KeyPerson.stage.in_(("社区戒毒", "社区康复"))).count() == 38
    assert live.where(KeyPerson.category == CULT).count() == 7
    # the build's own figures (printed by main.py demo) are the database's
    stats = year.patrol
    assert (stats.night_patrols, stats.person_times, stats.help_requests) == (73, 1426, 32)
    assert (stats.shop_visits, stats.shop_hazards, stats.shop_cleared) == (215, 83, 83)
    assert (stats.key_venues, stats.key_visits, stats.key_hazards, stats.key_cleared) == (9, 46, 12, 12)
    assert (stats.key_persons[MENTAL], stats.key_persons[DRUG], stats.rehab, stats.key_persons[CULT]) == (
        23, 370, 38, 7)
    assert stats.care_total == CareSubject.select().where(CareSubject.status == CARE_ACTIVE).count()
    assert stats.patrols == in_2022(PatrolLog, PatrolLog.patrol_date).count()


def test_every_village_has_grids_and_every_grid_a_worker(year):
    rows = list(Grid.select().where(Grid.deleted_at.is_null()))
    assert {g.village for g in rows} == set(demo.VILLAGES)
    per_village = Counter(g.village for g in rows)
    assert all(2 <= n <= 4 for n in per_village.values()) and per_village["打通社区"] == 4
    staffed = {m.grid_id for m in GridMember.select().where(GridMember.deleted_at.is_null())}
    assert staffed == {g.id for g in rows}
    assert grids.coverage() == {"grids": len(rows), "staffed": len(rows), "rate": 1.0}
    assert all(1000 <= g.population <= 5000 and 300 <= g.households < g.population for g in rows)
    # one 专职 worker per village, some grids with a second (兼职) worker
    full_time = {}
    for member in GridMember.select(GridMember, Grid).join(Grid).where(GridMember.kind == "专职"):
        full_time.setdefault(member.grid.village, set()).add(member.username)
    assert all(len(names) == 1 for names in full_time.values()) and len(full_time) == 6
    assert GridMember.select().where(GridMember.kind == "兼职").count() >= 3
    usernames = {u for u, _, _ in demo.DEMO_USERS}
    assert {"wangge", "wangge2", "wangge3", "wangge4", "wangge5", "wangge6", "wanggezhang", "zhongdian"} <= usernames
    assert get_user("wanggezhang").can(grids.ALL) and get_user("zhongdian").can(grids.SENSITIVE)


# ------------------------------------------------------------------------------------------ consistency

def test_every_hazard_of_the_year_is_rectified_and_cleared(year):
    found = list(in_2022(Hazard, Hazard.found_on))
    assert len(found) > 95                               # the inspections' and the routine rounds' hazards
    checks = {}
    for check in HazardCheck.select().order_by(HazardCheck.checked_on, HazardCheck.id):
        checks.setdefault(check.hazard_id, []).append(check)
    for hazard in found:
        assert hazard.status == HZ_CLEARED, hazard.number
        assert hazard.found_on <= hazard.rectified_on <= hazard.verified_on == hazard.cleared_on <= LAST
        mine = checks[hazard.id]
        assert mine[-1].result == "合格" and hazard.deadlines == 1 + sum(c.result == "不合格" for c in mine)
        assert hazard.requirement and hazard.responsible and hazard.deadline >= hazard.found_on
    failed = [h for h in found if h.deadlines > 1]
    assert 3 <= len(failed) <= 30                       # some passed only at the second check
    assert all(c.new_deadline > c.checked_on for c in HazardCheck.select().where(HazardCheck.result == "不合格"))


def test_help_requests_most_on_night_patrols_and_closed(year):
    requests = list(in_2022(HelpRequest, HelpRequest.asked_on))
    findings = {f.target_uid: f for f in Finding.select(Finding, PatrolLog).join(PatrolLog)
                .where(Finding.kind == "群众求助")}
    night = [r for r in requests if findings[str(r.uid)].patrol.shift == NIGHT_SHIFT]
    assert len(night) > len(requests) / 2
    closed = [r for r in requests if r.status == HELP_CLOSED]
    assert all(r.closed_on >= r.asked_on and r.result and r.closing for r in closed)
    assert all(r.asked_on >= date(2022, 12, 20) for r in requests if r not in closed)   # asked in the last days
    later = [r for r in requests if r not in closed or r.closed_on > r.asked_on]
    assert 2 <= len(later) <= 15 and len(requests) - len(later) > 15      # most closed on the spot
    persons = {str(p.uid) for p in Person.select(Person.uid)}
    assert all(r.person_uid in persons and r.finding_id == findings[str(r.uid)].id for r in requests)


def test_events_go_through_the_whole_flow_and_a_few_stay_open(year):
    reported = list(in_2022(GridEvent, GridEvent.reported_on))
    assert len(reported) >= 12
    order = ["已上报", "已受理", "已分派", "已处置", "已办结", "已评价"]
    for event in reported:
        steps = [s.step for s in EventStep.select().where(EventStep.event == event)
                 .order_by(EventStep.at, EventStep.id)]
        assert steps == order[:order.index(event.status) + 1], event.number
        if event.status == EV_RATED:
            assert event.rating and event.handler and event.handling and event.closed_on >= event.reported_on
    still_open = [e for e in reported if e.status in EVENT_OPEN]
    assert 1 <= len(still_open) <= 6 and all(e.reported_on >= date(2022, 12, 1) for e in still_open)
    assert sum(e.status == EV_RATED for e in reported) >= len(reported) - len(still_open) - 4


def test_referred_disputes_are_findings_of_real_patrols_linked_both_ways(year):
    referred = list(Dispute.select().where(Dispute.source == "网格上报"))
    assert len(referred) >= 10
    wangge_grids = {m.grid_id for m in GridMember.select().where(GridMember.username == "wangge",
                                                                 GridMember.kind == "专职")}
    for dispute in referred:
        finding = patrols.finding_of(dispute.origin_uid)
        assert finding is not None and finding.kind == DISPUTE, dispute.number
        assert patrols.target_of(finding).id == dispute.id and finding.target_number == dispute.number
        patrol = finding.patrol
        assert patrol.recorder == "wangge" and patrol.patrol_type == "日常巡查"
        assert {link.grid_id for link in PatrolGrid.select().where(PatrolGrid.patrol == patrol)} <= wangge_grids
        assert dispute.village == "石龙村" and dispute.created_by == "wangge"
        assert (patrol.started_at + LOCAL).date() == (dispute.created_at + LOCAL).date() == patrol.patrol_date
        assert patrol.ended_at <= dispute.created_at
    assert any(d.status == REFERRED for d in referred)     # one still 待受理 at the end


def test_the_mediation_centres_figures_are_unchanged(year):
    accepted = Dispute.select().where(Dispute.accepted_on.between(FIRST, LAST), Dispute.status != REFERRED)
    assert accepted.count() == 213
    petitions = in_2022(Petition, Petition.received_on)
    assert petitions.count() == 240 and sum(p.visitors for p in petitions) == 826
    assert in_2022(RiskMeeting, RiskMeeting.held_on).count() == 11
    assert (year.mediation.disputes, year.mediation.petitions, year.mediation.visitors) == (213, 240, 826)


def test_key_persons_follow_their_intervals(year):
    keeper = get_user("zhongdian")
    assert registers.short_of_visits(keeper, 2022, today=LAST) == []     # every patient seen 4 times or more
    patients = list(KeyPerson.select().where(KeyPerson.category == MENTAL))
    levels = Counter(p.danger_level for p in patients)
    assert sum(n for level, n in levels.items() if level <= 2) >= 18 and 1 <= sum(
        n for level, n in levels.items() if level >= 3) <= 5
    assessed = {a.key_person_id for a in KeyAssessment.select().where(KeyAssessment.assessed_on.between(FIRST, LAST))}
    assert {p.id for p in patients} <= assessed
    visits = Counter(v.key_person_id for v in in_2022(KeyVisit, KeyVisit.visited_on))
    drug = list(KeyPerson.select().where(KeyPerson.category == DRUG))
    rehab = [p for p in drug if p.stage in ("社区戒毒", "社区康复")]
    assert all(visits[p.id] >= 10 for p in rehab)
    assert all(1 <= visits[p.id] <= 2 for p in drug if p not in rehab)
    assert all(visits[p.id] >= 10 for p in KeyPerson.select().where(KeyPerson.category == CULT))
    # they are registry persons, listed before their visits
    people = {str(p.uid): p for p in Person.select()}
    for person in KeyPerson.select():
        assert people[person.person_uid].name == person.name and people[person.person_uid].id_number == person.id_number
    first = {row.key_person_id: row.first for row in KeyVisit.select(
        KeyVisit.key_person, pw.fn.MIN(KeyVisit.visited_on).alias("first")).group_by(KeyVisit.key_person)}
    assert all(p.listed_on <= first.get(p.id, LAST) for p in KeyPerson.select())


def test_the_care_register_uses_all_four_colours_and_visits_at_their_intervals(year):
    subjects = list(CareSubject.select())
    assert len(subjects) == 250
    colours = Counter(s.colour for s in subjects if s.status == CARE_ACTIVE)
    assert set(colours) == {"红", "橙", "黄", "绿"}
    assert colours["红"] < colours["橙"] < colours["黄"] < colours["绿"] and colours["红"] <= 10     # few 红, many 绿
    groups = Counter(g for s in subjects for g in s.groups)
    assert {"空巢老人", "留守儿童", "残疾人", "困境儿童"} <= set(groups)
    overdue = [s for s in subjects if s.status == CARE_ACTIVE and s.next_due < LAST]
    assert 1 <= len(overdue) <= 25                                   # a few overdue at the end
    visits: dict[int, list] = {}
    for visit in CareVisit.select().order_by(CareVisit.visited_on):
        visits.setdefault(visit.subject_id, []).append(visit)
    days = {"红": 7, "橙": 15, "黄": 30, "绿": 90}
    steady = 0
    for s in subjects:
        mine = visits.get(s.id, [])
        assert all(v.visited_on >= s.listed_on for v in mine)
        if s.status != CARE_ACTIVE or s.listed_on >= FIRST or any(v.colour != s.colour for v in mine) \
                or s.next_due < LAST:
            continue
        steady += 1                                                  # a whole year in one colour: its interval
        assert 365 / days[s.colour] * .75 - 1 <= len(mine) <= 365 / days[s.colour] * 1.2 + 1, (s.colour, len(mine))
        gaps = [(b.visited_on - a.visited_on).days for a, b in zip(mine, mine[1:])]
        assert all(g <= days[s.colour] + 14 for g in gaps)
    assert steady > 50                                               # about half were listed before 2022
    people = {str(p.uid): p for p in Person.select()}
    assert all(people[s.person_uid].name == s.name for s in subjects)
    # the registry grew by the registers' people, registered by the grid workers and the 重点人员管理员
    assert Person.select().count() == 600 + 250 + KeyPerson.select().count()


def test_patrols_read_as_logged_on_their_days(year):
    logs = list(in_2022(PatrolLog, PatrolLog.patrol_date))
    types = Counter(p.patrol_type for p in logs)
    assert {"日常巡查", "夜间巡逻", "消防安全检查", "重点场所检查", "安保维稳", "疫情防控", "道路交通劝导", "反诈宣传",
            "防汛地灾"} <= set(types)
    assert types["夜间巡逻"] > types["安保维稳"] + types["疫情防控"]
    serials = Counter()
    for patrol in sorted(logs, key=lambda p: p.id):
        day, serial = XC.match(patrol.number).groups()
        assert day == f"{patrol.patrol_date:%Y%m%d}"
        serials[day] += 1
        assert int(serial) == serials[day]
        start, end = patrol.started_at + LOCAL, patrol.ended_at + LOCAL
        assert start.date() == patrol.patrol_date and start < end
        assert patrol.created_at >= patrol.ended_at and patrol.route and patrol.overview
        assert "{" not in patrol.overview + patrol.route and "None" not in patrol.overview
        if patrol.shift == NIGHT_SHIFT:
            assert "19:00" <= f"{start:%H:%M}" <= "21:30"
        else:
            assert "08:00" <= f"{start:%H:%M}" <= "17:30"
    security = [p for p in logs if p.patrol_type == "安保维稳"]
    assert security and all(p.patrol_date.month == 10 for p in security)        # 党的二十大
    flood = [p for p in logs if p.patrol_type == "防汛地灾"]
    assert flood and all(5 <= p.patrol_date.month <= 9 for p in flood)
    texts = [f.problem + f.measure + f.feedback + f.place for f in Finding.select()]
    assert all("{" not in t and "None" not in t for t in texts)


def test_workers_see_their_grids_and_only_the_keeper_the_key_register(year):
    worker = get_user("wangge2")
    mine = {g.code for g in grids.visible_grids(worker)}
    assert mine == {"DL-01", "DL-02", "DL-03"}
    seen = patrols.list_patrols(worker, PatrolFilter(), limit=500)
    assert seen and all(set(p.grid_codes) & mine or p.recorder == "wangge2" for p in seen)
    lead = get_user("wanggezhang")
    assert patrols.count_patrols(lead, PatrolFilter(text="兴隆街")) > 0
    with pytest.raises(PermissionDenied):
        registers.count_key_persons(worker, registers.KeyFilter())
    assert registers.count_key_persons(get_user("zhongdian"), registers.KeyFilter(category=DRUG)) == 370


# ------------------------------------------------------------------------------------------ volumes

def test_volumes_scale_flows_with_the_window_and_registers_with_the_scale():
    one, two = patrol_demo.Volumes.seed(1), patrol_demo.Volumes.seed(2)
    for name in ("night_patrols", "person_times", "helps", "shop_visits", "shop_hazards", "key_visits", "key_hazards",
                 "shops", "key_venues", "mental", "drug", "rehab", "cult", "care"):
        assert getattr(two, name) == 2 * getattr(one, name), name
    half = patrol_demo.Volumes.seed(1, .5)
    assert (half.night_patrols, half.person_times, half.shop_visits) == (36, 713, 108)     # flows: half
    assert (half.drug, half.care, half.key_venues) == (370, 250, 9)                        # registers: all


def test_a_short_window_at_scale_two_writes_its_share(tmp_path):
    setup.open_app_database(tmp_path / "window.db", create=True)
    try:
        users, writer, population = demo.start_demo(120, demo.invent_organisations(random.Random(5), 12),
                                                    date(2022, 9, 1), seed=5)
        writer.close()
        patrol_demo.create_grids(users, hall_demo.utc_at(date(2022, 8, 31), 9 * 60))
        start, end = date(2022, 9, 1), date(2022, 10, 31)
        plan = patrol_demo.PatrolYear(population, users, start=start, end=end, scale=2, seed=5)
        flows = plan.volumes
        assert flows.night_patrols == round(73 * 2 * plan._fraction()) > 20
        # the registers are a year's stock; trimmed here to keep the test quick
        plan.volumes = dataclasses.replace(flows, mental=2, drug=4, rehab=2, cult=1, correction=0, released=0,
                                           care=6, shops=30)
        stats = patrol_demo.write_year(plan)
        assert (stats.night_patrols, stats.person_times, stats.help_requests) == (
            flows.night_patrols, flows.person_times, flows.helps)
        assert (stats.shop_visits, stats.shop_hazards, stats.key_visits, stats.key_hazards) == (
            flows.shop_visits, flows.shop_hazards, flows.key_visits, flows.key_hazards)
        assert stats.key_venues == min(18, flows.key_visits) and stats.coverage == 1.0     # 18 venues at scale 2
        assert {p.patrol_type for p in PatrolLog.select().where(PatrolLog.shift == NIGHT_SHIFT)} >= {"安保维稳"}
        assert all(start <= p.patrol_date <= end for p in PatrolLog.select())
        assert patrol_demo.count(start, end) == dataclasses.replace(stats, steps=0, seconds=0.0)
    finally:
        close_database()


# ------------------------------------------------------------------------------------------ wizard

def test_the_wizard_has_a_small_patrol_window_from_its_registry(database):
    now = datetime(2022, 12, 15, 6, 0)           # 14:00 in 打通镇
    demo.load_demo(now=now)
    assert grids.coverage()["rate"] == 1.0 and {g.village for g in Grid.select()} == set(demo.VILLAGES)
    logs = list(PatrolLog.select())
    assert 5 <= len(logs) <= 60 and all(date(2022, 11, 14) <= p.patrol_date <= date(2022, 12, 15) for p in logs)
    assert sum(p.shift == NIGHT_SHIFT for p in logs) == 3
    assert HelpRequest.select().count() == 1 and Hazard.select().where(Hazard.inspection.is_null(False)).count() == 1
    assert Inspection.select().count() == 7
    assert CareSubject.select().count() == 4 and KeyPerson.select().count() == 5
    assert Person.select().count() == 40                   # drawn from the registry, none added
    for model in (PatrolLog, Hazard, CareVisit, KeyVisit, GridEvent):
        assert all(r.created_at <= now for r in model.select()), model
    referral = Dispute.select().where(Dispute.source == "网格上报").first()
    assert referral is not None and patrols.finding_of(referral.origin_uid) is not None
    # every demo account signs in with the published password (one hash for them all); new accounts get their own
    for username in ("wangge6", "wanggezhang", "zhongdian"):
        assert accounts.authenticate(username, demo.DEMO_PASSWORD, now=now).username == username
    assert accounts.hash_password(demo.DEMO_PASSWORD) != get_user("wangge6").password_hash


# ------------------------------------------------------------------------------------------ the 2022 report

SEED_SENTENCES = [
    "累计办理各类许可等行政审批事项154件，办理社保等行政服务事项356件，婚姻登记等其他事项419件",
    "受理事项287件",
    "召开风险研判会11次，接访群众826人次，调处矛盾纠纷213件，办理各类信访案件240件",
    "实现专兼职网格员覆盖率100%",
    "管控严重精神障碍患者23名，做好7名邪教重点人员的帮教工作；建立370名吸毒人员管理台账，跟踪管理戒毒康复人员38人",
    "组织夜间巡逻73次，参加巡逻1426人次，受理群众求助32件",
    "开展沿街门面消防安全检查215家次，排查整治隐患83起",
    "对辖区KTV、酒吧、网吧等9个重点场所检查46次，限时整改隐患12处",
]


def test_the_2022_report_states_the_seeds_figures(year):
    """The annual report of the demo year says what the seed report says, in its words, in the PDF and the
    workbook; 2021 has no records, so no sentence carries a 同比."""
    import io

    import openpyxl
    import pypdf

    from models.stats import figures, periods, report

    admin = get_user("admin")
    stats = figures.compute(admin, periods.year(2022))
    text = stats.text()
    for sentence in SEED_SENTENCES:
        assert sentence in text
    assert "同比" not in text
    pdf = report.render(stats, report.PDF)
    assert b"/FontFile2" in pdf and b"CIDFont" not in pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    printed = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "打通镇" in printed and "2022年工作统计报告" in printed
    for sentence in SEED_SENTENCES:
        assert sentence in printed
    book = openpyxl.load_workbook(io.BytesIO(report.render(stats, report.XLSX)))
    assert book.sheetnames == ["报告文字", "一窗受理", "矛盾纠纷调解", "网格化管理与平安建设"]
    words = " ".join(str(row[1]) for row in book["报告文字"].iter_rows(values_only=True) if row[1])
    for sentence in SEED_SENTENCES:
        assert sentence in words
    rows = {(r[0], r[1]): r for r in book["矛盾纠纷调解"].iter_rows(values_only=True)}
    assert rows[("主要指标", "调处矛盾纠纷")][2] == 213 and rows[("主要指标", "办理各类信访案件")][2] == 240
    rows = {(r[0], r[1]): r for r in book["网格化管理与平安建设"].iter_rows(values_only=True)}
    assert rows[("主要指标", "组织夜间巡逻")][2] == 73 and rows[("主要指标", "参加夜间巡逻")][2] == 1426
    assert rows[("主要指标", "专兼职网格员覆盖率")][2] == 1.0
