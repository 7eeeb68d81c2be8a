"""系统设置: the installation's basic settings, users, backup and restore, the audit log, and «my account».

Every tab calls functions in models/ (which enforce the permissions); a tab is only built for a
user whose roles allow it. 基本设置 is shown to everyone, read-only without settings.manage.
"""

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import accounts, audit, backup, settings
from models.accounts import PERMISSIONS, ROLE_PERMISSIONS, ROLES, User
from models.audit import ACTIONS
from models.db import close_database, to_local, utcnow
from models.errors import TownDeskError, ValidationError
from models.paths import backups_dir
from models.setup import open_app_database
from ui.common import Column, FieldErrors, RecordTableModel, run_in_background, show_problem

AUDIT_LIMIT = 500
MANUAL_PREFIX = "manual-"
OK_STYLE = "color: #2e7d32;"
NOTICE_STYLE = "color: #8a5a00; background: #fff4d6; padding: 6px; border-radius: 3px;"


def _tr(text: str) -> str:
    return QCoreApplication.translate("SettingsPage", text)


# --- what this page reads from models/ (kept in one place each) -------------------------------

def _load_users() -> list[User]:
    return accounts.list_users()


def _load_audit(action: str | None) -> list:
    return audit.recent(limit=AUDIT_LIMIT, action=action or None)


def _load_backups(db_path: Path) -> list[Path]:
    return backup.list_backups(db_path)


# --- small formatting helpers -----------------------------------------------------------------

def _local_time(value: datetime | None, empty: str = "") -> str:
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local is not None else empty


def _file_time(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    except OSError:
        return ""


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _file_size(path: Path) -> str:
    try:
        return _size_text(path.stat().st_size)
    except OSError:
        return ""


def _backup_kind(path: Path) -> str:
    name = path.name
    if name.startswith(MANUAL_PREFIX):
        return _tr("手动备份")
    if name.startswith(backup.AUTO_PREFIX):
        return _tr("自动备份")
    if name.startswith("before-restore-"):
        return _tr("恢复前保留的数据")
    if name.startswith("before-upgrade-"):
        return _tr("升级前保留的数据")
    return _tr("其他备份")


def user_status(user: User) -> str:
    """启用 / 停用 / 锁定至 HH:MM (local time)."""
    if not user.active:
        return _tr("停用")
    if user.locked_until is not None and user.locked_until > utcnow():
        return _tr("锁定至 {0}").format(f"{to_local(user.locked_until):%H:%M}")
    return _tr("启用")


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def _role_description(role: str) -> str:
    perms = ROLE_PERMISSIONS.get(role, set())
    if perms == set(PERMISSIONS):
        return _tr("全部功能，包括系统设置、用户管理、备份与恢复")
    return "、".join(name for key, name in PERMISSIONS.items() if key in perms)


def _hint(text: str) -> QLabel:
    """Grey explanatory text (the application's stylesheet styles QLabel[role="hint"])."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    return label


def _status_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(OK_STYLE)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.hide()
    return label


def _show_status(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class _Form(QGridLayout):
    """Captions left, fields right, an optional grey hint under a field. Captions stay level with
    their field (QFormLayout would centre them on field + hint)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setHorizontalSpacing(12)
        self.setVerticalSpacing(6)
        self.setColumnStretch(1, 1)
        self._row = 0

    def add_row(self, label: str, widget: QWidget, hint: str | None = None,
                caption_height: int | None = None) -> QLabel:
        widget.setAccessibleName(label)
        widget.ensurePolished()
        caption = QLabel(label + "：")
        caption.setBuddy(widget)
        caption.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        caption.setMinimumHeight(caption_height or widget.sizeHint().height())
        self.addWidget(caption, self._row, 0, Qt.AlignTop)
        if widget.maximumWidth() < 10000:
            self.addWidget(widget, self._row, 1, Qt.AlignLeft)
        else:
            self.addWidget(widget, self._row, 1)
        self._row += 1
        if hint:
            widget.setAccessibleDescription(hint)
            note = _hint(hint)
            note.setContentsMargins(0, 0, 0, 4)
            self.addWidget(note, self._row, 1)
            self.setRowMinimumHeight(self._row, 0)
            self._row += 1
        return caption

    def add_wide(self, widget: QWidget) -> None:
        """A heading or notice across both columns."""
        self.addWidget(widget, self._row, 0, 1, 2)
        self._row += 1


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.Password)
    edit.setMaxLength(128)
    return edit


