"""事项目录管理 and 节假日设置, driven as an administrator would: keys, typing, buttons.

Every result is checked in the database through models.hall.matters / models.hall.calendar.
"""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QLineEdit, QSpinBox

import ui.hall.catalogue_admin as catalogue_admin
import ui.hall.holidays as holidays
from models.hall import calendar, matters
from tests.conftest import type_text
from ui.hall.catalogue_admin import CatalogueAdmin, MatterDialog
from ui.hall.holidays import HolidayAdmin


@pytest.fixture
def show(qtbot):
    """show(widget) → the widget shown at the app's usual size, as the active window."""
    def make(widget, active=True):
        qtbot.addWidget(widget)
        widget.resize(1100, 700)
        widget.show()
        qtbot.waitExposed(widget)
        if active:
            widget.activateWindow()
            qtbot.waitUntil(widget.isActiveWindow)
        return widget
    return make


@pytest.fixture
def answer(monkeypatch):
    """answer(module, yes) → questions asked through module.ask are answered `yes` and recorded."""
    asked = []

    def install(module, yes=True):
        monkeypatch.setattr(module, "ask", lambda parent, title, text: asked.append((title, text)) or yes)
        return asked
    return install


def cell(widget, row, header):
    model = widget.model
    column = [c.header for c in model.columns].index(header)
    return model.index(row, column).data()


def row_of(page: CatalogueAdmin, code: str) -> int:
    return [m.code for m in page.model.rows].index(code)


def open_dialog(qtbot, page: CatalogueAdmin, key=None) -> MatterDialog:
    if key is None:
        qtbot.keyClick(page, Qt.Key_N, Qt.ControlModifier)  # the button's shortcut: clicks it 100 ms later
    else:
        qtbot.keyClick(page.table, key)
    qtbot.waitUntil(lambda: page.dialog is not None)
    dialog = page.dialog
    assert isinstance(dialog, MatterDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def set_spin(qtbot, spin: QSpinBox, value: int) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, str(value))


def pick(qtbot, combo: QComboBox, text: str) -> None:
    """Choose `text` with the arrow keys, as a person does in a closed list."""
    combo.setFocus()
    if combo.currentIndex() < 0:
        qtbot.keyClick(combo, Qt.Key_Down)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key_Down)
    assert combo.currentText() == text


def editor():
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_material(qtbot, dialog: MatterDialog, name: str, form: str, copies: int, note: str) -> None:
    """添加材料, then fill the row cell by cell with Tab, as the form explains."""
    qtbot.mouseClick(dialog.add_material_button, Qt.LeftButton)
    name_editor = editor()
    assert isinstance(name_editor, QLineEdit) and dialog.materials_table.isAncestorOf(name_editor)
    type_text(qtbot, name_editor, name)
    qtbot.keyClick(name_editor, Qt.Key_Tab)
    form_editor = editor()
    assert isinstance(form_editor, QComboBox)
    pick(qtbot, form_editor, form)
    qtbot.keyClick(form_editor, Qt.Key_Tab)
    copies_editor = editor()
    assert isinstance(copies_editor, QSpinBox)
    copies_editor.selectAll()
    qtbot.keyClicks(copies_editor, str(copies))
    qtbot.keyClick(copies_editor, Qt.Key_Tab)
    note_editor = editor()
    type_text(qtbot, note_editor, note)
    qtbot.keyClick(note_editor, Qt.Key_Return)  # commits the cell (queued)
    qtbot.waitUntil(lambda: dialog.materials_table.state() != QAbstractItemView.EditingState)


# --- 事项目录 ------------------------------------------------------------------------------------

