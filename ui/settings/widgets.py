"""What the settings tabs share: the caption/field grid, password inputs, list tables, status lines."""

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGridLayout, QHeaderView, QLabel, QLineEdit, QWidget

from ui.common import RecordTable, RecordTableModel, hint, paint_hint


def tr(text: str) -> str:
    """Translate outside a widget (module-level texts), in the settings page's context."""
    return QCoreApplication.translate("SettingsPage", text)


class Form(QGridLayout):
    """Captions left, fields right, an optional grey hint under a field. Captions stay level with
    their field (QFormLayout would centre them on field + hint)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setHorizontalSpacing(12)
        self.setVerticalSpacing(6)
        self.setColumnStretch(1, 1)
        self._row = 0

    def add_row(self, label: str, widget: QWidget, hint_text: str | None = None,
                caption_height: int | None = None) -> QLabel:
        widget.setAccessibleName(label)
        widget.ensurePolished()
        caption = QLabel(label + "：")
        caption.setBuddy(widget)
        caption.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        caption.setMinimumHeight(caption_height or widget.sizeHint().height())
        self.addWidget(caption, self._row, 0, Qt.AlignTop)
        if widget.maximumWidth() < 10000:
            self.addWidget(widget, self._row, 1, Qt.AlignLeft)
        else:
            self.addWidget(widget, self._row, 1)
        self._row += 1
        if hint_text:
            widget.setAccessibleDescription(hint_text)
            note = hint(hint_text)
            note.setContentsMargins(0, 0, 0, 4)
            self.addWidget(note, self._row, 1)
            self.setRowMinimumHeight(self._row, 0)
            self._row += 1
        return caption

    def add_wide(self, widget: QWidget) -> None:
        """A heading or notice across both columns."""
        self.addWidget(widget, self._row, 0, 1, 2)
        self._row += 1


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.Password)
    edit.setMaxLength(128)
    return edit


def table(model: RecordTableModel, stretch_last: bool = True) -> RecordTable:
    """A settings list: columns as wide as their contents, headers left-aligned, no row numbers."""
    view = RecordTable(model, select_on_focus=True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(stretch_last)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    return view


def status_label() -> QLabel:
    """Where a tab says what an action did (shown with set_hint(label, text, "ok")); hidden until then."""
    label = paint_hint(QLabel(), "ok")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.hide()
    return label
