"""事件: the events grid findings became — the list (overdue ones coloured) and one event with its history and
the steps 受理 → 分派 → 处置 → 办结 → 评价.

The step buttons are always there, enabled only when this user may take the step now (a disabled button's
tooltip says why: the event's status, or that the 网格长 takes it). Each step is a small form (Ctrl+Enter
saves); an error names its field and leaves the form open; after a step the event is read again and
`changed` is emitted. Also the pieces the hazard and help screens share: deadline words and a details grid.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from models import codes
from models.accounts import User
from models.deadlines import DUE_SOON, DUE_TODAY, OVERDUE
from models.patrol import events
from models.patrol.events import EventFilter
from models.patrol.tables import (
    EVENT_DAYS, EVENT_OPEN, EVENT_RATINGS, EVENT_STATUSES, FINDING_CATEGORIES, GridEvent,
)
from ui.common import Column, RecordTable, RecordTableModel, local_time, show_problem, value_label
from ui.lists import DEADLINE_TEXT, COUNT_CAP, KindListModel, ListPanel, choice_box, date_range
from ui.mediation.case_view import OptionalDateEdit, Step
from ui.mediation.register import DayEdit

ON_TIME_COLOUR = "#2e7d32"


def _tr(text: str) -> str:
    return QCoreApplication.translate("patrol", text)


# --------------------------------------------------------------------------------------------------
# Shared by the event, hazard and help screens
# --------------------------------------------------------------------------------------------------

def deadline_words(left: int | None, state: str, due: date | None) -> tuple[str, str]:
    """(text, colour) of a running deadline: 已超期 n 天 / 今日到期 / 即将到期 / 剩 n 天; ("", "") when none."""
    if left is None or due is None:
        return "", ""
    shown = f"{due:%Y-%m-%d}"
    if state == OVERDUE:
        text = _tr("已超期 {0} 天（期限 {1}）").format(-left, shown)
    elif state == DUE_TODAY:
        text = _tr("今日到期（{0}）").format(shown)
    elif state == DUE_SOON:
        text = _tr("即将到期：剩 {0} 天（{1}）").format(left, shown)
    else:
        text = _tr("剩 {0} 天（期限 {1}）").format(left, shown)
    return text, DEADLINE_TEXT.get(state, ON_TIME_COLOUR)


def fill_details(grid: QGridLayout, rows: Sequence[tuple[str, str]], columns: int = 2) -> None:
    """Label：value pairs, `columns` pairs a line (a value may wrap); what was there before goes."""
    while grid.count():
        item = grid.takeAt(0)
        if item.widget():
            item.widget().deleteLater()
    for index, (label, value) in enumerate(rows):
        row, column = divmod(index, columns)
        name = QLabel(label + "：")
        name.setAlignment(Qt.AlignRight | Qt.AlignTop)
        shown = value_label(value or "—")
        shown.setWordWrap(True)
        grid.addWidget(name, row, column * 2)
        grid.addWidget(shown, row, column * 2 + 1)


def details_grid() -> QGridLayout:
    grid = QGridLayout()
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(3, 1)
    grid.setHorizontalSpacing(10)
    return grid


def small_table(model: RecordTableModel, height: int = 120) -> RecordTable:
    table = RecordTable(model, select_on_focus=True)
    table.verticalHeader().setVisible(False)
    table.setMinimumHeight(height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def text_box(placeholder: str = "", height: int = 90, text: str = "") -> QPlainTextEdit:
    """A multi-line field that Tab leaves."""
    box = QPlainTextEdit(text)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


def combo(items: Sequence[str]) -> QComboBox:
    box = QComboBox()
    for text in items:
        box.addItem(text, text)
    return box


def day_edit(default: date, earliest: date | None = None, latest: date | None = None) -> QDateEdit:
    """A date (yyyy-MM-dd, calendar on Alt+↓) between `earliest` and `latest`."""
    edit = DayEdit(QDate(default))
    if earliest is not None:
        edit.setMinimumDate(QDate(earliest))
    if latest is not None:
        edit.setMaximumDate(QDate(latest))
    return edit


def grid_text(grid) -> str:
    return f"{grid.code} {grid.name}" if grid is not None else ""


def source_patrol(record) -> str:
    """The patrol a record came from (its finding's patrol), or ""."""
    finding = record.finding
    return finding.patrol.number if finding is not None else ""


def step_buttons(layout: QHBoxLayout, steps: Sequence[tuple[str, str, Callable]]) -> dict[str, QPushButton]:
    buttons = {}
    for key, text, action in steps:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(action)
        layout.addWidget(button)
        buttons[key] = button
    return buttons


class RecordDialog(QDialog):
    """What the event, hazard and help dialogs share: a heading with the running deadline, details, the
    step buttons, and opening a step form that reloads the record and emits `changed` when it is saved."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.step: QDialog | None = None
        self.preview = None
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.heading.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.deadline_label = QLabel()
        self.details = details_grid()
        self.steps_row = QHBoxLayout()
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.accept)

    def top_row(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.deadline_label)
        return top

    def bottom_row(self, *extra: QWidget) -> QHBoxLayout:
        bottom = QHBoxLayout()
        bottom.addLayout(self.steps_row)
        bottom.addStretch(1)
        for widget in extra:
            bottom.addWidget(widget)
        bottom.addWidget(self.close_button)
        return bottom

    def show_deadline(self, left: int | None, state: str, due: date | None) -> None:
        text, colour = deadline_words(left, state, due)
        self.deadline_label.setText(text)
        self.deadline_label.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")

    def focus_first_step(self) -> None:
        ready = [button for button in self.buttons.values() if button.isEnabled()]
        (ready[0] if ready else self.close_button).setFocus()

    def reload(self):
        """Read the record again, show it and emit `changed` (a subclass provides it)."""
        raise NotImplementedError

    def open_step(self, title: str, fields, run: Callable[[dict], object], ok_text: str, intro: str = "",
                  aliases: dict | None = None) -> Step:
        dialog = Step(title, fields, run, ok_text, intro, self)
        dialog.ok_button.setText(ok_text + self.tr("（Ctrl+Enter）"))
        for field, key in (aliases or {}).items():
            dialog.errors.fields[field] = dialog.fields[key]
        self.step = dialog

        def finished(result):
            if result == QDialog.Accepted:
                self.reload()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog


# --------------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------------

class EventTableModel(KindListModel):
    """Events for a filter; the columns are models.exports' 网格事件清单, which its 导出 Excel writes too."""

    kind = "events"
    state_columns = (7, 8, 9)

    def state(self, event: GridEvent) -> str:
        return events.deadline(event, self.today)[1]


OPEN_ALL = "未办结"


class EventListPanel(ListPanel):
    """Search, status, category, report dates and 只看超期 over the events of the user's grids; Enter or a
    double click opens one; Ctrl+E exports them."""

    export_kind = "events"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(EventTableModel(user), (200, 180, 90, 70, 170, 90, 130, 70, 90, 80), parent)
        self.user = user
        self.search_edit.setPlaceholderText(self.tr("搜索事件编号、名称、地点、当事人或承办单位"))
        self.status = choice_box(self.tr("全部状态"), [(self.tr("未办结（已上报至已处置）"), EVENT_OPEN)]
                                 + [(s, (s,)) for s in EVENT_STATUSES])
        self.category = choice_box(self.tr("全部类别"), [(n, n) for n in codes.names(FINDING_CATEGORIES)])
        self.overdue_only = QCheckBox(self.tr("只看超期"))
        self.overdue_only.setToolTip(self.tr("只列出未办结且已过办结期限的事件"))
        self.watch(self.status, self.category, self.overdue_only)
        self.use_dates, self.date_from, self.date_to = date_range(self, self.tr("上报日期"))
        self.build([self.search_edit],
                   [self.status, self.category, self.use_dates, self.date_from, QLabel("—"), self.date_to,
                    self.overdue_only],
                   self.tr("底色：红 已超期　橙 今日到期　黄 两天内到期（一般事件 {0} 天、较大 {1} 天、重大 {2} 天内办结）。"
                           "在列表中按 Enter 或双击查看事件。").format(EVENT_DAYS["一般"], EVENT_DAYS["较大"],
                                                            EVENT_DAYS["重大"]))

    def current_filter(self) -> EventFilter:
        flt = EventFilter(text=self.search_edit.text(), statuses=tuple(self.status.currentData() or ()),
                          category=self.category.currentData() or "",
                          overdue_on=date.today() if self.overdue_only.isChecked() else None)
        if self.use_dates.isChecked():
            flt.date_from = self.date_from.date().toPython()
            flt.date_to = self.date_to.date().toPython()
        return flt

    def count(self, flt: EventFilter) -> int:
        return events.count_events(self.user, flt, cap=COUNT_CAP)


# --------------------------------------------------------------------------------------------------
# One event
# --------------------------------------------------------------------------------------------------

STEP_NAMES = {"accept": "受理", "assign": "分派", "handle": "处置", "close": "办结", "rate": "评价"}


class EventDialog(RecordDialog):
    """One event, got through ``events.get_event``: its details, its history, and the steps it can take."""

    def __init__(self, user: User, event: GridEvent, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.grid_event = event
        self.setWindowTitle(self.tr("事件 {0}").format(event.number))
        self.description = text_box(height=60)
        self.description.setReadOnly(True)
        self.description.setMaximumHeight(80)
        self.history_model = RecordTableModel([
            Column(self.tr("环节"), lambda s: s.step),
            Column(self.tr("时间"), lambda s: local_time(s.at)),
            Column(self.tr("办理人"), lambda s: s.by),
            Column(self.tr("说明"), lambda s: " ".join((s.note or "").split())),
        ], self)
        self.history = small_table(self.history_model, 150)
        self.buttons = step_buttons(self.steps_row, [
            ("accept", self.tr("受理…"), self.accept_event),
            ("assign", self.tr("分派…"), self.assign),
            ("handle", self.tr("处置…"), self.handle),
            ("close", self.tr("办结…"), self.close_event),
            ("rate", self.tr("评价…"), self.rate),
        ])

        detail_box = QGroupBox(self.tr("事件信息"))
        detail_box.setLayout(self.details)
        description_box = QGroupBox(self.tr("事件描述"))
        QVBoxLayout(description_box).addWidget(self.description)
        history_box = QGroupBox(self.tr("办理过程"))
        QVBoxLayout(history_box).addWidget(self.history)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top_row())
        layout.addWidget(detail_box)
        layout.addWidget(description_box)
        layout.addWidget(history_box, 1)
        layout.addLayout(self.bottom_row())
        self.resize(1000, 760)
        self.show_event(event)
        self.focus_first_step()

    # --- showing ----------------------------------------------------------------------------------

    def show_event(self, event: GridEvent) -> None:
        self.grid_event = event
        self.heading.setText(f"{event.number}　{event.status}")
        left, state = events.deadline(event, date.today())
        self.show_deadline(left, state, event.due_on)
        if event.status not in EVENT_OPEN and events.closed_late(event):
            self.deadline_label.setText(self.tr("超期办结（期限 {0:%Y-%m-%d}）").format(event.due_on))
            self.deadline_label.setStyleSheet(f"color: {DEADLINE_TEXT[OVERDUE]}; font-weight: bold;")
        closed = (f"{event.closed_on:%Y-%m-%d}　{event.result}" if event.closed_on else "")
        fill_details(self.details, [
            (self.tr("事件名称"), event.title),
            (self.tr("问题类别"), event.category),
            (self.tr("事件规模"), event.scale),
            (self.tr("涉及人数"), self.tr("{0} 人").format(event.people_involved) if event.people_involved else ""),
            (self.tr("发生时间"), local_time(event.occurred_at)),
            (self.tr("上报日期"), f"{event.reported_on:%Y-%m-%d}"),
            (self.tr("发生地点"), event.place),
            (self.tr("当事人"), event.party),
            (self.tr("所属网格"), grid_text(event.grid)),
            (self.tr("来源巡查"), source_patrol(event)),
            (self.tr("办结期限"), f"{event.due_on:%Y-%m-%d}"),
            (self.tr("承办单位或人员"), event.handler),
            (self.tr("处置情况"), event.handling),
            (self.tr("办结"), closed),
            (self.tr("评价"), event.rating),
        ])
        self.description.setPlainText(event.description)
        self.history_model.set_rows(events.steps(event))
        why_not = events.allowed_steps(self.user, event)
        for key, button in self.buttons.items():
            button.setEnabled(not why_not[key])
            button.setToolTip(why_not[key])

    def reload(self) -> GridEvent:
        try:
            fresh = events.get_event(self.user, self.grid_event.number)
        except Exception as exc:  # noqa: BLE001 - e.g. no longer in the user's grids: said, never lost
            show_problem(self, exc)
            return self.grid_event
        self.show_event(fresh)
        self.changed.emit(fresh)
        return fresh

    # --- steps --------------------------------------------------------------------------------------

    def _title(self, key: str) -> str:
        return self.tr("{0} — {1}").format(self.tr(STEP_NAMES[key]), self.grid_event.number)

    def accept_event(self) -> Step:
        return self.open_step(
            self._title("accept"),
            [("note", self.tr("受理意见"), line("", self.tr("如 经核实情况属实，予以受理（可不填）")))],
            lambda v: events.accept(self.user, self.grid_event, v["note"]), self.tr("受理"),
            self.tr("核实网格员上报的事件后受理，再分派给承办单位或人员。"))

    def assign(self) -> Step:
        e = self.grid_event
        today = date.today()
        new_due = OptionalDateEdit(self.tr("另定期限"), max(e.due_on, today))
        new_due.edit.setMinimumDate(QDate(today))
        return self.open_step(
            self._title("assign"),
            [("handler", self.tr("承办单位或人员 *"), line(e.handler, self.tr("如 镇综合执法办、石门村委、网格员刘小燕"))),
             ("due_on", self.tr("办结期限"), new_due),
             ("note", self.tr("分派说明"), line("", self.tr("如 请于三日内清理并反馈（可不填）")))],
            lambda v: events.assign(self.user, self.grid_event, v["handler"], v["due_on"], v["note"]), self.tr("分派"),
            self.tr("现办结期限为 {0:%Y-%m-%d}。需要时勾选“另定期限”并选择新的期限（不早于今天）。").format(e.due_on))

    def handle(self) -> Step:
        return self.open_step(
            self._title("handle"),
            [("handling", self.tr("处置情况 *"), text_box(self.tr("如何处置、处置结果（至少 4 个字）")))],
            lambda v: events.handle(self.user, self.grid_event, v["handling"]), self.tr("保存处置情况"),
            self.tr("承办：{0}。记录处置经过和结果，由网格长核查后办结。").format(self.grid_event.handler or "—"))

    def close_event(self) -> Step:
        today = date.today()
        return self.open_step(
            self._title("close"),
            [("result", self.tr("核查结果 *"), text_box(self.tr("核查处置结果，如 经现场核查已恢复通行"), 70)),
             ("on", self.tr("办结日期 *"), day_edit(today, self.grid_event.reported_on, today))],
            lambda v: events.close(self.user, self.grid_event, v["result"], v["on"]), self.tr("办结"),
            self.tr("处置情况：{0}").format(self.grid_event.handling or "—"))

    def rate(self) -> Step:
        return self.open_step(
            self._title("rate"),
            [("rating", self.tr("评价 *"), combo(EVENT_RATINGS)),
             ("comment", self.tr("评价说明"), line("", self.tr("如 群众认可处置结果（可不填）")))],
            lambda v: events.rate(self.user, self.grid_event, v["rating"], v["comment"]), self.tr("保存评价"),
            self.tr("按当事人或群众的反馈评价本事件的处置。"))


__all__ = ("EventDialog", "EventListPanel", "EventTableModel", "RecordDialog", "deadline_words", "fill_details")
