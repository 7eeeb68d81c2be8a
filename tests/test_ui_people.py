"""人员库 screen, driven as a clerk would: typing into the fields, clicking buttons, pressing keys.

Results are checked in the database through models.people, never through the widgets alone.
"""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from models import accounts, people
from tests.conftest import type_text
from ui.people import OrganisationDialog, PeoplePage, PersonDialog

RESIDENT = "11010519491231002X"  # born 1949-12-31, female
OTHER_RESIDENT = "500222198003124513"  # born 1980-03-12, male
ODD_CODE = "91350211M0000XUF46"  # a credit code whose check character does not match


@pytest.fixture
def show_page(qtbot):
    def make(user):
        page = PeoplePage(user)
        qtbot.addWidget(page)
        page.resize(1100, 650)
        page.show()
        qtbot.waitExposed(page)
        return page
    return make


@pytest.fixture
def open_form(qtbot):
    """open_form(PersonDialog, user[, record]) → the form on its own, shown; shown=False: only built;
    active=True: also the active window, for keys that depend on focus."""
    def make(dialog_class, user, record=None, shown=True, active=False):
        dlg = dialog_class(user, record)
        qtbot.addWidget(dlg)
        if shown:
            dlg.show()
            qtbot.waitExposed(dlg)
        if active:
            dlg.activateWindow()
            qtbot.waitUntil(dlg.isActiveWindow)
        return dlg
    return make


@pytest.fixture
def clerk(make_user):
    return make_user("window")


def register(admin, name, id_number=RESIDENT, **extra):
    return people.save_person(admin, {"name": name, "id_number": id_number, **extra})


def cell(page, row, header):
    model = page.people_tab.model
    column = [c.header for c in model.columns].index(header)
    return model.index(row, column).data()


# --- (1) registering by resident ID ----------------------------------------------------------

def test_clerk_registers_person_and_id_fills_birth_date_and_gender(qtbot, clerk, show_page):
    page = show_page(clerk)
    qtbot.mouseClick(page.people_tab.add_button, Qt.LeftButton)
    dlg = page.people_tab.dialog
    assert isinstance(dlg, PersonDialog) and dlg.isVisible()

    type_text(qtbot, dlg.name_edit, "刘桂兰")
    qtbot.keyClicks(dlg.id_edit, RESIDENT[:10])
    assert "10/18" in dlg.id_hint.text()
    assert dlg.birth_edit.value() is None
    qtbot.keyClicks(dlg.id_edit, RESIDENT[10:])

    assert dlg.birth_edit.value() == date(1949, 12, 31)
    assert dlg.gender_combo.currentData() == "女"
    assert not dlg.birth_edit.isEnabled() and not dlg.gender_combo.isEnabled()
    assert "出生日期 1949-12-31，女（由身份证号自动识别）" in dlg.id_hint.text()
    qtbot.keyClicks(dlg.phone_edit, "13812345678")
    type_text(qtbot, dlg.village_edit, "石龙村")
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)

    found = people.search_people(clerk)
    assert len(found) == 1
    person = found[0]
    assert (person.name, person.id_number, person.birth_date, person.gender, person.ethnicity, person.phone,
            person.village) == ("刘桂兰", RESIDENT, date(1949, 12, 31), "女", "汉族", "13812345678", "石龙村")
    assert page.people_tab.dialog is None
    assert page.people_tab.selected().id == person.id
    assert page.people_tab.count_label.text() == "共 1 人"


