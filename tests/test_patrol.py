"""网格巡查 in models/: grids and who sees them, patrol logs with findings of every kind (linked both ways),
the event flow, hazard deadlines and verification, help requests, premises inspections, search, bad input."""

from datetime import date, datetime, time, timedelta

import pytest

from models import audit, codes
from models.db import to_utc
from models.errors import PermissionDenied, ValidationError
from models.mediation import disputes
from models.mediation.disputes import DisputeEntry, PartyEntry
from models.mediation.tables import REFERRED, Dispute
from models.patrol import events, grids, hazards, helps, patrols, premises
from models.patrol.events import EventEntry
from models.patrol.grids import GridEntry
from models.patrol.hazards import HazardEntry
from models.patrol.helps import HelpEntry
from models.patrol.patrols import FindingEntry, InspectionEntry, PatrolEntry, PatrolFilter
from models.patrol.premises import PremisesEntry
from models.patrol.tables import (
    EV_ACCEPTED, EV_ASSIGNED, EV_CLOSED, EV_HANDLED, EV_RATED, EV_REPORTED, HELP_CLOSED, HELP_OPEN, HZ_CLEARED,
    HZ_OPEN, HZ_RECTIFIED, EventStep, Finding, Hazard, HelpRequest, Inspection, PatrolLog,
)
from models.deadlines import DUE_SOON, DUE_TODAY, NO_DEADLINE, ON_TIME, OVERDUE

NIGHT = date(2022, 7, 15)
NOW = to_utc(datetime(2022, 7, 16, 9, 0))
LATER = to_utc(datetime(2022, 8, 10, 9, 0))


def entry(**changes) -> PatrolEntry:
    values = dict(patrol_date=NIGHT, shift="夜间", start=time(20, 0), end=time(1, 30), patrol_type="夜间巡逻",
                  grids=["DT-01"], route="打通村正街—学校—河堤", leader="刘小燕", participants=["陈大勇"], others=18,
                  weather="晴", overview="夜间巡逻，发现三处问题。")
    values.update(changes)
    return PatrolEntry(**values)


def hazard_entry(**changes) -> HazardEntry:
    values = dict(category="消防通道堵塞", requirement="三日内清理通道杂物", responsible="王老板（便民超市）",
                  deadline=NIGHT + timedelta(days=3), responsible_phone="13900000003")
    values.update(changes)
    return HazardEntry(**values)


def three_findings(residents):
    zhang, li = residents
    return [
        FindingEntry(HAZARD_KIND, "消防安全", "正街便民超市后门", "后门消防通道堆放纸箱", measure="当场告知业主",
                     hazard=hazard_entry()),
        FindingEntry(HELP_KIND, "民生诉求", "河堤", "独居老人夜间迷路求助", measure="送老人回家",
                     help=HelpEntry(requester="赵阿婆", help_type="出行帮助", closing="当场解决",
                                    result="已送回家并告知家属")),
        FindingEntry(DISPUTE_KIND, "矛盾纠纷", "打通村3组", "两户因排水沟堵塞争吵", measure="劝开双方",
                     dispute=DisputeEntry(parties=[PartyEntry(zhang, "申请人"), PartyEntry(li, "被申请人")],
                                          facts="张大山与李小河因排水沟堵塞发生争吵，需调解。", dispute_type="邻里纠纷",
                                          village="打通村")),
    ]


HAZARD_KIND, HELP_KIND, DISPUTE_KIND = "隐患", "群众求助", "矛盾纠纷"


# ------------------------------------------------------------------------------------------ grids

def test_grid_worker_sees_only_own_grids_and_lead_sees_all(admin, worker, worker2, lead, grid_a, grid_b):
    assert [g.code for g in grids.visible_grids(worker)] == ["DT-01"]
    assert [g.code for g in grids.visible_grids(lead)] == ["DT-01", "DT-02"]
    assert grids.member_names(grid_a) == ["测试网格员（专职）"]
    with pytest.raises(PermissionDenied):
        grids.check_grid(worker, "DT-02")
    with pytest.raises(PermissionDenied):
        grids.save_grid(worker, GridEntry("DT-09", "x", "打通村"))
    assert grids.coverage() == {"grids": 2, "staffed": 2, "rate": 1.0}


