"""Open a hall document in the print preview; a print or a saved copy is audited (a second one as 重打)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from models.accounts import User
from models.hall import printing
from ui.common import show_problem


def show_document(parent: QWidget, user: User, kind: str, number: str, paper: str | None = None):
    """The preview dialog (window-modal, not blocking), or None after showing why it could not be made."""
    from ui.printing import PrintPreviewDialog

    try:
        printable = printing.render(user, kind, number, paper)
    except Exception as exc:  # noqa: BLE001 - TownDeskError shown as a message, anything else reported
        show_problem(parent, exc)
        return None
    dialog = PrintPreviewDialog(parent, printable.pdf, printable.title, printable.file_name)
    dialog.printed.connect(lambda _pages: printing.log_print(user, printable, "打印"))
    dialog.saved.connect(lambda _path: printing.log_print(user, printable, "另存PDF："))
    dialog.open()
    return dialog
