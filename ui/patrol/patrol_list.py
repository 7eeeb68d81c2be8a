"""巡查日志: the patrols a worker may see (their grids', or all with ``patrol.all``), with filters and one
search box (the shared list machinery); Enter or a double click opens a patrol."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from models import codes
from models.accounts import User
from models.patrol import grids, patrols
from models.patrol.patrols import PatrolFilter
from models.patrol.tables import PATROL_TYPES, SHIFTS, PatrolLog
from ui.lists import COUNT_CAP, ListPanel, PagedTableModel, choice_box, date_range


class PatrolTableModel(PagedTableModel):
    headers = ["巡查编号", "日期", "班次", "时间", "类型", "网格", "带队人", "人次", "发现数", "地点/路线"]

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        self.filter = PatrolFilter()
        self.counts: dict[int, int] = {}

    def fetch(self, flt: PatrolFilter, before_id: int | None, limit: int) -> list[PatrolLog]:
        rows = patrols.list_patrols(self.user, flt, before_id=before_id, limit=limit)
        # one query per page for the finding counts; cells() reads them row by row (a first page starts afresh:
        # a finding added later changes the count)
        counts = patrols.finding_counts([row.id for row in rows])
        if before_id is None:
            self.counts = counts
        else:
            self.counts.update(counts)
        return rows

    def cells(self, patrol: PatrolLog) -> tuple[str, ...]:
        found = self.counts.get(patrol.id, 0)
        return (patrol.number, f"{patrol.patrol_date:%Y-%m-%d}", patrol.shift, patrols.local_times(patrol),
                patrol.patrol_type, "、".join(patrol.grid_codes or ()), patrol.leader, str(patrol.person_times),
                str(found) if found else "—", patrol.route.replace("\n", " "))


class PatrolListPanel(ListPanel):
    """Filters and search over the patrol logs."""

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
