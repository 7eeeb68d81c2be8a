"""基本设置: town, post and counter preferences."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from models import settings
from models.accounts import PERMISSIONS, User
from models.errors import TownDeskError
from ui.common import FieldErrors, hint, notice, set_hint, value_label
from ui.settings.widgets import Form, status_label


class BasicSettingsTab(QWidget):
    """Town, post and counter preferences: a form with settings.manage, plain read-only text otherwise."""

    saved = Signal(dict)  # the changed settings

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        self.editable = user.can("settings.manage")
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr("这些设置保存在本站点的数据库中，打印的回执、编号和窗口标题都会用到。")))
        if not self.editable:
            layout.addWidget(notice(self.tr("您的账户没有“{0}”的权限，这里只能查看。如需修改，请联系管理员。").format(
                PERMISSIONS["settings.manage"]), "warn"))

        # Read-only values are shown as text, not as inputs that merely refuse typing.
        self.value_labels: dict[str, QLabel] = {}
        self.town_edit = self.district_edit = self.post_name_edit = self.hall_phone_edit = None
        self.receipt_combo = self.idle_spin = self.save_button = None
        if self.editable:
            self.town_edit = QLineEdit()
            self.town_edit.setMaxLength(40)
            self.town_edit.setPlaceholderText(self.tr("如：打通镇"))
            self.district_edit = QLineEdit()
            self.district_edit.setMaxLength(40)
            self.district_edit.setPlaceholderText(self.tr("如：綦江区"))
            self.post_name_edit = QLineEdit()
            self.post_name_edit.setMaxLength(40)
            self.post_name_edit.setPlaceholderText(self.tr("如：打通镇便民服务中心"))
            self.hall_phone_edit = QLineEdit()
            self.hall_phone_edit.setMaxLength(32)
            self.hall_phone_edit.setPlaceholderText(self.tr("如：023-48612345"))
            self.receipt_combo = QComboBox()
            for key, name in settings.RECEIPT_FORMATS.items():
                self.receipt_combo.addItem(name, key)
            self.idle_spin = QSpinBox()
            self.idle_spin.setRange(1, 120)
            self.idle_spin.setSuffix(self.tr(" 分钟"))
            self.idle_spin.setMaximumWidth(160)

        def shown(key: str, editor: QWidget | None) -> QWidget:
            if editor is not None:
                return editor
            label = self.value_labels[key] = value_label(keyboard=True)
            return label

        form_box = QWidget()
        form_box.setMaximumWidth(760)
        form = Form(form_box)
        form.setContentsMargins(0, 8, 0, 0)
        form.add_row(self.tr("镇（街道）名称"), shown("town_name", self.town_edit))
        form.add_row(self.tr("所属区县"), shown("district", self.district_edit))
        form.add_row(self.tr("本站点名称"), shown("post_name", self.post_name_edit))
        self.post_code_label = shown("post_code", None)
        form.add_row(self.tr("站点代码"), self.post_code_label,
                     self.tr("站点代码在初始化时确定，之后不能修改：它已写入每一条记录和每一个编号。"))
        form.add_row(self.tr("服务大厅电话"), shown("hall_phone", self.hall_phone_edit),
                     self.tr("印在回执上，供群众咨询。可填座机（如 023-48612345）或手机号，也可不填。")
                     if self.editable else None)
        form.add_row(self.tr("回执纸张格式"), shown("receipt_format", self.receipt_combo))
        form.add_row(self.tr("无操作自动锁定"), shown("idle_lock_minutes", self.idle_spin),
                     self.tr("超过这段时间无人操作，窗口会自动锁定，需重新输入密码。"
                             "服务窗口面向群众，工作人员离开座位时，可防止他人查看或改动信息。"))
        layout.addWidget(form_box)

        self.error_label = QLabel()
        layout.addWidget(self.error_label)
        L = settings.LABELS
        self.errors = FieldErrors(self.error_label, {
            L["town_name"]: self.town_edit,
            L["district"]: self.district_edit,
            L["post_name"]: self.post_name_edit,
            L["hall_phone"]: self.hall_phone_edit,
            L["receipt_format"]: self.receipt_combo,
            L["idle_lock_minutes"]: self.idle_spin,
        } if self.editable else {})

        row = QHBoxLayout()
        self.status_label = status_label()
        if self.editable:
            self.save_button = QPushButton(self.tr("保存(&S)"))
            self.save_button.setToolTip(self.tr("保存以上设置（Alt+S；在输入框中按回车键也可保存）"))
            self.save_button.setMinimumWidth(120)
            self.save_button.clicked.connect(self.save)
            row.addWidget(self.save_button)
            for edit in (self.town_edit, self.district_edit, self.post_name_edit, self.hall_phone_edit):
                edit.returnPressed.connect(self.save)
        row.addWidget(self.status_label)
        row.addStretch()
        layout.addLayout(row)
        layout.addStretch()
        self.load()

    def load(self) -> None:
        values = settings.get_all()
        self.post_code_label.setText(values["post_code"])
        if not self.editable:
            for key, label in self.value_labels.items():
                label.setText(values[key] or self.tr("（未填写）"))
            self.value_labels["receipt_format"].setText(
                settings.RECEIPT_FORMATS.get(values["receipt_format"], values["receipt_format"]))
            self.value_labels["idle_lock_minutes"].setText(self.tr("{0} 分钟").format(values["idle_lock_minutes"]))
            return
        self.town_edit.setText(values["town_name"])
        self.district_edit.setText(values["district"])
        self.post_name_edit.setText(values["post_name"])
        self.hall_phone_edit.setText(values["hall_phone"])
        index = self.receipt_combo.findData(values["receipt_format"])
        self.receipt_combo.setCurrentIndex(max(index, 0))
        try:
            self.idle_spin.setValue(int(values["idle_lock_minutes"]))
        except ValueError:
            self.idle_spin.setValue(int(settings.DEFAULTS["idle_lock_minutes"]))

    def values(self) -> dict[str, str]:
        """What the form holds. The post code is never sent: it is fixed after set-up."""
        return {
            "town_name": self.town_edit.text(),
            "district": self.district_edit.text(),
            "post_name": self.post_name_edit.text(),
            "hall_phone": self.hall_phone_edit.text(),
            "receipt_format": self.receipt_combo.currentData(),
            "idle_lock_minutes": str(self.idle_spin.value()),
        }

    def save(self) -> bool:
        if not self.editable:
            return False
        self.errors.clear()
        set_hint(self.status_label, "", "ok")
        try:
            changed = settings.update(self.user, self.values())
        except TownDeskError as exc:
            self.errors.show(exc)
            return False
        self.load()  # show the stored (normalised) values, e.g. the phone number
        if changed:
            set_hint(self.status_label, self.tr("已保存。"), "ok")
            self.saved.emit(changed)
        else:
            set_hint(self.status_label, self.tr("没有改动，无需保存。"), "ok")
        return True