@pytest.mark.parametrize("changes, field", [
    ({"code": "dt 1"}, "网格编码"), ({"code": "DT-01"}, "网格编码"), ({"name": ""}, "网格名称"),
    ({"village": " "}, "所属村（社区）"), ({"households": "很多"}, "户数"), ({"population": -1}, "人口数"),
    ({"members": [("nobody", "专职")]}, "网格员"), ({"members": [("wangge", "临时")]}, "网格员"),
])
def test_grid_bad_input_names_the_field(admin, grid_a, changes, field):
    values = dict(code="DT-05", name="第五网格", village="打通村")
    values.update(changes)
    with pytest.raises(ValidationError) as err:
        grids.save_grid(admin, GridEntry(**values))
    assert err.value.field == field


def test_grid_members_replaced_and_audited(admin, worker, worker2, grid_a):
    grids.save_grid(admin, GridEntry("DT-01", "打通村第一网格", "打通村", members=[("wangge2", "专职")]), grid_a)
    assert [m.username for m in grids.members(grid_a)] == ["wangge2"]
    assert grids.visible_grids(worker) == []
    assert any("移除网格员 wangge" in e.summary for e in audit.recent())


def test_a_user_without_patrol_rights_cannot_be_a_grid_worker(admin, make_user):
    make_user("window", username="chuangkou")
    with pytest.raises(ValidationError, match="没有网格巡查权限"):
        grids.save_grid(admin, GridEntry("DT-07", "第七网格", "打通村", members=[("chuangkou", "专职")]))


# ------------------------------------------------------------------------------------------ patrols

def test_night_patrol_with_three_findings_writes_linked_records(worker, grid_a, residents):
    patrol = patrols.log_patrol(worker, entry(findings=three_findings(residents)), now=NOW)
    assert patrol.number == "XC-DT00-20220715-0001"
    assert patrol.participants == ["刘小燕", "陈大勇"] and patrol.person_times == 20
    assert patrols.local_times(patrol) == "20:00—次日01:30"
    found = patrols.findings(patrol)
    assert [f.kind for f in found] == ["隐患", "群众求助", "矛盾纠纷"]
    hazard = patrols.target_of(found[0])
    assert isinstance(hazard, Hazard) and hazard.number == "YH-DT00-20220715-0001"
    assert hazard.finding_id == found[0].id and hazard.place == "正街便民超市后门" and hazard.status == HZ_OPEN
    request = patrols.target_of(found[1])
    assert isinstance(request, HelpRequest) and request.status == HELP_CLOSED and request.closing == "当场解决"
    dispute = patrols.target_of(found[2])
    assert isinstance(dispute, Dispute) and dispute.status == REFERRED and dispute.source == "网格上报"
    assert dispute.origin_uid == str(found[2].uid) and found[2].target_number == dispute.number
    assert disputes.disputes_from_finding(str(found[2].uid)) == [dispute]
    assert patrols.finding_of(dispute.origin_uid).patrol_id == patrol.id


def test_a_bad_finding_writes_nothing_at_all(worker, grid_a, residents):
    findings = three_findings(residents)
    findings[2].dispute.dispute_type = "不存在的类型"
    with pytest.raises(ValidationError) as err:
        patrols.log_patrol(worker, entry(findings=findings), now=NOW)
    assert err.value.field == "纠纷类型"
    for model in (PatrolLog, Finding, Hazard, HelpRequest, Dispute):
        assert model.select().count() == 0
    assert patrols.log_patrol(worker, entry(), now=NOW).number == "XC-DT00-20220715-0001"   # no number used up


