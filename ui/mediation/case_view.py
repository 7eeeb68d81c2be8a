"""调解案件详情: one dispute — parties, facts, sessions, agreement, follow-ups — and the steps it can take now.

The step buttons are always there, enabled only when the case's status allows the step (a disabled
button's tooltip says why). Each step is a small form; an error names its field and leaves the form open;
after a step the case is read again and `changed` is emitted. 打印文书 lists the documents the case has.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Callable

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDateTimeEdit, QDialog, QFormLayout, QGridLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMenu, QPlainTextEdit,
    QPushButton, QSpinBox, QStackedWidget, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from models import accounts
from models.accounts import User
from models.deadlines import DUE_SOON, DUE_TODAY, OVERDUE
from models.errors import TownDeskError
from models.mediation import disputes, printing
from models.mediation.disputes import AgreementEntry, FollowUpEntry, SessionEntry, TermEntry
from models.mediation.tables import (
    MAX_EXTENSION_DAYS, MEDIATING, ORAL, PERFORMANCE, ROUTES, SATISFACTION, SESSION_KINDS, SUCCEEDED,
    TIME_LIMIT_DAYS, WRITTEN, Dispute,
)
from models.people import shown_id
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, dialog_buttons, hint, local_time, shortcut,
    value_label,
)
from ui.hall.case_view import StepDialog
from ui.lists import DEADLINE_TEXT
from ui.mediation.register import RISK_HEX, DayEdit, mediator_users, risk_text

ON_TIME_COLOUR = "#2e7d32"


def _tr(text: str) -> str:
    return QCoreApplication.translate("DisputeDialog", text)


def deadline_text(dispute: Dispute, today: date) -> tuple[str, str]:
    """(text, colour) of a running mediation's time limit: 剩 n 天 / 即将到期 / 今日到期 / 已超期; ("", "") when none."""
    left, state = disputes.deadline(dispute, today)
    if left is None:
        return "", ""
    due = f"{dispute.due_on:%Y-%m-%d}"
    if state == OVERDUE:
        text = _tr("已超期 {0} 天（期限 {1}）").format(-left, due)
    elif state == DUE_TODAY:
        text = _tr("今日到期（{0}）").format(due)
    elif state == DUE_SOON:
        text = _tr("即将到期：剩 {0} 天（{1}）").format(left, due)
    else:
        text = _tr("剩 {0} 天（期限 {1}）").format(left, due)
    return text, DEADLINE_TEXT.get(state, ON_TIME_COLOUR)


def display_names(usernames) -> list[str]:
    names = []
    for name in usernames:
        user = accounts.get_user(name)
        names.append(user.display_name if user else name)
    return names


# --------------------------------------------------------------------------------------------------
# Step forms
# --------------------------------------------------------------------------------------------------

