"""演示数据 for the service hall: the seed report's 2022 figures exactly, realistic and consistent cases,
rows identical to what the domain functions write, and a database the window can go on working in."""

import random
import re
import shutil
import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from models import demo, setup
from models.db import close_database, open_database
from models.hall import cases, matters
from models.hall import demo as hall_demo
from models.hall.calendar import work_calendar
from models.hall.cases import CaseFilter, Intake
from models.hall.tables import (
    ACCEPTED, COMPLETED, CORRECTION, DELIVERED, MISSING, ONLINE_CHANNEL, PROCESSING, RECEIVED, REJECTED, WITHDRAWN,
    CaseEvent, FeePaymentRecord, Rating, ServiceCase,
)
from models.people import Organisation, Person

NUMBER = re.compile(r"^SL-DT00-(\d{8})-(\d{4})$")


def build(path, year=2022, scale=1, **kw):
    setup.open_app_database(path, create=True)
    try:
        return demo.create_demo(year, scale, **kw)
    finally:
        close_database()


@pytest.fixture(scope="module")
def year_file(tmp_path_factory):
    """2022 at scale 1, built once for the module (a few seconds)."""
    folder = tmp_path_factory.mktemp("demo2022")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOWNDESK_DATA_DIR", str(folder / "data"))
        result = build(folder / "demo.db", throwaway=True)      # as main.py demo builds it
    return folder / "demo.db", result


@pytest.fixture
def year(year_file):
    path, result = year_file
    open_database(path)
    yield result
    close_database()


def accepted_in(year_value, **where):
    first, last = date(year_value, 1, 1), date(year_value, 12, 31)
    query = ServiceCase.select().where(ServiceCase.accepted_on.between(first, last))
    for key, value in where.items():
        query = query.where(getattr(ServiceCase, key) == value)
    return query


# ------------------------------------------------------------------------------------------ figures

def test_2022_has_exactly_the_seed_reports_figures(year):
    by_class = Counter(c.matter_class for c in accepted_in(2022))
    assert by_class == {"行政审批": 154, "行政服务": 356, "其他": 419}
    assert accepted_in(2022, channel=ONLINE_CHANNEL).count() == 287
    assert (year.stats.accepted, year.stats.online) == (by_class, 287)
    # 渝快办 only for matters the catalogue offers online
    online_codes = {m.code for m in matters.list_matters() if m.online}
    assert {c.matter_code for c in ServiceCase.select().where(ServiceCase.channel == ONLINE_CHANNEL)} <= online_codes
    # rejections and 补正 that never resumed come on top and are not counted
    never = ServiceCase.select().where(ServiceCase.accepted_on.is_null())
    assert never.count() == year.stats.rejected + year.stats.never_accepted
    assert {c.status for c in never} <= {REJECTED, CORRECTION, WITHDRAWN}
    assert year.stats.rejected > 5 and year.stats.never_accepted > 2
    assert ServiceCase.select().count() == 929 + never.count()


def test_numbers_are_unique_follow_the_day_and_every_day_is_a_working_day_in_office_hours(year):
    calendar = work_calendar()
    rows = list(ServiceCase.select().order_by(ServiceCase.id))
    assert len({c.number for c in rows}) == len(rows)
    serials = Counter()
    for case in rows:
        day, serial = NUMBER.match(case.number).groups()
        assert day == f"{case.received_on:%Y%m%d}"
        serials[case.received_on] += 1
        assert int(serial) == serials[case.received_on]          # in order of intake, no gaps
        assert calendar.is_workday(case.received_on) and case.received_on.year == 2022
        local = case.received_at + timedelta(hours=8)             # Asia/Shanghai
        assert local.date() == case.received_on
        assert "08:30" <= f"{local:%H:%M}" <= "17:30"
        for moment in (case.completed_at, case.delivered_at):
            if moment is not None:
                assert calendar.is_workday((moment + timedelta(hours=8)).date())
                assert "08:30" <= f"{moment + timedelta(hours=8):%H:%M}" <= "18:00"
    assert rows == sorted(rows, key=lambda c: c.received_at)      # ids follow time, as at a real window


