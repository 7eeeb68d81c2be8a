"""信访: the petition register — the list, registering a petition, and one petition with its steps
(交办, 答复, 办结, 转为调解案件, 打印信访登记表).

Keyboard first: in a form Enter moves to the next field and Ctrl+Enter saves; in a list Enter opens the
selected row; Ctrl+N registers a new petition. Nothing is written unless every field is right: the error
names the field and the cursor goes there.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable, Sequence

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDateTimeEdit, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from models import codes, exports
from models.accounts import User
from models.deadlines import DUE_SOON, DUE_TODAY, OVERDUE
from models.errors import TownDeskError, ValidationError
from models.mediation import petitions, printing
from models.mediation.disputes import DisputeEntry, PartyEntry
from models.mediation.petitions import PetitionEntry
from models.mediation.tables import (
    ASSIGNED, DISPUTE_TYPES, PETITION_CLOSED, PETITION_FORMS, PETITION_REPLY_DAYS, PETITION_STATUSES, REGISTERED,
    REPLIED, RISK_COLOURS, SATISFACTION, Petition,
)
from models.people import Organisation, shown_id
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, dialog_buttons, hint, local_time, notice, paint_hint,
    shortcut, show_problem, value_label,
)
from ui.hall.case_view import StepDialog
from ui.hall.pickers import PartyPicker, describe_party
from ui.lists import COUNT_CAP, KindListModel, ListPanel, choice_box

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


left_text = exports.days_left_text      # until the reply is due, as the list and the dialog show it
shorten = exports.shorten
petitioner_names = exports.petitioner_names


def is_enter(event) -> bool:
    """A plain Enter or Return (the keypad's too), without Ctrl, Alt or Shift."""
    return (event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter)
            and not event.modifiers() & ~Qt.KeypadModifier)


class StepForm(StepDialog):
    """The hall's one-step dialog, taking multi-line text, dates and registry pickers as fields too.
    Ctrl+Enter saves from anywhere (Enter inside a multi-line field starts a new line)."""

    def __init__(self, title: str, fields: list[tuple[str, str, QWidget]], run: Callable[[dict], object],
                 ok_text: str, intro: str = "", parent: QWidget | None = None):
        super().__init__(title, fields, run, ok_text, intro, parent)
        for widget in self.fields.values():
            if isinstance(widget, QPlainTextEdit):
                widget.setTabChangesFocus(True)
                widget.setMinimumHeight(90)
        for keys in SAVE_KEYS:
            shortcut(keys, self, self.save, Qt.WindowShortcut)
        if any(isinstance(w, QPlainTextEdit) for w in self.fields.values()):
            self.ok_button.setText(self.ok_button.text() + self.tr("（Ctrl+Enter）"))

    def value_of(self, widget):
        if isinstance(widget, PartyPicker):
            return widget.record
        return super().value_of(widget)


def text_box(text: str = "", placeholder: str = "", height: int = 90) -> QPlainTextEdit:
    """A multi-line field that Tab leaves (a petition's matter is typed, never tabulated)."""
    box = QPlainTextEdit(text)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    box.setMaximumHeight(height * 2)
    return box