class _Table(QTableView):
    """A read-only record table. Focusing it by keyboard selects a row, so the buttons below work at once."""

    def focusInEvent(self, event):  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        if self.model().rowCount() and not self.selectionModel().hasSelection():
            current = self.currentIndex()
            _select_row(self, current.row() if current.isValid() else 0)


def _table(model: RecordTableModel, stretch_last: bool = True) -> QTableView:
    view = _Table()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users must not get stuck in it
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(stretch_last)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    return view


def _select_row(view: QTableView, row: int) -> None:
    model = view.model()
    if 0 <= row < model.rowCount():
        index = model.index(row, 0)
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        view.scrollTo(index)


def _selected(view: QTableView):
    rows = view.selectionModel().selectedRows()
    return view.model().row_at(rows[0]) if rows else None


def _dialog_buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.AcceptRole)
    cancel = buttons.addButton(_tr("取消"), QDialogButtonBox.RejectRole)
    ok.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    dialog.cancel_button = cancel
    return buttons, ok


# --- 基本设置 -----------------------------------------------------------------------------------

class BasicSettingsTab(QWidget):
    """Town, post and counter preferences: a form with settings.manage, plain read-only text otherwise."""

    saved = Signal(dict)  # the changed settings

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        self.editable = user.can("settings.manage")
        layout = QVBoxLayout(self)
        layout.addWidget(_hint(self.tr("这些设置保存在本站点的数据库中，打印的回执、编号和窗口标题都会用到。")))
        if not self.editable:
            notice = QLabel(self.tr("您的账户没有“{0}”的权限，这里只能查看。如需修改，请联系管理员。").format(
                PERMISSIONS["settings.manage"]))
            notice.setWordWrap(True)
            notice.setStyleSheet(NOTICE_STYLE)
            layout.addWidget(notice)

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
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
            label.setStyleSheet("font-weight: bold;")
            self.value_labels[key] = label
            return label

        form_box = QWidget()
        form_box.setMaximumWidth(760)
        form = _Form(form_box)
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
        self.status_label = _status_label()
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
        _show_status(self.status_label, "")
        try:
            changed = settings.update(self.user, self.values())
        except TownDeskError as exc:
            self.errors.show(exc)
            return False
        self.load()  # show the stored (normalised) values, e.g. the phone number
        if changed:
            _show_status(self.status_label, self.tr("已保存。"))
            self.saved.emit(changed)
        else:
            _show_status(self.status_label, self.tr("没有改动，无需保存。"))
        return True


# --- 用户管理 -----------------------------------------------------------------------------------

