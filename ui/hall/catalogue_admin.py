"""事项目录管理: the administrator's list of matters (stopped ones too) and the form that edits one.

Everything is checked by models.hall.matters (the catalogue file's own rules); this screen only lays
out the fields, shows the error under the form with the cursor in the field it names, and refreshes.
"""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QCompleter, QDialog, QFrame, QGridLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox, QStyledItemDelegate, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from models.accounts import User
from models.errors import PermissionDenied, TownDeskError, ValidationError
from models.hall import matters
from models.hall.catalogue import CLASS_PREFIXES, DAY_UNITS, IMMEDIATE, KINDS, MATERIAL_FORMS, MATTER_CLASSES
from models.hall.tables import CatalogueMatter
from ui.common import (
    debounced, 
    shortcut, 
    Column, FieldErrors, RecordTable, RecordTableModel, ask, dialog_buttons, hint, notice, paint_hint, set_hint,
    show_problem,
)

SEARCH_DELAY_MS = 200
BUNDLE_SEPARATORS = re.compile(r"[，,、；;\n]+")
STOPPED_COLOUR = QColor("#9e9e9e")


# --- how a matter reads in the list ------------------------------------------------------------

def fee_text(cents: int) -> str:
    """免费, or 40.00 元."""
    return "免费" if not cents else f"{Decimal(cents) / 100:.2f} 元"


def limit_text(matter: CatalogueMatter) -> str:
    """承诺/法定: 当场办结; 15 / 20 个工作日; 10 个工作日 / 15 个自然日."""
    if matter.kind == IMMEDIATE and not matter.promised_days and not matter.legal_days:
        return "当场办结"
    if matter.legal_days_unit == "工作日":
        return f"{matter.promised_days} / {matter.legal_days} 个工作日"
    return f"{matter.promised_days} 个工作日 / {matter.legal_days} 个{matter.legal_days_unit}"


def status_text(matter: CatalogueMatter) -> str:
    return "启用" if matter.active else "停用"


def split_bundles(text: str) -> list[str]:
    """“新生儿出生一件事、身后一件事” (or comma-separated) → the names, blanks dropped."""
    return [part.strip() for part in BUNDLE_SEPARATORS.split(text or "") if part.strip()]


def next_code(matter_class: str, rows: list[CatalogueMatter]) -> str:
    """The next unused code of a class: XZFW-025 taken → XZFW-026 (stopped matters keep their codes)."""
    prefix = CLASS_PREFIXES.get(matter_class)
    if prefix is None:
        return ""
    serials = [int(m.code.split("-", 1)[1]) for m in rows
               if m.code.startswith(prefix + "-") and m.code.split("-", 1)[1].isdigit()]
    return f"{prefix}-{max(serials, default=0) + 1:03d}"


class MatterTableModel(RecordTableModel):
    """The catalogue list: stopped matters in grey."""

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid():
            return None if self.rows[index.row()].active else QBrush(STOPPED_COLOUR)
        return super().data(index, role)


# --- the materials table -----------------------------------------------------------------------

NAME_COLUMN, FORM_COLUMN, COPIES_COLUMN, NOTE_COLUMN = range(4)


class MaterialDelegate(QStyledItemDelegate):
    """形式 as a list to pick from, 份数 as a number 1–99; 名称 and 备注 as text (max lengths)."""

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt's name)
        column = index.column()
        if column == FORM_COLUMN:
            editor = QComboBox(parent)
            editor.addItems(MATERIAL_FORMS)
            return editor
        if column == COPIES_COLUMN:
            editor = QSpinBox(parent)
            editor.setRange(1, 99)
            return editor
        editor = QLineEdit(parent)
        editor.setMaxLength(100 if column == NAME_COLUMN else 200)
        return editor

    def setEditorData(self, editor, index):  # noqa: N802
        value = index.data(Qt.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findText(str(value or ""))))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 1))
        else:
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.EditRole)
        elif isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.EditRole)
        else:
            model.setData(index, editor.text(), Qt.EditRole)


