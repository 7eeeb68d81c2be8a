"""信访 and 风险研判会 screens driven like a mediator drives them: keyboard first, checked against the database
and the printed 信访登记表."""

import io
from datetime import date, datetime, timedelta

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from models import audit, people
from models.mediation import disputes, petitions
from models.mediation.disputes import DisputeEntry, PartyEntry
from models.mediation.petitions import DecisionEntry, MeetingEntry, PetitionEntry
from models.mediation.tables import (
    ASSIGNED, MEDIATING, PETITION_CLOSED, REGISTERED, REPLIED, Dispute, Petition, RiskAssessment, RiskDecision,
    RiskMeeting,
)
from tests.conftest import type_text
from ui.mediation.meetings import MeetingDialog, MeetingsTab
from ui.mediation.petitions import PetitionDialog, PetitionForm, PetitionListPanel, PetitionsTab

MATTER = "反映村道硬化占用承包地未获补偿"


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


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
    return petitions.register(mediator, PetitionEntry([zhang, li], MATTER, request="要求按标准补偿青苗费"))


def shown(qtbot, widget):
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    QApplication.processEvents()


def enter(qtbot, widget, modifier=Qt.NoModifier):
    qtbot.keyClick(widget, Qt.Key_Return, modifier)


# ------------------------------------------------------------------------------------ registering

def test_register_a_visit_with_two_petitioners_and_five_visitors_by_keyboard(qtbot, mediator, zhang, li):
    form = PetitionForm(mediator)
    qtbot.addWidget(form)
    shown(qtbot, form)
    edit = form.petitioners.picker.edit
    type_text(qtbot, edit, "张大山")
    enter(qtbot, edit)                                   # the match is added, the box ready for the next one
    qtbot.keyClicks(edit, "13900000002")                 # 李小河 by phone
    enter(qtbot, edit)
    assert [r.name for r in form.petitioners.records] == ["张大山", "李小河"]
    assert form.visitors.value() == 2                    # 来访: as many as came, by default
    enter(qtbot, edit)                                   # an empty search box: on to 来访人数
    assert form.focusWidget() is form.visitors
    qtbot.keyClicks(form.visitors, "5")
    enter(qtbot, form.visitors)
    assert form.focusWidget() is form.matter
    type_text(qtbot, form.matter, MATTER)
    qtbot.keyClick(form.matter, Qt.Key_Tab)
    type_text(qtbot, form.request, "要求按标准补偿青苗费")
    qtbot.keyClick(form.request, Qt.Key_Tab)
    assert form.focusWidget() is form.department
    with qtbot.waitSignal(form.saved) as saved:
        enter(qtbot, form.department, Qt.ControlModifier)   # Ctrl+Enter registers
    petition = saved.args[0]
    stored = Petition.get_by_id(petition.id)
    assert (stored.form, stored.visitors, stored.status, stored.matter) == ("来访", 5, REGISTERED, MATTER)
    assert stored.reply_due == stored.received_on + timedelta(days=60)
    assert [p.name for p in petitions.petitioners(stored)] == ["张大山", "李小河"]
    assert form.result() == QDialog.Accepted


def test_a_letter_counts_one_visitor_and_delete_removes_a_petitioner(qtbot, mediator, zhang, li):
    form = PetitionForm(mediator)
    qtbot.addWidget(form)
    shown(qtbot, form)
    form.petitioners.add(zhang)
    form.petitioners.add(li)
    form.petitioners.add(li)                              # twice: said, not added
    assert len(form.petitioners.records) == 2 and "已经添加过" in form.petitioners.note.text()
    form.form_combo.setCurrentText("来信")
    assert form.visitors.value() == 1
    form.petitioners.list.setFocus()
    form.petitioners.list.setCurrentRow(1)
    qtbot.keyClick(form.petitioners.list, Qt.Key_Delete)
    assert [r.name for r in form.petitioners.records] == ["张大山"]
    type_text(qtbot, form.matter, "来信反映邻居占道堆放杂物")
    form.department.setText("镇城建办")
    petition = form.save()
    assert (petition.form, petition.visitors, petition.status, petition.department) == ("来信", 1, ASSIGNED, "镇城建办")


