"""The 个人 and 单位 lists: search as you type, then add, edit or delete, all from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models import people
from models.accounts import User
from models.people import RESIDENT_ID, Organisation, Person
from ui.common import debounced, shortcut, Column, RecordTable, RecordTableModel, ask, paint_hint, show_problem
from ui.people.organisation_dialog import OrganisationDialog
from ui.people.person_dialog import PersonDialog

SEARCH_DELAY_MS = 250
LIST_LIMIT = 500


class RecordTab(QWidget):
    """Search box, buttons and table over one kind of record; a subclass says which kind."""

    changed = Signal(object)  # a record saved or deleted
    dialog_class: type[QDialog]  # its form, opened as dialog_class(user, record or None, parent)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dialog: QDialog | None = None
        self.can_edit = user.can("people.edit")
        self.can_delete = user.can("people.delete")

        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(self.search_placeholder())
        self.search_edit.installEventFilter(self)
        self.add_button = QPushButton(self.tr("新增"))
        self.add_button.setShortcut(QKeySequence.New)
        self.add_button.setToolTip(self.tr("新增（Ctrl+N）"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.setToolTip(self.tr("修改选中的记录（在列表中按 Enter 或双击）"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.setToolTip(self.tr("删除选中的记录（在列表中按 Delete）"))
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setAutoDefault(False)
        self.add_button.setVisible(self.can_edit)
        self.edit_button.setVisible(self.can_edit)
        self.delete_button.setVisible(self.can_delete)

        self.model = RecordTableModel(self.columns(), self)
        self.table = RecordTable(self.model)
        # refresh sizes the columns once, from the first rows; after that the widths the user drags stay.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self._widths_set = False

        self.count_label = QLabel()
        keys = [self.tr("Ctrl+N 新增")] if self.can_edit else []
        keys.append(self.tr("↓ 从搜索框进入列表"))
        if self.can_edit:
            keys.append(self.tr("Enter 或双击 编辑"))
        if self.can_delete:
            keys.append(self.tr("Delete 删除"))
        self.keys_label = paint_hint(QLabel(self.tr("快捷键：") + "　".join(keys)))

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.keys_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.search_edit)

        self.search_timer = debounced(self, self.refresh, SEARCH_DELAY_MS)
        self.search_edit.textChanged.connect(self.search_timer.start)
        self.search_edit.returnPressed.connect(self._enter_table)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.table.doubleClicked.connect(self.edit)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self.edit, Qt.WidgetShortcut)
        shortcut(Qt.Key_Delete, self.table, self.delete, Qt.WidgetShortcut)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- what a subclass says ---------------------------------------------------------------------

    def search_placeholder(self) -> str:
        raise NotImplementedError

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def search(self, text: str) -> list:
        raise NotImplementedError

    def count_text(self, count: int) -> str:
        raise NotImplementedError

    def not_found_text(self, text: str) -> str:
        """没有找到符合“…”的… (refresh adds whether one can be added)."""
        raise NotImplementedError

    def delete_question(self, record) -> tuple[str, str]:
        raise NotImplementedError

    # --- behaviour ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search_edit and event.type() == QEvent.KeyPress and event.key() == Qt.Key_Down:
            self._enter_table()
            return True
        return super().eventFilter(watched, event)

    def _enter_table(self) -> None:
        if self.search_timer.isActive():
            self.search_timer.stop()
            self.refresh()
        if self.model.rowCount() == 0:
            return
        if self.selected() is None:
            self.table.select_row(0)
        self.table.setFocus(Qt.OtherFocusReason)

    def selected(self):
        return self.table.selected()

    def refresh(self, select=None) -> None:
        """Search again with the box's text and select `select` (a record), else keep the selection.

        A record that the current search would hide is shown by clearing the search.
        """
        self.search_timer.stop()
        keep = select if select is not None else self.selected()
        text = self.search_edit.text().strip()
        try:
            rows = self.search(text)
            if select is not None and text and not any(r.id == select.id for r in rows):
                self.search_edit.blockSignals(True)
                self.search_edit.clear()
                self.search_edit.blockSignals(False)
                text = ""
                rows = self.search(text)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.model.set_rows(rows)
        if not self._widths_set and rows:
            self.table.resizeColumnsToContents()
            for column in range(self.model.columnCount()):
                width = self.table.columnWidth(column)
                self.table.setColumnWidth(column, min(max(width + 16, 72), 260))
            self._widths_set = True
        if len(rows) >= LIST_LIMIT:
            count = self.tr("{0}（只显示最近修改的 {1} 条，请输入条件缩小范围）").format(
                self.count_text(len(rows)), LIST_LIMIT)
        elif not rows and text:
            count = self.count_text(0) + "　" + self.not_found_text(text) + (
                self.tr("，可按 Ctrl+N 新增。") if self.can_edit else "。")
        elif not rows and self.can_edit:
            count = self.count_text(0) + "　" + self.tr("还没有登记，可按 Ctrl+N 新增。")
        else:
            count = self.count_text(len(rows))
        self.count_label.setText(count)
        if keep is not None:
            self.select_record(keep)
        self._update_buttons()

    def select_record(self, record) -> bool:
        for row, shown in enumerate(self.model.rows):
            if shown.id == record.id:
                self.table.select_row(row)
                return True
        return False

    def _update_buttons(self, *_args) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def open_dialog(self, record=None) -> QDialog:
        """Open the form (window-modal, not blocking) and return it; saving refreshes the list."""
        if not self.can_edit:
            return None
        dialog = self.dialog_class(self.user, record, self)
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _result, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus(Qt.OtherFocusReason)

    def _saved(self, record) -> None:
        self.refresh(select=record)
        self.changed.emit(record)

    def add(self) -> QDialog | None:
        return self.open_dialog(None)

    def edit(self, *_args) -> QDialog | None:
        record = self.selected()
        if record is None or not self.can_edit:
            return None
        return self.open_dialog(record)

    def delete(self) -> bool:
        record = self.selected()
        if record is None or not self.can_delete:
            return False
        title, question = self.delete_question(record)
        if not ask(self, title, question):
            return False
        row = self.table.selectionModel().selectedRows()[0].row()
        try:
            people.soft_delete(self.user, record)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return False
        self.refresh()
        self.table.select_row(min(row, self.model.rowCount() - 1))
        self.table.setFocus(Qt.OtherFocusReason)
        self.changed.emit(record)
        return True


class PeopleTab(RecordTab):
    """个人."""

    dialog_class = PersonDialog

    def search_placeholder(self) -> str:
        return self.tr("输入姓名、身份证号、电话或村（社区）查找")

    def columns(self) -> list[Column]:
        def id_text(p: Person) -> str:
            shown = people.shown_id(self.user, p.id_number)
            return f"{shown}（{p.id_type}）" if shown and p.id_type != RESIDENT_ID else shown

        return [
            Column(self.tr("姓名"), lambda p: p.name),
            Column(self.tr("性别"), lambda p: p.gender),
            Column(self.tr("民族"), lambda p: p.ethnicity),
            Column(self.tr("证件号码"), id_text),
            Column(self.tr("出生日期"), lambda p: p.birth_date.isoformat() if p.birth_date else ""),
            Column(self.tr("联系电话"), lambda p: p.phone),
            Column(self.tr("村（社区）"), lambda p: p.village),
            Column(self.tr("住址"), lambda p: p.address),
        ]

    def search(self, text: str) -> list:
        return people.search_people(self.user, text, limit=LIST_LIMIT)

    def count_text(self, count: int) -> str:
        return self.tr("共 {0} 人").format(count)

    def not_found_text(self, text: str) -> str:
        return self.tr("没有找到符合“{0}”的人员").format(text)

    def delete_question(self, record: Person) -> tuple[str, str]:
        details = [record.village] if record.village else []
        if record.id_number:
            details.append(people.shown_id(self.user, record.id_number))
        who = f"“{record.name}”" + (f"（{'，'.join(details)}）" if details else "")
        return self.tr("删除人员"), self.tr("确定要删除{0}吗？\n\n删除后人员库中不再显示这个人，"
                                           "操作会记入日志。").format(who)


class OrganisationsTab(RecordTab):
    """单位."""

    dialog_class = OrganisationDialog

    def search_placeholder(self) -> str:
        return self.tr("输入单位名称、统一社会信用代码、电话或联系人查找")

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("单位名称"), lambda o: o.name),
            Column(self.tr("统一社会信用代码"), lambda o: o.credit_code or ""),
            Column(self.tr("法定代表人"), lambda o: o.legal_rep),
            Column(self.tr("联系人"), lambda o: o.contact),
            Column(self.tr("联系电话"), lambda o: o.phone),
            Column(self.tr("地址"), lambda o: o.address),
        ]

    def search(self, text: str) -> list:
        return people.search_organisations(self.user, text, limit=LIST_LIMIT)

    def count_text(self, count: int) -> str:
        return self.tr("共 {0} 个单位").format(count)

    def not_found_text(self, text: str) -> str:
        return self.tr("没有找到符合“{0}”的单位").format(text)

    def delete_question(self, record: Organisation) -> tuple[str, str]:
        who = f"“{record.name}”" + (f"（{record.credit_code}）" if record.credit_code else "")
        return self.tr("删除单位"), self.tr("确定要删除{0}吗？\n\n删除后人员库中不再显示这个单位，"
                                           "操作会记入日志。").format(who)
