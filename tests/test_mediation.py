"""矛盾调解 in models/: registration and refusal, sessions, the 30-day limit and its one extension, each
outcome, 司法确认, follow-ups, who sees which case, the grid worker's hand-over, search, bad input."""

from datetime import date, datetime, timedelta

import pytest

from models import audit, codes, people
from models.errors import PermissionDenied, ValidationError
from models.mediation import disputes
from models.mediation.disputes import (
    AgreementEntry, DisputeEntry, DisputeFilter, FollowUpEntry, PartyEntry, SessionEntry, TermEntry,
)
from models.mediation.tables import (
    MEDIATING, ORAL, REFERRED, REFUSED, SUCCEEDED, TERMINATED, WITHDRAWN, WRITTEN, Dispute,
)

AT = datetime(2022, 3, 15, 2, 0)            # UTC; 10:00 on 15 March 2022 in 打通镇
DAY = date(2022, 3, 15)
LATER = AT + timedelta(days=10)


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", username="tiaojie")


@pytest.fixture
def other_mediator(make_user):
    return make_user("mediator", username="tiaojie2")


@pytest.fixture
def lead(make_user):
    return make_user("mediation_lead", username="zhuren")


@pytest.fixture
def zhang(mediator):
    return people.save_person(mediator, {"name": "张大山", "id_number": "500222199001011237", "phone": "13800000001",
                                         "address": "打通镇石龙村3组"})


@pytest.fixture
def li(mediator):
    return people.save_person(mediator, {"name": "李小河", "id_number": "500222198503151235", "phone": "13900000002"})


def entry(zhang, li, **kw) -> DisputeEntry:
    values = dict(parties=[PartyEntry(zhang, "申请人", occupation="农民", claims="要求对方拆除越界修建的围墙"),
                           PartyEntry(li, "被申请人", occupation="个体户")],
                  facts="双方系邻居，因宅基地边界围墙修建发生争执，多次口角。", dispute_type="邻里纠纷",
                  village="石龙村", risk_colour="黄")
    values.update(kw)
    return DisputeEntry(**values)


@pytest.fixture
def case(mediator, zhang, li):
    return disputes.register(mediator, entry(zhang, li), now=AT)


def written(terms=2) -> AgreementEntry:
    return AgreementEntry(
        form=WRITTEN, dispute_points="围墙是否越过宅基地边界", responsibilities="被申请人修建围墙前未与申请人协商",
        terms=[TermEntry(f"第{i}条：李小河拆除越界围墙{i}米", "自行拆除", "2022年4月30日前", "石龙村3组")
               for i in range(1, terms + 1)])


# ------------------------------------------------------------------------------------ registration

def test_registering_numbers_the_case_copies_the_parties_and_starts_thirty_days(case, zhang):
    assert case.number == "TJ-DT00-20220315-0001"
    assert case.status == MEDIATING and case.accepted_on == DAY
    assert case.due_on == DAY + timedelta(days=30)
    assert case.mediators == ["tiaojie"] and case.people_involved == 2
    first, second = disputes.parties(case)
    assert (first.side, first.name, first.id_number, first.gender, first.age) == (
        "申请人", "张大山", "500222199001011237", "男", 32)           # from the ID number, on 15 March 2022
    assert first.claims == "要求对方拆除越界修建的围墙" and first.party_uid == str(zhang.uid)
    assert (second.side, second.occupation) == ("被申请人", "个体户")
    line = audit.AuditEntry.select().where(audit.AuditEntry.action == "create").order_by(audit.AuditEntry.id.desc()).first()
    assert "TJ-DT00-20220315-0001" in line.summary


def test_an_organisation_can_be_a_party_with_its_representative(mediator, zhang):
    org, _ = people.save_organisation(mediator, {"name": "打通镇石材厂", "credit_code": "91500222MA5U12345X",
                                                 "legal_rep": "王厂长"})
    case = disputes.register(mediator, entry(zhang, None, parties=[PartyEntry(zhang, "申请人"),
                                                                   PartyEntry(org, "被申请人")]), now=AT)
    party = disputes.parties(case)[1]
    assert (party.kind, party.id_number, party.representative, party.age) == ("单位", "91500222MA5U12345X", "王厂长", None)