def test_bad_input_names_the_field_and_writes_nothing(qtbot, mediator, zhang):
    form = PetitionForm(mediator)
    qtbot.addWidget(form)
    shown(qtbot, form)
    type_text(qtbot, form.matter, MATTER)
    enter(qtbot, form.matter, Qt.ControlModifier)
    assert form.error_label.text().startswith("信访人：") and form.error_label.isVisible()
    form.petitioners.add(zhang)
    form.matter.setPlainText("有事")
    assert form.save() is None
    assert "信访事项" in form.error_label.text() and "6" in form.error_label.text()
    assert form.focusWidget() is form.matter
    form.matter.setPlainText(MATTER)
    form.department.setText("部" * 65)
    assert form.save() is None and "承办单位" in form.error_label.text()
    assert Petition.select().count() == 0 and form.result() != QDialog.Accepted


# ------------------------------------------------------------------------------------ one petition

def test_dialog_assigns_replies_and_closes(qtbot, mediator, visit):
    dialog = PetitionDialog(mediator, visit)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    changes = []
    dialog.changed.connect(changes.append)
    assert set(dialog.buttons) == {"交办", "答复", "转为调解案件"}
    assert dialog.petitioners_model.rowCount() == 2
    assert dialog.petitioners_model.index(0, 2).data() == "500222199001011237"   # a mediator sees full IDs
    step = dialog.assign()
    step.save()
    assert "承办单位" in step.error_label.text()
    type_text(qtbot, step.fields["department"], "镇农业服务中心")
    step.save()
    assert Petition.get_by_id(visit.id).status == ASSIGNED and "已交办" in dialog.heading.text()
    step = dialog.reply()
    type_text(qtbot, step.fields["content"], "已答复")
    step.save()
    assert "答复内容" in step.error_label.text() and not petitions.replies(visit)
    type_text(qtbot, step.fields["content"], "，经核实，已按标准核算青苗补偿费。")
    qtbot.waitUntil(step.isActiveWindow)
    enter(qtbot, step.fields["content"], Qt.ControlModifier)   # Ctrl+Enter saves; Enter is a new line
    assert Petition.get_by_id(visit.id).status == REPLIED
    assert dialog.replies_model.rowCount() == 1 and "青苗补偿费" in dialog.replies_model.index(0, 2).data()
    assert set(dialog.buttons) == {"答复", "办结", "转为调解案件"}
    step = dialog.finish()
    type_text(qtbot, step.fields["result"], "补偿款已发放到户")
    step.fields["satisfaction"].setCurrentText("基本满意")
    step.save()
    closed = Petition.get_by_id(visit.id)
    assert (closed.status, closed.satisfaction, closed.result) == (PETITION_CLOSED, "基本满意", "补偿款已发放到户")
    assert dialog.buttons == {} and [c.status for c in changes] == [ASSIGNED, REPLIED, PETITION_CLOSED]


def test_a_petition_becomes_a_linked_dispute(qtbot, mediator, visit):
    village = people.save_organisation(mediator, {"name": "石龙村村民委员会"})[0]
    dialog = PetitionDialog(mediator, visit)
    qtbot.addWidget(dialog)
    step = dialog.to_dispute()
    assert MATTER in step.fields["facts"].toPlainText()              # facts come from the petition
    step.save()
    assert step.error_label.text().startswith("被申请人") and Dispute.select().count() == 0
    picker = step.fields["other"]
    type_text(qtbot, picker.edit, "石龙村")
    enter(qtbot, picker.edit)
    assert picker.record.id == village.id
    step.fields["type"].setCurrentText("征地拆迁纠纷")
    step.save()
    assert step.result() == QDialog.Accepted
    case = petitions.dispute_of(Petition.get_by_id(visit.id))
    assert (case.status, case.source, case.dispute_type) == (MEDIATING, "信访转入", "征地拆迁纠纷")
    assert [p.name for p in disputes.parties(case)] == ["张大山", "李小河", "石龙村村民委员会"]
    assert case.number in dialog.dispute_link.text() and case.number in dialog.result.text()
    assert "转为调解案件" not in dialog.buttons
    with qtbot.waitSignal(dialog.open_dispute) as opened:
        dialog.dispute_link.linkActivated.emit(case.number)
    assert opened.args == [case.number]


def test_print_renders_the_registration_form(qtbot, mediator, visit):
    dialog = PetitionDialog(mediator, visit)
    qtbot.addWidget(dialog)
    preview = dialog.print_document()
    try:
        text = pdf_text(preview.pdf_bytes)
        assert "信访登记表" in preview.title
        assert visit.number in text and "张大山" in text and "李小河" in text
    finally:
        preview.close()


