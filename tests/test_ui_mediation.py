"""The mediation centre's screens driven like a mediator drives them — keys, a few typed Chinese words —
and checked against the database and the printed PDF: 受理登记 (DisputeForm) and the case (DisputeDialog)."""

import io
import os
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog

from models import people
from models.mediation import disputes, printing
from models.mediation.disputes import AgreementEntry, DisputeEntry, PartyEntry, SessionEntry, TermEntry
from models.mediation.tables import (
    MEDIATING, ORAL, REFERRED, REFUSED, SUCCEEDED, TERMINATED, WITHDRAWN, WRITTEN, Dispute, MediationSession,
)
from tests.conftest import type_text
from ui.mediation.case_view import DisputeDialog, deadline_text
from ui.mediation.register import DisputeForm

TERMS = [("李小河拆除越界围墙2米", "自行拆除", "2022年4月30日前", "石龙村3组"),
         ("李小河赔偿张大山菜地损失800元", "现金支付", "签订协议当日", "打通镇调解室")]


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return text.replace("\n", "").replace(" ", "")


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", username="tiaojie")


@pytest.fixture
def zhang(mediator):
    return people.save_person(mediator, {"name": "张大山", "id_number": "500222199001011237", "phone": "13800000001",
                                         "address": "打通镇石龙村3组", "village": "石龙村"})


@pytest.fixture
def li(mediator):
    return people.save_person(mediator, {"name": "李小河", "id_number": "500222198503151235", "phone": "13900000002"})