def line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def day_edit(value: date, earliest: date | None = None, latest: date | None = None) -> QDateEdit:
    edit = QDateEdit(QDate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if earliest is not None:
        edit.setMinimumDate(QDate(earliest))
    if latest is not None:
        edit.setMaximumDate(QDate(latest))
    return edit


# --------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------

PetitionFilter = exports.PetitionFilter


class PetitionTableModel(KindListModel):
    """Petitions for a filter, newest first, coloured by how near their reply is due; the columns are
    models.exports' 信访案件清单, which its 导出 Excel writes too."""

    kind = "petitions"
    state_columns = (6, 7, 8)
    MATTER = 4

    def state(self, petition: Petition) -> str:
        return petitions.deadline(petition, self.today)[1]

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ToolTipRole and index.column() == self.MATTER:
            row = self.row_at(index)
            return row.matter if row is not None else None
        if role == Qt.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return super().data(index, role)


class PetitionListPanel(ListPanel):
    """Search and a status filter over the petitions; Enter or a double click opens one (`opened`); Ctrl+E
    exports them."""

    export_kind = "petitions"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(PetitionTableModel(user), (190, 140, 72, 72, 300, 140, 100, 72, 90), parent)
        self.user = user
        self.search_edit.setPlaceholderText(self.tr("搜索信访编号、信访人姓名、证件号码或电话（一个字也可以）"))
        self.status = choice_box(self.tr("全部状态"), [(self.tr("待答复（已登记、已交办）"), (REGISTERED, ASSIGNED))]
                                 + [(status, (status,)) for status in PETITION_STATUSES])
        self.status.setToolTip(self.tr("按办理状态筛选"))
        self.watch(self.status)
        self.build([self.search_edit, self.status], [],
                   self.tr("底色：红 答复已超期　橙 今日到期　黄 七天内到期（信访条例：登记后 60 日内答复）。"
                           "在列表中按 Enter 或双击查看信访。"))

    def current_filter(self) -> PetitionFilter:
        return PetitionFilter(text=self.search_edit.text(), statuses=tuple(self.status.currentData() or ()))

    def count(self, flt: PetitionFilter) -> int:
        return petitions.count_petitions(self.user, flt.text, flt.statuses, cap=COUNT_CAP)


# --------------------------------------------------------------------------------------------
# Registering a petition
# --------------------------------------------------------------------------------------------

class _StayingPicker(PartyPicker):
    """A registry picker that stays in its search box after a pick, ready for the next person."""

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.set_record(item.data(Qt.UserRole))
        self.edit.setFocus()


class PetitionerList(QWidget):
    """Several petitioners, each found (or registered) with the registry's picker: Enter adds the match;
    Enter in the empty search box moves on (`finished`); Delete removes the selected one."""

    changed = Signal()
    finished = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.records: list = []
        self.picker = _StayingPicker(user)
        self.picker.edit.setPlaceholderText(self.tr("输入证件号码、姓名或电话查找信访人，Enter 添加（可添加多人）"))
        self.picker.chosen.connect(self.add)
        self.picker.edit.installEventFilter(self)   # after the picker's own filter: this one is asked first
        self.list = QListWidget()
        self.list.setToolTip(self.tr("选中后按 Delete 移除"))
        self.list.hide()
        shortcut(Qt.Key_Delete, self.list, self.remove_selected, Qt.WidgetShortcut)
        self.note = paint_hint(QLabel(self.tr("还没有添加信访人。")), "warn")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.picker)
        layout.addWidget(self.list)
        layout.addWidget(self.note)
        self.setFocusProxy(self.picker)

    def add(self, record) -> None:
        if record is None:
            return
        if any(type(r) is type(record) and r.id == record.id for r in self.records):
            self.note.setText(self.tr("{0} 已经添加过了。").format(record.name))
            paint_hint(self.note, "warn")
        else:
            self.records.append(record)
            self._show()
        self.picker.clear()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.records):
            del self.records[row]
            self._show()
            self.list.setCurrentRow(min(row, len(self.records) - 1))
            if not self.records:
                self.picker.setFocus()

    def _show(self) -> None:
        self.list.clear()
        for record in self.records:
            self.list.addItem(("［单位］" if isinstance(record, Organisation) else "") + describe_party(self.user, record))
        self.list.setVisible(bool(self.records))
        if self.records:   # every petitioner in sight (up to four, then it scrolls)
            rows = min(len(self.records), 4)
            self.list.setFixedHeight(rows * self.list.sizeHintForRow(0) + 2 * self.list.frameWidth() + 6)
            self.note.setText(self.tr("已添加 {0} 位信访人。可继续查找添加；在列表中选中后按 Delete 移除。")
                              .format(len(self.records)))
            paint_hint(self.note)
        else:
            self.note.setText(self.tr("还没有添加信访人。"))
            paint_hint(self.note, "warn")
        self.changed.emit()

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if obj is self.picker.edit and is_enter(event) and not self.picker.edit.text().strip():
            self.finished.emit()
            return True
        return super().eventFilter(obj, event)


