"""登记或修改一个单位: the organisation form, checking the credit code as it is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from models import people
from models.accounts import User
from models.errors import ValidationError
from models.people import Organisation
from models.validators import check_credit_code
from ui.common import ask, set_hint
from ui.people.form import FormDialog, hint_row


class OrganisationDialog(FormDialog):
    """登记或修改一个单位. Emits `saved(Organisation)` and accepts when the record is stored."""

    def __init__(self, user: User, org: Organisation | None = None, parent: QWidget | None = None):
        super().__init__(user, parent)
        self.org = org
        self.setWindowTitle(self.tr("登记单位") if org is None else self.tr("修改单位信息 — {0}").format(org.name))

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(128)
        self.name_edit.setPlaceholderText(self.tr("与营业执照或登记证书一致"))
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(20)
        self.code_edit.setPlaceholderText(self.tr("18位，见营业执照；没有可不填"))
        self.code_hint = hint_row()
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
        self._lay_out(form, {
            "单位名称": self.name_edit,
            "统一社会信用代码": self.code_edit,
            "法定代表人": self.legal_rep_edit,
            "联系人": self.contact_edit,
            "联系电话": self.phone_edit,
            "地址": self.address_edit,
        })

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
            set_hint(self.code_hint, self.tr("18位，见营业执照左上角或登记证书；没有可不填。"))
            return
        try:
            if len(code) < 18:
                # Pad to full length only to learn whether what was typed so far is well-formed.
                check_credit_code(code + "0" * (18 - len(code)))
                set_hint(self.code_hint, self.tr("已输入 {0}/18 位").format(len(code)))
                return
            result = check_credit_code(code)
        except ValidationError as exc:
            set_hint(self.code_hint, exc.reason, "error")
            return
        if result.warning:
            set_hint(self.code_hint, self.tr("⚠ 校验位不符：请对照营业执照核实。"
                                             "个别真实代码也不符合校验规则，核实无误仍可保存。"), "warn")
        else:
            set_hint(self.code_hint, self.tr("✓ 代码格式正确"), "ok")

    def data(self) -> dict:
        return {
            "name": self.name_edit.text(),
            "credit_code": self.code_edit.text(),
            "legal_rep": self.legal_rep_edit.text(),
            "contact": self.contact_edit.text(),
            "phone": self.phone_edit.text(),
            "address": self.address_edit.text(),
        }

    def store(self) -> Organisation | None:
        data = self.data()
        fields, warning = people.clean_organisation(data)
        unchanged = self.org is not None and fields["credit_code"] == self.org.credit_code
        if warning and not unchanged and not ask(
                self, self.tr("请核实统一社会信用代码"),
                self.tr("校验位不符：{0}\n\n个别真实登记的代码也不符合校验规则。"
                        "已对照营业执照核实无误，仍要保存吗？").format(fields["credit_code"])):
            self.code_edit.setFocus(Qt.OtherFocusReason)
            return None
        org, _warning = people.save_organisation(self.user, data, self.org)
        return org

    @property
    def saved_org(self) -> Organisation | None:
        return self.saved_record
