"""Open a hall document in the print preview; a print or a saved copy is audited (a second one as 重打)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from models.accounts import User
from models.hall import printing


def show_document(parent: QWidget, user: User, kind: str, number: str, paper: str | None = None):
    """The preview dialog (window-modal, not blocking), or None after showing why it could not be made."""
    from ui.printing import show_printable

    return show_printable(parent, user, lambda: printing.render(user, kind, number, paper))
