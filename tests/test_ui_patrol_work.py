"""网格巡查's work screens driven like a grid worker and the 网格长 drive them — keys, a few typed Chinese
words — and checked against the database: events (the whole flow), hazards (整改, 复查 不合格 then 合格),
help requests, the premises register and the grids."""

from datetime import date, time, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDialog

from models.deadlines import DUE_TODAY, OVERDUE
from models.patrol import events, grids, hazards, helps, patrols, premises
from models.patrol.events import EventEntry
from models.patrol.grids import GridEntry
from models.patrol.hazards import HazardEntry
from models.patrol.helps import HelpEntry
from models.patrol.patrols import FindingEntry, InspectionEntry, PatrolEntry
from models.patrol.premises import PremisesEntry
from models.patrol.tables import (
    EV_ACCEPTED, EV_ASSIGNED, EV_CLOSED, EV_HANDLED, EV_RATED, EV_REPORTED, HELP_CLOSED, HELP_OPEN, HZ_CLEARED,
    HZ_OPEN, HZ_RECTIFIED, GridEvent, Hazard, HelpRequest, Premises,
)
from tests.conftest import type_text
from ui.lists import DEADLINE_COLOURS, DEADLINE_TEXT
from ui.patrol.events import EventDialog, EventListPanel
from ui.patrol.grids import GridsTab
from ui.patrol.hazards import HazardDialog, HazardListPanel
from ui.patrol.helps import HelpDialog, HelpListPanel
from ui.patrol.premises import PremisesTab

TODAY = date.today()


def patrol(worker, days_ago: int = 1, **changes):
    """A day patrol `days_ago` days back (never today: its start would be in the future early in the day)."""
    values = dict(patrol_date=TODAY - timedelta(days=days_ago), shift="日间", start=time(8, 0), end=time(10, 0),
                  patrol_type="日常巡查", grids=["DT-01"], route="打通村正街—学校—河堤", leader="刘小燕",
                  participants=["陈大勇"], weather="晴", overview="日常巡查。")
    values.update(changes)
    return patrols.log_patrol(worker, PatrolEntry(**values))


def make_event(worker, days_ago: int = 1, place: str = "正街", problem: str = "夜市摊点占用车道", **changes) -> GridEvent:
    values = dict(title="正街占道经营", people_involved=2, party="摊主若干")
    values.update(changes)
    logged = patrol(worker, days_ago, findings=[FindingEntry("事件", "市容秩序", place, problem,
                                                             event=EventEntry(**values))])
    return patrols.target_of(patrols.findings(logged)[0])


def make_hazard(worker, days_ago: int = 10, deadline_in: int = -2, **changes) -> Hazard:
    """A hazard found `days_ago` days back, due `deadline_in` days from today (negative: overdue)."""
    values = dict(category="消防通道堵塞", requirement="三日内清理通道杂物", responsible="王老板（便民超市）",
                  deadline=TODAY + timedelta(days=deadline_in), responsible_phone="13900000003")
    values.update(changes)
    logged = patrol(worker, days_ago, findings=[FindingEntry(
        "隐患", "消防安全", "正街便民超市后门", "后门消防通道堆放纸箱", hazard=HazardEntry(**values))])
    return patrols.target_of(patrols.findings(logged)[0])


def make_help(worker, days_ago: int = 1, **changes) -> HelpRequest:
    values = dict(requester="张大山", help_type="就医帮助", phone="13800000001", address="打通村3组")
    values.update(changes)
    logged = patrol(worker, days_ago, findings=[FindingEntry(
        "群众求助", "民生诉求", "打通村3组", "家中老人需要就医车辆", help=HelpEntry(**values))])
    return patrols.target_of(patrols.findings(logged)[0])