class MaterialsTable(QTableWidget):
    """申请材料清单, edited in place: type to fill a cell, Tab to the next, Insert adds a row,
    Delete removes one, Ctrl+↑/↓ moves it. Enter on a cell edits it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([self.tr("材料名称 *"), self.tr("形式"), self.tr("份数"), self.tr("备注")])
        self.setItemDelegate(MaterialDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed | QAbstractItemView.SelectedClicked)
        self.setTabKeyNavigation(False)  # Tab leaves the table (inside a cell editor it moves to the next cell)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.Stretch)
        header.setSectionResizeMode(FORM_COLUMN, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(COPIES_COLUMN, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(NOTE_COLUMN, QHeaderView.Stretch)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.verticalHeader().setDefaultSectionSize(28)

    def set_materials(self, materials: list[dict]) -> None:
        self.setRowCount(0)
        for material in materials:
            self.add_row(material, edit=False)

    def materials(self) -> list[dict]:
        """The rows as save_matter takes them; rows left wholly blank are dropped."""
        result = []
        for row in range(self.rowCount()):
            name = self._text(row, NAME_COLUMN).strip()
            note = self._text(row, NOTE_COLUMN).strip()
            if not name and not note:
                continue
            copies = self.item(row, COPIES_COLUMN).data(Qt.EditRole)
            result.append({"name": name, "form": self._text(row, FORM_COLUMN),
                           "copies": int(copies or 1), "note": note})
        return result

    def _text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        value = item.data(Qt.EditRole) if item is not None else None
        return "" if value is None else str(value)

    def add_row(self, material: dict | None = None, edit: bool = True) -> int:
        """Append a row (a new one: 原件, 1 份) and, with `edit`, start typing its name."""
        material = material or {}
        row = self.rowCount()
        self.insertRow(row)
        copies = QTableWidgetItem()
        copies.setData(Qt.EditRole, int(material.get("copies", 1) or 1))
        copies.setTextAlignment(Qt.AlignCenter)
        self.setItem(row, NAME_COLUMN, QTableWidgetItem(material.get("name", "")))
        self.setItem(row, FORM_COLUMN, QTableWidgetItem(material.get("form") or MATERIAL_FORMS[0]))
        self.setItem(row, COPIES_COLUMN, copies)
        self.setItem(row, NOTE_COLUMN, QTableWidgetItem(material.get("note") or ""))
        if edit:
            self.setFocus(Qt.OtherFocusReason)
            self.setCurrentCell(row, NAME_COLUMN)
            self.edit(self.currentIndex())
        return row

    def remove_current(self) -> bool:
        row = self.currentRow()
        if row < 0:
            return False
        column = max(0, self.currentColumn())
        self.removeRow(row)
        if self.rowCount():
            self.setCurrentCell(min(row, self.rowCount() - 1), column)
        return True

    def move_current(self, step: int) -> bool:
        row, column = self.currentRow(), max(0, self.currentColumn())
        target = row + step
        if row < 0 or not 0 <= target < self.rowCount():
            return False
        items = [self.takeItem(row, c) for c in range(self.columnCount())]
        others = [self.takeItem(target, c) for c in range(self.columnCount())]
        for c in range(self.columnCount()):
            self.setItem(target, c, items[c])
            self.setItem(row, c, others[c])
        self.setCurrentCell(target, column)
        return True

    def closeEditor(self, editor, hint):  # noqa: N802 (Qt's name)
        """Tab from the last cell (Shift+Tab from the first) leaves the list instead of going round it."""
        index = self.currentIndex()
        last = index.row() == self.rowCount() - 1 and index.column() == self.columnCount() - 1
        first = index.row() == 0 and index.column() == 0
        if (hint == QStyledItemDelegate.EditNextItem and last) or (hint == QStyledItemDelegate.EditPreviousItem
                                                                  and first):
            super().closeEditor(editor, QStyledItemDelegate.NoHint)
            self.setFocus(Qt.OtherFocusReason)
            self.focusNextPrevChild(hint == QStyledItemDelegate.EditNextItem)
            return
        super().closeEditor(editor, hint)

    def commit_editing(self) -> None:
        """Store what is being typed in a cell and close its editor."""
        editor = self.indexWidget(self.currentIndex()) if self.state() == QAbstractItemView.EditingState else None
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QStyledItemDelegate.NoHint)

    def edit_current(self) -> None:
        """Enter: edit the current cell; in an empty list, add the first material."""
        if not self.rowCount():
            self.add_row()
            return
        if not self.currentIndex().isValid():
            self.setCurrentCell(0, NAME_COLUMN)
        self.edit(self.currentIndex())


# --- the form ----------------------------------------------------------------------------------

class MatterDialog(QDialog):
    """新增事项 (matter None) or 修改事项. Emits `saved(CatalogueMatter)` and accepts once stored;
    errors stay under the form. Enter moves to the next field, Ctrl+S saves, Esc asks before
    dropping typed work."""

    saved = Signal(object)

    def __init__(self, user: User, matter: CatalogueMatter | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.matter = matter
        self.saved_matter: CatalogueMatter | None = None
        self._suggested = ""
        creating = matter is None
        self.setWindowTitle(self.tr("新增事项") if creating else self.tr("修改事项 — {0}").format(matter.code))
        existing = matters.list_matters(include_inactive=True)
        self._existing = existing

        # The fields, in the order Tab and Enter visit them.
        self.class_combo = QComboBox()
        self.class_combo.addItems(MATTER_CLASSES)
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(16)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(100)
        self.name_edit.setPlaceholderText(self.tr("与政务服务事项清单一致"))
        self.department_edit = QLineEdit()
        self.department_edit.setMaxLength(64)
        self.department_edit.setPlaceholderText(self.tr("负责审核办理的后台科室，如：社会事务办公室"))
        departments = sorted({m.department for m in existing if m.department})
        completer = QCompleter(departments, self)
        completer.setFilterMode(Qt.MatchContains)
        self.department_edit.setCompleter(completer)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(KINDS)
        self.legal_spin = QSpinBox()
        self.legal_spin.setRange(0, 999)
        self.unit_combo = QComboBox()
        self.unit_combo.addItems(DAY_UNITS)
        self.promised_spin = QSpinBox()
        self.promised_spin.setRange(0, 999)
        self.promised_spin.setSuffix(self.tr(" 个工作日"))
        self.fee_edit = QLineEdit()
        self.fee_edit.setMaxLength(12)
        self.fee_edit.setPlaceholderText(self.tr("不收费填 0"))
        self.fee_basis_edit = QLineEdit()
        self.fee_basis_edit.setMaxLength(200)
        self.fee_basis_edit.setPlaceholderText(self.tr("收费时必填，如文件名称和文号"))
        self.online_box = QCheckBox(self.tr("可在渝快办全程网办"))
        self.bundles_edit = QLineEdit()
        self.bundles_edit.setPlaceholderText(self.tr("所属“一件事”，多个用“、”或逗号分隔；没有可不填"))
        self.statute_edit = QLineEdit()
        self.statute_edit.setMaxLength(200)
        self.statute_edit.setPlaceholderText(self.tr("如：《中华人民共和国土地管理法》第六十二条"))
        self.materials_table = MaterialsTable()
        self.materials_table.setMinimumHeight(170)
        self.materials_table.setAccessibleName(self.tr("申请材料"))

        self.add_material_button = QPushButton(self.tr("添加材料"))
        self.add_material_button.setToolTip(self.tr("在清单末尾添加一项材料（在清单中按 Insert）"))
        self.remove_material_button = QPushButton(self.tr("删除材料"))
        self.remove_material_button.setToolTip(self.tr("删除选中的材料（在清单中按 Delete）"))
        self.up_button = QPushButton(self.tr("上移"))
        self.up_button.setToolTip(self.tr("Ctrl+↑"))
        self.down_button = QPushButton(self.tr("下移"))
        self.down_button.setToolTip(self.tr("Ctrl+↓"))
        self.add_material_button.clicked.connect(lambda: self.materials_table.add_row())
        self.remove_material_button.clicked.connect(self.materials_table.remove_current)
        self.up_button.clicked.connect(lambda: self.materials_table.move_current(-1))
        self.down_button.clicked.connect(lambda: self.materials_table.move_current(1))
        table = self.materials_table
        for key, action in ((Qt.Key_Insert, lambda: table.add_row()), (Qt.Key_Delete, table.remove_current),
                            (QKeySequence(Qt.CTRL | Qt.Key_Up), lambda: table.move_current(-1)),
                            (QKeySequence(Qt.CTRL | Qt.Key_Down), lambda: table.move_current(1))):
            shortcut(key, table, action, Qt.WidgetShortcut)

        self.legal_spin.setMinimumWidth(100)
        self.unit_combo.setMinimumWidth(110)
        self.promised_spin.setMinimumWidth(160)
        self.fee_edit.setFixedWidth(160)
        self.kind_hint = paint_hint(QLabel())
        self.kind_hint.setWordWrap(True)

        # Layout: two columns of short fields, then the long ones, then the materials.
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        def caption(text: str, buddy: QWidget) -> QLabel:
            label = QLabel(text)
            label.setBuddy(buddy)
            buddy.setAccessibleName(text.rstrip(" *："))
            return label

        def pair(*widgets) -> QHBoxLayout:
            box = QHBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            for widget in widgets:
                box.addWidget(widget)
            box.addStretch(1)
            return box

        grid.addWidget(caption(self.tr("事项类别 *"), self.class_combo), 0, 0)
        grid.addWidget(self.class_combo, 0, 1)
        grid.addWidget(caption(self.tr("事项编码 *"), self.code_edit), 0, 2)
        grid.addWidget(self.code_edit, 0, 3)
        grid.addWidget(caption(self.tr("事项名称 *"), self.name_edit), 1, 0)
        grid.addWidget(self.name_edit, 1, 1, 1, 3)
        grid.addWidget(caption(self.tr("承办机构 *"), self.department_edit), 2, 0)
        grid.addWidget(self.department_edit, 2, 1)
        grid.addWidget(caption(self.tr("办件类型 *"), self.kind_combo), 2, 2)
        grid.addWidget(self.kind_combo, 2, 3)
        grid.addWidget(caption(self.tr("法定办结时限 *"), self.legal_spin), 3, 0)
        grid.addLayout(pair(self.legal_spin, self.unit_combo), 3, 1)
        grid.addWidget(caption(self.tr("承诺办结时限 *"), self.promised_spin), 3, 2)
        grid.addLayout(pair(self.promised_spin), 3, 3)
        grid.addWidget(self.kind_hint, 4, 1, 1, 3)
        grid.addWidget(caption(self.tr("收费金额（元）"), self.fee_edit), 5, 0)
        grid.addLayout(pair(self.fee_edit), 5, 1)
        grid.addWidget(caption(self.tr("收费依据"), self.fee_basis_edit), 5, 2)
        grid.addWidget(self.fee_basis_edit, 5, 3)
        grid.addWidget(caption(self.tr("全程网办"), self.online_box), 6, 0)
        grid.addWidget(self.online_box, 6, 1)
        grid.addWidget(caption(self.tr("一件事"), self.bundles_edit), 7, 0)
        grid.addWidget(self.bundles_edit, 7, 1, 1, 3)
        grid.addWidget(caption(self.tr("设定依据"), self.statute_edit), 8, 0)
        grid.addWidget(self.statute_edit, 8, 1, 1, 3)

        materials_caption = caption(self.tr("申请材料（承诺件必填）"), self.materials_table)
        materials_caption.setProperty("role", "heading")
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(materials_caption)
        buttons_row.addStretch(1)
        for button in (self.add_material_button, self.remove_material_button, self.up_button, self.down_button):
            buttons_row.addWidget(button)
        materials_keys = paint_hint(QLabel(self.tr(
            "在清单中直接输入即填写选中的格子，Tab 到下一格，Enter 修改选中的格子，Esc 放弃这一格的修改；"
            "Insert 添加，Delete 删除，Ctrl+↑/↓ 调整顺序。")))
        materials_keys.setWordWrap(True)

        self.keep_note = notice(self.tr(
            "修改只对今后受理的办件生效：已经受理的办件保留受理时的事项名称、办结时限和申请材料，不会随之改变。"))

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "事项编码": self.code_edit, "事项名称": self.name_edit, "事项类别": self.class_combo,
            "承办机构": self.department_edit, "办件类型": self.kind_combo, "法定办结时限": self.legal_spin,
            "法定时限单位": self.unit_combo, "承诺办结时限": self.promised_spin, "收费金额": self.fee_edit,
            "收费依据": self.fee_basis_edit, "全程网办": self.online_box, "一件事": self.bundles_edit,
            "设定依据": self.statute_edit, "申请材料": self.materials_table,
        })
        self.buttons, self.save_button, self.cancel_button = dialog_buttons(self, self.tr("保存"), self.save)
        self.save_button.setToolTip(self.tr("保存（Ctrl+S）"))
        shortcut(QKeySequence.Save, self, self.save)
        legend = paint_hint(QLabel(self.tr("带 * 的为必填项。按 Enter 到下一项，Ctrl+S 保存，Esc 取消。")))
        legend.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.keep_note)
        layout.addLayout(grid)
        layout.addLayout(buttons_row)
        layout.addWidget(self.materials_table, 1)
        layout.addWidget(materials_keys)
        layout.addWidget(self.error_label)
        layout.addWidget(legend)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(820)
        self.resize(900, 720)

        for first, second in zip(self._fields(), self._fields()[1:]):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(self._fields()[-1], self.add_material_button)

        if creating:
            self.class_combo.setCurrentIndex(-1)
            self.kind_combo.setCurrentIndex(-1)
            self.fee_edit.setText("0")
            self.code_edit.setPlaceholderText(self.tr("选类别后自动给出，如 XZFW-026"))
            self.class_combo.currentIndexChanged.connect(self._suggest_code)
            self.class_combo.setFocus()
        else:
            self._fill(matter)
            self.code_edit.setReadOnly(True)
            self.code_edit.setToolTip(self.tr("事项编码创建后不能修改。"))
            self.code_edit.setFocusPolicy(Qt.NoFocus)
            self.name_edit.setFocus()
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.unit_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self._initial_state = self._state()

    # --- fields --------------------------------------------------------------------------------

    def _fields(self) -> list[QWidget]:
        """The form's fields in Tab order (the materials table last)."""
        return [self.class_combo, self.code_edit, self.name_edit, self.department_edit, self.kind_combo,
                self.legal_spin, self.unit_combo, self.promised_spin, self.fee_edit, self.fee_basis_edit,
                self.online_box, self.bundles_edit, self.statute_edit, self.materials_table]

    def _fill(self, matter: CatalogueMatter) -> None:
        self.class_combo.setCurrentText(matter.matter_class)
        self.code_edit.setText(matter.code)
        self.name_edit.setText(matter.name)
        self.department_edit.setText(matter.department)
        self.kind_combo.setCurrentText(matter.kind)
        self.legal_spin.setValue(matter.legal_days)
        self.unit_combo.setCurrentText(matter.legal_days_unit or DAY_UNITS[0])
        self.promised_spin.setValue(matter.promised_days)
        self.fee_edit.setText(f"{Decimal(matter.fee_cents) / 100:.2f}" if matter.fee_cents else "0")
        self.fee_basis_edit.setText(matter.fee_basis)
        self.online_box.setChecked(bool(matter.online))
        self.bundles_edit.setText("、".join(matter.bundles or []))
        self.statute_edit.setText(matter.statute)
        self.materials_table.set_materials(list(matter.materials or []))
        for edit in (self.name_edit, self.department_edit, self.fee_basis_edit, self.bundles_edit, self.statute_edit):
            edit.setCursorPosition(0)  # show a long text from its beginning

    def _suggest_code(self) -> None:
        """A new matter's code follows its class: fill in the next free one unless the user typed their own."""
        code = self.code_edit.text().strip().upper()
        if code and code != self._suggested:
            return
        self._suggested = next_code(self.class_combo.currentText(), self._existing)
        self.code_edit.setText(self._suggested)

    def _kind_changed(self, *_args) -> None:
        if self.kind_combo.currentText() == IMMEDIATE:
            text = self.tr("即办件当场或当日办结：承诺时限填 0（当场）或 1（当日）。")
        elif self.kind_combo.currentText():
            text = self.tr("承诺件：承诺时限按工作日计，至少 1 个工作日，且不超过法定时限（{0}）。").format(
                self.unit_combo.currentText())
        else:
            text = self.tr("即办件当场或当日办结；承诺件按承诺的工作日办结，须列出申请材料。")
        self.kind_hint.setText(text)

    def values(self) -> dict:
        """The form as save_matter takes it."""
        return {
            "code": self.code_edit.text(), "name": self.name_edit.text(),
            "matter_class": self.class_combo.currentText(), "department": self.department_edit.text(),
            "kind": self.kind_combo.currentText(), "legal_days": self.legal_spin.value(),
            "legal_days_unit": self.unit_combo.currentText(), "promised_days": self.promised_spin.value(),
            "fee": self.fee_edit.text(), "fee_basis": self.fee_basis_edit.text(),
            "materials": self.materials_table.materials(), "online": self.online_box.isChecked(),
            "bundles": split_bundles(self.bundles_edit.text()), "statute": self.statute_edit.text(),
        }

    def _state(self):
        values = self.values()
        values["materials"] = [[self.materials_table._text(r, c) for c in range(4)]
                               for r in range(self.materials_table.rowCount())]
        return values

    # --- saving and closing --------------------------------------------------------------------

    def save(self) -> bool:
        self.materials_table.commit_editing()  # Ctrl+S while a cell is still being typed in
        ok, record = self.errors.attempt(self, lambda: matters.save_matter(self.user, self.values(), self.matter),
                                         self._refused)
        if not ok:
            return False
        self.saved_matter = record
        self.saved.emit(record)
        self.accept()
        return True

    def _refused(self, exc: TownDeskError) -> None:
        if isinstance(exc, PermissionDenied):
            show_problem(self, exc)
            return
        self.errors.show(exc)
        if isinstance(exc, ValidationError):
            self._point_at_material(exc)

    def _point_at_material(self, exc: ValidationError) -> None:
        """An error in “第 n 项申请材料” or about “材料名” selects that row."""
        if exc.field != "申请材料" or not self.materials_table.rowCount():
            return
        found = re.search(r"第 (\d+) 项申请材料", exc.reason)
        if found:
            wanted = int(found.group(1))
            shown = 0
            for row in range(self.materials_table.rowCount()):
                if self.materials_table._text(row, NAME_COLUMN).strip() or \
                        self.materials_table._text(row, NOTE_COLUMN).strip():
                    shown += 1
                    if shown == wanted:
                        self.materials_table.setCurrentCell(row, NAME_COLUMN)
                        return
            return
        for row in range(self.materials_table.rowCount()):
            name = self.materials_table._text(row, NAME_COLUMN).strip()
            if name and f"“{name}”" in exc.reason:
                self.materials_table.setCurrentCell(row, NAME_COLUMN)
                return

    def reject(self) -> None:
        if self._state() != self._initial_state and not ask(
                self, self.tr("放弃修改"), self.tr("填写的内容还没有保存，确定要放弃吗？")):
            return
        super().reject()

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not (event.modifiers() & ~Qt.KeypadModifier):
            focus = self.focusWidget()
            if focus is self.materials_table:
                self.materials_table.edit_current()
                return
            fields = self._fields()[:-1]
            if any(focus is not None and (f is focus or f.isAncestorOf(focus)) for f in fields):
                self.focusNextChild()
                return
        super().keyPressEvent(event)