@pytest.fixture
def form(qtbot, mediator):
    widget = DisputeForm(mediator)
    qtbot.addWidget(widget)
    widget.resize(1280, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def open_case(qtbot, user, dispute) -> DisputeDialog:
    dialog = DisputeDialog(user, disputes.get_dispute(user, dispute.number))
    qtbot.addWidget(dialog)
    return dialog


def active(qtbot, window):
    """Wait until `window` (a dialog just opened) has the keyboard."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard (is the window shown and active?)"
    return widget


def keys(qtbot, text: str) -> None:
    """Type into whatever has the cursor, as a person at the keyboard does (no setFocus)."""
    for char in text:
        widget = focused()
        if char.isascii():
            qtbot.keyClick(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def press(qtbot, key, modifier=Qt.NoModifier, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifier)


def entry(zhang, li, **kw) -> DisputeEntry:
    values = dict(parties=[PartyEntry(zhang, "申请人", occupation="农民", claims="要求对方拆除越界修建的围墙"),
                           PartyEntry(li, "被申请人", occupation="个体户")],
                  facts="双方系邻居，因宅基地边界围墙修建发生争执，多次口角。", dispute_type="邻里纠纷",
                  village="石龙村", risk_colour="黄")
    values.update(kw)
    return DisputeEntry(**values)


def add_parties(qtbot, form, *records) -> None:
    """Each record found by its ID number; Enter picks it, Enter again adds it."""
    for record in records:
        form.picker.edit.setFocus()
        qtbot.keyClicks(form.picker.edit, record.id_number)
        qtbot.keyClick(form.picker.edit, Qt.Key_Return)
        assert form.picker.record == record
        qtbot.keyClick(form.focusWidget(), Qt.Key_Return)


def fill_row(qtbot, dialog, row, texts) -> None:
    """A term typed like a spreadsheet row: Enter edits the first cell, Tab to the next, Enter ends the row."""
    active(qtbot, dialog)
    table = dialog.terms
    if table.state() != table.State.EditingState:
        table.setFocus()
        table.setCurrentCell(row, 0)
        qtbot.keyClick(table, Qt.Key_Return)                # Enter on a cell edits it
    for column, text in enumerate(texts):
        editor = focused()
        assert editor is not table and table.currentColumn() == column
        type_text(qtbot, editor, text)
        qtbot.keyClick(editor, Qt.Key_Tab if column < len(texts) - 1 else Qt.Key_Return)
    qtbot.waitUntil(lambda: table.item(row, len(texts) - 1).text() == texts[-1])   # committed


# ------------------------------------------------------------------------------------------ acceptance

def test_register_two_parties_log_a_session_record_a_written_agreement_and_print_it(qtbot, form, mediator, zhang, li):
    # 受理登记: the applicant by ID number, the respondent by name; each with Enter, Enter
    qtbot.keyClicks(form.picker.edit, zhang.id_number)
    qtbot.keyClick(form.picker.edit, Qt.Key_Return)
    assert form.picker.record == zhang and focused() is form.side
    press(qtbot, Qt.Key_Tab)
    keys(qtbot, "农民")
    press(qtbot, Qt.Key_Tab, times=3)
    assert focused() is form.claims
    keys(qtbot, "要求对方拆除越界修建的围墙")
    press(qtbot, Qt.Key_Return)
    assert [p.record for p in form.parties] == [zhang] and focused() is form.picker.edit
    assert form.side.currentData() == "被申请人"            # the next party is on the other side
    type_text(qtbot, form.picker.edit, "李小河")
    qtbot.keyClick(form.picker.edit, Qt.Key_Return)
    qtbot.keyClick(focused(), Qt.Key_Return)
    assert [(p.record, p.side) for p in form.parties] == [(zhang, "申请人"), (li, "被申请人")]
    assert form.party_model.rowCount() == 2
    assert form.village.text() == "石龙村"                  # from the applicant's registry record
    qtbot.keyClick(form.picker.edit, Qt.Key_Return)         # empty search: on to the facts
    assert focused() is form.facts
    keys(qtbot, "双方系邻居，因宅基地边界围墙修建发生争执，多次口角。")
    press(qtbot, Qt.Key_Tab)                                # 受理日期 (today)
    press(qtbot, Qt.Key_Return, times=2)                    # 案件来源 stays 当事人申请
    assert focused() is form.dispute_type
    keys(qtbot, "邻里")
    assert form.dispute_type.currentData() == "邻里纠纷"
    press(qtbot, Qt.Key_Return, times=2)                    # 所在村 filled in already
    keys(qtbot, "3000")
    press(qtbot, Qt.Key_Return, times=2)
    assert focused() is form.risk
    keys(qtbot, "黄")
    assert form.risk.currentData() == "黄" and "常见的家庭" in form.risk.currentText()
    press(qtbot, Qt.Key_Return, modifier=Qt.ControlModifier)          # Ctrl+Enter: 受理

    dispute = form.last_dispute
    assert dispute is not None and dispute.number in form.result.text()
    stored = Dispute.get(Dispute.number == dispute.number)
    assert (stored.status, stored.dispute_type, stored.risk_colour, stored.amount_cents, stored.village) == (
        MEDIATING, "邻里纠纷", "黄", 300000, "石龙村")
    assert stored.mediators == ["tiaojie"] and stored.due_on == date.today() + timedelta(days=30)
    assert [(p.name, p.side, p.occupation) for p in disputes.parties(stored)] == [
        ("张大山", "申请人", "农民"), ("李小河", "被申请人", "")]
    assert form.parties == [] and form.facts.toPlainText() == ""    # empty for the next dispute

    # the case: one 调解 session
    dialog = open_case(qtbot, mediator, stored)
    changes = []
    dialog.changed.connect(changes.append)
    step = dialog.add_session()
    assert step.fields["attendees"].text() == "张大山、李小河"
    type_text(qtbot, step.fields["place"], "石龙村调解室")
    type_text(qtbot, step.fields["content"], "双方分别陈述了围墙修建经过，同意按宅基地证边界处理。")
    active(qtbot, step)
    qtbot.keyClick(step.fields["content"], Qt.Key_Return, Qt.ControlModifier)      # Ctrl+Enter saves
    assert step.result() == QDialog.Accepted
    assert [(s.kind, s.place) for s in disputes.sessions(stored)] == [("调解", "石龙村调解室")]
    assert dialog.session_model.rowCount() == 1 and "调解/调查记录（1）" == dialog.tabs.tabText(1)

    # 调解成功: a written agreement with two terms
    agreement = dialog.record_agreement()
    fill_row(qtbot, agreement, 0, TERMS[0])
    qtbot.keyClick(agreement.terms, Qt.Key_Insert)          # Insert adds a term and edits its first cell
    fill_row(qtbot, agreement, 1, TERMS[1])
    type_text(qtbot, agreement.points, "围墙是否越过宅基地边界")
    type_text(qtbot, agreement.duties, "被申请人修建围墙前未与申请人协商，负主要责任")
    agreement.save()
    assert agreement.result() == QDialog.Accepted, agreement.error_label.text()

    done = Dispute.get_by_id(stored.id)
    assert done.status == SUCCEEDED and done.agreement_form == WRITTEN
    assert [(t.content, t.manner, t.deadline, t.place) for t in disputes.terms(done)] == TERMS
    assert changes and changes[-1].status == SUCCEEDED and dialog.heading.text().endswith(SUCCEEDED)
    assert dialog.term_model.rowCount() == 2

    # the agreement opens in the print preview for signing; the menu prints it again
    assert "人民调解协议书" in dialog.preview.title
    dialog.preview.close()
    assert "人民调解协议书" in dialog.printable_names()
    preview = dialog.print_document("agreement")
    text = pdf_text(preview.pdf_bytes)
    preview.close()
    assert "张大山" in text and "李小河" in text
    for term in TERMS:
        for part in term:
            assert part in text, part
    assert done.agreement_number in text


# ------------------------------------------------------------------------------------------ the form

def test_keyboard_only_registration_follows_a_sensible_tab_order(qtbot, form, zhang, li):
    assert focused() is form.picker.edit                     # the cursor starts in the party search
    order = []
    for _ in range(6):
        press(qtbot, Qt.Key_Tab)
        order.append(focused())
    assert order == [form.side, form.occupation, form.phone, form.address, form.claims, form.add_button]
    press(qtbot, Qt.Key_Tab, Qt.ShiftModifier, times=6)
    assert focused() is form.picker.edit
    keys(qtbot, zhang.id_number)
    press(qtbot, Qt.Key_Return)                              # picks
    press(qtbot, Qt.Key_Return)                              # adds
    keys(qtbot, li.id_number)
    press(qtbot, Qt.Key_Return)
    assert form.side.currentData() == "被申请人"
    press(qtbot, Qt.Key_Tab, times=4)
    keys(qtbot, "bu zhi dao")                                # 申请事项 of the respondent
    press(qtbot, Qt.Key_Return)
    assert [p.side for p in form.parties] == ["申请人", "被申请人"] and form.parties[1].claims == "bu zhi dao"
    press(qtbot, Qt.Key_Return)                              # nothing more to find: to the facts
    assert focused() is form.facts
    keys(qtbot, "双方因耕地灌溉用水发生争执，互不相让。")
    order = []
    for _ in range(8):
        press(qtbot, Qt.Key_Tab)
        order.append(focused())
    assert order == [form.accepted_on, form.source, form.dispute_type, form.village, form.amount,
                     form.people_involved, form.risk, form.channel]
    press(qtbot, Qt.Key_Tab, Qt.ShiftModifier, times=5)
    assert focused() is form.dispute_type
    press(qtbot, Qt.Key_Down)                                 # the first real type
    press(qtbot, Qt.Key_Return, times=5)                     # on through 村, 金额, 人数, 风险 to 调解类型
    assert focused() is form.channel
    press(qtbot, Qt.Key_Return)
    assert focused() is form.joint["人民法庭"]
    press(qtbot, Qt.Key_Tab)
    press(qtbot, Qt.Key_Space)                               # 派出所 joins
    press(qtbot, Qt.Key_Return, modifier=Qt.ControlModifier)
    dispute = form.last_dispute
    assert dispute is not None, form.error_label.text()
    assert (dispute.dispute_type, dispute.joint, dispute.channel) == ("婚姻家庭纠纷", ["派出所"], "人民调解")
    assert focused() is form.picker.edit                     # ready for the next one


def test_delete_removes_the_selected_party(qtbot, form, zhang, li):
    add_parties(qtbot, form, zhang, li)
    form.party_table.setFocus()
    form.party_table.select_row(0)
    qtbot.keyClick(form.party_table, Qt.Key_Delete)
    assert [p.record for p in form.parties] == [li]
    assert form.party_model.rowCount() == 1
    form.picker.edit.setFocus()
    qtbot.keyClicks(form.picker.edit, li.id_number)
    qtbot.keyClick(form.picker.edit, Qt.Key_Return)
    qtbot.keyClick(focused(), Qt.Key_Return)
    assert len(form.parties) == 1 and "已在当事人列表中" in form.error_label.text()


def test_one_party_only_shows_the_chinese_message_and_writes_nothing(qtbot, form, zhang):
    add_parties(qtbot, form, zhang)
    type_text(qtbot, form.facts, "双方因耕地灌溉用水发生争执，互不相让。")
    form.dispute_type.setCurrentIndex(form.dispute_type.findData("邻里纠纷"))
    assert form.submit() is None
    assert "纠纷至少要有两方当事人" in form.error_label.text() and form.error_label.isVisible()
    assert focused() is form.picker.edit
    assert Dispute.select().count() == 0


def test_facts_too_short_puts_the_cursor_in_the_facts(qtbot, form, zhang, li):
    add_parties(qtbot, form, zhang, li)
    type_text(qtbot, form.facts, "吵架")
    form.dispute_type.setCurrentIndex(form.dispute_type.findData("邻里纠纷"))
    assert form.submit() is None
    assert "纠纷简要情况" in form.error_label.text()
    assert focused() is form.facts
    assert Dispute.select().count() == 0 and len(form.parties) == 2     # the form keeps what was typed


def test_a_missing_type_and_a_bad_amount_name_their_fields(qtbot, form, zhang, li):
    add_parties(qtbot, form, zhang, li)
    type_text(qtbot, form.facts, "双方因耕地灌溉用水发生争执，互不相让。")
    assert form.submit() is None
    assert "纠纷类型" in form.error_label.text() and focused() is form.dispute_type
    form.dispute_type.setCurrentIndex(form.dispute_type.findData("邻里纠纷"))
    type_text(qtbot, form.amount, "一万")
    assert form.submit() is None
    assert "涉及金额" in form.error_label.text() and focused() is form.amount
    assert Dispute.select().count() == 0


def test_a_party_who_refuses_is_registered_as_not_accepted(qtbot, form, zhang, li):
    add_parties(qtbot, form, zhang, li)
    type_text(qtbot, form.facts, "双方因耕地灌溉用水发生争执，互不相让。")
    form.dispute_type.setCurrentIndex(form.dispute_type.findData("邻里纠纷"))
    form.refused.setChecked(True)
    assert focused() is form.refused_reason and "不予受理" in form.register_button.text()
    assert form.submit() is None                              # the reason is required
    assert "拒绝调解" in form.error_label.text() and Dispute.select().count() == 0
    type_text(qtbot, form.refused_reason, "被申请人李小河当场明确表示拒绝调解")
    dispute = form.submit()
    assert dispute.status == REFUSED and dispute.close_reason == "被申请人李小河当场明确表示拒绝调解"
    assert dispute.due_on is None and "不予受理" in form.result.text()
    dialog = open_case(qtbot, form.user, dispute)
    assert not any(button.isEnabled() for button in dialog.buttons.values())
    assert "人民调解案件结案报告表" in dialog.printable_names()


def test_the_registered_signal_carries_the_dispute_and_the_lists_offer_mediators(qtbot, form, make_user, zhang, li):
    make_user("mediator", username="tiaojie2")
    make_user("window", username="chuangkou")
    form.reset()
    offered = [form.mediators.item(i).data(Qt.UserRole) for i in range(form.mediators.count())]
    assert offered[0] == "tiaojie" and "tiaojie2" in offered and "chuangkou" not in offered
    assert "admin" in offered                                 # the admin holds every permission
    assert "网格上报" not in [form.source.itemData(i) for i in range(form.source.count())]
    add_parties(qtbot, form, zhang, li)
    type_text(qtbot, form.facts, "双方因耕地灌溉用水发生争执，互不相让。")
    form.dispute_type.setCurrentIndex(form.dispute_type.findData("邻里纠纷"))
    form.mediators.item(0).setCheckState(Qt.Unchecked)
    form.mediators.item(offered.index("tiaojie2")).setCheckState(Qt.Checked)
    with qtbot.waitSignal(form.registered) as signal:
        form.submit()
    assert signal.args[0].mediators == ["tiaojie2"]


# ------------------------------------------------------------------------------------------ the case

STEPS = {"take_on", "session", "extend", "agreement", "terminate", "withdraw", "follow_up", "confirmation"}


def written(terms=TERMS) -> AgreementEntry:
    return AgreementEntry(form=WRITTEN, dispute_points="围墙是否越过宅基地边界", responsibilities="被申请人负主要责任",
                          terms=[TermEntry(*t) for t in terms])


@pytest.fixture
def case(mediator, zhang, li):
    return disputes.register(mediator, entry(zhang, li))


@pytest.mark.parametrize("status, enabled", [
    (REFERRED, {"take_on", "withdraw"}),
    (MEDIATING, {"session", "extend", "agreement", "terminate", "withdraw"}),
    (SUCCEEDED, {"follow_up", "confirmation"}),
    (ORAL, {"follow_up"}),
    (TERMINATED, set()),
    (WITHDRAWN, set()),
    (REFUSED, set()),
])
def test_step_buttons_follow_the_status(qtbot, mediator, make_user, zhang, li, status, enabled):
    if status == REFERRED:
        grid = make_user("grid", username="wangge")
        dispute = disputes.refer_from_grid(grid, "7d4f3c1e-0000-4000-8000-000000000001", entry(zhang, li))
    else:
        dispute = disputes.register(mediator, entry(zhang, li, refused_reason="被申请人拒绝调解" if status == REFUSED else ""))
    if status == SUCCEEDED:
        dispute = disputes.record_agreement(mediator, dispute, written())
    elif status == ORAL:
        dispute = disputes.record_agreement(mediator, dispute, AgreementEntry(form=ORAL, oral_text="双方口头同意围墙后退半米，当场履行。"))
    elif status == TERMINATED:
        dispute = disputes.terminate(mediator, dispute, "双方分歧过大", ["诉讼"])
    elif status == WITHDRAWN:
        dispute = disputes.withdraw(mediator, dispute, "申请人撤回")
    dialog = open_case(qtbot, mediator, dispute)
    assert set(dialog.buttons) == STEPS
    assert {key for key, button in dialog.buttons.items() if button.isEnabled()} == enabled
    assert [n for n in dialog.printable_names()] == [printing.KINDS[k] for k in printing.documents_for(dispute)]
    for key in STEPS - enabled:
        assert dialog.buttons[key].toolTip()                  # a disabled step says why


def test_a_referral_is_taken_on_with_its_mediators(qtbot, mediator, make_user, zhang, li):
    grid = make_user("grid", username="wangge")
    referred = disputes.refer_from_grid(grid, "7d4f3c1e-0000-4000-8000-000000000001", entry(zhang, li))
    dialog = open_case(qtbot, mediator, referred)
    assert dialog.deadline_label.text() == ""
    step = dialog.take_on()
    assert step.fields["mediators"].item(0).checkState() == Qt.Checked       # the mediator opening it
    step.save()
    fresh = Dispute.get_by_id(referred.id)
    assert (fresh.status, fresh.mediators) == (MEDIATING, ["tiaojie"])
    assert dialog.buttons["session"].isEnabled() and not dialog.buttons["take_on"].isEnabled()
    assert "剩 30 天" in dialog.deadline_label.text()


def test_the_time_limit_is_extended_once(qtbot, mediator, case):
    dialog = open_case(qtbot, mediator, case)
    step = dialog.extend()
    step.fields["days"].setValue(20)
    step.save()
    assert "同意延期" in step.error_label.text() and step.focusWidget() is step.fields["consent"]
    assert Dispute.get_by_id(case.id).extended_days == 0
    type_text(qtbot, step.fields["consent"], "双方当事人书面同意延期")
    step.save()
    fresh = Dispute.get_by_id(case.id)
    assert fresh.extended_days == 20 and fresh.due_on == case.due_on + timedelta(days=20)
    assert not dialog.buttons["extend"].isEnabled() and "已延期过一次" in dialog.buttons["extend"].toolTip()
    assert "剩 50 天" in dialog.deadline_label.text()
    # a second extension, were it asked for, is refused by the core and shown on the form
    step = dialog.extend()
    type_text(qtbot, step.fields["consent"], "双方当事人再次同意延期")
    step.save()
    assert "已经延期过一次" in step.error_label.text() and step.result() != QDialog.Accepted
    assert Dispute.get_by_id(case.id).due_on == fresh.due_on


def test_the_deadline_shows_due_soon_and_overdue_in_colour(mediator, case):
    soon, colour = deadline_text(case, case.due_on - timedelta(days=3))
    assert soon.startswith("即将到期：剩 3 天") and colour
    late, late_colour = deadline_text(case, case.due_on + timedelta(days=2))
    assert late.startswith("已超期 2 天") and late_colour != colour
    assert deadline_text(case, case.due_on)[0].startswith("今日到期")


def test_terminating_needs_the_routes_told(qtbot, mediator, case):
    dialog = open_case(qtbot, mediator, case)
    step = dialog.terminate()
    type_text(qtbot, step.fields["reason"], "双方分歧过大，无法达成一致")
    step.save()
    assert "告知途径" in step.error_label.text() or "途径" in step.error_label.text()
    assert Dispute.get_by_id(case.id).status == MEDIATING
    routes = step.fields["routes"]
    routes.setFocus()
    qtbot.keyClick(routes, Qt.Key_Space)                     # 仲裁
    qtbot.keyClick(routes, Qt.Key_Down)
    qtbot.keyClick(routes, Qt.Key_Down)
    qtbot.keyClick(routes, Qt.Key_Space)                     # 诉讼
    step.save()
    fresh = Dispute.get_by_id(case.id)
    assert (fresh.status, fresh.routes, fresh.closed_on) == (TERMINATED, ["仲裁", "诉讼"], date.today())
    assert not any(button.isEnabled() for button in dialog.buttons.values())
    assert "人民调解案件结案报告表" in dialog.printable_names()
    assert dialog.deadline_label.text() == ""


def test_withdrawal_closes_the_case(qtbot, mediator, case):
    dialog = open_case(qtbot, mediator, case)
    step = dialog.withdraw()
    type_text(qtbot, step.fields["reason"], "双方已自行和解")
    step.save()
    assert Dispute.get_by_id(case.id).status == WITHDRAWN
    assert dialog.heading.text().endswith(WITHDRAWN)


def test_follow_ups_and_the_judicial_confirmation(qtbot, mediator, case):
    done = disputes.record_agreement(mediator, case, written())
    dialog = open_case(qtbot, mediator, done)
    assert "双方可在" in dialog_details(dialog)
    step = dialog.add_follow_up()
    step.fields["performed"].setCurrentText("部分履行")
    assert step.fields["next_visit"].check.isChecked()        # not yet performed: a next visit is planned
    step.fields["next_visit"].set_checked(False)
    step.save()
    assert "下次回访日期" in step.error_label.text() and disputes.follow_ups(done) == []
    step.fields["next_visit"].set_checked(True)
    type_text(qtbot, step.fields["remaining_risk"], "围墙尚未拆完")
    step.save()
    [visit] = disputes.follow_ups(done)
    assert (visit.performed, visit.remaining_risk, visit.next_visit) == (
        "部分履行", "围墙尚未拆完", date.today() + timedelta(days=30))
    assert dialog.follow_model.rowCount() == 1 and "回访记录" in dialog.printable_names()
    step = dialog.add_follow_up()                              # the second visit: all performed, none more due
    step.save()
    assert [v.performed for v in disputes.follow_ups(done)] == ["部分履行", "全部履行"]
    assert Dispute.get_by_id(done.id).follow_up_due is None
    assert any("回访记录（2 份）" == name for name in dialog.printable_names())
    step = dialog.record_confirmation()
    type_text(qtbot, step.fields["result"], "綦江区人民法院裁定确认调解协议有效")
    step.save()
    assert Dispute.get_by_id(done.id).confirmation_result == "綦江区人民法院裁定确认调解协议有效"
    assert "綦江区人民法院裁定确认调解协议有效" in dialog_details(dialog)


def dialog_details(dialog) -> str:
    layout = dialog.details
    return " ".join(layout.itemAt(i).widget().text() for i in range(layout.count()) if layout.itemAt(i).widget())


def test_a_bad_term_puts_the_cursor_in_its_cell_and_the_case_stays_open(qtbot, mediator, case):
    dialog = open_case(qtbot, mediator, case)
    agreement = active(qtbot, dialog.record_agreement())
    agreement.set_term(0, *TERMS[0])
    agreement.set_term(1, TERMS[1][0], TERMS[1][1], "", TERMS[1][3])
    type_text(qtbot, agreement.points, "围墙是否越过宅基地边界")
    type_text(qtbot, agreement.duties, "被申请人负主要责任")
    agreement.save()
    assert "第 2 条的履行期限" in agreement.error_label.text()
    assert (agreement.terms.currentRow(), agreement.terms.currentColumn()) == (1, 2)
    assert Dispute.get_by_id(case.id).status == MEDIATING and disputes.terms(case) == []
    qtbot.keyClick(agreement.terms, Qt.Key_Delete, Qt.ControlModifier)       # drop the second term
    assert agreement.terms.rowCount() == 1
    agreement.save()
    assert agreement.result() == QDialog.Accepted, agreement.error_label.text()
    assert [t.content for t in disputes.terms(case)] == [TERMS[0][0]]
    dialog.preview.close()


def test_an_oral_agreement_needs_no_terms_and_is_not_printed_as_a_written_one(qtbot, mediator, case):
    dialog = open_case(qtbot, mediator, case)
    agreement = dialog.record_agreement()
    agreement.form.setCurrentIndex(agreement.form.findData(ORAL))
    assert agreement.pages.currentIndex() == 1
    type_text(qtbot, agreement.oral, "双方口头同意围墙后退半米，当场履行。")
    agreement.save()
    fresh = Dispute.get_by_id(case.id)
    assert (fresh.status, fresh.agreement_form) == (SUCCEEDED, ORAL)
    assert dialog.preview is None
    assert "人民调解协议书" not in dialog.printable_names()
    assert not dialog.buttons["confirmation"].isEnabled()


def test_sessions_are_listed_and_each_can_be_printed(qtbot, mediator, case):
    from datetime import datetime

    start = datetime.combine(date.today(), datetime.min.time())
    disputes.add_session(mediator, case, SessionEntry(start.replace(hour=0, minute=1), "现场", "测试调解员", "村干部",
                                                      "查看围墙现场，拍照留存。", kind="调查"))
    disputes.add_session(mediator, case, SessionEntry(start.replace(hour=0, minute=2), "调解室", "测试调解员",
                                                      "张大山、李小河", "双方分别陈述了各自的意见。"))
    dialog = open_case(qtbot, mediator, case)
    assert [s.kind for s in dialog.session_model.rows] == ["调查", "调解"]
    assert "双方分别陈述了各自的意见" in dialog.session_text.toPlainText()       # the latest is shown
    dialog.session_table.select_row(0)
    assert "拍照留存" in dialog.session_text.toPlainText()
    record_menu = [a for a in dialog.print_menu.actions() if a.menu() is not None]
    assert [a.text() for a in record_menu] == ["调解笔录（2 份）"]
    preview = dialog.print_document("record", 1)
    assert "调查笔录" in preview.title and "拍照留存" in pdf_text(preview.pdf_bytes)
    preview.close()
    assert MediationSession.select().count() == 2


# ------------------------------------------------------------------------------------------ screenshots

def test_screenshots(qtbot, qapp, mediator, zhang, li, tmp_path):
    """The screens render under the application's theme. To refresh the README's pictures:
    TOWNDESK_SCREENSHOTS=docs/screenshots pytest tests/test_ui_mediation.py -k screenshots"""
    from ui.app import apply_theme, register_font

    out = Path(os.environ.get("TOWNDESK_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    apply_theme(qapp, register_font())
    form = DisputeForm(mediator)
    qtbot.addWidget(form)
    form.resize(1170, 680)              # the page area of the 1366×768 main window
    form.show()
    add_parties(qtbot, form, zhang)
    type_text(qtbot, form.picker.edit, "李小河")
    qtbot.keyClick(form.picker.edit, Qt.Key_Return)
    type_text(qtbot, form.occupation, "个体户")
    type_text(qtbot, form.claims, "要求确认围墙位于自家宅基地内")
    form.add_party()
    form.parties[0].occupation = "农民"
    form.parties[0].claims = "要求对方拆除越界修建的围墙，赔偿菜地损失"
    form._show_parties()
    type_text(qtbot, form.facts, "双方系邻居。2022年3月初，被申请人在两家宅基地交界处修建围墙，申请人认为围墙越过边界约2米，"
                                 "占用其菜地，双方多次发生口角，3月14日险些发生肢体冲突。")
    form.dispute_type.setCurrentIndex(form.dispute_type.findData("邻里纠纷"))
    form.amount.setText("800")
    form.risk.setCurrentIndex(form.risk.findData("橙"))
    form.joint["司法所"].setChecked(True)
    form.picker.edit.setFocus()
    QApplication.processEvents()
    form.grab().save(str(out / "mediation-register.png"))

    from datetime import datetime

    day = date.today() - timedelta(days=3)
    dispute = disputes.register(mediator, entry(zhang, li, amount="800", risk_colour="橙", joint=["司法所"],
                                                accepted_on=day))
    at = datetime.combine(day, datetime.min.time())
    disputes.add_session(mediator, dispute, SessionEntry(at + timedelta(days=1, hours=9, minutes=30), "纠纷现场",
                                                         "测试调解员", "张大山、李小河、村干部", "查看围墙现场，丈量边界，拍照留存。",
                                                         kind="调查", ended_at=at + timedelta(days=1, hours=10, minutes=30),
                                                         next_step="约双方到调解室调解"))
    disputes.add_session(mediator, dispute, SessionEntry(at + timedelta(days=2, hours=14), "石龙村调解室", "测试调解员",
                                                         "张大山、李小河", "双方分别陈述了围墙修建经过。经调解员释法说理，"
                                                         "双方同意按宅基地证边界处理。", agreed="围墙后退2米，赔偿800元",
                                                         ended_at=at + timedelta(days=2, hours=16)))
    done = disputes.record_agreement(mediator, dispute, written())
    dialog = open_case(qtbot, mediator, done)
    dialog.tabs.setCurrentIndex(2)
    dialog.show()
    QApplication.processEvents()
    dialog.grab().save(str(out / "mediation-case.png"))
    dialog.tabs.setCurrentIndex(1)
    QApplication.processEvents()
    dialog.grab().save(str(out / "mediation-case-sessions.png"))
    dialog.close()

    # a running case near its time limit, and the forms of its steps
    running = disputes.register(mediator, entry(zhang, li, accepted_on=date.today() - timedelta(days=27)))
    dialog = open_case(qtbot, mediator, running)
    dialog.show()
    QApplication.processEvents()
    dialog.grab().save(str(out / "mediation-case-running.png"))
    step = dialog.add_session()
    QApplication.processEvents()
    step.grab().save(str(out / "mediation-case-session-step.png"))
    step.reject()
    agreement = dialog.record_agreement()
    agreement.set_term(0, *TERMS[0])
    agreement.set_term(1, *TERMS[1])
    agreement.points.setPlainText("围墙是否越过宅基地边界")
    agreement.duties.setPlainText("被申请人修建围墙前未与申请人协商，负主要责任")
    QApplication.processEvents()
    agreement.grab().save(str(out / "mediation-case-agreement-step.png"))
    agreement.reject()
    saved = sorted(out.glob("mediation-*.png"))
    assert len(saved) >= 6 and all(path.stat().st_size > 10_000 for path in saved)


def test_the_case_shows_id_numbers_masked_to_a_user_without_the_right_to_see_them(qtbot, mediator, zhang, li,
                                                                                 monkeypatch):
    case = disputes.register(mediator, entry(zhang, li))
    full = open_case(qtbot, mediator, case)
    shown = [full.party_model.index(r, c).data() for r in range(2) for c in range(full.party_model.columnCount())]
    assert "500222199001011237" in shown
    monkeypatch.setattr(type(mediator), "can", lambda self, p: p != "people.full_id")
    masked = open_case(qtbot, mediator, case)
    cells = [masked.party_model.index(r, c).data() for r in range(2) for c in range(masked.party_model.columnCount())]
    assert "500222199001011237" not in cells and any(str(c).startswith("500222") and "*" in str(c) for c in cells)
