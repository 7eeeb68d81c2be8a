"""The 关爱帮扶 and 重点人员 screens driven with qtbot and checked against the database and the audit trail:
listing through the dialogs (a person picked from the registry), visits and assessments moving the next
due date, masking for grid workers, audited openings, errors at their field, and who gets the 重点人员 tab."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from models import audit, people
from models.patrol import registers as reg
from models.patrol.grids import GridEntry, save_grid
from models.patrol.registers import CareEntry, KeyPersonEntry, KeyVisitEntry
from models.patrol.tables import CARE_ACTIVE, DRUG, KEY_ACTIVE, MENTAL, CareSubject, CareVisit, KeyAssessment, KeyPerson
from models.validators import mask_id_number
from tests.conftest import type_text
from ui.patrol.care import MASK_NOTE, CareDialog, CareSubjectDialog, CareTab
from ui.patrol.key_persons import KeyPersonDialog, KeyPersonRecordDialog, KeyPersonTab, ShortOfVisitsDialog

TODAY = date.today()
ZHANG_ID = "500222194503020018"


@pytest.fixture
def worker(make_user):
    return make_user("grid", username="wangge")


@pytest.fixture
def keeper(make_user):
    return make_user("key_persons", username="zhongdian")


@pytest.fixture
def grid(admin, worker):
    return save_grid(admin, GridEntry("DT-01", "石龙村一网格", "石龙村", members=[("wangge", "专职")]))


@pytest.fixture
def zhang(admin):
    return people.save_person(admin, {"name": "张大山", "id_number": ZHANG_ID, "phone": "13812345678",
                                      "address": "打通镇石龙村3组", "village": "石龙村"})


def shown_widget(qtbot, widget, width=1280, height=800):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def active(qtbot, window):
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def pick(qtbot, picker, text):
    """Find a person in the registry by ID number and pick them with Enter."""
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, text)
    qtbot.keyClick(picker.edit, Qt.Key_Return)


def cells(model, row):
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def column(model, header):
    return model.headers.index(header)


def audit_lines(action):
    return list(audit.AuditEntry.select().where(audit.AuditEntry.action == action).order_by(audit.AuditEntry.id))


def counts():
    return tuple(m.select().count() for m in (CareSubject, CareVisit, KeyPerson, KeyAssessment, audit.AuditEntry))


def open_selected(qtbot, tab, row=0):
    """Enter on a row of the list opens it."""
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab)
    tab.table.setFocus()
    tab.table.select_row(row)
    qtbot.keyClick(tab.table, Qt.Key_Return)
    return tab.dialog


# ---------------------------------------------------------------------------------------- care register

def test_listing_a_person_for_care_and_a_visit_moves_the_next_visit_by_the_colours_interval(
        qtbot, worker, grid, zhang):
    tab = shown_widget(qtbot, CareTab(worker))
    tab.refresh()
    assert tab.model.rowCount() == 0
    tab.search_edit.setFocus()
    qtbot.keyClick(tab.search_edit, Qt.Key_N, Qt.ControlModifier)        # Ctrl+N: 列入关爱
    dialog = tab.dialog
    assert isinstance(dialog, CareDialog)
    active(qtbot, dialog)
    pick(qtbot, dialog.picker, ZHANG_ID)
    assert dialog.picker.record == zhang
    assert dialog.grid.currentData() == grid                              # the person's village's grid
    assert dialog.helper.text() == worker.display_name
    dialog.groups["空巢老人"].setFocus()
    qtbot.keyClick(dialog.groups["空巢老人"], Qt.Key_Space)               # the space bar ticks a group
    dialog.colour.setCurrentIndex(dialog.colour.findData("黄"))
    assert "间隔 30 天" in dialog.colour.currentText()
    listed = TODAY - timedelta(days=40)
    dialog.listed_on.setDate(listed)
    assert f"{listed + timedelta(days=30):%Y-%m-%d}" in dialog.due_hint.text()
    type_text(qtbot, dialog.situation, "独居，子女在外务工")
    type_text(qtbot, dialog.needs, "定期上门看望")
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert dialog.result() == QDialog.Accepted, dialog.error_label.text()

    subject = CareSubject.get()
    assert (subject.name, subject.groups, subject.colour, subject.grid_id, subject.listed_on, subject.status) == (
        "张大山", ["空巢老人"], "黄", grid.id, listed, CARE_ACTIVE)
    assert (subject.helper, subject.situation, subject.next_due) == (
        worker.display_name, "独居，子女在外务工", listed + timedelta(days=30))
    assert tab.model.rowCount() == 1                                      # the list shows it at once
    row = cells(tab.model, 0)
    assert row[column(tab.model, "下次走访")] == f"{listed + timedelta(days=30):%Y-%m-%d}"
    assert row[column(tab.model, "状态")] == "超期 10 天"

    view = open_selected(qtbot, tab)
    assert isinstance(view, CareSubjectDialog)
    step = view.add_visit()
    visited = TODAY - timedelta(days=2)
    step.fields["on"].setDate(visited)
    type_text(qtbot, step.fields["content"], "身体状况良好，生活能自理")
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)
    assert step.result() == QDialog.Accepted, step.error_label.text()
    fresh = CareSubject.get_by_id(subject.id)
    assert (fresh.last_visit, fresh.next_due, fresh.colour) == (visited, visited + timedelta(days=30), "黄")
    [visit] = reg.care_visits(fresh)
    assert (visit.visitor, visit.kind, visit.content) == (worker.display_name, "上门走访", "身体状况良好，生活能自理")
    assert view.visit_model.rowCount() == 1 and "剩 28 天" in view.deadline_label.text()
    assert cells(tab.model, 0)[column(tab.model, "下次走访")] == f"{visited + timedelta(days=30):%Y-%m-%d}"

    # a visit that raises the colour to 红 brings the next one within 7 days of it
    step = view.add_visit()
    step.fields["colour"].setCurrentIndex(step.fields["colour"].findData("红"))
    type_text(qtbot, step.fields["content"], "老人摔伤，行动不便，需要重点关注")
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)
    fresh = CareSubject.get_by_id(subject.id)
    assert (fresh.colour, fresh.last_visit, fresh.next_due) == ("红", TODAY, TODAY + timedelta(days=7))
    assert "红色关爱" == view.chip.text()


def test_a_grid_worker_sees_masked_names_and_phones_while_the_key_persons_user_sees_them_whole(
        qtbot, worker, keeper, grid, zhang):
    reg.add_care(worker, CareEntry(zhang, ["空巢老人", "残疾人"], "红", "刘小燕", grid=grid,
                                   listed_on=TODAY - timedelta(days=3)))
    tab = shown_widget(qtbot, CareTab(worker))
    tab.refresh()
    assert tab.model.rowCount() == 1
    row = cells(tab.model, 0)
    assert row[column(tab.model, "姓名")] == "张**"
    assert row[column(tab.model, "类别")] == "空巢老人、残疾人" and row[column(tab.model, "等级")] == "红"
    [display] = tab.model.rows
    assert (display["phone"], display["id_number"]) == ("138****5678", mask_id_number(ZHANG_ID))
    for text in ("张大山", "13812345678", ZHANG_ID, "石龙村3组"):
        assert text not in repr(tab.model.rows) and text not in " ".join(row), text
    assert tab.mask_note.isVisibleTo(tab) and MASK_NOTE in tab.mask_note.text()

    full = shown_widget(qtbot, CareTab(keeper))
    full.refresh()
    [display] = full.model.rows
    assert cells(full.model, 0)[column(full.model, "姓名")] == "张大山"
    assert (display["phone"], display["id_number"]) == ("13812345678", ZHANG_ID)
    assert not full.mask_note.isVisibleTo(full)


def test_opening_a_care_subject_is_audited_and_shows_what_shown_allows(qtbot, worker, make_user, grid, zhang):
    subject = reg.add_care(worker, CareEntry(zhang, ["空巢老人"], "绿", "刘小燕", grid=grid, helper_phone="13700000001",
                                             listed_on=TODAY - timedelta(days=3)))
    lead = make_user("grid_lead", username="wanggezhang")
    assert audit_lines("view_sensitive") == []
    tab = shown_widget(qtbot, CareTab(lead))            # sees every grid, but is not this grid's worker
    tab.refresh()
    view = open_selected(qtbot, tab)
    [line] = audit_lines("view_sensitive")
    assert (line.created_by, line.record_uid) == ("wanggezhang", str(subject.uid))
    texts = [view.details.itemAt(i).widget().text() for i in range(view.details.count())]
    assert "张**" in texts and "138****5678" in texts and "张大山" not in " ".join(texts)
    assert "张大山" not in view.windowTitle() and "张大山" not in view.heading.text()

    own = shown_widget(qtbot, CareTab(worker))           # the grid's own worker visits and calls them
    own.refresh()
    view = open_selected(qtbot, own)
    texts = [view.details.itemAt(i).widget().text() for i in range(view.details.count())]
    assert "张大山" in texts and "13812345678" in texts and mask_id_number(ZHANG_ID) in texts
    assert [line.created_by for line in audit_lines("view_sensitive")] == ["wanggezhang", "wangge"]


def test_bad_care_input_shows_the_error_at_its_field_and_writes_nothing(qtbot, worker, grid, zhang):
    tab = shown_widget(qtbot, CareTab(worker))
    dialog = active(qtbot, tab.add())
    pick(qtbot, dialog.picker, ZHANG_ID)
    dialog.colour.setCurrentIndex(dialog.colour.findData("黄"))
    before = counts()
    dialog.save()                                        # no group ticked
    assert dialog.result() != QDialog.Accepted
    assert "关爱对象类别" in dialog.error_label.text() and dialog.error_label.isVisibleTo(dialog)
    assert QApplication.focusWidget() is dialog.groups["空巢老人"]
    dialog.groups["留守儿童"].setChecked(True)
    type_text(qtbot, dialog.helper_phone, "12345")
    dialog.save()
    assert "帮扶人电话" in dialog.error_label.text() and QApplication.focusWidget() is dialog.helper_phone
    assert counts() == before

    subject = reg.add_care(worker, CareEntry(zhang, ["空巢老人"], "黄", "刘小燕", grid=grid,
                                             listed_on=TODAY - timedelta(days=3)))
    view = shown_widget(qtbot, CareSubjectDialog(worker, subject), 980, 720)
    step = active(qtbot, view.add_visit())
    before = counts()
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)      # 走访情况 left empty
    assert step.result() != QDialog.Accepted
    assert "走访情况" in step.error_label.text() and QApplication.focusWidget() is step.fields["content"]
    assert counts() == before


def test_removing_a_subject_from_care_stops_visits(qtbot, worker, grid, zhang):
    subject = reg.add_care(worker, CareEntry(zhang, ["空巢老人"], "黄", "刘小燕", grid=grid,
                                             listed_on=TODAY - timedelta(days=3)))
    tab = shown_widget(qtbot, CareTab(worker))
    tab.refresh()
    view = open_selected(qtbot, tab)
    step = view.remove()
    type_text(qtbot, step.fields["reason"], "已搬迁至县城居住")
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)
    fresh = CareSubject.get_by_id(subject.id)
    assert (fresh.status, fresh.removed_reason, fresh.next_due) == ("已移出", "已搬迁至县城居住", None)
    assert not view.buttons["visit"].isEnabled() and "移出" in view.deadline_label.text()
    assert tab.model.rowCount() == 0                      # the list shows 在册 by default
    tab.status.setCurrentIndex(tab.status.findData("已移出"))
    tab.refresh()
    assert cells(tab.model, 0)[column(tab.model, "状态")] == "已移出"


# ----------------------------------------------------------------------------------- key-person register

def test_listing_a_key_person_shows_the_danger_level_only_for_mental_disorders(qtbot, keeper, grid, zhang):
    tab = shown_widget(qtbot, KeyPersonTab(keeper))
    tab.refresh()
    assert "严重精神障碍患者 0 人" in tab.counts_label.text()
    tab.search_edit.setFocus()
    qtbot.keyClick(tab.search_edit, Qt.Key_N, Qt.ControlModifier)        # Ctrl+N: 列管
    dialog = tab.dialog
    assert isinstance(dialog, KeyPersonDialog)
    active(qtbot, dialog)
    pick(qtbot, dialog.picker, ZHANG_ID)
    assert dialog.picker.record == zhang
    assert not dialog.danger_level.isVisibleTo(dialog) and not dialog.stage.isVisibleTo(dialog)
    dialog.category.setCurrentIndex(dialog.category.findData(DRUG))
    assert not dialog.danger_level.isVisibleTo(dialog) and dialog.stage.isVisibleTo(dialog)
    dialog.category.setCurrentIndex(dialog.category.findData(MENTAL))
    assert dialog.danger_level.isVisibleTo(dialog) and not dialog.stage.isVisibleTo(dialog)
    dialog.danger_level.setCurrentIndex(dialog.danger_level.findData(3))
    listed = TODAY - timedelta(days=5)
    dialog.listed_on.setDate(listed)
    assert f"{listed + timedelta(days=14):%Y-%m-%d}" in dialog.due_hint.text()
    type_text(qtbot, dialog.guardian, "张小山")
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert dialog.result() == QDialog.Accepted, dialog.error_label.text()

    kp = KeyPerson.get()
    assert (kp.name, kp.category, kp.danger_level, kp.stage, kp.guardian, kp.grid_id, kp.status) == (
        "张大山", MENTAL, 3, "", "张小山", grid.id, KEY_ACTIVE)
    assert (kp.responsible, kp.listed_on, kp.next_due) == (keeper.display_name, listed, listed + timedelta(days=14))
    assert tab.model.rowCount() == 1
    row = cells(tab.model, 0)
    assert row[:4] == ["张大山", ZHANG_ID, MENTAL, "3 级"]
    assert row[column(tab.model, "下次随访")] == f"{listed + timedelta(days=14):%Y-%m-%d}"
    assert "严重精神障碍患者 1 人" in tab.counts_label.text()


def test_an_assessment_raising_the_danger_level_pulls_the_next_follow_up_in(qtbot, keeper, grid, zhang):
    listed = TODAY - timedelta(days=30)
    kp = reg.add_key_person(keeper, KeyPersonEntry(zhang, MENTAL, "陈警官", grid=grid, danger_level=0,
                                                   listed_on=listed))
    assert kp.next_due == listed + timedelta(days=90)
    tab = shown_widget(qtbot, KeyPersonTab(keeper))
    tab.refresh()
    view = open_selected(qtbot, tab)
    assert isinstance(view, KeyPersonRecordDialog)
    [line] = audit_lines("view_sensitive")
    assert (line.created_by, line.record_uid) == ("zhongdian", str(kp.uid))
    step = view.assess()
    type_text(qtbot, step.fields["assessor"], "镇卫生院李华")
    step.fields["level"].setCurrentIndex(step.fields["level"].findData(4))
    type_text(qtbot, step.fields["notes"], "近期情绪激动，有冲动行为")
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)
    assert step.result() == QDialog.Accepted, step.error_label.text()
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.danger_level, fresh.next_due) == (4, TODAY + timedelta(days=14))
    assert [(a.assessor, a.danger_level) for a in reg.key_assessments(fresh)] == [("镇卫生院李华", 4)]
    assert view.assessment_model.rowCount() == 1 and "剩 14 天" in view.deadline_label.text()
    row = cells(tab.model, 0)
    assert row[column(tab.model, "危险等级/阶段")] == "4 级"
    assert row[column(tab.model, "下次随访")] == f"{TODAY + timedelta(days=14):%Y-%m-%d}"

    step = view.add_visit()                               # a follow-up moves it one interval on
    type_text(qtbot, step.fields["situation"], "情绪稳定，按时服药")
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)
    assert KeyPerson.get_by_id(kp.id).last_visit == TODAY and view.visit_model.rowCount() == 1


def test_bad_key_person_input_shows_the_error_at_its_field_and_writes_nothing(qtbot, keeper, grid, zhang):
    tab = shown_widget(qtbot, KeyPersonTab(keeper))
    dialog = active(qtbot, tab.add())
    pick(qtbot, dialog.picker, ZHANG_ID)
    dialog.category.setCurrentIndex(dialog.category.findData(MENTAL))
    before = counts()
    dialog.save()                                         # no danger level chosen
    assert "危险性等级" in dialog.error_label.text() and QApplication.focusWidget() is dialog.danger_level
    dialog.danger_level.setCurrentIndex(dialog.danger_level.findData(2))
    dialog.responsible.clear()
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert dialog.result() != QDialog.Accepted
    assert "管控责任人" in dialog.error_label.text() and QApplication.focusWidget() is dialog.responsible
    assert counts() == before

    kp = reg.add_key_person(keeper, KeyPersonEntry(zhang, DRUG, "陈警官", grid=grid, stage="社区康复",
                                                   listed_on=TODAY - timedelta(days=3)))
    view = shown_widget(qtbot, KeyPersonRecordDialog(keeper, kp), 1000, 780)
    step = active(qtbot, view.add_visit())
    step.fields["visitor"].clear()
    type_text(qtbot, step.fields["situation"], "在家务农")
    before = counts()
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)
    assert step.result() != QDialog.Accepted
    assert "走访人" in step.error_label.text() and QApplication.focusWidget() is step.fields["visitor"]
    assert counts() == before and KeyPerson.get_by_id(kp.id).last_visit is None


def test_releasing_a_key_person_and_the_short_of_visits_list(qtbot, keeper, grid, zhang, admin):
    li = people.save_person(admin, {"name": "李小河", "id_number": "500222198503151235", "village": "石龙村"})
    patient = reg.add_key_person(keeper, KeyPersonEntry(li, MENTAL, "陈警官", grid=grid, danger_level=1,
                                                        listed_on=date(TODAY.year, 1, 1)))
    reg.add_key_visit(keeper, patient, KeyVisitEntry(date(TODAY.year, 1, 1), "陈警官", "上门走访", "情绪稳定"))
    kp = reg.add_key_person(keeper, KeyPersonEntry(zhang, "社区矫正对象", "司法所王强", grid=grid,
                                                   listed_on=TODAY - timedelta(days=3)))
    tab = shown_widget(qtbot, KeyPersonTab(keeper))
    tab.refresh()
    assert tab.short_button.text() == "访视不足 1 人…"
    short = active(qtbot, tab.show_short())
    assert isinstance(short, ShortOfVisitsDialog)
    assert short.list.model.rowCount() == 1 and short.list.model.rows[0]["name"] == "李小河"
    assert short.list.model.rows[0]["visits"] == 1
    short.list.table.setFocus()
    short.list.table.select_row(0)
    qtbot.keyClick(short.list.table, Qt.Key_Return)       # Enter opens the patient (audited)
    assert isinstance(tab.dialog, KeyPersonRecordDialog) and tab.dialog.kp.id == patient.id
    assert [line.record_uid for line in audit_lines("view_sensitive")] == [str(patient.uid)]
    tab.dialog.accept()
    short.accept()

    index = next(i for i, r in enumerate(tab.model.rows) if r.id == kp.id)
    view = open_selected(qtbot, tab, index)
    assert view.buttons["assess"].text() == "定期评估…"
    step = view.release()
    type_text(qtbot, step.fields["reason"], "矫正期满")
    qtbot.mouseClick(step.ok_button, Qt.LeftButton)
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.status, fresh.released_reason, fresh.next_due) == ("已解除", "矫正期满", None)
    assert not view.buttons["visit"].isEnabled()
    assert [r.id for r in tab.model.rows] == [patient.id]   # the list shows 在管 by default


# ------------------------------------------------------------------------------------------------ page

def test_only_users_with_the_sensitive_right_get_the_key_person_tab(qtbot, worker, keeper, grid):
    from ui.patrol.page import PatrolPage

    def tab_names(page):
        return [page.tabs.tabText(i) for i in range(page.tabs.count())]

    page = PatrolPage(worker)
    qtbot.addWidget(page)
    assert "关爱帮扶" in tab_names(page) and "重点人员" not in tab_names(page) and page.key_persons is None
    page = PatrolPage(keeper)
    qtbot.addWidget(page)
    assert "关爱帮扶" in tab_names(page) and "重点人员" in tab_names(page)
    assert isinstance(page.key_persons, KeyPersonTab)
    page.tabs.setCurrentWidget(page.key_persons)          # the page refreshes a tab as it is shown
    assert "在管：" in page.key_persons.counts_label.text()


def test_the_home_pages_due_boxes_open_the_record_audited(qtbot, keeper, grid, zhang):
    from ui.patrol.page import PatrolPage

    listed = TODAY - timedelta(days=40)
    subject = reg.add_care(keeper, CareEntry(zhang, ["空巢老人"], "黄", "刘小燕", grid="DT-01", listed_on=listed))
    kp = reg.add_key_person(keeper, KeyPersonEntry(zhang, MENTAL, "综治专干", grid="DT-01", danger_level=0,
                                                   listed_on=listed - timedelta(days=100)))
    page = PatrolPage(keeper)
    qtbot.addWidget(page)
    page.home.refresh()
    before = len(audit_lines("view_sensitive"))
    page.home.care_box.activated.emit({"record": subject})
    assert isinstance(page.care.dialog, CareSubjectDialog) and page.care.dialog.subject.id == subject.id
    page.home.key_box.activated.emit({"record": kp})
    assert isinstance(page.key_persons.dialog, KeyPersonRecordDialog) and page.key_persons.dialog.kp.id == kp.id
    assert len(audit_lines("view_sensitive")) == before + 2       # each opening is one audit line
