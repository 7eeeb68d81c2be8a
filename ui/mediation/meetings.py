"""风险研判会: the year's meetings, registering one (the cases it assessed and the decisions it took), and the
decisions not yet carried out (未落实的决定), each marked done with a note (落实).

Keyboard first: Ctrl+N registers a meeting; in the meeting form Enter moves on, Enter after the last field of
an assessment or a decision adds the row, Delete removes the selected row, Ctrl+Enter saves; Enter on an
open decision records that it was carried out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from models import codes
from models.accounts import User
from models.deadlines import OVERDUE, state_of
from models.errors import TownDeskError, ValidationError
from models.mediation import disputes, petitions
from models.mediation.disputes import DisputeFilter
from models.mediation.petitions import AssessmentEntry, DecisionEntry, MeetingEntry
from models.mediation.tables import RISK_COLOURS, Dispute, Petition, RiskAssessment, RiskDecision, RiskMeeting
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, debounced, dialog_buttons, hint, paint_hint, shortcut,
    show_problem,
)
from ui.lists import DEADLINE_COLOURS, DEADLINE_TEXT
from ui.mediation.petitions import SAVE_KEYS, StepForm, day_edit, is_enter, petitioner_names, shorten, text_box

RESULTS = 8
LATE_TITLE = "QGroupBox::title { color: #b71c1c; font-weight: bold; }"   # the theme greys every title
DECISION_DUE_SOON = 3           # days: an open decision due this soon is shown in yellow
DEFAULT_DUE_DAYS = 7            # a new decision's default time limit, from the meeting date
# background of the risk cell, by the colour's name (a colour the office adds itself shows uncoloured)
RISK_BACKGROUND = {"红": "#ffcdd2", "橙": "#ffe0b2", "黄": "#fff59d", "蓝": "#bbdefb", "绿": "#c8e6c9"}


def dispute_label(dispute: Dispute) -> str:
    """TJ-…　张三 诉 李四　邻里纠纷　调解中　风险：黄"""
    sides = disputes.parties(dispute)
    names = " 诉 ".join("、".join(p.name for p in sides if p.side == side) for side in ("申请人", "被申请人"))
    parts = [dispute.number, names, dispute.dispute_type, dispute.status]
    if dispute.risk_colour:
        parts.append(f"风险：{dispute.risk_colour}")
    return "　".join(p for p in parts if p)


def petition_label(petition: Petition) -> str:
    """XF-…　张三、李四　来访　反映村道……　已交办"""
    return "　".join((petition.number, petitioner_names(petition), petition.form, shorten(petition.matter, 20),
                      petition.status))


def risk_brush(colour: str):
    return QBrush(QColor(RISK_BACKGROUND[colour])) if colour in RISK_BACKGROUND else None


class ColouredTableModel(RecordTableModel):
    """A record table whose rows may be coloured: `colours(row)` gives (background, text) colours or
    Nones; `risk_column` is painted in the row's risk colour (`risk(row)`)."""

    def __init__(self, columns: list[Column], parent=None, colours: Callable | None = None,
                 risk: Callable | None = None, risk_column: int = -1):
        super().__init__(columns, parent)
        self.colours, self.risk, self.risk_column = colours, risk, risk_column

    def data(self, index, role=Qt.DisplayRole):
        if index.isValid() and role in (Qt.BackgroundRole, Qt.ForegroundRole):
            row = self.rows[index.row()]
            if role == Qt.BackgroundRole and self.risk is not None and index.column() == self.risk_column:
                return risk_brush(self.risk(row))
            if self.colours is not None:
                background, text = self.colours(row)
                colour = background if role == Qt.BackgroundRole else text
                return QBrush(QColor(colour)) if colour else None
            return None
        return super().data(index, role)


def small_table(model: RecordTableModel, height: int = 110) -> RecordTable:
    table = RecordTable(model, select_on_focus=True)
    table.setMinimumHeight(height)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


# --------------------------------------------------------------------------------------------
# Picking a case to assess
# --------------------------------------------------------------------------------------------

