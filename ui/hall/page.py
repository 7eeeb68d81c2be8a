"""一窗受理: the hall's home, the counter, the case lists and (for the administrator) the catalogue and holidays."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from models.accounts import User
from ui.hall.case_list import CaseListPanel
from ui.hall.case_view import CaseDialog
from ui.hall.counter import CounterForm
from ui.hall.home import HallHome


class HallPage(QWidget):
    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        from ui.hall.catalogue_admin import CatalogueAdmin
        from ui.hall.holidays import HolidayAdmin

        self.user = user
        self.case_dialog = None
        self.tabs = QTabWidget()
        self.home = HallHome(user)
        self.counter = CounterForm(user)
        self.cases = CaseListPanel(user)
        self.catalogue = CatalogueAdmin(user)
        self.holidays = HolidayAdmin(user)
        self.tabs.addTab(self.home, self.tr("首页"))
        self.tabs.addTab(self.counter, self.tr("受理登记"))
        self.tabs.addTab(self.cases, self.tr("办件查询"))
        self.tabs.addTab(self.catalogue, self.tr("事项目录"))
        self.tabs.addTab(self.holidays, self.tr("节假日"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.setFocusProxy(self.tabs)
        self.home.open_case.connect(self.open_case)
        self.home.new_intake.connect(self.show_counter)
        self.cases.opened.connect(self.open_case)
        self.counter.case_created.connect(lambda _c: self.cases.refresh())
        self.catalogue.changed.connect(lambda *_a: self.counter.matter.reload())
        self.holidays.changed.connect(self.home.refresh)
        self.tabs.currentChanged.connect(self._tab_changed)

    def _tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        self.setFocusProxy(widget)
        if widget is self.cases:
            self.cases.refresh()
        widget.setFocus()

    def show_counter(self) -> None:
        self.tabs.setCurrentWidget(self.counter)
        self.counter.setFocus()

    def open_case(self, case) -> CaseDialog:
        self.case_dialog = CaseDialog(self.user, case, self)
        self.case_dialog.changed.connect(lambda _c: (self.cases.refresh(), self.home.refresh()))
        self.case_dialog.open()
        return self.case_dialog