# ------------------------------------------------------------------------------------ the list and the tab

def test_list_finds_by_name_and_colours_an_overdue_reply(qtbot, mediator, zhang, visit):
    late = petitions.register(mediator, PetitionEntry([zhang], "来电反映噪音扰民问题", form="电话"),
                              now=datetime(2022, 3, 1, 2, 0))
    panel = PetitionListPanel(mediator)
    qtbot.addWidget(panel)
    panel.refresh()
    assert [r.id for r in panel.model.rows] == [late.id, visit.id] and panel.count_label.text() == "共 2 件"
    row = [r.id for r in panel.model.rows].index(late.id)
    assert "超期" in panel.model.index(row, 8).data()
    assert panel.model.index(row, 0).data(Qt.BackgroundRole) is not None
    fresh = [r.id for r in panel.model.rows].index(visit.id)
    assert panel.model.index(fresh, 0).data(Qt.BackgroundRole) is None
    assert panel.model.index(fresh, 1).data() == "张大山、李小河"
    type_text(qtbot, panel.search_edit, "李小河")
    panel.refresh()
    assert [r.id for r in panel.model.rows] == [visit.id]
    panel.search_edit.clear()
    panel.status.setCurrentText("已办结")
    panel.refresh()
    assert panel.model.rowCount() == 0


def test_tab_registers_with_ctrl_n_and_opens_a_row_with_enter(qtbot, mediator, visit):
    tab = PetitionsTab(mediator)
    qtbot.addWidget(tab)
    shown(qtbot, tab)
    assert tab.list.model.rowCount() == 1
    qtbot.keyClick(tab.list.search_edit, Qt.Key_N, Qt.ControlModifier)
    assert tab.form is not None and tab.form.isVisible()
    tab.form.reject()
    enter(qtbot, tab.list.search_edit)               # into the list, first row selected
    enter(qtbot, tab.list.table)
    assert tab.dialog is not None and tab.dialog.petition.id == visit.id
    views = audit.AuditEntry.select().where(audit.AuditEntry.action == "view_sensitive")
    assert any(visit.number in entry.summary for entry in views)
    tab.dialog.reject()


# ------------------------------------------------------------------------------------ risk meetings

@pytest.fixture
def case(mediator, zhang, li):
    return disputes.register(mediator, DisputeEntry(
        parties=[PartyEntry(zhang, "申请人"), PartyEntry(li, "被申请人")], facts="双方因宅基地边界发生争执。",
        dispute_type="邻里纠纷", risk_colour="黄"))


def test_a_meeting_with_one_assessment_and_two_decisions(qtbot, mediator, case):
    dialog = MeetingDialog(mediator)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    type_text(qtbot, dialog.place, "镇综治中心会议室")
    type_text(qtbot, dialog.chair, "刘书记")
    type_text(qtbot, dialog.attendees, "派出所、司法所、人民法庭、各村支书")
    # the case by its number; its current colour is offered; Enter after the opinion adds the row
    qtbot.keyClicks(dialog.case_picker.edit, case.number)
    enter(qtbot, dialog.case_picker.edit)
    assert dialog.case_picker.record.id == case.id and dialog.risk.currentData() == "黄"
    dialog.risk.setCurrentIndex(dialog.risk.findData("橙"))
    type_text(qtbot, dialog.opinion, "双方情绪激动，可能激化")
    enter(qtbot, dialog.opinion)
    assert dialog.assessment_model.rowCount() == 1 and "1 件" in dialog.assessment_box.title()
    assert dialog.focusWidget() is dialog.case_picker.edit
    # two decisions: Enter moves along the strip and adds at the end
    type_text(qtbot, dialog.decision_content, "派出所每周走访一次")
    enter(qtbot, dialog.decision_content)
    type_text(qtbot, dialog.decision_responsible, "王所长")
    enter(qtbot, dialog.decision_responsible)
    assert dialog.focusWidget() is dialog.decision_due
    enter(qtbot, dialog.decision_due)
    type_text(qtbot, dialog.decision_content, "农业服务中心核实补偿标准")
    type_text(qtbot, dialog.decision_responsible, "陈主任")
    qtbot.keyClick(dialog.decision_responsible, Qt.Key_Tab)
    assert dialog.focusWidget() is dialog.decision_no_due
    qtbot.keyClick(dialog.decision_no_due, Qt.Key_Space)   # 不定时限
    enter(qtbot, dialog.decision_no_due)
    type_text(qtbot, dialog.decision_content, "多余的一项决定")
    dialog.decision_responsible.setText("某人")
    dialog.add_decision()
    assert dialog.decision_model.rowCount() == 3
    dialog.decision_table.setFocus()
    dialog.decision_table.select_row(2)
    qtbot.keyClick(dialog.decision_table, Qt.Key_Delete)
    assert [r.responsible for r in dialog.decision_model.rows] == ["王所长", "陈主任"]
    with qtbot.waitSignal(dialog.saved):
        enter(qtbot, dialog.decision_table, Qt.ControlModifier)
    meeting = RiskMeeting.get()
    assert (meeting.chair, meeting.place) == ("刘书记", "镇综治中心会议室")
    [assessed] = RiskAssessment.select()
    assert (assessed.dispute_id, assessed.risk_colour) == (case.id, "橙")
    assert Dispute.get_by_id(case.id).risk_colour == "橙"
    decided = list(RiskDecision.select().order_by(RiskDecision.id))
    assert [(d.responsible, d.due_on) for d in decided] == [("王所长", date.today() + timedelta(days=7)),
                                                             ("陈主任", None)]