def test_invalid_id_explained_in_hint_while_typing_and_autofill_released(qtbot, open_form, clerk):
    dlg = open_form(PersonDialog, clerk, shown=False)
    qtbot.keyClicks(dlg.id_edit, RESIDENT[:17] + "1")  # wrong check character
    assert "校验位" in dlg.id_hint.text() and dlg.id_hint.property("kind") == "error"
    assert dlg.birth_edit.value() is None and dlg.gender_combo.isEnabled()

    qtbot.keyClick(dlg.id_edit, Qt.Key_Backspace)
    qtbot.keyClicks(dlg.id_edit, "X")
    assert dlg.birth_edit.value() == date(1949, 12, 31)
    qtbot.keyClick(dlg.id_edit, Qt.Key_Backspace)  # no longer a valid number: the filled values go
    assert dlg.birth_edit.value() is None and dlg.gender_combo.currentData() == ""
    assert dlg.birth_edit.isEnabled() and dlg.gender_combo.isEnabled()


def test_enter_moves_through_the_form_and_saves_in_the_last_field(qtbot, open_form, clerk):
    dlg = open_form(PersonDialog, clerk)
    type_text(qtbot, dlg.name_edit, "陈德华")
    qtbot.keyClick(dlg.name_edit, Qt.Key_Return)
    assert dlg.focusWidget() is dlg.id_type_combo
    assert people.search_people(clerk) == []

    dlg.ethnicity_combo.lineEdit().clear()
    type_text(qtbot, dlg.ethnicity_combo.lineEdit(), "土家")  # typing part of the name finds it
    completer = dlg.ethnicity_combo.completer()
    completer.setCompletionPrefix("土家")
    assert completer.currentCompletion() == "土家族"
    type_text(qtbot, dlg.village_edit, "吹角村")
    qtbot.keyClick(dlg.village_edit, Qt.Key_Return)

    [person] = people.search_people(clerk)
    assert (person.name, person.ethnicity, person.village, person.id_number) == ("陈德华", "土家族", "吹角村", None)


# --- (2) an already registered ID ------------------------------------------------------------

def test_registered_id_switches_to_that_person_and_saving_updates(qtbot, admin, clerk, show_page):
    existing = register(admin, "刘桂兰", village="石龙村", phone="13698765432", address="打通镇石龙村7组")
    page = show_page(clerk)
    dlg = page.open_person_dialog()
    type_text(qtbot, dlg.name_edit, "刘桂兰")
    qtbot.keyClicks(dlg.id_edit, RESIDENT.lower())

    assert dlg.person is not None and dlg.person.id == existing.id
    assert dlg.notice.isVisible()
    assert "该证件号已登记：刘桂兰（石龙村）—已调出已有记录" in dlg.notice.text()
    assert (dlg.phone_edit.text(), dlg.address_edit.text(), dlg.village_edit.text()) == (
        "13698765432", "打通镇石龙村7组", "石龙村")
    assert dlg.birth_edit.value() == date(1949, 12, 31)

    dlg.phone_edit.clear()
    qtbot.keyClicks(dlg.phone_edit, "13900001111")
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)

    found = people.search_people(clerk)
    assert len(found) == 1
    assert found[0].id == existing.id and found[0].phone == "13900001111"
    assert page.people_tab.selected().id == existing.id


def test_correcting_the_id_after_a_match_goes_back_to_a_new_registration(qtbot, open_form, admin, clerk):
    existing = register(admin, "刘桂兰", village="石龙村")
    dlg = open_form(PersonDialog, clerk, shown=False)
    type_text(qtbot, dlg.name_edit, "张秀英")
    qtbot.keyClicks(dlg.phone_edit, "13812345678")
    qtbot.keyClicks(dlg.id_edit, RESIDENT)
    assert dlg.person.id == existing.id and dlg.name_edit.text() == "刘桂兰"

    dlg.id_edit.clear()  # the clerk had mistyped the number
    assert dlg.person is None
    assert (dlg.name_edit.text(), dlg.phone_edit.text()) == ("张秀英", "13812345678")
    assert "将作为新人员登记" in dlg.notice.text()
    qtbot.keyClicks(dlg.id_edit, OTHER_RESIDENT)
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)

    assert people.find_person_by_id(RESIDENT).name == "刘桂兰"
    assert people.find_person_by_id(OTHER_RESIDENT).name == "张秀英"
    assert len(people.search_people(clerk)) == 2