class PetitionForm(QDialog):
    """登记信访: who came (or wrote, or called), when, how many, the matter and the request, and optionally
    the department it goes to. Enter moves on; Ctrl+Enter registers; `saved(petition)` after."""

    saved = Signal(object)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.petition = None
        self._visitors_auto = True
        self._setting_visitors = False
        self.setWindowTitle(self.tr("登记信访"))

        self.form_combo = QComboBox()
        self.form_combo.addItems(PETITION_FORMS)
        self.form_combo.setToolTip(self.tr("来访：当面反映；来信；网上：网上信访平台；电话"))
        self.received = QDateTimeEdit(QDateTime.currentDateTime())
        self.received.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received.setCalendarPopup(True)
        self.received.setToolTip(self.tr("来访、来电的时间，或来信、网上信件收到的时间"))
        self.petitioners = PetitionerList(user)
        self.visitors = QSpinBox()
        self.visitors.setRange(1, 1000)
        self.visitors.setSuffix(self.tr(" 人"))
        self.visitors.setValue(1)
        self.visitors_hint = hint()
        self.matter = text_box(placeholder=self.tr("信访人反映的问题：时间、地点、经过（至少 6 个字）"))
        self.request = text_box(placeholder=self.tr("信访人的具体要求，如 要求按标准补偿青苗费（选填）"), height=60)
        self.department = line(placeholder=self.tr("交办的部门或单位，如 镇农业服务中心（可以稍后交办）"))
        self.reply_days = QSpinBox()
        self.reply_days.setRange(1, 90)
        self.reply_days.setValue(PETITION_REPLY_DAYS)
        self.reply_days.setSuffix(self.tr(" 天"))
        self.due_hint = hint()

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "信访形式": self.form_combo, "登记时间": self.received, "信访人": self.petitioners,
            "来访人数": self.visitors, "信访事项": self.matter, "信访诉求": self.request,
            "承办单位": self.department, "答复期限": self.reply_days,
        })

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        first = QHBoxLayout()
        first.addWidget(self.form_combo)
        first.addSpacing(16)
        first.addWidget(QLabel(self.tr("登记时间 *")))
        first.addWidget(self.received)
        first.addStretch(1)
        form.addRow(self.tr("信访形式 *"), first)
        form.addRow(self.tr("信访人 *"), self.petitioners)
        visitors_row = QHBoxLayout()
        visitors_row.addWidget(self.visitors)
        visitors_row.addWidget(self.visitors_hint, 1)
        form.addRow(self.tr("来访人数 *"), visitors_row)
        form.addRow(self.tr("信访事项 *"), self.matter)
        form.addRow(self.tr("信访诉求"), self.request)
        form.addRow(self.tr("承办单位"), self.department)
        due_row = QHBoxLayout()
        due_row.addWidget(self.reply_days)
        due_row.addWidget(self.due_hint, 1)
        form.addRow(self.tr("答复期限 *"), due_row)

        box, self.ok_button, cancel = dialog_buttons(self, self.tr("登记（Ctrl+Enter）"), self.save)
        for button in (self.ok_button, cancel):   # Enter moves between the fields; only Ctrl+Enter registers
            button.setAutoDefault(False)
            button.setDefault(False)
        keys = hint(self.tr("Enter 下一项，Ctrl+Enter 登记。信访人可添加多位：输入后按 Enter 添加，"
                            "搜索框为空时按 Enter 继续填写下一项。"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(keys)
        layout.addWidget(box)
        self.setMinimumWidth(820)
        self.setFocusProxy(self.form_combo)

        for keys_text in SAVE_KEYS:
            shortcut(keys_text, self, self.save, Qt.WindowShortcut)
        self.form_combo.currentTextChanged.connect(self._default_visitors)
        self.petitioners.changed.connect(self._default_visitors)
        self.petitioners.finished.connect(self._after_petitioners)
        self.visitors.valueChanged.connect(self._visitors_edited)
        self.received.dateTimeChanged.connect(self._show_due)
        self.reply_days.valueChanged.connect(self._show_due)
        self._default_visitors()
        self._show_due()

    # --- reacting ------------------------------------------------------------------------------------

    def _default_visitors(self, *_args) -> None:
        """来访: as many as the petitioners (until the clerk types the real count); otherwise one."""
        count = len(self.petitioners.records)
        visit = self.form_combo.currentText() == "来访"
        if self._visitors_auto:
            self._setting_visitors = True
            self.visitors.setValue(max(count, 1) if visit else 1)
            self._setting_visitors = False
        self.visitors_hint.setText(
            self.tr("来访按人次统计：默认等于信访人数，多人同来时请改为实际来访人数。") if visit
            else self.tr("来信、网上、电话信访按 1 人次统计。"))

    def _visitors_edited(self, _value: int) -> None:
        if not self._setting_visitors:
            self._visitors_auto = False

    def _after_petitioners(self) -> None:
        self.visitors.setFocus(Qt.TabFocusReason)
        self.visitors.selectAll()

    def _show_due(self, *_args) -> None:
        received = self.received.date().toPython()
        due = received + timedelta(days=self.reply_days.value())
        self.due_hint.setText(self.tr("{0:%Y年%m月%d日} 前答复（信访条例：60 日内答复，情况复杂的可延长 30 日）")
                              .format(due))

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if is_enter(event):
            self.focusNextChild()   # an Enter no field took: on to the next field, never "save"
            return
        super().keyPressEvent(event)

    # --- saving -------------------------------------------------------------------------------------

    def entry(self) -> PetitionEntry:
        return PetitionEntry(
            petitioners=list(self.petitioners.records), matter=self.matter.toPlainText(),
            form=self.form_combo.currentText(), visitors=self.visitors.value(), request=self.request.toPlainText(),
            received_at=self.received.dateTime().toPython().replace(second=0, microsecond=0),
            department=self.department.text(), reply_days=self.reply_days.value())

    def save(self) -> Petition | None:
        ok, petition = self.errors.attempt(self, lambda: petitions.register(self.user, self.entry()))
        if not ok:
            return None
        self.petition = petition
        self.saved.emit(petition)
        self.accept()
        return petition


# --------------------------------------------------------------------------------------------
# One petition
# --------------------------------------------------------------------------------------------

class PetitionDialog(QDialog):
    """One petition: what was asked, who asked, the replies; its buttons are the steps it can take now.
    `changed(petition)` after each step; `open_dispute(number)` when the linked dispute case is opened."""

    changed = Signal(object)
    open_dispute = Signal(str)

    def __init__(self, user: User, petition: Petition, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.petition = petition
        self.step = None
        self.preview = None
        self.buttons: dict[str, QPushButton] = {}
        self.setWindowTitle(self.tr("信访 {0}").format(petition.number))
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.deadline_label = QLabel()
        self.details = QGridLayout()
        self.details.setColumnStretch(1, 1)
        self.details.setColumnStretch(3, 1)
        self.dispute_link = QLabel()
        self.dispute_link.setTextInteractionFlags(Qt.TextBrowserInteraction)
        self.dispute_link.linkActivated.connect(self.open_dispute)

        self.petitioners_model = RecordTableModel([
            Column(self.tr("信访人"), lambda p: p.name), Column(self.tr("类别"), lambda p: p.kind),
            Column(self.tr("证件号码"), lambda p: shown_id(self.user, p.id_number) if p.kind == "个人" else p.id_number),
            Column(self.tr("联系电话"), lambda p: p.phone), Column(self.tr("住址"), lambda p: p.address),
        ], self)
        self.petitioners_table = self._table(self.petitioners_model, 90)
        self.replies_model = RecordTableModel([
            Column(self.tr("答复日期"), lambda r: f"{r.replied_on:%Y-%m-%d}"),
            Column(self.tr("答复人"), lambda r: r.replied_by), Column(self.tr("答复内容"), lambda r: r.content),
        ], self)
        self.replies_table = self._table(self.replies_model, 90)
        self.replies_table.setWordWrap(True)   # an answer is read in full
        self.no_replies = paint_hint(QLabel(self.tr("还没有答复。")))
        self.result = notice()
        self.result.hide()

        self.action_buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("打印信访登记表（Ctrl+P）"))
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_document)
        shortcut("Ctrl+P", self, self.print_document)
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)

        detail_box = QGroupBox(self.tr("信访信息"))
        detail_box.setLayout(self.details)
        people_box = QGroupBox(self.tr("信访人"))
        QVBoxLayout(people_box).addWidget(self.petitioners_table)
        replies_box = QGroupBox(self.tr("答复情况"))
        replies_layout = QVBoxLayout(replies_box)
        replies_layout.addWidget(self.replies_table)
        replies_layout.addWidget(self.no_replies)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.deadline_label)
        bottom = QHBoxLayout()
        bottom.addLayout(self.action_buttons)
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(detail_box)
        layout.addWidget(people_box, 0)
        layout.addWidget(replies_box, 1)
        layout.addWidget(self.result)
        layout.addLayout(bottom)
        self.resize(1000, 760)
        self.show_petition(petition)

    def _table(self, model: RecordTableModel, height: int) -> RecordTable:
        table = RecordTable(model)
        table.setMinimumHeight(height)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # --- showing ----------------------------------------------------------------------------------

    def show_petition(self, petition: Petition) -> None:
        self.petition = petition
        self.heading.setText(f"{petition.number}　{petition.status}")
        left, state = petitions.deadline(petition, date.today())
        self.deadline_label.setText(self.tr("答复期限 {0:%Y-%m-%d}，{1}").format(petition.reply_due,
                                                                          left_text(left, state))
                                    if left is not None else "")
        paint_hint(self.deadline_label, "error" if state in (OVERDUE, DUE_TODAY) else
                   "warn" if state == DUE_SOON else "info")
        while self.details.count():
            item = self.details.takeAt(0)
            if item.widget() and item.widget() is not self.dispute_link:
                item.widget().deleteLater()
        pairs = [
            (self.tr("信访形式"), petition.form),
            (self.tr("登记时间"), local_time(petition.received_at)),
            (self.tr("来访人数"), self.tr("{0} 人").format(petition.visitors)),
            (self.tr("登记人"), petition.registrar),
            (self.tr("承办单位"), petition.department or self.tr("未交办")),
            (self.tr("答复期限"), f"{petition.reply_due:%Y-%m-%d}" if petition.reply_due else "—"),
        ]
        for index, (label, value) in enumerate(pairs):
            row, column = divmod(index, 2)
            self._detail(label, value_label(value), row, column * 2, 1)
        row = (len(pairs) + 1) // 2
        wide = [(self.tr("信访事项"), petition.matter), (self.tr("信访诉求"), petition.request or "—")]
        if petition.status == PETITION_CLOSED:
            wide.append((self.tr("办理结果"), self.tr("{0}（{1}，信访人{2}）").format(
                petition.result, f"{petition.closed_on:%Y-%m-%d}" if petition.closed_on else "",
                petition.satisfaction)))
        for label, value in wide:
            shown = value_label(value)
            shown.setWordWrap(True)
            self._detail(label, shown, row, 0, 3)
            row += 1
        linked = petitions.dispute_of(petition)
        if linked is not None:
            self.dispute_link.setText(self.tr('<a href="{0}">{0}</a>（{1}，按 Tab 选中后 Enter 打开）')
                                      .format(linked.number, linked.status))
        else:
            self.dispute_link.setText("—")
        self._detail(self.tr("调解案件"), self.dispute_link, row, 0, 3)
        self.petitioners_model.set_rows(petitions.petitioners(petition))
        self._fit_height(self.petitioners_table, 3)
        answers = petitions.replies(petition)
        self.replies_model.set_rows(answers)
        self.replies_table.resizeRowsToContents()
        self.replies_table.setVisible(bool(answers))
        self.no_replies.setVisible(not answers)
        self._build_actions()

    @staticmethod
    def _fit_height(table: RecordTable, at_most: int) -> None:
        """As tall as its rows (up to `at_most` rows, then it scrolls)."""
        rows = min(max(table.model().rowCount(), 1), at_most)
        header = table.horizontalHeader().sizeHint().height()
        table.setFixedHeight(header + rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth() + 4)

    def _detail(self, label: str, widget: QWidget, row: int, column: int, span: int) -> None:
        name = QLabel(label + "：")
        name.setAlignment(Qt.AlignRight | Qt.AlignTop)
        self.details.addWidget(name, row, column)
        self.details.addWidget(widget, row, column + 1, 1, span)

    def _build_actions(self) -> None:
        while self.action_buttons.count():
            item = self.action_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        status = self.petition.status
        steps = []
        if status in (REGISTERED, ASSIGNED):
            steps.append(("交办", self.tr("改派…") if status == ASSIGNED else self.tr("交办…"), self.assign))
        if status in (REGISTERED, ASSIGNED, REPLIED):
            steps.append(("答复", self.tr("再次答复…") if status == REPLIED else self.tr("答复…"), self.reply))
        if status == REPLIED:
            steps.append(("办结", self.tr("办结…"), self.finish))
        if status in (REGISTERED, ASSIGNED, REPLIED) and not self.petition.dispute_uid:
            steps.append(("转为调解案件", self.tr("转为调解案件…"), self.to_dispute))
        self.buttons = {}
        for key, text, slot in steps:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.action_buttons.addWidget(button)
            self.buttons[key] = button

    # --- steps --------------------------------------------------------------------------------------

    def _open_step(self, title: str, fields, run, ok_text: str, intro: str = "", then: Callable | None = None,
                   more_fields: dict | None = None) -> StepForm:
        self.step = StepForm(title, fields, run, ok_text, intro, self)
        if more_fields:
            self.step.errors.fields.update(more_fields)
        step = self.step

        def finished(result):
            if result == QDialog.Accepted:
                fresh = Petition.get_by_id(self.petition.id)
                self.show_petition(fresh)
                self.changed.emit(fresh)
                if then is not None:
                    then(step.result_value)

        step.finished.connect(finished)
        step.open()
        return step

    def assign(self) -> StepForm:
        return self._open_step(
            self.tr("交办"),
            [("department", self.tr("承办单位 *"), line(self.petition.department, self.tr("如 镇农业服务中心")))],
            lambda v: petitions.assign(self.user, self.petition, v["department"]), self.tr("交办"),
            self.tr("交由承办单位调查处理。答复期限不变：{0:%Y年%m月%d日}。").format(self.petition.reply_due))

    def reply(self) -> StepForm:
        today = date.today()
        return self._open_step(
            self.tr("答复"),
            [("content", self.tr("答复内容 *"), text_box(placeholder=self.tr("答复信访人的内容（至少 6 个字）"))),
             ("on", self.tr("答复日期 *"), day_edit(today, self.petition.received_on, today))],
            lambda v: petitions.reply(self.user, self.petition, v["content"], v["on"]), self.tr("保存答复"),
            self.tr("登记已给信访人的答复。答复后可以办结；信访人对答复有异议的，可再次答复。"))

    def finish(self) -> StepForm:
        today = date.today()
        satisfaction = QComboBox()
        satisfaction.addItems(SATISFACTION)
        return self._open_step(
            self.tr("办结"),
            [("result", self.tr("办理结果 *"), text_box(placeholder=self.tr("如 补偿款已发放到户（至少 4 个字）"))),
             ("satisfaction", self.tr("信访人满意度 *"), satisfaction),
             ("on", self.tr("办结日期 *"), day_edit(today, self.petition.received_on, today))],
            lambda v: petitions.close(self.user, self.petition, v["result"], v["satisfaction"], v["on"]),
            self.tr("办结"), self.tr("记录办理结果，并询问信访人对办理结果是否满意。办结后不能再答复。"))

    def to_dispute(self) -> StepForm:
        petition = self.petition
        other = PartyPicker(self.user)
        other.edit.setPlaceholderText(self.tr("纠纷的另一方：输入姓名、证件号码或单位名称查找"))
        kinds = QComboBox()
        kinds.addItems(codes.names(DISPUTE_TYPES))
        risk = QComboBox()
        risk.addItem(self.tr("（暂不研判）"), "")
        for item in codes.items(RISK_COLOURS):
            risk.addItem(f"{item.name}　{item.meaning}", item.name)
        facts = petition.matter + (f"\n信访诉求：{petition.request}" if petition.request.strip() else "")

        def run(values: dict):
            if values["other"] is None:
                raise ValidationError("被申请人", "请选择被申请人：纠纷的另一方（个人或单位）。")
            entry = DisputeEntry(parties=petitions.party_entries(petition) + [PartyEntry(values["other"], "被申请人")],
                                 facts=values["facts"], dispute_type=values["type"], risk_colour=values["risk"])
            return petitions.to_dispute(self.user, petition, entry)

        return self._open_step(
            self.tr("转为调解案件"),
            [("other", self.tr("被申请人 *"), other), ("type", self.tr("纠纷类型 *"), kinds),
             ("facts", self.tr("纠纷简要情况 *"), text_box(facts, height=110)), ("risk", self.tr("风险等级"), risk)],
            run, self.tr("转为调解案件"),
            self.tr("申请人为本件的信访人（{0}）。选择纠纷的另一方后登记为调解案件：案件来源“信访转入”，"
                    "调解员为您本人，一般在 30 日内调结；信访与案件互相关联。").format(petitioner_names(petition)),
            then=self._converted, more_fields={"当事人": other})

    def _converted(self, dispute) -> None:
        self.result.setText(self.tr("已转为调解案件 {0}（信访转入），调解期限至 {1:%Y年%m月%d日}。"
                                    "点“调解案件”一栏的编号可打开案件。").format(dispute.number, dispute.due_on))
        self.result.show()

    def print_document(self):
        from ui.printing import show_printable

        number = self.petition.number
        self.preview = show_printable(self, self.user, lambda: printing.render(self.user, "petition", number))
        return self.preview