class UserDialog(QDialog):
    """新增用户 (user None) or 编辑用户. Errors stay inline; the dialog closes only when saved."""

    def __init__(self, actor: User, user: User | None = None, parent=None):
        super().__init__(parent)
        self.actor = actor
        self.user = user
        self.saved_user: User | None = None
        creating = user is None
        self.setWindowTitle(self.tr("新增用户") if creating else self.tr("编辑用户"))
        self.setMinimumWidth(680)

        layout = QVBoxLayout(self)
        if creating:
            layout.addWidget(_hint(self.tr("用户名用于登录，创建后不能修改，建议用姓名拼音（如 zhangsan）。"
                                           "新用户第一次登录时必须把初始密码改成自己的密码。")))
        else:
            layout.addWidget(_hint(self.tr("修改“{0}”的姓名、电话、角色或启用状态。密码请用“重置密码”。").format(
                user.display_name)))

        self.username_edit = QLineEdit(self)
        self.username_edit.setMaxLength(32)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(32)
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(32)
        self.phone_edit.setPlaceholderText(self.tr("手机号或座机，可不填"))

        form = _Form()
        if creating:
            self.username_edit.setPlaceholderText(self.tr("如：zhangsan"))
            form.add_row(self.tr("用户名"), self.username_edit)
        else:
            self.username_edit.setText(user.username)
            self.username_edit.setReadOnly(True)
            self.username_edit.hide()  # kept for the error mapping; the fixed name is shown as text
            username_label = QLabel(user.username)
            username_label.setStyleSheet("font-weight: bold;")
            username_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            form.add_row(self.tr("用户名"), username_label, self.tr("用户名创建后不能修改。"))
        form.add_row(self.tr("姓名"), self.name_edit)
        form.add_row(self.tr("联系电话"), self.phone_edit)

        roles_box = QWidget()
        grid = QGridLayout(roles_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.role_boxes: dict[str, QCheckBox] = {}
        for row, (key, name) in enumerate(ROLES.items()):
            box = QCheckBox(name)
            self.role_boxes[key] = box
            grid.addWidget(box, row, 0)
            description = _hint(_role_description(key))
            description.setBuddy(box)
            grid.addWidget(description, row, 1)
        grid.setColumnStretch(1, 1)
        roles_box.setAccessibleName(self.tr("角色"))
        first = next(iter(self.role_boxes.values()))
        first.ensurePolished()
        form.add_row(self.tr("角色"), roles_box, caption_height=first.sizeHint().height())

        self.active_box = QCheckBox(self.tr("启用（停用后不能登录，其记录仍保留）"))
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        if creating:
            form.add_row(self.tr("初始密码"), self.password_edit,
                     self.tr("至少8位，需同时包含字母和数字。请当面告诉该用户。"))
            form.add_row(self.tr("确认密码"), self.confirm_edit)
        else:
            self.active_box.setChecked(user.active)
            form.add_row(self.tr("状态"), self.active_box)
            self.name_edit.setText(user.display_name)
            self.phone_edit.setText(user.phone)
            for role in user.role_list:
                if role in self.role_boxes:
                    self.role_boxes[role].setChecked(True)
        layout.addLayout(form)

        self.error_label = QLabel()
        layout.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "用户名": self.username_edit,
            "姓名": self.name_edit,
            "联系电话": self.phone_edit,
            "角色": next(iter(self.role_boxes.values())),
            "初始密码": self.password_edit,
            "确认密码": self.confirm_edit,
        })
        buttons, self.ok_button = _dialog_buttons(self, self.tr("保存"))
        layout.addWidget(buttons)
        (self.username_edit if creating else self.name_edit).setFocus()

    def roles(self) -> list[str]:
        return [key for key, box in self.role_boxes.items() if box.isChecked()]

    def save(self) -> User:
        if self.user is None:
            password = self.password_edit.text()
            if password != self.confirm_edit.text():
                raise ValidationError("确认密码", self.tr("与初始密码不一致，请重新输入。"))
            return accounts.create_user(self.actor, self.username_edit.text(), self.name_edit.text(),
                                        self.roles(), password, phone=self.phone_edit.text())
        return accounts.update_user(self.actor, self.user, self.name_edit.text(), self.roles(),
                                    phone=self.phone_edit.text(), active=self.active_box.isChecked())

    def accept(self) -> None:
        self.errors.clear()
        try:
            self.saved_user = self.save()
        except TownDeskError as exc:
            self.errors.show(exc)
            return
        super().accept()


