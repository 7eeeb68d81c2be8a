"""统计报表: periods and 同比, the hall's day summary, and every figure checked against a count made here.

The database is built once for the module: fourteen months (January 2021 to February 2022) of every area,
written as ``main.py demo`` writes them (the hall in bulk, the mediation centre and the patrol area through
their domain functions). Each figure is then recounted here in plain Python over the rows, never through
the statistics code's own queries.
"""

import dataclasses
import random
from collections import Counter
from datetime import date, timedelta

import pytest

from models import accounts, audit, demo
from models.db import close_database, db, open_database, to_local
from models.errors import PermissionDenied, ValidationError
from models.hall.tables import FINISHED_STATUSES, ONLINE_CHANNEL, Rating, ServiceCase
from models.mediation import demo as mediation_demo
from models.mediation.tables import REFERRED, SUCCEEDED, Dispute, Petition, RiskMeeting
from models.patrol import demo as patrol_demo
from models.patrol.tables import (
    NIGHT_SHIFT, CareSubject, Hazard, HelpRequest, Inspection, KeyPerson, PatrolLog, Premises,
)
from models.stats import figures, periods, summary
from models.stats.periods import Period, change_text
from tests.conftest import USER_PASSWORD, built_once, copy_of

FIRST, LAST = date(2021, 1, 1), date(2022, 2, 28)


# ------------------------------------------------------------------------------------------ periods

def test_period_labels_and_their_previous_year():
    assert periods.year(2022).label == "2022年"
    assert periods.quarter(2023, 1) == Period(date(2023, 1, 1), date(2023, 3, 31), periods.QUARTER)
    assert periods.quarter(2023, 1).label == "2023年第1季度"
    assert periods.month(2022, 12).label == "2022年12月"
    assert periods.quarter(2023, 1).previous_year() == Period(date(2022, 1, 1), date(2022, 3, 31), periods.QUARTER)
    assert periods.month(2024, 2).previous_year() == Period(date(2023, 2, 1), date(2023, 2, 28), periods.MONTH)
    assert periods.month(2025, 2).previous_year() == Period(date(2024, 2, 1), date(2024, 2, 29), periods.MONTH)
    across = periods.custom(date(2022, 12, 16), date(2023, 1, 15))
    assert across.previous_year() == Period(date(2021, 12, 16), date(2022, 1, 15))
    assert periods.custom(date(2024, 2, 29), date(2024, 3, 1)).previous_year().start == date(2023, 2, 28)
    assert across.label == "2022年12月16日至2023年01月15日"


def test_buckets_are_months_or_the_days_of_one_month():
    assert [label for label, _a, _b in periods.year(2022).buckets()] == [f"{m}月" for m in range(1, 13)]
    days = periods.month(2022, 2).buckets()
    assert len(days) == 28 and days[0] == ("1日", date(2022, 2, 1), date(2022, 2, 1))
    across = periods.custom(date(2022, 12, 16), date(2023, 1, 15)).buckets()
    assert across == [("22年12月", date(2022, 12, 16), date(2022, 12, 31)), ("23年1月", date(2023, 1, 1), date(2023, 1, 15))]


@pytest.mark.parametrize("make, field", [
    (lambda: periods.custom(date(2022, 3, 1), date(2022, 2, 1)), "统计期间"),
    (lambda: periods.custom(None, date(2022, 2, 1)), "统计期间"),
    (lambda: periods.custom(date(2010, 1, 1), date(2022, 2, 1)), "统计期间"),
    (lambda: periods.month(2022, 13), "月份"),
    (lambda: periods.quarter(2022, 5), "季度"),
    (lambda: periods.year(1999), "年份"),
])
def test_a_bad_period_names_its_field(make, field):
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.field == field and caught.value.message


def test_change_is_written_as_the_report_writes_it():
    assert change_text(80, 100) == "同比下降20%"
    assert change_text(63, 83) == "同比下降24.1%"        # the seed's 刑事案件 −20 (−24 %)
    assert change_text(41, 99) == "同比下降58.6%"
    assert change_text(23, 38) == "同比下降39.5%"
    assert change_text(112, 100) == "同比增长12%"
    assert change_text(7, 7) == "与上年同期持平"
    assert change_text(5, 0, "件") == "同比增加5件"
    assert change_text(5, None) == ""
    assert change_text(0.985, 0.96, percent=True) == "同比提高2.5个百分点"
    assert change_text(0.9, 0.95, percent=True) == "同比降低5个百分点"


# ------------------------------------------------------------------------------------------ the database