# ------------------------------------------------------------------------------------------ realism

def test_statuses_are_a_realistic_mix_and_every_case_is_consistent(year):
    statuses = Counter(c.status for c in ServiceCase.select())
    total = sum(statuses.values())
    assert statuses[DELIVERED] > .85 * total
    for status in (COMPLETED, PROCESSING, REJECTED, WITHDRAWN, CORRECTION):
        assert 0 < statuses[status] < .05 * total, (status, statuses)
    calendar = work_calendar()
    events = {}
    for event in CaseEvent.select().order_by(CaseEvent.id):
        events.setdefault(event.case_id, []).append(event)
    for case in ServiceCase.select():
        finished = case.status in (COMPLETED, DELIVERED)
        assert (case.completed_at is not None) == finished, case.number
        assert (case.delivered_at is not None) == (case.status == DELIVERED), case.number
        assert bool(case.decision) == finished
        if case.status in (REJECTED, CORRECTION):
            assert case.accepted_on is None and case.promised_date is None, case.number
        if case.status == REJECTED:
            assert len(case.reason) >= 4 and case.remedies
        if case.status == CORRECTION:
            assert any(m["state"] == MISSING for m in case.materials)
        if case.accepted_on is not None:
            assert case.promised_date == calendar.add_workdays(case.accepted_on, case.promised_days)
            assert case.accepted_on >= case.received_on
            assert all(m["state"] != MISSING for m in case.materials)
        if finished:
            assert case.received_at <= case.completed_at <= (case.delivered_at or case.completed_at)
        if case.status == WITHDRAWN:
            assert case.reason
        if case.delivery == "邮寄":
            assert len(case.delivery_address) >= 5
            if case.status == DELIVERED:
                assert case.delivery_note.startswith("EMS ")
        if case.channel == "代办" or case.applicant_kind == "单位":
            assert case.agent_name and case.agent_uid
        # the event chain leads, step by step in time, to the case's status
        chain = events[case.id]
        assert chain[0].from_status == "" and chain[-1].to_status == case.status
        assert all(a.to_status == b.from_status and a.created_at <= b.created_at for a, b in zip(chain, chain[1:]))
    # delivered late in the year; still open only near its end
    open_cases = ServiceCase.select().where(ServiceCase.status.in_((ACCEPTED, PROCESSING)))
    assert all(c.accepted_on >= date(2022, 10, 1) for c in open_cases)
    assert 0 < ServiceCase.select().where(ServiceCase.completed_on > ServiceCase.promised_date).count() < 40


def test_fees_agents_post_and_ratings_look_like_a_year_at_the_window(year):
    by_id = {c.id: c for c in ServiceCase.select()}
    fees = list(FeePaymentRecord.select())
    charged = {c.id for c in ServiceCase.select().where(ServiceCase.fee_cents > 0,
                                                        ServiceCase.accepted_on.is_null(False))}
    assert fees and {f.case_id for f in fees} == charged
    assert {by_id[f.case_id].matter_code for f in fees} == {"QT-007"} and {f.amount_cents for f in fees} == {4000}
    assert len({f.receipt_no for f in fees}) == len(fees)
    channels = Counter(c.channel for c in ServiceCase.select())
    assert channels["代办"] > 10 and channels["窗口"] > 400
    assert ServiceCase.select().where(ServiceCase.delivery == "邮寄").count() > 30
    ratings = list(Rating.select())
    finished = ServiceCase.select().where(ServiceCase.status.in_((COMPLETED, DELIVERED))).count()
    assert .75 * finished < len(ratings) <= finished
    assert all(by_id[r.case_id].status in (COMPLETED, DELIVERED) for r in ratings)
    levels = Counter(r.overall for r in ratings)
    assert levels[5] + levels[4] > .9 * len(ratings)
    bad = [r for r in ratings if r.overall <= 2]
    assert 1 <= len(bad) <= 12
    calendar = work_calendar()
    for rating in bad:
        day = (rating.created_at + timedelta(hours=8)).date()
        assert rating.comment and rating.rectify_due == calendar.add_workdays(day, 15)
        assert rating.rectified_at is not None
        assert (rating.rectified_at + timedelta(hours=8)).date() <= rating.rectify_due
        assert rating.rectified_by and len(rating.rectify_result) >= 4
    assert not cases.open_rectifications(year.users["admin"])
    # result documents numbered in the order the cases came in
    issued = ServiceCase.select().where(ServiceCase.matter_code == "QT-009", ServiceCase.result_ref != "")
    marriages = [c.result_ref for c in issued.order_by(ServiceCase.id)]
    assert len(marriages) > 100 and marriages == sorted(marriages) and marriages[0] == "J500110-2022-000001"