def test_a_failure_while_writing_rolls_everything_back(worker, grid_a, residents, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(disputes, "refer_from_grid", broken)
    with pytest.raises(RuntimeError):
        patrols.log_patrol(worker, entry(findings=three_findings(residents)), now=NOW)
    for model in (PatrolLog, Finding, Hazard, HelpRequest, Dispute):
        assert model.select().count() == 0


@pytest.mark.parametrize("changes, field", [
    ({"patrol_date": date(2022, 7, 17)}, "巡查日期"), ({"patrol_date": None}, "巡查日期"),
    ({"shift": "白班"}, "班次"), ({"start": None}, "开始时间"), ({"end": time(20, 0)}, "结束时间"),
    ({"patrol_type": "散步"}, "巡查类型"), ({"grids": []}, "巡查网格"), ({"grids": ["XX-99"]}, "巡查网格"),
    ({"route": ""}, "巡查地点或路线"), ({"leader": " "}, "带队人"), ({"others": "十几个"}, "其他参加人数"),
    ({"others": -3}, "其他参加人数"), ({"weather": "台风"}, "天气"),
    ({"inspections": [None]}, "检查场所"),
])
def test_patrol_bad_input_names_the_field(worker, grid_a, changes, field):
    with pytest.raises(ValidationError) as err:
        patrols.log_patrol(worker, entry(**changes), now=NOW)
    assert err.value.field == field
    assert PatrolLog.select().count() == 0


def test_start_in_the_future_is_refused(worker, grid_a):
    with pytest.raises(ValidationError) as err:
        patrols.log_patrol(worker, entry(patrol_date=date(2022, 7, 16), shift="日间", start=time(10, 0),
                                         end=time(11, 0)), now=NOW)
    assert err.value.field == "开始时间"


@pytest.mark.parametrize("finding, field", [
    (FindingEntry("随便", "消防安全", "x", "问题"), "第 1 条发现的处理方式"),
    (FindingEntry("当场处理", "天气", "x", "问题", "措施"), "第 1 条发现的问题类别"),
    (FindingEntry("当场处理", "消防安全", "", "问题", "措施"), "第 1 条发现的地点"),
    (FindingEntry("当场处理", "消防安全", "x", "", "措施"), "第 1 条发现的问题"),
    (FindingEntry("当场处理", "消防安全", "x", "问题"), "第 1 条发现的处理措施"),
    (FindingEntry("隐患", "消防安全", "x", "问题"), "第 1 条发现的隐患信息"),
    (FindingEntry("事件", "消防安全", "x", "问题"), "第 1 条发现的事件信息"),
    (FindingEntry("群众求助", "消防安全", "x", "问题"), "第 1 条发现的求助信息"),
    (FindingEntry("矛盾纠纷", "消防安全", "x", "问题"), "第 1 条发现的纠纷信息"),
    (FindingEntry("隐患", "消防安全", "x", "问题堆物", hazard=hazard_entry(deadline=NIGHT - timedelta(days=1))),
     "整改期限"),
    (FindingEntry("隐患", "消防安全", "x", "问题堆物", hazard=hazard_entry(deadline=None)), "整改期限"),
    (FindingEntry("隐患", "消防安全", "x", "问题堆物", hazard=hazard_entry(responsible="")), "整改责任人"),
    (FindingEntry("隐患", "消防安全", "x", "问题堆物", hazard=hazard_entry(category="x")), "隐患类别"),
    (FindingEntry("隐患", "消防安全", "x", "问题堆物", hazard=hazard_entry(responsible_phone="12")), "责任人电话"),
    (FindingEntry("事件", "消防安全", "x", "问题", event=EventEntry("")), "事件名称"),
    (FindingEntry("事件", "消防安全", "x", "问题", event=EventEntry("占道", scale="超大")), "事件规模"),
    (FindingEntry("事件", "消防安全", "x", "问题", event=EventEntry("占道", due_on=NIGHT - timedelta(days=1))),
     "办结期限"),
    (FindingEntry("群众求助", "民生诉求", "x", "迷路", help=HelpEntry(help_type="出行帮助")), "求助人"),
    (FindingEntry("群众求助", "民生诉求", "x", "迷路", help=HelpEntry("赵", help_type="借钱")), "求助类别"),
    (FindingEntry("群众求助", "民生诉求", "x", "迷路", help=HelpEntry("赵", "出行帮助", closing="随便")), "办结方式"),
    (FindingEntry("群众求助", "民生诉求", "x", "迷路", help=HelpEntry("赵", "出行帮助", closing="当场解决")), "办结情况"),
])
def test_finding_bad_input_names_the_field(worker, grid_a, finding, field):
    with pytest.raises(ValidationError) as err:
        patrols.log_patrol(worker, entry(findings=[finding]), now=NOW)
    assert err.value.field == field
    assert PatrolLog.select().count() == Finding.select().count() == 0


def test_finding_grid_must_be_one_of_the_patrols(admin, worker, grid_a, grid_b, lead):
    finding = FindingEntry("当场处理", "市容秩序", "石门村口", "乱堆柴草", "当场清理", grid="DT-02")
    with pytest.raises(PermissionDenied):
        patrols.log_patrol(worker, entry(findings=[finding]), now=NOW)
    with pytest.raises(ValidationError, match="不在本次巡查的网格中"):
        patrols.log_patrol(lead, entry(findings=[finding]), now=NOW)
    patrol = patrols.log_patrol(lead, entry(grids=["DT-01", "DT-02"], findings=[finding]), now=NOW)
    assert patrol.grid_codes == ["DT-01", "DT-02"]


def test_patrols_are_seen_in_their_grids_only(worker, worker2, lead, grid_a, grid_b):
    mine = patrols.log_patrol(worker, entry(), now=NOW)
    theirs = patrols.log_patrol(worker2, entry(grids=["DT-02"], leader="周兼职"), now=NOW)
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter())] == [mine.number]
    assert [p.number for p in patrols.list_patrols(lead, PatrolFilter())] == [theirs.number, mine.number]
    with pytest.raises(ValidationError):
        patrols.get_patrol(worker, theirs.number)
    assert patrols.count_patrols(lead, PatrolFilter(grid_id=grid_b.id)) == 1