@pytest.fixture(scope="module")
def window_file(tmp_path_factory):
    """Fourteen months of every area (about ten seconds), built once."""
    return built_once(tmp_path_factory, "window", lambda: demo._build(
        60, demo.invent_organisations(random.Random(3), 6, demo.WIZARD_ORGANISATIONS), FIRST, LAST, None, 1, 7,
        patrol=True,
        mediation=dataclasses.replace(mediation_demo.WIZARD_VOLUMES, disputes=12, petitions=10, visitors=25,
                                      meetings=3),
        patrol_volumes=dataclasses.replace(patrol_demo.WIZARD_VOLUMES, night_patrols=10, person_times=120, helps=4,
                                           shop_visits=12, shop_hazards=3)))


@pytest.fixture
def window(window_file, tmp_path, monkeypatch):
    """A copy of the window, open (a test may change it)."""
    monkeypatch.setenv("TOWNDESK_DATA_DIR", str(tmp_path / "data"))
    path = copy_of(window_file, tmp_path)
    open_database(path)
    yield path
    close_database()


@pytest.fixture
def boss(window):
    return accounts.get_user("admin")


def hall_expected(period: Period, post: str = "") -> dict:
    cases = [c for c in ServiceCase.select() if c.deleted_at is None and c.accepted_on
             and period.start <= c.accepted_on <= period.end and (not post or c.post == post)]
    finished = [c for c in cases if c.status in FINISHED_STATUSES]
    ratings = [r for r in Rating.select() if r.deleted_at is None and (not post or r.post == post)
               and period.start <= to_local(r.created_at).date() <= period.end]
    return {"accepted": len(cases), "classes": Counter(c.matter_class for c in cases),
            "online": sum(c.channel == ONLINE_CHANNEL for c in cases), "finished": len(finished),
            "on_time": sum(c.completed_on <= c.promised_date for c in finished),
            "rated": len(ratings), "bad": sum(r.overall <= 2 for r in ratings),
            "months": Counter((c.accepted_on.year, c.accepted_on.month) for c in cases)}


def mediation_expected(period: Period) -> dict:
    def inside(day):
        return period.start <= day <= period.end
    disputes = [d for d in Dispute.select() if d.deleted_at is None and d.status != REFERRED and inside(d.accepted_on)]
    petitions = [p for p in Petition.select() if p.deleted_at is None and inside(p.received_on)]
    return {"disputes": len(disputes), "succeeded": sum(d.status == SUCCEEDED for d in disputes),
            "types": Counter(d.dispute_type for d in disputes), "sources": Counter(d.source for d in disputes),
            "petitions": len(petitions), "visitors": sum(p.visitors for p in petitions),
            "meetings": sum(1 for m in RiskMeeting.select() if m.deleted_at is None and inside(m.held_on))}


def patrol_expected(period: Period) -> dict:
    def inside(day):
        return period.start <= day <= period.end
    logs = [p for p in PatrolLog.select() if p.deleted_at is None and inside(p.patrol_date)]
    nights = [p for p in logs if p.shift == NIGHT_SHIFT]
    visits = [i for i in Inspection.select() if i.deleted_at is None and inside(i.patrol.patrol_date)]
    key = {p.id for p in Premises.select() if p.key_venue}
    hazards_on = Counter(h.inspection_id for h in Hazard.select() if h.deleted_at is None and h.inspection_id)
    return {"patrols": len(logs), "night": len(nights), "night_people": sum(p.person_times for p in nights),
            "helps": sum(1 for h in HelpRequest.select() if h.deleted_at is None and inside(h.asked_on)),
            "shop_visits": sum(i.premises_id not in key for i in visits),
            "shop_hazards": sum(hazards_on[i.id] for i in visits if i.premises_id not in key),
            "key_visits": sum(i.premises_id in key for i in visits),
            "key_venues": len({i.premises_id for i in visits if i.premises_id in key}),
            "hazards": sum(1 for h in Hazard.select() if h.deleted_at is None and inside(h.found_on)),
            "care": sum(1 for c in CareSubject.select() if c.deleted_at is None and c.listed_on <= period.end
                        and (c.removed_on is None or c.removed_on >= period.start)),
            "key_persons": sum(1 for k in KeyPerson.select() if k.deleted_at is None and k.listed_on <= period.end
                               and (k.released_on is None or k.released_on >= period.start))}