def test_a_party_who_refuses_mediation_is_recorded_as_not_accepted(mediator, zhang, li):
    case = disputes.register(mediator, entry(zhang, li, refused_reason="被申请人明确表示拒绝调解"), now=AT)
    assert case.status == REFUSED and case.closed_on == DAY and case.due_on is None
    assert case.close_reason == "被申请人明确表示拒绝调解"
    with pytest.raises(ValidationError, match="不予受理"):
        disputes.add_session(mediator, case, SessionEntry(datetime(2022, 3, 15, 14), "调解室", "王", "双方",
                                                          "双方陈述了各自的意见和要求。"), now=LATER)


@pytest.mark.parametrize("change, field", [
    (lambda z, l: {"parties": [PartyEntry(z, "申请人")]}, "当事人"),
    (lambda z, l: {"parties": [PartyEntry(z, "申请人"), PartyEntry(l, "申请人")]}, "当事人"),
    (lambda z, l: {"parties": [PartyEntry(z, "申请人"), PartyEntry(z, "被申请人")]}, "当事人"),
    (lambda z, l: {"parties": [PartyEntry(z, "原告"), PartyEntry(l, "被申请人")]}, "第 1 位当事人的身份"),
    (lambda z, l: {"parties": [PartyEntry(z, "申请人", age=200), PartyEntry(l, "被申请人")]}, "年龄"),
    (lambda z, l: {"parties": [PartyEntry(z, "申请人", age="三十"), PartyEntry(l, "被申请人")]}, "年龄"),
    (lambda z, l: {"parties": [PartyEntry(z, "申请人", gender="未知"), PartyEntry(l, "被申请人")]}, "性别"),
    (lambda z, l: {"parties": [PartyEntry(z, "申请人", phone="1" * 40), PartyEntry(l, "被申请人")]}, "联系方式"),
    (lambda z, l: {"parties": [PartyEntry(people.Person(name="无"), "申请人"), PartyEntry(l, "被申请人")]}, "当事人"),
    (lambda z, l: {"facts": ""}, "纠纷简要情况"),
    (lambda z, l: {"facts": "吵架"}, "纠纷简要情况"),
    (lambda z, l: {"dispute_type": "打架"}, "纠纷类型"),
    (lambda z, l: {"dispute_type": ""}, "纠纷类型"),
    (lambda z, l: {"source": "路过"}, "案件来源"),
    (lambda z, l: {"source": "网格上报"}, "案件来源"),
    (lambda z, l: {"accepted_on": date(2022, 3, 16)}, "受理日期"),
    (lambda z, l: {"amount": "一万"}, "涉及金额"),
    (lambda z, l: {"amount": "-5"}, "涉及金额"),
    (lambda z, l: {"people_involved": 1}, "涉及人数"),
    (lambda z, l: {"people_involved": "很多"}, "涉及人数"),
    (lambda z, l: {"risk_colour": "紫"}, "风险等级"),
    (lambda z, l: {"channel": "民事调解"}, "调解类型"),
    (lambda z, l: {"joint": ["检察院"]}, "联合调解单位"),
    (lambda z, l: {"mediators": ["nobody"]}, "调解员"),
    (lambda z, l: {"village": "村" * 65}, "所在村（社区）"),
    (lambda z, l: {"refused_reason": "不"}, "不予受理的理由"),
])
def test_bad_registration_names_the_field_and_writes_nothing(mediator, zhang, li, change, field):
    with pytest.raises(ValidationError) as caught:
        disputes.register(mediator, entry(zhang, li, **change(zhang, li)), now=AT)
    assert caught.value.field == field
    assert Dispute.select().count() == 0


def test_only_a_mediation_user_is_a_mediator(mediator, make_user, zhang, li):
    make_user("window", username="chuangkou")
    with pytest.raises(ValidationError, match="没有矛盾调解权限"):
        disputes.register(mediator, entry(zhang, li, mediators=["chuangkou"]), now=AT)


def test_amount_and_joint_mediation_are_kept(mediator, zhang, li):
    case = disputes.register(mediator, entry(zhang, li, amount="12,500.50", joint=["人民法庭", "派出所"],
                                             channel="司法调解", people_involved=6), now=AT)
    assert (case.amount_cents, case.joint, case.channel, case.people_involved) == (1250050, ["人民法庭", "派出所"], "司法调解", 6)


