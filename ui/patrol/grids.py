"""网格: the grids of the post with their workers and the coverage figure (网格员覆盖率). The 网格长 (``patrol.all``)
adds and changes grids and assigns workers (专职 / 兼职); a grid worker sees their own grids, read-only.

In the grid form Enter moves to the next field, Space ticks a worker, Ctrl+Enter saves; an error names its
field and the cursor goes there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget,
)

from models import accounts
from models.accounts import User
from models.errors import TownDeskError
from models.patrol import grids
from models.patrol.grids import GridEntry
from models.patrol.tables import WORKER_KINDS, Grid
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, ask, dialog_buttons, hint, notice, paint_hint, set_read_only,
    shortcut, show_problem,
)
from ui.mediation.petitions import is_enter

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


def worker_candidates() -> list[User]:
    """Active users who may patrol (the 网格巡查 permission), by name. models.accounts has no "users holding a
    permission" query: every live user is read and filtered (as the mediation screens do)."""
    users = [u for u in accounts.list_users() if u.active and u.can(grids.USE)]
    users.sort(key=lambda u: (u.display_name, u.username))
    return users


class MemberRow:
    """One worker who may be assigned: ticked or not, and 专职 / 兼职."""

    def __init__(self, username: str, label: str, kind: str | None):
        self.username = username
        self.check = QCheckBox(label)
        self.kind = QComboBox()
        for text in WORKER_KINDS:
            self.kind.addItem(text, text)
        self.check.setChecked(kind is not None)
        if kind in WORKER_KINDS:
            self.kind.setCurrentIndex(WORKER_KINDS.index(kind))
        self.kind.setEnabled(kind is not None)
        self.check.toggled.connect(self.kind.setEnabled)


