"""信访 and 风险研判会 in models/: register, assign, reply, close; petition → dispute; visitor person-times;
reply deadlines; meetings with assessments and decisions that stay open until done; bad input."""

from datetime import date, datetime, timedelta

import pytest

from models import people
from models.errors import PermissionDenied, ValidationError
from models.mediation import disputes, petitions
from models.mediation.disputes import DisputeEntry, PartyEntry
from models.mediation.petitions import AssessmentEntry, DecisionEntry, MeetingEntry, PetitionEntry
from models.mediation.tables import (
    ASSIGNED, MEDIATING, PETITION_CLOSED, REGISTERED, REPLIED, Dispute, Petition, RiskDecision,
)

AT = datetime(2022, 4, 1, 2, 0)            # UTC; 10:00 on 1 April 2022
LATER = AT + timedelta(days=5)


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", username="tiaojie")


@pytest.fixture
def zhang(mediator):
    return people.save_person(mediator, {"name": "张大山", "id_number": "500222199001011237", "phone": "13800000001"})


@pytest.fixture
def li(mediator):
    return people.save_person(mediator, {"name": "李小河", "id_number": "500222198503151235", "phone": "13900000002"})


@pytest.fixture
def visit(mediator, zhang, li):
    return petitions.register(mediator, PetitionEntry([zhang, li], "反映村道硬化占用承包地未获补偿", visitors=5,
                                                      request="要求按标准补偿青苗费"), now=AT)


def test_a_visit_is_numbered_and_counts_its_visitors(visit):
    assert visit.number == "XF-DT00-20220401-0001"
    assert (visit.form, visit.visitors, visit.status) == ("来访", 5, REGISTERED)
    assert visit.received_on == date(2022, 4, 1) and visit.reply_due == date(2022, 5, 31)
    assert [p.name for p in petitions.petitioners(visit)] == ["张大山", "李小河"]


def test_a_letter_counts_one_visitor_by_default(mediator, zhang):
    letter = petitions.register(mediator, PetitionEntry([zhang], "来信反映邻居占道堆放杂物", form="来信"), now=AT)
    assert letter.visitors == 1


def test_assign_reply_close(mediator, visit):
    assigned = petitions.assign(mediator, visit, "镇农业服务中心")
    assert (assigned.status, assigned.department) == (ASSIGNED, "镇农业服务中心")
    with pytest.raises(ValidationError, match="不能办结"):
        petitions.close(mediator, assigned, "已补偿到位", "满意", now=LATER)
    petitions.reply(mediator, assigned, "经核实，已按标准核算青苗补偿费。", now=LATER)
    assert Petition.get_by_id(visit.id).status == REPLIED
    closed = petitions.close(mediator, visit, "补偿款已发放到户", "满意", now=LATER)
    assert (closed.status, closed.satisfaction, closed.closed_on) == (PETITION_CLOSED, "满意", date(2022, 4, 6))
    assert [r.content for r in petitions.replies(closed)] == ["经核实，已按标准核算青苗补偿费。"]
    with pytest.raises(ValidationError, match="已办结"):
        petitions.reply(mediator, closed, "再次答复内容", now=LATER)


def test_reply_deadlines(mediator, visit):
    assert petitions.deadline(visit, date(2022, 4, 1)) == (60, "正常")
    assert petitions.deadline(visit, date(2022, 5, 26))[1] == "即将到期"
    assert petitions.deadline(visit, date(2022, 6, 1))[1] == "已超期"
    assert petitions.replies_due(mediator, date(2022, 5, 24)) == [visit]
    assert petitions.replies_due(mediator, date(2022, 5, 23)) == []
    petitions.reply(mediator, visit, "已答复信访人，正在协调补偿。", now=LATER)
    assert petitions.replies_due(mediator, date(2022, 6, 1)) == []


@pytest.mark.parametrize("change, field", [
    ({"petitioners": []}, "信访人"), ({"form": "托梦"}, "信访形式"), ({"matter": "有事"}, "信访事项"),
    ({"visitors": 0}, "来访人数"), ({"visitors": "很多"}, "来访人数"), ({"reply_days": 0}, "答复期限"),
    ({"received_at": datetime(2030, 1, 1, 9)}, "登记时间"), ({"department": "部" * 65}, "承办单位"),
])
def test_bad_petition_names_the_field_and_writes_nothing(mediator, zhang, change, field):
    values = dict(petitioners=[zhang], matter="反映村道硬化占用承包地未获补偿")
    values.update(change)
    with pytest.raises(ValidationError) as caught:
        petitions.register(mediator, PetitionEntry(**values), now=AT)
    assert caught.value.field == field
    assert Petition.select().count() == 0