# --- (3) a bad phone number ------------------------------------------------------------------

def test_bad_phone_names_the_field_focuses_it_and_saves_nothing(qtbot, open_form, clerk):
    dlg = open_form(PersonDialog, clerk)
    type_text(qtbot, dlg.name_edit, "王芳")
    qtbot.keyClicks(dlg.id_edit, RESIDENT)
    qtbot.keyClicks(dlg.phone_edit, "1381234")
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)

    assert dlg.isVisible()
    assert dlg.error_label.isVisible() and "联系电话" in dlg.error_label.text()
    assert dlg.focusWidget() is dlg.phone_edit
    assert people.search_people(clerk) == []

    qtbot.keyClicks(dlg.phone_edit, "13812345678")  # the selected bad number is typed over
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)
    assert [p.phone for p in people.search_people(clerk)] == ["13812345678"]


def test_missing_name_is_reported_under_the_form(qtbot, open_form, clerk):
    dlg = open_form(PersonDialog, clerk)
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)
    assert "姓名" in dlg.error_label.text()
    assert dlg.focusWidget() is dlg.name_edit
    assert people.search_people(clerk) == []


# --- (4) a grid worker never sees nor destroys a full ID -------------------------------------

@pytest.mark.parametrize("id_type, number", [("居民身份证", RESIDENT), ("护照", "E12345678")])
def test_grid_worker_sees_masked_ids_and_edits_phone_keeping_the_id(qtbot, admin, make_user, show_page,
                                                                   id_type, number):
    register(admin, "金美淑", number, id_type=id_type, village="大罗村", phone="13698765432",
             gender="女", birth_date=date(1988, 6, 1) if id_type != "居民身份证" else None)
    grid = make_user("grid")
    page = show_page(grid)
    shown = cell(page, 0, "证件号码")
    assert shown.startswith(people.shown_id(grid, number)) and "*" in shown
    assert number not in shown

    page.people_tab.table.selectRow(0)
    qtbot.mouseClick(page.people_tab.edit_button, Qt.LeftButton)
    dlg = page.people_tab.dialog
    assert dlg.id_edit.text() == people.shown_id(grid, number)
    assert dlg.id_edit.isReadOnly() and not dlg.id_type_combo.isEnabled()
    assert dlg.change_id_button.isVisible()

    dlg.phone_edit.clear()
    qtbot.keyClicks(dlg.phone_edit, "13900002222")
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)

    person = people.find_person_by_id(number, id_type)
    assert person is not None and person.id_number == number
    assert person.phone == "13900002222"
    assert len(people.search_people(grid)) == 1
    assert cell(page, 0, "联系电话") == "13900002222"


def test_grid_worker_replacing_an_id_must_type_a_whole_new_one(qtbot, open_form, admin, make_user):
    person = register(admin, "刘桂兰", village="石龙村")
    grid = make_user("grid")
    dlg = open_form(PersonDialog, grid, person)
    qtbot.mouseClick(dlg.change_id_button, Qt.LeftButton)
    assert dlg.id_edit.text() == "" and not dlg.id_edit.isReadOnly()
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)
    assert "恢复原号码" in dlg.error_label.text()
    assert dlg.focusWidget() is dlg.id_edit
    assert people.find_person_by_id(RESIDENT).id == person.id

    qtbot.mouseClick(dlg.change_id_button, Qt.LeftButton)  # 恢复原号码
    assert dlg.id_edit.isReadOnly() and "*" in dlg.id_edit.text()
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)
    assert people.find_person_by_id(RESIDENT).id == person.id