class GridDialog(QDialog):
    """Add a grid (none given) or change one (its code stays). `saved(grid)` after saving."""

    saved = Signal(object)

    def __init__(self, user: User, grid: Grid | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.grid = grid
        self.result_value = None
        self.setWindowTitle(self.tr("修改网格 — {0}").format(grid.code) if grid else self.tr("新增网格"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("如 DT-01（大写字母、数字或“-”，最多 16 位）"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("如 打通村第一网格"))
        self.village = QLineEdit()
        self.village.setPlaceholderText(self.tr("网格所在的村或社区，如 打通村"))
        self.households = QSpinBox()
        self.households.setRange(0, 1_000_000)
        self.households.setSuffix(self.tr(" 户"))
        self.population = QSpinBox()
        self.population.setRange(0, 1_000_000)
        self.population.setSuffix(self.tr(" 人"))
        self.area_note = QLineEdit()
        self.area_note.setPlaceholderText(self.tr("如 东至河堤，南至石桥，西至正街，北至学校"))

        current = {m.username: m.kind for m in grids.members(grid)} if grid else {}
        self.rows: list[MemberRow] = []
        seen = set()
        for candidate in worker_candidates():
            self.rows.append(MemberRow(candidate.username, f"{candidate.display_name}（{candidate.username}）",
                                       current.get(candidate.username)))
            seen.add(candidate.username)
        for username, kind in current.items():      # assigned before but no longer able to patrol: shown, to untick
            if username not in seen:
                user_record = accounts.get_user(username)
                name = user_record.display_name if user_record else username
                self.rows.append(MemberRow(username, self.tr("{0}（{1}，已不能巡查）").format(name, username), kind))
        self.rows.sort(key=lambda r: not r.check.isChecked())      # the grid's workers first
        member_widget = QWidget()
        member_grid = QGridLayout(member_widget)
        member_grid.setContentsMargins(4, 4, 4, 4)
        member_grid.setColumnStretch(0, 1)
        for index, row in enumerate(self.rows):
            member_grid.addWidget(row.check, index, 0)
            member_grid.addWidget(row.kind, index, 1)
        self.members = QScrollArea()
        self.members.setWidget(member_widget)
        self.members.setWidgetResizable(True)
        self.members.setFrameShape(QFrame.StyledPanel)
        self.members.setMinimumHeight(min(36 * max(len(self.rows), 2) + 12, 220))
        self.no_candidates = paint_hint(QLabel(self.tr("还没有可分配的网格员：请管理员先为网格员建立账户（角色“网格员”）。")),
                                        "warn")
        self.no_candidates.setWordWrap(True)
        self.no_candidates.setVisible(not self.rows)
        self.members.setVisible(bool(self.rows))

        form = QFormLayout()
        form.addRow(self.tr("网格编码 *"), self.code)
        form.addRow(self.tr("网格名称 *"), self.name)
        form.addRow(self.tr("所属村（社区） *"), self.village)
        numbers = QHBoxLayout()
        numbers.addWidget(self.households)
        numbers.addSpacing(16)
        numbers.addWidget(QLabel(self.tr("人口数")))
        numbers.addWidget(self.population)
        numbers.addStretch(1)
        form.addRow(self.tr("户数"), numbers)
        form.addRow(self.tr("四至范围"), self.area_note)
        members_column = QVBoxLayout()
        members_column.addWidget(hint(self.tr("勾选分配到本网格的网格员（空格键勾选），并选择专职或兼职。")))
        members_column.addWidget(self.members)
        members_column.addWidget(self.no_candidates)
        form.addRow(self.tr("网格员"), members_column)

        self.error_label = QLabel()
        first_member = self.rows[0].check if self.rows else self.members
        self.errors = FieldErrors(self.error_label, {
            "网格编码": self.code, "网格名称": self.name, "所属村（社区）": self.village, "户数": self.households,
            "人口数": self.population, "四至范围": self.area_note, "网格员": first_member})
        box, self.ok_button, cancel = dialog_buttons(self, self.tr("保存（Ctrl+Enter）"), self.save)
        for button in (self.ok_button, cancel):
            button.setAutoDefault(False)
            button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(hint(self.tr("Enter 下一项，Ctrl+Enter 保存。")))
        layout.addWidget(box)
        for keys in SAVE_KEYS:
            shortcut(keys, self, self.save)
        self.setMinimumWidth(600)
        if grid is not None:
            self.code.setText(grid.code)
            set_read_only(self.code, True)
            self.code.setToolTip(self.tr("网格编码登记后不能修改"))
            self.code.setFocusPolicy(Qt.NoFocus)
            self.name.setText(grid.name)
            self.village.setText(grid.village)
            self.households.setValue(grid.households)
            self.population.setValue(grid.population)
            self.area_note.setText(grid.area_note)
        self.setFocusProxy(self.name if grid is not None else self.code)

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if is_enter(event):
            self.focusNextChild()   # an Enter no field took: on to the next field, never "save"
            return
        super().keyPressEvent(event)

    def chosen_members(self) -> list[tuple[str, str]]:
        return [(row.username, row.kind.currentData()) for row in self.rows if row.check.isChecked()]

    def entry(self) -> GridEntry:
        return GridEntry(code=self.code.text(), name=self.name.text(), village=self.village.text(),
                         households=self.households.value(), population=self.population.value(),
                         area_note=self.area_note.text(), members=self.chosen_members())

    def save(self) -> Grid | None:
        ok, saved = self.errors.attempt(self, lambda: grids.save_grid(self.user, self.entry(), self.grid))
        if not ok:
            return None
        self.result_value = saved
        self.saved.emit(saved)
        self.accept()
        return saved


class GridsTab(QWidget):
    """The grids (every grid for the 网格长, else the user's own) and the coverage; 新增 / 修改 / 停用 for
    users with ``patrol.all``."""

    changed = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialog: GridDialog | None = None
        self.may_edit = user.can(grids.ALL)
        self._members: dict[int, str] = {}
        self.coverage_label = notice()
        self.model = RecordTableModel([
            Column(self.tr("编码"), lambda g: g.code),
            Column(self.tr("名称"), lambda g: g.name),
            Column(self.tr("村（社区）"), lambda g: g.village),
            Column(self.tr("户数"), lambda g: f"{g.households:,}", Qt.AlignRight | Qt.AlignVCenter),
            Column(self.tr("人口"), lambda g: f"{g.population:,}", Qt.AlignRight | Qt.AlignVCenter),
            Column(self.tr("网格员"), lambda g: self._members.get(g.id) or self.tr("未配备")),
            Column(self.tr("状态"), lambda g: self.tr("在用") if g.active else self.tr("已停用")),
            Column(self.tr("四至范围"), lambda g: g.area_note),
        ], self)
        self.table = RecordTable(self.model, select_on_focus=True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        for column, width in enumerate((80, 170, 120, 70, 80, 260, 80)):
            self.table.setColumnWidth(column, width)

        self.new_button = QPushButton(self.tr("新增网格（Ctrl+N）"))
        self.edit_button = QPushButton(self.tr("修改（Enter）"))
        self.active_button = QPushButton(self.tr("停用"))
        top = QHBoxLayout()
        top.addWidget(self.coverage_label, 1)
        if self.may_edit:
            self.note = hint(self.tr("选中网格按 Enter 修改名称、户数、人口和网格员。停用的网格不能再登记巡查，记录保留。"))
            self.new_button.clicked.connect(self.add)
            self.edit_button.clicked.connect(self.edit_selected)
            self.active_button.clicked.connect(self.toggle_selected)
            shortcut("Ctrl+N", self, self.add, Qt.WidgetWithChildrenShortcut)
            self.table.doubleClicked.connect(self.edit_selected)
            for key in (Qt.Key_Return, Qt.Key_Enter):
                shortcut(key, self.table, self.edit_selected, Qt.WidgetShortcut)
            self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
            for button in (self.new_button, self.edit_button, self.active_button):
                top.addWidget(button)
        else:
            self.note = paint_hint(QLabel(self.tr("这里列出分配给您的网格，只能查看。新增、修改网格和分配网格员由网格长办理。")),
                                   "warn")
            for button in (self.new_button, self.edit_button, self.active_button):
                button.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)
        self._enable()

    def refresh(self, select: Grid | None = None) -> None:
        current = select or self.table.selected()
        try:
            rows = grids.visible_grids(self.user, include_inactive=True)
            figures = grids.coverage()
        except TownDeskError as exc:
            show_problem(self, exc)
            return
        self._members = {g.id: "、".join(grids.member_names(g)) for g in rows}
        self.model.set_rows(rows)
        self.coverage_label.setText(self.tr("共 {0} 个网格，已配备网格员 {1} 个，覆盖率 {2:.0%}").format(
            figures["grids"], figures["staffed"], figures["rate"]))
        short = figures["staffed"] < figures["grids"]
        if short:
            self.coverage_label.setText(self.coverage_label.text() + self.tr("（{0} 个网格还没有网格员）").format(
                figures["grids"] - figures["staffed"]))
        self.coverage_label.setProperty("notice", "warn" if short else "info")
        self.coverage_label.style().unpolish(self.coverage_label)
        self.coverage_label.style().polish(self.coverage_label)
        if current is not None:
            index = next((i for i, g in enumerate(rows) if g.id == current.id), -1)
            if index >= 0:
                self.table.select_row(index)
        self._enable()

    def _enable(self) -> None:
        grid = self.table.selected()
        self.edit_button.setEnabled(grid is not None)
        self.active_button.setEnabled(grid is not None)
        self.active_button.setText(self.tr("启用") if grid is not None and not grid.active else self.tr("停用"))

    def add(self) -> GridDialog | None:
        if not self.may_edit:
            return None
        return self._open(GridDialog(self.user, None, self))

    def edit_selected(self, *_args) -> GridDialog | None:
        grid = self.table.selected()
        if grid is None or not self.may_edit:
            return None
        return self._open(GridDialog(self.user, grid, self))

    def _open(self, dialog: GridDialog) -> GridDialog:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, grid: Grid) -> None:
        self.refresh(select=grid)
        self.changed.emit()

    def toggle_selected(self) -> None:
        grid = self.table.selected()
        if grid is None or not self.may_edit:
            return
        if grid.active and not ask(self, self.tr("停用网格"), self.tr(
                "停用网格 {0} {1}？停用后不能再登记该网格的巡查，以往的记录保留；可以再启用。").format(grid.code, grid.name)):
            return
        try:
            grids.set_active(self.user, grid, not grid.active)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.refresh(select=grid)
        self.changed.emit()


__all__ = ("GridDialog", "GridsTab", "worker_candidates")