class CasePicker(QWidget):
    """Find a dispute case or a petition by its number, or a party's or petitioner's name, phone or ID number;
    ↓ into the results, Enter picks. `chosen(Dispute | Petition | None)`."""

    chosen = Signal(object)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.record = None
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(self.tr("输入调解案件编号、信访编号，或当事人、信访人的姓名查找"))
        self.edit.installEventFilter(self)
        self.results = QListWidget()
        self.results.setMaximumHeight(130)
        self.results.hide()
        self.results.itemActivated.connect(self._pick_item)
        self.results.installEventFilter(self)
        self.chosen_label = QLabel()
        self.chosen_label.setProperty("role", "value")
        self.chosen_label.setWordWrap(True)
        self.chosen_label.hide()
        self.empty_label = paint_hint(QLabel(), "warn")
        self.empty_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.chosen_label)
        self.setFocusProxy(self.edit)
        self.timer = debounced(self, self.search, 200)
        self.edit.textEdited.connect(lambda _t: self.timer.start())

    def search(self) -> None:
        self.timer.stop()
        text = self.edit.text().strip()
        self.results.clear()
        self.empty_label.hide()
        if not text:
            self.results.hide()
            return
        try:
            found = [(self.tr("［调解］"), d, dispute_label(d))
                     for d in disputes.list_disputes(self.user, DisputeFilter(text=text), limit=RESULTS)]
            found += [(self.tr("［信访］"), p, petition_label(p))
                      for p in petitions.list_petitions(self.user, text, limit=RESULTS)]
        except TownDeskError as exc:
            self.results.hide()
            self.empty_label.setText(exc.message)
            self.empty_label.show()
            return
        for tag, record, label in found[:RESULTS * 2]:
            item = QListWidgetItem(tag + label)
            item.setData(Qt.UserRole, record)
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        if found:
            self.results.setCurrentRow(0)
        else:
            self.empty_label.setText(self.tr("没有找到“{0}”的调解案件或信访。").format(text))
            self.empty_label.show()

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.set_record(item.data(Qt.UserRole))
        self.focusNextChild()

    def set_record(self, record) -> None:
        self.record = record
        self.results.hide()
        self.empty_label.hide()
        if record is None:
            self.chosen_label.hide()
        else:
            label = dispute_label(record) if isinstance(record, Dispute) else petition_label(record)
            self.chosen_label.setText("✔ " + label)
            self.chosen_label.show()
            self.edit.clear()
        self.chosen.emit(record)

    def clear(self) -> None:
        self.edit.clear()
        self.set_record(None)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if event.type() == QEvent.KeyPress:
            key = event.key()
            if obj is self.edit:
                if key == Qt.Key_Down and self.results.isVisible():
                    self.results.setFocus()
                    return True
                if is_enter(event):
                    if self.timer.isActive() or (self.edit.text().strip() and not self.results.isVisible()):
                        self.search()
                    if self.results.isVisible() and self.results.count():
                        self._pick_item(self.results.item(0))
                        return True
                    if self.record is not None and not self.edit.text():
                        self.focusNextChild()
                        return True
            elif obj is self.results and key == Qt.Key_Up and self.results.currentRow() == 0:
                self.edit.setFocus()
                return True
        return super().eventFilter(obj, event)


# --------------------------------------------------------------------------------------------
# A meeting
# --------------------------------------------------------------------------------------------

@dataclass
class AssessedRow:
    """One assessment as the form lists it."""

    label: str
    risk_colour: str
    opinion: str
    dispute: Dispute | None = None
    petition: Petition | None = None
    done: str = ""


@dataclass
class DecidedRow:
    content: str
    responsible: str
    due_on: date | None = None
    done: str = ""


