"""场所: the register of shops and key venues that inspection patrols visit — search it, add or change a
premises (Ctrl+N / Enter), mark one 停业注销, and see every inspection of the selected one.

In the premises form Enter moves to the next field and Ctrl+Enter saves; an error names its field and the
cursor goes there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from models import codes
from models.accounts import User
from models.errors import TownDeskError
from models.patrol import grids, patrols, premises
from models.patrol.premises import KEY_VENUE_MEANING, LABELS, PremisesEntry
from models.patrol.tables import PREMISES_KINDS, Premises
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, ask, debounced, dialog_buttons, hint, paint_hint, shortcut,
    show_problem,
)
from ui.lists import choice_box
from ui.mediation.petitions import is_enter
from ui.patrol.events import small_table

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


def is_key_kind(kind: str) -> bool:
    """Whether a kind of premises is a key venue (its meaning in the editable list says 重点场所)."""
    return codes.meaning_of(PREMISES_KINDS, kind).startswith(KEY_VENUE_MEANING) if kind else False


class PremisesDialog(QDialog):
    """Add a premises (none given) or change one. `saved(premises)` after saving."""

    saved = Signal(object)

    def __init__(self, user: User, record: Premises | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.record = record
        self.result_value = None
        self.setWindowTitle(self.tr("修改场所 — {0}").format(record.name) if record else self.tr("新增场所"))

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("招牌上的名称，如 金嗓子KTV"))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("（请选择）"), "")
        for name in codes.names(PREMISES_KINDS):
            self.kind.addItem(name, name)
        self.key_venue = QCheckBox(self.tr("重点场所（需定期检查）"))
        self.key_venue.setToolTip(self.tr("KTV、酒吧、网吧、歌舞厅等默认为重点场所；可以改"))
        self.grid = QComboBox()
        self.grid.addItem(self.tr("（不指定网格）"), None)
        for grid in grids.visible_grids(user):
            self.grid.addItem(f"{grid.code} {grid.name}", grid)
        self.village = QLineEdit()
        self.village.setPlaceholderText(self.tr("不填则取所属网格的村（社区）"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("如 打通镇正街12号"))
        self.operator = QLineEdit()
        self.operator.setPlaceholderText(self.tr("经营者或负责人姓名"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("手机或固定电话"))
        self.licence = QLineEdit()
        self.licence.setPlaceholderText(self.tr("统一社会信用代码或营业执照号（选填）"))
        self.kind.currentIndexChanged.connect(self._kind_changed)

        form = QFormLayout()
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind, 1)
        kind_row.addSpacing(12)
        kind_row.addWidget(self.key_venue)
        form.addRow(self.tr("场所名称 *"), self.name)
        form.addRow(self.tr("场所类别 *"), kind_row)
        form.addRow(self.tr("所属网格"), self.grid)
        form.addRow(self.tr("所在村（社区）"), self.village)
        form.addRow(self.tr("地址 *"), self.address)
        form.addRow(self.tr("经营者"), self.operator)
        form.addRow(self.tr("联系电话"), self.phone)
        form.addRow(self.tr("证照号码"), self.licence)
        widgets = {"name": self.name, "kind": self.kind, "key_venue": self.key_venue, "grid": self.grid,
                   "village": self.village, "address": self.address, "operator": self.operator, "phone": self.phone,
                   "licence": self.licence}
        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {LABELS[key]: widget for key, widget in widgets.items()})
        box, self.ok_button, cancel = dialog_buttons(self, self.tr("保存（Ctrl+Enter）"), self.save)
        for button in (self.ok_button, cancel):   # Enter moves between the fields; Ctrl+Enter saves
            button.setAutoDefault(False)
            button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(hint(self.tr("Enter 下一项，Ctrl+Enter 保存。带 * 的必须填写。")))
        layout.addWidget(box)
        for keys in SAVE_KEYS:
            shortcut(keys, self, self.save)
        self.setMinimumWidth(640)
        if record is not None:
            self._show(record)
        self.setFocusProxy(self.name)

    def _show(self, p: Premises) -> None:
        self.name.setText(p.name)
        if self.kind.findData(p.kind) < 0:      # a kind since retired from the list stays shown
            self.kind.addItem(p.kind, p.kind)
        self.kind.setCurrentIndex(self.kind.findData(p.kind))
        self.key_venue.setChecked(p.key_venue)  # the register's answer, whatever the kind's default
        if p.grid_id is not None:
            index = next((i for i in range(1, self.grid.count()) if self.grid.itemData(i).id == p.grid_id), -1)
            if index < 0:
                self.grid.addItem(f"{p.grid.code} {p.grid.name}", p.grid)
                index = self.grid.count() - 1
            self.grid.setCurrentIndex(index)
        self.village.setText(p.village)
        self.address.setText(p.address)
        self.operator.setText(p.operator)
        self.phone.setText(p.phone)
        self.licence.setText(p.licence)

    def _kind_changed(self, _index: int) -> None:
        """A kind chosen sets 重点场所 as the kind's list says (the user may change it after)."""
        self.key_venue.setChecked(is_key_kind(self.kind.currentData() or ""))

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if is_enter(event):
            self.focusNextChild()   # an Enter no field took: on to the next field, never "save"
            return
        super().keyPressEvent(event)

    def entry(self) -> PremisesEntry:
        return PremisesEntry(
            name=self.name.text(), kind=self.kind.currentData() or "", address=self.address.text(),
            grid=self.grid.currentData(), village=self.village.text(), operator=self.operator.text(),
            phone=self.phone.text(), licence=self.licence.text(), key_venue=self.key_venue.isChecked())

    def save(self) -> Premises | None:
        ok, saved = self.errors.attempt(self, lambda: premises.save_premises(self.user, self.entry(), self.record))
        if not ok:
            return None
        self.result_value = saved
        self.saved.emit(saved)
        self.accept()
        return saved


