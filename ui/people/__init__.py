"""人员库: the people and organisations every area refers to.

`PeoplePage(user)` is the screen the main window shows; `PersonDialog` and `OrganisationDialog`
are the forms it opens. Everything is read and written through models.people: this package never
builds a query, and never shows (or saves back) an ID number the user may not see in full.
"""

from ui.people.organisation_dialog import OrganisationDialog
from ui.people.page import PeoplePage
from ui.people.person_dialog import PersonDialog

__all__ = ["OrganisationDialog", "PeoplePage", "PersonDialog"]