class MeetingDialog(QDialog):
    """登记风险研判会: when, where, who; the cases assessed (each with a risk colour and an opinion); the
    decisions taken (who, by when). Ctrl+Enter saves through `petitions.hold_meeting`; `saved(meeting)`.

    Given a stored `meeting`, shows it (read-only) instead.
    """

    saved = Signal(object)

    def __init__(self, user: User, meeting: RiskMeeting | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.meeting = meeting
        self.read_only = meeting is not None
        today = date.today()
        self.setWindowTitle(self.tr("风险研判会 {0:%Y-%m-%d}").format(meeting.held_on) if meeting
                            else self.tr("登记风险研判会"))

        self.held_on = day_edit(today, latest=today)
        self.place = QLineEdit()
        self.place.setPlaceholderText(self.tr("如 镇综治中心会议室"))
        self.chair = QLineEdit()
        self.chair.setPlaceholderText(self.tr("如 刘书记"))
        self.attendees = QLineEdit()
        self.attendees.setPlaceholderText(self.tr("参会单位和人员，如 派出所、司法所、人民法庭、各村支书"))
        self.minutes = text_box(placeholder=self.tr("会议纪要：研判的总体情况和部署（选填）"), height=60)

        # assessments: the entry strip, then the rows added
        self.case_picker = CasePicker(user)
        self.case_picker.chosen.connect(self._case_chosen)
        self.risk = QComboBox()
        for item in codes.items(RISK_COLOURS):
            self.risk.addItem(f"{item.name}　{item.meaning}", item.name)
            self.risk.setItemData(self.risk.count() - 1, item.meaning, Qt.ToolTipRole)
        self.risk.setToolTip(self.tr("风险等级（可在系统设置中调整可选的颜色和含义）"))
        self.opinion = QLineEdit()
        self.opinion.setPlaceholderText(self.tr("研判意见，如 双方情绪激动，可能激化（至少 4 个字）"))
        self.add_assessment_button = QPushButton(self.tr("添加研判"))
        self.add_assessment_button.clicked.connect(self.add_assessment)
        self.assessment_model = ColouredTableModel([
            Column(self.tr("研判对象"), lambda r: r.label), Column(self.tr("风险等级"), lambda r: r.risk_colour),
            Column(self.tr("研判意见"), lambda r: r.opinion),
        ], self, risk=lambda r: r.risk_colour, risk_column=1)
        self.assessment_table = small_table(self.assessment_model)
        self.assessment_table.setToolTip(self.tr("选中后按 Delete 删除"))
        shortcut(Qt.Key_Delete, self.assessment_table, self.remove_assessment, Qt.WidgetShortcut)

        # decisions
        self.decision_content = QLineEdit()
        self.decision_content.setPlaceholderText(self.tr("决定事项，如 派出所每周走访一次（至少 4 个字）"))
        self.decision_responsible = QLineEdit()
        self.decision_responsible.setPlaceholderText(self.tr("责任人，如 王所长"))
        self.decision_responsible.setMaximumWidth(160)
        self.decision_due = day_edit(today + timedelta(days=DEFAULT_DUE_DAYS))
        self.decision_due.setToolTip(self.tr("完成时限，不早于会议日期"))
        self.decision_no_due = QCheckBox(self.tr("不定时限"))
        self.decision_no_due.toggled.connect(lambda on: self.decision_due.setEnabled(not on))
        self.add_decision_button = QPushButton(self.tr("添加决定"))
        self.add_decision_button.clicked.connect(self.add_decision)
        decision_columns = [
            Column(self.tr("决定事项"), lambda r: r.content), Column(self.tr("责任人"), lambda r: r.responsible),
            Column(self.tr("完成时限"), lambda r: f"{r.due_on:%Y-%m-%d}" if r.due_on else self.tr("不定时限")),
        ]
        if self.read_only:
            decision_columns.append(Column(self.tr("落实情况"), lambda r: r.done))
        self.decision_model = RecordTableModel(decision_columns, self)
        self.decision_table = small_table(self.decision_model)
        self.decision_table.setToolTip(self.tr("选中后按 Delete 删除"))
        shortcut(Qt.Key_Delete, self.decision_table, self.remove_decision, Qt.WidgetShortcut)

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "会议日期": self.held_on, "会议地点": self.place, "主持人": self.chair, "参会人员": self.attendees,
            "会议纪要": self.minutes, "研判案件": self.case_picker, "研判意见": self.opinion,
            "风险等级": self.risk, "决定事项": self.decision_content, "责任人": self.decision_responsible,
            "完成时限": self.decision_due,
        })

        # layout
        meeting_box = QGroupBox(self.tr("会议"))
        form = QFormLayout(meeting_box)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        first = QHBoxLayout()
        first.addWidget(self.held_on)
        first.addSpacing(16)
        first.addWidget(QLabel(self.tr("会议地点")))
        first.addWidget(self.place, 1)
        first.addSpacing(16)
        first.addWidget(QLabel(self.tr("主持人 *")))
        first.addWidget(self.chair)
        form.addRow(self.tr("会议日期 *"), first)
        form.addRow(self.tr("参会人员 *"), self.attendees)
        form.addRow(self.tr("会议纪要"), self.minutes)

        self.assessment_box = QGroupBox()
        assessed = QVBoxLayout(self.assessment_box)
        self.assessment_strip = QWidget()
        strip = QFormLayout(self.assessment_strip)
        strip.setContentsMargins(0, 0, 0, 0)
        strip.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        strip.addRow(self.tr("研判案件"), self.case_picker)
        risk_row = QHBoxLayout()
        risk_row.addWidget(self.risk)
        risk_row.addWidget(self.opinion, 1)
        risk_row.addWidget(self.add_assessment_button)
        strip.addRow(self.tr("风险等级"), risk_row)
        assessed.addWidget(self.assessment_strip)
        assessed.addWidget(self.assessment_table)
        self.assessment_keys = hint(self.tr("查找后 Enter 选中案件，选风险等级、填研判意见后按 Enter 添加；"
                                            "在下表中选中一行按 Delete 删除。"))
        assessed.addWidget(self.assessment_keys)

        self.decision_box = QGroupBox()
        decided = QVBoxLayout(self.decision_box)
        self.decision_strip = QWidget()
        row = QHBoxLayout(self.decision_strip)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.decision_content, 1)
        row.addWidget(self.decision_responsible)
        row.addWidget(QLabel(self.tr("完成时限")))
        row.addWidget(self.decision_due)
        row.addWidget(self.decision_no_due)
        row.addWidget(self.add_decision_button)
        # Tab goes from the responsible to 不定时限 and then the date (whose own sections Tab walks through)
        self.setTabOrder(self.decision_responsible, self.decision_no_due)
        self.setTabOrder(self.decision_no_due, self.decision_due)
        self.setTabOrder(self.decision_due, self.add_decision_button)
        decided.addWidget(self.decision_strip)
        decided.addWidget(self.decision_table)
        self.decision_keys = hint(self.tr("Enter 添加这项决定；没有完成时限的，在责任人后按 Tab 到“不定时限”，空格勾选后按 Enter。"
                                          "在下表中选中一行按 Delete 删除。"))
        decided.addWidget(self.decision_keys)

        if self.read_only:
            box, self.ok_button, cancel = dialog_buttons(self, self.tr("关闭"))
            cancel.hide()
        else:
            box, self.ok_button, cancel = dialog_buttons(self, self.tr("保存（Ctrl+Enter）"), self.save)
            for button in (self.ok_button, cancel):   # Enter moves on or adds a row; only Ctrl+Enter saves
                button.setAutoDefault(False)
                button.setDefault(False)
            for keys in SAVE_KEYS:
                shortcut(keys, self, self.save, Qt.WindowShortcut)
        for button in (self.add_assessment_button, self.add_decision_button):
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(meeting_box)
        layout.addWidget(self.assessment_box, 1)
        layout.addWidget(self.decision_box, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        self.resize(1040, 900)
        self.setFocusProxy(self.held_on)
        self.held_on.dateChanged.connect(self._held_on_changed)
        self._show_counts()
        if meeting is not None:
            self._show_meeting(meeting)

    # --- the rows ---------------------------------------------------------------------------------

    def _case_chosen(self, record) -> None:
        colour = getattr(record, "risk_colour", "") if isinstance(record, Dispute) else ""
        index = self.risk.findData(colour) if colour else -1
        if index >= 0:
            self.risk.setCurrentIndex(index)

    def _held_on_changed(self, day: QDate) -> None:
        if self.decision_due.date() < day:
            self.decision_due.setDate(day.addDays(DEFAULT_DUE_DAYS))

    def add_assessment(self) -> AssessedRow | None:
        def check() -> AssessedRow:
            record = self.case_picker.record
            if record is None:
                raise ValidationError("研判案件", "请先查找并选中要研判的调解案件或信访。")
            if any((row.dispute or row.petition) == record and type(row.dispute or row.petition) is type(record)
                   for row in self.assessment_model.rows):
                raise ValidationError("研判案件", f"{record.number} 已经在研判列表中了。")
            if not self.opinion.text().strip():
                raise ValidationError("研判意见", "请填写研判意见。")
            is_dispute = isinstance(record, Dispute)
            return AssessedRow(label=dispute_label(record) if is_dispute else petition_label(record),
                               risk_colour=self.risk.currentData(), opinion=self.opinion.text().strip(),
                               dispute=record if is_dispute else None, petition=None if is_dispute else record)

        ok, row = self.errors.attempt(self, check)
        if not ok:
            return None
        self.assessment_model.set_rows(self.assessment_model.rows + [row])
        self.case_picker.clear()
        self.opinion.clear()
        self.case_picker.setFocus()
        self._show_counts()
        return row

    def add_decision(self) -> DecidedRow | None:
        def check() -> DecidedRow:
            if not self.decision_content.text().strip():
                raise ValidationError("决定事项", "请填写决定事项。")
            if not self.decision_responsible.text().strip():
                raise ValidationError("责任人", "请填写这项决定的责任人。")
            due = None if self.decision_no_due.isChecked() else self.decision_due.date().toPython()
            if due is not None and due < self.held_on.date().toPython():
                raise ValidationError("完成时限", "完成时限不能早于会议日期。")
            return DecidedRow(self.decision_content.text().strip(), self.decision_responsible.text().strip(), due)

        ok, row = self.errors.attempt(self, check)
        if not ok:
            return None
        self.decision_model.set_rows(self.decision_model.rows + [row])
        self.decision_content.clear()
        self.decision_responsible.clear()
        self.decision_no_due.setChecked(False)
        self.decision_content.setFocus()
        self._show_counts()
        return row

    def _remove(self, table: RecordTable) -> None:
        if self.read_only:
            return
        rows = table.selectionModel().selectedRows()
        if not rows:
            return
        index = rows[0].row()
        model = table.model()
        model.set_rows(model.rows[:index] + model.rows[index + 1:])
        table.select_row(min(index, model.rowCount() - 1))
        self._show_counts()

    def remove_assessment(self) -> None:
        self._remove(self.assessment_table)

    def remove_decision(self) -> None:
        self._remove(self.decision_table)

    def _show_counts(self) -> None:
        self.assessment_box.setTitle(self.tr("研判案件（{0} 件）").format(self.assessment_model.rowCount()))
        self.decision_box.setTitle(self.tr("会议决定（{0} 项）").format(self.decision_model.rowCount()))

    # --- keys ---------------------------------------------------------------------------------------

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if is_enter(event):
            focus = self.focusWidget()
            if self.read_only:
                self.accept()
            elif focus is self.opinion:
                self.add_assessment()
            elif focus is self.decision_due or (focus in (self.decision_responsible, self.decision_no_due)
                                                and self.decision_no_due.isChecked()):
                self.add_decision()
            elif focus in (self.decision_responsible, self.decision_no_due):
                self.decision_due.setFocus(Qt.TabFocusReason)   # Enter goes on to the date, Tab to 不定时限
            else:
                self.focusNextChild()   # an Enter no field took: on to the next field, never "save"
            return
        super().keyPressEvent(event)

    # --- saving -------------------------------------------------------------------------------------

    def entry(self) -> MeetingEntry:
        return MeetingEntry(
            held_on=self.held_on.date().toPython(), chair=self.chair.text(), attendees=self.attendees.text(),
            place=self.place.text(), minutes=self.minutes.toPlainText(),
            assessments=[AssessmentEntry(r.risk_colour, r.opinion, dispute=r.dispute, petition=r.petition)
                         for r in self.assessment_model.rows],
            decisions=[DecisionEntry(r.content, r.responsible, r.due_on) for r in self.decision_model.rows])

    def _unadded(self) -> None:
        """A row typed in but not added would be lost without a word: say so instead of saving."""
        if self.case_picker.record is not None or self.opinion.text().strip():
            raise ValidationError("研判案件", "研判案件一栏还有没添加的内容：按 Enter 或“添加研判”添加，或清空后再保存。")
        if self.decision_content.text().strip() or self.decision_responsible.text().strip():
            raise ValidationError("决定事项", "会议决定一栏还有没添加的内容：按 Enter 或“添加决定”添加，或清空后再保存。")

    def _save(self) -> RiskMeeting:
        self._unadded()
        return petitions.hold_meeting(self.user, self.entry())

    def _show_error(self, exc: TownDeskError) -> None:
        """The field's message; an error about one row (第 2 项决定…) selects that row."""
        self.errors.show(exc)
        field = getattr(exc, "field", "") or ""
        found = re.search(r"第 (\d+) 项(决定)?", f"{field} {exc.message}")
        if found:
            table = self.decision_table if found.group(2) or "决定" in field else self.assessment_table
            table.setFocus()
            table.select_row(int(found.group(1)) - 1)

    def save(self) -> RiskMeeting | None:
        if self.read_only:
            return None
        ok, meeting = self.errors.attempt(self, self._save, self._show_error)
        if not ok:
            return None
        self.meeting = meeting
        self.saved.emit(meeting)
        self.accept()
        return meeting

    # --- a stored meeting ---------------------------------------------------------------------------

    def _show_meeting(self, meeting: RiskMeeting) -> None:
        self.held_on.setMinimumDate(QDate(meeting.held_on))
        self.held_on.setDate(QDate(meeting.held_on))
        self.held_on.setReadOnly(True)
        self.held_on.setCalendarPopup(False)
        for edit, value in ((self.place, meeting.place), (self.chair, meeting.chair),
                            (self.attendees, meeting.attendees)):
            edit.setText(value)
            edit.setReadOnly(True)
        self.minutes.setPlainText(meeting.minutes)
        self.minutes.setReadOnly(True)
        rows = []
        for item in meeting.assessments.where(RiskAssessment.deleted_at.is_null()).order_by(RiskAssessment.id):
            target = item.dispute or item.petition
            label = (dispute_label(target) if isinstance(target, Dispute) else
                     petition_label(target) if isinstance(target, Petition) else self.tr("（案件已删除）"))
            rows.append(AssessedRow(label, item.risk_colour, item.opinion))
        self.assessment_model.set_rows(rows)
        self.decision_model.set_rows([
            DecidedRow(d.content, d.responsible, d.due_on,
                       f"{d.done_on:%Y-%m-%d} {d.done_note}" if d.done_on else self.tr("未落实"))
            for d in meeting.decisions.where(RiskDecision.deleted_at.is_null()).order_by(RiskDecision.id)])
        for widget in (self.assessment_strip, self.assessment_keys, self.decision_strip, self.decision_keys):
            widget.hide()
        self._show_counts()


# --------------------------------------------------------------------------------------------
# The tab
# --------------------------------------------------------------------------------------------

def decision_left(decision: RiskDecision, today: date) -> tuple[int | None, str]:
    """(days left, deadline state) of an open decision; (None, "") without a time limit."""
    if decision.due_on is None:
        return None, ""
    left = (decision.due_on - today).days
    return left, state_of(decision.due_on, today, max(left, 0), DECISION_DUE_SOON)


def left_words(left: int | None) -> str:
    if left is None:
        return "不定时限"
    if left < 0:
        return f"超期 {-left} 天"
    return "今日到期" if left == 0 else f"剩 {left} 天"


class MeetingsTab(QWidget):
    """风险研判: the year's meetings (Enter shows one), 登记研判会 (Ctrl+N), and the decisions not yet carried
    out — overdue ones in red — with 落实 (Enter)."""

    changed = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.today = date.today()
        self.dialog: MeetingDialog | None = None
        self.step = None
        self._counts: dict[int, tuple[int, int, int]] = {}
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today.year)
        self.year.setSuffix(self.tr(" 年"))
        self.year.setToolTip(self.tr("显示这一年的研判会"))
        self.year.valueChanged.connect(lambda _y: self.refresh())
        self.new_button = QPushButton(self.tr("登记研判会（Ctrl+N）"))
        self.new_button.clicked.connect(self.new_meeting)
        shortcut("Ctrl+N", self, self.new_meeting, Qt.WidgetWithChildrenShortcut)

        self.meeting_model = RecordTableModel([
            Column(self.tr("会议日期"), lambda m: f"{m.held_on:%Y-%m-%d}"),
            Column(self.tr("会议地点"), lambda m: m.place or "—"),
            Column(self.tr("主持人"), lambda m: m.chair),
            Column(self.tr("研判案件"), lambda m: self.tr("{0} 件").format(self._counts[m.id][0]),
                   Qt.AlignRight | Qt.AlignVCenter),
            Column(self.tr("会议决定（未落实/共）"), lambda m: f"{self._counts[m.id][1]} / {self._counts[m.id][2]}",
                   Qt.AlignCenter),
            Column(self.tr("参会人员"), lambda m: m.attendees),
        ], self)
        self.meeting_table = small_table(self.meeting_model)
        self.meeting_table.doubleClicked.connect(self.open_meeting)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.meeting_table, self.open_meeting, Qt.WidgetShortcut)

        self.decision_model = ColouredTableModel([
            Column(self.tr("决定事项"), lambda d: d.content), Column(self.tr("责任人"), lambda d: d.responsible),
            Column(self.tr("完成时限"), lambda d: f"{d.due_on:%Y-%m-%d}" if d.due_on else "—"),
            Column(self.tr("剩余"), lambda d: left_words(decision_left(d, self.today)[0])),
            Column(self.tr("研判会"), lambda d: f"{d.meeting.held_on:%Y-%m-%d} {d.meeting.chair}"),
        ], self, colours=self._decision_colours)
        self.decision_table = small_table(self.decision_model)
        self.decision_table.doubleClicked.connect(self.finish_selected)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.decision_table, self.finish_selected, Qt.WidgetShortcut)
        self.finish_button = QPushButton(self.tr("落实…（Enter）"))
        self.finish_button.setToolTip(self.tr("登记选中决定的落实情况"))
        self.finish_button.clicked.connect(self.finish_selected)

        self.meetings_box = QGroupBox()
        meetings_layout = QVBoxLayout(self.meetings_box)
        meetings_layout.addWidget(self.meeting_table)
        self.no_meetings = paint_hint(QLabel(self.tr("这一年还没有登记研判会。")))
        meetings_layout.addWidget(self.no_meetings)
        meetings_layout.addWidget(hint(self.tr("选中后按 Enter 或双击查看会议记录：研判了哪些案件、作了哪些决定、落实情况。")))
        self.decisions_box = QGroupBox()
        decisions_layout = QVBoxLayout(self.decisions_box)
        decisions_layout.addWidget(self.decision_table)
        self.no_decisions = paint_hint(QLabel(self.tr("研判会的决定都已落实。")), "ok")
        decisions_layout.addWidget(self.no_decisions)
        under = QHBoxLayout()
        under.addWidget(hint(self.tr("红色：已超过完成时限　橙色：今日到期　黄色：三天内到期。"
                                     "选中后按 Enter 登记落实情况。")), 1)
        under.addWidget(self.finish_button)
        decisions_layout.addLayout(under)

        top = QHBoxLayout()
        top.addWidget(hint(self.tr("风险研判会研判重点矛盾纠纷和信访的风险等级，部署化解措施；"
                                   "会上的决定在落实前一直列在下方。")), 1)
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.meetings_box, 1)
        layout.addWidget(self.decisions_box, 1)
        self.setFocusProxy(self.meeting_table)

    def _decision_colours(self, decision: RiskDecision) -> tuple[str | None, str | None]:
        state = decision_left(decision, self.today)[1]
        return DEADLINE_COLOURS.get(state), DEADLINE_TEXT.get(state)

    def refresh(self, today: date | None = None) -> None:
        self.today = today or date.today()
        try:
            held = petitions.meetings(self.user, self.year.value())
            open_now = petitions.open_decisions(self.user)
        except TownDeskError as exc:
            show_problem(self, exc)
            return
        self._counts = {}
        for meeting in held:
            decided = list(meeting.decisions.where(RiskDecision.deleted_at.is_null()))
            assessed = meeting.assessments.where(RiskAssessment.deleted_at.is_null()).count()
            self._counts[meeting.id] = (assessed, sum(1 for d in decided if d.done_on is None), len(decided))
        self.meeting_model.set_rows(held)
        self.decision_model.set_rows(open_now)
        self.meetings_box.setTitle(self.tr("{0} 年研判会（{1} 次）").format(self.year.value(), len(held)))
        late = sum(1 for d in open_now if decision_left(d, self.today)[1] == OVERDUE)
        title = self.tr("未落实的决定（{0} 项）").format(len(open_now))
        if late:
            title += self.tr("，其中 {0} 项已超期").format(late)
        self.decisions_box.setTitle(title)
        self.decisions_box.setStyleSheet(LATE_TITLE if late else "")
        self.meeting_table.setVisible(bool(held))
        self.no_meetings.setVisible(not held)
        self.decision_table.setVisible(bool(open_now))
        self.no_decisions.setVisible(not open_now)
        self.finish_button.setEnabled(bool(open_now))

    def showEvent(self, event):  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()

    def new_meeting(self) -> MeetingDialog:
        self.dialog = MeetingDialog(self.user, parent=self)
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        return self.dialog

    def _saved(self, meeting: RiskMeeting) -> None:
        if meeting.held_on.year != self.year.value():
            self.year.setValue(meeting.held_on.year)   # refreshes
        else:
            self.refresh()
        self.changed.emit()

    def open_meeting(self, *_args) -> MeetingDialog | None:
        meeting = self.meeting_table.selected()
        if meeting is None:
            return None
        self.dialog = MeetingDialog(self.user, meeting, self)
        self.dialog.open()
        return self.dialog

    def finish_selected(self, *_args) -> StepForm | None:
        decision = self.decision_table.selected()
        if decision is None:
            return None
        today = date.today()
        self.step = StepForm(
            self.tr("落实"),
            [("note", self.tr("落实情况 *"), text_box(placeholder=self.tr("如 已落实每周走访，双方情绪平稳（至少 4 个字）"))),
             ("on", self.tr("落实日期 *"), day_edit(today, decision.meeting.held_on, today))],
            lambda v: petitions.finish_decision(self.user, decision, v["note"], v["on"]), self.tr("已落实"),
            self.tr("决定：{0}\n责任人：{1}　完成时限：{2}　（{3:%Y-%m-%d} 研判会）").format(
                decision.content, decision.responsible,
                f"{decision.due_on:%Y-%m-%d}" if decision.due_on else self.tr("不定时限"), decision.meeting.held_on),
            self)
        self.step.accepted.connect(self.refresh)
        self.step.accepted.connect(self.changed)
        self.step.open()
        return self.step


__all__ = ("CasePicker", "MeetingDialog", "MeetingsTab")