def test_new_matter_typed_in_the_form_is_saved_with_every_field(qtbot, admin, show):
    before = len(matters.list_matters())
    page = show(CatalogueAdmin(admin))
    assert page.count_label.text() == f"共 {before} 个事项"
    dialog = open_dialog(qtbot, page)
    assert dialog.windowTitle() == "新增事项"
    assert "已经受理的办件保留受理时的事项名称、办结时限和申请材料" in dialog.keep_note.text()

    pick(qtbot, dialog.class_combo, "行政服务")
    assert dialog.code_edit.text() == "XZFW-026"  # the next free code of the class
    qtbot.keyClick(dialog.class_combo, Qt.Key_Return)
    assert dialog.focusWidget() is dialog.code_edit
    qtbot.keyClick(dialog.code_edit, Qt.Key_Return)
    assert dialog.focusWidget() is dialog.name_edit
    type_text(qtbot, dialog.name_edit, "高龄津贴申领")
    type_text(qtbot, dialog.department_edit, "社会事务办公室")
    pick(qtbot, dialog.kind_combo, "承诺件")
    set_spin(qtbot, dialog.legal_spin, 20)
    pick(qtbot, dialog.unit_combo, "自然日")
    set_spin(qtbot, dialog.promised_spin, 7)
    dialog.fee_edit.selectAll()
    qtbot.keyClicks(dialog.fee_edit, "12.5")
    type_text(qtbot, dialog.fee_basis_edit, "渝价〔2020〕1号")
    dialog.online_box.setFocus()
    qtbot.keyClick(dialog.online_box, Qt.Key_Space)
    type_text(qtbot, dialog.bundles_edit, "老年人服务一件事、身后一件事")
    type_text(qtbot, dialog.statute_edit, "《重庆市高龄津贴管理办法》")
    type_material(qtbot, dialog, "居民身份证", "原件及复印件", 2, "本人及代办人")
    type_material(qtbot, dialog, "申请表", "原件", 1, "窗口领取")
    assert dialog.materials_table.rowCount() == 2

    qtbot.keyClick(dialog, Qt.Key_S, Qt.ControlModifier)  # Ctrl+S
    assert page.dialog is None and not dialog.isVisible()

    saved = matters.get_matter("XZFW-026")
    assert saved is not None and len(matters.list_matters()) == before + 1
    assert (saved.name, saved.matter_class, saved.department, saved.kind, saved.legal_days, saved.legal_days_unit,
            saved.promised_days, saved.fee_cents, saved.fee_basis, saved.online, saved.statute, saved.active) == (
        "高龄津贴申领", "行政服务", "社会事务办公室", "承诺件", 20, "自然日", 7, 1250, "渝价〔2020〕1号", True,
        "《重庆市高龄津贴管理办法》", True)
    assert saved.bundles == ["老年人服务一件事", "身后一件事"]
    assert saved.materials == [
        {"name": "居民身份证", "form": "原件及复印件", "copies": 2, "note": "本人及代办人"},
        {"name": "申请表", "form": "原件", "copies": 1, "note": "窗口领取"},
    ]
    assert matters.as_matter(saved).fee == Decimal("12.50")
    # The list shows and selects it.
    assert page.selected().code == "XZFW-026"
    row = row_of(page, "XZFW-026")
    assert cell(page, row, "名称") == "高龄津贴申领"
    assert cell(page, row, "承诺/法定时限") == "7 个工作日 / 20 个自然日"
    assert cell(page, row, "收费") == "12.50 元"
    assert cell(page, row, "网办") == "可网办" and cell(page, row, "状态") == "启用"
    assert "已保存事项 XZFW-026 高龄津贴申领" in page.status_label.text()


def test_materials_rows_can_be_moved_and_removed_with_keys(qtbot, admin, show):
    page = show(CatalogueAdmin(admin))
    dialog = open_dialog(qtbot, page)
    table = dialog.materials_table
    type_material(qtbot, dialog, "甲", "原件", 1, "一")
    type_material(qtbot, dialog, "乙", "复印件", 1, "二")
    table.setFocus()
    table.setCurrentCell(1, 0)
    qtbot.keyClick(table, Qt.Key_Up, Qt.ControlModifier)
    assert [m["name"] for m in table.materials()] == ["乙", "甲"]
    assert table.currentRow() == 0
    qtbot.keyClick(table, Qt.Key_Delete)
    assert [m["name"] for m in table.materials()] == ["甲"]
    qtbot.keyClick(table, Qt.Key_Insert)  # a new row, its name being edited
    assert table.rowCount() == 2 and isinstance(editor(), QLineEdit)
    qtbot.keyClick(editor(), Qt.Key_Escape)  # leaves the cell, not the form
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState)
    assert dialog.isVisible() and dialog.focusWidget() is table
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key_Return)  # Enter edits the current cell
    assert isinstance(editor(), QLineEdit) and editor().text() == "甲"
    qtbot.keyClick(editor(), Qt.Key_Escape)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState)
    table.setCurrentCell(1, 3)
    qtbot.keyClick(table, Qt.Key_F2)
    qtbot.keyClick(editor(), Qt.Key_Tab)  # Tab from the very last cell leaves the list
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState)
    assert dialog.focusWidget() is dialog.add_material_button
    qtbot.keyClick(dialog.add_material_button, Qt.Key_Return)  # Enter on a button presses it, not 保存
    assert table.rowCount() == 3 and dialog.isVisible()
    dialog.done(0)