def test_applicants_come_from_the_registry_and_some_return(year):
    assert Person.select().count() == 600 and Organisation.select().count() == 20
    people = {str(p.uid): p for p in Person.select()}
    bodies = {str(o.uid) for o in Organisation.select()}
    counts = Counter()
    for case in ServiceCase.select():
        if case.applicant_kind == "个人":
            person = people[case.applicant_uid]
            assert (case.applicant_name, case.applicant_id_number) == (person.name, person.id_number)
            counts[case.applicant_uid] += 1
        else:
            assert case.applicant_uid in bodies and case.matter_class in ("行政审批", "其他")
    assert max(counts.values()) >= 3 and len(counts) > 300
    for person in people.values():       # valid-format resident IDs, birth date and gender agree
        assert len(person.id_number) == 18 and person.birth_date and person.gender in ("男", "女")


def test_search_finds_demo_cases_by_surname_number_and_id(year):
    clerk = year.users["chuangkou"]
    found = cases.list_cases(clerk, CaseFilter(text="王"), limit=500)
    assert len(found) > 20
    assert all("王" in c.applicant_name + c.agent_name + c.matter_name for c in found)
    assert cases.count_cases(clerk, CaseFilter(text="王")) == ServiceCase.select().where(
        ServiceCase.applicant_name.contains("王") | ServiceCase.agent_name.contains("王")
        | ServiceCase.matter_name.contains("王")).count()
    some = ServiceCase.select().order_by(ServiceCase.id.desc()).first()
    assert [c.id for c in cases.list_cases(clerk, CaseFilter(text=some.number))] == [some.id]
    by_id = cases.list_cases(clerk, CaseFilter(text=some.applicant_id_number), limit=500)
    assert some.id in [c.id for c in by_id]