def test_clerk_with_full_id_permission_sees_whole_number(qtbot, admin, clerk, show_page):
    register(admin, "刘桂兰")
    page = show_page(clerk)
    assert cell(page, 0, "证件号码") == RESIDENT
    page.people_tab.table.selectRow(0)
    dlg = page.people_tab.edit()
    assert dlg.id_edit.text() == RESIDENT and not dlg.id_edit.isReadOnly()
    assert not dlg.change_id_button.isVisible()


# --- (5) what a role may not do is not offered -----------------------------------------------

def test_user_without_edit_permission_gets_no_editing_buttons(qtbot, admin, make_user, show_page, monkeypatch):
    register(admin, "刘桂兰")
    # No built-in role views without editing; a view-only role is what such a user would hold.
    monkeypatch.setitem(accounts.ROLE_PERMISSIONS, "leader", {"stats.view", "people.view"})
    viewer = make_user("leader")
    page = show_page(viewer)
    for tab in (page.people_tab, page.organisations_tab):
        assert not tab.add_button.isVisible()
        assert not tab.edit_button.isVisible()
        assert not tab.delete_button.isVisible()
    assert page.people_tab.model.rowCount() == 1
    assert cell(page, 0, "证件号码") != RESIDENT
    assert page.open_person_dialog() is None


def test_leader_without_people_view_gets_an_explanation(qtbot, make_user, show_page):
    page = show_page(make_user("leader"))
    assert not page.people_tab.add_button.isVisible()
    assert not page.tabs.isVisible()
    assert page.denied_label.isVisible() and "查看人员库" in page.denied_label.text()


def test_delete_only_for_roles_that_may_and_asks_first(qtbot, admin, clerk, show_page, monkeypatch):
    register(admin, "刘桂兰", village="石龙村")
    register(admin, "张秀英", OTHER_RESIDENT, village="大罗村")
    assert not show_page(clerk).people_tab.delete_button.isVisible()

    page = show_page(admin)
    tab = page.people_tab
    assert tab.add_button.isVisible() and tab.delete_button.isVisible()
    questions = []
    answers = iter([QMessageBox.No, QMessageBox.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: questions.append(a[2]) or next(answers))
    tab.table.selectRow([p.name for p in tab.model.rows].index("刘桂兰"))

    qtbot.mouseClick(tab.delete_button, Qt.LeftButton)
    assert "“刘桂兰”（石龙村" in questions[0]
    assert people.find_person_by_id(RESIDENT) is not None

    qtbot.mouseClick(tab.delete_button, Qt.LeftButton)
    assert people.find_person_by_id(RESIDENT) is None
    assert [p.name for p in people.search_people(admin)] == ["张秀英"]
    assert tab.count_label.text() == "共 1 人" and tab.selected().name == "张秀英"


# --- (6) organisations -----------------------------------------------------------------------

def test_organisation_with_odd_check_character_warns_and_saves_when_confirmed(qtbot, clerk, show_page,
                                                                           monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    page = show_page(clerk)
    page.tabs.setCurrentWidget(page.organisations_tab)
    qtbot.mouseClick(page.organisations_tab.add_button, Qt.LeftButton)
    dlg = page.organisations_tab.dialog
    assert isinstance(dlg, OrganisationDialog)

    type_text(qtbot, dlg.name_edit, "綦江区打通镇石龙村股份经济合作联合社")
    qtbot.keyClicks(dlg.code_edit, ODD_CODE[:8])
    assert dlg.code_hint.property("kind") == "info" and "8/18" in dlg.code_hint.text()
    qtbot.keyClicks(dlg.code_edit, ODD_CODE[8:])
    assert dlg.code_hint.property("kind") == "warn" and "校验位不符" in dlg.code_hint.text()
    assert "#e65100" in dlg.code_hint.styleSheet()
    type_text(qtbot, dlg.legal_rep_edit, "张德明")
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)

    assert len(asked) == 1 and "校验位不符" in asked[0] and "仍要保存吗" in asked[0]
    [org] = people.search_organisations(clerk)
    assert (org.name, org.credit_code, org.legal_rep) == ("綦江区打通镇石龙村股份经济合作联合社", ODD_CODE, "张德明")
    assert page.organisations_tab.selected().id == org.id
    assert page.organisations_tab.count_label.text() == "共 1 个单位"


def test_organisation_not_saved_when_the_clerk_declines(qtbot, open_form, clerk, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    dlg = open_form(OrganisationDialog, clerk)
    type_text(qtbot, dlg.name_edit, "大罗煤业有限公司")
    qtbot.keyClicks(dlg.code_edit, ODD_CODE)
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)
    assert people.search_organisations(clerk) == []
    assert dlg.focusWidget() is dlg.code_edit


def test_credit_code_structural_error_shown_while_typing(qtbot, open_form, clerk):
    dlg = open_form(OrganisationDialog, clerk, shown=False)
    qtbot.keyClicks(dlg.code_edit, "9135O")  # letter O is never used
    assert dlg.code_hint.property("kind") == "error" and "第5位" in dlg.code_hint.text()


# --- (7) search ------------------------------------------------------------------------------

def test_search_filters_the_table_as_you_type(qtbot, admin, clerk, show_page):
    register(admin, "刘桂兰", village="石龙村", phone="13698765432")
    register(admin, "张秀英", OTHER_RESIDENT, village="石龙村")
    register(admin, "李建国", None, village="大罗村", phone="13812345678")
    page = show_page(clerk)
    tab = page.people_tab
    assert tab.model.rowCount() == 3 and tab.count_label.text() == "共 3 人"

    type_text(qtbot, tab.search_edit, "石龙")
    assert tab.model.rowCount() == 3  # debounced: not yet
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=2000)
    assert {p.name for p in tab.model.rows} == {"刘桂兰", "张秀英"}
    assert tab.count_label.text() == "共 2 人"

    tab.search_edit.clear()
    qtbot.keyClicks(tab.search_edit, "1381234")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=2000)
    assert tab.model.rows[0].name == "李建国"

    tab.search_edit.clear()
    qtbot.keyClicks(tab.search_edit, "19491231")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.model.rows[0].name == "刘桂兰", timeout=2000)

    tab.search_edit.clear()
    qtbot.keyClicks(tab.search_edit, "nobody")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=2000)
    assert "没有找到" in tab.count_label.text()


