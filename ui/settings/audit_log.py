"""操作日志: the newest entries of the append-only audit log."""

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models import accounts, audit
from models.audit import ACTIONS
from ui.common import Column, RecordTableModel, hint, local_time
from ui.settings.widgets import table

AUDIT_LIMIT = 500


class AuditTab(QWidget):
    """The newest entries of the append-only audit log, filtered by action. Read-only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr(
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
        self.count_label = hint()
        row.addWidget(label)
        row.addWidget(self.action_combo)
        row.addWidget(self.refresh_button)
        row.addWidget(self.count_label, 1)
        layout.addLayout(row)

        self.names: dict[str, str] = {}
        self.model = RecordTableModel([
            Column(self.tr("时间"), lambda e: local_time(e.created_at)),
            Column(self.tr("用户"), self._who),
            Column(self.tr("操作"), lambda e: ACTIONS.get(e.action, e.action)),
            Column(self.tr("摘要"), lambda e: e.summary),
        ], self)
        self.table = table(self.model)
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
        self.names = {u.username: u.display_name for u in accounts.list_users()}
        entries = audit.recent(limit=AUDIT_LIMIT, action=self.action_combo.currentData() or None)
        self.model.set_rows(entries)
        self.count_label.setText(self.tr("共 {0} 条").format(len(entries)))
