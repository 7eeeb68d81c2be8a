"""案件查询: the disputes a mediator may see, with filters and one search box (the hall's list machinery)."""

from __future__ import annotations


from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QWidget

from models import codes
from models.accounts import User
from models.mediation import disputes
from models.mediation.disputes import DisputeFilter
from models.mediation.tables import DISPUTE_TYPES, MEDIATING, RISK_COLOURS, SOURCES, STATUSES, Dispute
from ui.lists import COUNT_CAP, ListPanel, UserListModel, choice_box, date_range


def left_text(left: int | None, state: str) -> str:
    """Days left of a running mediation, as the list and the dialog show it."""
    if left is None:
        return ""
    if left < 0:
        return f"超期 {-left} 天"
    if left == 0:
        return "今日到期"
    return f"剩 {left} 天"


class DisputeTableModel(UserListModel):
    headers = ["案件编号", "当事人", "纠纷类型", "来源", "受理日期", "风险", "调解员", "状态", "期限", "剩余"]
    state_columns = (7, 8, 9)
    filter_type = DisputeFilter

    def __init__(self, user: User, parent=None):
        super().__init__(user, parent)
        self._names: dict[str, str] = {}

    def fetch(self, flt: DisputeFilter, before_id: int | None, limit: int) -> list[Dispute]:
        return disputes.list_disputes(self.user, flt, before_id=before_id, limit=limit)

    def _mediator_names(self, usernames) -> str:
        from models import accounts

        shown = []
        for name in usernames:
            if name not in self._names:
                user = accounts.get_user(name)
                self._names[name] = user.display_name if user else name
            shown.append(self._names[name])
        return "、".join(shown)

    def cells(self, dispute: Dispute) -> tuple[str, ...]:
        sides = disputes.parties(dispute)
        names = " 诉 ".join("、".join(p.name for p in sides if p.side == side) for side in ("申请人", "被申请人"))
        left, _state = disputes.deadline(dispute, self.today)
        return (dispute.number, names, dispute.dispute_type, dispute.source, f"{dispute.accepted_on:%Y-%m-%d}",
                dispute.risk_colour, self._mediator_names(dispute.mediators), dispute.status,
                f"{dispute.due_on:%Y-%m-%d}" if dispute.due_on else "", left_text(left, _state))

    def state(self, dispute: Dispute) -> str:
        return disputes.deadline(dispute, self.today)[1]


SCOPES = ("我的案件", "全部可见案件")


class DisputeListPanel(ListPanel):
    """Scope, filters and search over the disputes; Enter or a double click opens one."""

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(DisputeTableModel(user), (190, 220, 120, 90, 90, 50, 110, 80, 90, 80), parent)
        self.user = user
        self.search_edit.setPlaceholderText(self.tr("搜索案件编号、协议编号、当事人姓名、证件号码或电话（一个字也可以）"))
        self.scope = QComboBox()
        self.scope.addItems([self.tr(s) for s in SCOPES])
        self.scope.setCurrentIndex(1)
        self.status = choice_box(self.tr("全部状态"), [(s, (s,)) for s in STATUSES])
        self.dispute_type = choice_box(self.tr("全部类型"), [(n, n) for n in codes.names(DISPUTE_TYPES)])
        self.source = choice_box(self.tr("全部来源"), [(s, s) for s in SOURCES])
        self.risk = choice_box(self.tr("全部风险等级"), [(n, n) for n in codes.names(RISK_COLOURS)])
        self.only_running = QCheckBox(self.tr("仅调解中"))
        self.watch(self.scope, self.status, self.dispute_type, self.source, self.risk, self.only_running)
        self.use_dates, self.date_from, self.date_to = date_range(self, self.tr("受理日期"))
        self.build([self.scope, self.search_edit],
                   [self.status, self.dispute_type, self.source, self.risk, self.use_dates, self.date_from,
                    QLabel("—"), self.date_to, self.only_running],
                   self.tr("底色：红 已超期　橙 今日到期　黄 五天内到期（调解期限一般为受理后 30 天）。"
                           "在列表中按 Enter 或双击查看案件。"))

    def current_filter(self) -> DisputeFilter:
        statuses = tuple(self.status.currentData() or ())
        if self.only_running.isChecked():
            statuses = (MEDIATING,)
        flt = DisputeFilter(text=self.search_edit.text(), statuses=statuses,
                            dispute_type=self.dispute_type.currentData() or "", source=self.source.currentData() or "",
                            risk_colour=self.risk.currentData() or "", mine=self.scope.currentIndex() == 0)
        if self.use_dates.isChecked():
            flt.date_from = self.date_from.date().toPython()
            flt.date_to = self.date_to.date().toPython()
        return flt

    def count(self, flt: DisputeFilter) -> int:
        return disputes.count_disputes(self.user, flt, cap=COUNT_CAP)
