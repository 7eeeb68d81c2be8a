"""巡查日志: the patrols a worker may see (their grids', or all with ``patrol.all``), with filters and one
search box (the shared list machinery); Enter or a double click opens a patrol."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from models import codes
from models.accounts import User
from models.patrol import grids, patrols
from models.patrol.patrols import PatrolFilter
from models.patrol.tables import PATROL_TYPES, SHIFTS
from ui.lists import COUNT_CAP, KindListModel, ListPanel, choice_box, date_range


class PatrolTableModel(KindListModel):
    """Patrols for a filter; the columns (发现数 read once a page) are models.exports' 巡查日志清单, which its
    导出 Excel writes too."""

    kind = "patrols"


class PatrolListPanel(ListPanel):
    """Filters and search over the patrol logs; Ctrl+E exports them."""

    export_kind = "patrols"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(PatrolTableModel(user), (200, 100, 64, 130, 110, 110, 80, 64, 76, 260), parent)
        self.user = user
        self.search_edit.setPlaceholderText(self.tr("搜索巡查编号、地点、路线或参加人员"))
        self.shift = choice_box(self.tr("全部班次"), [(s, s) for s in SHIFTS])
        self.patrol_type = choice_box(self.tr("全部巡查类型"), [(n, n) for n in codes.names(PATROL_TYPES)])
        self.grid = choice_box(self.tr("全部网格"), [(f"{g.code}　{g.name}", g.id)
                                                     for g in grids.visible_grids(user, include_inactive=True)])
        self.grid.setVisible(user.can(grids.ALL))
        self.with_findings = QCheckBox(self.tr("仅看有发现的"))
        self.watch(self.shift, self.patrol_type, self.grid, self.with_findings)
        self.use_dates, self.date_from, self.date_to = date_range(self, self.tr("巡查日期"))
        second = [self.shift, self.patrol_type]
        if user.can(grids.ALL):
            second.append(self.grid)
        second += [self.use_dates, self.date_from, QLabel("—"), self.date_to, self.with_findings]
        self.build([self.search_edit], second,
                   self.tr("“发现数”为该次巡查登记的问题条数。在列表中按 Enter 或双击查看巡查日志。"))
        self.refresh()

    def current_filter(self) -> PatrolFilter:
        flt = PatrolFilter(text=self.search_edit.text(), patrol_type=self.patrol_type.currentData() or "",
                           shift=self.shift.currentData() or "", with_findings=self.with_findings.isChecked())
        if self.user.can(grids.ALL) and self.grid.currentData():
            flt.grid_id = self.grid.currentData()
        if self.use_dates.isChecked():
            flt.date_from = self.date_from.date().toPython()
            flt.date_to = self.date_to.date().toPython()
        return flt

    def count(self, flt: PatrolFilter) -> int:
        return patrols.count_patrols(self.user, flt, cap=COUNT_CAP)
