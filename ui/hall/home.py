"""首页: what needs doing today — cases due today, overdue cases, and 差评 awaiting rectification."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.accounts import User
from models.hall import cases
from models.hall.calendar import work_calendar
from models.hall.cases import CaseFilter
from models.hall.tables import RATING_LEVELS
from ui.common import shortcut, Column, paint_hint
from ui.lists import WatchList
from ui.hall.case_list import left_text
from ui.hall.case_view import StepDialog, _line


class HallHome(QWidget):
    """今日到期 / 已超期 / 差评整改; Enter or a double click opens the case."""

    open_case = Signal(object)
    new_intake = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.step = None
        self.today = date.today()
        self.summary = QLabel()
        self.summary.setProperty("role", "title")
        start = QPushButton(self.tr("开始受理（F2）"))
        start.clicked.connect(self.new_intake)
        shortcut(Qt.Key_F2, self, self.new_intake.emit, Qt.WidgetWithChildrenShortcut)

        calendar = work_calendar()

        def left(case):
            return left_text(*cases.deadline(case, self.today, calendar))

        case_columns = [
            Column(self.tr("办件编号"), lambda c: c.number), Column(self.tr("申请人"), lambda c: c.applicant_name),
            Column(self.tr("办理事项"), lambda c: c.matter_name), Column(self.tr("状态"), lambda c: c.status),
            Column(self.tr("承诺日期"), lambda c: f"{c.promised_date:%Y-%m-%d}"), Column(self.tr("时限"), left),
            Column(self.tr("经办人"), lambda c: c.clerk_name),
        ]
        self.due_box = WatchList(case_columns, self.tr("今天没有到期的办件。"))
        self.overdue_box = WatchList(case_columns, self.tr("没有超期的办件。"))
        self.rectify_box = WatchList([
            Column(self.tr("办件编号"), lambda r: r.case.number), Column(self.tr("申请人"), lambda r: r.case.applicant_name),
            Column(self.tr("评价"), lambda r: RATING_LEVELS[r.overall]), Column(self.tr("群众反映"), lambda r: r.comment),
            Column(self.tr("整改期限"), lambda r: f"{r.rectify_due:%Y-%m-%d}"),
        ], self.tr("没有待整改的差评。"))
        self.rectify_box.layout().addWidget(paint_hint(QLabel(self.tr("选中后按 Enter 填写整改结果。"))))
        self.due_model, self.overdue_model, self.rectify_model = (
            b.model for b in (self.due_box, self.overdue_box, self.rectify_box))
        self.due_table, self.overdue_table, self.rectify_table = (
            b.table for b in (self.due_box, self.overdue_box, self.rectify_box))
        self.due_box.activated.connect(self.open_case)
        self.overdue_box.activated.connect(self.open_case)
        self.rectify_box.activated.connect(self.close_rectification)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(start)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.overdue_box, 1)
        layout.addWidget(self.due_box, 1)
        layout.addWidget(self.rectify_box, 1)
        layout.addStretch(0)
        self.setFocusProxy(self.overdue_table)

    def refresh(self, today: date | None = None) -> None:
        self.today = today or date.today()
        due = cases.due_today(self.user, self.today)
        late = cases.overdue(self.user, self.today)
        rectify = cases.open_rectifications(self.user)
        received = cases.count_cases(self.user, CaseFilter(date_from=self.today, date_to=self.today))
        boxes = ((self.due_box, due, self.tr("今日到期（{0} 件）")), (self.overdue_box, late, self.tr("已超期（{0} 件）")),
                 (self.rectify_box, rectify, self.tr("差评整改待办（{0} 件）")))
        for box, rows, title in boxes:
            box.show_rows(rows, title, alarm=box is self.overdue_box)
            self.layout().setStretchFactor(box, 1 if rows else 0)
        anything = any(rows for _box, rows, _title in boxes)
        self.layout().setStretch(self.layout().count() - 1, 0 if anything else 1)
        self.summary.setText(self.tr("{0:%Y年%m月%d日}　今日收件 {1} 件").format(self.today, received))

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()

    def close_rectification(self, *_args):
        rating = self.rectify_table.selected()
        if rating is None:
            return None
        self.step = StepDialog(
            self.tr("差评整改"), [("result", self.tr("整改结果 *"), _line())],
            lambda v: cases.close_rectification(self.user, rating, v["result"]), self.tr("整改完毕"),
            self.tr("办件 {0}，群众反映：{1}").format(rating.case.number, rating.comment), self)
        self.step.accepted.connect(self.refresh)
        self.step.open()
        return self.step
