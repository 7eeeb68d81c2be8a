"""导出 Excel from the list screens, driven with qtbot: a filter set on the screen, Ctrl+E or the button, the file
dialog answered, the work done off the GUI thread; the written file opened and its rows checked against what
the filter selects. A refused export shows its message and writes no file."""

import io
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from models import audit, people
from models.hall import cases, matters
from models.hall.cases import Intake
from models.hall.tables import RECEIVED
from models.patrol import registers
from models.patrol.registers import CareEntry, KeyPersonEntry
from models.patrol.tables import DRUG, MENTAL
from tests.conftest import type_text
from ui.hall.case_list import CaseListPanel
from ui.lists import ListPanel
from ui.mediation.case_list import DisputeListPanel
from ui.mediation.petitions import PetitionListPanel
from ui.patrol.care import CareTab
from ui.patrol.events import EventListPanel
from ui.patrol.hazards import HazardListPanel
from ui.patrol.helps import HelpListPanel
from ui.patrol.key_persons import KeyPersonTab
from ui.patrol.patrol_list import PatrolListPanel

ZHANG_ID = "500222199001011237"
LI_ID = "500222198503151235"
PENSION = "XZFW-002"


def audit_lines(action):
    return list(audit.AuditEntry.select().where(audit.AuditEntry.action == action).order_by(audit.AuditEntry.id))


def sheet_rows(path: Path) -> tuple[list, list[list]]:
    ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def shown_panel(qtbot, panel):
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    return panel


def answer_dialog(monkeypatch, panel, path: Path) -> list[str]:
    """The file dialog answered with `path`; returns the names it suggested."""
    asked = []

    def ask(suggested):
        asked.append(suggested)
        return str(path)

    monkeypatch.setattr(panel, "ask_export_path", ask)
    return asked


def wait_for_export(qtbot, panel, messages):
    qtbot.waitUntil(lambda: not panel.exporting and bool(messages), timeout=20000)


# ------------------------------------------------------------------------------------------ 办件清单

@pytest.fixture
def clerk(make_user):
    return make_user("window", username="chuangkou")


def accept(clerk, applicant, day: date, channel="窗口"):
    matter = matters.get_matter(PENSION)
    entry = Intake(matter=matter, applicant=applicant, materials={m["name"]: RECEIVED for m in matter.materials},
                   channel=channel)
    return cases.intake(clerk, entry, now=datetime.combine(day, time(2, 0)))


def test_the_hall_case_list_exports_what_its_filter_shows(qtbot, clerk, monkeypatch, tmp_path, messages):
    zhang = people.save_person(clerk, {"name": "张大山", "id_number": ZHANG_ID, "phone": "13800000001"})
    li = people.save_person(clerk, {"name": "李小河", "id_number": LI_ID, "phone": "13900000002"})
    made = [accept(clerk, zhang, date(2022, 9, 1)), accept(clerk, li, date(2022, 9, 2), channel="邮寄"),
            accept(clerk, zhang, date(2022, 9, 5), channel="邮寄"), accept(clerk, li, date(2022, 9, 6))]
    panel = shown_panel(qtbot, CaseListPanel(clerk))
    assert panel.export_button.isVisible() and panel.export_button.isEnabled()
    assert "Ctrl+E" in panel.export_button.text()
    panel.channel.setCurrentIndex(panel.channel.findData("邮寄"))          # the filter on the screen
    panel.refresh()
    assert panel.model.rowCount() == 2
    target = tmp_path / "导出" / "邮寄办件.xlsx"
    target.parent.mkdir()
    asked = answer_dialog(monkeypatch, panel, target)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key_E, Qt.ControlModifier)             # Ctrl+E
    wait_for_export(qtbot, panel, messages)
    assert asked == [f"办件清单-{date.today():%Y-%m-%d}.xlsx"]
    assert messages == [("info", "导出完成", f"已导出 2 条记录到 {target}")]
    headers, rows = sheet_rows(target)
    numbers = [row[headers.index("办件编号")] for row in rows]
    assert numbers == [c.number for c in reversed(made) if c.channel == "邮寄"]
    assert [row[headers.index("证件号码")] for row in rows] == [ZHANG_ID, LI_ID]
    assert all(isinstance(row[headers.index("收件日期")], datetime) for row in rows)
    # the screen shows the same values from the same column definitions
    screen = [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]
    assert screen == numbers and panel.model.index(0, 6).data() == "2022-09-05"
    [line] = audit_lines("export")
    assert line.created_by == "chuangkou" and line.summary == "导出办件清单 2 条；筛选条件：渠道：邮寄"