class ResetPasswordDialog(QDialog):
    """An administrator sets a temporary password; this also unlocks the account."""

    def __init__(self, actor: User, user: User, parent=None):
        super().__init__(parent)
        self.actor = actor
        self.user = user
        self.setWindowTitle(self.tr("重置密码"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(_hint(self.tr(
            "为“{0}”（{1}）设置一个临时密码，并当面告诉本人。该用户下次登录时必须改成自己的密码；"
            "如账户因密码输错被锁定，也会一并解锁。").format(user.display_name, user.username)))
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        form = _Form()
        form.add_row(self.tr("新密码"), self.password_edit, self.tr("至少8位，需同时包含字母和数字。"))
        form.add_row(self.tr("确认新密码"), self.confirm_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        layout.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"新密码": self.password_edit,
                                                     "确认新密码": self.confirm_edit})
        buttons, self.ok_button = _dialog_buttons(self, self.tr("重置密码"))
        layout.addWidget(buttons)
        self.password_edit.setFocus()

    def accept(self) -> None:
        self.errors.clear()
        try:
            if self.password_edit.text() != self.confirm_edit.text():
                raise ValidationError("确认新密码", self.tr("与新密码不一致，请重新输入。"))
            accounts.reset_password(self.actor, self.user, self.password_edit.text())
        except TownDeskError as exc:
            self.errors.show(exc)
            return
        super().accept()


class UsersTab(QWidget):
    """The list of accounts, and the dialogs that add, edit, reset and unlock them."""

    changed = Signal()

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        layout = QVBoxLayout(self)
        layout.addWidget(_hint(self.tr(
            "每位工作人员使用自己的账户登录，角色决定能使用哪些功能。用方向键在表中选中一位用户，"
            "再按下面的按钮；在表中按回车键即可编辑。")))
        self.model = RecordTableModel([
            Column(self.tr("用户名"), lambda u: u.username),
            Column(self.tr("姓名"), lambda u: u.display_name),
            Column(self.tr("角色"), lambda u: u.role_names),
            Column(self.tr("状态"), user_status),
            Column(self.tr("上次登录"), lambda u: _local_time(u.last_login_at, self.tr("从未登录"))),
            Column(self.tr("联系电话"), lambda u: u.phone),
        ], self)
        self.table = _table(self.model)
        self.table.setAccessibleName(self.tr("用户列表"))
        self.table.activated.connect(lambda index: self.edit_user())
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("新增用户(&N)…"))
        self.edit_button = QPushButton(self.tr("编辑(&E)…"))
        self.reset_button = QPushButton(self.tr("重置密码(&R)…"))
        self.unlock_button = QPushButton(self.tr("解锁(&U)"))
        self.unlock_button.setToolTip(self.tr("密码连续输错5次的账户会锁定15分钟；解锁后可立即重新登录。"))
        self.new_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.unlock_button.clicked.connect(self.unlock_selected)
        for button in (self.new_button, self.edit_button, self.reset_button, self.unlock_button):
            button.setMinimumWidth(110)
            row.addWidget(button)
        self.status_label = _status_label()
        row.addSpacing(12)
        row.addWidget(self.status_label)
        row.addStretch()
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self, select_username: str | None = None) -> None:
        current = self.selected_user()
        wanted = select_username or (current.username if current is not None else None)
        self.model.set_rows(_load_users())
        names = [u.username for u in self.model.rows]
        _select_row(self.table, names.index(wanted) if wanted in names else 0)
        self._update_buttons()

    def selected_user(self) -> User | None:
        return _selected(self.table)

    def _update_buttons(self, *args) -> None:
        user = self.selected_user()
        self.edit_button.setEnabled(user is not None)
        self.reset_button.setEnabled(user is not None)
        self.unlock_button.setEnabled(user is not None and _is_locked(user))

    def _done(self, username: str, message: str) -> None:
        self.refresh(select_username=username)
        _show_status(self.status_label, message)
        self.changed.emit()

    # Each *_dialog method builds the dialog (tests drive it directly); the handlers exec() it.
    def new_user_dialog(self) -> UserDialog:
        dialog = UserDialog(self.user, None, self)
        dialog.accepted.connect(lambda: self._done(
            dialog.saved_user.username,
            self.tr("已新增用户 {0}（{1}），第一次登录时须修改初始密码。").format(
                dialog.saved_user.username, dialog.saved_user.display_name)))
        return dialog

    def edit_user_dialog(self, user: User | None = None) -> UserDialog | None:
        user = user or self.selected_user()
        if user is None:
            return None
        dialog = UserDialog(self.user, user, self)
        dialog.accepted.connect(lambda: self._done(
            user.username, self.tr("已保存用户 {0}（{1}）。").format(user.username, user.display_name)))
        return dialog

    def reset_password_dialog(self, user: User | None = None) -> ResetPasswordDialog | None:
        user = user or self.selected_user()
        if user is None:
            return None
        dialog = ResetPasswordDialog(self.user, user, self)
        dialog.accepted.connect(lambda: self._done(
            user.username, self.tr("已重置 {0}（{1}）的密码，账户已解锁。").format(user.username, user.display_name)))
        return dialog

    def add_user(self) -> None:
        self.new_user_dialog().exec()

    def edit_user(self) -> None:
        dialog = self.edit_user_dialog()
        if dialog is not None:
            dialog.exec()

    def reset_password(self) -> None:
        dialog = self.reset_password_dialog()
        if dialog is not None:
            dialog.exec()

    def unlock_selected(self) -> bool:
        user = self.selected_user()
        if user is None:
            return False
        try:
            accounts.unlock(self.user, user)
        except TownDeskError as exc:
            show_problem(self, exc)
            return False
        self._done(user.username, self.tr("已解锁 {0}（{1}），可以重新登录。").format(user.username, user.display_name))
        return True