def test_patrol_search_and_filters(worker, grid_a, residents):
    night = patrols.log_patrol(worker, entry(findings=three_findings(residents)), now=NOW)
    day = patrols.log_patrol(worker, entry(shift="日间", start=time(9, 0), end=time(11, 0), patrol_type="日常巡查",
                                           route="石桥—卫生院", participants=[], others=0), now=NOW)
    assert day.person_times == 1
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(text="卫生院"))] == [day.number]
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(text="超市后门"))] == [night.number]
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(text="陈大勇"))] == [night.number]
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(text=night.number))] == [night.number]
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(shift="夜间"))] == [night.number]
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(with_findings=True))] == [night.number]
    assert patrols.finding_counts([night.id, day.id]) == {night.id: 3}
    assert patrols.count_patrols(worker, PatrolFilter(date_from=NIGHT, date_to=NIGHT)) == 2
    with pytest.raises(ValidationError) as err:
        patrols.list_patrols(worker, PatrolFilter(date_from=NIGHT, date_to=NIGHT - timedelta(days=1)))
    assert err.value.field == "巡查日期"


def test_finding_added_later_keeps_numbering_and_links(worker, grid_a):
    patrol = patrols.log_patrol(worker, entry(), now=NOW)
    finding = patrols.add_finding(worker, patrol, FindingEntry(
        "事件", "市容秩序", "正街", "占道经营", event=EventEntry("正街占道经营", people_involved=2)), now=NOW)
    assert finding.position == 0 and finding.target_number == "SJ-DT00-20220715-0001"
    assert [p.number for p in patrols.list_patrols(worker, PatrolFilter(text="正街"))] == [patrol.number]


def test_worker_patrols_for_the_monthly_book(worker, grid_a):
    led = patrols.log_patrol(worker, entry(leader="测试网格员", participants=[]), now=NOW)
    joined = patrols.log_patrol(worker, entry(leader="刘小燕", participants=["测试网格员"]), now=NOW)
    got = patrols.worker_patrols(worker, "测试网格员", "nobody", date(2022, 7, 1), date(2022, 7, 31))
    assert [p.number for p in got] == [led.number, joined.number]
    assert patrols.worker_patrols(worker, "测试网格员", "nobody", date(2022, 8, 1), date(2022, 8, 31)) == []
    assert [p.number for p in patrols.worker_patrols(worker, "别人", "wangge", date(2022, 7, 1), date(2022, 7, 31))] \
        == [led.number, joined.number]       # both recorded by wangge


# ------------------------------------------------------------------------------------------ events

def _event(worker, **changes):
    values = dict(title="正街占道经营", people_involved=2, party="摊主若干")
    values.update(changes)
    patrol = patrols.log_patrol(worker, entry(findings=[FindingEntry(
        "事件", "市容秩序", "正街", "夜市摊点占用车道", event=EventEntry(**values))]), now=NOW)
    return patrols.target_of(patrols.findings(patrol)[0])