def test_a_petition_becomes_a_dispute_linked_both_ways(mediator, visit, make_user):
    village = people.save_organisation(mediator, {"name": "石龙村村民委员会"})[0]
    parties = petitions.party_entries(visit) + [PartyEntry(village, "被申请人")]
    case = petitions.to_dispute(mediator, visit, DisputeEntry(parties=parties, facts="村道硬化占用承包地，补偿未到位。",
                                                               dispute_type="征地拆迁纠纷"), now=LATER)
    assert (case.status, case.source, case.origin_kind) == (MEDIATING, "信访转入", "petition")
    assert case.origin_uid == str(visit.uid) and case.accepted_on == date(2022, 4, 6)
    assert petitions.dispute_of(Petition.get_by_id(visit.id)) == case
    assert [p.name for p in disputes.parties(case)] == ["张大山", "李小河", "石龙村村民委员会"]
    with pytest.raises(ValidationError, match="已经转为调解案件"):
        petitions.to_dispute(mediator, visit, DisputeEntry(parties=parties, facts="村道硬化占用承包地，补偿未到位。",
                                                            dispute_type="征地拆迁纠纷"), now=LATER)
    assert Dispute.select().count() == 1
    window = make_user("window", username="chuangkou")
    with pytest.raises(PermissionDenied):
        petitions.list_petitions(window)


def test_search_and_pages(mediator, visit, zhang):
    other = petitions.register(mediator, PetitionEntry([zhang], "来电反映噪音扰民问题", form="电话"), now=LATER)
    assert petitions.list_petitions(mediator, "李小河") == [visit]
    assert petitions.list_petitions(mediator, "张") == [other, visit]
    assert petitions.list_petitions(mediator, "XF-DT00-20220401-0001") == [visit]
    assert petitions.count_petitions(mediator, statuses=(REGISTERED,)) == 2
    assert petitions.list_petitions(mediator, limit=1, before_id=other.id) == [visit]


# ----------------------------------------------------------------------------------- risk meetings

def test_a_meeting_assesses_cases_and_its_decisions_stay_open_until_done(mediator, visit, zhang, li):
    case = disputes.register(mediator, DisputeEntry(parties=[PartyEntry(zhang, "申请人"), PartyEntry(li, "被申请人")],
                                                    facts="双方因宅基地边界发生争执。", dispute_type="邻里纠纷",
                                                    risk_colour="黄"), now=AT)
    meeting = petitions.hold_meeting(mediator, MeetingEntry(
        held_on=date(2022, 4, 5), chair="刘书记", attendees="派出所、司法所、人民法庭、各村支书",
        assessments=[AssessmentEntry("橙", "双方情绪激动，可能激化", dispute=case),
                     AssessmentEntry("黄", "补偿标准需核实", petition=visit)],
        decisions=[DecisionEntry("派出所每周走访一次", "王所长", date(2022, 4, 30)),
                   DecisionEntry("农业服务中心核实补偿标准", "陈主任")]), now=LATER)
    assert len(meeting.assessments) == 2
    assert Dispute.get_by_id(case.id).risk_colour == "橙"        # the meeting's judgement is the case's now
    open_now = petitions.open_decisions(mediator)
    assert [d.responsible for d in open_now] == ["王所长", "陈主任"]
    petitions.finish_decision(mediator, open_now[0], "已落实每周走访", now=LATER)
    assert [d.responsible for d in petitions.open_decisions(mediator)] == ["陈主任"]
    with pytest.raises(ValidationError, match="已经落实"):
        petitions.finish_decision(mediator, RiskDecision.get_by_id(open_now[0].id), "再次落实情况", now=LATER)
    assert petitions.meetings(mediator, 2022) == [meeting] and petitions.meetings(mediator, 2021) == []


@pytest.mark.parametrize("change, field", [
    ({"held_on": date(2030, 1, 1)}, "会议日期"), ({"chair": ""}, "主持人"), ({"attendees": ""}, "参会人员"),
    ({"assessments": [], "decisions": []}, "研判案件"),
    ({"assessments": [AssessmentEntry("紫", "风险较高需关注")]}, "研判案件"),
    ({"decisions": [DecisionEntry("走访", "王所长")]}, "第 1 项决定"),
    ({"decisions": [DecisionEntry("每周走访一次", "")]}, "第 1 项决定的责任人"),
    ({"decisions": [DecisionEntry("每周走访一次", "王所长", date(2022, 4, 1))]}, "完成时限"),
])
def test_bad_meeting_names_the_field(mediator, change, field):
    values = dict(held_on=date(2022, 4, 5), chair="刘书记", attendees="各村支书",
                  decisions=[DecisionEntry("每周走访一次", "王所长")])
    values.update(change)
    with pytest.raises(ValidationError) as caught:
        petitions.hold_meeting(mediator, MeetingEntry(**values), now=LATER)
    assert caught.value.field == field
    assert RiskDecision.select().count() == 0
