"""演示数据 for the mediation centre: the seed report's 2022 figures exactly (213 disputes, 240 petitions with
800+ visitors, 11 risk meetings), a realistic spread of types, sources and outcomes, consistent cases written
through the domain functions (numbers, audit lines, search), deterministic for a seed, and the wizard's handful.

The year is built once for the module (as ``main.py demo`` builds it) and checked with plain SQL."""

import json
import random
import re
import shutil
import sqlite3
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest

from models import demo, setup
from models.accounts import get_user
from models.db import close_database, open_database
from models.mediation import demo as mediation_demo
from models.mediation import disputes, petitions
from models.mediation.disputes import DisputeFilter
from models.mediation.tables import (
    CLOSED_STATUSES, JOINT_BODIES, MEDIATING, ORAL, PETITION_CLOSED, REFERRED, REFUSED, SOURCES, STATUSES, SUCCEEDED,
    TERMINATED, WITHDRAWN, WRITTEN,
)

TJ = re.compile(r"^TJ-DT00-(\d{8})-(\d{4})$")
XF = re.compile(r"^XF-DT00-(\d{8})-(\d{4})$")
LOCAL = timedelta(hours=8)
FIRST, LAST = "2022-01-01", "2022-12-31"


def build(path, year=2022, scale=1, **kw):
    setup.open_app_database(path, create=True)
    try:
        return demo.create_demo(year, scale, **kw)
    finally:
        close_database()


@pytest.fixture(scope="module")
def year_file(tmp_path_factory):
    """2022 at scale 1, built once for the module as ``main.py demo`` builds it."""
    folder = tmp_path_factory.mktemp("mediation2022")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOWNDESK_DATA_DIR", str(folder / "data"))
        result = build(folder / "demo.db", throwaway=True)
    return folder / "demo.db", result


@pytest.fixture(scope="module")
def sql(year_file):
    """Plain SQL on the built file: rows as dicts."""
    conn = sqlite3.connect(year_file[0])
    conn.row_factory = sqlite3.Row

    def run(query, *params):
        return [dict(row) for row in conn.execute(query, params)]
    yield run
    conn.close()


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def accepted(sql):
    return sql("SELECT * FROM dispute WHERE accepted_on BETWEEN ? AND ? AND status != ? ORDER BY id",
               FIRST, LAST, REFERRED)


# ------------------------------------------------------------------------------------------ figures

def test_2022_has_exactly_the_seed_reports_figures(year_file, sql):
    assert len(accepted(sql)) == 213
    assert sql("SELECT COUNT(*) n FROM petition WHERE received_on BETWEEN ? AND ?", FIRST, LAST)[0]["n"] == 240
    visitors = sql("SELECT SUM(visitors) n FROM petition WHERE received_on BETWEEN ? AND ?", FIRST, LAST)[0]["n"]
    assert visitors >= 800
    assert sql("SELECT COUNT(*) n FROM risk_meeting WHERE held_on BETWEEN ? AND ?", FIRST, LAST)[0]["n"] == 11
    # the build's own figures (printed by main.py demo) are the database's
    stats = year_file[1].mediation
    assert (stats.disputes, stats.petitions, stats.visitors, stats.meetings) == (213, 240, visitors, 11)
    assert stats.statuses == Counter(d["status"] for d in accepted(sql))
    assert stats.pending_referrals == len(sql("SELECT id FROM dispute WHERE status = ?", REFERRED)) >= 1


def test_outcomes_sources_types_and_channels_are_a_realistic_spread(sql):
    cases = accepted(sql)
    statuses = Counter(d["status"] for d in cases) + Counter(d["status"] for d in sql(
        "SELECT status FROM dispute WHERE status = ?", REFERRED))
    assert set(statuses) == set(STATUSES), statuses
    closed = sum(statuses[s] for s in CLOSED_STATUSES)
    assert .90 <= statuses[SUCCEEDED] / closed <= .98
    assert .88 <= statuses[SUCCEEDED] / len(cases) <= .98
    assert 1 <= statuses[REFUSED] <= 4 and 1 <= statuses[WITHDRAWN] <= 8 and 1 <= statuses[TERMINATED] <= 10
    assert 0 < statuses[MEDIATING] < 20                        # accepted late in December, still running
    assert all(d["accepted_on"] >= "2022-11-01" for d in cases if d["status"] == MEDIATING)
    sources = Counter(d["source"] for d in cases)
    assert set(sources) == set(SOURCES), sources
    assert sources["当事人申请"] + sources["主动排查"] > .6 * len(cases)
    types = Counter(d["dispute_type"] for d in cases)
    assert len(types) == 17
    assert {t for t, _ in types.most_common(5)} == {"邻里纠纷", "婚姻家庭纠纷", "房屋宅基地纠纷", "山林土地纠纷",
                                                    "土地承包经营纠纷"}
    channels = Counter(d["channel"] for d in cases)
    assert channels["人民调解"] > .7 * len(cases) and channels["行政调解"] > 0 and channels["司法调解"] > 0
    joint = [json.loads(d["joint"]) for d in cases if d["joint"] != "[]"]
    assert 5 < len(joint) < 80 and {body for j in joint for body in j} == set(JOINT_BODIES)
    assert 1 <= sum(1 for d in cases if d["extended_days"]) <= 12
    months = Counter(d["accepted_on"][:7] for d in cases)
    assert len(months) == 12 and max(months.values()) < 40


