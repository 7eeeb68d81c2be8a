"""The hall's screens driven like a clerk drives them: keyboard and a few clicks, checked against the database
and the printed PDF."""

import io
from datetime import datetime

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from models import audit, people
from models.hall import cases, matters
from models.hall.cases import Intake
from models.hall.tables import ACCEPTED, COMPLETED, CORRECTION, DELIVERED, PROCESSING, RECEIVED, REJECTED, ServiceCase
from tests.conftest import type_text
from ui.hall import HallPage
from ui.hall.case_list import CaseListPanel
from ui.hall.case_view import CaseDialog
from ui.hall.counter import CounterForm
from ui.hall.home import HallHome


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def clerk(make_user):
    return make_user("window", username="chuangkou")


@pytest.fixture
def counter(qtbot, clerk):
    form = CounterForm(clerk)
    qtbot.addWidget(form)
    form.resize(1100, 800)
    form.show()
    yield form
    if form.preview is not None:
        form.preview.close()


@pytest.fixture
def resident(clerk):
    return people.save_person(clerk, {"name": "张三", "id_number": "500222199001011237", "phone": "13800000001",
                                      "address": "重庆市綦江区打通镇石龙村3组"})


def pick_matter(qtbot, form, text):
    form.matter.edit.setFocus()
    type_text(qtbot, form.matter.edit, text)
    qtbot.keyClick(form.matter.edit, Qt.Key_Return)


def test_counter_new_applicant_matter_materials_accept_prints_the_receipt(qtbot, counter, clerk):
    # a new villager: registered from the counter with the registry's own form
    counter.applicant.register(people.Person)
    dialog = counter.applicant.dialog
    type_text(qtbot, dialog.name_edit, "王秀英")
    type_text(qtbot, dialog.id_edit, "500222198503151235")
    type_text(qtbot, dialog.phone_edit, "13912345678")
    dialog.save()
    assert counter.applicant.record is not None and counter.applicant.record.name == "王秀英"
    # the matter by a fragment of its name; its materials appear unchecked
    pick_matter(qtbot, counter, "低保")
    assert counter.matter.matter.code == "XZFW-010"
    assert counter.materials.count() == len(counter.matter.matter.materials)
    # space ticks the current material; 全部收齐 ticks the rest
    counter.materials.setFocus()
    qtbot.keyClick(counter.materials, Qt.Key_Space)
    assert counter.materials.item(0).checkState() == Qt.Checked
    qtbot.keyClick(counter, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)
    # Ctrl+Enter: 受理
    qtbot.keyClick(counter.materials, Qt.Key_Return, Qt.ControlModifier)
    case = counter.last_case
    assert case is not None
    stored = ServiceCase.get(ServiceCase.number == case.number)
    assert stored.status == ACCEPTED and stored.applicant_name == "王秀英" and stored.matter_code == "XZFW-010"
    assert all(m["state"] == RECEIVED for m in stored.materials)
    text = pdf_text(counter.preview.pdf_bytes)
    assert case.number in text and "最低生活保障审核确认" in text
    assert f"{stored.promised_date.year}年{stored.promised_date.month}月{stored.promised_date.day}日" in text
    # the form is empty again for the next villager, with the outcome shown
    assert counter.applicant.record is None and counter.matter.matter is None
    assert case.number in counter.result.text()


def test_counter_finds_an_applicant_by_id_number_and_enter_picks(qtbot, counter, resident):
    counter.applicant.setFocus()
    qtbot.keyClicks(counter.applicant.edit, "500222199001011237")
    qtbot.keyClick(counter.applicant.edit, Qt.Key_Return)
    assert counter.applicant.record.id == resident.id
    assert "张三" in counter.applicant.chosen_label.text()


def test_counter_refuses_missing_materials_then_correction_lists_them(qtbot, counter, resident):
    counter.applicant.set_record(resident)
    pick_matter(qtbot, counter, "XZSP-001")
    counter.materials.item(0).setCheckState(Qt.Checked)
    assert counter.submit("受理") is None
    assert "材料未收齐" in counter.error_label.text()
    assert ServiceCase.select().count() == 0
    case = counter.submit("补正")
    assert case.status == CORRECTION
    text = pdf_text(counter.preview.pdf_bytes)
    assert "补正材料通知书" in text.replace(" ", "") or "补正" in text
    missing = [m["name"] for m in case.materials if m["state"] == "缺"]
    assert len(missing) == counter_matter_count("XZSP-001") - 1
    for name in missing:
        assert name[:6] in text.replace("\n", "")


def counter_matter_count(code):
    return len(matters.get_matter(code).materials)


def test_counter_rejection_needs_the_reason_field(qtbot, counter, resident):
    counter.applicant.set_record(resident)
    pick_matter(qtbot, counter, "XZFW-002")
    assert counter.submit("不予受理") is None
    assert counter.focusWidget() is counter.reason or counter.reason.hasFocus() or "理由" in counter.error_label.text()
    type_text(qtbot, counter.reason, "申请人不属于本镇户籍")
    case = counter.submit("不予受理")
    assert case.status == REJECTED
    assert "申请人不属于本镇户籍" in pdf_text(counter.preview.pdf_bytes).replace("\n", "")