# --- 备份与恢复 ---------------------------------------------------------------------------------

class BackupTab(QWidget):
    """Manual backups, the list of backups beside the database, and restore from one of them."""

    restored = Signal()
    backed_up = Signal(Path)

    def __init__(self, user: User, db_path: Path | None, parent=None):
        super().__init__(parent)
        self.user = user
        self.db_path = Path(db_path) if db_path is not None else None
        self.worker = None
        layout = QVBoxLayout(self)
        if self.db_path is None:
            self.folder = None
            self.table = None
            message = _hint(self.tr(
                "本程序连接的是服务器上的数据库，数据统一保存在服务器中。备份和恢复请联系服务器管理员，"
                "用数据库自带的工具（如 pg_dump、pg_restore）进行。"))
            layout.addWidget(message)
            layout.addStretch()
            return

        self.folder = backups_dir(self.db_path)
        layout.addWidget(_hint(self.tr(
            "备份文件保存在数据库旁边的“backups”文件夹中（路径见下）。程序会自动备份，保留最近 {0} 份自动备份；"
            "恢复或升级前，也会先把当前数据另存一份。为防电脑损坏，请定期用“备份到其他位置…”存一份到U盘。"
        ).format(backup.KEEP_AUTOMATIC)))
        folder_label = QLabel(self.tr("备份文件夹：{0}").format(self.folder))
        folder_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        folder_label.setWordWrap(True)
        layout.addWidget(folder_label)

        self.model = RecordTableModel([
            Column(self.tr("文件名"), lambda p: p.name),
            Column(self.tr("类型"), _backup_kind),
            Column(self.tr("时间"), _file_time),
            Column(self.tr("大小"), _file_size, Qt.AlignRight | Qt.AlignVCenter),
        ], self)
        self.table = _table(self.model, stretch_last=False)
        self.table.setAccessibleName(self.tr("已有的备份"))
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("立即备份(&B)"))
        self.backup_button.setToolTip(self.tr("在备份文件夹中保存一份当前数据（运行中也可备份）"))
        self.elsewhere_button = QPushButton(self.tr("备份到其他位置(&O)…"))
        self.elsewhere_button.setToolTip(self.tr("把当前数据另存到U盘或其他文件夹"))
        self.restore_button = QPushButton(self.tr("从备份恢复(&R)…"))
        self.restore_button.setToolTip(self.tr("用表中选中的备份替换当前数据"))
        self.restore_file_button = QPushButton(self.tr("从其他文件恢复(&F)…"))
        self.restore_file_button.setToolTip(self.tr("选择U盘或其他文件夹中的备份文件，用它替换当前数据"))
        self.backup_button.clicked.connect(self.backup_now)
        self.elsewhere_button.clicked.connect(self.backup_elsewhere)
        self.restore_button.clicked.connect(self.restore_clicked)
        self.restore_file_button.clicked.connect(self.restore_other_file)
        for button in (self.backup_button, self.elsewhere_button):
            row.addWidget(button)
        row.addSpacing(24)
        for button in (self.restore_button, self.restore_file_button):
            row.addWidget(button)
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(_hint(self.tr("恢复：先在表中选中一个备份（可用方向键），再按“从备份恢复…”。")))
        self.status_label = _status_label()
        layout.addWidget(self.status_label)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def refresh(self, select: Path | None = None) -> None:
        if self.db_path is None:
            return
        self.model.set_rows(_load_backups(self.db_path))
        self.table.clearSelection()
        if select is not None:
            names = [p.name for p in self.model.rows]
            if select.name in names and Path(select).parent.resolve() == self.folder:
                _select_row(self.table, names.index(select.name))
        self._update_buttons()

    def _update_buttons(self, *args) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def selected_backup(self) -> Path | None:
        return _selected(self.table) if self.table is not None else None

    def manual_backup_path(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        candidate = self.folder / f"{MANUAL_PREFIX}{stamp}.db"
        n = 1
        while candidate.exists():
            candidate = self.folder / f"{MANUAL_PREFIX}{stamp}-{n}.db"
            n += 1
        return candidate

    # backing up ---------------------------------------------------------------------------------

    def backup_now(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_problem(self, TownDeskError(self.tr("无法创建备份文件夹 {0}：{1}").format(self.folder, exc.strerror)))
            return
        self.backup_to(self.manual_backup_path())

    def backup_elsewhere(self) -> None:
        suggested = Path.home() / f"towndesk-{datetime.now():%Y%m%d-%H%M%S}.db"
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("备份到其他位置"), str(suggested), self.tr("TownDesk 备份 (*.db)"),
            options=QFileDialog.DontConfirmOverwrite)
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".db":
            target = target.with_name(target.name + ".db")
        self.backup_to(target)

    def backup_to(self, target: Path) -> None:
        """Copy the database to `target` off the GUI thread; audit and refresh back on it."""
        if self.busy:
            return
        _show_status(self.status_label, "")
        db_path = self.db_path
        self.worker = run_in_background(self, self.tr("正在备份，请稍候……"),
                                        lambda: backup.backup_database(db_path, target), self._backup_done)
        self.worker.finished.connect(self._worker_finished)

    def _worker_finished(self) -> None:
        self.worker = None

    def _backup_done(self, out: Path) -> None:
        audit.log(self.user.username, "backup", f"备份数据库到 {out}")
        self.refresh(select=out)
        _show_status(self.status_label, self.tr("已备份到：{0}（{1}）").format(out, _file_size(out)))
        self.backed_up.emit(out)

    # restoring ----------------------------------------------------------------------------------

    def restore_clicked(self) -> None:
        chosen = self.selected_backup()
        if chosen is None:
            self.restore_other_file()
        else:
            self.restore_from(chosen)

    def restore_other_file(self) -> None:
        start = self.folder if self.folder.exists() else self.db_path.parent
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择要恢复的备份文件"), str(start), self.tr("TownDesk 备份 (*.db);;所有文件 (*)"))
        if path:
            self.restore_from(Path(path))

    def confirm_restore(self, file: Path) -> bool:
        text = self.tr(
            "将用以下备份替换当前的全部数据：\n{0}\n（备份时间 {1}）\n\n"
            "这个时间之后录入或修改的内容都会被替换掉。替换前，当前数据会先另存到备份文件夹"
            "（before-restore- 开头的文件），需要时可以再恢复回来。\n\n"
            "恢复后所有人都需要重新登录；其他电脑上如也打开了本数据库，请先退出。\n\n"
            "确定要恢复吗？").format(file.name, _file_time(file))
        answer = QMessageBox.question(self, self.tr("从备份恢复"), text,
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def restore_from(self, file: Path) -> bool:
        """Ask, then close the database, restore off the GUI thread and reopen. True when started."""
        if self.busy:
            return False
        file = Path(file)
        if not self.confirm_restore(file):
            return False
        _show_status(self.status_label, "")
        db_path = self.db_path

        def work():
            # Errors come back as a value so the database is reopened before the user sees them.
            try:
                return True, backup.restore_database(db_path, file)
            except Exception as exc:  # noqa: BLE001
                return False, exc

        close_database()
        self.worker = run_in_background(self, self.tr("正在恢复，请稍候……"), work,
                                        lambda result: self._restore_done(file, result))
        self.worker.finished.connect(self._worker_finished)
        return True

    def _restore_done(self, file: Path, result) -> None:
        ok, value = result
        try:
            open_app_database(self.db_path)
        except Exception as exc:  # noqa: BLE001
            if ok and value is not None and self._put_back(value):
                show_problem(self, TownDeskError(self.tr(
                    "备份“{0}”恢复后无法打开（{1}），已自动换回恢复前的数据。").format(
                        file.name, getattr(exc, "message", exc))), self.tr("恢复没有完成"))
                self.refresh()
                return
            show_problem(self, exc, self.tr("无法重新打开数据库"))
            return
        if not ok:
            show_problem(self, value, self.tr("恢复没有完成"))
            self.refresh()
            return
        kept = value
        note = f"；原数据库另存为 {kept}" if kept else ""
        audit.log(self.user.username, "restore", f"从备份 {file} 恢复数据库{note}")
        self.refresh()
        message = self.tr("已从“{0}”恢复数据。").format(file.name)
        if kept:
            message += "\n" + self.tr("恢复前的数据已另存为：{0}").format(kept)
        message += "\n\n" + self.tr("请所有人重新登录。")
        QMessageBox.information(self, self.tr("恢复完成"), message)
        self.restored.emit()

    def _put_back(self, kept: Path) -> bool:
        """The restored file would not open: restore the copy kept just before. True if that worked."""
        try:
            close_database()
            backup.restore_database(self.db_path, kept)
            open_app_database(self.db_path)
        except Exception:  # noqa: BLE001
            return False
        return True


# --- 操作日志 -----------------------------------------------------------------------------------

class AuditTab(QWidget):
    """The newest entries of the append-only audit log, filtered by action. Read-only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(_hint(self.tr(
            "操作日志记录谁在什么时间做了什么，只能查看，任何人都不能修改或删除。这里显示最近 {0} 条。"
        ).format(AUDIT_LIMIT)))
        row = QHBoxLayout()
        label = QLabel(self.tr("操作类型(&F)："))
        self.action_combo = QComboBox()
        self.action_combo.addItem(self.tr("全部"), None)
        for key, name in ACTIONS.items():
            self.action_combo.addItem(name, key)
        label.setBuddy(self.action_combo)
        self.action_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.refresh_button = QPushButton(self.tr("刷新(&G)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.count_label = _hint("")
        row.addWidget(label)
        row.addWidget(self.action_combo)
        row.addWidget(self.refresh_button)
        row.addWidget(self.count_label, 1)
        layout.addLayout(row)

        self.names: dict[str, str] = {}
        self.model = RecordTableModel([
            Column(self.tr("时间"), lambda e: _local_time(e.created_at)),
            Column(self.tr("用户"), self._who),
            Column(self.tr("操作"), lambda e: ACTIONS.get(e.action, e.action)),
            Column(self.tr("摘要"), lambda e: e.summary),
        ], self)
        self.table = _table(self.model)
        self.table.setAccessibleName(self.tr("操作日志"))
        layout.addWidget(self.table, 1)
        self.refresh()

    def _who(self, entry) -> str:
        who = entry.created_by or ""
        if who == "system":
            return self.tr("系统")
        name = self.names.get(who)
        return f"{name}（{who}）" if name else who

    def refresh(self) -> None:
        self.names = {u.username: u.display_name for u in _load_users()}
        entries = _load_audit(self.action_combo.currentData())
        self.model.set_rows(entries)
        self.count_label.setText(self.tr("共 {0} 条").format(len(entries)))


# --- 我的账户 -----------------------------------------------------------------------------------

class AccountTab(QWidget):
    """Who is signed in, and the form to change one's own password."""

    password_changed = Signal()

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        layout = QVBoxLayout(self)
        box = QWidget()
        box.setMaximumWidth(760)
        form = _Form(box)
        form.setContentsMargins(0, 0, 0, 0)
        for caption, value in ((self.tr("姓名"), user.display_name), (self.tr("用户名"), user.username),
                               (self.tr("角色"), user.role_names)):
            label = QLabel(value)
            label.setStyleSheet("font-weight: bold;")
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            form.add_row(caption, label)

        heading = QLabel(self.tr("修改密码"))
        heading.setStyleSheet("font-weight: bold; font-size: 15px; margin-top: 16px;")
        form.add_wide(heading)
        self.notice = QLabel(self.tr("您正在使用管理员设置的临时密码，请现在改成只有自己知道的密码。"))
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setVisible(bool(user.must_change_password))
        form.add_wide(self.notice)
        self.old_edit = _password_edit()
        self.new_edit = _password_edit()
        self.confirm_edit = _password_edit()
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
        self.status_label = _status_label()
        row.addSpacing(12)
        row.addWidget(self.status_label)
        row.addStretch()
        layout.addLayout(row)
        layout.addStretch()

    def change_password(self) -> bool:
        self.errors.clear()
        _show_status(self.status_label, "")
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
        _show_status(self.status_label, self.tr("密码已修改，下次登录请使用新密码。"))
        self.password_changed.emit()
        return True


# --- the page ---------------------------------------------------------------------------------

class SettingsPage(QWidget):
    """系统设置. Tabs by permission: 基本设置 (everyone; editable with settings.manage), 用户管理
    (users.manage), 备份与恢复 (backup.run), 操作日志 (audit.view), 我的账户 (everyone)."""

    restored = Signal()  # after a successful restore: the main window closes and everyone logs in again
    settings_saved = Signal(dict)  # changed keys → new values (e.g. idle_lock_minutes, town_name)
    password_changed = Signal()  # the signed-in user changed their own password

    def __init__(self, user: User, db_path: Path | None, parent=None):
        super().__init__(parent)
        self.user = user
        self.db_path = db_path
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        self.basic = BasicSettingsTab(user)
        self.basic.saved.connect(self.settings_saved)
        self.tabs.addTab(self.basic, self.tr("基本设置"))
        self.users_tab = self.backup_tab = self.audit_tab = None
        if user.can("users.manage"):
            self.users_tab = UsersTab(user)
            self.tabs.addTab(self.users_tab, self.tr("用户管理"))
        if user.can("backup.run"):
            self.backup_tab = BackupTab(user, db_path)
            self.backup_tab.restored.connect(self.restored)
            self.tabs.addTab(self.backup_tab, self.tr("备份与恢复"))
        if user.can("audit.view"):
            self.audit_tab = AuditTab()
            self.tabs.addTab(self.audit_tab, self.tr("操作日志"))
        self.account = AccountTab(user)
        self.account.password_changed.connect(self.password_changed)
        self.tabs.addTab(self.account, self.tr("我的账户"))
        self.tabs.currentChanged.connect(self._tab_shown)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_tab(self, title: str) -> QWidget:
        index = self.tab_titles().index(title)
        self.tabs.setCurrentIndex(index)
        return self.tabs.widget(index)

    def _tab_shown(self, index: int) -> None:
        """Lists may have changed elsewhere (another window, a login): re-read when a tab is shown."""
        widget = self.tabs.widget(index)
        if widget is self.users_tab or widget is self.audit_tab:
            widget.refresh()
        elif widget is self.backup_tab and not self.backup_tab.busy:
            widget.refresh()