def test_the_dispute_types_and_risk_colours_are_editable_lists(admin, mediator, zhang, li):
    assert len(codes.names("dispute_type")) == 17 and codes.names("risk_colour") == ["红", "橙", "黄", "蓝"]
    assert codes.meaning_of("risk_colour", "红").startswith("涉及多部门")
    codes.save_item(admin, "dispute_type", "林权纠纷")
    case = disputes.register(mediator, entry(zhang, li, dispute_type="林权纠纷"), now=AT)
    assert case.dispute_type == "林权纠纷"
    item = codes.items("dispute_type")[-1]
    codes.set_active(admin, item, False)
    with pytest.raises(ValidationError, match="不是可选的纠纷类型"):
        disputes.register(mediator, entry(zhang, li, dispute_type="林权纠纷"), now=AT)
    assert Dispute.get_by_id(case.id).dispute_type == "林权纠纷"      # the old case keeps its type
    with pytest.raises(PermissionDenied):
        codes.save_item(mediator, "dispute_type", "其他")


# ------------------------------------------------------------------------------------- work on a case

def test_sessions_and_investigations_are_logged_in_order(mediator, case):
    disputes.add_session(mediator, case, SessionEntry(datetime(2022, 3, 18, 9, 30), "石龙村调解室", "王调解、刘调解",
                                                      "张大山、李小河", "双方分别陈述了围墙修建经过。",
                                                      ended_at=datetime(2022, 3, 18, 11), agreed="同意现场测量",
                                                      next_step="3月20日现场测量"), now=LATER)
    disputes.add_session(mediator, case, SessionEntry(datetime(2022, 3, 16, 15), "现场", "王调解", "村干部",
                                                      "查看围墙现场，拍照留存。", kind="调查"), now=LATER)
    kinds = [(s.kind, s.place) for s in disputes.sessions(case)]
    assert kinds == [("调查", "现场"), ("调解", "石龙村调解室")]
    assert disputes.sessions(case)[1].recorder == mediator.display_name


@pytest.mark.parametrize("change, field", [
    ({"place": ""}, "地点"), ({"attendees": ""}, "参加人员"), ({"content": "短"}, "记录内容"),
    ({"kind": "闲聊"}, "记录类型"), ({"started_at": datetime(2022, 3, 14, 9)}, "开始时间"),
    ({"started_at": datetime(2030, 1, 1, 9)}, "开始时间"),
    ({"ended_at": datetime(2022, 3, 18, 8)}, "结束时间"), ({"started_at": None}, "开始时间"),
])
def test_bad_session_names_the_field(mediator, case, change, field):
    values = dict(started_at=datetime(2022, 3, 18, 9, 30), place="调解室", mediators="王调解", attendees="双方",
                  content="双方陈述了各自的意见。")
    values.update(change)
    with pytest.raises(ValidationError) as caught:
        disputes.add_session(mediator, case, SessionEntry(**values), now=LATER)
    assert caught.value.field == field
    assert disputes.sessions(case) == []


def test_one_extension_of_up_to_thirty_days_with_both_parties_consent(mediator, case):
    with pytest.raises(ValidationError, match="1 到 30"):
        disputes.extend(mediator, case, 31, "双方当事人书面同意延期", now=LATER)
    with pytest.raises(ValidationError, match="同意延期"):
        disputes.extend(mediator, case, 10, "", now=LATER)
    extended = disputes.extend(mediator, case, 20, "双方当事人于3月25日书面同意延期", now=LATER)
    assert extended.due_on == DAY + timedelta(days=50) and extended.extended_days == 20
    with pytest.raises(ValidationError, match="已经延期过一次"):
        disputes.extend(mediator, extended, 5, "双方当事人再次同意延期", now=LATER)
    assert Dispute.get_by_id(case.id).due_on == DAY + timedelta(days=50)


