"""办件查询: 今日受理 / 我的办件 / 全部办件 with filters and one search box.

The table model fetches pages as the view scrolls (keyset paging in models.hall.cases), so a list
over a million cases opens as fast as one over ten.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QLabel, QWidget,
)

from models import exports
from models.accounts import User
from models.hall import cases, matters
from models.hall.cases import CaseFilter
from models.hall.catalogue import MATTER_CLASSES
from models.hall.tables import CHANNELS, OPEN_STATUSES, STATUSES, ServiceCase
from ui.lists import COUNT_CAP, KindListModel, ListPanel, choice_box, date_range  # noqa: F401 (COUNT_CAP for bench)

left_text = exports.workdays_left_text   # 剩 n 个工作日 / 今日到期 / 超期 n 个工作日 (the dialog and home page too)


class CaseTableModel(KindListModel):
    """Cases for a filter, newest first, fetched a page at a time as the view needs them; the columns are
    models.exports' 办件清单, which its 导出 Excel writes too."""

    kind = "cases"
    state_columns = (7, 8, 9)

    def deadline(self, case: ServiceCase) -> tuple[int | None, str]:
        return exports.case_deadline(self.context, case)

    def state(self, case: ServiceCase) -> str:
        return self.deadline(case)[1]


SCOPES = ("今日受理", "我的办件", "全部办件")


class CaseListPanel(ListPanel):
    """Scope, filters and search over the cases; Enter or a double click opens one; Ctrl+E exports them."""

    export_kind = "cases"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(CaseTableModel(user), (190, 80, 160, 260, 70, 90, 90, 70, 90, 110), parent)
        self.user = user
        self.search_edit.setPlaceholderText(self.tr("搜索办件编号、姓名、证件号码或电话（一个字也可以）"))
        self.scope = QComboBox()
        self.scope.addItems(SCOPES)
        self.scope.setCurrentIndex(2)
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), ())
        self.status.addItem(self.tr("在办（已受理、办理中）"), OPEN_STATUSES)
        for status in STATUSES:
            self.status.addItem(status, (status,))
        self.matter_class = choice_box(self.tr("全部类别"), [(name, name) for name in MATTER_CLASSES])
        self.matter = choice_box(self.tr("全部事项"), [(f"{row.code} {row.name}", row.code)
                                                   for row in matters.list_matters(include_inactive=True)])
        self.matter.setMaximumWidth(260)
        self.channel = choice_box(self.tr("全部渠道"), [(name, name) for name in CHANNELS])
        self.only_overdue = QCheckBox(self.tr("仅超期"))
        self.watch(self.scope, self.status, self.matter_class, self.matter, self.channel, self.only_overdue)
        self.use_dates, self.date_from, self.date_to = date_range(self, self.tr("收件日期"))
        self.build([self.scope, self.search_edit],
                   [self.status, self.matter_class, self.matter, self.channel, self.use_dates, self.date_from,
                    QLabel("—"), self.date_to, self.only_overdue],
                   self.tr("底色：红 已超期　橙 今日到期　黄 两个工作日内到期。在列表中按 Enter 或双击查看办件。"))

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

    def count(self, flt: CaseFilter) -> int:
        return cases.count_cases(self.user, flt, cap=COUNT_CAP)

    def set_scope(self, scope: str) -> None:
        self.scope.setCurrentText(scope)
        self.refresh()