class PremisesTab(QWidget):
    """The premises register: search and filters, 新增 / 修改 / 停业注销, and the selected one's inspections."""

    changed = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialog: PremisesDialog | None = None
        self._grid_names: dict[int, str] = {}
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(self.tr("搜索场所名称、地址、经营者或证照号码"))
        self.kind = choice_box(self.tr("全部类别"), [(n, n) for n in codes.names(PREMISES_KINDS)])
        self.key_only = QCheckBox(self.tr("只看重点场所"))
        self.include_closed = QCheckBox(self.tr("含已停业"))
        self.new_button = QPushButton(self.tr("新增场所（Ctrl+N）"))
        self.edit_button = QPushButton(self.tr("修改（Enter）"))
        self.close_button = QPushButton(self.tr("停业注销"))
        self.new_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.close_button.clicked.connect(self.toggle_selected)
        shortcut("Ctrl+N", self, self.add, Qt.WidgetWithChildrenShortcut)

        self.model = RecordTableModel([
            Column(self.tr("场所名称"), lambda p: p.name),
            Column(self.tr("类别"), lambda p: p.kind),
            Column(self.tr("重点场所"), lambda p: self.tr("★ 重点") if p.key_venue else "", Qt.AlignCenter),
            Column(self.tr("所属网格"), self._grid_name),
            Column(self.tr("村（社区）"), lambda p: p.village),
            Column(self.tr("地址"), lambda p: p.address),
            Column(self.tr("经营者"), lambda p: p.operator),
            Column(self.tr("联系电话"), lambda p: p.phone),
            Column(self.tr("证照号码"), lambda p: p.licence),
            Column(self.tr("状态"), lambda p: self.tr("在营") if p.active else self.tr("已停业注销")),
        ], self)
        self.table = RecordTable(self.model, select_on_focus=True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        for column, width in enumerate((170, 70, 90, 170, 110, 180, 80, 110, 170)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self.edit_selected)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self.edit_selected, Qt.WidgetShortcut)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.count_label = QLabel()

        self.visit_model = RecordTableModel([
            Column(self.tr("检查日期"), lambda i: f"{i.patrol.patrol_date:%Y-%m-%d}"),
            Column(self.tr("巡查编号"), lambda i: i.patrol.number),
            Column(self.tr("巡查类型"), lambda i: i.patrol.patrol_type),
            Column(self.tr("检查结果"), lambda i: i.result),
            Column(self.tr("发现隐患"), lambda i: "、".join(h.number for h in patrols.hazards_of_inspection(i))),
            Column(self.tr("检查情况"), lambda i: " ".join((i.notes or "").split())),
        ], self)
        self.visits = small_table(self.visit_model, 100)
        self.no_visits = paint_hint(QLabel())
        self.visit_box = QGroupBox(self.tr("检查记录"))
        visit_layout = QVBoxLayout(self.visit_box)
        visit_layout.addWidget(self.visits)
        visit_layout.addWidget(self.no_visits)
        visit_layout.addStretch(1)

        self.timer = debounced(self, self.refresh, 250)
        self.search_edit.textChanged.connect(self.timer.start)
        self.search_edit.returnPressed.connect(self._enter_table)
        self.kind.currentIndexChanged.connect(self.timer.start)
        self.key_only.toggled.connect(self.timer.start)
        self.include_closed.toggled.connect(self.timer.start)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.kind)
        top.addWidget(self.key_only)
        top.addWidget(self.include_closed)
        top.addSpacing(12)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.close_button)
        under = QHBoxLayout()
        under.addWidget(self.count_label)
        under.addStretch(1)
        under.addWidget(paint_hint(QLabel(self.tr(
            "消防安全检查、重点场所检查登记巡查时逐家记录检查结果。选中场所按 Enter 修改，下方为它的检查记录。"))))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 3)
        layout.addLayout(under)
        layout.addWidget(self.visit_box, 2)
        self.setFocusProxy(self.search_edit)
        self._show_selected()

    def _grid_name(self, p: Premises) -> str:
        if p.grid_id is None:
            return ""
        if p.grid_id not in self._grid_names:
            grid = p.grid
            self._grid_names[p.grid_id] = f"{grid.code} {grid.name}"
        return self._grid_names[p.grid_id]

    def refresh(self, select: Premises | None = None) -> None:
        self.timer.stop()
        current = select or self.table.selected()
        try:
            rows = premises.list_premises(self.user, self.search_edit.text(), self.kind.currentData() or "",
                                          self.key_only.isChecked(), self.include_closed.isChecked())
        except TownDeskError as exc:
            show_problem(self, exc)
            return
        self._grid_names = {}
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("共 {0} 家，其中重点场所 {1} 家").format(
            len(rows), sum(1 for p in rows if p.key_venue)))
        if current is not None:
            index = next((i for i, p in enumerate(rows) if p.id == current.id), -1)
            if index >= 0:
                self.table.select_row(index)
        self._show_selected()

    def _enter_table(self) -> None:
        self.refresh()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.select_row(0)

    def _show_selected(self) -> None:
        p = self.table.selected()
        self.edit_button.setEnabled(p is not None)
        self.close_button.setEnabled(p is not None)
        self.close_button.setText(self.tr("恢复营业") if p is not None and not p.active else self.tr("停业注销"))
        self.close_button.setToolTip(self.tr("场所已关门或转让：注销后不再出现在检查登记中（记录保留）")
                                     if p is None or p.active else self.tr("场所重新营业"))
        if p is None:
            self.visit_box.setTitle(self.tr("检查记录"))
            self.visit_model.set_rows([])
            self.visits.hide()
            self.no_visits.setText(self.tr("选中一家场所查看它的检查记录。"))
            self.no_visits.show()
            return
        visits = premises.inspections_of(p)
        self.visit_model.set_rows(visits)
        self.visit_box.setTitle(self.tr("检查记录 — {0}（{1} 次）").format(p.name, len(visits)))
        self.visits.setVisible(bool(visits))
        self.no_visits.setText(self.tr("{0}还没有检查记录。").format(p.name))
        self.no_visits.setVisible(not visits)

    def add(self) -> PremisesDialog:
        return self._open(PremisesDialog(self.user, None, self))

    def edit_selected(self, *_args) -> PremisesDialog | None:
        p = self.table.selected()
        if p is None:
            return None
        return self._open(PremisesDialog(self.user, p, self))

    def _open(self, dialog: PremisesDialog) -> PremisesDialog:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, saved: Premises) -> None:
        self.refresh(select=saved)
        self.changed.emit()

    def toggle_selected(self) -> None:
        p = self.table.selected()
        if p is None:
            return
        if p.active:
            if not ask(self, self.tr("停业注销"), self.tr("“{0}”已停业或转让，注销后不再出现在检查登记中"
                                                       "（以往的检查记录保留）。确定注销吗？").format(p.name)):
                return
        try:
            premises.set_active(self.user, p, not p.active)
        except Exception as exc:  # noqa: BLE001 - refused, or a bug: shown, never lost
            show_problem(self, exc)
            return
        self.refresh(select=p)
        self.changed.emit()


__all__ = ("PremisesDialog", "PremisesTab")
