"""登录 and the forced change of an initial password."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from models import accounts, settings
from models.errors import LoginFailed, ValidationError
from ui.common import FieldErrors


class LoginDialog(QDialog):
    """Asks for user name and password; `user` holds the signed-in account after accept()."""

    def __init__(self, where: str, parent=None, username: str = ""):
        super().__init__(parent)
        self.user = None
        values = settings.get_all()
        self.setWindowTitle(self.tr("登录 — TownDesk"))
        title = QLabel(f"{values['town_name']} · {values['post_name']}")
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignCenter)
        subtitle = QLabel(self.tr("镇村政务服务系统"))
        subtitle.setAlignment(Qt.AlignCenter)
        self.username = QLineEdit(username)
        self.username.setPlaceholderText(self.tr("用户名"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.message = QLabel()
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        footer = QLabel(self.tr("数据库：{0}").format(where))
        footer.setProperty("role", "hint")
        footer.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(16)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        layout.addWidget(footer)
        self.setMinimumWidth(420)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> None:
        try:
            self.user = accounts.authenticate(self.username.text(), self.password.text())
        except LoginFailed as exc:
            self.message.setText(exc.message)
            self.password.clear()
            (self.password if self.username.text().strip() else self.username).setFocus()
            return
        self.accept()


class ChangePasswordDialog(QDialog):
    """Change one's own password; `forced` after an admin set a temporary one."""

    def __init__(self, user: accounts.User, forced: bool = False, parent=None):
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("修改密码"))
        intro = QLabel(self.tr("管理员为您设置的是临时密码，请先设置自己的新密码。") if forced
                       else self.tr("请输入原密码和新密码。"))
        intro.setWordWrap(True)
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.confirm = QLineEdit()
        for edit in (self.old, self.new, self.confirm):
            edit.setEchoMode(QLineEdit.Password)
        form = QFormLayout()
        form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow(self.tr("确认新密码"), self.confirm)
        rule = QLabel(self.tr("至少8位，需同时包含字母和数字。"))
        rule.setProperty("role", "hint")
        form.addRow("", rule)
        error = QLabel()
        self.errors = FieldErrors(error, {"原密码": self.old, "新密码": self.new, "确认新密码": self.confirm})
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def save(self) -> None:
        try:
            if self.new.text() != self.confirm.text():
                raise ValidationError("确认新密码", "与新密码不一致，请重新输入。")
            accounts.change_own_password(self.user, self.old.text(), self.new.text())
        except ValidationError as exc:
            self.errors.show(exc)
            return
        self.accept()
