"""人员库: the people and organisations every area refers to.

`PeoplePage(user)` is the screen the main window shows; `PersonDialog` and `OrganisationDialog`
are the forms it opens. Everything is read and written through models.people: this module never
builds a query, and never shows (or saves back) an ID number the user may not see in full.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import people
from models.accounts import User
from models.errors import TownDeskError, ValidationError
from models.people import ETHNICITIES, GENDERS, ID_TYPES, RESIDENT_ID, Organisation, Person
from models.validators import check_credit_code, parse_resident_id
from ui.common import Column, FieldErrors, RecordTableModel, show_problem

SEARCH_DELAY_MS = 250
LIST_LIMIT = 500

HINT_STYLES = {
    "info": "color: #555555;",
    "ok": "color: #2e7d32;",
    "warn": "color: #e65100;",
    "error": "color: #c62828;",
}
READ_ONLY_STYLE = "QLineEdit { background: #eeeeee; color: #555555; }"
NOTICE_STYLE = (
    "QLabel { background: #e3f2fd; color: #0d47a1; border: 1px solid #90caf9;"
    " border-radius: 3px; padding: 6px; }"
)


def _set_hint(label: QLabel, text: str, kind: str = "info") -> None:
    label.setText(text)
    label.setStyleSheet(HINT_STYLES[kind])
    label.setProperty("kind", kind)
    label.setVisible(bool(text))


def _ask(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question; No is the default so a stray Enter does nothing harmful."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


# --------------------------------------------------------------------------------------------
# Form widgets
# --------------------------------------------------------------------------------------------

class BirthDateEdit(QDateEdit):
    """A QDateEdit that can be empty ("未填写").

    The empty value is the minimum date shown as special text. Entering an empty field puts a
    starting date in place so that typing eight digits (19800312) works; leaving it untouched
    empties it again. Delete empties a filled date.
    """

    EMPTY = QDate(1899, 12, 31)
    START = QDate(1980, 1, 1)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(self.EMPTY)
        self.setMaximumDate(QDate.currentDate())
        self.setSpecialValueText(self.tr("未填写"))
        self.setDate(self.EMPTY)
        self._starting = False
        self.dateChanged.connect(self._user_changed)

    def value(self) -> date | None:
        if self._starting or self.date() == self.EMPTY:
            return None
        return self.date().toPython()

    def set_value(self, value: date | None) -> None:
        self._starting = False
        self.setDate(QDate(value) if value is not None else self.EMPTY)

    def _user_changed(self, _date) -> None:
        self._starting = False

    def focusInEvent(self, event):  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        if self.date() == self.EMPTY and not self.isReadOnly() and self.isEnabled():
            self.blockSignals(True)
            self.setDate(self.START)
            self.blockSignals(False)
            self._starting = True
            self.setCurrentSection(QDateTimeEdit.YearSection)
            self.lineEdit().setSelection(0, 4)

    def focusOutEvent(self, event):  # noqa: N802
        super().focusOutEvent(event)
        if self._starting and event.reason() != Qt.PopupFocusReason:
            self._starting = False
            self.blockSignals(True)
            self.setDate(self.EMPTY)
            self.blockSignals(False)

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key_Delete and not self.isReadOnly():
            self._starting = False
            self.setDate(self.EMPTY)
            return
        super().keyPressEvent(event)


class _FormDialog(QDialog):
    """Enter moves to the next field; Enter in the last field saves; Esc asks before dropping typed work."""

    _initial_state = None

    def _form_fields(self) -> list[QWidget]:
        raise NotImplementedError

    def _state(self):
        """What the user has filled in, to tell whether closing would lose anything."""
        return [w.currentText() if isinstance(w, QComboBox) else
                w.text() for w in self._form_fields()]

    def _remember_state(self) -> None:
        self._initial_state = self._state()

    def reject(self) -> None:
        if self._initial_state is not None and self._state() != self._initial_state and not _ask(
                self, self.tr("放弃修改"), self.tr("已填写的内容还没有保存，确定要放弃吗？")):
            return
        super().reject()

    def save(self) -> bool:
        raise NotImplementedError

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not (event.modifiers() & ~Qt.KeypadModifier):
            focus = self.focusWidget()
            fields = self._form_fields()
            owner = next((f for f in fields if focus is not None and (f is focus or f.isAncestorOf(focus))), None)
            if owner is fields[-1]:
                self.save()
                return
            if owner is not None:
                self.focusNextChild()
                return
        super().keyPressEvent(event)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
    box.button(QDialogButtonBox.Save).setText(dialog.tr("保存"))
    box.button(QDialogButtonBox.Cancel).setText(dialog.tr("取消"))
    box.accepted.connect(dialog.save)
    box.rejected.connect(dialog.reject)
    return box


class _HintLabel(QLabel):
    """A wrapping label as tall as its text at its real width (QFormLayout asks sizeHint, not heightForWidth)."""

    def sizeHint(self):  # noqa: N802
        hint = super().sizeHint()
        if self.wordWrap() and self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.updateGeometry()


def _hint_label() -> QLabel:
    label = _HintLabel()
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)  # use the form's width before wrapping
    label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
    label.hide()
    return label


# --------------------------------------------------------------------------------------------
# 个人
# --------------------------------------------------------------------------------------------

class PersonDialog(_FormDialog):
    """登记或修改一个人. Emits `saved(Person)` and accepts when the record is stored.

    A user without people.full_id editing someone with an ID number sees the number masked and
    read-only; the stored number is kept (the masked text is never sent) unless the user presses
    “更改证件号码” and types a complete new one.
    """

    saved = Signal(object)

    def __init__(self, user: User, person: Person | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.person = person
        self.saved_person: Person | None = None
        self._busy = False            # filling the form from code: ignore change signals
        self._keep_stored_id = False  # masked number shown; the stored one is kept
        self._changing_id = False     # the user chose to replace a number they cannot see
        self._loaded: Person | None = None  # record called up by typing its ID into a new form
        self._snapshot: dict | None = None  # the new form as it was before that
        self._before_auto: tuple | None = None  # gender/birth before the ID filled them

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.hide()

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(64)
        self.name_edit.setPlaceholderText(self.tr("如：张三"))
        self.id_type_combo = QComboBox()
        self.id_type_combo.addItems(ID_TYPES)
        self.id_edit = QLineEdit()
        self.id_edit.setMaxLength(32)
        self.change_id_button = QPushButton(self.tr("更改证件号码"))
        self.change_id_button.setAutoDefault(False)
        self.change_id_button.setToolTip(self.tr("您的角色不能查看完整证件号码；如需更正，可重新填写完整号码。"))
        self.change_id_button.hide()
        self.id_hint = _hint_label()
        self.gender_combo = QComboBox()
        self.gender_combo.addItem(self.tr("未填写"), "")
        for gender in GENDERS:
            self.gender_combo.addItem(gender, gender)
        self.birth_edit = BirthDateEdit()
        self.birth_edit.setToolTip(self.tr("可直接输入8位数字，如 19800312；按 Alt+↓ 打开日历；按 Delete 清空。"))
        self.ethnicity_combo = QComboBox()
        self.ethnicity_combo.setEditable(True)
        self.ethnicity_combo.addItems(ETHNICITIES)
        self.ethnicity_combo.setInsertPolicy(QComboBox.NoInsert)
        self.ethnicity_combo.setMaxVisibleItems(15)
        completer = QCompleter(ETHNICITIES, self.ethnicity_combo)
        completer.setFilterMode(Qt.MatchContains)
        completer.setCompletionMode(QCompleter.PopupCompletion)
        self.ethnicity_combo.setCompleter(completer)
        self.ethnicity_combo.setToolTip(self.tr("可输入民族名称中的字查找，如输入“土家”找到“土家族”。"))
        self.ethnicity_combo.setCurrentText("汉族")
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(32)
        self.phone_edit.setPlaceholderText(self.tr("手机号或座机号，如 13812345678、023-48612345"))
        self.address_edit = QLineEdit()
        self.address_edit.setMaxLength(200)
        self.address_edit.setPlaceholderText(self.tr("如：打通镇石龙村3组15号"))
        self.village_edit = QLineEdit()
        self.village_edit.setMaxLength(64)
        self.village_edit.setPlaceholderText(self.tr("如：石龙村（按 Enter 保存）"))
        villages = QCompleter(people.known_villages(), self.village_edit)
        villages.setFilterMode(Qt.MatchContains)
        self.village_edit.setCompleter(villages)

        id_row = QWidget()
        id_layout = QHBoxLayout(id_row)
        id_layout.setContentsMargins(0, 0, 0, 0)
        id_layout.addWidget(self.id_edit, 1)
        id_layout.addWidget(self.change_id_button)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        form.addRow(self.tr("姓名 *"), self.name_edit)
        form.addRow(self.tr("证件类型"), self.id_type_combo)
        form.addRow(self.tr("证件号码"), id_row)
        form.addRow("", self.id_hint)
        form.addRow(self.tr("性别"), self.gender_combo)
        form.addRow(self.tr("出生日期"), self.birth_edit)
        form.addRow(self.tr("民族"), self.ethnicity_combo)
        form.addRow(self.tr("联系电话"), self.phone_edit)
        form.addRow(self.tr("住址"), self.address_edit)
        form.addRow(self.tr("村（社区）"), self.village_edit)

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "姓名": self.name_edit,
            "证件类型": self.id_type_combo,
            "身份证号": self.id_edit,
            "证件号码": self.id_edit,
            "性别": self.gender_combo,
            "出生日期": self.birth_edit,
            "民族": self.ethnicity_combo,
            "联系电话": self.phone_edit,
            "住址": self.address_edit,
            "村（社区）": self.village_edit,
        })
        self.buttons = _buttons(self)
        self.save_button = self.buttons.button(QDialogButtonBox.Save)

        legend = QLabel(self.tr("带 * 的为必填项。按 Enter 到下一项，在最后一项按 Enter 保存，Esc 取消。"))
        legend.setStyleSheet(HINT_STYLES["info"])
        legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(legend)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)

        chain = [self.name_edit, self.id_type_combo, self.id_edit, self.change_id_button, self.gender_combo,
                 self.birth_edit, self.ethnicity_combo, self.phone_edit, self.address_edit, self.village_edit,
                 self.save_button, self.buttons.button(QDialogButtonBox.Cancel)]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

        self.id_edit.textChanged.connect(self._id_changed)
        self.id_edit.editingFinished.connect(self._id_finished)
        self.id_type_combo.currentIndexChanged.connect(self._id_type_changed)
        self.ethnicity_combo.lineEdit().editingFinished.connect(self._resolve_ethnicity)
        self.change_id_button.clicked.connect(self._toggle_change_id)

        if person is not None:
            self._fill(person)
            if person.id_number and not user.can("people.full_id"):
                self._enter_masked_mode()
        self._update_title()
        self._update_id_placeholder()
        self._refresh_id_state()
        self._remember_state()
        self.name_edit.setFocus()

    # --- filling and reading the form ---------------------------------------------------------

    def _form_fields(self) -> list[QWidget]:
        return [self.name_edit, self.id_type_combo, self.id_edit, self.gender_combo, self.birth_edit,
                self.ethnicity_combo, self.phone_edit, self.address_edit, self.village_edit]

    def _fill(self, person: Person, with_id: bool = True) -> None:
        self._busy = True
        try:
            self.name_edit.setText(person.name)
            self.id_type_combo.setCurrentText(person.id_type or RESIDENT_ID)
            if with_id:
                self.id_edit.setText(people.shown_id(self.user, person.id_number))
            self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(person.gender or "")))
            self.birth_edit.set_value(person.birth_date)
            self.ethnicity_combo.setCurrentText(person.ethnicity or "汉族")
            self.phone_edit.setText(person.phone)
            self.address_edit.setText(person.address)
            self.village_edit.setText(person.village)
        finally:
            self._busy = False

    def _values(self) -> dict:
        """The fields other than the ID, as shown."""
        return {
            "name": self.name_edit.text(),
            "gender": self.gender_combo.currentData(),
            "birth_date": self.birth_edit.value(),
            "ethnicity": self.ethnicity_combo.currentText(),
            "phone": self.phone_edit.text(),
            "address": self.address_edit.text(),
            "village": self.village_edit.text(),
        }

    def _restore(self, values: dict) -> None:
        self._busy = True
        try:
            self.name_edit.setText(values["name"])
            self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(values["gender"])))
            self.birth_edit.set_value(values["birth_date"])
            self.ethnicity_combo.setCurrentText(values["ethnicity"])
            self.phone_edit.setText(values["phone"])
            self.address_edit.setText(values["address"])
            self.village_edit.setText(values["village"])
        finally:
            self._busy = False

    def data(self) -> dict:
        """The form as save_person expects it. Raises ValidationError for what only the form knows."""
        values = self._values()
        values["ethnicity"] = values["ethnicity"].strip()
        if self._keep_stored_id:
            values["id_type"] = self.person.id_type
            values["id_number"] = self.person.id_number
            return values
        values["id_type"] = self.id_type_combo.currentText()
        number = self.id_edit.text().strip()
        label = "身份证号" if values["id_type"] == RESIDENT_ID else "证件号码"
        if self._changing_id and not number:
            raise ValidationError(label, "请填写新的完整证件号码，或点击“恢复原号码”保留原来的号码。")
        if "*" in number:
            raise ValidationError(label, "号码中不能有“*”，请填写完整的证件号码。")
        values["id_number"] = number
        return values

    # --- ID number behaviour -----------------------------------------------------------------

    def _update_title(self) -> None:
        if self.person is None:
            self.setWindowTitle(self.tr("登记人员"))
        else:
            self.setWindowTitle(self.tr("修改人员信息 — {0}").format(self.person.name))

    def _update_id_placeholder(self) -> None:
        if self.id_type_combo.currentText() == RESIDENT_ID:
            self.id_edit.setPlaceholderText(self.tr("18位居民身份证号码，末位可为X"))
        else:
            self.id_edit.setPlaceholderText(self.tr("按证件上的号码填写"))

    def _id_type_changed(self, _index: int) -> None:
        if self._busy:
            return
        self._update_id_placeholder()
        self._refresh_id_state()

    def _id_changed(self, _text: str) -> None:
        if not self._busy:
            self._refresh_id_state()

    def _id_finished(self) -> None:
        """Other document types have no fixed length: look for a registered holder when the field is left."""
        if self._busy or self._keep_stored_id or self.id_type_combo.currentText() == RESIDENT_ID:
            return
        number = self.id_edit.text().strip()
        if number:
            self._check_registered(number, self.id_type_combo.currentText())

    def _check_registered(self, number: str, id_type: str) -> bool:
        """If someone else holds this document: call them up (new form) or say so (editing). True if so."""
        twin = people.find_person_by_id(number, id_type)
        if twin is None or (self.person is not None and twin.id == self.person.id):
            return False
        where = f"（{twin.village}）" if twin.village else ""
        if self.person is None:
            self._load_registered(twin)
            self.notice.setText(self.tr("该证件号已登记：{0}{1}—已调出已有记录，保存将修改这条记录。"
                                        "如证件号填错，改正号码即恢复为新登记。").format(twin.name, where))
            self.notice.show()
            return True
        self._release_auto()
        _set_hint(self.id_hint, self.tr("该证件号已登记为“{0}”{1}，不能重复登记。").format(twin.name, where), "error")
        return True

    def _load_registered(self, twin: Person) -> None:
        self._snapshot = self._values()
        self._before_auto = None
        self.person = twin
        self._loaded = twin
        self._fill(twin, with_id=self.user.can("people.full_id"))
        self._update_title()

    def _leave_loaded(self) -> None:
        name = self._loaded.name
        self.person = None
        self._loaded = None
        self._before_auto = None
        self.gender_combo.setEnabled(True)
        self.birth_edit.setEnabled(True)
        if self._snapshot is not None:
            self._restore(self._snapshot)
        self._snapshot = None
        self._update_title()
        self.notice.setText(self.tr("证件号已改动，不再是“{0}”的记录，将作为新人员登记。").format(name))
        self.notice.show()

    def _still_loaded(self, number: str, id_type: str) -> bool:
        if id_type != self._loaded.id_type:
            return False
        if id_type == RESIDENT_ID:
            try:
                return parse_resident_id(number).number == self._loaded.id_number
            except ValidationError:
                return False
        return number.upper().replace(" ", "") == self._loaded.id_number

    def _refresh_id_state(self) -> None:
        if self._keep_stored_id:
            self._show_masked_hint()
            return
        number = self.id_edit.text().strip()
        id_type = self.id_type_combo.currentText()
        if self._loaded is not None and not self._still_loaded(number, id_type):
            self._leave_loaded()
        if id_type != RESIDENT_ID:
            self._release_auto()
            _set_hint(self.id_hint, "")
            return
        length = len(number.replace(" ", ""))
        if length == 0:
            self._release_auto()
            _set_hint(self.id_hint, self.tr("填写身份证号后，出生日期和性别会自动识别。"))
            return
        if length < 18:
            self._release_auto()
            _set_hint(self.id_hint, self.tr("已输入 {0}/18 位").format(length))
            return
        if self._check_registered(number, RESIDENT_ID):
            if self._loaded is None:
                return  # editing: the clash is shown in the hint
            number = self._loaded.id_number
        try:
            parsed = parse_resident_id(number, "身份证号")
        except ValidationError as exc:
            self._release_auto()
            _set_hint(self.id_hint, exc.reason, "error")
            return
        self._apply_parsed(parsed.birth_date, parsed.gender)

    def _apply_parsed(self, birth: date, gender: str) -> None:
        if self._before_auto is None:
            self._before_auto = (self.gender_combo.currentData(), self.birth_edit.value())
        self.gender_combo.setCurrentIndex(self.gender_combo.findData(gender))
        self.birth_edit.set_value(birth)
        self.gender_combo.setEnabled(False)
        self.birth_edit.setEnabled(False)
        _set_hint(self.id_hint, self.tr("出生日期 {0}，{1}（由身份证号自动识别）").format(birth.isoformat(), gender), "ok")

    def _release_auto(self) -> None:
        if self._before_auto is not None:
            gender, birth = self._before_auto
            self._before_auto = None
            self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(gender)))
            self.birth_edit.set_value(birth)
        self.gender_combo.setEnabled(True)
        self.birth_edit.setEnabled(True)

    # --- numbers the user may not see ------------------------------------------------------------

    def _enter_masked_mode(self) -> None:
        self._keep_stored_id = True
        self._changing_id = False
        self._busy = True
        try:
            self.id_type_combo.setCurrentText(self.person.id_type or RESIDENT_ID)
            self.id_edit.setText(people.shown_id(self.user, self.person.id_number))
        finally:
            self._busy = False
        self.id_edit.setReadOnly(True)
        self.id_edit.setStyleSheet(READ_ONLY_STYLE)
        self.id_type_combo.setEnabled(False)
        self.change_id_button.setText(self.tr("更改证件号码"))
        self.change_id_button.show()
        self._before_auto = None
        self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(self.person.gender or "")))
        self.birth_edit.set_value(self.person.birth_date)
        self._show_masked_hint()

    def _show_masked_hint(self) -> None:
        hidden = self.tr("完整号码已隐藏，保存时保留原号码。")
        if self.person.id_type == RESIDENT_ID and self.person.birth_date and self.person.gender:
            self.gender_combo.setEnabled(False)
            self.birth_edit.setEnabled(False)
            _set_hint(self.id_hint, self.tr("出生日期 {0}，{1}（由身份证号自动识别）。").format(
                self.person.birth_date.isoformat(), self.person.gender) + hidden, "info")
        else:
            _set_hint(self.id_hint, hidden, "info")

    def _toggle_change_id(self) -> None:
        if self._keep_stored_id:
            self._keep_stored_id = False
            self._changing_id = True
            self.id_edit.setReadOnly(False)
            self.id_edit.setStyleSheet("")
            self.id_type_combo.setEnabled(True)
            self.id_edit.clear()
            self.change_id_button.setText(self.tr("恢复原号码"))
            self._refresh_id_state()
            self.id_edit.setFocus(Qt.OtherFocusReason)
        else:
            self._enter_masked_mode()

    # --- ethnicity ------------------------------------------------------------------------------

    def _resolve_ethnicity(self) -> None:
        """“土家” becomes 土家族 when only one entry contains what was typed."""
        text = self.ethnicity_combo.currentText().strip()
        if not text or text in ETHNICITIES:
            return
        matches = [e for e in ETHNICITIES if text in e]
        if len(matches) == 1:
            self.ethnicity_combo.setCurrentText(matches[0])

    # --- saving ---------------------------------------------------------------------------------

    def save(self) -> bool:
        self.errors.clear()
        self._resolve_ethnicity()
        try:
            person = people.save_person(self.user, self.data(), self.person)
        except TownDeskError as exc:
            self.errors.show(exc)
            return False
        except Exception as exc:  # noqa: BLE001 - a bug: logged and reported, the form stays open
            show_problem(self, exc)
            return False
        self.saved_person = person
        self.saved.emit(person)
        self.accept()
        return True


# --------------------------------------------------------------------------------------------
# 单位
# --------------------------------------------------------------------------------------------

class OrganisationDialog(_FormDialog):
    """登记或修改一个单位. Emits `saved(Organisation)` and accepts when the record is stored."""

    saved = Signal(object)

    def __init__(self, user: User, org: Organisation | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.org = org
        self.saved_org: Organisation | None = None
        self.setWindowTitle(self.tr("登记单位") if org is None else self.tr("修改单位信息 — {0}").format(org.name))

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(128)
        self.name_edit.setPlaceholderText(self.tr("与营业执照或登记证书一致"))
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(20)
        self.code_edit.setPlaceholderText(self.tr("18位，见营业执照；没有可不填"))
        self.code_hint = _hint_label()
        self.legal_rep_edit = QLineEdit()
        self.legal_rep_edit.setMaxLength(64)
        self.contact_edit = QLineEdit()
        self.contact_edit.setMaxLength(64)
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(32)
        self.phone_edit.setPlaceholderText(self.tr("手机号或座机号，如 13812345678、023-48612345"))
        self.address_edit = QLineEdit()
        self.address_edit.setMaxLength(200)
        self.address_edit.setPlaceholderText(self.tr("按 Enter 保存"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        form.addRow(self.tr("单位名称 *"), self.name_edit)
        form.addRow(self.tr("统一社会信用代码"), self.code_edit)
        form.addRow("", self.code_hint)
        form.addRow(self.tr("法定代表人"), self.legal_rep_edit)
        form.addRow(self.tr("联系人"), self.contact_edit)
        form.addRow(self.tr("联系电话"), self.phone_edit)
        form.addRow(self.tr("地址"), self.address_edit)

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "单位名称": self.name_edit,
            "统一社会信用代码": self.code_edit,
            "法定代表人": self.legal_rep_edit,
            "联系人": self.contact_edit,
            "联系电话": self.phone_edit,
            "地址": self.address_edit,
        })
        self.buttons = _buttons(self)
        self.save_button = self.buttons.button(QDialogButtonBox.Save)
        legend = QLabel(self.tr("带 * 的为必填项。按 Enter 到下一项，在最后一项按 Enter 保存，Esc 取消。"))
        legend.setStyleSheet(HINT_STYLES["info"])
        legend.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(legend)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)

        if org is not None:
            self.name_edit.setText(org.name)
            self.code_edit.setText(org.credit_code or "")
            self.legal_rep_edit.setText(org.legal_rep)
            self.contact_edit.setText(org.contact)
            self.phone_edit.setText(org.phone)
            self.address_edit.setText(org.address)
        self.code_edit.textChanged.connect(self._code_changed)
        self._code_changed(self.code_edit.text())
        self._remember_state()
        self.name_edit.setFocus()

    def _form_fields(self) -> list[QWidget]:
        return [self.name_edit, self.code_edit, self.legal_rep_edit, self.contact_edit, self.phone_edit,
                self.address_edit]

    def _code_changed(self, text: str) -> None:
        code = text.strip()
        if not code:
            _set_hint(self.code_hint, self.tr("18位，见营业执照左上角或登记证书；没有可不填。"))
            return
        try:
            if len(code) < 18:
                # Pad to full length only to learn whether what was typed so far is well-formed.
                check_credit_code(code + "0" * (18 - len(code)))
                _set_hint(self.code_hint, self.tr("已输入 {0}/18 位").format(len(code)))
                return
            result = check_credit_code(code)
        except ValidationError as exc:
            _set_hint(self.code_hint, exc.reason, "error")
            return
        if result.warning:
            _set_hint(self.code_hint, self.tr("⚠ 校验位不符：请对照营业执照核实。"
                                              "个别真实代码也不符合校验规则，核实无误仍可保存。"), "warn")
        else:
            _set_hint(self.code_hint, self.tr("✓ 代码格式正确"), "ok")

    def data(self) -> dict:
        return {
            "name": self.name_edit.text(),
            "credit_code": self.code_edit.text(),
            "legal_rep": self.legal_rep_edit.text(),
            "contact": self.contact_edit.text(),
            "phone": self.phone_edit.text(),
            "address": self.address_edit.text(),
        }

    def save(self) -> bool:
        self.errors.clear()
        data = self.data()
        try:
            fields, warning = people.clean_organisation(data)
            unchanged = self.org is not None and fields["credit_code"] == self.org.credit_code
            if warning and not unchanged and not _ask(
                    self, self.tr("请核实统一社会信用代码"),
                    self.tr("校验位不符：{0}\n\n个别真实登记的代码也不符合校验规则。"
                            "已对照营业执照核实无误，仍要保存吗？").format(fields["credit_code"])):
                self.code_edit.setFocus(Qt.OtherFocusReason)
                return False
            org, _warning = people.save_organisation(self.user, data, self.org)
        except TownDeskError as exc:
            self.errors.show(exc)
            return False
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return False
        self.saved_org = org
        self.saved.emit(org)
        self.accept()
        return True


# --------------------------------------------------------------------------------------------
# The list tabs and the page
# --------------------------------------------------------------------------------------------

class _RecordTab(QWidget):
    """Search box, buttons and table over one kind of record."""

    changed = Signal(object)  # a record saved or deleted

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
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
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
        self.keys_label = QLabel(self.tr("快捷键：") + "　".join(keys))
        self.keys_label.setStyleSheet(HINT_STYLES["info"])

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

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self.search_timer.start)
        self.search_edit.returnPressed.connect(self._enter_table)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.table.doubleClicked.connect(self.edit)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            QShortcut(QKeySequence(key), self.table, self.edit, context=Qt.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key_Delete), self.table, self.delete, context=Qt.WidgetShortcut)
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
        raise NotImplementedError

    def make_dialog(self, record) -> QDialog:
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
            self.table.selectRow(0)
        self.table.setFocus(Qt.OtherFocusReason)

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

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
            count = self.count_text(0) + "　" + self.not_found_text(text)
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
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
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
        dialog = self.make_dialog(record)
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
        if not _ask(self, title, question):
            return False
        row = self.table.selectionModel().selectedRows()[0].row()
        try:
            people.soft_delete(self.user, record)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return False
        self.refresh()
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        self.table.setFocus(Qt.OtherFocusReason)
        self.changed.emit(record)
        return True


class PeopleTab(_RecordTab):
    """个人."""

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
        if self.can_edit:
            return self.tr("没有找到符合“{0}”的人员，可按 Ctrl+N 新增。").format(text)
        return self.tr("没有找到符合“{0}”的人员。").format(text)

    def make_dialog(self, record) -> PersonDialog:
        return PersonDialog(self.user, record, self)

    def delete_question(self, record: Person) -> tuple[str, str]:
        details = [record.village] if record.village else []
        if record.id_number:
            details.append(people.shown_id(self.user, record.id_number))
        who = f"“{record.name}”" + (f"（{'，'.join(details)}）" if details else "")
        return self.tr("删除人员"), self.tr("确定要删除{0}吗？\n\n删除后人员库中不再显示这个人，"
                                           "操作会记入日志。").format(who)


class OrganisationsTab(_RecordTab):
    """单位."""

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
        if self.can_edit:
            return self.tr("没有找到符合“{0}”的单位，可按 Ctrl+N 新增。").format(text)
        return self.tr("没有找到符合“{0}”的单位。").format(text)

    def make_dialog(self, record) -> OrganisationDialog:
        return OrganisationDialog(self.user, record, self)

    def delete_question(self, record: Organisation) -> tuple[str, str]:
        who = f"“{record.name}”" + (f"（{record.credit_code}）" if record.credit_code else "")
        return self.tr("删除单位"), self.tr("确定要删除{0}吗？\n\n删除后人员库中不再显示这个单位，"
                                           "操作会记入日志。").format(who)


class PeoplePage(QWidget):
    """人员库: two tabs, 个人 and 单位. `records_changed(record)` after any save or delete."""

    records_changed = Signal(object)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.can_view = user.can("people.view")

        title = QLabel(self.tr("人员库"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(self.tr("登记办事群众、当事人和单位的基本信息，一窗受理、矛盾调解和网格巡查都从这里选用。"))
        intro.setStyleSheet(HINT_STYLES["info"])
        intro.setWordWrap(True)

        self.tabs = QTabWidget()
        self.people_tab = PeopleTab(user)
        self.organisations_tab = OrganisationsTab(user)
        self.tabs.addTab(self.people_tab, self.tr("个人"))
        self.tabs.addTab(self.organisations_tab, self.tr("单位"))
        self.denied_label = QLabel(self.tr("您的角色没有“查看人员库”的权限。如工作需要，请联系管理员分配角色。"))
        self.denied_label.setWordWrap(True)
        self.denied_label.setAlignment(Qt.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.denied_label, 1)
        self.tabs.setVisible(self.can_view)
        self.denied_label.setVisible(not self.can_view)

        for tab in (self.people_tab, self.organisations_tab):
            tab.changed.connect(self.records_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setFocusProxy(self.people_tab)
        if self.can_view:
            self.refresh()

    def _tab_changed(self, _index: int) -> None:
        self.setFocusProxy(self.tabs.currentWidget())

    def refresh(self) -> None:
        """Reload both lists (e.g. after another screen registered someone)."""
        if self.can_view:
            self.people_tab.refresh()
            self.organisations_tab.refresh()

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()

    def open_person_dialog(self, person: Person | None = None) -> PersonDialog | None:
        """Open the person form (not blocking) and return it; None if the user may not edit."""
        self.tabs.setCurrentWidget(self.people_tab)
        return self.people_tab.open_dialog(person)

    def open_organisation_dialog(self, org: Organisation | None = None) -> OrganisationDialog | None:
        self.tabs.setCurrentWidget(self.organisations_tab)
        return self.organisations_tab.open_dialog(org)
