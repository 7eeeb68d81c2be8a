"""案件查询: the disputes a mediator may see, with filters and one search box (the hall's list machinery)."""

from __future__ import annotations


from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QWidget

from models import codes, exports
from models.accounts import User
from models.mediation import disputes
from models.mediation.disputes import DisputeFilter
from models.mediation.tables import DISPUTE_TYPES, MEDIATING, RISK_COLOURS, SOURCES, STATUSES, Dispute
from ui.lists import COUNT_CAP, KindListModel, ListPanel, choice_box, date_range


left_text = exports.days_left_text   # 剩 n 天 / 今日到期 / 超期 n 天 (the dialog, the home page, the patrol lists)


class DisputeTableModel(KindListModel):
    """Disputes for a filter; the columns are models.exports' 矛盾纠纷清单, which its 导出 Excel writes too."""

    kind = "disputes"
    state_columns = (7, 8, 9)

    def state(self, dispute: Dispute) -> str:
        return disputes.deadline(dispute, self.today)[1]


SCOPES = ("我的案件", "全部可见案件")


class DisputeListPanel(ListPanel):
    """Scope, filters and search over the disputes; Enter or a double click opens one; Ctrl+E exports them."""

    export_kind = "disputes"

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
