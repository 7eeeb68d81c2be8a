"""网格巡查首页: what needs doing — hazards past or near their deadline (and those waiting for 复查), events
due, help requests still open, today's patrols, care visits due and (for users with ``patrol.sensitive``)
key-person follow-ups due — and the big button to write up a patrol (Ctrl+N)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.accounts import User
from models.deadlines import DUE_TODAY, OVERDUE
from models.patrol import events, grids, hazards, helps, patrols, registers
from models.patrol.common import local_today
from models.patrol.patrols import PatrolFilter
from models.patrol.tables import HZ_RECTIFIED
from ui.common import Column, paint_hint, shortcut
from ui.lists import WatchList


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def left_text(left: int | None, state: str) -> str:
    """Days left on a running deadline: 超期 3 天 / 今日到期 / 剩 2 天."""
    if left is None:
        return ""
    if state == OVERDUE or left < 0:
        return f"超期 {-left} 天"
    if state == DUE_TODAY or left == 0:
        return "今日到期"
    return f"剩 {left} 天"


class PatrolHome(QWidget):
    """The area's watch lists; Enter or a double click opens the record."""

    open_patrol = Signal(object)
    open_event = Signal(object)
    open_hazard = Signal(object)
    open_help = Signal(object)
    open_care = Signal(object)          # a CareSubject (关爱走访到期)
    open_key_person = Signal(object)    # a KeyPerson (重点人员随访到期; patrol.sensitive only)
    new_patrol = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.today = local_today()
        self.sensitive = user.can(grids.SENSITIVE)
        self.counts: dict[int, int] = {}
        self.summary = QLabel()
        self.summary.setProperty("role", "title")
        self.start = QPushButton(self.tr("登记巡查日志（Ctrl+N）"))
        self.start.setProperty("class", "success")
        self.start.setMinimumHeight(44)
        self.start.setMinimumWidth(240)
        self.start.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.start.clicked.connect(self.new_patrol)
        shortcut("Ctrl+N", self, self.new_patrol.emit, Qt.WidgetWithChildrenShortcut)

        def hazard_left(h):
            if h.status == HZ_RECTIFIED:
                return self.tr("已整改，待复查")
            return left_text(*hazards.deadline(h, self.today))

        self.overdue_box = WatchList([
            Column(self.tr("隐患编号"), lambda h: h.number), Column(self.tr("地点"), lambda h: h.place),
            Column(self.tr("责任人"), lambda h: h.responsible),
            Column(self.tr("整改期限"), lambda h: f"{h.deadline:%m-%d}　{hazard_left(h)}"),
        ], self.tr("没有逾期未整改的隐患。"))
        self.due_box = WatchList([
            Column(self.tr("隐患编号"), lambda h: h.number), Column(self.tr("类别"), lambda h: h.category),
            Column(self.tr("地点"), lambda h: h.place),
            Column(self.tr("整改期限"), lambda h: f"{h.deadline:%m-%d}　{hazard_left(h)}"),
        ], self.tr("没有即将到期或待复查的隐患。"))
        self.event_box = WatchList([
            Column(self.tr("事件编号"), lambda e: e.number), Column(self.tr("事件名称"), lambda e: e.title),
            Column(self.tr("状态"), lambda e: e.status), Column(self.tr("办结期限"), lambda e: _day(e.due_on)),
            Column(self.tr("剩余"), lambda e: left_text(*events.deadline(e, self.today))),
        ], self.tr("没有即将到期的事件。"))
        self.help_box = WatchList([
            Column(self.tr("求助编号"), lambda r: r.number), Column(self.tr("求助人"), lambda r: r.requester),
            Column(self.tr("类别"), lambda r: r.help_type), Column(self.tr("求助日期"), lambda r: _day(r.asked_on)),
            Column(self.tr("求助事项"), lambda r: r.need.replace("\n", " ")),
        ], self.tr("没有未办结的群众求助。"))
        self.today_box = WatchList([
            Column(self.tr("巡查编号"), lambda p: p.number), Column(self.tr("班次"), lambda p: p.shift),
            Column(self.tr("时间"), patrols.local_times), Column(self.tr("类型"), lambda p: p.patrol_type),
            Column(self.tr("带队人"), lambda p: p.leader),
            Column(self.tr("发现"), lambda p: self.tr("{0} 条").format(self.counts.get(p.id, 0))),
        ], self.tr("今天还没有登记巡查。"))
        self.care_box = WatchList([
            Column(self.tr("姓名"), lambda r: r["name"]), Column(self.tr("类别"), lambda r: r["groups"]),
            Column(self.tr("等级"), lambda r: r["colour"]), Column(self.tr("帮扶人"), lambda r: r["helper"]),
            Column(self.tr("应走访日期"), lambda r: r["next_due"]), Column(self.tr("状态"), lambda r: r["state"]),
        ], self.tr("没有到期的关爱走访。"))
        self.key_box = None
        if self.sensitive:
            self.key_box = WatchList([
                Column(self.tr("姓名"), lambda r: r["name"]), Column(self.tr("类别"), lambda r: r["category"]),
                Column(self.tr("危险性等级"), lambda r: r["danger_level"]),
                Column(self.tr("管控责任人"), lambda r: r["responsible"]),
                Column(self.tr("应随访日期"), lambda r: r["next_due"]), Column(self.tr("状态"), lambda r: r["state"]),
            ], self.tr("没有到期的重点人员随访。"))
            self.key_box.activated.connect(lambda row: self.open_key_person.emit(row["record"]))

        self.overdue_box.activated.connect(self.open_hazard)
        self.due_box.activated.connect(self.open_hazard)
        self.event_box.activated.connect(self.open_event)
        self.help_box.activated.connect(self.open_help)
        self.today_box.activated.connect(self.open_patrol)
        self.care_box.activated.connect(lambda row: self.open_care.emit(row["record"]))

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.start)
        self.boxes = [self.overdue_box, self.due_box, self.event_box, self.help_box, self.today_box, self.care_box]
        if self.key_box is not None:
            self.boxes.append(self.key_box)
        grid = QGridLayout()
        for index, box in enumerate(self.boxes):
            grid.addWidget(box, index // 2, index % 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addWidget(paint_hint(QLabel(self.tr("Tab 在各清单间移动，Enter 或双击打开；Ctrl+N 登记巡查日志。"))))
        self.setFocusProxy(self.overdue_box.table)

    def refresh(self, today: date | None = None) -> None:
        self.today = today or local_today()
        late = hazards.overdue(self.user, self.today)
        self.overdue_box.show_rows(late, self.tr("逾期未整改的隐患（{0} 处）"), alarm=True)
        soon = [h for h in hazards.due_soon(self.user, self.today) if h not in late]
        self.due_box.show_rows(soon, self.tr("即将到期的隐患和待复查（{0} 处）"))
        due_events = events.due_soon(self.user, self.today)
        self.event_box.show_rows(due_events, self.tr("待办事件（{0} 件）"),
                                 alarm=any(e.due_on < self.today for e in due_events))
        self.help_box.show_rows(helps.open_requests(self.user), self.tr("未办结的群众求助（{0} 件）"))
        todays = patrols.list_patrols(self.user, PatrolFilter(date_from=self.today, date_to=self.today), limit=50)
        self.counts = patrols.finding_counts([p.id for p in todays])
        self.today_box.show_rows(todays, self.tr("今日巡查（{0} 次）"))
        subjects = registers.care_visits_due(self.user, self.today)
        care = [dict(row, record=s) for s, row in zip(subjects, registers.care_rows(self.user, subjects, self.today))]
        self.care_box.show_rows(care, self.tr("关爱走访到期（{0} 人）"),
                                alarm=any(row["state"] == OVERDUE for row in care))
        if self.key_box is not None:
            persons = registers.key_visits_due(self.user, self.today)
            due_keys = [dict(row, record=p)
                        for p, row in zip(persons, registers.key_rows(self.user, persons, self.today))]
            self.key_box.show_rows(due_keys, self.tr("重点人员随访到期（{0} 人）"),
                                   alarm=any(row["state"] == OVERDUE for row in due_keys))
        self.summary.setText(self.tr("{0:%Y年%m月%d日}　今日巡查 {1} 次，逾期隐患 {2} 处").format(
            self.today, len(todays), len(late)))

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