@pytest.mark.parametrize("fill, field, words", [
    ({"promised": 25}, "承诺办结时限", "超过了法定办结时限"),
    ({"name": ""}, "事项名称", "事项名称为空"),
])
def test_invalid_matter_names_the_field_and_writes_nothing(qtbot, admin, show, fill, field, words):
    before = [m.code for m in matters.list_matters(include_inactive=True)]
    page = show(CatalogueAdmin(admin))
    dialog = open_dialog(qtbot, page)
    pick(qtbot, dialog.class_combo, "其他")
    if fill.get("name", "x"):
        type_text(qtbot, dialog.name_edit, "新事项")
    type_text(qtbot, dialog.department_edit, "党政办公室")
    pick(qtbot, dialog.kind_combo, "承诺件")
    set_spin(qtbot, dialog.legal_spin, 20)
    set_spin(qtbot, dialog.promised_spin, fill.get("promised", 10))
    type_material(qtbot, dialog, "申请书", "原件", 1, "")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)

    assert dialog.isVisible() and page.dialog is dialog
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text().startswith(field + "：") and words in dialog.error_label.text()
    target = dialog.promised_spin if field == "承诺办结时限" else dialog.name_edit
    assert dialog.focusWidget() is target or target.isAncestorOf(dialog.focusWidget())
    assert [m.code for m in matters.list_matters(include_inactive=True)] == before
    assert matters.get_matter("QT-012") is None
    dialog.done(0)  # close without the "discard?" question


def test_material_without_a_name_is_refused_with_its_row_selected(qtbot, admin, show):
    page = show(CatalogueAdmin(admin))
    dialog = open_dialog(qtbot, page)
    pick(qtbot, dialog.class_combo, "其他")
    type_text(qtbot, dialog.name_edit, "新事项")
    type_text(qtbot, dialog.department_edit, "党政办公室")
    pick(qtbot, dialog.kind_combo, "即办件")
    type_material(qtbot, dialog, "申请书", "原件", 1, "")
    type_material(qtbot, dialog, "", "原件", 1, "只写了备注")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert dialog.error_label.text().startswith("申请材料：") and "第 2 项申请材料缺少材料名称" in dialog.error_label.text()
    assert dialog.materials_table.currentRow() == 1
    assert matters.get_matter("QT-012") is None
    dialog.done(0)


def test_edit_existing_matter_keeps_code_and_saves_the_change(qtbot, admin, show):
    original = matters.get_matter("XZFW-010")
    page = show(CatalogueAdmin(admin))
    page.search_edit.setFocus()
    qtbot.keyClicks(page.search_edit, "XZFW-010")
    qtbot.keyClick(page.search_edit, Qt.Key_Return)  # into the list, the match selected
    assert page.table.hasFocus() and page.selected().code == "XZFW-010"
    dialog = open_dialog(qtbot, page, Qt.Key_Return)

    assert dialog.windowTitle() == "修改事项 — XZFW-010"
    assert dialog.code_edit.text() == "XZFW-010" and dialog.code_edit.isReadOnly()
    assert dialog.name_edit.text() == original.name
    assert dialog.materials_table.materials() == [
        {"name": m["name"], "form": m["form"], "copies": m.get("copies", 1), "note": m.get("note", "")}
        for m in original.materials]
    set_spin(qtbot, dialog.promised_spin, 15)
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert not dialog.isVisible()

    saved = matters.get_matter("XZFW-010")
    assert saved.id == original.id and saved.code == "XZFW-010"
    assert saved.promised_days == 15 and saved.name == original.name and saved.legal_days == original.legal_days
    assert len(saved.materials) == len(original.materials)
    assert cell(page, row_of(page, "XZFW-010"), "承诺/法定时限") == "15 / 30 个工作日"