def shown(qtbot, widget, size=(1280, 800)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def active(qtbot, window):
    """Wait until `window` (a dialog just opened) has the keyboard."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def back_to(qtbot, window):
    """The keyboard back to `window` after a dialog closed (offscreen, no window manager hands it back)."""
    window.activateWindow()
    return active(qtbot, window)


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard"
    return widget


def save(qtbot, dialog) -> None:
    """Ctrl+Enter, as the user saves a form."""
    active(qtbot, dialog)
    qtbot.keyClick(focused(), Qt.Key_Return, Qt.ControlModifier)


def click_step(qtbot, dialog, key):
    qtbot.mouseClick(dialog.buttons[key], Qt.LeftButton)
    return active(qtbot, dialog.step)


def enabled(dialog) -> set[str]:
    return {key for key, button in dialog.buttons.items() if button.isEnabled()}


def background(model, row: int, column: int = 0):
    brush = model.data(model.index(row, column), Qt.BackgroundRole)
    return brush.color() if brush is not None else None


def row_of(model, number: str) -> int:
    return next(i for i, r in enumerate(model.rows) if r.number == number)


# ------------------------------------------------------------------------------------------ events

def open_event(qtbot, user, event) -> EventDialog:
    return shown(qtbot, EventDialog(user, events.get_event(user, event.number)), (1000, 760))


def test_the_whole_event_flow_through_the_dialog_by_the_lead_and_the_worker(qtbot, worker, lead, grid_a):
    event = make_event(worker)

    # the 网格长: only 受理 can be taken now; every other button says why not
    dialog = open_event(qtbot, lead, event)
    changes = []
    dialog.changed.connect(changes.append)
    assert enabled(dialog) == {"accept"} and focused() is dialog.buttons["accept"]
    for key in ("assign", "handle", "close", "rate"):
        assert "已上报" in dialog.buttons[key].toolTip()
    assert [s.step for s in dialog.history_model.rows] == [EV_REPORTED]
    assert dialog.heading.text() == f"{event.number}　{EV_REPORTED}"
    assert "剩 6 天" in dialog.deadline_label.text()

    qtbot.keyClick(focused(), Qt.Key_Space)                       # 受理… has the cursor
    step = active(qtbot, dialog.step)
    type_text(qtbot, step.fields["note"], "经核实情况属实")
    save(qtbot, step)
    assert step.result() == QDialog.Accepted
    assert GridEvent.get_by_id(event.id).status == EV_ACCEPTED
    assert changes[-1].status == EV_ACCEPTED and enabled(dialog) == {"assign"}

    step = click_step(qtbot, dialog, "assign")
    save(qtbot, step)                                             # no handler yet
    assert step.result() != QDialog.Accepted and "承办单位或人员" in step.error_label.text()
    assert focused() is step.fields["handler"]
    type_text(qtbot, step.fields["handler"], "镇综合执法办")
    save(qtbot, step)
    stored = GridEvent.get_by_id(event.id)
    assert (stored.status, stored.handler) == (EV_ASSIGNED, "镇综合执法办")
    assert enabled(dialog) == {"assign", "handle"}                # the 网格长 also patrols
    dialog.close()

    # the grid worker: only 处置 is theirs
    dialog = open_event(qtbot, worker, stored)
    assert enabled(dialog) == {"handle"}
    assert dialog.buttons["assign"].toolTip() == "分派需由网格长或综治中心办理。"
    assert "已分派" in dialog.buttons["accept"].toolTip()
    step = click_step(qtbot, dialog, "handle")
    type_text(qtbot, step.fields["handling"], "劝离")
    save(qtbot, step)                                             # too short: the error names the field
    assert "处置情况" in step.error_label.text() and focused() is step.fields["handling"]
    assert GridEvent.get_by_id(event.id).status == EV_ASSIGNED
    step.fields["handling"].clear()
    type_text(qtbot, step.fields["handling"], "执法队员劝离摊主，恢复通行")
    save(qtbot, step)
    assert GridEvent.get_by_id(event.id).status == EV_HANDLED
    assert not enabled(dialog)
    assert dialog.buttons["close"].toolTip() == "办结需由网格长或综治中心办理。"
    dialog.close()

    # the 网格长 checks and closes it, then rates it
    dialog = open_event(qtbot, lead, GridEvent.get_by_id(event.id))
    assert enabled(dialog) == {"close"}
    step = click_step(qtbot, dialog, "close")
    assert step.fields["on"].date().toPython() == TODAY
    type_text(qtbot, step.fields["result"], "经现场核查已恢复通行")
    save(qtbot, step)
    stored = GridEvent.get_by_id(event.id)
    assert (stored.status, stored.result, stored.closed_on) == (EV_CLOSED, "经现场核查已恢复通行", TODAY)
    assert dialog.deadline_label.text() == ""                     # no running deadline once closed
    step = click_step(qtbot, dialog, "rate")
    step.fields["rating"].setFocus()
    qtbot.keyClick(step.fields["rating"], Qt.Key_Down)            # 满意 → 基本满意
    type_text(qtbot, step.fields["comment"], "群众认可")
    save(qtbot, step)
    stored = GridEvent.get_by_id(event.id)
    assert (stored.status, stored.rating) == (EV_RATED, "基本满意")
    assert not enabled(dialog) and dialog.heading.text().endswith(EV_RATED)
    history = dialog.history_model.rows
    assert [s.step for s in history] == [EV_REPORTED, EV_ACCEPTED, EV_ASSIGNED, EV_HANDLED, EV_CLOSED, EV_RATED]
    assert [s.by for s in history] == ["测试网格员", "测试网格长", "测试网格长", "测试网格员", "测试网格长", "测试网格长"]
    notes = [dialog.history_model.data(dialog.history_model.index(row, 3)) for row in range(6)]
    assert notes[2] == "分派给镇综合执法办" and notes[5] == "基本满意：群众认可"
    assert dialog.history_model.data(dialog.history_model.index(1, 2)) == "测试网格长"


def test_assigning_with_a_new_due_date_moves_the_deadline(qtbot, worker, lead, grid_a):
    event = events.accept(lead, make_event(worker))
    dialog = open_event(qtbot, lead, event)
    step = click_step(qtbot, dialog, "assign")
    type_text(qtbot, step.fields["handler"], "石门村委")
    step.fields["due_on"].set_checked(True)
    step.fields["due_on"].edit.setDate(TODAY + timedelta(days=2))
    save(qtbot, step)
    assert GridEvent.get_by_id(event.id).due_on == TODAY + timedelta(days=2)
    assert "即将到期：剩 2 天" in dialog.deadline_label.text()


def test_event_list_colours_overdue_rows_and_filters_them(qtbot, worker, lead, grid_a):
    late = make_event(worker, days_ago=20, title="河堤护栏倒塌", place="河堤")
    today = make_event(worker, days_ago=1, title="学校门口车辆乱停", scale="重大", place="打通小学门口")
    fine = make_event(worker, days_ago=1)
    panel = shown(qtbot, EventListPanel(worker))
    panel.refresh()
    model = panel.model
    assert model.rowCount() == 3 and panel.count_label.text() == "共 3 件"
    assert model.headers == ["事件编号", "事件名称", "类别", "规模", "地点", "上报日期", "承办", "状态", "办结期限", "剩余"]
    row = row_of(model, late.number)
    assert model.data(model.index(row, 9)) == "超期 13 天"
    assert background(model, row) == QColor(DEADLINE_COLOURS[OVERDUE])
    assert model.data(model.index(row, 9), Qt.ForegroundRole).color() == QColor(DEADLINE_TEXT[OVERDUE])
    row = row_of(model, today.number)
    assert model.data(model.index(row, 9)) == "今日到期" and background(model, row) == QColor(DEADLINE_COLOURS[DUE_TODAY])
    assert background(model, row_of(model, fine.number)) is None

    panel.overdue_only.setChecked(True)
    panel.refresh()
    assert [e.number for e in model.rows] == [late.number] and panel.count_label.text() == "共 1 件"
    panel.overdue_only.setChecked(False)
    type_text(qtbot, panel.search_edit, "学校")
    qtbot.keyClick(panel.search_edit, Qt.Key_Return)              # Enter: to the first row
    assert [e.number for e in model.rows] == [today.number] and focused() is panel.table
    with qtbot.waitSignal(panel.opened) as signal:
        qtbot.keyClick(panel.table, Qt.Key_Return)                # Enter opens it
    assert signal.args[0].number == today.number


# ------------------------------------------------------------------------------------------ hazards

def test_hazard_rectified_then_failed_verification_then_passed_through_the_dialog(qtbot, worker, grid_a):
    hazard = make_hazard(worker)
    dialog = shown(qtbot, HazardDialog(worker, hazards.get_hazard(worker, hazard.number)), (1000, 760))
    assert enabled(dialog) == {"rectify", "verify"} and dialog.print_button.isEnabled()
    assert dialog.deadline_label.text().startswith("已超期 2 天")
    assert dialog.no_checks.isVisible() and not dialog.checks.isVisible()

    step = click_step(qtbot, dialog, "rectify")
    type_text(qtbot, step.fields["rectification"], "部分纸箱已清走")
    save(qtbot, step)
    stored = Hazard.get_by_id(hazard.id)
    assert (stored.status, stored.rectification, stored.rectified_on) == (HZ_RECTIFIED, "部分纸箱已清走", TODAY)
    assert enabled(dialog) == {"verify"} and dialog.buttons["rectify"].toolTip() == "已登记整改，等待复查。"
    assert dialog.deadline_label.text() == "已整改，待复查"

    # 复查 不合格: the notes and a new deadline later than today are required, each error at its field
    step = click_step(qtbot, dialog, "verify")
    assert not step.fields["new_deadline"].isEnabled()
    step.fields["result"].setFocus()
    qtbot.keyClick(step.fields["result"], Qt.Key_Down)            # 合格 → 不合格
    assert step.fields["result"].currentText() == "不合格" and step.fields["new_deadline"].isEnabled()
    save(qtbot, step)
    assert "复查情况" in step.error_label.text() and focused() is step.fields["notes"]
    type_text(qtbot, step.fields["notes"], "仍有纸箱堆放在通道内")
    step.fields["new_deadline"].setDate(TODAY)
    save(qtbot, step)
    assert "新的整改期限" in step.error_label.text() and focused() is step.fields["new_deadline"]
    assert Hazard.get_by_id(hazard.id).status == HZ_RECTIFIED
    step.fields["new_deadline"].setDate(TODAY + timedelta(days=5))
    save(qtbot, step)
    assert step.result() == QDialog.Accepted
    stored = Hazard.get_by_id(hazard.id)
    assert (stored.status, stored.deadline, stored.deadlines) == (HZ_OPEN, TODAY + timedelta(days=5), 2)
    assert [(c.result, c.new_deadline) for c in dialog.check_model.rows] == [("不合格", TODAY + timedelta(days=5))]
    assert dialog.checks.isVisible() and enabled(dialog) == {"rectify", "verify"}
    assert dialog.deadline_label.text().startswith("剩 5 天")

    # 复查 合格: cleared
    step = click_step(qtbot, dialog, "verify")
    type_text(qtbot, step.fields["notes"], "通道已清理畅通")
    save(qtbot, step)
    stored = Hazard.get_by_id(hazard.id)
    assert (stored.status, stored.cleared_on, stored.verified_by) == (HZ_CLEARED, TODAY, "测试网格员")
    assert [c.result for c in dialog.check_model.rows] == ["不合格", "合格"]
    assert not enabled(dialog) and dialog.buttons["verify"].toolTip() == "隐患已复查合格并销号。"
    assert "已销号" in dialog.deadline_label.text() and dialog.heading.text().endswith(HZ_CLEARED)


def test_hazard_notice_opens_in_the_print_preview(qtbot, worker, grid_a):
    hazard = make_hazard(worker)
    dialog = shown(qtbot, HazardDialog(worker, hazards.get_hazard(worker, hazard.number)), (1000, 760))
    preview = dialog.print_notice()
    assert preview is not None and "整改通知书" in preview.windowTitle() + preview.title
    preview.close()


def test_hazard_list_colours_overdue_rows_and_shows_only_overdue_ones(qtbot, worker, grid_a):
    late = make_hazard(worker, days_ago=10, deadline_in=-2)
    soon = make_hazard(worker, days_ago=2, deadline_in=0, category="灭火器材缺失或失效")
    later = make_hazard(worker, days_ago=2, deadline_in=20, category="电气线路私拉乱接")
    hazards.rectify(worker, later, "线路已重新敷设")
    panel = shown(qtbot, HazardListPanel(worker))
    panel.refresh()
    model = panel.model
    assert model.rowCount() == 3
    row = row_of(model, late.number)
    assert model.data(model.index(row, 8)) == "超期 2 天" and background(model, row) == QColor(DEADLINE_COLOURS[OVERDUE])
    assert model.data(model.index(row, 7)) == HZ_OPEN
    assert background(model, row_of(model, soon.number)) == QColor(DEADLINE_COLOURS[DUE_TODAY])
    row = row_of(model, later.number)
    assert model.data(model.index(row, 7)) == HZ_RECTIFIED and model.data(model.index(row, 8)) == ""
    assert background(model, row) is None                         # waiting for verification: no running deadline
    panel.overdue_only.setChecked(True)
    panel.refresh()
    assert [h.number for h in model.rows] == [late.number]
    panel.overdue_only.setChecked(False)
    panel.status.setCurrentIndex(panel.status.findText(HZ_RECTIFIED))
    panel.refresh()
    assert [h.number for h in model.rows] == [later.number]


# ------------------------------------------------------------------------------------------ help requests

def test_closing_a_help_request(qtbot, worker, grid_a):
    request = make_help(worker)
    make_help(worker, requester="赵阿婆", help_type="出行帮助", phone="", closing="当场解决", result="已送回家")
    panel = shown(qtbot, HelpListPanel(worker))
    panel.status.setCurrentIndex(panel.status.findData(HELP_OPEN))
    panel.refresh()
    assert [r.number for r in panel.model.rows] == [request.number]
    assert panel.model.data(panel.model.index(0, 2)) == "张大山"

    dialog = shown(qtbot, HelpDialog(worker, helps.get_request(worker, request.number)), (820, 520))
    assert enabled(dialog) == {"close"}
    step = click_step(qtbot, dialog, "close")
    step.fields["closing"].setFocus()
    qtbot.keyClick(step.fields["closing"], Qt.Key_Down)           # 当场解决 → 协调解决
    save(qtbot, step)
    assert "办结情况" in step.error_label.text() and focused() is step.fields["result"]
    type_text(qtbot, step.fields["result"], "联系村卫生室车辆送医")
    save(qtbot, step)
    stored = HelpRequest.get_by_id(request.id)
    assert (stored.status, stored.closing, stored.result, stored.closed_on, stored.closed_by) == (
        HELP_CLOSED, "协调解决", "联系村卫生室车辆送医", TODAY, "测试网格员")
    assert not enabled(dialog) and dialog.buttons["close"].toolTip() == "该求助已办结。"
    assert "由测试网格员办结" in dialog.deadline_label.text()
    panel.refresh()
    assert panel.model.rowCount() == 0                            # no longer 处理中


# ------------------------------------------------------------------------------------------ premises

def test_premises_added_with_a_bad_phone_then_edited_and_closed(qtbot, worker, grid_a, monkeypatch):
    tab = shown(qtbot, PremisesTab(worker))
    tab.refresh()
    assert tab.model.rowCount() == 0 and "还没有" not in tab.no_visits.text()
    tab.search_edit.setFocus()
    qtbot.keyClick(tab.search_edit, Qt.Key_N, Qt.ControlModifier)          # Ctrl+N: 新增
    dialog = active(qtbot, tab.dialog)
    assert focused() is dialog.name
    type_text(qtbot, dialog.name, "金嗓子KTV")
    qtbot.keyClick(dialog.name, Qt.Key_Return)                             # Enter: on to 场所类别
    assert focused() is dialog.kind
    dialog.kind.setCurrentIndex(dialog.kind.findData("KTV"))
    assert dialog.key_venue.isChecked()                                    # a KTV is a key venue
    dialog.grid.setCurrentIndex(dialog.grid.findText("DT-01 打通村第一网格"))
    type_text(qtbot, dialog.address, "打通镇正街12号")
    type_text(qtbot, dialog.operator, "周老板")
    type_text(qtbot, dialog.phone, "123")
    save(qtbot, dialog)
    assert "联系电话" in dialog.error_label.text() and focused() is dialog.phone
    assert Premises.select().count() == 0
    dialog.phone.clear()
    type_text(qtbot, dialog.phone, "13912345678")
    save(qtbot, dialog)
    assert dialog.result() == QDialog.Accepted
    ktv = Premises.get()
    assert (ktv.name, ktv.kind, ktv.key_venue, ktv.grid_id, ktv.village, ktv.phone) == (
        "金嗓子KTV", "KTV", True, grid_a.id, "打通村", "13912345678")
    assert tab.model.rowCount() == 1 and tab.table.selected().id == ktv.id
    assert tab.model.data(tab.model.index(0, 3)) == "DT-01 打通村第一网格"
    assert "金嗓子KTV还没有检查记录" in tab.no_visits.text()

    # an inspection patrol visits it: the history shows under the list
    visit = patrol(worker, 2, patrol_type="重点场所检查", inspections=[InspectionEntry(ktv, "合格", "消防器材齐全")])
    tab.refresh()
    assert [(i.patrol.number, i.result) for i in tab.visit_model.rows] == [(visit.number, "合格")]
    assert "（1 次）" in tab.visit_box.title()

    # Enter on the row: 修改; a shop is not a key venue unless ticked
    back_to(qtbot, tab)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key_Return)
    dialog = active(qtbot, tab.dialog)
    assert dialog.name.text() == "金嗓子KTV" and dialog.key_venue.isChecked()
    dialog.kind.setCurrentIndex(dialog.kind.findData("商铺"))
    assert not dialog.key_venue.isChecked()
    dialog.operator.clear()
    type_text(qtbot, dialog.operator, "吴经理")
    save(qtbot, dialog)
    ktv = Premises.get_by_id(ktv.id)
    assert (ktv.kind, ktv.key_venue, ktv.operator) == ("商铺", False, "吴经理")

    # 停业注销: gone from the list unless 含已停业 is ticked
    asked = []
    monkeypatch.setattr("ui.patrol.premises.ask", lambda *args: asked.append(args[2]) or True)
    assert tab.close_button.text() == "停业注销"
    qtbot.mouseClick(tab.close_button, Qt.LeftButton)
    assert asked and "金嗓子KTV" in asked[0]
    assert Premises.get_by_id(ktv.id).active is False
    assert tab.model.rowCount() == 0
    tab.include_closed.setChecked(True)
    tab.refresh()
    assert tab.model.data(tab.model.index(0, 9)) == "已停业注销"
    tab.table.select_row(0)
    assert tab.close_button.text() == "恢复营业"


def test_premises_search_and_key_venue_filter(qtbot, worker, grid_a):
    premises.save_premises(worker, PremisesEntry("金嗓子KTV", "KTV", "打通镇正街12号", grid="DT-01"))
    premises.save_premises(worker, PremisesEntry("便民超市", "商铺", "打通镇正街3号", operator="王老板"))
    tab = shown(qtbot, PremisesTab(worker))
    tab.refresh()
    assert [p.name for p in tab.model.rows] == ["金嗓子KTV", "便民超市"]      # key venues first
    assert tab.count_label.text() == "共 2 家，其中重点场所 1 家"
    tab.key_only.setChecked(True)
    tab.refresh()
    assert [p.name for p in tab.model.rows] == ["金嗓子KTV"]
    tab.key_only.setChecked(False)
    type_text(qtbot, tab.search_edit, "王老板")
    qtbot.keyClick(tab.search_edit, Qt.Key_Return)
    assert [p.name for p in tab.model.rows] == ["便民超市"] and focused() is tab.table


# ------------------------------------------------------------------------------------------ grids

def test_the_lead_creates_a_grid_with_workers_and_changes_and_stops_it(qtbot, worker, worker2, lead, grid_a,
                                                                        monkeypatch):
    tab = shown(qtbot, GridsTab(lead))
    tab.refresh()
    assert tab.coverage_label.text() == "共 1 个网格，已配备网格员 1 个，覆盖率 100%"
    assert tab.model.data(tab.model.index(0, 5)) == "测试网格员（专职）"
    assert tab.new_button.isVisible()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key_N, Qt.ControlModifier)
    dialog = active(qtbot, tab.dialog)
    assert focused() is dialog.code
    qtbot.keyClicks(dialog.code, "dt 3")
    type_text(qtbot, dialog.name, "石门村第一网格")
    type_text(qtbot, dialog.village, "石门村")
    dialog.households.setValue(280)
    dialog.population.setValue(900)
    rows = {row.username: row for row in dialog.rows}
    assert {"wangge", "wangge2", "wanggezhang"} <= set(rows)
    rows["wangge2"].check.setFocus()
    qtbot.keyClick(rows["wangge2"].check, Qt.Key_Space)                   # Space ticks a worker
    assert rows["wangge2"].check.isChecked() and rows["wangge2"].kind.isEnabled()
    rows["wangge2"].kind.setCurrentIndex(rows["wangge2"].kind.findText("兼职"))
    save(qtbot, dialog)
    assert "网格编码" in dialog.error_label.text() and focused() is dialog.code
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, "DT-03")
    save(qtbot, dialog)
    assert dialog.result() == QDialog.Accepted
    grid = grids.get_by_code("DT-03")
    assert (grid.name, grid.village, grid.households, grid.population) == ("石门村第一网格", "石门村", 280, 900)
    assert [(m.username, m.kind) for m in grids.members(grid)] == [("wangge2", "兼职")]
    assert tab.coverage_label.text() == "共 2 个网格，已配备网格员 2 个，覆盖率 100%"
    assert tab.table.selected().code == "DT-03"

    # Enter: 修改 — the code stays; the workers ticked replace those before
    back_to(qtbot, tab)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key_Return)
    dialog = active(qtbot, tab.dialog)
    assert dialog.code.isReadOnly() and focused() is dialog.name
    assert dialog.rows[0].username == "wangge2"                           # the grid's workers first
    rows = {row.username: row for row in dialog.rows}
    rows["wangge2"].check.setChecked(False)
    rows["wangge"].check.setChecked(True)
    save(qtbot, dialog)
    assert [(m.username, m.kind) for m in grids.members(grid)] == [("wangge", "专职")]
    assert tab.model.data(tab.model.index(tab.model.rows.index(tab.table.selected()), 5)) == "测试网格员（专职）"

    # 停用
    monkeypatch.setattr("ui.patrol.grids.ask", lambda *args: True)
    qtbot.mouseClick(tab.active_button, Qt.LeftButton)
    assert grids.get_by_code("DT-03").active is False
    assert tab.coverage_label.text() == "共 1 个网格，已配备网格员 1 个，覆盖率 100%"
    assert tab.active_button.text() == "启用"
    assert tab.model.data(tab.model.index(tab.model.rows.index(tab.table.selected()), 6)) == "已停用"


def test_a_grid_worker_sees_only_their_grids_read_only(qtbot, admin, worker, worker2, grid_a):
    grids.save_grid(admin, GridEntry("DT-02", "石门村第一网格", "石门村", members=[("wangge2", "兼职")]))
    tab = shown(qtbot, GridsTab(worker))
    tab.refresh()
    assert [g.code for g in tab.model.rows] == ["DT-01"]
    assert "只能查看" in tab.note.text() and tab.note.isVisible()
    assert not tab.new_button.isVisible() and not tab.edit_button.isVisible()
    tab.table.setFocus()
    tab.table.select_row(0)
    qtbot.keyClick(tab.table, Qt.Key_N, Qt.ControlModifier)
    qtbot.keyClick(tab.table, Qt.Key_Return)
    assert tab.dialog is None
    assert tab.coverage_label.text() == "共 2 个网格，已配备网格员 2 个，覆盖率 100%"
