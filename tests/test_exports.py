"""导出 Excel in models/: every list kind exports exactly what its filter selects, typed, masked as the exporter may
see it, with a 说明 sheet; refused (and audited) without the right; every export audited. And the workbook
writer itself (documents.workbook)."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pytest

from documents.workbook import MAX_WIDTH, Sheet, text_width, workbook_bytes
from models import audit, exports, people
from models.errors import PermissionDenied, ValidationError
from models.exports import HelpFilter, PetitionFilter
from models.hall import cases, matters
from models.hall.cases import CaseFilter, Intake
from models.hall.tables import RECEIVED
from models.mediation import disputes, petitions
from models.mediation.disputes import DisputeEntry, DisputeFilter, PartyEntry
from models.mediation.petitions import PetitionEntry
from models.patrol import events, hazards, helps, patrols, registers
from models.patrol.events import EventEntry, EventFilter
from models.patrol.hazards import HazardEntry, HazardFilter
from models.patrol.helps import HelpEntry
from models.patrol.patrols import FindingEntry, PatrolEntry, PatrolFilter
from models.patrol.registers import CareEntry, CareFilter, KeyFilter, KeyPersonEntry
from models.patrol.tables import CARE_ACTIVE, CARE_REMOVED, DRUG, HELP_CLOSED, HELP_OPEN, KEY_ACTIVE, MENTAL
from models.db import to_utc

ZHANG_ID = "500222199001011237"
LI_ID = "500222198503151235"
PENSION = "XZFW-002"
NIGHT = date(2022, 7, 15)
NOW = to_utc(datetime(2022, 7, 16, 9, 0))


def book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def table(data: bytes) -> tuple[list, list[list]]:
    """(headers, rows) of the list sheet (the first)."""
    ws = book(data).worksheets[0]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def column(headers, rows, heading) -> list:
    index = headers.index(heading)
    return [row[index] for row in rows]


def info(data: bytes) -> dict:
    ws = book(data)["说明"]
    return {label: value for label, value in ws.iter_rows(min_row=2, values_only=True)}


def audit_lines(action):
    return list(audit.AuditEntry.select().where(audit.AuditEntry.action == action).order_by(audit.AuditEntry.id))


# ------------------------------------------------------------------------------------------ the workbook

def test_workbook_writes_typed_cells_with_formats_frozen_bold_header_filter_and_fitted_widths():
    long_text = "重庆市綦江区打通镇石龙村三组" * 8
    data = workbook_bytes([
        Sheet("办件清单", ["编号", "日期", "时间", "金额", "比例", "人数", "说明"],
              [["SL-1", date(2026, 11, 27), datetime(2026, 11, 27, 9, 30), Decimal("1234.5"), 0.125, 12345, long_text],
               ["SL-2", None, None, None, None, None, "两行\n文字"]],
              ["text", "date", "datetime", "decimal", "percent", "int", "text"]),
        Sheet("说明", ["项目", "内容"], (row for row in [["清单", "办件清单"]])),
    ], title="办件清单")
    wb = book(data)
    assert wb.sheetnames == ["办件清单", "说明"] and wb.properties.title == "办件清单"
    ws = wb["办件清单"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G3"
    header = ws["A1"]
    assert header.font.b and header.font.name == "等线" and header.fill.fgColor.rgb.endswith("DDEBF7")
    assert ws["B2"].value == datetime(2026, 11, 27) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == datetime(2026, 11, 27, 9, 30) and ws["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["D2"].value == 1234.5 and ws["D2"].number_format == "#,##0.00"
    assert ws["E2"].value == 0.125 and ws["E2"].number_format == "0.0%"
    assert ws["F2"].value == 12345 and ws["F2"].number_format == "#,##0"
    assert ws["B3"].value is None and ws["G3"].alignment.wrap_text and ws["G2"].alignment.wrap_text
    assert ws["A2"].font.name == ws["B2"].font.name == "等线" and not ws["A3"].alignment.wrap_text
    # a Chinese character counts two units; the width is capped
    assert text_width("张三ab") == 6
    assert ws.column_dimensions["A"].width >= text_width("编号") + 2
    assert ws.column_dimensions["G"].width == MAX_WIDTH
    assert wb["说明"]["B2"].value == "办件清单"


def test_workbook_refuses_a_row_of_the_wrong_length_and_an_unknown_kind():
    with pytest.raises(ValueError):
        workbook_bytes([Sheet("x", ["a", "b"], [[1]])])
    with pytest.raises(ValueError):
        workbook_bytes([Sheet("x", ["a"], [[1]], ["money"])])


# ------------------------------------------------------------------------------------------ 办件清单

@pytest.fixture
def clerk(make_user):
    return make_user("window", username="chuangkou")


@pytest.fixture
def zhang(clerk):
    return people.save_person(clerk, {"name": "张大山", "id_number": ZHANG_ID, "phone": "13800000001",
                                      "address": "打通镇石龙村3组"})


@pytest.fixture
def li(clerk):
    return people.save_person(clerk, {"name": "李小河", "id_number": LI_ID, "phone": "13900000002"})


def accept(clerk, applicant, day: date, code=PENSION, channel="窗口"):
    matter = matters.get_matter(code)
    entry = Intake(matter=matter, applicant=applicant, materials={m["name"]: RECEIVED for m in matter.materials},
                   channel=channel)
    return cases.intake(clerk, entry, now=datetime.combine(day, time(2, 0)))


def test_case_export_holds_exactly_the_filtered_cases_typed_with_full_ids_for_the_clerk(clerk, zhang, li,
                                                                                         make_user):
    made = [accept(clerk, zhang if i % 2 else li, date(2022, 9, 1) + timedelta(days=i)) for i in range(7)]
    flt = CaseFilter(date_from=date(2022, 9, 2), date_to=date(2022, 9, 6))
    expected = [c.number for c in reversed(made) if date(2022, 9, 2) <= c.received_on <= date(2022, 9, 6)]
    assert len(expected) == 5
    progress = []
    data, count = exports.export_list(clerk, "cases", flt, progress=lambda done, total: progress.append((done, total)),
                                      page=2)   # small pages: the export reads every one of them
    headers, rows = table(data)
    assert count == 5 and progress[0] == (0, 5) and progress[-1] == (5, 5)
    assert headers[:4] == ["办件编号", "申请人", "证件号码", "办理事项"] and "收件日期" in headers and "剩余时限" in headers
    assert column(headers, rows, "办件编号") == expected            # the list's order: newest first
    received = column(headers, rows, "收件日期")
    assert all(isinstance(day, datetime) for day in received)       # dates are dates
    assert [day.date() for day in received] == [c.received_on for c in reversed(made[1:6])]
    ws = book(data).worksheets[0]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}6"
    assert ws.cell(2, headers.index("收件日期") + 1).number_format == "yyyy-mm-dd"
    # the clerk holds people.full_id: ID numbers in full
    assert set(column(headers, rows, "证件号码")) == {ZHANG_ID, LI_ID}
    # a user without 一窗受理 may not export the hall's cases: refused, audited
    no_hall = make_user("grid", username="wangge_x")
    with pytest.raises(PermissionDenied):
        exports.export_list(no_hall, "cases", flt)
    [refused] = audit_lines("export_refused")
    assert refused.created_by == "wangge_x" and "办件清单" in refused.summary


def test_an_id_number_is_masked_for_an_exporter_without_full_id(clerk, zhang, monkeypatch):
    accept(clerk, zhang, date(2022, 9, 1))
    real_can = type(clerk).can
    monkeypatch.setattr(type(clerk), "can", lambda self, perm: perm != "people.full_id" and real_can(self, perm))
    data, count = exports.export_list(clerk, "cases", CaseFilter())
    headers, rows = table(data)
    assert count == 1 and column(headers, rows, "证件号码") == ["500222********1237"]
    assert ZHANG_ID not in str(rows)


def test_the_info_sheet_and_the_audit_line_say_what_was_exported(clerk, zhang, li):
    accept(clerk, zhang, date(2022, 9, 1))
    accept(clerk, li, date(2022, 9, 2), channel="邮寄")
    data, count = exports.export_list(clerk, "cases", CaseFilter(text="张大山", channel="窗口"))
    assert count == 1
    sheet = info(data)
    assert sheet["清单"] == "办件清单" and sheet["记录数"] == "1"
    assert sheet["筛选条件"] == "搜索：“张大山”；渠道：窗口"
    assert sheet["导出人"] == f"{clerk.display_name}（chuangkou）" and sheet["导出时间"][:4].isdigit()
    assert "证件号码" in sheet["注意"]
    [line] = audit_lines("export")
    assert line.created_by == "chuangkou"
    assert line.summary == "导出办件清单 1 条；筛选条件：搜索：“张**”；渠道：窗口"   # no name in the audit log


def test_a_bad_filter_names_its_field_and_exports_nothing(clerk):
    with pytest.raises(ValidationError) as err:
        exports.export_list(clerk, "cases", CaseFilter(statuses=("不存在",)))
    assert err.value.field == "状态"
    assert audit_lines("export") == []


# ------------------------------------------------------------------------------------------ mediation

@pytest.fixture
def mediator(make_user):
    return make_user("mediator", username="tiaojie")


def dispute_entry(zhang, li, **kw) -> DisputeEntry:
    values = dict(parties=[PartyEntry(zhang, "申请人"), PartyEntry(li, "被申请人")],
                  facts="双方系邻居，因宅基地边界围墙修建发生争执，多次口角。", dispute_type="邻里纠纷",
                  village="石龙村", risk_colour="黄")
    values.update(kw)
    return DisputeEntry(**values)


def test_dispute_export_follows_the_filter(mediator, zhang, li):
    at = datetime(2022, 9, 1, 2, 0)
    kinds = ["邻里纠纷", "婚姻家庭纠纷", "邻里纠纷", "邻里纠纷"]
    made = [disputes.register(mediator, dispute_entry(zhang, li, dispute_type=kind), now=at + timedelta(days=i))
            for i, kind in enumerate(kinds)]
    flt = DisputeFilter(dispute_type="邻里纠纷")
    expected = [d.number for d in reversed(made) if d.dispute_type == "邻里纠纷"]
    assert disputes.count_disputes(mediator, flt) == len(expected) == 3
    data, count = exports.export_list(mediator, "disputes", flt)
    headers, rows = table(data)
    assert count == 3 and column(headers, rows, "案件编号") == expected
    assert set(column(headers, rows, "当事人")) == {"张大山 诉 李小河"}
    assert all(isinstance(day, datetime) for day in column(headers, rows, "受理日期"))
    assert info(data)["筛选条件"] == "纠纷类型：邻里纠纷"


def test_petition_export_follows_the_filter(mediator, zhang, li):
    at = datetime(2022, 9, 1, 2, 0)
    first = petitions.register(mediator, PetitionEntry([zhang, li], "反映村道硬化占用承包地未获补偿", visitors=5), now=at)
    second = petitions.register(mediator, PetitionEntry([li], "反映自来水水压不足"), now=at + timedelta(days=1))
    petitions.assign(mediator, second, "打通镇水务站")
    data, count = exports.export_list(mediator, "petitions", PetitionFilter(statuses=(first.status,)))
    headers, rows = table(data)
    assert count == 1 and column(headers, rows, "信访编号") == [first.number]
    assert column(headers, rows, "人数") == [5]                                 # a number, not text
    assert column(headers, rows, "信访事项") == ["反映村道硬化占用承包地未获补偿"]   # in full (the screen shortens)
    assert isinstance(column(headers, rows, "答复期限")[0], datetime)
    data, count = exports.export_list(mediator, "petitions", PetitionFilter())
    assert count == 2 and column(*table(data), "信访编号") == [second.number, first.number]


# ------------------------------------------------------------------------------------------ patrol

def patrol_entry(day: date, findings=(), **kw) -> PatrolEntry:
    values = dict(patrol_date=day, shift="夜间", start=time(20, 0), end=time(23, 30), patrol_type="夜间巡逻",
                  grids=["DT-01"], route="打通村正街—学校—河堤", leader="刘小燕", participants=["陈大勇"], others=3,
                  weather="晴", overview="夜间巡逻。", findings=list(findings))
    values.update(kw)
    return PatrolEntry(**values)


def hazard_finding(category="消防通道堵塞", deadline=NIGHT + timedelta(days=3)) -> FindingEntry:
    return FindingEntry("隐患", "消防安全", "正街便民超市后门", "后门消防通道堆放纸箱", hazard=HazardEntry(
        category=category, requirement="三日内清理通道杂物", responsible="王老板（便民超市）", deadline=deadline))


def test_patrol_export_counts_findings_and_follows_the_filter(worker, grid_a):
    plain = patrols.log_patrol(worker, patrol_entry(NIGHT - timedelta(days=2)), now=NOW)
    found = patrols.log_patrol(worker, patrol_entry(NIGHT, [hazard_finding(), hazard_finding()]), now=NOW)
    data, count = exports.export_list(worker, "patrols", PatrolFilter(with_findings=True))
    headers, rows = table(data)
    assert count == 1 and column(headers, rows, "巡查编号") == [found.number]
    assert column(headers, rows, "发现数") == [2] and column(headers, rows, "人次") == [found.person_times]
    assert column(headers, rows, "日期") == [datetime(2022, 7, 15)]
    data, count = exports.export_list(worker, "patrols", PatrolFilter())
    assert count == 2 and column(*table(data), "巡查编号") == [found.number, plain.number]


def test_event_hazard_and_help_exports_follow_their_filters(worker, grid_a, residents):
    zhang, _li = residents
    patrol = patrols.log_patrol(worker, patrol_entry(NIGHT, [
        hazard_finding(),
        hazard_finding("电气线路私拉乱接", NIGHT + timedelta(days=5)),
        FindingEntry("事件", "市容秩序", "正街", "夜市摊点占用车道",
                     event=EventEntry(title="正街占道经营", people_involved=2, party="摊主若干")),
        FindingEntry("群众求助", "民生诉求", "打通村3组", "家中老人需要就医车辆",
                     help=HelpEntry(person=zhang, help_type="就医帮助")),
        FindingEntry("群众求助", "民生诉求", "河堤", "独居老人夜间迷路求助",
                     help=HelpEntry(requester="赵阿婆", help_type="出行帮助", closing="当场解决", result="已送回家")),
    ]), now=NOW)
    made = [patrols.target_of(f) for f in patrols.findings(patrol)]
    # hazards: by category
    data, count = exports.export_list(worker, "hazards", HazardFilter(category=made[1].category))
    headers, rows = table(data)
    assert count == 1 and column(headers, rows, "隐患编号") == [made[1].number]
    assert column(headers, rows, "整改期限") == [datetime(2022, 7, 20)]
    assert hazards.count_hazards(worker, HazardFilter()) == 2
    # events: one, its 剩余 worked out against the export's day
    data, count = exports.export_list(worker, "events", EventFilter(), today=made[2].due_on + timedelta(days=3))
    headers, rows = table(data)
    assert count == 1 and column(headers, rows, "事件编号") == [made[2].number]
    assert column(headers, rows, "剩余") == ["超期 3 天"]
    # help requests: the open one only, its need in full
    data, count = exports.export_list(worker, "helps", HelpFilter(status=HELP_OPEN))
    headers, rows = table(data)
    assert count == 1 and column(headers, rows, "求助编号") == [made[3].number]
    assert column(headers, rows, "求助人") == ["张大山"] and column(headers, rows, "求助事项") == ["家中老人需要就医车辆"]
    data, count = exports.export_list(worker, "helps", HelpFilter(status=HELP_CLOSED))
    assert count == 1 and column(*table(data), "求助编号") == [made[4].number]
    assert info(data)["筛选条件"] == "状态：已办结"
    assert [line.summary.split("；")[0] for line in audit_lines("export")] == [
        "导出隐患清单 1 条", "导出网格事件清单 1 条", "导出群众求助清单 1 条", "导出群众求助清单 1 条"]
    assert events.count_events(worker, EventFilter()) == 1 and helps.count_requests(worker) == 2


# ------------------------------------------------------------------------------------------ the registers

@pytest.fixture
def keeper_person(admin):
    def make(name, id_number, phone):
        return people.save_person(admin, {"name": name, "id_number": id_number, "phone": phone,
                                          "address": "打通镇打通村3组", "village": "打通村"})
    return make


def test_care_register_export_is_for_the_sensitive_right_refused_and_audited_otherwise(
        worker, lead, keeper, grid_a, keeper_person):
    zhang = keeper_person("张大山", ZHANG_ID, "13812345678")
    li = keeper_person("李小河", LI_ID, "13912345678")
    for person, colour in ((zhang, "黄"), (li, "红")):
        registers.add_care(worker, CareEntry(person=person, groups=["空巢老人"], colour=colour, helper="刘小燕",
                                             grid=grid_a, listed_on=date(2024, 1, 10)), today=date(2024, 6, 15))
    subject = registers.list_care(keeper, CareFilter(text="李小河"))[0]
    registers.remove_care(keeper, subject, "已搬离", on=date(2024, 6, 1), today=date(2024, 6, 15))
    for user in (worker, lead):
        with pytest.raises(PermissionDenied):
            exports.export_list(user, "care", CareFilter())
    assert [line.created_by for line in audit_lines("export_refused")] == ["wangge", "wanggezhang"]
    assert audit_lines("export") == []
    data, count = exports.export_list(keeper, "care", CareFilter(status=CARE_ACTIVE), today=date(2024, 6, 15))
    headers, rows = table(data)
    assert count == 1 and registers.count_care(keeper, CareFilter(status=CARE_ACTIVE)) == 1
    assert headers[:4] == ["姓名", "性别", "年龄", "身份证号"]
    assert column(headers, rows, "姓名") == ["张大山"] and column(headers, rows, "联系电话") == ["13812345678"]
    assert column(headers, rows, "身份证号") == [ZHANG_ID]        # the keeper holds people.full_id
    assert column(headers, rows, "年龄") == [34]                  # a number
    assert column(headers, rows, "列入日期") == [datetime(2024, 1, 10)]
    assert column(headers, rows, "走访期限")[0].startswith("超期")
    data, count = exports.export_list(keeper, "care", CareFilter(status=CARE_REMOVED))
    assert count == 1 and column(*table(data), "移出原因") == ["已搬离"]
    lines = audit_lines("export")
    assert [line.created_by for line in lines] == ["zhongdian", "zhongdian"]
    assert lines[0].summary == "导出关爱帮扶台账 1 条；筛选条件：状态：在册"
    assert "敏感个人信息" in info(data)["注意"]


def test_key_person_register_export_refused_without_the_right_masked_without_full_id(
        worker, keeper, grid_a, keeper_person, monkeypatch):
    zhang = keeper_person("张大山", ZHANG_ID, "13812345678")
    li = keeper_person("李小河", LI_ID, "13912345678")
    registers.add_key_person(keeper, KeyPersonEntry(person=zhang, category=MENTAL, responsible="陈警官", danger_level=1,
                                                    guardian="张小山", grid=grid_a, listed_on=date(2024, 1, 10)),
                             today=date(2024, 6, 15))
    registers.add_key_person(keeper, KeyPersonEntry(person=li, category=DRUG, responsible="陈警官", stage="社区康复",
                                                    grid=grid_a, listed_on=date(2024, 2, 10)), today=date(2024, 6, 15))
    with pytest.raises(PermissionDenied):
        exports.export_list(worker, "key_persons", KeyFilter())
    [refused] = audit_lines("export_refused")
    assert refused.created_by == "wangge" and refused.summary == "导出重点人员台账被拒绝：没有“重点人员”权限"
    assert audit_lines("export") == []
    data, count = exports.export_list(keeper, "key_persons", KeyFilter(category=DRUG, status=KEY_ACTIVE))
    headers, rows = table(data)
    assert count == 1 and column(headers, rows, "姓名") == ["李小河"] and column(headers, rows, "身份证号") == [LI_ID]
    assert column(headers, rows, "管控阶段") == ["社区康复"] and column(headers, rows, "列管日期") == [datetime(2024, 2, 10)]
    real_can = type(keeper).can
    monkeypatch.setattr(type(keeper), "can", lambda self, perm: perm != "people.full_id" and real_can(self, perm))
    data, count = exports.export_list(keeper, "key_persons", KeyFilter(status=""))
    headers, rows = table(data)
    assert count == 2 and column(headers, rows, "姓名") == ["李小河", "张大山"]
    assert column(headers, rows, "身份证号") == ["500222********1235", "500222********1237"]
    [first, second] = audit_lines("export")
    assert first.summary == "导出重点人员台账 1 条；筛选条件：类别：吸毒人员；状态：在管"
    assert second.summary == "导出重点人员台账 2 条；筛选条件：无（全部记录）"


def test_the_screen_and_the_export_share_one_definition_per_list():
    for kind in exports.KINDS.values():
        headings = [c.heading for c in kind.export_columns]
        assert len(headings) == len(set(headings)), kind.key
        assert kind.screen_columns and all(c.kind in ("text", "int", "decimal", "date", "datetime", "percent")
                                           for c in kind.columns)
        # every column the screen shows today-dependent text for is in the export too
        assert {c.heading for c in kind.screen_columns} - {c.heading for c in kind.export_columns} <= {"危险等级/阶段"}
    assert exports.default_file_name("cases", date(2026, 11, 27)) == "办件清单-2026-11-27.xlsx"


def test_the_screens_keep_their_columns():
    screens = {
        "cases": ["办件编号", "申请人", "证件号码", "办理事项", "类别", "渠道", "收件日期", "状态", "承诺日期", "剩余时限"],
        "disputes": ["案件编号", "当事人", "纠纷类型", "来源", "受理日期", "风险", "调解员", "状态", "期限", "剩余"],
        "petitions": ["信访编号", "信访人", "形式", "人数", "信访事项", "承办单位", "答复期限", "状态", "剩余天数"],
        "patrols": ["巡查编号", "日期", "班次", "时间", "类型", "网格", "带队人", "人次", "发现数", "地点/路线"],
        "events": ["事件编号", "事件名称", "类别", "规模", "地点", "上报日期", "承办", "状态", "办结期限", "剩余"],
        "hazards": ["隐患编号", "类别", "等级", "地点", "责任人", "发现日期", "整改期限", "状态", "剩余"],
        "helps": ["求助编号", "求助日期", "求助人", "联系电话", "求助类别", "求助事项", "状态", "办结方式", "办结日期"],
        "care": ["姓名", "性别", "年龄", "村（社区）", "网格", "类别", "等级", "帮扶人", "上次走访", "下次走访", "状态"],
        "key_persons": ["姓名", "证件号码", "类别", "危险等级/阶段", "责任人", "帮扶人", "上次随访", "下次随访", "状态"],
    }
    assert {key: kind.screen_headers() for key, kind in exports.KINDS.items()} == screens