def test_escape_asks_before_dropping_typed_work(qtbot, admin, show, answer):
    page = show(CatalogueAdmin(admin))
    asked = answer(catalogue_admin, yes=False)
    dialog = open_dialog(qtbot, page)
    type_text(qtbot, dialog.name_edit, "半截")
    qtbot.keyClick(dialog.name_edit, Qt.Key_Escape)
    assert asked and asked[-1][0] == "放弃修改" and dialog.isVisible()
    answer(catalogue_admin, yes=True)
    qtbot.keyClick(dialog.name_edit, Qt.Key_Escape)
    assert not dialog.isVisible() and page.dialog is None


def test_stop_and_restart_a_matter(qtbot, admin, show, answer):
    asked = answer(catalogue_admin)
    page = show(CatalogueAdmin(admin))
    page.table.select_row(row_of(page, "QT-010"))
    assert page.toggle_button.text() == "停用"
    qtbot.mouseClick(page.toggle_button, Qt.LeftButton)

    assert asked and "QT-010" in asked[0][1]
    assert "QT-010" not in [m.code for m in matters.list_matters()]
    assert matters.get_matter("QT-010").active is False
    row = row_of(page, "QT-010")  # still listed here, as stopped
    assert cell(page, row, "状态") == "停用"
    assert page.model.index(row, 0).data(Qt.ForegroundRole) is not None  # greyed
    assert page.count_label.text() == "共 46 个事项，其中停用 1 个"
    assert page.toggle_button.text() == "启用"

    qtbot.keyClick(page, Qt.Key_T, Qt.ControlModifier)  # 启用 needs no question
    assert len(asked) == 1
    assert "QT-010" in [m.code for m in matters.list_matters()]
    assert cell(page, row_of(page, "QT-010"), "状态") == "启用"


def test_stop_cancelled_changes_nothing(qtbot, admin, show, answer):
    answer(catalogue_admin, yes=False)
    page = show(CatalogueAdmin(admin))
    page.table.select_row(row_of(page, "QT-010"))
    assert not page.toggle_active()
    assert matters.get_matter("QT-010").active is True


def test_window_user_gets_a_read_only_list(qtbot, admin, make_user, show, monkeypatch):
    clerk = make_user("window")
    page = show(CatalogueAdmin(clerk))
    assert "只有管理员可以修改事项目录" in page.intro.text()
    assert not page.add_button.isVisible() and not page.edit_button.isVisible()
    assert not page.toggle_button.isVisible()
    assert page.model.rowCount() == 46
    page.table.setFocus()
    page.table.select_row(0)
    qtbot.keyClick(page.table, Qt.Key_Return)
    qtbot.keyClick(page, Qt.Key_N, Qt.ControlModifier)
    qtbot.wait(200)  # a button's shortcut clicks it 100 ms later
    assert page.dialog is None and page.add() is None and not page.toggle_active()
    assert "XZSP-001" in page.details.text() and "申请材料" in page.details.text()

    # The models refuse anyway; the form says so and writes nothing.
    shown = []
    monkeypatch.setattr(catalogue_admin, "show_problem", lambda parent, exc, title=None: shown.append(exc.message))
    dialog = MatterDialog(clerk, matters.get_matter("XZSP-001"))
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("改个名字")
    assert not dialog.save()
    assert len(shown) == 1 and "没有“修改系统设置”的权限" in shown[0]
    assert dialog.saved_matter is None and not dialog.error_label.text()
    assert matters.get_matter("XZSP-001").name == "农村村民宅基地审批"


def test_search_filters_by_name_and_code(qtbot, admin, show):
    page = show(CatalogueAdmin(admin))
    page.search_edit.setFocus()
    type_text(qtbot, page.search_edit, "婚姻")
    page.refresh()
    assert [m.code for m in page.model.rows] == ["QT-010"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "xzsp")
    page.refresh()
    assert len(page.model.rows) == 10 and all(m.code.startswith("XZSP") for m in page.model.rows)


# --- 节假日设置 ----------------------------------------------------------------------------------

