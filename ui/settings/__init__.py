"""系统设置: the installation's basic settings, users, backup and restore, the audit log, and «my account».

Every tab calls functions in models/ (which enforce the permissions); a tab is only built for a
user whose roles allow it. 基本设置 is shown to everyone, read-only without settings.manage.
One module a tab; `widgets` holds what the tabs share.
"""

from ui.settings.page import SettingsPage

__all__ = ["SettingsPage"]