def test_event_flow_every_step_dated_attributed_and_audited(worker, lead, grid_a):
    event = _event(worker)
    assert event.status == EV_REPORTED and event.due_on == NIGHT + timedelta(days=7)
    event = events.accept(lead, event, "属实", now=NOW)
    event = events.assign(lead, event, "镇综合执法办", due_on=date(2022, 7, 20), now=NOW)
    assert event.due_on == date(2022, 7, 20)
    event = events.handle(worker, event, "执法队员劝离摊主，恢复通行", now=NOW)
    event = events.close(lead, event, "复核已恢复通行", on=date(2022, 7, 16), now=NOW)
    event = events.rate(lead, event, "满意", "群众认可", now=NOW)
    assert event.status == EV_RATED and event.rating == "满意" and event.closed_on == date(2022, 7, 16)
    history = events.steps(event)
    assert [s.step for s in history] == [EV_REPORTED, EV_ACCEPTED, EV_ASSIGNED, EV_HANDLED, EV_CLOSED, EV_RATED]
    assert [s.by for s in history] == ["测试网格员", "测试网格长", "测试网格长", "测试网格员", "测试网格长", "测试网格长"]
    assert all(s.at is not None for s in history)
    summaries = [e.summary for e in audit.recent() if e.record_uid == str(event.uid)]
    for verb in ("上报事件", "受理", "分派", "处置", "办结", "评价"):
        assert any(verb in s for s in summaries), verb


def test_event_steps_out_of_order_or_without_the_right_are_refused(worker, lead, grid_a):
    event = _event(worker)
    with pytest.raises(PermissionDenied):
        events.accept(worker, event)                          # the centre accepts, not the worker
    with pytest.raises(ValidationError, match="不能处置"):
        events.handle(worker, event, "已处理完毕")
    assert events.allowed_steps(worker, event)["accept"] == "受理需由网格长或综治中心办理。"
    assert events.allowed_steps(lead, event)["accept"] == ""
    assert events.allowed_steps(lead, event)["close"].startswith("事件当前为“已上报”")
    events.accept(lead, event, now=NOW)
    with pytest.raises(ValidationError, match="不能受理"):
        events.accept(lead, event, now=NOW)
    assert EventStep.select().count() == 2


def test_event_due_dates_and_overdue_colour(worker, lead, grid_a):
    general = _event(worker)
    urgent = _event(worker, title="河堤护栏倒塌", scale="重大")
    assert urgent.due_on == NIGHT + timedelta(days=1)
    assert events.deadline(general, NIGHT + timedelta(days=7)) == (0, DUE_TODAY)
    assert events.deadline(general, NIGHT + timedelta(days=5)) == (2, DUE_SOON)
    assert events.deadline(general, NIGHT + timedelta(days=1)) == (6, ON_TIME)
    assert events.deadline(general, NIGHT + timedelta(days=8))[1] == OVERDUE
    assert [e.number for e in events.due_soon(worker, NIGHT + timedelta(days=2))] == [urgent.number]
    assert events.count_events(worker, events.EventFilter(overdue_on=NIGHT + timedelta(days=2))) == 1
    for step in (lambda e: events.accept(lead, e, now=NOW), lambda e: events.assign(lead, e, "村委", now=NOW),
                 lambda e: events.handle(worker, e, "已修复护栏", now=NOW),
                 lambda e: events.close(lead, e, "已修复", on=date(2022, 7, 17), now=LATER)):
        urgent = step(urgent)
    assert events.deadline(urgent, NIGHT + timedelta(days=30)) == (None, NO_DEADLINE)
    assert events.closed_late(urgent)


def test_event_bad_step_input(worker, lead, grid_a):
    event = events.accept(lead, _event(worker), now=NOW)
    with pytest.raises(ValidationError) as err:
        events.assign(lead, event, " ")
    assert err.value.field == "承办单位或人员"
    with pytest.raises(ValidationError) as err:
        events.assign(lead, event, "村委", due_on=date(2022, 7, 1), now=NOW)
    assert err.value.field == "办结期限"
    event = events.handle(worker, events.assign(lead, event, "村委", now=NOW), "已处置完毕", now=NOW)
    with pytest.raises(ValidationError) as err:
        events.close(lead, event, "已核查完毕", on=date(2022, 7, 14), now=NOW)
    assert err.value.field == "办结日期"
    event = events.close(lead, event, "已核查", on=date(2022, 7, 16), now=NOW)
    with pytest.raises(ValidationError) as err:
        events.rate(lead, event, "很好")
    assert err.value.field == "评价"