def test_deadline_states_and_the_due_soon_list(mediator, case, zhang, li):
    later_case = disputes.register(mediator, entry(zhang, li), now=AT + timedelta(days=20))
    assert disputes.deadline(case, DAY) == (30, "正常")
    assert disputes.deadline(case, DAY + timedelta(days=26)) == (4, "即将到期")
    assert disputes.deadline(case, DAY + timedelta(days=30)) == (0, "今日到期")
    assert disputes.deadline(case, DAY + timedelta(days=33))[1] == "已超期"
    assert disputes.due_soon(mediator, DAY + timedelta(days=26)) == [case]
    assert disputes.due_soon(mediator, DAY + timedelta(days=47)) == [case, later_case]
    closed = disputes.withdraw(mediator, case, "双方已自行和解", now=LATER)
    assert disputes.deadline(closed, DAY + timedelta(days=40)) == (None, "")
    assert disputes.due_soon(mediator, DAY + timedelta(days=47)) == [later_case]


# ------------------------------------------------------------------------------------------- outcomes

def test_a_written_agreement_closes_the_case_with_its_terms_and_the_confirmation_window(mediator, case):
    done = disputes.record_agreement(mediator, case, written(3), now=LATER)
    assert done.status == SUCCEEDED and done.agreement_form == WRITTEN
    assert done.closed_on == done.agreed_on == date(2022, 3, 25)
    assert done.agreement_number == "XY-DT00-20220315-0001"
    assert [t.content for t in disputes.terms(done)] == [f"第{i}条：李小河拆除越界围墙{i}米" for i in (1, 2, 3)]
    assert done.confirmation_due == date(2022, 4, 24) and done.follow_up_due == date(2022, 4, 24)
    assert disputes.confirmations_open(mediator, date(2022, 4, 1)) == [done]
    assert disputes.confirmations_open(mediator, date(2022, 4, 25)) == []
    confirmed = disputes.record_confirmation(mediator, done, "綦江区人民法院裁定确认协议有效")
    assert confirmed.confirmation_result.startswith("綦江区")
    assert disputes.confirmations_open(mediator, date(2022, 4, 1)) == []
    assert disputes.list_disputes(mediator, DisputeFilter(text="XY-DT00-20220315-0001")) == [done]


@pytest.mark.parametrize("agreement, field", [
    (AgreementEntry(form=WRITTEN, dispute_points="边界", responsibilities="双方"), "协议条款"),
    (AgreementEntry(form="默契", terms=[]), "协议形式"),
    (AgreementEntry(form=WRITTEN, dispute_points="围墙边界争议", responsibilities="被申请人负主要责任",
                    terms=[TermEntry("拆除围墙", "", "4月30日前", "现场")]), "第 1 条的履行方式"),
    (AgreementEntry(form=WRITTEN, dispute_points="围墙边界争议", responsibilities="被申请人负主要责任",
                    terms=[TermEntry("拆除围墙", "自行拆除", "4月30日前", "现场"),
                           TermEntry("赔偿损失", "现金", "", "现场")]), "第 2 条的履行期限"),
    (AgreementEntry(form=WRITTEN, dispute_points="围墙边界争议", responsibilities="被申请人负主要责任",
                    terms=[TermEntry("拆除围墙", "自行拆除", "4月30日前", "")]), "第 1 条的履行地点"),
    (AgreementEntry(form=WRITTEN, dispute_points="", responsibilities="被申请人负主要责任",
                    terms=[TermEntry("拆除围墙", "自行拆除", "4月30日前", "现场")]), "争议事项"),
    (AgreementEntry(form=ORAL, oral_text="同意"), "口头协议内容"),
    (AgreementEntry(form=ORAL, oral_text="双方口头同意围墙后退半米。", agreed_on=date(2022, 3, 1)), "协议日期"),
])
def test_bad_agreement_names_the_field_and_the_case_stays_open(mediator, case, agreement, field):
    with pytest.raises(ValidationError) as caught:
        disputes.record_agreement(mediator, case, agreement, now=LATER)
    assert caught.value.field == field
    fresh = Dispute.get_by_id(case.id)
    assert fresh.status == MEDIATING and disputes.terms(fresh) == []


def test_an_oral_agreement_is_recorded_by_the_mediator_and_cannot_be_confirmed(mediator, case):
    done = disputes.record_agreement(mediator, case, AgreementEntry(form=ORAL, oral_text="双方口头同意围墙后退半米，当场履行。"),
                                     now=LATER)
    assert (done.status, done.agreement_form, done.agreement_number, done.confirmation_due) == (SUCCEEDED, ORAL, "", None)
    with pytest.raises(ValidationError, match="口头协议"):
        disputes.record_confirmation(mediator, done, "申请司法确认")