def test_the_window_goes_on_numbering_after_the_demo(year_file, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(year_file[0], path)
    open_database(path)
    try:
        paid = FeePaymentRecord.select().order_by(FeePaymentRecord.id.desc()).first()
        day = (paid.created_at + timedelta(hours=8)).date()
        on_day = ServiceCase.select().where(ServiceCase.received_on == day).count()
        fees_on_day = FeePaymentRecord.select().where(FeePaymentRecord.receipt_no.startswith(f"SF-DT00-{day:%Y%m%d}"))
        clerk = year_file[1].users["chuangkou"]
        from models.accounts import get_user
        clerk = get_user(clerk.username)
        matter = matters.get_matter("QT-007")
        person = Person.select().first()
        now = hall_demo.utc_at(day, 17 * 60 + 50)     # after the day's demo cases
        case = cases.intake(clerk, Intake(matter=matter, applicant=person,
                                          materials={m["name"]: RECEIVED for m in matter.materials}), now=now)
        assert case.number == f"SL-DT00-{day:%Y%m%d}-{on_day + 1:04d}"
        payment = cases.record_fee(clerk, case, "40", "现金", now=now)
        assert payment.receipt_no == f"SF-DT00-{day:%Y%m%d}-{fees_on_day.count():04d}"
        assert cases.list_cases(clerk, CaseFilter(text=person.name[0]), limit=1)[0].id == case.id
    finally:
        close_database()


# ------------------------------------------------------------------------------------------ scale

def test_scale_two_doubles_the_figures(tmp_path):
    result = build(tmp_path / "x2.db", scale=2, throwaway=True, mediation=False)   # the hall at scale 2
    assert result.stats.accepted == {"行政审批": 308, "行政服务": 712, "其他": 838}
    assert result.stats.online == 574
    open_database(tmp_path / "x2.db")
    try:
        assert Person.select().count() == 1200
        assert Counter(c.matter_class for c in accepted_in(2022)) == result.stats.accepted
        assert ServiceCase.select(ServiceCase.number).distinct().count() == ServiceCase.select().count()
        # built without indexes and journal, the file ends as the application makes it
        conn = sqlite3.connect(tmp_path / "x2.db")
        index_names = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='service_case'")}
        assert {"service_case_number", "service_case_uid", "service_case_status_promised"} <= index_names
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        built = conn.execute(schema).fetchall()
        conn.close()
    finally:
        close_database()
    setup.open_app_database(tmp_path / "fresh.db", create=True)
    close_database()
    conn = sqlite3.connect(tmp_path / "fresh.db")
    try:
        assert built == conn.execute(schema).fetchall()
    finally:
        conn.close()


def test_the_current_year_stops_at_now_with_its_share_of_the_volume(tmp_path):
    now = datetime(2022, 6, 30, 3, 0)      # 11:00 in 打通镇
    result = build(tmp_path / "mid.db", now=now, mediation=False)
    accepted = sum(result.stats.accepted.values())
    assert 380 < accepted < 500            # about half of 929
    open_database(tmp_path / "mid.db")
    try:
        latest = max(c.updated_at for c in ServiceCase.select())
        assert latest <= now and max(e.created_at for e in CaseEvent.select()) <= now
        assert ServiceCase.select().where(ServiceCase.status.in_((ACCEPTED, PROCESSING))).count() > 10
    finally:
        close_database()


def test_bad_year_or_scale_is_refused(database):
    with pytest.raises(ValueError, match="2004"):
        demo.create_demo(2003)
    with pytest.raises(ValueError, match="2004"):
        demo.create_demo(date.today().year + 1)
    with pytest.raises(ValueError, match="scale"):
        demo.create_demo(2022, 0)


# ------------------------------------------------------------------------------------------ one path

STEP_KINDS = {"intake", "resume", "send", "complete", "deliver", "withdraw", "fee", "rate", "rectify"}
RARE = hall_demo.Mix(correction=.3, correction_immediate=.2, rejected=.1, abandoned=.1, withdrawn=.08, late=.1,
                     bad=.3, mail=.3, by_post=.05, send_next_day=.3)


def replay(step, state):
    """The same step through the domain function the window calls."""
    plan, actor, now, args = step.plan, step.actor, step.moment, step.args
    key = id(plan)
    if step.kind == "intake":
        state[key] = cases.intake(actor, plan.intake, now=now)
        return
    case = state[key]
    if step.kind == "resume":
        cases.resume(actor, case, args["received"], args["note"], now=now)
    elif step.kind == "send":
        cases.send_to_back_office(actor, case, now=now)
    elif step.kind == "complete":
        cases.complete(actor, case, args["decision"], args.get("result_ref", ""), args.get("result_note", ""), now=now)
    elif step.kind == "deliver":
        cases.deliver(actor, case, args["note"], now=now)
    elif step.kind == "withdraw":
        cases.withdraw(actor, case, args["reason"], now=now)
    elif step.kind == "fee":
        cases.record_fee(actor, case, args["amount"], args["method"], now=now)
    elif step.kind == "rate":
        state[("rating", key)] = cases.rate(actor, case, args["overall"], args["efficiency"], args["competence"],
                                            args["attitude"], args["comment"], now=now)
    elif step.kind == "rectify":
        cases.close_rectification(actor, state[("rating", key)], args["result"], now=now)


def december(path, writer_or_domain):
    """December 2022 with the rare paths made common; the hall written in bulk or through the domain."""
    setup.open_app_database(path, create=True)
    try:
        organisations = demo.invent_organisations(random.Random(3), 12)
        users, writer, population = demo.start_demo(150, organisations, date(2022, 12, 1), seed=7)
        admin = users["admin"]
        plan = hall_demo.HallYear(matters.list_matters(), population, [users["chuangkou"], admin], admin,
                                  start=date(2022, 12, 1), end=date(2022, 12, 31), seed=7, mix=RARE)
        kinds = Counter()
        if writer_or_domain == "bulk":
            steps = []

            def seen(iterator):
                for step in iterator:
                    kinds[step.kind] += 1
                    steps.append(step.kind)
                    yield step
            writer.window = (plan.days[0], plan.days[-1])
            writer.write(seen(plan.steps()))
            writer.close()
        else:
            state = {}
            for step in plan.steps():
                kinds[step.kind] += 1
                replay(step, state)
        return kinds
    finally:
        close_database()


def table(path, sql):
    conn = sqlite3.connect(path)
    try:
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]
    finally:
        conn.close()