def test_the_file_dialog_suggests_the_list_name_in_documents_and_adds_the_suffix(qtbot, clerk, monkeypatch):
    panel = shown_panel(qtbot, CaseListPanel(clerk))
    seen = []

    def fake_dialog(parent, title, suggested, filters, *args, **kwargs):
        seen.append((title, suggested, filters))
        return str(Path(suggested).with_name("我的导出")), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    path = panel.ask_export_path("办件清单-2026-11-27.xlsx")
    folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
    assert seen == [("导出 Excel", str(Path(folder) / "办件清单-2026-11-27.xlsx"), "Excel 工作簿 (*.xlsx)")]
    assert path == str(Path(folder) / "我的导出.xlsx")


def test_a_cancelled_file_dialog_exports_nothing(qtbot, clerk, monkeypatch, messages):
    panel = shown_panel(qtbot, CaseListPanel(clerk))
    monkeypatch.setattr(panel, "ask_export_path", lambda suggested: "")
    qtbot.mouseClick(panel.export_button, Qt.LeftButton)
    assert not panel.exporting and messages == [] and audit_lines("export") == []


# ------------------------------------------------------------------------------------------ the registers

@pytest.fixture
def grid(grid_a):
    """The worker's grid (tests/patrol_fixtures.py: worker wangge, keeper zhongdian, grid DT-01)."""
    return grid_a


@pytest.fixture
def residents(admin):
    zhang = people.save_person(admin, {"name": "张大山", "id_number": ZHANG_ID, "phone": "13812345678",
                                       "address": "打通镇石龙村3组", "village": "石龙村"})
    li = people.save_person(admin, {"name": "李小河", "id_number": LI_ID, "phone": "13912345678",
                                    "address": "打通镇石龙村4组", "village": "石龙村"})
    return zhang, li


def test_the_key_person_register_exports_the_filtered_category(qtbot, keeper, grid, residents, monkeypatch,
                                                               tmp_path, messages):
    zhang, li = residents
    registers.add_key_person(keeper, KeyPersonEntry(person=zhang, category=MENTAL, responsible="陈警官", danger_level=1,
                                                    guardian="张小山", grid=grid))
    registers.add_key_person(keeper, KeyPersonEntry(person=li, category=DRUG, responsible="陈警官", stage="社区康复",
                                                    grid=grid))
    tab = shown_panel(qtbot, KeyPersonTab(keeper))
    tab.category.setCurrentIndex(tab.category.findData(MENTAL))
    tab.refresh()
    assert tab.model.rowCount() == 1
    target = tmp_path / "重点人员.xlsx"
    asked = answer_dialog(monkeypatch, tab, target)
    qtbot.mouseClick(tab.export_button, Qt.LeftButton)
    wait_for_export(qtbot, tab, messages)
    assert asked == [f"重点人员台账-{date.today():%Y-%m-%d}.xlsx"]
    assert messages == [("info", "导出完成", f"已导出 1 条记录到 {target}")]
    headers, rows = sheet_rows(target)
    assert len(rows) == 1
    row = dict(zip(headers, rows[0]))
    assert (row["姓名"], row["身份证号"], row["人员类别"], row["危险性等级"], row["监护人"], row["网格"]) == (
        "张大山", ZHANG_ID, MENTAL, "1 级", "张小山", "DT-01 打通村第一网格")
    assert isinstance(row["列管日期"], datetime) and row["列管日期"].date() == date.today()
    [line] = audit_lines("export")
    assert line.created_by == "zhongdian" and line.summary == "导出重点人员台账 1 条；筛选条件：类别：严重精神障碍患者；状态：在管"