PERIODS = [periods.year(2021), periods.quarter(2022, 1), periods.month(2022, 2), periods.month(2021, 11),
           periods.custom(date(2021, 12, 15), date(2022, 1, 20))]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_every_figure_equals_the_count_made_here(boss, period):
    stats = figures.compute(boss, period)
    hall, before = hall_expected(period), hall_expected(period.previous_year())
    area = stats.area("hall")
    assert area.value("accepted") == hall["accepted"] > 0
    assert (area.value("approval"), area.value("service"), area.value("other")) == (
        hall["classes"]["行政审批"], hall["classes"]["行政服务"], hall["classes"]["其他"])
    assert (area.value("online"), area.value("finished"), area.value("rated"), area.value("bad")) == (
        hall["online"], hall["finished"], hall["rated"], hall["bad"])
    assert area.value("on_time_rate") == pytest.approx(hall["on_time"] / hall["finished"])
    assert dict((name, n) for name, n, _p in area.share("classes").items if n) == dict(hall["classes"])
    assert sum(area.series[0].values) == hall["accepted"]
    if before["accepted"]:
        assert area.figure("accepted").previous == before["accepted"]
    else:
        assert area.figure("accepted").previous is None and area.figure("accepted").change == ""

    mediation = mediation_expected(period)
    area = stats.area("mediation")
    for key in ("disputes", "succeeded", "petitions", "visitors", "meetings"):
        assert area.value(key) == mediation[key], key
    assert {n: v for n, v, _p in area.share("types").items if v} == dict(mediation["types"])
    assert {n: v for n, v, _p in area.share("sources").items if v} == dict(mediation["sources"])

    patrol = patrol_expected(period)
    area = stats.area("patrol")
    for key in ("patrols", "night", "night_people", "helps", "shop_visits", "shop_hazards", "key_visits",
                "key_venues", "hazards", "care", "key_persons"):
        assert area.value(key) == patrol[key], key
    assert area.value("coverage") == 1.0
    assert area.figure("coverage").change == ""          # today's grids: nothing of last year's to compare


def test_same_period_last_year_gives_the_change(boss):
    period = periods.month(2022, 2)
    now, before = hall_expected(period), hall_expected(periods.month(2021, 2))
    assert now["accepted"] and before["accepted"]
    figure = figures.compute(boss, period).area("hall").figure("accepted")
    assert figure.previous == before["accepted"]
    share = abs(now["accepted"] - before["accepted"]) / before["accepted"] * 100
    word = "增长" if now["accepted"] > before["accepted"] else "下降"
    assert figure.change == f"同比{word}{f'{share:.1f}'.rstrip('0').rstrip('.')}%"
    approval = figures.compute(boss, period).area("hall").figure("approval")
    assert approval.previous == before["classes"]["行政审批"]
    assert f"行政审批事项{approval.value}件（{approval.change}）" in figures.compute(boss, period).text()


def test_across_the_year_boundary_the_previous_year_is_the_same_dates(boss):
    period = periods.custom(date(2021, 12, 15), date(2022, 1, 20))
    stats = figures.compute(boss, period)
    assert stats.previous == Period(date(2020, 12, 15), date(2021, 1, 20))
    before = hall_expected(stats.previous)       # only 1–20 January 2021 has cases
    assert before["accepted"] and stats.area("hall").figure("accepted").previous == before["accepted"]
    series = stats.area("hall").series[0]
    assert series.labels == ["21年12月", "22年1月"]
    assert series.values == [hall_expected(Period(date(2021, 12, 15), date(2021, 12, 31)))["accepted"],
                             hall_expected(Period(date(2022, 1, 1), date(2022, 1, 20)))["accepted"]]
    assert sum(series.previous) == before["accepted"]


def test_when_the_previous_year_has_no_records_there_is_no_change(boss):
    stats = figures.compute(boss, periods.year(2021))
    for area in stats.areas:
        assert not area.previous_has_data
        assert all(f.previous is None and f.change == "" for f in area.figures), area.key
        assert all(series.previous is None for series in area.series)
    assert "同比" not in stats.text()
    assert "累计办理各类许可等行政审批事项" in stats.text()


# ------------------------------------------------------------------------------------------ the summary