def test_holiday_entered_changes_the_count_and_deleting_restores(qtbot, admin, show, answer):
    page = show(HolidayAdmin(admin))
    assert page.year_spin.value() == date.today().year
    set_spin(qtbot, page.year_spin, 2027)
    assert page.year() == 2027
    assert calendar.work_calendar().add_workdays(date(2027, 5, 3), 1) == date(2027, 5, 4)

    page.trial_start.setDate(QDate(2027, 5, 3))
    set_spin(qtbot, page.trial_days, 1)
    assert page.trial_result.text() == "2027-05-04（星期二）"
    assert page.trial_note.isVisible() and "2027 年的节假日尚未录入" in page.trial_note.text()

    page.date_edit.setDate(QDate(2027, 5, 4))
    page.date_edit.setFocus()
    qtbot.keyClick(page.date_edit, Qt.Key_Return)
    assert page.focusWidget() is page.kind_combo and page.kind_combo.currentText() == "放假"
    qtbot.keyClick(page.kind_combo, Qt.Key_Return)
    assert page.focusWidget() is page.note_edit
    type_text(qtbot, page.note_edit, "劳动节")
    qtbot.keyClick(page.note_edit, Qt.Key_Return)

    [entry] = calendar.list_days(2027)
    assert (entry.day, entry.workday, entry.note) == (date(2027, 5, 4), False, "劳动节")
    assert calendar.work_calendar().add_workdays(date(2027, 5, 3), 1) == date(2027, 5, 5)
    assert [cell(page, 0, h) for h in ("日期", "星期", "放假/调休上班", "说明")] == [
        "2027-05-04", "星期二", "放假", "劳动节"]
    assert "已录入 2027-05-04（星期二） 放假" in page.status_label.text()
    assert page.date_edit.date() == QDate(2027, 5, 5)  # ready for the next day of the holiday
    assert page.trial_result.text() == "2027-05-05（星期三）" and not page.trial_note.isVisible()
    assert page.count_label.text() == "2027 年已录入 1 天：放假 1 天，调休上班 0 天。"

    asked = answer(holidays, yes=False)
    page.table.setFocus()
    page.table.select_row(0)
    qtbot.keyClick(page.table, Qt.Key_Delete)
    assert asked and "2027-05-04" in asked[0][1]
    assert len(calendar.list_days(2027)) == 1  # answered No

    answer(holidays, yes=True)
    qtbot.keyClick(page.table, Qt.Key_Delete)
    assert calendar.list_days(2027) == [] and page.model.rowCount() == 0
    assert calendar.work_calendar().add_workdays(date(2027, 5, 3), 1) == date(2027, 5, 4)
    assert page.trial_result.text() == "2027-05-04（星期二）"


def test_working_weekend_entered(qtbot, admin, show):
    page = show(HolidayAdmin(admin))
    page.date_edit.setDate(QDate(2027, 5, 8))  # a Saturday
    pick(qtbot, page.kind_combo, "调休上班")
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    assert page.year() == 2027  # the list moved to the day's year
    assert [(d.day, d.workday) for d in calendar.list_days(2027)] == [(date(2027, 5, 8), True)]
    assert cell(page, 0, "放假/调休上班") == "调休上班" and cell(page, 0, "星期") == "星期六"
    assert calendar.work_calendar().add_workdays(date(2027, 5, 7), 1) == date(2027, 5, 8)


def test_entry_that_changes_nothing_is_flagged(qtbot, admin, show):
    page = show(HolidayAdmin(admin))
    page.date_edit.setDate(QDate(2027, 5, 9))  # a Sunday entered as 放假
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    assert page.status_label.property("kind") == "warn" and "本来就是休息日" in page.status_label.text()


def test_coverage_sentence_differs_for_a_known_and_an_unknown_year(qtbot, admin, show):
    page = show(HolidayAdmin(admin))
    set_spin(qtbot, page.year_spin, 2022)
    known = page.coverage_label.text()
    assert "2022 年的全国法定节假日和调休上班日已内置" in known
    assert page.coverage_label.property("notice") == "info"
    set_spin(qtbot, page.year_spin, 2027)
    unknown = page.coverage_label.text()
    assert "不包括 2027 年" in unknown and "国务院办公厅" in unknown and "调休上班日期" in unknown
    assert page.coverage_label.property("notice") == "warn"
    assert known != unknown


def test_window_user_sees_holidays_read_only(qtbot, admin, make_user, show):
    calendar.set_day(admin, date(2027, 5, 4), False, "劳动节")
    page = show(HolidayAdmin(make_user("window")))
    set_spin(qtbot, page.year_spin, 2027)
    assert page.model.rowCount() == 1
    assert not page.entry_box.isVisible() and "只有管理员可以录入或删除节假日" in page.read_only_label.text()
    page.table.setFocus()
    page.table.select_row(0)
    qtbot.keyClick(page.table, Qt.Key_Delete)
    assert page.add_day() is None and len(calendar.list_days(2027)) == 1