class OptionalDateEdit(QWidget):
    """A date that may be left out: a check box (“安排”) and the date; value() is None when unticked."""

    def __init__(self, text: str, default: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.check = QCheckBox(text)
        self.edit = DayEdit(QDate(default))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.edit.setEnabled(False)
        self.setFocusProxy(self.check)

    def set_checked(self, checked: bool) -> None:
        self.check.setChecked(checked)

    def value(self) -> date | None:
        return self.edit.date().toPython() if self.check.isChecked() else None


class Step(StepDialog):
    """The hall's StepDialog, also reading multi-line texts, dates, times, numbers and optional dates;
    Ctrl+Enter saves from anywhere (Enter in a multi-line text is a new line)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut(keys, self, self.save)
        if any(isinstance(widget, QPlainTextEdit) for widget in self.fields.values()):
            self.setMinimumWidth(640)

    def value_of(self, widget):
        if isinstance(widget, (QSpinBox, OptionalDateEdit)):
            return widget.value()
        if isinstance(widget, QListWidget):   # a checklist: what is ticked
            return [widget.item(i).data(Qt.UserRole) for i in range(widget.count())
                    if widget.item(i).checkState() == Qt.Checked]
        return super().value_of(widget)

def _line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def _text(placeholder: str = "", height: int = 90) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(height)
    return edit


def _combo(items) -> QComboBox:
    combo = QComboBox()
    for text in items:
        combo.addItem(text, text)
    return combo


def _day(default: date, earliest: date | None = None) -> QDateEdit:
    edit = DayEdit(QDate(default))
    edit.setMaximumDate(QDate.currentDate())
    if earliest is not None:
        edit.setMinimumDate(QDate(earliest))
    return edit


def _moment(default: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(QDate(default.date()), QTime(default.hour, default.minute)))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


def _checklist(items: list[tuple[str, str]], checked=()) -> QListWidget:
    """(text, value) rows with check boxes; the space bar ticks the current one."""
    widget = QListWidget()
    for text, value in items:
        row = QListWidgetItem(text)
        row.setData(Qt.UserRole, value)
        row.setFlags(row.flags() | Qt.ItemIsUserCheckable)
        row.setCheckState(Qt.Checked if value in checked else Qt.Unchecked)
        widget.addItem(row)
    widget.setMaximumHeight(22 * max(len(items), 2) + 8)
    if items:
        widget.setCurrentRow(0)
    return widget


TERM_ERROR = re.compile(r"^第 (\d+) 条(?:的)?(协议内容|履行方式|履行期限|履行地点)$")
TERM_COLUMNS = ("协议内容", "履行方式", "履行期限", "履行地点")


class AgreementDialog(QDialog):
    """调解成功: a written agreement (its terms, the points in dispute, each party's responsibility) or an
    oral one the mediator records (人民调解法 arts. 28, 29)."""

    def __init__(self, user: User, dispute: Dispute, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dispute = dispute
        self.result_value = None
        self.setWindowTitle(self.tr("调解成功 — {0}").format(dispute.number))
        self.form = QComboBox()
        for form in (WRITTEN, ORAL):
            self.form.addItem(self.tr(form), form)
        self.agreed_on = _day(date.today(), dispute.accepted_on)
        self.terms = QTableWidget(0, len(TERM_COLUMNS))
        self.terms.setHorizontalHeaderLabels([self.tr(c) for c in TERM_COLUMNS])
        header = self.terms.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.Interactive)
            self.terms.setColumnWidth(column, 130)
        self.terms.setMinimumHeight(150)
        self.terms.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.terms.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.SelectedClicked
                                   | QAbstractItemView.EditKeyPressed | QAbstractItemView.AnyKeyPressed)
        self.terms.installEventFilter(self)
        self.add_term_button = QPushButton(self.tr("添加一条（Insert）"))
        self.add_term_button.clicked.connect(self.add_term)
        self.remove_term_button = QPushButton(self.tr("删除此条（Ctrl+Delete）"))
        self.remove_term_button.clicked.connect(self.remove_term)
        for button in (self.add_term_button, self.remove_term_button):
            button.setAutoDefault(False)
        self.points = _text(self.tr("双方争议的焦点"), 60)
        self.duties = _text(self.tr("各方当事人应承担的责任"), 60)
        self.oral = _text(self.tr("调解员记录的口头协议内容，包括履行方式和期限"), 120)

        written = QWidget()
        written_layout = QVBoxLayout(written)
        written_layout.setContentsMargins(0, 0, 0, 0)
        written_layout.addWidget(hint(self.tr(
            "每条写明协议内容、履行方式、履行期限和履行地点（人民调解法第二十九条）。在表格中直接输入，Tab 到下一格；"
            "Insert 添加一条，Ctrl+Delete 删除当前一条；Ctrl+Enter 确认。")))
        written_layout.addWidget(self.terms, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_term_button)
        row.addWidget(self.remove_term_button)
        row.addStretch(1)
        written_layout.addLayout(row)
        sub = QFormLayout()
        sub.addRow(self.tr("争议事项 *"), self.points)
        sub.addRow(self.tr("各方责任 *"), self.duties)
        written_layout.addLayout(sub)
        oral = QWidget()
        oral_layout = QFormLayout(oral)
        oral_layout.setContentsMargins(0, 0, 0, 0)
        oral_layout.addRow("", hint(self.tr(
            "当事人认为无需制作调解协议书的，可以采取口头协议方式，由调解员记录协议内容（人民调解法第二十八条）。"
            "口头协议不能申请司法确认。")))
        oral_layout.addRow(self.tr("口头协议内容 *"), self.oral)
        self.pages = QStackedWidget()
        self.pages.addWidget(written)
        self.pages.addWidget(oral)
        self.form.currentIndexChanged.connect(self.pages.setCurrentIndex)

        top = QFormLayout()
        top.addRow(self.tr("协议形式 *"), self.form)
        top.addRow(self.tr("协议日期 *"), self.agreed_on)
        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "协议形式": self.form, "协议日期": self.agreed_on, "协议条款": self.terms, "争议事项": self.points,
            "各方责任": self.duties, "口头协议内容": self.oral,
        })
        box, self.ok_button, _cancel = dialog_buttons(self, self.tr("确认调解成功"), self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut(keys, self, self.save)
        shortcut(Qt.Key_Insert, self.terms, self.add_term, Qt.WidgetShortcut)
        shortcut("Ctrl+Delete", self.terms, self.remove_term, Qt.WidgetShortcut)
        self.add_term(edit=False)
        self.resize(780, 600)

    # --- the terms table ------------------------------------------------------------------------------

    def add_term(self, edit: bool = True) -> int:
        row = self.terms.rowCount()
        self.terms.insertRow(row)
        for column in range(len(TERM_COLUMNS)):
            self.terms.setItem(row, column, QTableWidgetItem(""))
        self.terms.setCurrentCell(row, 0)
        if edit:
            self.terms.setFocus()
            self.terms.editItem(self.terms.item(row, 0))
        return row

    def remove_term(self) -> None:
        row = self.terms.currentRow()
        if row < 0:
            return
        self.terms.removeRow(row)
        if self.terms.rowCount():
            self.terms.setCurrentCell(min(row, self.terms.rowCount() - 1), 0)

    def set_term(self, row: int, content: str, manner: str, deadline: str, place: str) -> None:
        while self.terms.rowCount() <= row:
            self.add_term(edit=False)
        for column, text in enumerate((content, manner, deadline, place)):
            self.terms.item(row, column).setText(text)

    def term_entries(self) -> list[TermEntry]:
        """The rows typed in; a row left wholly blank is ignored."""
        entries = []
        for row in range(self.terms.rowCount()):
            cells = [(self.terms.item(row, c).text() if self.terms.item(row, c) else "").strip()
                     for c in range(len(TERM_COLUMNS))]
            if any(cells):
                entries.append(TermEntry(*cells))
        return entries

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        # Enter on a cell edits it rather than pressing 确认 (the dialog's default button)
        if (obj is self.terms and event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter)
                and self.terms.state() != QAbstractItemView.EditingState and self.terms.currentItem() is not None):
            self.terms.editItem(self.terms.currentItem())
            return True
        return super().eventFilter(obj, event)

    # --- saving ---------------------------------------------------------------------------------------

    def entry(self) -> AgreementEntry:
        written = self.form.currentData() == WRITTEN
        return AgreementEntry(
            form=self.form.currentData(), terms=self.term_entries() if written else (),
            dispute_points=self.points.toPlainText() if written else "",
            responsibilities=self.duties.toPlainText() if written else "",
            oral_text="" if written else self.oral.toPlainText(), agreed_on=self.agreed_on.date().toPython())

    def _show_error(self, exc: TownDeskError) -> None:
        match = TERM_ERROR.match(getattr(exc, "field", "") or "")
        if not match:
            self.errors.show(exc)
            return
        # 第 n 条 counts the rows typed in: find that row among the table's rows
        wanted, filled = int(match.group(1)), 0
        row = 0
        for row in range(self.terms.rowCount()):
            if any((self.terms.item(row, c).text() if self.terms.item(row, c) else "").strip()
                   for c in range(len(TERM_COLUMNS))):
                filled += 1
                if filled == wanted:
                    break
        self.errors.label.setText(exc.message)
        self.errors.label.show()
        self.terms.setFocus(Qt.OtherFocusReason)
        self.terms.setCurrentCell(row, TERM_COLUMNS.index(match.group(2)))

    def save(self) -> None:
        self.terms.setCurrentCell(self.terms.currentRow(), self.terms.currentColumn())  # commit a cell being typed
        ok, self.result_value = self.errors.attempt(
            self, lambda: disputes.record_agreement(self.user, self.dispute, self.entry()), self._show_error)
        if ok:
            self.accept()


# --------------------------------------------------------------------------------------------------
# The case
# --------------------------------------------------------------------------------------------------

def _table(model: RecordTableModel, height: int = 120) -> RecordTable:
    table = RecordTable(model, select_on_focus=True)
    table.verticalHeader().setVisible(False)
    table.setMinimumHeight(height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class DisputeDialog(QDialog):
    """One dispute. Opened for a Dispute the caller got through ``disputes.get_dispute`` (audited there)."""

    changed = Signal(object)   # the Dispute, read again after a step

    def __init__(self, user: User, dispute: Dispute, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dispute = dispute
        self.step = None
        self.preview = None
        self.setWindowTitle(self.tr("调解案件 {0}").format(dispute.number))
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.heading.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.deadline_label = QLabel()
        self.details = QGridLayout()
        self.details.setColumnStretch(1, 1)
        self.details.setColumnStretch(3, 1)
        self.details.setHorizontalSpacing(10)

        self.party_model = RecordTableModel([
            Column(self.tr("身份"), lambda p: p.side),
            Column(self.tr("姓名/名称"), lambda p: p.name),
            Column(self.tr("证件号码"), lambda p: shown_id(self.user, p.id_number) if p.kind == "个人" else p.id_number),
            Column(self.tr("性别/年龄"), lambda p: "　".join(filter(None, (p.gender, self.tr("{0}岁").format(p.age) if p.age else "")))),
            Column(self.tr("职业或职务"), lambda p: p.occupation),
            Column(self.tr("联系电话"), lambda p: p.phone),
            Column(self.tr("住址"), lambda p: p.address),
            Column(self.tr("申请事项"), lambda p: p.claims),
        ], self)
        self.party_table = _table(self.party_model, 90)
        self.party_table.setMaximumHeight(150)      # a few parties; the tabs below get the room

        self.facts = QPlainTextEdit()
        self.facts.setReadOnly(True)
        self.facts.setTabChangesFocus(True)

        self.session_model = RecordTableModel([
            Column(self.tr("类型"), lambda s: s.kind),
            Column(self.tr("时间"), lambda s: local_time(s.started_at)
                   + (f"—{local_time(s.ended_at, fmt='%H:%M')}" if s.ended_at else "")),
            Column(self.tr("地点"), lambda s: s.place),
            Column(self.tr("调解人员"), lambda s: s.mediators),
            Column(self.tr("参加人员"), lambda s: s.attendees),
            Column(self.tr("记录人"), lambda s: s.recorder),
            Column(self.tr("下一步安排"), lambda s: s.next_step),
        ], self)
        self.session_table = _table(self.session_model)
        self.session_text = QPlainTextEdit()
        self.session_text.setReadOnly(True)
        self.session_text.setTabChangesFocus(True)
        self.session_text.setMaximumHeight(110)
        self.session_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_session())

        self.agreement_info = QLabel()
        self.agreement_info.setWordWrap(True)
        self.agreement_info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.term_model = RecordTableModel([
            Column(self.tr("协议内容"), lambda t: t.content),
            Column(self.tr("履行方式"), lambda t: t.manner),
            Column(self.tr("履行期限"), lambda t: t.deadline),
            Column(self.tr("履行地点"), lambda t: t.place),
        ], self)
        self.term_table = _table(self.term_model, 90)
        self.term_table.verticalHeader().setVisible(True)
        self.term_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.term_table.horizontalHeader().setStretchLastSection(False)

        self.follow_model = RecordTableModel([
            Column(self.tr("回访日期"), lambda f: f"{f.visited_on:%Y-%m-%d}"),
            Column(self.tr("回访人"), lambda f: f.visitor),
            Column(self.tr("回访事由"), lambda f: f.reason),
            Column(self.tr("履行情况"), lambda f: f.performed),
            Column(self.tr("满意度"), lambda f: f.satisfaction),
            Column(self.tr("遗留风险"), lambda f: f.remaining_risk or "—"),
            Column(self.tr("下次回访"), lambda f: f"{f.next_visit:%Y-%m-%d}" if f.next_visit else "—"),
            Column(self.tr("回访情况"), lambda f: f.notes),
        ], self)
        self.follow_table = _table(self.follow_model)

        self.tabs = QTabWidget()
        facts_page = QWidget()
        QVBoxLayout(facts_page).addWidget(self.facts)
        session_page = QWidget()
        session_layout = QVBoxLayout(session_page)
        session_layout.addWidget(self.session_table, 2)
        session_layout.addWidget(self.session_text, 1)
        agreement_page = QWidget()
        agreement_layout = QVBoxLayout(agreement_page)
        agreement_layout.addWidget(self.agreement_info)
        agreement_layout.addWidget(self.term_table, 1)
        follow_page = QWidget()
        QVBoxLayout(follow_page).addWidget(self.follow_table)
        self.tabs.addTab(facts_page, "")
        self.tabs.addTab(session_page, "")
        self.tabs.addTab(agreement_page, "")
        self.tabs.addTab(follow_page, "")

        # --- steps ----------------------------------------------------------------------------------
        self.buttons: dict[str, QPushButton] = {}
        steps = QHBoxLayout()
        for key, text, action in (
                ("take_on", self.tr("受理…"), self.take_on),
                ("session", self.tr("记录笔录…"), self.add_session),
                ("extend", self.tr("延期…"), self.extend),
                ("agreement", self.tr("调解成功…"), self.record_agreement),
                ("terminate", self.tr("终止调解…"), self.terminate),
                ("withdraw", self.tr("撤回…"), self.withdraw),
                ("follow_up", self.tr("回访…"), self.add_follow_up),
                ("confirmation", self.tr("司法确认结果…"), self.record_confirmation)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(action)
            steps.addWidget(button)
            self.buttons[key] = button
        self.print_button = QPushButton(self.tr("打印文书…"))
        self.print_button.setAutoDefault(False)
        self.print_menu = QMenu(self)
        self.print_button.setMenu(self.print_menu)
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)

        detail_box = QGroupBox(self.tr("案件信息"))
        detail_box.setLayout(self.details)
        party_box = QGroupBox(self.tr("当事人"))
        QVBoxLayout(party_box).addWidget(self.party_table)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.deadline_label)
        bottom = QHBoxLayout()
        bottom.addLayout(steps)
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(detail_box)
        layout.addWidget(party_box)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(1100, 820)
        self.show_case(dispute)
        ready = [button for button in self.buttons.values() if button.isEnabled()]
        (ready[0] if ready else close).setFocus()     # the cursor on the next step the case can take

    # --- showing ----------------------------------------------------------------------------------

    def show_case(self, dispute: Dispute) -> None:
        self.dispute = dispute
        self.heading.setText(f"{dispute.number}　{dispute.status}")
        text, colour = deadline_text(dispute, date.today())
        self.deadline_label.setText(text)
        self.deadline_label.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        self._show_details(dispute)
        parties = disputes.parties(dispute)
        self.party_model.set_rows(parties)
        self.facts.setPlainText(dispute.facts)
        sessions = disputes.sessions(dispute)
        self.session_model.set_rows(sessions)
        if sessions:
            self.session_table.select_row(len(sessions) - 1)
        self._show_session()
        terms = disputes.terms(dispute)
        self.term_model.set_rows(terms)
        self.agreement_info.setText(self._agreement_text(dispute))
        self.term_table.setVisible(bool(terms))
        visits = disputes.follow_ups(dispute)
        self.follow_model.set_rows(visits)
        self.tabs.setTabText(0, self.tr("纠纷简要情况"))
        self.tabs.setTabText(1, self.tr("调解/调查记录（{0}）").format(len(sessions)))
        self.tabs.setTabText(2, self.tr("调解协议（{0} 条）").format(len(terms)) if terms
                             else self.tr("调解协议（{0}）").format(dispute.agreement_form or self.tr("无")))
        self.tabs.setTabText(3, self.tr("回访记录（{0}）").format(len(visits)))
        self._enable_steps(dispute)
        self._build_print_menu(dispute, sessions, visits)

    def _show_details(self, d: Dispute) -> None:
        while self.details.count():
            item = self.details.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        colour = RISK_HEX.get(d.risk_colour, "#9e9e9e")
        risk = (f'<span style="color:{colour}">●</span> {risk_text(d.risk_colour)}' if d.risk_colour
                else self.tr("未评估"))
        if d.status == MEDIATING or d.extended_days:
            due = f"{d.due_on:%Y-%m-%d}" if d.due_on else "—"
            limit = self.tr("{0}（{1} 日内调结").format(due, TIME_LIMIT_DAYS)
            limit += (self.tr("，已延期 {0} 天：{1}）").format(d.extended_days, d.extension_consent)
                      if d.extended_days else self.tr("，可经双方同意延期一次）"))
            if d.status != MEDIATING:
                limit = self.tr("已延期 {0} 天：{1}").format(d.extended_days, d.extension_consent)
        else:
            limit = "—"
        closing = "—"
        if d.closed_on:
            closing = f"{d.closed_on:%Y-%m-%d}　{d.status}"
            if d.close_reason:
                closing += f"：{d.close_reason}"
            if d.routes:
                closing += self.tr("（已告知{0}途径）").format("、".join(d.routes))
        rows = [
            (self.tr("受理日期"), f"{d.accepted_on:%Y-%m-%d}"),
            (self.tr("案件来源"), d.source + (f"（{d.origin_note}）" if d.origin_note else "")),
            (self.tr("纠纷类型"), d.dispute_type),
            (self.tr("调解类型"), d.channel),
            (self.tr("一庭两所"), "、".join(d.joint) or self.tr("未参与")),
            (self.tr("调解员"), "、".join(display_names(d.mediators)) or "—"),
            (self.tr("风险等级"), risk),
            (self.tr("所在村（社区）"), d.village or "—"),
            (self.tr("涉及金额"), self.tr("{0:,.2f} 元").format(d.amount_cents / 100) if d.amount_cents is not None else "—"),
            (self.tr("涉及人数"), self.tr("{0} 人").format(d.people_involved)),
            (self.tr("调解期限"), limit),
            (self.tr("登记人"), d.registrar),
            (self.tr("结案"), closing),
            (self.tr("司法确认"), self._confirmation_text(d)),
        ]
        for index, (label, value) in enumerate(rows):
            row, column = divmod(index, 2)
            name = QLabel(label + "：")
            name.setAlignment(Qt.AlignRight | Qt.AlignTop)
            shown = value_label(value)
            shown.setWordWrap(True)
            self.details.addWidget(name, row, column * 2)
            self.details.addWidget(shown, row, column * 2 + 1)

    def _confirmation_text(self, d: Dispute) -> str:
        if d.status != SUCCEEDED:
            return "—"
        if d.agreement_form != WRITTEN:
            return self.tr("口头协议，不适用")
        if d.confirmation_result:
            return d.confirmation_result
        if d.confirmation_due and d.confirmation_due >= date.today():
            return self.tr("未申请；双方可在 {0:%Y-%m-%d} 前共同申请").format(d.confirmation_due)
        return self.tr("未申请（申请期限 {0:%Y-%m-%d} 已过）").format(d.confirmation_due) if d.confirmation_due else "—"

    def _agreement_text(self, d: Dispute) -> str:
        if d.status != SUCCEEDED:
            return self.tr("尚未达成调解协议。")
        lines = []
        if d.agreement_form == WRITTEN:
            lines.append(self.tr("书面协议 {0}，{1:%Y-%m-%d} 达成。").format(d.agreement_number, d.agreed_on))
        else:
            lines.append(self.tr("口头协议，{0:%Y-%m-%d} 达成，由调解员记录：{1}").format(d.agreed_on, d.oral_agreement))
        if d.dispute_points:
            lines.append(self.tr("争议事项：{0}").format(d.dispute_points))
        if d.responsibilities:
            lines.append(self.tr("各方责任：{0}").format(d.responsibilities))
        if d.follow_up_due:
            lines.append(self.tr("下次回访：{0:%Y-%m-%d}").format(d.follow_up_due))
        return "\n".join(lines)

    def _show_session(self) -> None:
        session = self.session_table.selected()
        if session is None:
            self.session_text.setPlainText("" if self.session_model.rows else self.tr("还没有调解或调查记录。"))
            return
        text = session.content
        if session.agreed:
            text += "\n\n" + self.tr("达成的共识：") + session.agreed
        self.session_text.setPlainText(text)

    def _enable_steps(self, d: Dispute) -> None:
        why_not = disputes.allowed_steps(d)
        for key, button in self.buttons.items():
            button.setEnabled(not why_not[key])
            button.setToolTip(why_not[key])

    def _build_print_menu(self, d: Dispute, sessions, visits) -> None:
        self.print_menu.clear()
        for kind in printing.documents_for(d):
            name = printing.KINDS[kind]
            items = sessions if kind == "record" else visits if kind == "followup" else []
            if len(items) > 1:
                sub = self.print_menu.addMenu(self.tr("{0}（{1} 份）").format(name, len(items)))
                for number, record in enumerate(items, 1):
                    if kind == "record":
                        label = self.tr("{0}. {1}笔录　{2}　{3}").format(number, record.kind, local_time(record.started_at),
                                                                       record.place)
                    else:
                        label = f"{number}. {record.visited_on:%Y-%m-%d}　{record.performed}"
                    sub.addAction(label, lambda k=kind, n=number: self.print_document(k, n))
            else:
                self.print_menu.addAction(name, lambda k=kind: self.print_document(k))
        self.print_button.setEnabled(not self.print_menu.isEmpty())

    def printable_names(self) -> list[str]:
        """The print menu's entries (top level), as shown."""
        return [action.text() for action in self.print_menu.actions()]

    # --- steps --------------------------------------------------------------------------------------

    def _reload(self) -> Dispute:
        fresh = Dispute.get_by_id(self.dispute.id)
        self.show_case(fresh)
        self.changed.emit(fresh)
        return fresh

    def _open(self, dialog: QDialog, then: Callable | None = None) -> QDialog:
        self.step = dialog

        def finished(result):
            if result == QDialog.Accepted:
                self._reload()
                if then is not None:
                    then(dialog.result_value)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _step(self, title: str, fields, run, ok_text: str, intro: str = "", aliases: dict | None = None,
              then: Callable | None = None) -> Step:
        dialog = Step(title, fields, run, ok_text, intro, self)
        for field, key in (aliases or {}).items():
            dialog.errors.fields[field] = dialog.fields[key]
        return self._open(dialog, then)

    def take_on(self) -> Step:
        d = self.dispute
        users = [(f"{u.display_name}（{u.username}）", u.username) for u in mediator_users(self.user)]
        return self._step(
            self.tr("受理 {0}").format(d.number),
            [("accepted_on", self.tr("受理日期 *"), _day(date.today(), d.accepted_on)),
             ("mediators", self.tr("调解员"), _checklist(users, d.mediators or [self.user.username]))],
            lambda v: disputes.take_on(self.user, self.dispute, v["mediators"], v["accepted_on"]),
            self.tr("受理"),
            self.tr("网格员上报的纠纷，受理后进入“调解中”，{0} 日内调结。勾选承办的调解员（第一位主办）。").format(TIME_LIMIT_DAYS))

    def add_session(self) -> Step:
        d = self.dispute
        now = datetime.now().replace(second=0, microsecond=0)
        start = max(now - timedelta(hours=1), datetime.combine(d.accepted_on, datetime.min.time()))
        parties = disputes.parties(d)
        return self._step(
            self.tr("记录笔录 — {0}").format(d.number),
            [("kind", self.tr("记录类型 *"), _combo(SESSION_KINDS)),
             ("started_at", self.tr("开始时间 *"), _moment(start)),
             ("ended_at", self.tr("结束时间"), _moment(now)),
             ("place", self.tr("地点 *"), _line("", self.tr("如 石龙村调解室、纠纷现场"))),
             ("mediators", self.tr("调解人员 *"), _line("、".join(display_names(d.mediators)))),
             ("attendees", self.tr("参加人员 *"), _line("、".join(p.name for p in parties),
                                                       self.tr("多人用顿号（、）分隔"))),
             ("recorder", self.tr("记录人"), _line(self.user.display_name)),
             ("content", self.tr("记录内容 *"), _text(self.tr("各方陈述、调查核实的情况、调解员的意见……"), 140)),
             ("agreed", self.tr("达成的共识"), _text("", 50)),
             ("next_step", self.tr("下一步安排"), _line("", self.tr("如 3月20日现场测量")))],
            lambda v: disputes.add_session(self.user, self.dispute, SessionEntry(
                started_at=v["started_at"], ended_at=v["ended_at"], place=v["place"], mediators=v["mediators"],
                attendees=v["attendees"], content=v["content"], kind=v["kind"], recorder=v["recorder"],
                agreed=v["agreed"], next_step=v["next_step"])),
            self.tr("保存笔录"),
            self.tr("调解记录记每次调解的经过；调查记录记走访、查看现场、核实情况。保存后可打印笔录供参加人员签名。"
                    "Ctrl+Enter 保存。"))

    def extend(self) -> Step:
        d = self.dispute
        days = QSpinBox()
        days.setRange(1, MAX_EXTENSION_DAYS)
        days.setValue(MAX_EXTENSION_DAYS)
        days.setSuffix(self.tr(" 天"))
        return self._step(
            self.tr("延期 — {0}").format(d.number),
            [("days", self.tr("延长天数 *"), days),
             ("consent", self.tr("双方同意情况 *"), _line("", self.tr("如 双方当事人于3月25日书面同意延期")))],
            lambda v: disputes.extend(self.user, self.dispute, v["days"], v["consent"]),
            self.tr("延期"),
            self.tr("调解期限至 {0:%Y-%m-%d}。经双方当事人同意，可以延期一次，最长 {1} 天；请写明双方同意的情况。")
            .format(d.due_on, MAX_EXTENSION_DAYS),
            aliases={"双方当事人同意延期的情况": "consent"})

    def record_agreement(self) -> AgreementDialog:
        def then(fresh):
            if fresh is not None and fresh.agreement_form == WRITTEN:
                self.tabs.setCurrentIndex(2)
                self.print_document("agreement")   # the parties and the mediator sign it now
        return self._open(AgreementDialog(self.user, self.dispute, self), then)

    def terminate(self) -> Step:
        return self._step(
            self.tr("终止调解 — {0}").format(self.dispute.number),
            [("reason", self.tr("终止调解的原因 *"), _line("", self.tr("如 双方分歧过大，无法达成一致"))),
             ("routes", self.tr("告知途径 *"), _checklist([(self.tr(r), r) for r in ROUTES])),
             ("on", self.tr("终止日期"), _day(date.today(), self.dispute.accepted_on))],
            lambda v: disputes.terminate(self.user, self.dispute, v["reason"], v["routes"], v["on"]),
            self.tr("终止调解"),
            self.tr("调解不成的，应当终止调解，并告知当事人可以依法通过仲裁、行政、诉讼等途径维护自己的权利"
                    "（人民调解法第二十六条）。勾选已告知的途径（空格键勾选）。"))

    def withdraw(self) -> Step:
        return self._step(
            self.tr("撤回 — {0}").format(self.dispute.number),
            [("reason", self.tr("撤回原因 *"), _line("", self.tr("如 双方已自行和解"))),
             ("on", self.tr("撤回日期"), _day(date.today(), self.dispute.accepted_on))],
            lambda v: disputes.withdraw(self.user, self.dispute, v["reason"], v["on"]),
            self.tr("撤回"), self.tr("申请人撤回调解申请，案件结案。"))

    def add_follow_up(self) -> Step:
        d = self.dispute
        performed = _combo(PERFORMANCE)
        next_visit = OptionalDateEdit(self.tr("安排"), date.today() + timedelta(days=30))
        performed.currentTextChanged.connect(lambda text: next_visit.set_checked(text != PERFORMANCE[0]))
        return self._step(
            self.tr("回访 — {0}").format(d.number),
            [("visited_on", self.tr("回访日期 *"), _day(date.today(), d.closed_on)),
             ("visitor", self.tr("回访人 *"), _line(self.user.display_name)),
             ("reason", self.tr("回访事由 *"), _line(self.tr("了解调解协议履行情况"))),
             ("performed", self.tr("履行情况 *"), performed),
             ("satisfaction", self.tr("当事人满意度 *"), _combo(SATISFACTION)),
             ("remaining_risk", self.tr("遗留风险"), _line("", self.tr("没有可不填"))),
             ("notes", self.tr("回访情况"), _text("", 70)),
             ("next_visit", self.tr("下次回访日期"), next_visit)],
            lambda v: disputes.add_follow_up(self.user, self.dispute, FollowUpEntry(
                visited_on=v["visited_on"], visitor=v["visitor"], reason=v["reason"], performed=v["performed"],
                satisfaction=v["satisfaction"], remaining_risk=v["remaining_risk"], notes=v["notes"],
                next_visit=v["next_visit"])),
            self.tr("保存回访"),
            self.tr("协议尚未全部履行的，须安排下次回访。"),
            aliases={"下次回访日期": "next_visit"})

    def record_confirmation(self) -> Step:
        d = self.dispute
        due = self.tr("（申请期限至 {0:%Y-%m-%d}）").format(d.confirmation_due) if d.confirmation_due else ""
        return self._step(
            self.tr("司法确认结果 — {0}").format(d.number),
            [("result", self.tr("司法确认结果 *"), _line(d.confirmation_result,
                                                      self.tr("如 綦江区人民法院裁定确认调解协议有效")))],
            lambda v: disputes.record_confirmation(self.user, self.dispute, v["result"]),
            self.tr("保存"),
            self.tr("书面调解协议生效之日起 30 日内，双方当事人可以共同向人民法院申请司法确认"
                    "（人民调解法第三十三条）{0}。记录法院的裁定结果。").format(due))

    def print_document(self, kind: str, item: int | None = None):
        """The preview of one of the case's documents (None after showing why it could not be made)."""
        from ui.printing import show_printable

        number = self.dispute.number
        self.preview = show_printable(self, self.user, lambda: printing.render(self.user, kind, number, item))
        return self.preview