def test_event_outside_the_workers_grids_is_refused(worker, worker2, lead, grid_a, grid_b):
    event = events.accept(lead, _event(worker), now=NOW)
    event = events.assign(lead, event, "村委", now=NOW)
    with pytest.raises(PermissionDenied):
        events.handle(worker2, event, "我来处理一下")
    with pytest.raises(ValidationError):
        events.get_event(worker2, event.number)


# ------------------------------------------------------------------------------------------ hazards

def _hazard(worker, **changes):
    patrol = patrols.log_patrol(worker, entry(findings=[FindingEntry(
        "隐患", "消防安全", "正街便民超市后门", "后门消防通道堆放纸箱", hazard=hazard_entry(**changes))]), now=NOW)
    return patrols.target_of(patrols.findings(patrol)[0])


def test_hazard_deadline_states_and_overdue_list(worker, grid_a):
    hazard = _hazard(worker)
    assert hazard.deadline == date(2022, 7, 18)
    assert hazards.deadline(hazard, date(2022, 7, 16)) == (2, DUE_SOON)
    assert hazards.deadline(hazard, date(2022, 7, 18)) == (0, DUE_TODAY)
    assert hazards.deadline(hazard, date(2022, 7, 19)) == (-1, OVERDUE)
    assert hazards.overdue(worker, date(2022, 7, 18)) == []
    assert [h.number for h in hazards.overdue(worker, date(2022, 7, 19))] == [hazard.number]
    assert hazards.count_hazards(worker, hazards.HazardFilter(overdue_on=date(2022, 7, 19))) == 1


def test_hazard_rectified_then_verified_clears_it(worker, grid_a):
    hazard = _hazard(worker)
    hazard = hazards.rectify(worker, hazard, "纸箱已清走，通道畅通", on=date(2022, 7, 17), now=LATER)
    assert hazard.status == HZ_RECTIFIED
    assert hazards.deadline(hazard, date(2022, 7, 30)) == (None, NO_DEADLINE)     # not overdue while waiting
    assert [h.number for h in hazards.due_soon(worker, date(2022, 7, 30))] == [hazard.number]
    check = hazards.verify(worker, hazard, "合格", "现场复查通道畅通", on=date(2022, 7, 18), now=LATER)
    hazard = Hazard.get_by_id(hazard.id)
    assert check.result == "合格" and hazard.status == HZ_CLEARED and hazard.cleared_on == date(2022, 7, 18)
    assert hazard.verified_by == "测试网格员"
    with pytest.raises(ValidationError, match="不能复查"):
        hazards.verify(worker, hazard, "合格", on=date(2022, 7, 19), now=LATER)


def test_failed_verification_sets_a_new_deadline(worker, grid_a):
    hazard = _hazard(worker)
    hazard = hazards.rectify(worker, hazard, "部分纸箱清走", on=date(2022, 7, 17), now=LATER)
    with pytest.raises(ValidationError) as err:
        hazards.verify(worker, hazard, "不合格", "仍有堆放", on=date(2022, 7, 18), now=LATER)
    assert err.value.field == "新的整改期限"
    with pytest.raises(ValidationError) as err:
        hazards.verify(worker, hazard, "不合格", "", on=date(2022, 7, 18), new_deadline=date(2022, 7, 25), now=LATER)
    assert err.value.field == "复查情况"
    hazards.verify(worker, hazard, "不合格", "仍有堆放", on=date(2022, 7, 18), new_deadline=date(2022, 7, 25), now=LATER)
    hazard = Hazard.get_by_id(hazard.id)
    assert (hazard.status, hazard.deadline, hazard.deadlines, hazard.rectified_on) == (HZ_OPEN, date(2022, 7, 25), 2, None)
    assert hazards.overdue(worker, date(2022, 7, 24)) == []
    # found rectified on the next visit without a report first
    hazards.verify(worker, hazard, "合格", "已清理", on=date(2022, 7, 24), now=LATER)
    hazard = Hazard.get_by_id(hazard.id)
    assert hazard.status == HZ_CLEARED and hazard.rectified_on == date(2022, 7, 24)
    assert [c.result for c in hazards.checks(hazard)] == ["不合格", "合格"]