def test_failed_mediation_ends_with_the_routes_told(mediator, case):
    with pytest.raises(ValidationError, match="告知"):
        disputes.terminate(mediator, case, "双方分歧过大，无法达成一致", [], now=LATER)
    with pytest.raises(ValidationError, match="告知途径"):
        disputes.terminate(mediator, case, "双方分歧过大，无法达成一致", ["上访"], now=LATER)
    ended = disputes.terminate(mediator, case, "双方分歧过大，无法达成一致", ["诉讼", "仲裁"], now=LATER)
    assert (ended.status, ended.routes, ended.closed_on, ended.due_on) == (TERMINATED, ["诉讼", "仲裁"], date(2022, 3, 25), None)


ACTIONS = {
    "session": lambda u, c: disputes.add_session(u, c, SessionEntry(datetime(2022, 3, 18, 9), "调解室", "王", "双方",
                                                                     "双方陈述了各自意见。"), now=LATER),
    "extend": lambda u, c: disputes.extend(u, c, 10, "双方当事人书面同意延期", now=LATER),
    "agree": lambda u, c: disputes.record_agreement(u, c, written(), now=LATER),
    "terminate": lambda u, c: disputes.terminate(u, c, "双方分歧过大", ["诉讼"], now=LATER),
    "withdraw": lambda u, c: disputes.withdraw(u, c, "申请人撤回", now=LATER),
    "take_on": lambda u, c: disputes.take_on(u, c, now=LATER),
    "follow_up": lambda u, c: disputes.add_follow_up(u, c, FollowUpEntry(date(2022, 3, 26), "王调解", "了解履行情况",
                                                                          "全部履行", "满意"), now=LATER + timedelta(days=1)),
}
ALLOWED = {MEDIATING: {"session", "extend", "agree", "terminate", "withdraw"},
           SUCCEEDED: {"follow_up"}, TERMINATED: set(), WITHDRAWN: set(), REFUSED: set()}


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_step_a_case_cannot_take_is_refused_and_changes_nothing(mediator, zhang, li, status, action):
    case = disputes.register(mediator, entry(zhang, li, refused_reason="被申请人拒绝调解" if status == REFUSED else ""), now=AT)
    if status == SUCCEEDED:
        case = ACTIONS["agree"](mediator, case)
    elif status in (TERMINATED, WITHDRAWN):
        case = ACTIONS["terminate" if status == TERMINATED else "withdraw"](mediator, case)
    before = Dispute.get_by_id(case.id).__data__.copy()
    if action in ALLOWED[status]:
        ACTIONS[action](mediator, case)
        return
    with pytest.raises(ValidationError, match=f"{case.number} 当前为“{status}”"):
        ACTIONS[action](mediator, case)
    assert Dispute.get_by_id(case.id).__data__ == before


def test_a_stale_copy_cannot_close_a_case_twice(mediator, case):
    disputes.withdraw(mediator, case, "申请人撤回", now=LATER)
    with pytest.raises(ValidationError, match="已撤回"):
        disputes.record_agreement(mediator, case, written(), now=LATER)      # `case` still says 调解中


# ------------------------------------------------------------------------------------------ follow-ups

def test_follow_ups_fall_due_and_stop_once_the_agreement_is_performed(mediator, case):
    done = disputes.record_agreement(mediator, case, written(), now=LATER)
    assert disputes.follow_ups_due(mediator, date(2022, 4, 23)) == []
    assert disputes.follow_ups_due(mediator, date(2022, 4, 24)) == [done]
    with pytest.raises(ValidationError, match="下次回访日期"):
        disputes.add_follow_up(mediator, done, FollowUpEntry(date(2022, 4, 24), "王调解", "了解履行情况", "部分履行", "基本满意"),
                               now=datetime(2022, 4, 24, 2))
    disputes.add_follow_up(mediator, done, FollowUpEntry(date(2022, 4, 24), "王调解", "了解履行情况", "部分履行", "基本满意",
                                                         remaining_risk="围墙尚未拆完", next_visit=date(2022, 5, 10)),
                           now=datetime(2022, 4, 24, 2))
    assert disputes.follow_ups_due(mediator, date(2022, 5, 9)) == []
    assert disputes.follow_ups_due(mediator, date(2022, 5, 10)) == [done]
    disputes.add_follow_up(mediator, done, FollowUpEntry(date(2022, 5, 10), "王调解", "复查履行情况", "全部履行", "满意"),
                           now=datetime(2022, 5, 10, 2))
    assert disputes.follow_ups_due(mediator, date(2023, 1, 1)) == []
    assert [(f.performed, f.next_visit) for f in disputes.follow_ups(done)] == [
        ("部分履行", date(2022, 5, 10)), ("全部履行", None)]


