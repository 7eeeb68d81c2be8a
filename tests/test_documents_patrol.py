"""The grid patrol area's printed documents (documents/patrol.py, models/patrol/printing.py): 巡查日志,
网格员月度工作日志 and 隐患整改通知书 built from records written through the models — every field printed,
the embedded font, long patrols over several pages with nothing lost, the month's counts, masking of the
visits, who may print what, and `main.py print` for each kind (audited, clean one-line failures)."""

import io
import os
import re
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import audit, people
from models.db import close_database, open_database, to_utc
from models.errors import PermissionDenied, ValidationError
from models.mediation.disputes import DisputeEntry, PartyEntry
from models.patrol import hazards, patrols, premises, printing, registers
from models.patrol.events import EventEntry
from models.patrol.hazards import HazardEntry
from models.patrol.helps import HelpEntry
from models.patrol.patrols import FindingEntry, InspectionEntry, PatrolEntry
from models.patrol.premises import PremisesEntry
from models.patrol.registers import CareEntry, CareVisitEntry, KeyPersonEntry, KeyVisitEntry
from models.patrol.tables import CareVisit, Finding, Hazard, KeyVisit, PatrolLog
from models.printouts import log_print

ROOT = Path(__file__).resolve().parent.parent
NIGHT = date(2022, 7, 15)
NOW = to_utc(datetime(2022, 7, 31, 22, 0))
LATER = to_utc(datetime(2022, 8, 10, 9, 0))
AFTER = date(2022, 8, 1)
WORKER = "测试网格员"               # make_user("grid") → display name
CENTRE = "綦江区打通镇网格化服务管理中心"
FOOTER = re.compile(r"(巡查编号：XC-[\dA-Z-]+|编号：YH-[\dA-Z-]+|网格员：\S+?月份：\d{4}年\d{1,2}月)第\d+页共\d+页$")
HEADERS = ("序号问题类别/地点问题处理措施反馈结果转办", "序号场所类别检查结果隐患编号")


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    """All pages' text without whitespace, without the footers and the repeated table headers, so a
    text running over a page (or split inside a table row) reads whole."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        text = squash(page.extract_text())
        assert FOOTER.search(text), text[-80:]
        text = FOOTER.sub("", text)
        for header in HEADERS:
            text = text.replace(header, "")
        pages.append(text)
    return reader, "".join(pages)


def assert_embedded_font_only(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf                                   # embedded TrueType
    assert b"STSong" not in pdf and b"CIDFont" not in pdf
    base_fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", pdf))
    assert base_fonts and all(font.endswith(b"+WenQuanYiMicroHei") for font in base_fonts), base_fonts
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


# ------------------------------------------------------------------------------------------ fixtures

def hazard_entry(**changes) -> HazardEntry:
    values = dict(category="消防通道堵塞", requirement="清理后门消防通道内堆放的纸箱，保持通道畅通",
                  responsible="王德明（便民超市经营者）", deadline=NIGHT + timedelta(days=3),
                  responsible_phone="13900000003")
    values.update(changes)
    return HazardEntry(**values)


def entry(**changes) -> PatrolEntry:
    values = dict(patrol_date=NIGHT, shift="夜间", start=time(20, 0), end=time(1, 30), patrol_type="夜间巡逻",
                  grids=["DT-01"], route="打通村正街—打通小学—河堤步道", leader="刘小燕", participants=["陈大勇"],
                  others=18, weather="晴", overview="会同派出所民警和志愿者夜间巡逻。\n共发现问题四处。")
    values.update(changes)
    return PatrolEntry(**values)


def four_findings(residents):
    zhang, li = residents
    return [
        FindingEntry("隐患", "消防安全", "正街便民超市后门", "后门消防通道堆放大量纸箱", measure="当场告知经营者",
                     hazard=hazard_entry()),
        FindingEntry("群众求助", "民生诉求", "河堤步道", "独居老人夜间迷路求助", measure="护送老人回家",
                     feedback="已送回家并告知其子女",
                     help=HelpEntry(requester="赵阿婆", help_type="出行帮助", closing="当场解决", result="已送回家")),
        FindingEntry("矛盾纠纷", "矛盾纠纷", "打通村3组", "两户因排水沟堵塞发生争吵", measure="劝开双方",
                     feedback="已上报镇调委会",
                     dispute=DisputeEntry(parties=[PartyEntry(zhang, "申请人"), PartyEntry(li, "被申请人")],
                                          facts="张大山与李小河因排水沟堵塞发生争吵，需调解。", dispute_type="邻里纠纷",
                                          village="打通村")),
        FindingEntry("当场处理", "治安秩序", "客运站", "两名青年酒后大声喧哗", measure="劝导离开", feedback="已离开"),
    ]


@pytest.fixture
def night(worker, grid_a, residents):
    patrol = patrols.log_patrol(worker, entry(findings=four_findings(residents)), now=NOW)
    patrols.add_finding(worker, patrol, FindingEntry("事件", "市容秩序", "正街", "夜市摊点占用车道",
                                                     event=EventEntry("正街占道经营", people_involved=2)), now=NOW)
    return patrol


@pytest.fixture
def inspection_patrol(worker, grid_a):
    ktv = premises.save_premises(worker, PremisesEntry("金嗓子KTV", "KTV", "打通镇正街12号", grid="DT-01"))
    inn = premises.save_premises(worker, PremisesEntry("兴旺小旅馆", "小旅馆", "打通镇正街30号", grid="DT-01"))
    return patrols.log_patrol(worker, entry(
        patrol_date=date(2022, 7, 20), shift="日间", start=time(9, 0), end=time(11, 30), patrol_type="消防安全检查",
        route="正街沿线场所", participants=["王强"], others=0, weather="多云", overview="正街沿线场所消防安全检查。",
        inspections=[InspectionEntry(ktv, "合格", "消防器材齐全"),
                     InspectionEntry(inn, "发现隐患", "二楼灭火器过期", hazards=[hazard_entry(
                         category="灭火器材缺失或失效", description="二楼走廊灭火器压力不足", requirement="更换合格灭火器两具",
                         responsible="何老板（兴旺小旅馆）", deadline=date(2022, 7, 25))])]), now=NOW)


# ------------------------------------------------------------------------------------------ 巡查日志

def test_patrol_log_prints_every_field_and_what_each_finding_became(worker, night):
    printable = printing.render(worker, "patrol-log", night.number.lower())
    assert printable.title == f"巡查日志 {night.number}" and printable.file_name == f"巡查日志-{night.number}.pdf"
    assert printable.record == night and printable.kind == "patrol-log"
    assert_embedded_font_only(printable.pdf)
    _, text = text_of(printable.pdf)
    found = patrols.findings(night)
    numbers = {f.kind: f.target_number for f in found}
    expected = [CENTRE, "巡查日志", f"巡查编号：{night.number}", "2022年7月15日（星期五）", "班次夜间",
                "20:00—次日01:30", "巡查类型夜间巡逻", "DT-01打通村第一网格", "天气晴", "记录人" + WORKER,
                "打通村正街—打通小学—河堤步道", "带队人刘小燕", "刘小燕、陈大勇（另有其他参加人员18人）", "合计人次20人次",
                "会同派出所民警和志愿者夜间巡逻。", "共发现问题四处。", "发现问题及处理情况（5条）",
                "隐患整改" + numbers["隐患"], "群众求助" + numbers["群众求助"], "移交调解" + numbers["矛盾纠纷"],
                "事件" + numbers["事件"], "当场处理", "巡查人（签名）", "带队人刘小燕（签名）", "日期：2022年7月15日"]
    for finding in found:
        expected += [finding.category + finding.place, finding.problem, finding.measure or "—"]
        if finding.feedback:
            expected.append(finding.feedback)
    for part in expected:
        assert squash(part) in text, part
    assert numbers["隐患"].startswith("YH-") and numbers["事件"].startswith("SJ-")
    assert numbers["群众求助"].startswith("QZ-") and numbers["矛盾纠纷"].startswith("TJ-")
    assert "场所检查情况" not in text                     # not an inspection patrol


def test_inspection_patrol_lists_each_premises_with_its_result_and_hazard(worker, inspection_patrol):
    _, text = text_of(printing.render(worker, "patrol-log", inspection_patrol.number).pdf)
    hazard = Hazard.get(Hazard.inspection.is_null(False))
    for part in ["场所检查情况（2家）", "金嗓子KTV打通镇正街12号KTV合格：消防器材齐全",
                 "兴旺小旅馆打通镇正街30号小旅馆发现隐患：二楼灭火器过期" + hazard.number,
                 "本次巡查未发现问题。", "消防安全检查", "09:00—11:30"]:
        assert squash(part) in text, part


LONG = ("巡查中发现该处存在较为突出的问题，群众多次反映，影响周边居民正常生活和出行安全，"
        "现场查看后与相关责任人进行了沟通，并向村委会和相关部门通报了情况，要求限期整改到位。")
SENTENCES = ("路边堆放建筑垃圾占用人行道，", "夜间路灯损坏无法照明，", "排水沟盖板缺失存在安全隐患，",
             "现场已设置警示标志并通知责任单位，")


def marked(tag: str, parts: int) -> str:
    """A long text with a unique mark every sentence ("〔问7.3〕…"): a lost line cannot go unnoticed."""
    return "".join(f"〔{tag}.{k}〕{SENTENCES[k % len(SENTENCES)]}" for k in range(parts)) + "。"


def read_in_order(needle: str, hay: str) -> int:
    """How many contiguous pieces ``needle`` appears in, in order, in ``hay`` (a long cell goes on in
    continuation rows, printed after the other cells of its first row); fails if any part is missing."""
    pos = i = pieces = 0
    while i < len(needle):
        low, high, best = 1, len(needle) - i, None
        while low <= high:                      # the longest next piece found after the last one
            mid = (low + high) // 2
            at = hay.find(needle[i:i + mid], pos)
            if at >= 0:
                best, low = (mid, at), mid + 1
            else:
                high = mid - 1
        assert best is not None, f"缺少：{needle[i:i + 30]}"
        i, pos, pieces = i + best[0], best[1] + best[0], pieces + 1
    return pieces


def _long_findings(giant_at: int | None) -> list[FindingEntry]:
    found = []
    for n in range(1, 31):
        parts = 80 if n == giant_at else 12     # the giant one is longer than a whole page in its column
        found.append(FindingEntry("当场处理", "治安秩序", f"打通村第{n}组公路沿线", marked(f"问{n}", parts),
                                  measure=marked(f"措{n}", 6), feedback=marked(f"馈{n}", 2)))
    return found


@pytest.mark.parametrize("giant_at", [None, 15, 30])
def test_a_long_patrol_flows_over_pages_and_nothing_is_lost(worker, grid_a, giant_at):
    patrol = patrols.log_patrol(worker, entry(findings=_long_findings(giant_at), overview=LONG * 6), now=NOW)
    pdf = printing.render(worker, "patrol-log", patrol.number).pdf
    reader, text = text_of(pdf)
    assert len(reader.pages) >= (10 if giant_at else 6)
    found = patrols.findings(patrol)
    assert len(found) == 30
    for finding in found:
        assert squash(finding.category + finding.place) in text
        for part in (finding.problem, finding.measure, finding.feedback):
            assert read_in_order(squash(part), text) <= 1 + len(part) // 100, part[:20]
    assert squash(LONG * 6) in text
    pages = [squash(page.extract_text()) for page in reader.pages]
    for page in pages[1:]:
        if "〔措" in page or "〔问" in page:             # a page of the findings table repeats its header
            assert HEADERS[0] in page
    assert "巡查人（签名）" in pages[-1] and "带队人刘小燕（签名）" in pages[-1]
    assert "〔问30." in pages[-1]                       # the last row stays with the signatures
    for n, page in enumerate(pages, 1):
        assert page.endswith(f"巡查编号：{patrol.number}第{n}页共{len(pages)}页")


def test_patrol_log_outside_the_grid_or_unknown_is_the_models_error(worker, worker2, lead, grid_b, night):
    with pytest.raises(ValidationError) as err:
        printing.render(worker2, "patrol-log", night.number)
    assert err.value.field == "巡查编号"
    with pytest.raises(ValidationError) as err:
        printing.render(worker, "patrol-log", "XC-DT00-20220715-9999")
    assert err.value.field == "巡查编号"
    assert "巡查日志" in text_of(printing.render(lead, "patrol-log", night.number).pdf)[1]
    with pytest.raises(ValidationError, match="未知的文书"):
        printing.render(worker, "patrol-plan", night.number)


def test_markup_characters_are_printed_literally(worker, grid_a):
    patrol = patrols.log_patrol(worker, entry(route="A<B & C>D 路口", overview="<b>未加粗</b> & 其他", findings=[
        FindingEntry("当场处理", "其他", "<路口>", "标志牌写着 <停> & 慢行", measure="扶正 & 加固")]), now=NOW)
    _, text = text_of(printing.render(worker, "patrol-log", patrol.number).pdf)
    for part in ["A<B&C>D路口", "<b>未加粗</b>&其他", "<路口>", "标志牌写着<停>&慢行", "扶正&加固"]:
        assert part in text, part


# ------------------------------------------------------------------------------------------ 隐患整改通知书

def test_hazard_notice_is_addressed_to_the_party_with_deadline_and_receipt(worker, night):
    hazard = patrols.target_of(patrols.findings(night)[0])
    printable = printing.render(worker, "hazard-notice", hazard.number)
    assert printable.title == f"隐患整改通知书 {hazard.number}" and printable.record == hazard
    assert printable.file_name == f"隐患整改通知书-{hazard.number}.pdf"
    assert_embedded_font_only(printable.pdf)
    reader, text = text_of(printable.pdf)
    assert len(reader.pages) == 1
    for part in [CENTRE, "隐患整改通知书", f"编号：{hazard.number}", "王德明（便民超市经营者）：",
                 "经检查，你（单位）在正街便民超市后门存在以下安全隐患：", "后门消防通道堆放大量纸箱",
                 "隐患类别消防通道堵塞", "隐患等级一般隐患", "责任人电话13900000003", "检查日期2022年7月15日",
                 "检查人刘小燕、陈大勇", "整改要求", "清理后门消防通道内堆放的纸箱，保持通道畅通",
                 "请于2022年7月18日前整改完毕。", "逾期未整改的，将依法移交有关部门处理。", "复查合格的予以销号",
                 "检查人刘小燕、陈大勇（签名）", "被检查单位（负责人）签收", "（沿此虚线剪开）", "回执",
                 f"编号为{hazard.number}的《隐患整改通知书》已收到", "签收日期"]:
        assert squash(part) in text, part
    assert "复查整改通知书" not in text
    # the deadline sentence is set heavier than the text (render mode 2, a point larger than the body)
    stream = reader.pages[0].get_contents().get_data()
    assert re.search(rb"2 Tr [^\n]*/F1\+0 12 Tf", stream)


def test_a_failed_verification_prints_the_recheck_notice_with_the_new_deadline(worker, night):
    hazard = patrols.target_of(patrols.findings(night)[0])
    hazards.rectify(worker, hazard, "部分纸箱已清走", on=date(2022, 7, 17), now=LATER)
    hazards.verify(worker, hazard, "不合格", "通道内仍堆放纸箱", on=date(2022, 7, 18),
                   new_deadline=date(2022, 7, 25), now=LATER)
    printable = printing.render(worker, "hazard-notice", hazard.number)
    assert printable.title == f"复查整改通知书 {hazard.number}"
    _, text = text_of(printable.pdf)
    for part in ["复查整改通知书", "复查日期2022年7月18日", "2022年7月18日经复查，上述隐患整改不合格：通道内仍堆放纸箱。",
                 "请于2022年7月25日前整改完毕。", f"检查人{WORKER}（签名）", "2022年7月18日"]:
        assert squash(part) in text, part
    assert "请于2022年7月18日前整改完毕" not in text
    hazards.verify(worker, Hazard.get_by_id(hazard.id), "不合格", "仍未清理", on=date(2022, 7, 25),
                   new_deadline=date(2022, 7, 30), now=LATER)
    _, text = text_of(printing.render(worker, "hazard-notice", hazard.number).pdf)
    assert "上次整改期限2022年7月25日" in text and "请于2022年7月30日前整改完毕。" in text


def test_hazard_notice_of_an_inspection_names_the_premises(worker, inspection_patrol):
    hazard = Hazard.get(Hazard.inspection.is_null(False))
    _, text = text_of(printing.render(worker, "hazard-notice", hazard.number).pdf)
    for part in ["何老板（兴旺小旅馆）：", "场所名称兴旺小旅馆", "隐患地点打通镇正街30号", "二楼走廊灭火器压力不足",
                 "请于2022年7月25日前整改完毕。", "检查人刘小燕、王强"]:
        assert squash(part) in text, part


def test_hazard_notice_outside_the_grid_or_unknown_is_refused(worker2, grid_b, night):
    hazard = patrols.target_of(patrols.findings(night)[0])
    for number in (hazard.number, "YH-DT00-20220101-0009"):
        with pytest.raises(ValidationError) as err:
            printing.render(worker2, "hazard-notice", number)
        assert err.value.field == "隐患编号"


# ------------------------------------------------------------------------------------------ 月度工作日志

@pytest.fixture
def month_of_work(worker, worker2, keeper, grid_a, grid_b, residents, night, inspection_patrol):
    """A July: three patrols of the worker's (a night one, an inspection, a day one) plus one in August and
    one of another worker; two care visits and a key-person visit by the worker, one care visit in August."""
    day = patrols.log_patrol(worker, entry(patrol_date=date(2022, 7, 3), shift="日间", start=time(14, 0),
                                           end=time(16, 0), patrol_type="日常巡查", route="打通村1—4组",
                                           leader=WORKER, participants=[], others=0, overview="日常巡查。"), now=NOW)
    patrols.log_patrol(worker, entry(patrol_date=date(2022, 8, 2), findings=[FindingEntry(
        "当场处理", "其他", "八月", "八月的问题", measure="处理")]), now=LATER)
    patrols.log_patrol(worker2, entry(grids=["DT-02"], route="石门村", findings=[FindingEntry(
        "当场处理", "其他", "石门村", "别人的问题", measure="处理")]), now=NOW)
    elder = people.save_person(worker, {"name": "赵秀英", "phone": "13800000003", "address": "打通村5组",
                                        "village": "打通村"})
    subject = registers.add_care(worker, CareEntry(person=elder, groups=["独居老人"], colour="红", helper=WORKER,
                                                   grid="DT-01", listed_on=date(2022, 6, 1)), today=AFTER)
    for day_, kind, content in ((date(2022, 7, 8), "上门走访", "老人身体状况良好"),
                                (date(2022, 7, 22), "电话联系", "电话询问近况")):
        registers.add_care_visit(worker, subject, CareVisitEntry(day_, WORKER, kind, content, help_given="清理屋后排水沟"),
                                 today=AFTER)
    registers.add_care_visit(worker, subject, CareVisitEntry(date(2022, 8, 1), WORKER, "上门走访", "八月走访"),
                             today=AFTER)
    registers.add_care_visit(worker, subject, CareVisitEntry(date(2022, 7, 9), "刘小燕", "上门走访", "别人走访"),
                             today=AFTER)
    offender = people.save_person(keeper, {"name": "何建军", "phone": "13800000004", "address": "打通村6组",
                                           "village": "打通村"})
    kp = registers.add_key_person(keeper, KeyPersonEntry(person=offender, category="社区矫正对象", responsible="陈警官",
                                                         grid="DT-01", listed_on=date(2022, 6, 1)), today=AFTER)
    registers.add_key_visit(keeper, kp, KeyVisitEntry(date(2022, 7, 12), WORKER, "上门走访", "在家务农，表现良好"),
                            today=AFTER)
    return day


def _independent_counts(username: str, name: str, first: date, last: date) -> dict:
    """The month counted straight from the tables (not through the printing code)."""
    logs = list(PatrolLog.select().where(PatrolLog.recorder == username, PatrolLog.patrol_date.between(first, last)))
    ids = [p.id for p in logs]
    kinds = [f.kind for f in Finding.select().where(Finding.patrol.in_(ids))]
    return {
        "patrols": len(logs), "night": sum(p.shift == "夜间" for p in logs),
        "person_times": sum(p.person_times for p in logs), "findings": len(kinds),
        "hazards": Hazard.select().where(Hazard.created_by == username, Hazard.found_on.between(first, last)).count(),
        "events": kinds.count("事件"), "helps": kinds.count("群众求助"), "disputes": kinds.count("矛盾纠纷"),
        "care_visits": CareVisit.select().where(CareVisit.visitor == name, CareVisit.visited_on.between(first, last)).count(),
        "key_visits": KeyVisit.select().where(KeyVisit.visitor == name, KeyVisit.visited_on.between(first, last)).count(),
    }


def _printed_counts(pdf: bytes) -> list[int]:
    """The nine numbers of the 本月工作概况 table, as printed."""
    raw = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    block = raw[raw.index("本月工作概况"):raw.index("巡查记录")]
    return [int(token) for token in block.split() if token.isdigit()]


def test_monthly_log_counts_equal_the_months_records(worker, month_of_work):
    printable = printing.render(worker, "monthly-log", "wangge", "2022-07")
    assert printable.title == f"网格员月度工作日志 {WORKER} 2022年7月"
    assert printable.file_name == "网格员月度工作日志-wangge-2022-07.pdf" and printable.record == worker
    assert_embedded_font_only(printable.pdf)
    expected = _independent_counts("wangge", WORKER, date(2022, 7, 1), date(2022, 7, 31))
    assert expected == {"patrols": 3, "night": 1, "person_times": 20 + 2 + 1, "findings": 5, "hazards": 2,
                        "events": 1, "helps": 1, "disputes": 1, "care_visits": 2, "key_visits": 1}
    first, last = printing.parse_month("2022-07")
    counts = printing.monthly_document(worker, worker, first, last).counts
    assert {key: getattr(counts, key) for key in expected} == expected
    order = ["patrols", "night", "person_times", "findings", "hazards", "events", "helps", "disputes", "care_visits"]
    assert _printed_counts(printable.pdf) == [expected[key] for key in order]
    _, text = text_of(printable.pdf)
    for part in [CENTRE, "网格员月度工作日志", "月份：2022年7月", f"网格员{WORKER}（wangge）", "DT-01打通村第一网格（专职）",
                 "统计期间2022年7月1日至7月31日", "巡查记录（共3次）", "走访关爱对象（共2次）", "走访重点人员（共1次）",
                 f"网格员{WORKER}（签名）", "网格长审核（签名）", "老人身体状况良好", "电话询问近况"]:
        assert squash(part) in text, part
    # every patrol of the month in date order, each with its findings; nothing from August or another worker
    numbers = [p.number for p in PatrolLog.select().where(PatrolLog.recorder == "wangge",
                                                          PatrolLog.patrol_date.between(first, last))
               .order_by(PatrolLog.patrol_date)]
    positions = [text.index(n) for n in numbers]
    assert positions == sorted(positions) and len(numbers) == 3
    assert "7月3日（星期日）日间14:00—16:00日常巡查" in text and "发现问题：无。" in text
    for finding in Finding.select().join(PatrolLog).where(PatrolLog.number.in_(numbers)):
        assert squash(finding.problem) in text
    assert "兴旺小旅馆（发现隐患，YH-" in text
    for absent in ("八月的问题", "别人的问题", "八月走访", "别人走访"):
        assert absent not in text


def test_monthly_log_masks_care_names_and_hides_key_visits_without_the_right(worker, lead, keeper, month_of_work):
    for reader in (worker, lead):
        _, text = text_of(printing.render(reader, "monthly-log", "wangge", "2022-07").pdf)
        assert "赵**" in text and "赵秀英" not in text
        assert "本月走访重点人员1次。重点人员走访记录仅限有权限人员查阅。" in text
        assert "何建军" not in text and "在家务农" not in text and "社区矫正对象" not in text
    _, text = text_of(printing.render(keeper, "monthly-log", "wangge", "2022-07").pdf)
    assert "赵秀英" in text and "赵**" not in text
    assert "何建军" in text and "社区矫正对象" in text and "在家务农，表现良好" in text
    assert "仅限有权限人员查阅" not in text


def test_monthly_log_of_another_worker_needs_patrol_all(worker, worker2, lead, month_of_work):
    with pytest.raises(PermissionDenied, match="只能打印本人的月度工作日志"):
        printing.render(worker2, "monthly-log", "wangge", "2022-07")
    assert "巡查记录（共3次）" in text_of(printing.render(lead, "monthly-log", "wangge", "2022-07").pdf)[1]
    _, text = text_of(printing.render(worker2, "monthly-log", "wangge2", "2022-07").pdf)
    assert "巡查记录（共1次）" in text and "别人的问题" in text


@pytest.mark.parametrize("month", ["2022-13", "abc", "2022-00", "22-07", "", None, "2999-01"])
def test_a_bad_or_missing_month_names_the_month(worker, grid_a, month):
    with pytest.raises(ValidationError) as err:
        printing.render(worker, "monthly-log", "wangge", month)
    assert err.value.field == "月份"


def test_an_empty_month_and_an_unknown_worker(worker, lead, grid_a):
    _, text = text_of(printing.render(worker, "monthly-log", "wangge", "2022-2").pdf)
    assert "巡查记录（共0次）" in text and "本月无巡查记录。" in text and "本月无走访关爱对象记录。" in text
    assert "统计期间2022年2月1日至2月28日" in text
    with pytest.raises(ValidationError) as err:
        printing.render(lead, "monthly-log", "nobody", "2022-07")
    assert err.value.field == "网格员"


def test_printing_is_audited_and_a_second_print_is_a_reprint(worker, night):
    printable = printing.render(worker, "patrol-log", night.number)
    log_print(worker, printable)
    log_print(worker, printable)
    lines = [a.summary for a in audit.AuditEntry.select().where(audit.AuditEntry.action == "print")]
    assert lines == [f"打印巡查日志 {night.number}", f"打印巡查日志 {night.number}（重打）"]


# ------------------------------------------------------------------------------------------ main.py print

def cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


def failed_cleanly(result, *words):
    assert result.returncode == 1, result
    line = result.stderr.strip()
    assert "Traceback" not in result.stderr and "\n" not in line and line.startswith("错误："), line
    for word in words:
        assert word in line, line


def test_main_py_prints_each_patrol_document_and_audits_it(month_of_work, night, db_path, tmp_path):
    hazard = patrols.target_of(patrols.findings(night)[0]).number
    close_database()
    for kind, target, extra, title, inside in [
        ("patrol-log", night.number, [], f"巡查日志 {night.number}", "两名青年酒后大声喧哗"),
        ("hazard-notice", hazard, [], f"隐患整改通知书 {hazard}", "请于2022年7月18日前整改完毕"),
        ("monthly-log", "wangge", ["--month", "2022-07"], f"网格员月度工作日志 {WORKER} 2022年7月", "赵**"),
    ]:
        out = tmp_path / f"{kind}.pdf"
        result = cli("print", kind, target, *extra, "--db", db_path, "--out", out)
        assert result.returncode == 0, result.stderr
        assert title in result.stdout
        _, text = text_of(out.read_bytes())
        assert inside in text
        if kind == "monthly-log":   # the command line sees every grid but no sensitive personal information
            assert "赵秀英" not in text and "重点人员走访记录仅限有权限人员查阅" in text
        open_database(db_path)
        try:
            summaries = [e.summary for e in audit.AuditEntry.select().where(audit.AuditEntry.action == "print",
                                                                              audit.AuditEntry.created_by == "命令行")]
        finally:
            close_database()
        assert any(title in s and out.name in s for s in summaries), summaries


def test_main_py_fails_cleanly_for_a_bad_number_or_month(grid_a, db_path, tmp_path):
    close_database()
    out = tmp_path / "x.pdf"
    failed_cleanly(cli("print", "patrol-log", "XC-DT00-20220101-9999", "--db", db_path, "--out", out), "巡查编号")
    failed_cleanly(cli("print", "hazard-notice", "YH-DT00-20220101-9999", "--db", db_path, "--out", out), "隐患编号")
    failed_cleanly(cli("print", "monthly-log", "wangge", "--month", "2022-13", "--db", db_path, "--out", out), "月份")
    failed_cleanly(cli("print", "monthly-log", "wangge", "--month", "abc", "--db", db_path, "--out", out), "月份")
    failed_cleanly(cli("print", "monthly-log", "wangge", "--db", db_path, "--out", out), "--month")
    failed_cleanly(cli("print", "monthly-log", "nobody", "--month", "2022-07", "--db", db_path, "--out", out), "网格员")
    assert not out.exists()
    assert cli("print", "patrol-plan", "XC-1", "--db", db_path, "--out", out).returncode == 2
