"""我的账户: who is signed in, and changing one's own password."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models import accounts
from models.accounts import User
from models.errors import TownDeskError, ValidationError
from ui.common import FieldErrors, notice, set_hint, value_label
from ui.settings.widgets import Form, password_edit, status_label


class AccountTab(QWidget):
    """Who is signed in, and the form to change one's own password."""

    password_changed = Signal()

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        layout = QVBoxLayout(self)
        box = QWidget()
        box.setMaximumWidth(760)
        form = Form(box)
        form.setContentsMargins(0, 0, 0, 0)
        for caption, value in ((self.tr("姓名"), user.display_name), (self.tr("用户名"), user.username),
                               (self.tr("角色"), user.role_names)):
            form.add_row(caption, value_label(value))

        heading = QLabel(self.tr("修改密码"))
        heading.setProperty("role", "heading")
        form.add_wide(heading)
        self.notice = notice(self.tr("您正在使用管理员设置的临时密码，请现在改成只有自己知道的密码。"), "warn")
        self.notice.setVisible(bool(user.must_change_password))
        form.add_wide(self.notice)
        self.old_edit = password_edit()
        self.new_edit = password_edit()
        self.confirm_edit = password_edit()
        form.add_row(self.tr("原密码"), self.old_edit)
        form.add_row(self.tr("新密码"), self.new_edit, self.tr("至少8位，需同时包含字母和数字。"))
        form.add_row(self.tr("确认新密码"), self.confirm_edit,
                     self.tr("密码只有自己知道：请勿告诉他人，也不要写在显眼处。"))
        layout.addWidget(box)
        for edit in (self.old_edit, self.new_edit, self.confirm_edit):
            edit.returnPressed.connect(self.change_password)

        self.error_label = QLabel()
        layout.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"原密码": self.old_edit, "新密码": self.new_edit,
                                                     "确认新密码": self.confirm_edit})
        row = QHBoxLayout()
        self.change_button = QPushButton(self.tr("修改密码(&P)"))
        self.change_button.clicked.connect(self.change_password)
        row.addWidget(self.change_button)
        self.status_label = status_label()
        row.addSpacing(12)
        row.addWidget(self.status_label)
        row.addStretch()
        layout.addLayout(row)
        layout.addStretch()

    def change_password(self) -> bool:
        self.errors.clear()
        set_hint(self.status_label, "", "ok")
        try:
            if self.new_edit.text() != self.confirm_edit.text():
                raise ValidationError("确认新密码", self.tr("与新密码不一致，请重新输入。"))
            accounts.change_own_password(self.user, self.old_edit.text(), self.new_edit.text())
        except TownDeskError as exc:
            self.errors.show(exc)
            return False
        for edit in (self.old_edit, self.new_edit, self.confirm_edit):
            edit.clear()
        self.notice.hide()
        set_hint(self.status_label, self.tr("密码已修改，下次登录请使用新密码。"), "ok")
        self.password_changed.emit()
        return True