@pytest.mark.parametrize("change, field", [
    ({"performed": "差不多"}, "履行情况"), ({"satisfaction": "还行"}, "当事人满意度"), ({"reason": ""}, "回访事由"),
    ({"visited_on": date(2022, 3, 1)}, "回访日期"), ({"visited_on": date(2030, 1, 1)}, "回访日期"),
    ({"next_visit": date(2022, 4, 1)}, "下次回访日期"),
])
def test_bad_follow_up_names_the_field(mediator, case, change, field):
    done = disputes.record_agreement(mediator, case, written(), now=LATER)
    values = dict(visited_on=date(2022, 4, 24), visitor="王调解", reason="了解履行情况", performed="全部履行", satisfaction="满意")
    values.update(change)
    with pytest.raises(ValidationError) as caught:
        disputes.add_follow_up(mediator, done, FollowUpEntry(**values), now=datetime(2022, 4, 25, 2))
    assert caught.value.field == field
    assert disputes.follow_ups(done) == []


# -------------------------------------------------------------------------------- who sees what

def test_mediators_see_their_cases_and_the_lead_sees_all(mediator, other_mediator, lead, case, make_user):
    assert disputes.list_disputes(other_mediator, DisputeFilter()) == []
    with pytest.raises(PermissionDenied):
        disputes.get_dispute(other_mediator, case.number)
    with pytest.raises(PermissionDenied):
        disputes.withdraw(other_mediator, case, "不是我的案件", now=LATER)
    assert disputes.list_disputes(lead, DisputeFilter()) == [case]
    assert disputes.get_dispute(lead, case.number) == case
    disputes.assign(lead, case, ["tiaojie2"])
    assert disputes.list_disputes(other_mediator, DisputeFilter()) == [case]
    with pytest.raises(PermissionDenied):
        disputes.assign(mediator, case, ["tiaojie"])
    window = make_user("window", username="chuangkou")
    with pytest.raises(PermissionDenied):
        disputes.list_disputes(window, DisputeFilter())


def test_opening_a_case_is_audited(mediator, case):
    disputes.get_dispute(mediator, case.number.lower())
    line = audit.AuditEntry.select().where(audit.AuditEntry.action == "view_sensitive").get()
    assert line.created_by == "tiaojie" and case.number in line.summary


def test_search_finds_by_number_name_phone_and_id_and_masks_fragments(mediator, case, lead, monkeypatch):
    for text in ("TJ-DT00-20220315-0001", "张大山", "李", "13900000002", "0002", "邻里", "石龙", "19900101"):
        assert disputes.list_disputes(mediator, DisputeFilter(text=text)) == [case], text
    assert disputes.count_disputes(mediator, DisputeFilter(text="张")) == 1
    assert disputes.list_disputes(mediator, DisputeFilter(text="王五")) == []
    monkeypatch.setattr(type(lead), "can", lambda self, p: p != "people.full_id")
    assert disputes.list_disputes(lead, DisputeFilter(text="19900101")) == []
    assert disputes.list_disputes(lead, DisputeFilter(text="500222199001011237")) == [case]


def test_filters_and_pages(mediator, zhang, li):
    cases = [disputes.register(mediator, entry(zhang, li, dispute_type=t), now=AT + timedelta(days=i))
             for i, t in enumerate(["邻里纠纷", "合同纠纷", "邻里纠纷"])]
    assert disputes.list_disputes(mediator, DisputeFilter(dispute_type="邻里纠纷")) == [cases[2], cases[0]]
    assert disputes.list_disputes(mediator, DisputeFilter(date_from=date(2022, 3, 16), date_to=date(2022, 3, 16))) == [cases[1]]
    first = disputes.list_disputes(mediator, DisputeFilter(), limit=2)
    assert first + disputes.list_disputes(mediator, DisputeFilter(), before_id=first[-1].id, limit=2) == cases[::-1]
    assert disputes.count_disputes(mediator, DisputeFilter(statuses=(MEDIATING,))) == 3
    with pytest.raises(ValidationError, match="状态"):
        disputes.list_disputes(mediator, DisputeFilter(statuses=("办结",)))


