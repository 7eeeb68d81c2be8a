"""办件详情: everything about one case, its history, and the next steps it can take."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDateEdit,
    QPlainTextEdit,
    QComboBox, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QMenu, QPushButton, QVBoxLayout, QWidget,
)

from models.accounts import User
from models.hall import cases, printing
from models.hall.tables import (
    DECISIONS, MISSING, RATING_LEVELS, RECEIVED, ServiceCase,
)
from models.people import shown_id
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, dialog_buttons, local_time, paint_hint, value_label,
)
from ui.hall.case_list import left_text
from ui.hall.print_view import show_document


class StepDialog(QDialog):
    """A small form for one step of a case: its fields, then `run(values)` through models; errors stay on the form."""

    def __init__(self, title: str, fields: list[tuple[str, str, QWidget]], run: Callable[[dict], object],
                 ok_text: str, intro: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields = {key: widget for key, _label, widget in fields}
        self.run = run
        self.result_value = None
        form = QFormLayout()
        for _key, label, widget in fields:
            form.addRow(label, widget)
        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {label.rstrip(" *"): widget for _k, label, widget in fields})
        box, self.ok_button, _cancel = dialog_buttons(self, ok_text, self.save)
        layout = QVBoxLayout(self)
        if intro:
            text = paint_hint(QLabel(intro))
            text.setWordWrap(True)
            layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        self.setMinimumWidth(460)

    def values(self) -> dict:
        return {key: self.value_of(widget) for key, widget in self.fields.items()}

    def value_of(self, widget):
        """What one field holds; a subclass adds its own kinds of field and asks this for the rest."""
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QDateEdit):
            return widget.date().toPython()
        if isinstance(widget, QDateTimeEdit):
            return widget.dateTime().toPython().replace(second=0, microsecond=0)
        if isinstance(widget, QComboBox):
            return widget.currentData() if widget.currentData() is not None else widget.currentText()
        if isinstance(widget, QListWidget):
            return {widget.item(i).data(Qt.UserRole): widget.item(i).checkState() == Qt.Checked
                    for i in range(widget.count())}
        return widget.text()

    def save(self) -> None:
        ok, self.result_value = self.errors.attempt(self, lambda: self.run(self.values()))
        if ok:
            self.accept()


def _line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def _combo(items, data=None) -> QComboBox:
    combo = QComboBox()
    for index, text in enumerate(items):
        combo.addItem(text, None if data is None else data[index])
    return combo


class CaseDialog(QDialog):
    """One case: details, materials, history, fees, rating; its buttons are the steps it can take now."""

    changed = Signal(object)

    def __init__(self, user: User, case: ServiceCase, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.case = case
        self.step = None
        self.preview = None
        self.setWindowTitle(self.tr("办件 {0}").format(case.number))
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.deadline_label = QLabel()
        self.details = QGridLayout()
        self.details.setColumnStretch(1, 1)
        self.details.setColumnStretch(3, 1)
        self.materials = QListWidget()
        self.materials.setMaximumHeight(110)
        self.events_model = RecordTableModel([
            Column(self.tr("时间"), lambda e: local_time(e.created_at)),
            Column(self.tr("操作"), lambda e: e.action),
            Column(self.tr("状态"), lambda e: f"{e.from_status or '—'} → {e.to_status}"),
            Column(self.tr("经办人"), lambda e: e.actor_name),
            Column(self.tr("说明"), lambda e: e.note),
        ], self)
        self.events = RecordTable(self.events_model)
        self.events.setMinimumHeight(150)
        self.events.verticalHeader().setVisible(False)
        self.events.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.events.horizontalHeader().setStretchLastSection(True)
        self.extra = QLabel()
        self.extra.setWordWrap(True)

        self.action_buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("打印文书…"))
        self.print_menu = QMenu(self)
        self.print_button.setMenu(self.print_menu)
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)

        detail_box = QGroupBox(self.tr("办件信息"))
        detail_box.setLayout(self.details)
        material_box = QGroupBox(self.tr("申请材料"))
        QVBoxLayout(material_box).addWidget(self.materials)
        history_box = QGroupBox(self.tr("办理过程"))
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.events)
        history_layout.addWidget(self.extra)
        bottom = QHBoxLayout()
        bottom.addLayout(self.action_buttons)
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.deadline_label)
        layout.addLayout(top)
        layout.addWidget(detail_box)
        layout.addWidget(material_box)
        layout.addWidget(history_box, 1)
        layout.addLayout(bottom)
        self.resize(1000, 820)
        self.show_case(case)

    # --- showing ----------------------------------------------------------------------------------

    def show_case(self, case: ServiceCase) -> None:
        self.case = case
        self.heading.setText(f"{case.number}　{case.status}")
        left, state = cases.deadline(case, date.today())
        self.deadline_label.setText(left_text(left, state))
        if state:
            paint_hint(self.deadline_label, "error" if state in (cases.OVERDUE, cases.DUE_TODAY) else "warn")
        while self.details.count():
            item = self.details.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        rows = [
            (self.tr("办理事项"), f"{case.matter_name}（{case.matter_code}，{case.matter_class}，{case.kind}）"),
            (self.tr("申请人"), f"{case.applicant_name}　{case.applicant_id_type} "
                             f"{shown_id(self.user, case.applicant_id_number)}　{case.applicant_phone}"),
            (self.tr("代办人"), f"{case.agent_name}　{shown_id(self.user, case.agent_id_number)}　{case.agent_phone}"
             if case.agent_name else "—"),
            (self.tr("受理渠道"), case.channel),
            (self.tr("结果送达"), case.delivery + (f"（{case.delivery_address}）" if case.delivery_address else "")),
            (self.tr("收件时间"), local_time(case.received_at)),
            (self.tr("受理日期"), f"{case.accepted_on:%Y-%m-%d}" if case.accepted_on else "—"),
            (self.tr("承诺办结"), f"{case.promised_date:%Y-%m-%d}（{case.promised_days} 个工作日）"
             if case.promised_date else "—"),
            (self.tr("经办人"), case.clerk_name),
            (self.tr("承办机构"), case.department),
            (self.tr("办理结果"), (case.decision + (f"　文书 {case.result_ref}" if case.result_ref else "")
                               + (f"　{case.result_note}" if case.result_note else "")) if case.decision else "—"),
            (self.tr("说明/理由"), case.reason or "—"),
            (self.tr("备注"), case.notes or "—"),
        ]
        for index, (label, value) in enumerate(rows):
            row, column = divmod(index, 2)
            name = QLabel(label + "：")
            name.setAlignment(Qt.AlignRight | Qt.AlignTop)
            shown = value_label(value)
            shown.setWordWrap(True)
            self.details.addWidget(name, row, column * 2)
            self.details.addWidget(shown, row, column * 2 + 1)
        self.materials.clear()
        for item in case.materials:
            self.materials.addItem(f"{'✔' if item['state'] != MISSING else '✘'} {item['name']}"
                                   f"（{item['form']} {item['copies']} 份）— {item['state']}")
        self.events_model.set_rows(cases.events(case))
        extra = []
        for fee in cases.fees(case):
            extra.append(self.tr("收费：{0}　{1:.2f} 元　{2}　{3}").format(
                fee.receipt_no, fee.amount_cents / 100, fee.method, local_time(fee.created_at)))
        rating = cases.rating_of(case)
        if rating is not None:
            text = self.tr("评价：{0}").format(RATING_LEVELS[rating.overall])
            if rating.comment:
                text += f"（{rating.comment}）"
            if rating.rectify_due:
                text += (self.tr("；整改已完成：{0}").format(rating.rectify_result) if rating.rectified_at
                         else self.tr("；整改期限 {0:%Y-%m-%d}").format(rating.rectify_due))
            extra.append(text)
        self.extra.setText("\n".join(extra))
        self.extra.setVisible(bool(extra))
        self._build_actions()

    def _build_actions(self) -> None:
        while self.action_buttons.count():
            item = self.action_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        steps = {"补正受理": self.resume, "送后台办理": self.send, "办结": self.complete, "出件": self.deliver,
                 "撤回": self.withdraw}
        self.buttons = {}
        for action in cases.allowed_actions(self.case):
            button = QPushButton(action + "…")
            button.setAutoDefault(False)
            button.clicked.connect(steps[action])
            self.action_buttons.addWidget(button)
            self.buttons[action] = button
        if self.case.status not in (cases.REJECTED, cases.WITHDRAWN, cases.CORRECTION):
            button = QPushButton(self.tr("收费…"))
            button.clicked.connect(self.take_fee)
            self.action_buttons.addWidget(button)
            self.buttons["收费"] = button
        if self.case.status in cases.FINISHED_STATUSES and cases.rating_of(self.case) is None:
            button = QPushButton(self.tr("好差评…"))
            button.clicked.connect(self.rate)
            self.action_buttons.addWidget(button)
            self.buttons["评价"] = button
        self.print_menu.clear()
        for kind in printing.documents_for(self.case):
            self.print_menu.addAction(printing.KINDS[kind], lambda k=kind: self.print_document(k))
        self.print_button.setEnabled(not self.print_menu.isEmpty())

    # --- steps --------------------------------------------------------------------------------------

    def _open_step(self, title: str, fields, run, ok_text: str, intro: str = "", then: Callable | None = None):
        def done_with(values):
            case = run(values)
            return case

        self.step = StepDialog(title, fields, done_with, ok_text, intro, self)

        def finished(result):
            if result == QDialog.Accepted:
                fresh = ServiceCase.get_by_id(self.case.id)
                self.show_case(fresh)
                self.changed.emit(fresh)
                if then is not None:
                    then(self.step.result_value)

        self.step.finished.connect(finished)
        self.step.open()
        return self.step

    def resume(self):
        checklist = QListWidget()
        for item in self.case.materials:
            row = QListWidgetItem(f"{item['name']}（{item['form']}）")
            row.setData(Qt.UserRole, item["name"])
            row.setFlags(row.flags() | Qt.ItemIsUserCheckable)
            row.setCheckState(Qt.Unchecked if item["state"] == MISSING else Qt.Checked)
            checklist.addItem(row)
        return self._open_step(
            self.tr("补正受理"), [("materials", self.tr("申请材料"), checklist), ("note", self.tr("说明"), _line())],
            lambda v: cases.resume(self.user, self.case, {k: RECEIVED if ok else MISSING
                                                          for k, ok in v["materials"].items()}, v["note"]),
            self.tr("受理"), self.tr("勾选申请人补交的材料。材料齐全后受理，承诺时限从今天起算。"),
            then=lambda _c: self.print_document("receipt"))

    def send(self):
        return self._open_step(self.tr("送后台办理"), [("note", self.tr("说明"), _line(f"送{self.case.department}"))],
                               lambda v: cases.send_to_back_office(self.user, self.case, v["note"]), self.tr("送出"))

    def complete(self):
        return self._open_step(
            self.tr("办结"),
            [("decision", self.tr("办理结果 *"), _combo(DECISIONS)),
             ("ref", self.tr("结果文书编号"), _line(placeholder=self.tr("如 证照号、批复文号"))),
             ("note", self.tr("办理结果说明"), _line(placeholder=self.tr("不予时必填理由")))],
            lambda v: cases.complete(self.user, self.case, v["decision"], v["ref"], v["note"]), self.tr("办结"),
            then=lambda _c: self.print_document("completion"))

    def deliver(self):
        label = self.tr("邮寄单号 *") if self.case.delivery == "邮寄" else self.tr("出件说明")
        return self._open_step(self.tr("出件"), [("note", label, _line(placeholder=self.tr("如 本人领取")))],
                               lambda v: cases.deliver(self.user, self.case, v["note"]), self.tr("出件"))

    def withdraw(self):
        return self._open_step(self.tr("撤回"), [("reason", self.tr("撤回原因 *"), _line())],
                               lambda v: cases.withdraw(self.user, self.case, v["reason"]), self.tr("撤回"),
                               self.tr("申请人主动撤回申请。撤回后不能再办理，如需办理请重新受理。"))

    def take_fee(self):
        default = f"{self.case.fee_cents / 100:.2f}" if self.case.fee_cents else ""
        return self._open_step(
            self.tr("收费"),
            [("amount", self.tr("收费金额 *"), _line(default, self.tr("元"))),
             ("method", self.tr("支付方式 *"), _combo(cases.PAYMENT_METHODS)),
             ("note", self.tr("备注"), _line())],
            lambda v: cases.record_fee(self.user, self.case, v["amount"], v["method"], v["note"]), self.tr("收费并打印收据"),
            self.tr("收费依据：{0}").format(self.case.fee_basis or "—"),
            then=lambda payment: self._print_fee(payment))

    def _print_fee(self, payment) -> None:
        self.preview = show_document(self, self.user, "fee", payment.receipt_no)

    def rate(self):
        levels = list(RATING_LEVELS.items())
        def combo():
            return _combo([text for _v, text in levels], [value for value, _t in levels])
        return self._open_step(
            self.tr("好差评"),
            [("overall", self.tr("整体评价 *"), combo()), ("efficiency", self.tr("办事效率"), combo()),
             ("competence", self.tr("业务水平"), combo()), ("attitude", self.tr("服务态度"), combo()),
             ("comment", self.tr("评价内容"), _line(placeholder=self.tr("不满意时必填群众反映的问题")))],
            lambda v: cases.rate(self.user, self.case, v["overall"], v["efficiency"], v["competence"], v["attitude"],
                                 v["comment"]),
            self.tr("保存评价"), self.tr("请申请人评价。不满意或非常不满意将生成整改事项，15个工作日内整改完毕。"))

    def print_document(self, kind: str):
        self.preview = show_document(self, self.user, kind, self.case.number)
        return self.preview
