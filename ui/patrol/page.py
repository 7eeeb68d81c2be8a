"""网格巡查: the area's tabs, and the dialogs its lists and home page open.

The 重点人员 tab exists only for users with ``patrol.sensitive`` (models/ refuses everyone else anyway).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from models.accounts import User
from models.patrol import events, grids, hazards, helps, patrols
from ui.common import show_problem


class PatrolPage(QWidget):
    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        from ui.patrol.care import CareTab
        from ui.patrol.events import EventListPanel
        from ui.patrol.grids import GridsTab
        from ui.patrol.hazards import HazardListPanel
        from ui.patrol.helps import HelpListPanel
        from ui.patrol.home import PatrolHome
        from ui.patrol.patrol_form import PatrolForm
        from ui.patrol.patrol_list import PatrolListPanel
        from ui.patrol.premises import PremisesTab

        self.user = user
        self.dialog = None
        self.tabs = QTabWidget()
        self.home = PatrolHome(user)
        self.form = PatrolForm(user)
        self.patrols = PatrolListPanel(user)
        self.events = EventListPanel(user)
        self.hazards = HazardListPanel(user)
        self.helps = HelpListPanel(user)
        self.premises = PremisesTab(user)
        self.care = CareTab(user)
        self.tabs.addTab(self.home, self.tr("首页"))
        self.tabs.addTab(self.form, self.tr("巡查登记"))
        self.tabs.addTab(self.patrols, self.tr("巡查日志"))
        self.tabs.addTab(self.events, self.tr("事件"))
        self.tabs.addTab(self.hazards, self.tr("隐患"))
        self.tabs.addTab(self.helps, self.tr("群众求助"))
        self.tabs.addTab(self.premises, self.tr("场所"))
        self.tabs.addTab(self.care, self.tr("关爱帮扶"))
        self.key_persons = None
        if user.can(grids.SENSITIVE):
            from ui.patrol.key_persons import KeyPersonTab

            self.key_persons = KeyPersonTab(user)
            self.tabs.addTab(self.key_persons, self.tr("重点人员"))
        self.grids = GridsTab(user)
        self.tabs.addTab(self.grids, self.tr("网格"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.setFocusProxy(self.tabs)

        self.home.open_patrol.connect(self.open_patrol)
        self.home.open_event.connect(self.open_event)
        self.home.open_hazard.connect(self.open_hazard)
        self.home.open_help.connect(self.open_help)
        self.home.new_patrol.connect(self.show_form)
        self.home.open_care.connect(self.care.open_subject)
        if self.key_persons is not None:
            self.home.open_key_person.connect(self.key_persons.open_person)
        self.patrols.opened.connect(self.open_patrol)
        self.events.opened.connect(self.open_event)
        self.hazards.opened.connect(self.open_hazard)
        self.helps.opened.connect(self.open_help)
        self.form.logged.connect(self._logged)
        self.tabs.currentChanged.connect(self._tab_changed)

    def _tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        self.setFocusProxy(widget)
        refresh = getattr(widget, "refresh", None)
        if widget is not self.form and callable(refresh):
            refresh()
        widget.setFocus()

    def _logged(self, patrol) -> None:
        for widget in (self.home, self.patrols, self.events, self.hazards, self.helps):
            widget.refresh()
        self.open_patrol(patrol)

    def _refresh_all(self, *_args) -> None:
        for widget in (self.home, self.patrols, self.events, self.hazards, self.helps, self.premises):
            widget.refresh()

    def show_form(self) -> None:
        self.tabs.setCurrentWidget(self.form)
        self.form.setFocus()

    def _open(self, load, make_dialog):
        try:
            record = load()
        except Exception as exc:  # noqa: BLE001 - refused (not the user's grid) or a bug: shown, never lost
            show_problem(self, exc)
            return None
        self.dialog = make_dialog(record)
        self.dialog.changed.connect(self._refresh_all)
        self.dialog.open()
        return self.dialog

    def open_patrol(self, patrol):
        from ui.patrol.patrol_view import PatrolDialog

        return self._open(lambda: patrols.get_patrol(self.user, patrol.number),
                          lambda fresh: PatrolDialog(self.user, fresh, self))

    def open_event(self, event):
        from ui.patrol.events import EventDialog

        return self._open(lambda: events.get_event(self.user, event.number),
                          lambda fresh: EventDialog(self.user, fresh, self))

    def open_hazard(self, hazard):
        from ui.patrol.hazards import HazardDialog

        return self._open(lambda: hazards.get_hazard(self.user, hazard.number),
                          lambda fresh: HazardDialog(self.user, fresh, self))

    def open_help(self, request):
        from ui.patrol.helps import HelpDialog

        return self._open(lambda: helps.get_request(self.user, request.number),
                          lambda fresh: HelpDialog(self.user, fresh, self))
