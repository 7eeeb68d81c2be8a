"""Find-as-you-type pickers for the counter: a person or organisation from the registry, and a matter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from models import people
from models.accounts import User
from models.hall import matters
from models.hall.tables import CatalogueMatter
from models.people import Organisation, Person
from ui.common import debounced, paint_hint

RESULTS = 8


def describe_party(user: User, record) -> str:
    """张三　居民身份证 5002…　138…　石龙村 (the ID as this user may see it)."""
    if isinstance(record, Organisation):
        parts = [record.name, record.credit_code or "", record.phone]
    else:
        parts = [record.name, people.shown_id(user, record.id_number), record.phone, record.village]
    return "　".join(p for p in parts if p)


class PartyPicker(QWidget):
    """Search the registry by ID number, credit code, name or phone; ↓ into the results, Enter picks.

    Someone not yet registered is added with the registry's own form (新登记…) and picked at once.
    """

    chosen = Signal(object)   # Person / Organisation, or None when cleared

    def __init__(self, user: User, organisations: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.organisations = organisations
        self.record = None
        self.dialog = None
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(
            self.tr("输入证件号码、统一社会信用代码、姓名或电话查找") if organisations
            else self.tr("输入证件号码、姓名或电话查找"))
        self.edit.installEventFilter(self)
        self.results = QListWidget()
        self.results.setMaximumHeight(150)
        self.results.hide()
        self.results.itemActivated.connect(self._pick_item)
        self.results.installEventFilter(self)
        self.chosen_label = QLabel()
        self.chosen_label.setProperty("role", "value")
        self.chosen_label.setWordWrap(True)
        self.empty_label = paint_hint(QLabel(), "warn")
        self.empty_label.hide()
        self.new_person = QPushButton(self.tr("新登记个人…"))
        self.new_person.setAutoDefault(False)
        self.new_person.clicked.connect(lambda: self.register(Person))
        self.new_org = QPushButton(self.tr("新登记单位…"))
        self.new_org.setAutoDefault(False)
        self.new_org.clicked.connect(lambda: self.register(Organisation))
        self.new_person.setVisible(user.can("people.edit"))
        self.new_org.setVisible(organisations and user.can("people.edit"))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.new_person)
        if organisations:
            row.addWidget(self.new_org)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.chosen_label)
        self.chosen_label.hide()
        self.setFocusProxy(self.edit)
        self.timer = debounced(self, self.search, 200)
        self.edit.textEdited.connect(lambda _t: self.timer.start())

    def search(self) -> None:
        text = self.edit.text().strip()
        self.results.clear()
        self.empty_label.hide()
        if not text:
            self.results.hide()
            return
        found: list = list(people.search_people(self.user, text, limit=RESULTS))
        if self.organisations:
            found += people.search_organisations(self.user, text, limit=RESULTS)
        for record in found[:RESULTS]:
            item = QListWidgetItem(("［单位］" if isinstance(record, Organisation) else "") + describe_party(self.user, record))
            item.setData(Qt.UserRole, record)
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        if found:
            self.results.setCurrentRow(0)
        else:
            self.empty_label.setText(self.tr("人员库中没有找到“{0}”，可点“新登记…”登记。").format(text))
            self.empty_label.show()

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.set_record(item.data(Qt.UserRole))
        self.focusNextChild()

    def set_record(self, record) -> None:
        self.record = record
        self.results.hide()
        self.empty_label.hide()
        if record is None:
            self.chosen_label.hide()
        else:
            self.chosen_label.setText("✔ " + describe_party(self.user, record))
            self.chosen_label.show()
            self.edit.clear()
        self.chosen.emit(record)

    def clear(self) -> None:
        self.edit.clear()
        self.set_record(None)

    def register(self, kind) -> None:
        """Open the registry's form; the saved record is picked."""
        from ui.people.organisation_dialog import OrganisationDialog
        from ui.people.person_dialog import PersonDialog

        dialog_class = PersonDialog if kind is Person else OrganisationDialog
        self.dialog = dialog_class(self.user, None, self)
        self.dialog.saved.connect(self.set_record)
        self.dialog.open()

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.KeyPress:
            key = event.key()
            if obj is self.edit:
                if key == Qt.Key_Down and self.results.isVisible():
                    self.results.setFocus()
                    return True
                if key in (Qt.Key_Return, Qt.Key_Enter):
                    if self.timer.isActive():
                        self.timer.stop()
                        self.search()
                    if self.results.isVisible() and self.results.count():
                        self._pick_item(self.results.item(0))
                        return True
                    if self.record is not None and not self.edit.text():
                        self.focusNextChild()
                        return True
            elif obj is self.results and key == Qt.Key_Up and self.results.currentRow() == 0:
                self.edit.setFocus()
                return True
        return super().eventFilter(obj, event)


def matter_label(matter: CatalogueMatter) -> str:
    return f"{matter.code}　{matter.name}"


class MatterPicker(QWidget):
    """Type-ahead over the catalogue by name or code; Enter takes the best match."""

    chosen = Signal(object)   # CatalogueMatter or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.matter: CatalogueMatter | None = None
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(self.tr("输入事项名称或编码，如“低保”“XZFW-010”"))
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchContains)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated.connect(self._picked_text)
        self.edit.returnPressed.connect(self._enter)
        self.edit.textEdited.connect(self._edited)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self.reload()

    def reload(self) -> None:
        self.matters = matters.list_matters()
        self.model.setStringList([matter_label(m) for m in self.matters])

    def _picked_text(self, text: str) -> None:
        code = text.split("　", 1)[0]
        self.set_matter(next((m for m in self.matters if m.code == code), None))

    def _enter(self) -> None:
        if self.matter is not None and self.edit.text() == matter_label(self.matter):
            self.focusNextChild()
            return
        found = matters.find_matters(self.edit.text())
        if found:
            self.set_matter(found[0])
            self.completer.popup().hide()
            self.focusNextChild()

    def _edited(self, _text: str) -> None:
        if self.matter is not None:
            self.matter = None
            self.chosen.emit(None)

    def set_matter(self, matter: CatalogueMatter | None) -> None:
        self.matter = matter
        self.edit.setText(matter_label(matter) if matter else "")
        self.chosen.emit(matter)

    def clear(self) -> None:
        self.set_matter(None)