def test_every_case_is_consistent_from_registration_to_follow_up(sql):
    terms = defaultdict(list)
    for term in sql("SELECT * FROM agreement_term"):
        terms[term["dispute_id"]].append(term)
    sessions = defaultdict(list)
    for session in sql("SELECT * FROM mediation_session ORDER BY started_at"):
        sessions[session["dispute_id"]].append(session)
    visits = defaultdict(list)
    for visit in sql("SELECT * FROM follow_up ORDER BY visited_on"):
        visits[visit["dispute_id"]].append(visit)
    cases = sql("SELECT * FROM dispute")
    forms = Counter()
    for d in cases:
        number, status = d["number"], d["status"]
        if status in CLOSED_STATUSES:
            assert d["closed_on"] and d["closed_on"] >= d["accepted_on"], number
            assert d["due_on"] is None, number
        else:
            assert d["closed_on"] is None, number
        mediated = [s for s in sessions[d["id"]] if s["kind"] == "调解"]
        for s in sessions[d["id"]]:
            local = moment(s["started_at"]) + LOCAL
            assert str(local.date()) >= d["accepted_on"] and "08:30" <= f"{local:%H:%M}" <= "17:30", number
            assert moment(s["ended_at"]) > moment(s["started_at"]) and len(s["content"]) >= 30
        if status == SUCCEEDED:
            forms[d["agreement_form"]] += 1
            assert 1 <= len(mediated) <= 3 and d["agreed_on"] == d["closed_on"], number
            if d["agreement_form"] == WRITTEN:
                assert 1 <= len(terms[d["id"]]) <= 4, number
                assert all(t["content"] and t["manner"] and t["deadline"] and t["place"] for t in terms[d["id"]])
                assert d["agreement_number"] == number.replace("TJ-", "XY-")
                assert d["dispute_points"] and d["responsibilities"]
            else:
                assert d["agreement_form"] == ORAL and not terms[d["id"]] and len(d["oral_agreement"]) >= 10
                assert not d["confirmation_result"]
            for visit in visits[d["id"]]:
                assert visit["visited_on"] >= d["closed_on"], number
        else:
            assert not terms[d["id"]] and not visits[d["id"]], number
        if status == TERMINATED:
            assert 2 <= len(mediated) <= 3 and json.loads(d["routes"]) and len(d["close_reason"]) >= 4
        if status in (REFUSED, WITHDRAWN):
            assert len(d["close_reason"]) >= 4 and len(mediated) <= 1
        if status == REFUSED:
            assert "不同意调解" in d["close_reason"] or "拒绝调解" in d["close_reason"]
        if d["extended_days"]:
            assert d["extension_consent"] and 15 <= d["extended_days"] <= 30
    assert forms[WRITTEN] > .75 * sum(forms.values()) and forms[ORAL] > 5
    assert sum(1 for s in sql("SELECT kind FROM mediation_session") if s["kind"] == "调查") > 20
    early = [d for d in cases if d["status"] == SUCCEEDED and d["agreed_on"] <= "2022-11-15"]
    assert sum(1 for d in early if visits[d["id"]]) > .8 * len(early)          # follow-ups for most agreements
    confirmed = [d for d in cases if d["confirmation_result"]]
    assert 5 <= len(confirmed) and all(d["agreement_form"] == WRITTEN for d in confirmed)


def test_numbers_are_unique_well_formed_and_follow_the_day(sql):
    rows = sql("SELECT id, number, created_at, accepted_on, status FROM dispute ORDER BY id")
    assert len({r["number"] for r in rows}) == len(rows)
    serials = Counter()
    for row in rows:
        day, serial = TJ.match(row["number"]).groups()
        registered = (moment(row["created_at"]) + LOCAL).date()
        assert day == f"{registered:%Y%m%d}" and row["accepted_on"] >= str(registered)
        serials[day] += 1
        assert int(serial) == serials[day]                    # in order of registration, no gaps
    rows = sql("SELECT number, received_on FROM petition ORDER BY id")
    assert len({r["number"] for r in rows}) == len(rows)
    for row in rows:
        assert XF.match(row["number"]).group(1) == row["received_on"].replace("-", "")


