"""What both 人员库 forms share: the base dialog, the optional birth date and the hint row under a field."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDateTimeEdit, QDialog, QFormLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget,
)

from models.accounts import User
from ui.common import FieldErrors, ask, dialog_buttons, paint_hint


class BirthDateEdit(QDateEdit):
    """A QDateEdit that can be empty ("未填写").

    The empty value is the minimum date shown as special text. Entering an empty field puts a
    starting date in place so that typing eight digits (19800312) works; leaving it untouched
    empties it again. Delete empties a filled date.
    """

    EMPTY = QDate(1899, 12, 31)
    START = QDate(1980, 1, 1)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(self.EMPTY)
        self.setMaximumDate(QDate.currentDate())
        self.setSpecialValueText(self.tr("未填写"))
        self.setDate(self.EMPTY)
        self._starting = False
        self.dateChanged.connect(self._user_changed)

    def value(self) -> date | None:
        if self._starting or self.date() == self.EMPTY:
            return None
        return self.date().toPython()

    def set_value(self, value: date | None) -> None:
        self._starting = False
        self.setDate(QDate(value) if value is not None else self.EMPTY)

    def _user_changed(self, _date) -> None:
        self._starting = False

    def focusInEvent(self, event):  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        if self.date() == self.EMPTY and not self.isReadOnly() and self.isEnabled():
            self.blockSignals(True)
            self.setDate(self.START)
            self.blockSignals(False)
            self._starting = True
            self.setCurrentSection(QDateTimeEdit.YearSection)
            self.lineEdit().setSelection(0, 4)

    def focusOutEvent(self, event):  # noqa: N802
        super().focusOutEvent(event)
        if self._starting and event.reason() != Qt.PopupFocusReason:
            self._starting = False
            self.blockSignals(True)
            self.setDate(self.EMPTY)
            self.blockSignals(False)

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key_Delete and not self.isReadOnly():
            self._starting = False
            self.setDate(self.EMPTY)
            return
        super().keyPressEvent(event)


class _HintLabel(QLabel):
    """A wrapping label as tall as its text at its real width (QFormLayout asks sizeHint, not heightForWidth)."""

    def sizeHint(self):  # noqa: N802
        hint = super().sizeHint()
        if self.wordWrap() and self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.updateGeometry()


def hint_row() -> QLabel:
    """The hidden label under a field that explains it as the user types (shown with set_hint)."""
    label = _HintLabel()
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)  # use the form's width before wrapping
    label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
    label.hide()
    return label


class FormDialog(QDialog):
    """A 人员库 form. Enter moves to the next field; Enter in the last field saves; Esc asks before
    dropping typed work. Emits `saved(record)` and accepts once the record is stored; errors stay on the form.

    A subclass builds its fields, calls `_lay_out`, and says what `_form_fields` and `store` are.
    """

    saved = Signal(object)
    _initial_state = None

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.saved_record = None

    def _lay_out(self, form: QFormLayout, error_fields: dict[str, QWidget], top: QWidget | None = None) -> None:
        """`top` (if any) and the form, errors under it (named as in `error_fields`), the keys and 保存/取消."""
        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, error_fields)
        self.buttons, self.save_button, self.cancel_button = dialog_buttons(self, self.tr("保存"), self.save)
        legend = paint_hint(QLabel(self.tr("带 * 的为必填项。按 Enter 到下一项，在最后一项按 Enter 保存，Esc 取消。")))
        legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        if top is not None:
            layout.addWidget(top)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(legend)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)

    def _form_fields(self) -> list[QWidget]:
        raise NotImplementedError

    def store(self):
        """Save the form through models.people and return the record; None if the user held back.
        Raises TownDeskError for what the user must correct."""
        raise NotImplementedError

    def _state(self):
        """What the user has filled in, to tell whether closing would lose anything."""
        return [w.currentText() if isinstance(w, QComboBox) else
                w.text() for w in self._form_fields()]

    def _remember_state(self) -> None:
        self._initial_state = self._state()

    def reject(self) -> None:
        if self._initial_state is not None and self._state() != self._initial_state and not ask(
                self, self.tr("放弃修改"), self.tr("已填写的内容还没有保存，确定要放弃吗？")):
            return
        super().reject()

    def save(self) -> bool:
        ok, record = self.errors.attempt(self, self.store)
        if not ok or record is None:
            return False
        self.saved_record = record
        self.saved.emit(record)
        self.accept()
        return True

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not (event.modifiers() & ~Qt.KeypadModifier):
            focus = self.focusWidget()
            fields = self._form_fields()
            owner = next((f for f in fields if focus is not None and (f is focus or f.isAncestorOf(focus))), None)
            if owner is fields[-1]:
                self.save()
                return
            if owner is not None:
                self.focusNextChild()
                return
        super().keyPressEvent(event)