# ------------------------------------------------------------------------ the grid worker's hand-over

def test_a_grid_finding_becomes_a_referral_linked_both_ways(make_user, mediator, zhang, li):
    grid = make_user("grid", username="wangge")
    with pytest.raises(PermissionDenied):
        disputes.register(grid, entry(zhang, li), now=AT)
    finding = "7d4f3c1e-0000-4000-8000-000000000001"
    referred = disputes.refer_from_grid(grid, finding, entry(zhang, li), note="巡查发现邻里因围墙争吵", now=AT)
    assert (referred.status, referred.source, referred.origin_uid, referred.due_on) == (REFERRED, "网格上报", finding, None)
    assert disputes.disputes_from_finding(finding) == [referred]
    assert disputes.referrals(mediator) == [referred]                 # every mediator sees waiting referrals
    taken = disputes.take_on(mediator, referred, now=LATER)
    assert (taken.status, taken.accepted_on, taken.mediators) == (MEDIATING, date(2022, 3, 25), ["tiaojie"])
    assert taken.due_on == date(2022, 4, 24)
    assert disputes.referrals(mediator) == []


def test_upgraded_fixture_has_the_lists_and_takes_a_dispute(tmp_path):
    import shutil
    from pathlib import Path

    from models import accounts, setup
    from models.db import close_database

    path = tmp_path / "v3.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema_v3.db", path)
    setup.open_app_database(path)
    try:
        assert len(codes.names("dispute_type")) == 17
        admin = accounts.authenticate("admin", "Admin2022x")
        zhang = people.Person.get(people.Person.name == "张三")
        org = people.Organisation.get()
        case = disputes.register(admin, DisputeEntry(parties=[PartyEntry(zhang, "申请人"), PartyEntry(org, "被申请人")],
                                                     facts="张三与合作社因土地流转费用发生纠纷。", dispute_type="土地承包经营纠纷"))
        assert case.number.startswith("TJ-DT00-")
        assert disputes.list_disputes(admin, DisputeFilter(text="合作社")) == [case]
    finally:
        close_database()


def test_a_username_with_a_wildcard_character_sees_only_its_own_cases(make_user, lead, zhang, li):
    exact = make_user("mediator", username="wang_a")
    lookalike = make_user("mediator", username="wangxa")
    case = disputes.register(lead, entry(zhang, li, mediators=["wang_a"]), now=AT)
    assert disputes.list_disputes(exact, DisputeFilter(mine=True)) == [case]
    assert disputes.list_disputes(lookalike, DisputeFilter()) == []


def test_allowed_steps_follow_the_status_and_say_why_not(mediator, case):
    assert {k for k, why in disputes.allowed_steps(case).items() if not why} == {
        "session", "extend", "agreement", "terminate", "withdraw"}
    extended = disputes.extend(mediator, case, 10, "双方当事人书面同意延期", now=LATER)
    assert "已延期过一次" in disputes.allowed_steps(extended)["extend"]
    oral = disputes.record_agreement(mediator, extended, AgreementEntry(form=ORAL, oral_text="双方口头同意围墙后退半米。"),
                                     now=LATER)
    steps = disputes.allowed_steps(oral)
    assert {k for k, why in steps.items() if not why} == {"follow_up"}
    assert steps["confirmation"] == "口头协议不能申请司法确认。"
    assert steps["session"] == "案件当前为“调解成功”，不能记录笔录。"


def test_a_refusal_needs_its_reason(mediator, zhang, li):
    with pytest.raises(ValidationError) as caught:
        disputes.register(mediator, entry(zhang, li, refused=True), now=AT)
    assert caught.value.field == "不予受理的理由"
    assert Dispute.select().count() == 0


def test_handing_over_leaves_the_callers_entry_as_it_was(make_user, zhang, li):
    grid = make_user("grid", username="wangge")
    mine = entry(zhang, li, mediators=["tiaojie"])
    disputes.refer_from_grid(grid, "7d4f3c1e-0000-4000-8000-000000000002", mine, now=AT)
    assert mine.mediators == ["tiaojie"]
