"""选项列表: the lists an office tunes to its own practice (纠纷类型, 风险等级 with their meanings, …).

Entries are added, their meaning edited, and retired (停用: kept on the records that use them, no
longer offered). A name never changes, since records keep the name they were given.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from models import codes
from models.accounts import User
from models.mediation import tables as _mediation_lists  # noqa: F401 (declares 纠纷类型 and 风险等级)
from models.patrol import tables as _patrol_lists  # noqa: F401 (declares 巡查类型, 关爱等级 …)
from ui.common import Column, FieldErrors, RecordTable, RecordTableModel, dialog_buttons, paint_hint, shortcut, show_problem


class CodeItemDialog(QDialog):
    """Add an entry (name and meaning) or edit an entry's meaning."""

    def __init__(self, user: User, key: str, item: codes.CodeItem | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user, self.key, self.item = user, key, item
        label = codes.LISTS[key][0]
        self.setWindowTitle(self.tr("修改{0}").format(label) if item else self.tr("新增{0}").format(label))
        self.name = QLineEdit(item.name if item else "")
        self.name.setReadOnly(item is not None)
        self.meaning = QLineEdit(item.meaning if item else "")
        self.meaning.setPlaceholderText(self.tr("可不填；风险等级请写明该颜色的含义与处置要求"))
        error = QLabel()
        fields = {"名称": self.name, "含义": self.meaning}
        form = QFormLayout()
        form.addRow(self.tr("名称 *"), self.name)
        form.addRow(self.tr("含义"), self.meaning)
        self.number = None
        number_label = codes.NUMBER_LABELS.get(key)
        if number_label:
            self.number = QLineEdit("" if item is None or item.number is None else str(item.number))
            self.number.setPlaceholderText(self.tr("1 到 3650 的整数"))
            form.addRow(self.tr(number_label) + " *", self.number)
            fields[number_label] = self.number
        self.errors = FieldErrors(error, fields)
        layout = QVBoxLayout(self)
        if item is not None:
            layout.addWidget(paint_hint(QLabel(self.tr("名称不能修改：已有记录使用这个名称。不再使用时请停用。"))))
        layout.addLayout(form)
        layout.addWidget(error)
        layout.addWidget(dialog_buttons(self, self.tr("保存"), self.save)[0])
        (self.meaning if item else self.name).setFocus()
        self.resize(520, self.sizeHint().height())

    def save(self) -> bool:
        ok, _item = self.errors.attempt(
            self, lambda: codes.save_item(self.user, self.key, self.name.text(), self.meaning.text(), self.item,
                                          self.number.text() if self.number is not None else None))
        if ok:
            self.accept()
        return ok


class CodeListsTab(QWidget):
    """One list at a time: its entries with their meaning and state; 新增 (Ctrl+N), 修改 (Enter), 停用/启用."""

    changed = Signal()

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialog = None
        self.which = QComboBox()
        for key, (label, _defaults) in codes.LISTS.items():
            self.which.addItem(label, key)
        self.model = RecordTableModel([
            Column(self.tr("名称"), lambda i: i.name),
            Column(self.tr("含义"), lambda i: i.meaning),
            Column(self.tr("数值"), lambda i: "" if i.number is None else str(i.number)),
            Column(self.tr("状态"), lambda i: self.tr("在用") if i.active else self.tr("已停用")),
        ], self)
        self.table = RecordTable(self.model, select_on_focus=True)
        self.table.verticalHeader().setVisible(False)
        self.table.setColumnWidth(0, 180)
        self.table.setColumnWidth(1, 520)
        self.table.setColumnWidth(2, 140)
        add = QPushButton(self.tr("新增（Ctrl+N）"))
        edit = QPushButton(self.tr("修改（Enter）"))
        self.toggle = QPushButton(self.tr("停用"))
        add.clicked.connect(self.add)
        edit.clicked.connect(self.edit)
        self.toggle.clicked.connect(self.toggle_active)
        shortcut("Ctrl+N", self, self.add, Qt.WidgetWithChildrenShortcut)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self.edit, Qt.WidgetShortcut)
        self.table.doubleClicked.connect(self.edit)
        self.which.currentIndexChanged.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._selection)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("列表")))
        top.addWidget(self.which)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for button in (add, edit, self.toggle):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(paint_hint(QLabel(self.tr(
            "登记时可选的项目。停用的项目不再供选择，已使用它的记录保持不变；名称一经使用不能修改。"))))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.which)
        self.refresh()

    @property
    def key(self) -> str:
        return self.which.currentData()

    def refresh(self) -> None:
        self.model.set_rows(codes.items(self.key, include_inactive=True))
        number_label = codes.NUMBER_LABELS.get(self.key)
        self.model.columns[2].header = self.tr(number_label or "数值")
        self.model.headerDataChanged.emit(Qt.Horizontal, 2, 2)
        self.table.setColumnHidden(2, not number_label)
        self._selection()

    def _selection(self, *_args) -> None:
        item = self.table.selected()
        self.toggle.setText(self.tr("启用") if item is not None and not item.active else self.tr("停用"))

    def add(self):
        return self._open(None)

    def edit(self, *_args):
        item = self.table.selected()
        return self._open(item) if item is not None else None

    def _open(self, item):
        self.dialog = CodeItemDialog(self.user, self.key, item, self)
        self.dialog.accepted.connect(self._saved)
        self.dialog.open()
        return self.dialog

    def _saved(self) -> None:
        self.refresh()
        self.changed.emit()

    def toggle_active(self) -> None:
        item = self.table.selected()
        if item is None:
            return
        try:
            codes.set_active(self.user, item, not item.active)
        except Exception as exc:  # noqa: BLE001 - refused (the last one in use) or a bug: shown, never lost
            show_problem(self, exc)
            return
        self._saved()