def test_saving_a_record_hidden_by_the_search_clears_the_search_to_show_it(qtbot, admin, clerk, show_page):
    register(admin, "刘桂兰", village="石龙村")
    page = show_page(clerk)
    tab = page.people_tab
    tab.search_edit.setText("石龙")
    tab.refresh()
    dlg = page.open_person_dialog()
    type_text(qtbot, dlg.name_edit, "李建国")
    type_text(qtbot, dlg.village_edit, "大罗村")
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)
    assert tab.search_edit.text() == ""
    assert tab.selected().name == "李建国" and tab.model.rowCount() == 2


# --- keyboard only ---------------------------------------------------------------------------

def test_keyboard_only_search_open_edit_and_delete(qtbot, admin, show_page, monkeypatch):
    register(admin, "刘桂兰", village="石龙村")
    register(admin, "张秀英", OTHER_RESIDENT, village="大罗村")
    page = show_page(admin)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    tab = page.people_tab
    page.setFocus()
    assert QApplication.focusWidget() is tab.search_edit

    qtbot.keyClick(tab.search_edit, Qt.Key_Down)  # into the list, first row selected
    assert QApplication.focusWidget() is tab.table and tab.selected() is not None
    first = tab.selected()
    qtbot.keyClick(tab.table, Qt.Key_Return)
    dlg = tab.dialog
    assert isinstance(dlg, PersonDialog) and dlg.person.id == first.id
    qtbot.keyClick(dlg, Qt.Key_Escape)
    assert tab.dialog is None
    qtbot.waitUntil(page.isActiveWindow)
    assert QApplication.focusWidget() is tab.table  # back where the clerk was

    qtbot.keyClick(tab.table, Qt.Key_N, Qt.ControlModifier)
    qtbot.waitUntil(lambda: tab.dialog is not None)  # a button's shortcut animates the click first
    assert isinstance(tab.dialog, PersonDialog) and tab.dialog.person is None
    tab.dialog.reject()
    page.activateWindow()  # the offscreen platform does not always hand activation back
    qtbot.waitUntil(lambda: page.isActiveWindow() and tab.table.hasFocus())
    tab.select_record(first)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    qtbot.keyClick(tab.table, Qt.Key_Delete)
    assert len(people.search_people(admin)) == 1
    assert all(p.id != first.id for p in people.search_people(admin))


