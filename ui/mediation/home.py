"""调解首页: what needs doing — referrals waiting, mediations near or past their 30 days, follow-ups due,
agreements still inside the 司法确认 window, petitions awaiting a reply, risk-meeting decisions open."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.accounts import User
from models.mediation import disputes, petitions
from ui.common import Column, shortcut
from ui.lists import WatchList
from ui.mediation.case_list import left_text


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


class MediationHome(QWidget):
    """Six watch lists; Enter or a double click opens the case or petition."""

    open_dispute = Signal(object)
    open_petition = Signal(object)
    new_dispute = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.today = date.today()
        self.summary = QLabel()
        self.summary.setProperty("role", "title")
        start = QPushButton(self.tr("登记纠纷（F2）"))
        start.clicked.connect(self.new_dispute)
        shortcut(Qt.Key_F2, self, self.new_dispute.emit, Qt.WidgetWithChildrenShortcut)

        def names(d):
            return "、".join(p.name for p in disputes.parties(d))

        def number(d):
            return d.number

        self.due_box = WatchList([
            Column(self.tr("案件编号"), number), Column(self.tr("当事人"), names),
            Column(self.tr("纠纷类型"), lambda d: d.dispute_type), Column(self.tr("期限"), lambda d: _day(d.due_on)),
            Column(self.tr("剩余"), lambda d: left_text(*disputes.deadline(d, self.today))),
        ], self.tr("没有即将到期或超期的调解案件。"))
        self.referral_box = WatchList([
            Column(self.tr("案件编号"), number), Column(self.tr("当事人"), names),
            Column(self.tr("上报说明"), lambda d: d.origin_note or d.facts[:30]),
        ], self.tr("没有待受理的网格上报。"))
        self.follow_box = WatchList([
            Column(self.tr("案件编号"), number), Column(self.tr("当事人"), names),
            Column(self.tr("应回访日期"), lambda d: _day(d.follow_up_due)),
        ], self.tr("没有到期的回访。"))
        self.confirm_box = WatchList([
            Column(self.tr("协议编号"), lambda d: d.agreement_number), Column(self.tr("当事人"), names),
            Column(self.tr("可申请至"), lambda d: _day(d.confirmation_due)),
        ], self.tr("没有在司法确认申请期内的协议。"))
        self.reply_box = WatchList([
            Column(self.tr("信访编号"), lambda p: p.number),
            Column(self.tr("信访人"), lambda p: "、".join(x.name for x in petitions.petitioners(p))),
            Column(self.tr("答复期限"), lambda p: _day(p.reply_due)),
            Column(self.tr("剩余"), lambda p: left_text(*petitions.deadline(p, self.today))),
        ], self.tr("没有待答复的信访。"))
        self.decision_box = WatchList([
            Column(self.tr("会议日期"), lambda r: _day(r.meeting.held_on)), Column(self.tr("决定"), lambda r: r.content),
            Column(self.tr("责任人"), lambda r: r.responsible), Column(self.tr("完成时限"), lambda r: _day(r.due_on)),
        ], self.tr("风险研判会的决定都已落实。"))
        for box in (self.due_box, self.referral_box, self.follow_box, self.confirm_box):
            box.activated.connect(self.open_dispute)
        self.reply_box.activated.connect(self.open_petition)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(start)
        grid = QGridLayout()
        for index, box in enumerate((self.due_box, self.referral_box, self.follow_box, self.confirm_box,
                                     self.reply_box, self.decision_box)):
            grid.addWidget(box, index // 2, index % 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self.setFocusProxy(self.due_box.table)

    def refresh(self, today: date | None = None) -> None:
        self.today = today or date.today()
        due = disputes.due_soon(self.user, self.today)
        late = [d for d in due if d.due_on < self.today]
        self.due_box.show_rows(due, self.tr("即将到期与超期（{0} 件）") if not late
                               else self.tr("即将到期与超期（{0} 件，其中超期 %d 件）") % len(late), alarm=bool(late))
        self.referral_box.show_rows(disputes.referrals(self.user), self.tr("待受理的网格上报（{0} 件）"))
        self.follow_box.show_rows(disputes.follow_ups_due(self.user, self.today), self.tr("待回访（{0} 件）"))
        self.confirm_box.show_rows(disputes.confirmations_open(self.user, self.today), self.tr("司法确认申请期内（{0} 件）"))
        replies = petitions.replies_due(self.user, self.today)
        self.reply_box.show_rows(replies, self.tr("信访待答复（{0} 件）"),
                                 alarm=any(p.reply_due < self.today for p in replies))
        decisions = petitions.open_decisions(self.user)
        self.decision_box.show_rows(decisions, self.tr("研判会决定未落实（{0} 项）"),
                                    alarm=any(r.due_on and r.due_on < self.today for r in decisions))
        self.summary.setText(self.tr("{0:%Y年%m月%d日}　调解中 {1} 件").format(
            self.today, disputes.count_disputes(self.user, disputes.DisputeFilter(statuses=(disputes.MEDIATING,)))))

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