# --------------------------------------------------------------------------------------------
# The tab
# --------------------------------------------------------------------------------------------

class PetitionsTab(QWidget):
    """信访登记: the list, 登记信访 (Ctrl+N), and a petition opened with Enter. `open_dispute(number)` passes on
    a request to open the dispute case a petition became."""

    open_dispute = Signal(str)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.form: PetitionForm | None = None
        self.dialog: PetitionDialog | None = None
        self.list = PetitionListPanel(user)
        self.list.opened.connect(self.open_petition)
        self.new_button = QPushButton(self.tr("登记信访（Ctrl+N）"))
        self.new_button.setToolTip(self.tr("登记来访、来信、网上或电话信访"))
        self.new_button.clicked.connect(self.register)
        shortcut("Ctrl+N", self, self.register, Qt.WidgetWithChildrenShortcut)
        self.result = notice()
        self.result.hide()
        top = QHBoxLayout()
        top.addWidget(hint(self.tr("登记后交办、答复、办结，答复期限为 60 日；反映的问题属于矛盾纠纷的，"
                                   "可在信访详情中转为调解案件。")), 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.result)
        layout.addWidget(self.list, 1)
        self.setFocusProxy(self.list)

    def showEvent(self, event):  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not event.spontaneous():
            self.list.refresh()

    def register(self) -> PetitionForm:
        self.form = PetitionForm(self.user, self)
        self.form.saved.connect(self._registered)
        self.form.open()
        return self.form

    def _registered(self, petition: Petition) -> None:
        self.result.setText(self.tr("已登记信访 {0}（{1}，{2} 人）。答复期限 {3:%Y年%m月%d日}。")
                            .format(petition.number, petition.form, petition.visitors, petition.reply_due))
        self.result.show()
        self.list.search_edit.clear()
        self.list.refresh()

    def open_petition(self, row: Petition) -> PetitionDialog | None:
        try:
            petition = petitions.get_petition(self.user, row.number)   # opening is audited
        except TownDeskError as exc:
            show_problem(self, exc)
            return None
        self.dialog = PetitionDialog(self.user, petition, self)
        self.dialog.changed.connect(lambda _p: self.list.refresh())
        self.dialog.open_dispute.connect(self.open_dispute)
        self.dialog.open()
        return self.dialog


__all__: Sequence[str] = ("PetitionListPanel", "PetitionForm", "PetitionDialog", "PetitionsTab", "StepForm")
