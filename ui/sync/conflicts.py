"""冲突: the records an import did not apply because both sides changed them, and the side-by-side dialog
where the admin keeps this post's version or takes the peer's (models.sync.resolve)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from models import sync
from models.errors import TownDeskError
from models.sync.catalog import describe
from ui.common import (
    ColourDelegate, Column, RecordTableModel, ask, hint, local_time, notice, paint_hint, shortcut, show_problem,
)
from ui.sync.dialogs import peer_text
from ui.sync.labels import compared_rows, table_label

DIFFERENT = "#fff3cd"        # a field whose two versions differ
DIFFERENT_TEXT = "#7a4f00"


class ConflictDialog(QDialog):
    """Both versions of one record side by side (项目 | 本站当前版本 | 对方版本), the fields that differ in
    yellow; 保留本站版本 or 采用对方版本 decide it (asked once more), 关闭 leaves it open. A decided conflict
    is shown read-only with who decided what."""

    def __init__(self, user, conflict, names: dict[str, str], parent=None):
        super().__init__(parent)
        self.user = user
        self.conflict = conflict
        self.decided: str | None = None
        what = describe(conflict.table, conflict.incoming or conflict.local)
        self.setWindowTitle(self.tr("数据冲突：{0}").format(what))
        layout = QVBoxLayout(self)
        title = QLabel(what)
        title.setProperty("role", "title")
        layout.addWidget(title)
        facts = QLabel(self.tr("对方站点：{0}　　冲突类型：{1}　　发现时间：{2}").format(
            peer_text(conflict.peer, names), conflict.kind_name, local_time(conflict.detected_at)))
        facts.setWordWrap(True)
        layout.addWidget(facts)
        if conflict.resolved_at is not None:
            layout.addWidget(notice(self.tr("已于 {0} 由 {1} 处理：{2}。").format(
                local_time(conflict.resolved_at), conflict.resolved_by or "", conflict.resolution_name), "info"))
        elif conflict.kind == "twin":
            layout.addWidget(notice(self.tr(
                "对方新登记的这条记录与本机另一条记录的唯一标识（如用户名、证件号码、编码）相同，两条记录都保留着。"
                "“保留本站版本”：本机记录不变，并在下次交换时发给对方；“采用对方版本”：用对方的内容替换本机那条记录。"),
                "warn"))
        else:
            layout.addWidget(notice(self.tr(
                "自上次交换以来，本站点和对方都修改了这条记录，两个版本都保留着，谁也没有覆盖谁。请核实后选择保留哪一个："
                "选中的版本会成为最新版本，下次交换时发给对方。"), "warn"))

        self.rows = compared_rows(user, conflict)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setItemDelegate(ColourDelegate(self.table))
        local_when = local_time(conflict.local_version, "—", "%Y-%m-%d %H:%M:%S")
        incoming_when = local_time(conflict.incoming_version, "—", "%Y-%m-%d %H:%M:%S")
        self.table.setHorizontalHeaderLabels([
            self.tr("项目"), self.tr("本站当前版本（修改于 {0}）").format(local_when),
            self.tr("对方版本（修改于 {0}）").format(incoming_when)])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.setAccessibleName(self.tr("两个版本逐项对照"))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        bold = QFont(self.font())
        bold.setBold(True)
        self.differing = sum(1 for entry in self.rows if entry.different and not entry.bookkeeping)
        for row, (label, mine, theirs, different, _bookkeeping) in enumerate(self.rows):
            for column, text in enumerate((label, mine, theirs)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if column else "")
                if different:
                    item.setBackground(QBrush(QColor(DIFFERENT)))
                    item.setForeground(QBrush(QColor(DIFFERENT_TEXT)))
                    if column == 0:
                        item.setFont(bold)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.only_different = QCheckBox(self.tr("只显示不同的项目(&D)"))
        self.only_different.toggled.connect(self._filter)
        summary = paint_hint(QLabel(self.tr("有 {0} 项内容不同，已用黄色标出（修改时间等登记信息列在最后）。").format(
            self.differing)), "warn")
        row.addWidget(self.only_different)
        row.addWidget(summary, 1)
        layout.addLayout(row)

        box = QDialogButtonBox()
        self.keep_local = box.addButton(self.tr("保留本站版本(&L)"), QDialogButtonBox.ActionRole)
        self.take_incoming = box.addButton(self.tr("采用对方版本(&T)"), QDialogButtonBox.ActionRole)
        self.close_button = box.addButton(self.tr("关闭"), QDialogButtonBox.RejectRole)
        for button in (self.keep_local, self.take_incoming):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.close_button.setDefault(True)
        self.keep_local.setToolTip(self.tr("本站点的版本不变，下次交换时发给对方"))
        self.take_incoming.setToolTip(self.tr("用对方的版本替换本站点的版本"))
        self.keep_local.clicked.connect(lambda: self.decide(sync.KEEP_LOCAL))
        self.take_incoming.clicked.connect(lambda: self.decide(sync.KEEP_INCOMING))
        box.rejected.connect(self.reject)
        if conflict.resolved_at is not None:
            self.keep_local.hide()
            self.take_incoming.hide()
        layout.addWidget(box)
        self.table.setFocus()
        self.resize(1100, 680)

    def _filter(self, only: bool) -> None:
        for row, entry in enumerate(self.rows):
            self.table.setRowHidden(row, only and not entry.different)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """(项目, 本站, 对方) of the rows shown, as the table shows them."""
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())
                if not self.table.isRowHidden(r)]

    def decide(self, keep: str) -> None:
        question = (self.tr("保留本站点的版本？对方的版本将被放弃，本站点的版本会在下次交换时发给对方。")
                    if keep == sync.KEEP_LOCAL else
                    self.tr("采用对方的版本？本站点当前的版本将被对方的版本替换（操作会记入操作日志）。"))
        if not ask(self, self.tr("处理冲突"), question):
            return
        try:
            sync.resolve(self.user, self.conflict.id, keep)
        except TownDeskError as exc:
            show_problem(self, exc)
            return
        except Exception as exc:  # noqa: BLE001 - a bug: reported, never a crash
            show_problem(self, exc)
            return
        self.decided = keep
        self.accept()


class ConflictsTab(QWidget):
    """The open conflicts (with a tick, the decided ones too), oldest first; Enter, a double click or
    查看并处理… opens one side by side."""

    changed = Signal()       # a conflict was decided

    def __init__(self, user, parent=None):
        super().__init__(parent)
        self.user = user
        self.names: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr(
            "导入数据包时，双方都修改过的记录不会被覆盖，而是列在这里。打开一条（回车或双击）可以逐项对照两个版本，"
            "再决定保留本站版本还是采用对方版本；决定后的版本会在下次交换时发给对方。")))
        row = QHBoxLayout()
        self.show_resolved = QCheckBox(self.tr("显示已处理的冲突(&D)"))
        self.show_resolved.toggled.connect(self.refresh)
        self.open_button = QPushButton(self.tr("查看并处理(&O)…"))
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_selected)
        self.count_label = hint()
        row.addWidget(self.show_resolved)
        row.addWidget(self.count_label, 1)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.model = RecordTableModel([
            Column(self.tr("数据表"), lambda c: table_label(c.table)),
            Column(self.tr("记录"), lambda c: describe(c.table, c.incoming or c.local, with_table=False)),
            Column(self.tr("对方站点"), lambda c: peer_text(c.peer, self.names)),
            Column(self.tr("冲突类型"), lambda c: c.kind_name),
            Column(self.tr("发现时间"), lambda c: local_time(c.detected_at)),
            Column(self.tr("处理结果"), lambda c: c.resolution_name if c.resolved_at else self.tr("未处理")),
            Column(self.tr("处理人"), lambda c: c.resolved_by or ""),
            Column(self.tr("处理时间"), lambda c: local_time(c.resolved_at)),
        ], self)
        from ui.settings.widgets import table

        self.table = table(self.model)
        self.table.setAccessibleName(self.tr("冲突列表"))
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self.open_selected, Qt.WidgetShortcut)
        layout.addWidget(self.table, 1)
        self.open_count = 0

    def refresh(self) -> None:
        try:
            rows = sync.conflicts(self.user, open_only=not self.show_resolved.isChecked())
            self.open_count = (sum(1 for c in rows if c.resolved_at is None) if self.show_resolved.isChecked()
                               else len(rows))
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            show_problem(self, exc)
            return
        self.names = {p.code: p.name for p in sync.peers()}
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("未处理 {0} 条").format(self.open_count) if self.open_count
                                 else self.tr("没有未处理的冲突"))
        self.open_button.setEnabled(bool(rows))

    def open_selected(self) -> None:
        conflict = self.table.selected()
        if conflict is None:
            if not self.model.rows:
                return
            self.table.select_row(0)
            conflict = self.table.selected()
        dialog = ConflictDialog(self.user, conflict, self.names, self)
        dialog.exec()
        if dialog.decided:
            self.refresh()
            self.changed.emit()