def test_hazard_step_bad_dates(worker, grid_a):
    hazard = _hazard(worker)
    with pytest.raises(ValidationError) as err:
        hazards.rectify(worker, hazard, "已清理干净", on=date(2022, 7, 14), now=LATER)
    assert err.value.field == "整改日期"
    with pytest.raises(ValidationError) as err:
        hazards.rectify(worker, hazard, "已清理干净", on=date(2022, 9, 1), now=LATER)
    assert err.value.field == "整改日期"
    with pytest.raises(ValidationError) as err:
        hazards.verify(worker, hazard, "还行", now=LATER)
    assert err.value.field == "复查结果"


# ------------------------------------------------------------------------------------------ help requests

def test_open_help_request_closed_later(worker, grid_a, residents):
    zhang, _li = residents
    patrol = patrols.log_patrol(worker, entry(findings=[FindingEntry(
        "群众求助", "民生诉求", "打通村3组", "家中老人需要就医车辆", help=HelpEntry(person=zhang, help_type="就医帮助"))]),
        now=NOW)
    request = patrols.target_of(patrols.findings(patrol)[0])
    assert request.status == HELP_OPEN and request.requester == "张大山" and request.phone == "13800000001"
    assert [r.number for r in helps.open_requests(worker)] == [request.number]
    with pytest.raises(ValidationError) as err:
        helps.close(worker, request, "协调解决", "", now=LATER)
    assert err.value.field == "办结情况"
    request = helps.close(worker, request, "协调解决", "联系村卫生室车辆送医", on=date(2022, 7, 16), now=LATER)
    assert request.status == HELP_CLOSED and request.closed_by == "测试网格员"
    with pytest.raises(ValidationError, match="已办结"):
        helps.close(worker, request, "协调解决", "再次办结", now=LATER)
    assert helps.count_requests(worker, text="张大山") == 1


# ------------------------------------------------------------------------------------------ premises

def test_inspection_patrol_counts_premises_visits_and_hazards(worker, grid_a):
    ktv = premises.save_premises(worker, PremisesEntry("金嗓子KTV", "KTV", "打通镇正街12号", grid="DT-01"))
    shop = premises.save_premises(worker, PremisesEntry("便民超市", "商铺", "打通镇正街3号", grid="DT-01"))
    assert ktv.key_venue and not shop.key_venue and ktv.village == "打通村"
    for days in (0, 10):
        patrols.log_patrol(worker, entry(
            patrol_date=NIGHT - timedelta(days=days), patrol_type="重点场所检查", inspections=[
                InspectionEntry(ktv, "合格", "消防器材齐全"),
                InspectionEntry(shop, "发现隐患", hazards=[hazard_entry(description="灭火器过期", category="灭火器材缺失或失效")]),
            ]), now=NOW)
    counts = premises.inspection_counts(date(2022, 7, 1), date(2022, 7, 31))
    assert counts == {"premises": 2, "visits": 4, "hazards": 2}
    assert premises.inspection_counts(date(2022, 7, 1), date(2022, 7, 31), key_only=True) == \
        {"premises": 1, "visits": 2, "hazards": 0}
    shop_hazard = Hazard.select().where(Hazard.premises == shop).first()
    assert shop_hazard.place == "打通镇正街3号" and shop_hazard.inspection is not None
    assert [h.number for h in hazards.list_hazards(worker, hazards.HazardFilter(text="便民超市"))][-1] == shop_hazard.number
    assert len(premises.inspections_of(ktv)) == 2