def test_referrals_and_petitions_are_linked_to_their_cases(sql):
    grid = sql("SELECT * FROM dispute WHERE source = '网格上报'")
    assert all(d["origin_kind"] == "patrol" and len(d["origin_uid"]) == 36 and d["created_by"] == "wangge"
               for d in grid)
    waiting = [d for d in grid if d["status"] == REFERRED]
    assert waiting and all(d["accepted_on"] >= "2022-12-20" and d["due_on"] is None for d in waiting)
    by_uid = {p["uid"]: p for p in sql("SELECT * FROM petition")}
    moved = sql("SELECT * FROM dispute WHERE source = '信访转入'")
    assert moved
    for d in moved:
        petition = next(p for p in by_uid.values() if p["number"] in d["origin_note"])
        assert d["origin_kind"] == "petition" and petition["dispute_uid"].replace("-", "") == d["uid"].replace("-", "")
        assert petition["received_on"] <= d["accepted_on"]
        if d["status"] in CLOSED_STATUSES:
            assert petition["status"] == PETITION_CLOSED and petition["closed_on"] >= d["closed_on"]


def test_petitions_are_answered_and_count_their_visitors(sql):
    rows = sql("SELECT * FROM petition")
    statuses = Counter(p["status"] for p in rows)
    assert statuses[PETITION_CLOSED] > .85 * len(rows)
    replies = Counter(r["petition_id"] for r in sql("SELECT petition_id FROM petition_reply"))
    for p in rows:
        assert p["visitors"] >= 1 and (p["form"] == "来访" or p["visitors"] == 1)
        assert p["department"] or p["status"] == "已登记"
        if p["status"] in ("已答复", PETITION_CLOSED):
            assert replies[p["id"]] >= 1
        if p["status"] == PETITION_CLOSED:
            assert p["received_on"] <= p["closed_on"] and p["result"] and p["satisfaction"]
    visits = [p["visitors"] for p in rows if p["form"] == "来访"]
    assert max(visits) >= 10 and Counter(visits)[1] > 30            # group visits and single visitors
    assert set(p["form"] for p in rows) == {"来访", "来信", "网上", "电话"}


def test_meetings_are_monthly_and_their_decisions_mostly_done(sql):
    meetings = sql("SELECT * FROM risk_meeting ORDER BY held_on")
    assert len({m["held_on"][:7] for m in meetings}) == 11
    assessed = Counter(a["meeting_id"] for a in sql("SELECT meeting_id FROM risk_assessment"))
    decisions = sql("SELECT d.*, m.held_on FROM risk_decision d JOIN risk_meeting m ON m.id = d.meeting_id")
    decided = Counter(d["meeting_id"] for d in decisions)
    assert all(assessed[m["id"]] >= 1 and decided[m["id"]] >= 2 and "研判" in m["minutes"] for m in meetings)
    done = [d for d in decisions if d["done_on"]]
    assert len(done) > .8 * len(decisions)
    assert all(d["held_on"] <= d["done_on"] and d["done_note"] for d in done)


def test_records_carry_their_simulated_time_and_are_audited(sql):
    for table in ("dispute", "petition", "mediation_session", "risk_meeting", "follow_up"):
        times = [moment(r["created_at"]) + LOCAL for r in sql(f"SELECT created_at FROM {table}")]
        assert times and all(t.year == 2022 and t.weekday() < 7 for t in times), table
    lines = sql("SELECT * FROM audit_log WHERE record_type IN ('Dispute', 'MediationSession', 'FollowUp', 'Petition', "
                "'PetitionReply', 'RiskMeeting', 'RiskDecision') ORDER BY id")
    assert all(moment(line["created_at"]).year == 2022 for line in lines)
    created = Counter(line["record_type"] for line in lines if line["action"] == "create")
    assert created["Dispute"] == len(sql("SELECT id FROM dispute"))
    assert created["Petition"] == len(sql("SELECT id FROM petition"))
    assert created["MediationSession"] == len(sql("SELECT id FROM mediation_session"))
    assert [line["created_at"] for line in lines] == sorted(line["created_at"] for line in lines)   # in time order


