"""群众求助: the help requests grid workers took — the list and one request with 办结 (how it was closed and
what was done) while it is 处理中. Most are closed on the spot when the patrol is logged."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from models import accounts, exports
from models.accounts import User
from models.patrol import helps
from models.patrol.tables import HELP_CLOSED, HELP_CLOSINGS, HELP_OPEN, HelpRequest
from ui.common import show_problem
from ui.lists import COUNT_CAP, KindListModel, ListPanel, choice_box, date_range
from ui.mediation.case_view import Step
from ui.patrol.events import RecordDialog, combo, day_edit, fill_details, grid_text, source_patrol, step_buttons, text_box


HelpFilter = exports.HelpFilter


def user_name(username: str) -> str:
    user = accounts.get_user(username)
    return user.display_name if user else username


def one_line(text: str, length: int = 40) -> str:
    shown = " ".join((text or "").split())
    return shown if len(shown) <= length else shown[:length - 1] + "…"


class HelpTableModel(KindListModel):
    """Help requests for a filter; the columns are models.exports' 群众求助清单, which its 导出 Excel writes too."""

    kind = "helps"


class HelpListPanel(ListPanel):
    """Search, status and dates over the help requests of the user's grids; Enter or a double click opens one;
    Ctrl+E exports them."""

    export_kind = "helps"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(HelpTableModel(user), (200, 90, 90, 110, 90, 300, 70, 110, 90), parent)
        self.user = user
        self.search_edit.setPlaceholderText(self.tr("搜索求助编号、求助人、电话或求助事项"))
        self.status = choice_box(self.tr("全部状态"), [(s, s) for s in (HELP_OPEN, HELP_CLOSED)])
        self.watch(self.status)
        self.use_dates, self.date_from, self.date_to = date_range(self, self.tr("求助日期"))
        self.build([self.search_edit], [self.status, self.use_dates, self.date_from, QLabel("—"), self.date_to],
                   self.tr("“处理中”的求助办结后请登记办结情况。在列表中按 Enter 或双击查看求助。"))

    def current_filter(self) -> HelpFilter:
        flt = HelpFilter(text=self.search_edit.text(), status=self.status.currentData() or "")
        if self.use_dates.isChecked():
            flt.date_from = self.date_from.date().toPython()
            flt.date_to = self.date_to.date().toPython()
        return flt

    def count(self, flt: HelpFilter) -> int:
        return helps.count_requests(self.user, flt.text, flt.status, flt.date_from, flt.date_to, cap=COUNT_CAP)


class HelpDialog(RecordDialog):
    """One help request, got through ``helps.get_request``: who asked for what, and 办结 while 处理中."""

    def __init__(self, user: User, request: HelpRequest, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.request = request
        self.setWindowTitle(self.tr("群众求助 {0}").format(request.number))
        self.need = text_box(height=60)
        self.need.setReadOnly(True)
        self.buttons = step_buttons(self.steps_row, [("close", self.tr("办结…"), self.close_request)])
        detail_box = QGroupBox(self.tr("求助信息"))
        detail_box.setLayout(self.details)
        need_box = QGroupBox(self.tr("求助事项"))
        QVBoxLayout(need_box).addWidget(self.need)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top_row())
        layout.addWidget(detail_box)
        layout.addWidget(need_box, 1)
        layout.addLayout(self.bottom_row())
        self.resize(820, 520)
        self.show_request(request)
        self.focus_first_step()

    def show_request(self, r: HelpRequest) -> None:
        self.request = r
        self.heading.setText(f"{r.number}　{r.status}")
        self.deadline_label.setText(self.tr("{0:%Y-%m-%d} 由{1}办结").format(r.closed_on, r.closed_by)
                                    if r.closed_on else "")
        self.deadline_label.setStyleSheet("color: #2e7d32; font-weight: bold;" if r.closed_on else "")
        fill_details(self.details, [
            (self.tr("求助人"), r.requester),
            (self.tr("联系电话"), r.phone),
            (self.tr("住址"), r.address),
            (self.tr("求助类别"), r.help_type),
            (self.tr("求助日期"), f"{r.asked_on:%Y-%m-%d}"),
            (self.tr("所属网格"), grid_text(r.grid)),
            (self.tr("来源巡查"), source_patrol(r)),
            (self.tr("登记人"), user_name(r.created_by)),
            (self.tr("办结方式"), r.closing),
            (self.tr("办结日期"), f"{r.closed_on:%Y-%m-%d}" if r.closed_on else ""),
            (self.tr("办结情况"), r.result),
        ])
        self.need.setPlainText(r.need)
        closable = r.status == HELP_OPEN
        self.buttons["close"].setEnabled(closable)
        self.buttons["close"].setToolTip("" if closable else self.tr("该求助已办结。"))

    def reload(self) -> HelpRequest:
        try:
            fresh = helps.get_request(self.user, self.request.number)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return self.request
        self.show_request(fresh)
        self.changed.emit(fresh)
        return fresh

    def close_request(self) -> Step:
        r = self.request
        today = date.today()
        return self.open_step(
            self.tr("办结 — {0}").format(r.number),
            [("closing", self.tr("办结方式 *"), combo(HELP_CLOSINGS)),
             ("result", self.tr("办结情况 *"), text_box(self.tr("做了什么、结果如何，如 联系村卫生室车辆送医"), 80)),
             ("on", self.tr("办结日期 *"), day_edit(today, r.asked_on, today))],
            lambda v: helps.close(self.user, self.request, v["closing"], v["result"], v["on"]), self.tr("办结"),
            self.tr("{0}求助：{1}").format(r.requester, one_line(r.need, 60)))


__all__ = ("HelpDialog", "HelpListPanel", "HelpTableModel")
