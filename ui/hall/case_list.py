"""办件查询: 今日受理 / 我的办件 / 全部办件 with filters and one search box.

The table model fetches pages as the view scrolls (keyset paging in models.hall.cases), so a list
over a million cases opens as fast as one over ten.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from models.accounts import User
from models.errors import TownDeskError
from models.hall import cases, matters
from models.hall.calendar import work_calendar
from models.hall.cases import CaseFilter
from models.hall.catalogue import MATTER_CLASSES
from models.hall.tables import CHANNELS, OPEN_STATUSES, STATUSES, ServiceCase
from models.people import shown_id
from ui.lists import PagedTableModel
from ui.common import debounced, shortcut, RecordTable, paint_hint, run_quietly, show_problem

COUNT_CAP = 10_000   # counting stops here: a one-character search over a million cases answers at once


def left_text(left: int | None, state: str) -> str:
    if left is None:
        return ""
    if state == cases.OVERDUE:
        return f"超期 {-left} 个工作日" if left < 0 else "已超期"
    if state == cases.DUE_TODAY:
        return "今日到期"
    return f"剩 {left} 个工作日"


class CaseTableModel(PagedTableModel):
    """Cases for a filter, newest first, fetched a page at a time as the view needs them."""

    headers = ["办件编号", "申请人", "证件号码", "办理事项", "类别", "渠道", "收件日期", "状态", "承诺日期", "剩余时限"]
    state_columns = (7, 8, 9)

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        self.filter = CaseFilter()
        self.reset_caches()

    def reset_caches(self, today: date | None = None) -> None:
        self.today = today or date.today()
        self.calendar = work_calendar()
        self._deadlines: dict[int, tuple] = {}

    def fetch(self, flt: CaseFilter, before_id: int | None, limit: int) -> list[ServiceCase]:
        return cases.list_cases(self.user, flt, before_id=before_id, limit=limit)

    def deadline(self, case: ServiceCase) -> tuple[int | None, str]:
        if case.id not in self._deadlines:
            self._deadlines[case.id] = cases.deadline(case, self.today, self.calendar)
        return self._deadlines[case.id]

    def cells(self, case: ServiceCase) -> tuple[str, ...]:
        return (case.number, case.applicant_name, shown_id(self.user, case.applicant_id_number), case.matter_name,
                case.matter_class, case.channel, f"{case.received_on:%Y-%m-%d}", case.status,
                f"{case.promised_date:%Y-%m-%d}" if case.promised_date else "", left_text(*self.deadline(case)))

    def state(self, case: ServiceCase) -> str:
        return self.deadline(case)[1]


SCOPES = ("今日受理", "我的办件", "全部办件")


class CaseListPanel(QWidget):
    """Scope, filters and search over the cases; Enter or a double click opens one."""

    open_case = Signal(object)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.scope = QComboBox()
        self.scope.addItems(SCOPES)
        self.scope.setCurrentIndex(2)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(self.tr("搜索办件编号、姓名、证件号码或电话（一个字也可以）"))
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), ())
        self.status.addItem(self.tr("在办（已受理、办理中）"), OPEN_STATUSES)
        for status in STATUSES:
            self.status.addItem(status, (status,))
        self.matter_class = QComboBox()
        self.matter_class.addItem(self.tr("全部类别"), "")
        for name in MATTER_CLASSES:
            self.matter_class.addItem(name, name)
        self.matter = QComboBox()
        self.matter.addItem(self.tr("全部事项"), "")
        for row in matters.list_matters(include_inactive=True):
            self.matter.addItem(f"{row.code} {row.name}", row.code)
        self.matter.setMaximumWidth(260)
        self.channel = QComboBox()
        self.channel.addItem(self.tr("全部渠道"), "")
        for name in CHANNELS:
            self.channel.addItem(name, name)
        self.use_dates = QCheckBox(self.tr("收件日期"))
        self.date_from = QDateEdit(QDate.currentDate().addMonths(-1))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.only_overdue = QCheckBox(self.tr("仅超期"))
        self.count_label = QLabel()
        self._counting = 0
        self.error_label = paint_hint(QLabel(), "error")
        self.error_label.hide()

        self.model = CaseTableModel(user, self)
        self.table = RecordTable(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        for column, width in enumerate((190, 80, 160, 260, 70, 90, 90, 70, 90, 110)):
            self.table.setColumnWidth(column, width)

        filters = QHBoxLayout()
        for widget in (self.scope, self.search_edit):
            filters.addWidget(widget)
        filters.setStretch(1, 1)
        second = QHBoxLayout()
        for widget in (self.status, self.matter_class, self.matter, self.channel, self.use_dates, self.date_from, QLabel("—"),
                       self.date_to, self.only_overdue):
            second.addWidget(widget)
        second.addStretch(1)
        legend = paint_hint(QLabel(self.tr("底色：红 已超期　橙 今日到期　黄 两个工作日内到期。"
                                           "在列表中按 Enter 或双击查看办件。")))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(legend)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(second)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.search_edit)

        self.timer = debounced(self, self.refresh, 250)
        self.search_edit.textChanged.connect(self.timer.start)
        self.search_edit.returnPressed.connect(self._enter_table)
        for combo in (self.scope, self.status, self.matter_class, self.matter, self.channel):
            combo.currentIndexChanged.connect(self.timer.start)
        for box in (self.use_dates, self.only_overdue):
            box.toggled.connect(self.timer.start)
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.timer.start)
        self.table.doubleClicked.connect(self._open_selected)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self._open_selected, Qt.WidgetShortcut)

    def current_filter(self) -> CaseFilter:
        today = date.today()
        scope = self.scope.currentText()
        flt = CaseFilter(text=self.search_edit.text(), statuses=tuple(self.status.currentData() or ()),
                         matter_class=self.matter_class.currentData() or "", channel=self.channel.currentData() or "",
                         matter_code=self.matter.currentData() or "",
                         mine=scope == "我的办件", overdue_on=today if self.only_overdue.isChecked() else None)
        if scope == "今日受理":
            flt.date_from = flt.date_to = today
        elif self.use_dates.isChecked():
            flt.date_from = self.date_from.date().toPython()
            flt.date_to = self.date_to.date().toPython()
        return flt

    def set_scope(self, scope: str) -> None:
        self.scope.setCurrentText(scope)
        self.refresh()

    def refresh(self) -> None:
        """Show the first page at once; the 共 N 件 under it is counted off the GUI thread."""
        self.timer.stop()
        flt = self.current_filter()
        try:
            self.model.set_filter(flt)
        except TownDeskError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            return
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.error_label.hide()
        self._counting += 1
        if self.model.exhausted:   # everything is on the first page: no need to count
            self._show_count((self._counting, self.model.rowCount()))
            return
        self.count_label.setText(self.tr("正在统计件数……"))
        asked, user = self._counting, self.user
        run_quietly(lambda: (asked, cases.count_cases(user, flt, cap=COUNT_CAP)), self._show_count,
                    self._count_failed)

    def _show_count(self, answer: tuple[int, int]) -> None:
        asked, total = answer
        if asked != self._counting:   # the filter changed while counting
            return
        self.count_label.setText(self.tr("共 {0:,} 件").format(total) if total <= COUNT_CAP
                                 else self.tr("超过 {0:,} 件，请用筛选条件缩小范围").format(COUNT_CAP))

    def _count_failed(self, exc: BaseException) -> None:
        self.count_label.setText("")
        show_problem(self, exc)

    def _enter_table(self) -> None:
        self.refresh()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.select_row(0)

    def _open_selected(self) -> None:
        case = self.table.selected()
        if case is not None:
            self.open_case.emit(case)