# --- the list ----------------------------------------------------------------------------------

class CatalogueAdmin(QWidget):
    """事项目录: every matter, stopped ones too, searchable; the administrator adds, edits, stops and
    restarts them. Anyone else sees the list read-only."""

    changed = Signal(object)  # a matter saved, stopped or restarted

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.can_edit = user.can("settings.manage")
        self.dialog: MatterDialog | None = None

        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(self.tr("输入事项名称或编码查找，如“低保”“XZFW”"))
        self.search_edit.setAccessibleName(self.tr("查找事项"))
        self.search_edit.installEventFilter(self)
        self.add_button = QPushButton(self.tr("新增事项"))
        self.add_button.setShortcut(QKeySequence.New)
        self.add_button.setToolTip(self.tr("新增事项（Ctrl+N）"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.setToolTip(self.tr("修改选中的事项（在列表中按 Enter 或双击）"))
        self.toggle_button = QPushButton(self.tr("停用"))
        self.toggle_button.setToolTip(self.tr("停用或重新启用选中的事项（Ctrl+T）"))
        for button in (self.add_button, self.edit_button, self.toggle_button):
            button.setAutoDefault(False)
            button.setVisible(self.can_edit)
            button.setMinimumWidth(96)

        if self.can_edit:
            intro = hint(self.tr(
                "窗口受理时可选的事项。停用的事项不再出现在受理登记中，已受理的办件不受影响；"
                "修改事项只对今后受理的办件生效。"))
        else:
            intro = notice(self.tr("只有管理员可以修改事项目录。这里只能查看；如需新增或修改事项，请联系管理员。"),
                           "warn")
        self.intro = intro

        self.model = MatterTableModel([
            Column(self.tr("编码"), lambda m: m.code),
            Column(self.tr("名称"), lambda m: m.name),
            Column(self.tr("类别"), lambda m: m.matter_class),
            Column(self.tr("办件类型"), lambda m: m.kind),
            Column(self.tr("承诺/法定时限"), limit_text),
            Column(self.tr("收费"), lambda m: fee_text(m.fee_cents), Qt.AlignRight | Qt.AlignVCenter),
            Column(self.tr("网办"), lambda m: self.tr("可网办") if m.online else "", Qt.AlignCenter),
            Column(self.tr("状态"), status_text, Qt.AlignCenter),
        ], self)
        self.table = RecordTable(self.model, select_on_focus=True)
        self.table.setAccessibleName(self.tr("事项目录"))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)

        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.details.setContentsMargins(8, 6, 8, 6)
        scroll = QScrollArea()
        scroll.setWidget(self.details)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.StyledPanel)
        scroll.setFocusPolicy(Qt.NoFocus)
        scroll.setFixedHeight(150)
        self.details_area = scroll

        self.count_label = QLabel()
        self.status_label = paint_hint(QLabel(), "ok")
        self.status_label.hide()
        keys = [self.tr("↓ 从查找框进入列表")]
        if self.can_edit:
            keys = [self.tr("Ctrl+N 新增")] + keys + [self.tr("Enter 或双击 编辑"), self.tr("Ctrl+T 停用/启用")]
        self.keys_label = paint_hint(QLabel(self.tr("快捷键：") + "　".join(keys)))

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.toggle_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addSpacing(12)
        bottom.addWidget(self.status_label, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.keys_label)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(scroll)
        layout.addLayout(bottom)
        self.setFocusProxy(self.search_edit)

        self.search_timer = debounced(self, self.refresh, SEARCH_DELAY_MS)
        self.search_edit.textChanged.connect(self.search_timer.start)
        self.search_edit.returnPressed.connect(self._enter_table)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.toggle_button.clicked.connect(self.toggle_active)
        # Not the button's own shortcut: setText (停用 ↔ 启用) would reset it.
        shortcut(QKeySequence(Qt.CTRL | Qt.Key_T), self, self.toggle_active)
        self.table.doubleClicked.connect(self.edit)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self.edit, Qt.WidgetShortcut)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()
        if self.model.rowCount():
            self.table.select_row(0)

    # --- list ------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search_edit and event.type() == QEvent.KeyPress and event.key() == Qt.Key_Down:
            self._enter_table()
            return True
        return super().eventFilter(watched, event)

    def _enter_table(self) -> None:
        if self.search_timer.isActive():
            self.refresh()
        if not self.model.rowCount():
            return
        if self.selected() is None:
            self.table.select_row(0)
        self.table.setFocus(Qt.OtherFocusReason)

    def selected(self) -> CatalogueMatter | None:
        return self.table.selected()

    def refresh(self, select: CatalogueMatter | None = None) -> None:
        """List again with the search box's text; keep (or move to) `select`."""
        self.search_timer.stop()
        keep = select or self.selected()
        text = self.search_edit.text().strip()
        try:
            rows = matters.find_matters(text, include_inactive=True) if text else \
                matters.list_matters(include_inactive=True)
            if select is not None and text and not any(r.id == select.id for r in rows):
                self.search_edit.blockSignals(True)
                self.search_edit.clear()
                self.search_edit.blockSignals(False)
                text = ""
                rows = matters.list_matters(include_inactive=True)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.model.set_rows(rows)
        stopped = sum(1 for m in rows if not m.active)
        if not rows and text:
            count = self.tr("没有找到符合“{0}”的事项").format(text)
        elif stopped:
            count = self.tr("共 {0} 个事项，其中停用 {1} 个").format(len(rows), stopped)
        else:
            count = self.tr("共 {0} 个事项").format(len(rows))
        self.count_label.setText(count)
        if keep is not None:
            for row, shown in enumerate(rows):
                if shown.id == keep.id:
                    self.table.select_row(row)
                    break
        self._selection_changed()

    def _selection_changed(self, *_args) -> None:
        matter = self.selected()
        self.edit_button.setEnabled(matter is not None)
        self.toggle_button.setEnabled(matter is not None)
        self.toggle_button.setText(self.tr("启用") if matter is not None and not matter.active else self.tr("停用"))
        self.details.setText(self.describe(matter) if matter is not None else self.tr("在上面的列表中选中一个事项，这里显示它的详细信息。"))

    def describe(self, matter: CatalogueMatter) -> str:
        """The selected matter's details, as rich text."""
        def esc(text: str) -> str:
            return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        lines = [f"<b>{esc(matter.code)}　{esc(matter.name)}</b>"
                 + ("" if matter.active else self.tr("（已停用）"))]
        facts = [self.tr("承办机构：{0}").format(esc(matter.department)),
                 self.tr("设定依据：{0}").format(esc(matter.statute) or self.tr("未填写"))]
        if matter.fee_cents:
            facts.append(self.tr("收费依据：{0}").format(esc(matter.fee_basis)))
        if matter.bundles:
            facts.append(self.tr("一件事：{0}").format(esc("、".join(matter.bundles))))
        lines.append("；".join(facts))
        if matter.materials:
            items = []
            for number, material in enumerate(matter.materials, start=1):
                note = material.get("note") or ""
                items.append(f"{number}. {esc(material['name'])}（{esc(material['form'])} {material.get('copies', 1)} 份）"
                             + (f"<span style='color:#555555'> — {esc(note)}</span>" if note else ""))
            lines.append(self.tr("申请材料：") + "<br>" + "<br>".join(items))
        else:
            lines.append(self.tr("申请材料：无需提交材料"))
        return "<br>".join(lines)

    # --- actions ---------------------------------------------------------------------------------

    def add(self) -> MatterDialog | None:
        return self.open_dialog(None)

    def edit(self, *_args) -> MatterDialog | None:
        matter = self.selected()
        if matter is None or not self.can_edit:
            return None
        return self.open_dialog(matter)

    def open_dialog(self, matter: CatalogueMatter | None) -> MatterDialog | None:
        """Open the form (window-modal, not blocking) and return it; saving refreshes the list."""
        if not self.can_edit:
            return None
        dialog = MatterDialog(self.user, matter, self)
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _result, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: MatterDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus(Qt.OtherFocusReason)

    def _saved(self, matter: CatalogueMatter) -> None:
        self.refresh(select=matter)
        set_hint(self.status_label, self.tr("已保存事项 {0} {1}。").format(matter.code, matter.name), "ok")
        self.changed.emit(matter)

    def toggle_active(self) -> bool:
        """停用 (after asking) or 启用 the selected matter."""
        matter = self.selected()
        if matter is None or not self.can_edit:
            return False
        stopping = bool(matter.active)
        if stopping and not ask(self, self.tr("停用事项"), self.tr(
                "确定停用“{0} {1}”吗？\n\n停用后受理登记中不再提供这个事项；已经受理的办件不受影响。"
                "以后可以随时重新启用。").format(matter.code, matter.name)):
            return False
        try:
            matters.set_active(self.user, matter, not stopping)
        except Exception as exc:  # noqa: BLE001 - PermissionDenied and the like: say so, change nothing
            show_problem(self, exc)
            return False
        self.refresh(select=matter)
        done = self.tr("已停用事项 {0} {1}。") if stopping else self.tr("已启用事项 {0} {1}。")
        set_hint(self.status_label, done.format(matter.code, matter.name), "ok")
        self.table.setFocus(Qt.OtherFocusReason)
        self.changed.emit(matter)
        return True
