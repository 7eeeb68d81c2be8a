"""矛盾调解: the centre's home, registration, the case list, petitions and risk-assessment meetings."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from models.accounts import User
from models.mediation import disputes, petitions
from ui.common import show_problem
from ui.mediation.case_list import DisputeListPanel
from ui.mediation.home import MediationHome


class MediationPage(QWidget):
    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        from ui.mediation.meetings import MeetingsTab
        from ui.mediation.petitions import PetitionsTab
        from ui.mediation.register import DisputeForm

        self.user = user
        self.dialog = None
        self.tabs = QTabWidget()
        self.home = MediationHome(user)
        self.register = DisputeForm(user)
        self.cases = DisputeListPanel(user)
        self.petitions = PetitionsTab(user)
        self.meetings = MeetingsTab(user)
        self.tabs.addTab(self.home, self.tr("首页"))
        self.tabs.addTab(self.register, self.tr("纠纷登记"))
        self.tabs.addTab(self.cases, self.tr("案件查询"))
        self.tabs.addTab(self.petitions, self.tr("信访"))
        self.tabs.addTab(self.meetings, self.tr("风险研判会"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.setFocusProxy(self.tabs)
        self.home.open_dispute.connect(self.open_dispute)
        self.home.open_petition.connect(self.open_petition)
        self.home.new_dispute.connect(self.show_register)
        self.home.decision_box.activated.connect(lambda _d: self.tabs.setCurrentWidget(self.meetings))
        self.cases.opened.connect(self.open_dispute)
        self.register.registered.connect(lambda _d: (self.cases.refresh(), self.home.refresh()))
        self.tabs.currentChanged.connect(self._tab_changed)

    def _tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        self.setFocusProxy(widget)
        if widget is self.cases:
            self.cases.refresh()
        widget.setFocus()

    def show_register(self) -> None:
        self.tabs.setCurrentWidget(self.register)
        self.register.setFocus()

    def open_dispute(self, dispute):
        """The case dialog; opening a case is audited (its parties' personal data)."""
        from ui.mediation.case_view import DisputeDialog

        try:
            fresh = disputes.get_dispute(self.user, dispute.number)
        except Exception as exc:  # noqa: BLE001 - refused (not the user's case) or a bug: shown, never lost
            show_problem(self, exc)
            return None
        self.dialog = DisputeDialog(self.user, fresh, self)
        self.dialog.changed.connect(lambda _d: (self.cases.refresh(), self.home.refresh()))
        self.dialog.open()
        return self.dialog

    def open_petition(self, petition):
        from ui.mediation.petitions import PetitionDialog

        try:
            fresh = petitions.get_petition(self.user, petition.number)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return None
        self.dialog = PetitionDialog(self.user, fresh, self)
        self.dialog.changed.connect(lambda _p: self.home.refresh())
        self.dialog.open()
        return self.dialog