def test_the_summary_follows_every_kind_of_change(boss):
    period = periods.month(2022, 2)
    case = (ServiceCase.select().where(ServiceCase.accepted_on.between(period.start, period.end),
                                       ServiceCase.status.in_(FINISHED_STATUSES)).first())
    figures.compute(boss, period)
    assert summary.pending() == 0
    case.mark_deleted("admin")                                    # a soft delete
    assert figures.compute(boss, period).area("hall").value("accepted") == hall_expected(period)["accepted"]
    other = ServiceCase.select().where(ServiceCase.accepted_on == date(2022, 2, 8)).first()
    db.execute_sql(f"UPDATE service_case SET accepted_on = '2021-11-30' WHERE id = {db.param}",  # moved outside TownDesk
                   (other.id,))
    db.execute_sql("DELETE FROM service_case WHERE id = (SELECT MAX(id) FROM service_case WHERE accepted_on = '2022-02-09')")
    late = ServiceCase.select().where(ServiceCase.accepted_on == date(2022, 2, 10),
                                      ServiceCase.status.in_(FINISHED_STATUSES)).first()
    late.completed_on = late.promised_date + timedelta(days=3)
    late.save()
    assert summary.pending() == 4
    for check in (period, periods.month(2021, 11)):
        expected = hall_expected(check)
        area = figures.compute(boss, check).area("hall")
        assert area.value("accepted") == expected["accepted"]
        assert area.value("on_time_rate") == pytest.approx(expected["on_time"] / expected["finished"])
    # recounting by hand from scratch gives the same rows
    kept = sorted((r.day, r.post, r.matter_class, r.channel, r.status, r.on_time, r.cases)
                  for r in summary.HallDay.select())
    db.execute_sql("DELETE FROM stat_hall_day")
    db.execute_sql("INSERT INTO stat_dirty (area, day) SELECT DISTINCT 'hall', accepted_on FROM service_case "
                   "WHERE accepted_on IS NOT NULL")
    seen = []
    summary.refresh(lambda done, total: seen.append((done, total)), chunk=50)
    assert seen[-1][0] == seen[-1][1] and len(seen) > 2
    assert sorted((r.day, r.post, r.matter_class, r.channel, r.status, r.on_time, r.cases)
                  for r in summary.HallDay.select()) == kept


def test_scope_one_post_or_all(boss):
    period = periods.year(2021)
    moved = [c.id for c in ServiceCase.select().where(ServiceCase.accepted_on.between(period.start, period.end))
             .order_by(ServiceCase.id).limit(40)]
    ServiceCase.update(post="DT07").where(ServiceCase.id.in_(moved)).execute()   # as if merged from a village post
    Dispute.update(post="DT07").where(Dispute.id == Dispute.select(Dispute.id).order_by(Dispute.id).limit(1)).execute()
    assert ("DT07", "站点 DT07") in figures.posts() and figures.posts()[0][0] == "DT00"
    whole = figures.compute(boss, period)
    village = figures.compute(boss, period, "DT07")
    hall = figures.compute(boss, period, "DT00")
    assert village.scope_label == "站点 DT07" and whole.scope_label == "全部站点"
    assert village.area("hall").value("accepted") == hall_expected(period, "DT07")["accepted"] == 40
    assert hall.area("hall").value("accepted") == hall_expected(period, "DT00")["accepted"]
    assert (village.area("hall").value("accepted") + hall.area("hall").value("accepted")
            == whole.area("hall").value("accepted"))
    assert village.area("hall").value("rated") == hall_expected(period, "DT07")["rated"]
    assert (village.area("mediation").value("disputes") + hall.area("mediation").value("disputes")
            == whole.area("mediation").value("disputes"))


# ------------------------------------------------------------------------------------------ who may see

def test_statistics_need_the_permission(window):
    clerk = accounts.get_user("chuangkou")
    with pytest.raises(PermissionDenied):
        figures.compute(clerk, periods.year(2021))


def test_key_person_figures_only_with_the_permission(boss):
    leader = accounts.create_user(boss, "lingdao2", "测试领导", ["leader"], USER_PASSWORD)
    stats = figures.compute(leader, periods.year(2021))
    keys = [f.key for f in stats.area("patrol").figures]
    assert "key_persons" not in keys and "rehab" not in keys
    assert "吸毒人员" not in stats.text() and stats.area("patrol").notes
    keeper = accounts.create_user(boss, "lingdao3", "测试领导二", ["leader", "key_persons"], USER_PASSWORD)
    stats = figures.compute(keeper, periods.year(2021))
    assert stats.area("patrol").value("key_persons") == patrol_expected(periods.year(2021))["key_persons"]
    assert "吸毒人员管理台账" in stats.text()


def test_a_report_file_is_audited(boss):
    from models.stats import report

    data, stats = report.make(boss, periods.month(2022, 2), report.PDF)
    assert data.startswith(b"%PDF")
    entry = audit.AuditEntry.select().order_by(audit.AuditEntry.id.desc()).first()
    assert (entry.action, entry.created_by) == ("export", "admin")
    assert "2022年2月" in entry.summary and "PDF" in entry.summary
