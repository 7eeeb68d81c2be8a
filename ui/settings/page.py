"""The 系统设置 page: one tab per area the user's roles allow."""

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from models.accounts import User
from ui.settings.account import AccountTab
from ui.settings.audit_log import AuditTab
from ui.settings.backups import BackupTab
from ui.settings.basic import BasicSettingsTab
from ui.settings.users import UsersTab


class SettingsPage(QWidget):
    """系统设置. Tabs by permission: 基本设置 (everyone; editable with settings.manage), 用户管理
    (users.manage), 选项列表 (settings.manage), 备份与恢复 (backup.run), 操作日志 (audit.view), 我的账户 (everyone)."""

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
        self.users_tab = self.backup_tab = self.audit_tab = self.lists_tab = None
        if user.can("users.manage"):
            self.users_tab = UsersTab(user)
            self.tabs.addTab(self.users_tab, self.tr("用户管理"))
        if user.can("settings.manage"):
            from ui.settings.code_lists import CodeListsTab

            self.lists_tab = CodeListsTab(user)
            self.tabs.addTab(self.lists_tab, self.tr("选项列表"))
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