@pytest.mark.parametrize("inspection, field", [
    (lambda s: InspectionEntry(s, "很好"), "便民超市的检查结果"),
    (lambda s: InspectionEntry(s, "发现隐患"), "隐患"),
    (lambda s: InspectionEntry(s, "合格", hazards=[hazard_entry(description="灭火器过期")]), "检查结果"),
    (lambda s: InspectionEntry(s, "发现隐患", hazards=[hazard_entry()]), "隐患描述"),
])
def test_inspection_bad_input(worker, grid_a, inspection, field):
    shop = premises.save_premises(worker, PremisesEntry("便民超市", "商铺", "打通镇正街3号"))
    with pytest.raises(ValidationError) as err:
        patrols.log_patrol(worker, entry(patrol_type="消防安全检查", inspections=[inspection(shop)]), now=NOW)
    assert err.value.field == field
    assert Inspection.select().count() == 0


def test_inspections_only_on_inspection_patrols_and_once_per_premises(worker, grid_a):
    shop = premises.save_premises(worker, PremisesEntry("便民超市", "商铺", "打通镇正街3号"))
    with pytest.raises(ValidationError, match="只有消防安全检查、重点场所检查"):
        patrols.log_patrol(worker, entry(inspections=[InspectionEntry(shop, "合格")]), now=NOW)
    with pytest.raises(ValidationError, match="登记了两次"):
        patrols.log_patrol(worker, entry(patrol_type="消防安全检查", inspections=[
            InspectionEntry(shop, "合格"), InspectionEntry(shop, "合格")]), now=NOW)
    premises.set_active(worker, shop, False)
    with pytest.raises(ValidationError, match="已停业注销"):
        patrols.log_patrol(worker, entry(patrol_type="消防安全检查", inspections=[InspectionEntry(shop, "合格")]), now=NOW)


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "场所名称"), ({"kind": "夜总会"}, "场所类别"), ({"address": ""}, "地址"),
    ({"phone": "123"}, "联系电话"), ({"grid": "ZZ-1"}, "所属网格"),
])
def test_premises_bad_input(worker, grid_a, changes, field):
    values = dict(name="便民超市", kind="商铺", address="正街3号")
    values.update(changes)
    with pytest.raises(ValidationError) as err:
        premises.save_premises(worker, PremisesEntry(**values))
    assert err.value.field == field


def test_premises_duplicate_refused(worker, grid_a):
    premises.save_premises(worker, PremisesEntry("便民超市", "商铺", "正街3号"))
    with pytest.raises(ValidationError, match="已登记"):
        premises.save_premises(worker, PremisesEntry("便民超市", "商铺", "正街3号"))
    assert [p.name for p in premises.list_premises(worker, "超市")] == ["便民超市"]


def test_editable_patrol_type_is_offered_and_retired_one_refused(admin, worker, grid_a):
    codes.save_item(admin, "patrol_type", "森林防火", "春节、清明重点巡查")
    assert patrols.log_patrol(worker, entry(patrol_type="森林防火"), now=NOW).patrol_type == "森林防火"
    item = [i for i in codes.items("patrol_type") if i.name == "反诈宣传"][0]
    codes.set_active(admin, item, False)
    with pytest.raises(ValidationError) as err:
        patrols.log_patrol(worker, entry(patrol_type="反诈宣传"), now=NOW)
    assert err.value.field == "巡查类型"


def test_care_colour_intervals_are_editable_numbers(admin):
    red = [i for i in codes.items("care_colour") if i.name == "红"][0]
    assert red.number == 7 and codes.number_of("care_colour", "绿") == 90
    codes.save_item(admin, "care_colour", "红", "每五天走访", red, number="5")
    assert codes.number_of("care_colour", "红") == 5
    for bad in ("", "七", "0", "4000"):
        with pytest.raises(ValidationError) as err:
            codes.save_item(admin, "care_colour", "红", "x", red, number=bad)
        assert err.value.field == "走访间隔（天）"
    assert codes.save_item(admin, "dispute_type", "新类型", "").number is None   # lists without a number ignore it


def test_users_without_patrol_rights_are_refused_in_models(make_user, grid_a):
    window = make_user("window", username="chuangkou")
    for call in (lambda: patrols.log_patrol(window, entry(), now=NOW),
                 lambda: patrols.list_patrols(window, PatrolFilter()),
                 lambda: grids.visible_grids(window),
                 lambda: hazards.list_hazards(window, hazards.HazardFilter()),
                 lambda: events.list_events(window, events.EventFilter()),
                 lambda: helps.open_requests(window),
                 lambda: premises.list_premises(window)):
        with pytest.raises(PermissionDenied):
            call()