def test_a_bad_meeting_names_the_field_and_writes_nothing(qtbot, mediator, visit):
    dialog = MeetingDialog(mediator)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    dialog.attendees.setText("各村支书")
    assert dialog.add_decision() is None and "决定事项" in dialog.error_label.text()
    dialog.decision_content.setText("走访")
    dialog.decision_responsible.setText("王所长")
    dialog.add_decision()
    assert dialog.save() is None and dialog.error_label.text().startswith("主持人")
    assert dialog.focusWidget() is dialog.chair
    dialog.chair.setText("刘书记")
    assert dialog.save() is None and "第 1 项决定" in dialog.error_label.text()   # 走访: too short
    assert dialog.decision_table.selected() is dialog.decision_model.rows[0]
    dialog.decision_model.set_rows([])
    dialog.case_picker.set_record(visit)                 # picked but not added
    assert dialog.save() is None and "没添加" in dialog.error_label.text()
    assert RiskMeeting.select().count() == 0 and RiskDecision.select().count() == 0


def test_finishing_a_decision_takes_it_off_the_open_list(qtbot, mediator, case):
    today = date.today()
    held = today - timedelta(days=20)
    petitions.hold_meeting(mediator, MeetingEntry(
        held_on=held, chair="刘书记", attendees="各村支书",
        decisions=[DecisionEntry("派出所每周走访一次", "王所长", held + timedelta(days=5)),
                   DecisionEntry("农业服务中心核实补偿标准", "陈主任")]))
    tab = MeetingsTab(mediator)
    qtbot.addWidget(tab)
    tab.year.setValue(held.year)
    tab.refresh()
    assert tab.meeting_model.rowCount() == 1
    assert tab.meeting_model.index(0, 4).data() == "2 / 2"
    assert tab.decision_model.rowCount() == 2 and "1 项已超期" in tab.decisions_box.title()
    late = tab.decision_model.index(0, 0)
    assert tab.decision_model.rows[0].responsible == "王所长" and "超期 15 天" == tab.decision_model.index(0, 3).data()
    assert late.data(Qt.ForegroundRole).color().name() == "#b71c1c"
    assert tab.decision_model.index(1, 0).data(Qt.ForegroundRole) is None
    tab.decision_table.select_row(0)
    step = tab.finish_selected()
    type_text(qtbot, step.fields["note"], "已落实每周走访")
    step.save()
    assert step.result() == QDialog.Accepted
    assert [d.responsible for d in petitions.open_decisions(mediator)] == ["陈主任"]
    assert [d.responsible for d in tab.decision_model.rows] == ["陈主任"]
    assert tab.meeting_model.index(0, 4).data() == "1 / 2"
    shown_meeting = tab.meeting_table.select_row(0) or tab.open_meeting()
    assert shown_meeting.read_only and shown_meeting.decision_model.rowCount() == 2
    assert "已落实每周走访" in shown_meeting.decision_model.index(0, 3).data()
    shown_meeting.reject()