def test_parties_come_from_the_registry_and_the_text_reads_as_written(sql):
    people = {r["uid"].replace("-", ""): r for r in sql("SELECT * FROM person")}
    bodies = {r["uid"].replace("-", ""): r for r in sql("SELECT * FROM organisation")}
    parties = sql("SELECT * FROM dispute_party")
    for party in parties:
        record = people.get(party["party_uid"].replace("-", "")) or bodies[party["party_uid"].replace("-", "")]
        assert party["name"] == record["name"]
    assert sum(1 for p in parties if p["kind"] == "单位") > 5
    texts = [d["facts"] for d in sql("SELECT facts FROM dispute")] + [
        t["content"] for t in sql("SELECT content FROM agreement_term")] + [
        s["content"] for s in sql("SELECT content FROM mediation_session")] + [
        p["matter"] for p in sql("SELECT matter FROM petition")]
    assert all("{" not in t and "}" not in t and "None" not in t for t in texts)
    assert len(set(d["facts"] for d in sql("SELECT facts FROM dispute"))) > 200      # variation, not one template


def test_search_finds_a_demo_party_by_name(year_file):
    open_database(year_file[0])
    try:
        lead = get_user("zhuren")
        case = disputes.list_disputes(lead, DisputeFilter(statuses=(SUCCEEDED,)), limit=1)[0]
        name = disputes.parties(case)[0].name
        assert case.id in [d.id for d in disputes.list_disputes(lead, DisputeFilter(text=name), limit=200)]
        mediator = get_user(case.mediators[0])
        assert case.id in [d.id for d in disputes.list_disputes(mediator, DisputeFilter(text=name), limit=200)]
        petition = petitions.list_petitions(lead, limit=1)[0]
        who = petitions.petitioners(petition)[0].name
        assert petition.id in [p.id for p in petitions.list_petitions(lead, who, limit=200)]
    finally:
        close_database()


# ------------------------------------------------------------------------------------------ determinism

SMALL = mediation_demo.Volumes(disputes=12, petitions=12, visitors=30, meetings=2, refused=1, withdrawn=1,
                               terminated=1, extended=1, from_petitions=2, pending_referrals=1)


def centre(users, population, seed):
    """Two months of the centre on the open database (the determinism check's smaller cut)."""
    plan = mediation_demo.MediationYear(population, users, start=date(2022, 9, 1), end=date(2022, 10, 31), seed=seed,
                                        volumes=SMALL)
    stats = mediation_demo.write_year(plan)
    cases = [(d.number, d.status, d.source, d.dispute_type, d.accepted_on, d.facts)
             for d in disputes.Dispute.select().order_by(disputes.Dispute.id)]
    visits = [(p.number, p.status, p.visitors, p.matter)
              for p in petitions.Petition.select().order_by(petitions.Petition.id)]
    return stats, cases, visits


def test_the_same_seed_gives_the_same_numbers_and_statuses(tmp_path):
    base = tmp_path / "registry.db"            # the same town and registry under both runs
    setup.open_app_database(base, create=True)
    try:
        users, writer, population = demo.start_demo(120, demo.invent_organisations(random.Random(7), 12),
                                                     date(2022, 9, 1), seed=7)
        writer.close()
    finally:
        close_database()
    runs = []
    for name in ("a.db", "b.db"):
        shutil.copyfile(base, tmp_path / name)
        open_database(tmp_path / name)
        try:
            runs.append(centre(users, population, 7))
        finally:
            close_database()
    first, again = runs
    assert first[1:] == again[1:]
    stats = first[0]
    assert (stats.disputes, stats.petitions, stats.visitors, stats.meetings) == (12, 12, 30, 2)
    assert stats.pending_referrals == 1 and len(first[1]) == 13


# ------------------------------------------------------------------------------------------ wizard

def test_the_wizard_adds_a_handful_of_disputes_and_petitions_up_to_now(database):
    now = datetime(2022, 12, 15, 6, 0)           # 14:00 in 打通镇
    demo.load_demo(now=now)
    cases = list(disputes.Dispute.select())
    assert 3 <= len(cases) <= 8 and {d.status for d in cases} & {MEDIATING, REFERRED}
    assert all(date(2022, 11, 16) <= d.accepted_on <= date(2022, 12, 15) for d in cases)
    visits = list(petitions.Petition.select())
    assert 3 <= len(visits) <= 8 and all(p.received_on >= date(2022, 11, 16) for p in visits)
    for model in (disputes.Dispute, disputes.MediationSession, petitions.Petition, petitions.PetitionReply):
        assert all(r.updated_at <= now for r in model.select()), model
    assert petitions.RiskMeeting.select().count() == 1