def test_a_care_register_export_by_a_worker_without_the_right_is_refused_and_writes_no_file(
        qtbot, worker, grid, residents, monkeypatch, tmp_path, messages):
    zhang, _li = residents
    registers.add_care(worker, CareEntry(person=zhang, groups=["空巢老人"], colour="黄", helper="刘小燕", grid=grid))
    tab = shown_panel(qtbot, CareTab(worker))
    tab.refresh()
    assert tab.model.index(0, 0).data() == "张**"                        # the worker's list is masked
    assert "重点人员" in tab.export_button.toolTip()                       # the button says who may export
    target = tmp_path / "关爱.xlsx"
    answer_dialog(monkeypatch, tab, target)
    tab.search_edit.setFocus()
    qtbot.keyClick(tab.search_edit, Qt.Key_E, Qt.ControlModifier)
    wait_for_export(qtbot, tab, messages)
    [(kind, title, text)] = messages
    assert kind == "warn" and "没有“重点人员" in text and "测试网格员" in text
    assert not target.exists()
    [line] = audit_lines("export_refused")
    assert line.created_by == "wangge" and "关爱帮扶台账" in line.summary
    assert audit_lines("export") == []


def test_the_care_register_exported_by_the_keeper_holds_full_names_the_worker_sees_masked(
        qtbot, keeper, worker, grid, residents, monkeypatch, tmp_path, messages):
    zhang, li = residents
    for person, colour in ((zhang, "黄"), (li, "红")):
        registers.add_care(worker, CareEntry(person=person, groups=["空巢老人"], colour=colour, helper="刘小燕",
                                             grid=grid))
    tab = shown_panel(qtbot, CareTab(keeper))
    type_text(qtbot, tab.search_edit, "李小河")
    tab.refresh()
    assert tab.model.rowCount() == 1
    target = tmp_path / "关爱.xlsx"
    answer_dialog(monkeypatch, tab, target)
    qtbot.mouseClick(tab.export_button, Qt.LeftButton)
    wait_for_export(qtbot, tab, messages)
    headers, rows = sheet_rows(target)
    assert [(r[headers.index("姓名")], r[headers.index("联系电话")], r[headers.index("关爱等级")]) for r in rows] == [
        ("李小河", "13912345678", "红")]
    [line] = audit_lines("export")
    assert line.summary == "导出关爱帮扶台账 1 条；筛选条件：搜索：“李**”；状态：在册"


# ------------------------------------------------------------------------------------------ every list

@pytest.mark.parametrize("panel_type, kind, roles", [
    (CaseListPanel, "cases", ("window",)),
    (DisputeListPanel, "disputes", ("mediator",)),
    (PetitionListPanel, "petitions", ("mediator",)),
    (PatrolListPanel, "patrols", ("grid",)),
    (EventListPanel, "events", ("grid",)),
    (HazardListPanel, "hazards", ("grid",)),
    (HelpListPanel, "helps", ("grid",)),
    (CareTab, "care", ("key_persons",)),
    (KeyPersonTab, "key_persons", ("key_persons",)),
])
def test_every_list_has_the_export_button_at_the_right_of_its_bottom_row(qtbot, make_user, panel_type, kind, roles):
    panel = shown_panel(qtbot, panel_type(make_user(*roles, username="u_" + kind)))
    assert panel.export_kind == kind and issubclass(panel_type, ListPanel)
    button = panel.export_button
    assert button.isVisible() and button.isEnabled()
    bottom_right = button.mapTo(panel, button.rect().bottomRight())
    assert bottom_right.x() > panel.width() - 40 and bottom_right.y() > panel.table.geometry().bottom()
    assert panel.model.headers == panel.model.list_kind.screen_headers()
    # Tab leaves the table for the export button (the table's own children are skipped over)
    widget, steps = panel.table.nextInFocusChain(), 0
    while widget is not button and widget is not panel.search_edit and steps < 100:
        widget, steps = widget.nextInFocusChain(), steps + 1
    assert widget is button
