"""受理登记: the counter screen. Applicant, matter, materials, channel, outcome — keyboard first.

Enter moves on; Ctrl+Enter 受理 and prints the receipt; Ctrl+B 补正 lists every missing material;
Ctrl+R 不予受理 with the reason typed in 说明/理由.  Nothing is written unless every field is right;
the error names the field and the cursor goes there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout, QWidget,
)

from models import settings
from models.accounts import User
from models.errors import TownDeskError
from models.hall import cases
from models.hall.cases import ACCEPT, CORRECT, REJECT, Intake
from models.hall.catalogue import IMMEDIATE
from models.hall.tables import CHANNELS, DELIVERIES, MISSING, RECEIVED, CatalogueMatter
from models.people import Person
from ui.common import shortcut, FieldErrors, notice, paint_hint, show_problem
from ui.hall.pickers import MatterPicker, PartyPicker
from ui.hall.print_view import show_document


def matter_summary(matter: CatalogueMatter) -> str:
    """行政服务 · 承诺件 · 承诺 10 个工作日（法定 20 个工作日）· 不收费 · 后台：社会事务办"""
    if matter.kind == IMMEDIATE:
        limit = "当场办结"
    else:
        limit = f"承诺 {matter.promised_days} 个工作日（法定 {matter.legal_days} 个{matter.legal_days_unit}）"
    fee = f"收费 {matter.fee_cents / 100:.2f} 元" if matter.fee_cents else "不收费"
    parts = [matter.matter_class, matter.kind, limit, fee, f"后台：{matter.department}"]
    if matter.online:
        parts.append("可渝快办全程网办")
    return " · ".join(parts)


class CounterForm(QWidget):
    """One applicant at a time; after each outcome the form is empty again and the cursor is on 申请人."""

    case_created = Signal(object)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.last_case = None
        self.preview = None

        title = QLabel(self.tr("受理登记"))
        title.setProperty("role", "title")
        self.window_edit = QLineEdit(settings.window_of(user.username))
        self.window_edit.setPlaceholderText(self.tr("如 3号窗口"))
        self.window_edit.setMaximumWidth(160)
        self.window_edit.setToolTip(self.tr("您所在的受理窗口，打印在回执的受理人旁"))
        self.window_edit.editingFinished.connect(self.save_window)
        self.applicant = PartyPicker(user)
        self.agent = PartyPicker(user, organisations=False)
        self.matter = MatterPicker()
        self.matter_info = paint_hint(QLabel())
        self.matter_info.setWordWrap(True)
        self.materials = QListWidget()
        self.materials.setMinimumHeight(120)
        self.materials.setToolTip(self.tr("空格键勾选或取消；勾选表示已收到"))
        self.all_received = QPushButton(self.tr("全部收齐"))
        self.all_received.setAutoDefault(False)
        self.all_received.setToolTip(self.tr("勾选全部材料（Ctrl+Shift+A）"))
        self.all_received.clicked.connect(self.check_all)
        self.channel = QComboBox()
        self.channel.addItems(CHANNELS)
        self.delivery = QComboBox()
        self.delivery.addItems(DELIVERIES)
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("邮寄地址（选择邮寄时必填）"))
        self.address.setEnabled(False)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("选填"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("补正说明或不予受理理由（不予受理时必填）"))
        self.complete_now = QCheckBox(self.tr("当场办结（即办件）"))
        self.complete_now.setEnabled(False)

        self.accept_button = QPushButton(self.tr("受理并打印回执（Ctrl+Enter）"))
        self.accept_button.setProperty("class", "success")
        self.correct_button = QPushButton(self.tr("补正告知（Ctrl+B）"))
        self.reject_button = QPushButton(self.tr("不予受理（Ctrl+R）"))
        self.clear_button = QPushButton(self.tr("清空（Ctrl+Shift+N）"))
        for button in (self.accept_button, self.correct_button, self.reject_button, self.clear_button):
            button.setAutoDefault(False)
        self.accept_button.clicked.connect(lambda: self.submit(ACCEPT))
        self.correct_button.clicked.connect(lambda: self.submit(CORRECT))
        self.reject_button.clicked.connect(lambda: self.submit(REJECT))
        self.clear_button.clicked.connect(self.reset)

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "办理事项": self.matter, "申请人": self.applicant, "代办人": self.agent, "受理渠道": self.channel,
            "结果送达": self.delivery, "邮寄地址": self.address, "备注": self.notes, "申请材料": self.materials,
            "不予受理理由": self.reason, "补正说明": self.reason, "当场办结": self.complete_now,
            settings.WINDOW_LABEL: self.window_edit,
        })
        self.result = notice("", "info")
        self.result.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        form.addRow(self.tr("申请人 *"), self.applicant)
        form.addRow(self.tr("代办人"), self.agent)
        form.addRow(self.tr("办理事项 *"), self.matter)
        form.addRow("", self.matter_info)
        materials_row = QHBoxLayout()
        materials_row.addWidget(self.materials, 1)
        side = QVBoxLayout()
        side.addWidget(self.all_received)
        side.addStretch(1)
        materials_row.addLayout(side)
        form.addRow(self.tr("申请材料"), materials_row)
        how = QHBoxLayout()
        how.addWidget(self.channel)
        how.addWidget(QLabel(self.tr("结果送达")))
        how.addWidget(self.delivery)
        how.addWidget(self.address, 1)
        form.addRow(self.tr("受理渠道"), how)
        form.addRow(self.tr("备注"), self.notes)
        form.addRow(self.tr("说明/理由"), self.reason)
        form.addRow("", self.complete_now)

        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        keys = paint_hint(QLabel(self.tr(
            "按 Enter 到下一项；申请人和代办人列表用 ↓ 选择；材料用空格勾选。"
            "Ctrl+Enter 受理　Ctrl+B 补正　Ctrl+R 不予受理　Ctrl+Shift+N 清空")))
        keys.setWordWrap(True)

        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(QLabel(self.tr("本人窗口")))
        heading.addWidget(self.window_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addWidget(keys)
        self.setFocusProxy(self.applicant)

        self.applicant.chosen.connect(self._applicant_chosen)
        self.matter.chosen.connect(self._matter_chosen)
        self.delivery.currentTextChanged.connect(self._delivery_changed)
        self.channel.currentTextChanged.connect(self._channel_changed)
        for keys_text, slot in (("Ctrl+Return", lambda: self.submit(ACCEPT)), ("Ctrl+Enter", lambda: self.submit(ACCEPT)),
                                ("Ctrl+B", lambda: self.submit(CORRECT)), ("Ctrl+R", lambda: self.submit(REJECT)),
                                ("Ctrl+Shift+N", self.reset), ("Ctrl+Shift+A", self.check_all)):
            shortcut(keys_text, self, slot, Qt.WidgetWithChildrenShortcut)
        for edit in (self.address, self.notes, self.reason):
            edit.returnPressed.connect(self.focusNextChild)

    def save_window(self) -> None:
        try:
            self.window_edit.setText(settings.set_window(self.user, self.window_edit.text()))
        except TownDeskError as exc:
            self.errors.show(exc)

    # --- reacting to choices ------------------------------------------------------------------------

    def _applicant_chosen(self, record) -> None:
        if record is not None and self.delivery.currentText() == "邮寄" and not self.address.text():
            self.address.setText(record.address or "")

    def _matter_chosen(self, matter: CatalogueMatter | None) -> None:
        self.materials.clear()
        if matter is None:
            self.matter_info.clear()
            self.complete_now.setChecked(False)
            self.complete_now.setEnabled(False)
            return
        self.matter_info.setText(matter_summary(matter))
        for item in matter.materials:
            text = f"{item['name']}（{item['form']} {item['copies']} 份）" + (f"　{item['note']}" if item.get("note") else "")
            row = QListWidgetItem(text)
            row.setData(Qt.UserRole, item["name"])
            row.setFlags(row.flags() | Qt.ItemIsUserCheckable)
            row.setCheckState(Qt.Unchecked)
            self.materials.addItem(row)
        if self.materials.count():
            self.materials.setCurrentRow(0)
        immediate = matter.kind == IMMEDIATE
        self.complete_now.setEnabled(immediate)
        self.complete_now.setChecked(immediate)
        if matter.online and self.channel.currentText() == "窗口":
            self.channel.setToolTip(self.tr("此事项可在渝快办全程网办"))

    def _delivery_changed(self, text: str) -> None:
        posted = text == "邮寄"
        self.address.setEnabled(posted)
        if posted and not self.address.text() and self.applicant.record is not None:
            self.address.setText(self.applicant.record.address or "")

    def _channel_changed(self, text: str) -> None:
        if text == "邮寄" and self.delivery.currentText() != "邮寄":
            self.delivery.setCurrentText("邮寄")

    def check_all(self) -> None:
        for row in range(self.materials.count()):
            self.materials.item(row).setCheckState(Qt.Checked)

    def material_states(self) -> dict[str, str]:
        states = {}
        for row in range(self.materials.count()):
            item = self.materials.item(row)
            states[item.data(Qt.UserRole)] = RECEIVED if item.checkState() == Qt.Checked else MISSING
        return states

    # --- the outcome ----------------------------------------------------------------------------------

    def intake_entry(self, outcome: str) -> Intake:
        agent = self.agent.record
        return Intake(
            matter=self.matter.matter, applicant=self.applicant.record, outcome=outcome,
            agent=agent if isinstance(agent, Person) else None, channel=self.channel.currentText(),
            delivery=self.delivery.currentText(), delivery_address=self.address.text(),
            materials=self.material_states(), notes=self.notes.text(), reason=self.reason.text(),
            complete_now=outcome == ACCEPT and self.complete_now.isEnabled() and self.complete_now.isChecked())

    def submit(self, outcome: str):
        """Store the case with this outcome and open its document; the case, or None if the form has errors."""
        self.errors.clear()
        try:
            case = cases.intake(self.user, self.intake_entry(outcome))
        except TownDeskError as exc:
            self.errors.show(exc)
            return None
        except Exception as exc:  # noqa: BLE001 - a bug: logged and reported, the form keeps its content
            show_problem(self, exc)
            return None
        self.last_case = case
        self.case_created.emit(case)
        kind = {ACCEPT: "receipt", CORRECT: "correction", REJECT: "rejection"}[outcome]
        self.preview = show_document(self, self.user, kind, case.number)
        self.reset()
        self.result.setText(self.outcome_text(case))
        self.result.show()
        return case

    @staticmethod
    def outcome_text(case) -> str:
        if case.status == "待补正":
            missing = [m["name"] for m in case.materials if m["state"] == MISSING]
            return f"{case.number}　{case.applicant_name}　{case.matter_name}：已一次性告知补正（缺 {len(missing)} 项材料）。"
        if case.status == "不予受理":
            return f"{case.number}　{case.applicant_name}　{case.matter_name}：不予受理，已出具通知书。"
        if case.status == "已办结":
            return f"{case.number}　{case.applicant_name}　{case.matter_name}：已受理并当场办结。"
        due = f"{case.promised_date:%Y-%m-%d}" if case.promised_date else ""
        return f"{case.number}　{case.applicant_name}　{case.matter_name}：已受理，承诺 {due} 前办结。"

    def reset(self) -> None:
        self.errors.clear()
        self.applicant.clear()
        self.agent.clear()
        self.matter.reload()
        self.matter.clear()
        self.channel.setCurrentIndex(0)
        self.delivery.setCurrentIndex(0)
        self.address.clear()
        self.notes.clear()
        self.reason.clear()
        self.applicant.setFocus()