def test_counter_immediate_matter_is_completed_on_the_spot(qtbot, counter, resident):
    counter.applicant.set_record(resident)
    pick_matter(qtbot, counter, "生育登记")
    assert counter.complete_now.isChecked()
    counter.check_all()
    case = counter.submit("受理")
    assert case.status == COMPLETED


def test_counter_without_applicant_names_the_field(qtbot, counter):
    pick_matter(qtbot, counter, "XZFW-002")
    counter.check_all()
    assert counter.submit("受理") is None
    assert "申请人" in counter.error_label.text()


def test_counter_post_delivery_needs_an_address(qtbot, counter, resident):
    counter.applicant.set_record(resident)
    pick_matter(qtbot, counter, "XZFW-002")
    counter.check_all()
    counter.delivery.setCurrentText("邮寄")
    assert counter.address.text() == resident.address  # filled from the registry
    counter.address.clear()
    assert counter.submit("受理") is None
    assert "邮寄地址" in counter.error_label.text()


def accepted_case(clerk, resident, code="XZFW-002", now=None):
    matter = matters.get_matter(code)
    return cases.intake(clerk, Intake(matter=matter, applicant=resident,
                                      materials={m["name"]: RECEIVED for m in matter.materials}), now=now)


def test_case_view_steps_through_the_lifecycle_and_prints(qtbot, clerk, resident):
    case = accepted_case(clerk, resident)
    dialog = CaseDialog(clerk, case)
    qtbot.addWidget(dialog)
    assert set(dialog.buttons) >= {"送后台办理", "办结", "撤回", "收费"}
    step = dialog.send()
    step.save()
    assert ServiceCase.get_by_id(case.id).status == PROCESSING
    step = dialog.complete()
    step.fields["ref"].setText("养老〔2022〕1号")
    step.save()
    assert ServiceCase.get_by_id(case.id).status == COMPLETED
    assert "办结通知书" in dialog.preview.title
    assert case.number in pdf_text(dialog.preview.pdf_bytes)
    dialog.preview.close()
    step = dialog.deliver()
    step.save()
    assert ServiceCase.get_by_id(case.id).status == DELIVERED
    step = dialog.rate()
    step.fields["overall"].setCurrentIndex(3)          # 不满意
    step.save()
    assert "评价内容" in step.error_label.text()        # a 差评 needs what the villager said
    type_text(qtbot, step.fields["comment"], "等候太久")
    step.save()
    rating = cases.rating_of(ServiceCase.get_by_id(case.id))
    assert rating.overall == 2 and rating.rectify_due is not None
    assert [e.action for e in cases.events(case)] == ["受理", "送后台办理", "办结", "出件"]


def test_case_view_refuses_a_bad_fee_and_prints_the_fee_receipt(qtbot, clerk, resident):
    case = accepted_case(clerk, resident, code="QT-007")
    dialog = CaseDialog(clerk, case)
    qtbot.addWidget(dialog)
    step = dialog.take_fee()
    assert step.fields["amount"].text() == "40.00"
    step.fields["amount"].setText("abc")
    step.save()
    assert "收费金额" in step.error_label.text() and not cases.fees(case)
    step.fields["amount"].setText("40")
    step.save()
    [payment] = cases.fees(case)
    text = pdf_text(dialog.preview.pdf_bytes)
    assert payment.receipt_no in text and "肆拾元整" in text


def test_reprint_is_audited_as_such(qtbot, clerk, resident, tmp_path):
    case = accepted_case(clerk, resident)
    dialog = CaseDialog(clerk, case)
    qtbot.addWidget(dialog)
    first = dialog.print_document("receipt")
    first.save_to(tmp_path / "a.pdf")
    second = dialog.print_document("receipt")
    second.save_to(tmp_path / "b.pdf")
    lines = [a.summary for a in audit.AuditEntry.select().where(audit.AuditEntry.action == "print")]
    assert len(lines) == 2 and "重打" not in lines[0] and "重打" in lines[1]


def test_case_list_counts_beyond_the_first_page_off_the_gui_thread(qtbot, clerk, resident, monkeypatch):
    from ui.hall import case_list

    for _ in range(3):
        accepted_case(clerk, resident)
    monkeypatch.setattr(case_list.CaseTableModel, "page_size", 2)
    panel = CaseListPanel(clerk)
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.model.rowCount() == 2 and panel.count_label.text() == "正在统计件数……"
    qtbot.waitUntil(lambda: panel.count_label.text() == "共 3 件")
    stale = panel._counting - 1
    panel._show_count((stale, 99))           # an answer for a filter the user has since changed
    assert panel.count_label.text() == "共 3 件"


