"""The 人员库 page: the 个人 and 单位 tabs, or why the user may not see them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from models.accounts import User
from models.people import Organisation, Person
from ui.common import paint_hint
from ui.people.organisation_dialog import OrganisationDialog
from ui.people.person_dialog import PersonDialog
from ui.people.tabs import OrganisationsTab, PeopleTab


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
        intro = paint_hint(QLabel(self.tr(
            "登记办事群众、当事人和单位的基本信息，一窗受理、矛盾调解和网格巡查都从这里选用。")))
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