def test_other_document_birth_date_typed_as_digits_and_gender_chosen(qtbot, open_form, clerk):
    dlg = open_form(PersonDialog, clerk, active=True)
    type_text(qtbot, dlg.name_edit, "金美淑")
    dlg.id_type_combo.setFocus()
    for _ in range(people.ID_TYPES.index("护照")):
        qtbot.keyClick(dlg.id_type_combo, Qt.Key_Down)
    assert dlg.id_type_combo.currentText() == "护照"
    qtbot.keyClicks(dlg.id_edit, "e12345678")
    assert dlg.birth_edit.isEnabled() and dlg.gender_combo.isEnabled()

    dlg.birth_edit.setFocus()
    qtbot.waitUntil(dlg.birth_edit.hasFocus)
    qtbot.keyClicks(dlg.birth_edit, "19880601")
    dlg.gender_combo.setCurrentIndex(dlg.gender_combo.findData("女"))
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)

    person = people.find_person_by_id("E12345678", "护照")
    assert (person.name, person.birth_date, person.gender) == ("金美淑", date(1988, 6, 1), "女")


def test_tabbing_through_an_empty_birth_date_leaves_it_empty(qtbot, open_form, clerk):
    dlg = open_form(PersonDialog, clerk, active=True)
    dlg.birth_edit.setFocus()
    qtbot.waitUntil(dlg.birth_edit.hasFocus)
    assert dlg.birth_edit.value() is None  # a starting date is shown for typing, but is not a value
    dlg.phone_edit.setFocus()
    qtbot.waitUntil(dlg.phone_edit.hasFocus)
    assert dlg.birth_edit.value() is None and dlg.birth_edit.text() == "未填写"


def test_escape_asks_before_dropping_typed_work(qtbot, open_form, clerk, monkeypatch):
    answers = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.append(a[2]) or QMessageBox.No)
    dlg = open_form(PersonDialog, clerk)
    type_text(qtbot, dlg.name_edit, "王芳")
    qtbot.keyClick(dlg, Qt.Key_Escape)
    assert dlg.isVisible() and len(answers) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    qtbot.keyClick(dlg, Qt.Key_Escape)
    assert not dlg.isVisible()
    assert people.search_people(clerk) == []


def test_delete_and_enter_in_the_search_box_do_not_act_on_the_selected_row(qtbot, admin, show_page, monkeypatch):
    # QShortcut's constructor drops its context in PySide6 6.12: the table's Delete and Enter were window-wide.
    register(admin, "张三")
    page = show_page(admin)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    asked = []
    monkeypatch.setattr("ui.people.tabs.ask", lambda *args: asked.append(args) or False)
    tab = page.people_tab
    tab.table.select_row(0)
    tab.search_edit.setFocus()
    qtbot.waitUntil(tab.search_edit.hasFocus)
    qtbot.keyClick(tab.search_edit, Qt.Key_Delete)
    assert asked == []
    tab.table.setFocus()
    qtbot.waitUntil(tab.table.hasFocus)
    qtbot.keyClick(tab.table, Qt.Key_Delete)
    assert len(asked) == 1