def test_case_list_searches_filters_and_colours_overdue(qtbot, clerk, resident):
    old = accepted_case(clerk, resident, now=datetime(2022, 3, 1, 2, 0))
    new = accepted_case(clerk, resident)
    panel = CaseListPanel(clerk)
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.model.rowCount() == 2 and "2" in panel.count_label.text()
    assert panel.model.rows[0].id == new.id
    assert panel.count_label.text() == "共 2 件"   # one page holds them all: counted at once
    # the 2022 case is long overdue: red background, 超期 text
    row = [r.id for r in panel.model.rows].index(old.id)
    assert "超期" in panel.model.index(row, 9).data()
    assert panel.model.index(row, 0).data(Qt.BackgroundRole) is not None
    panel.only_overdue.setChecked(True)
    panel.refresh()
    assert [r.id for r in panel.model.rows] == [old.id]
    panel.only_overdue.setChecked(False)
    panel.matter.setCurrentIndex(panel.matter.findData("XZFW-002"))
    panel.refresh()
    assert panel.model.rowCount() == 2
    panel.matter.setCurrentIndex(panel.matter.findData("QT-007"))
    panel.refresh()
    assert panel.model.rowCount() == 0
    panel.matter.setCurrentIndex(0)
    type_text(qtbot, panel.search_edit, "张")
    panel.refresh()
    assert panel.model.rowCount() == 2
    panel.search_edit.setText("赵")
    panel.refresh()
    assert panel.model.rowCount() == 0


def test_case_list_fetches_pages_lazily(qtbot, clerk, resident, monkeypatch):
    import ui.hall.case_list as case_list
    monkeypatch.setattr(case_list.CaseTableModel, "page_size", 3)
    for _ in range(7):
        accepted_case(clerk, resident)
    panel = CaseListPanel(clerk)
    panel.refresh()
    assert panel.model.rowCount() == 3 and panel.model.canFetchMore()
    panel.model.fetchMore()
    panel.model.fetchMore()
    assert panel.model.rowCount() == 7 and not panel.model.canFetchMore()
    assert len({r.id for r in panel.model.rows}) == 7


def test_home_shows_due_today_overdue_and_closes_a_rectification(qtbot, clerk, resident):
    due = accepted_case(clerk, resident)
    late = accepted_case(clerk, resident, now=datetime(2022, 3, 1, 2, 0))
    done = cases.complete(clerk, accepted_case(clerk, resident), "准予")
    cases.rate(clerk, done, 1, comment="态度差")
    home = HallHome(clerk)
    qtbot.addWidget(home)
    home.refresh(today=due.promised_date)
    assert [c.id for c in home.due_model.rows] == [due.id]
    assert late.id in [c.id for c in home.overdue_model.rows]
    assert "差评整改待办（1 件）" in home.rectify_box.title()
    home.rectify_table.select_row(0)
    step = home.close_rectification()
    type_text(qtbot, step.fields["result"], "已约谈并改进")
    step.save()
    assert step.result() == QDialog.Accepted
    assert cases.open_rectifications(clerk) == []


def test_hall_page_has_every_part(qtbot, clerk):
    page = HallPage(clerk)
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles[:3] == ["首页", "受理登记", "办件查询"]
    page.show_counter()
    assert page.tabs.currentWidget() is page.counter


def test_a_matter_added_in_the_catalogue_is_offered_at_the_counter(qtbot, admin):
    page = HallPage(admin)
    qtbot.addWidget(page)
    data = {**matters._entry(matters.get_matter("XZFW-002")), "code": "XZFW-099", "name": "测试新增事项",
            "matter_class": "行政服务"}
    matters.save_matter(admin, data)
    page.catalogue.changed.emit(None)
    assert "XZFW-099　测试新增事项" in page.counter.matter.model.stringList()


def test_the_clerks_window_is_remembered_and_printed_on_the_receipt(qtbot, counter, clerk, resident):
    counter.window_edit.setText("3号窗口")
    counter.window_edit.editingFinished.emit()
    assert CounterForm(clerk).window_edit.text() == "3号窗口"
    counter.applicant.set_record(resident)
    pick_matter(qtbot, counter, "XZFW-002")
    counter.check_all()
    case = counter.submit("受理")
    assert case is not None and "3号窗口" in pdf_text(counter.preview.pdf_bytes)
    counter.window_edit.setText("窗" * 21)
    counter.window_edit.editingFinished.emit()
    assert "受理窗口" in counter.error_label.text() or "窗口名称" in counter.error_label.text()


def test_deadline_colours_show_through_the_application_theme(qtbot, clerk, resident):
    """qt-material's item rules paint over a model's colours; the tables' delegate paints them back."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from ui.app import apply_theme

    apply_theme(QApplication.instance(), QApplication.font().family())
    try:
        accepted_case(clerk, resident, now=datetime(2022, 3, 1, 2, 0))   # long overdue
        panel = CaseListPanel(clerk)
        qtbot.addWidget(panel)
        panel.resize(1200, 400)
        panel.refresh()
        panel.show()
        qtbot.waitExposed(panel)
        image = panel.table.viewport().grab().toImage()
        rect = panel.table.visualRect(panel.model.index(0, 1))
        colour = QColor(image.pixel(rect.center().x(), rect.top() + 2))
        assert colour.name() == "#fde0dc"
    finally:
        QApplication.instance().setStyleSheet("")
