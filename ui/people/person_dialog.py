"""登记或修改一个人: the person form; a resident ID fills birth date and gender, or calls up its holder."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from models import people
from models.accounts import User
from models.errors import ValidationError
from models.people import ETHNICITIES, GENDERS, ID_TYPES, RESIDENT_ID, Person
from models.validators import parse_resident_id
from ui.common import notice, set_hint, set_read_only
from ui.people.form import BirthDateEdit, FormDialog, hint_row


class PersonDialog(FormDialog):
    """登记或修改一个人. Emits `saved(Person)` and accepts when the record is stored.

    A user without people.full_id editing someone with an ID number sees the number masked and
    read-only; the stored number is kept (the masked text is never sent) unless the user presses
    “更改证件号码” and types a complete new one.
    """

    def __init__(self, user: User, person: Person | None = None, parent: QWidget | None = None):
        super().__init__(user, parent)
        self.person = person
        self._busy = False            # filling the form from code: ignore change signals
        self._keep_stored_id = False  # masked number shown; the stored one is kept
        self._changing_id = False     # the user chose to replace a number they cannot see
        self._loaded: Person | None = None  # record called up by typing its ID into a new form
        self._snapshot: dict | None = None  # the new form as it was before that
        self._before_auto: tuple | None = None  # gender/birth before the ID filled them

        self.notice = notice()
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
        self.id_hint = hint_row()
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

        self._lay_out(form, {
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
        }, top=self.notice)

        chain = [self.name_edit, self.id_type_combo, self.id_edit, self.change_id_button, self.gender_combo,
                 self.birth_edit, self.ethnicity_combo, self.phone_edit, self.address_edit, self.village_edit,
                 self.save_button, self.cancel_button]
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
        set_hint(self.id_hint, self.tr("该证件号已登记为“{0}”{1}，不能重复登记。").format(twin.name, where), "error")
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
            set_hint(self.id_hint, "")
            return
        length = len(number.replace(" ", ""))
        if length == 0:
            self._release_auto()
            set_hint(self.id_hint, self.tr("填写身份证号后，出生日期和性别会自动识别。"))
            return
        if length < 18:
            self._release_auto()
            set_hint(self.id_hint, self.tr("已输入 {0}/18 位").format(length))
            return
        if self._check_registered(number, RESIDENT_ID):
            if self._loaded is None:
                return  # editing: the clash is shown in the hint
            number = self._loaded.id_number
        try:
            parsed = parse_resident_id(number, "身份证号")
        except ValidationError as exc:
            self._release_auto()
            set_hint(self.id_hint, exc.reason, "error")
            return
        self._apply_parsed(parsed.birth_date, parsed.gender)

    def _apply_parsed(self, birth: date, gender: str) -> None:
        if self._before_auto is None:
            self._before_auto = (self.gender_combo.currentData(), self.birth_edit.value())
        self.gender_combo.setCurrentIndex(self.gender_combo.findData(gender))
        self.birth_edit.set_value(birth)
        self.gender_combo.setEnabled(False)
        self.birth_edit.setEnabled(False)
        set_hint(self.id_hint, self.tr("出生日期 {0}，{1}（由身份证号自动识别）").format(birth.isoformat(), gender),
                 "ok")

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
        set_read_only(self.id_edit, True)
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
            set_hint(self.id_hint, self.tr("出生日期 {0}，{1}（由身份证号自动识别）。").format(
                self.person.birth_date.isoformat(), self.person.gender) + hidden, "info")
        else:
            set_hint(self.id_hint, hidden, "info")

    def _toggle_change_id(self) -> None:
        if self._keep_stored_id:
            self._keep_stored_id = False
            self._changing_id = True
            set_read_only(self.id_edit, False)
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

    def store(self) -> Person:
        self._resolve_ethnicity()
        return people.save_person(self.user, self.data(), self.person)

    @property
    def saved_person(self) -> Person | None:
        return self.saved_record