def test_bulk_rows_are_the_rows_the_domain_functions_write(tmp_path):
    bulk, domain = tmp_path / "bulk.db", tmp_path / "domain.db"
    kinds = december(bulk, "bulk")
    assert december(domain, "domain") == kinds
    assert set(kinds) == STEP_KINDS, kinds
    # the domain stamps uid (uuid4) and updated_at (utcnow at save) itself; the catalogue's uids are per database
    wall_clock = {"uid", "updated_at", "matter_uid"}
    for name in ("service_case", "case_event", "fee_payment", "rating", "number_counter"):
        order = "prefix, day" if name == "number_counter" else "id"
        rows = [table(path, f'SELECT * FROM "{name}" ORDER BY {order}') for path in (bulk, domain)]
        skip = wall_clock | ({"id"} if name == "number_counter" else set())   # counters: ids in order of first use
        strip = [[{k: v for k, v in row.items() if k not in skip} for row in side] for side in rows]
        assert len(strip[0]) == len(strip[1]) > 0, name
        for left, right in zip(*strip):
            assert left == right, name
    for name in ("case_search", "case_search_chars"):
        sql = f"SELECT rowid, text, idno FROM {name} ORDER BY rowid"
        assert table(bulk, sql) == table(domain, sql)
    # the audit trail: the same lines in the same order (the domain stamps them with the wall clock)
    sql = ("SELECT created_by, action, record_type, summary FROM audit_log "
           "WHERE record_type IN ('ServiceCase', 'FeePaymentRecord', 'Rating') ORDER BY id")
    assert table(bulk, sql) == table(domain, sql)
    # ... and the bulk lines carry the simulated time of their step
    times = table(bulk, "SELECT created_at FROM audit_log WHERE record_type = 'ServiceCase' ORDER BY id")
    assert times == sorted(times, key=lambda r: r["created_at"]) and times[0]["created_at"].startswith("2022-12")


# ------------------------------------------------------------------------------------------ wizard

def test_the_wizards_demo_stays_small_with_a_recent_hall(database):
    """Small enough to load while the wizard waits (its speed is measured in bench/, not asserted here)."""
    now = datetime(2022, 12, 15, 6, 0)           # 14:00 in 打通镇
    admin = demo.load_demo(now=now)
    assert admin.username == "admin"
    assert Person.select().count() == 40 and Organisation.select().count() == 3
    received = [c.received_on for c in ServiceCase.select()]
    assert 40 < len(received) < 150
    assert min(received) >= date(2022, 11, 16) and max(received) <= date(2022, 12, 15)
    assert max(e.created_at for e in CaseEvent.select()) <= now
    assert ServiceCase.select().where(ServiceCase.status.in_((ACCEPTED, PROCESSING))).count() > 5
