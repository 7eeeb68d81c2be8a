"""节假日设置: the holidays and 调休 working days the administrator enters, and a 试算 to check them.

Promised completion dates count China's working days. The built-in State Council calendar knows the
years up to its release; for a later year the administrator enters that year's notice here, day by day.
All reading and writing goes through models.hall.calendar.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from models.accounts import User
from models.hall import calendar
from models.hall.tables import CalendarDay
from models.hall.workdays import WorkCalendar
from ui.common import Column, RecordTable, RecordTableModel, ask, hint, notice, paint_hint, set_hint, show_problem
from ui.common import shortcut

WEEKDAYS = "一二三四五六日"
HOLIDAY, WORKDAY = "放假", "调休上班"
FIRST_YEAR, LAST_YEAR = 2004, 2099



def weekday_text(day: date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def day_text(day: date) -> str:
    """2027-05-04（星期二）"""
    return f"{day:%Y-%m-%d}（{weekday_text(day)}）"


def kind_text(entry: CalendarDay) -> str:
    return WORKDAY if entry.workday else HOLIDAY


def last_official_year(before: int) -> int | None:
    """The latest year before `before` that the built-in calendar knows."""
    for year in range(before - 1, FIRST_YEAR - 1, -1):
        if WorkCalendar.official_covers(year):
            return year
    return None


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
    return edit


class HolidayAdmin(QWidget):
    """One year's entered days, the form that adds one, and 试算. Only an administrator may change them."""

    changed = Signal()  # a day entered or deleted: promised dates shown elsewhere may move

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.can_edit = user.can("settings.manage")
        today = date.today()

        intro = hint(self.tr(
            "承诺件的办结日期按工作日计算：放假的日子不算，调休上班的周末算工作日。"
            "在这里录入的日期优先于程序内置的全国日历。"))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(FIRST_YEAR, LAST_YEAR)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.setAccessibleName(self.tr("年份"))
        self.year_spin.setMinimumWidth(110)
        year_caption = QLabel(self.tr("年份："))
        year_caption.setBuddy(self.year_spin)
        self.coverage_label = notice()

        # The entered days of the year.
        self.model = RecordTableModel([
            Column(self.tr("日期"), lambda d: f"{d.day:%Y-%m-%d}"),
            Column(self.tr("星期"), lambda d: weekday_text(d.day)),
            Column(self.tr("放假/调休上班"), kind_text),
            Column(self.tr("说明"), lambda d: d.note),
        ], self)
        self.table = RecordTable(self.model, select_on_focus=True)
        self.table.setAccessibleName(self.tr("已录入的日期"))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setHighlightSections(False)
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.count_label = QLabel()

        # 录入一天.
        self.date_edit = _date_edit()
        self.date_edit.setDate(QDate(today))
        self.date_edit.setAccessibleName(self.tr("日期"))
        self.kind_combo = QComboBox()
        self.kind_combo.addItems([self.tr("放假"), self.tr("调休上班")])
        self.kind_combo.setAccessibleName(self.tr("放假或调休上班"))
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(64)
        self.note_edit.setPlaceholderText(self.tr("如：劳动节、春节调休"))
        self.note_edit.setAccessibleName(self.tr("说明"))
        self.add_button = QPushButton(self.tr("录入"))
        self.add_button.setToolTip(self.tr("录入这一天（在说明中按 Enter）"))
        self.delete_button = QPushButton(self.tr("删除所选"))
        self.delete_button.setToolTip(self.tr("删除列表中选中的日期（在列表中按 Delete）"))
        for button in (self.add_button, self.delete_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_day)
        self.delete_button.clicked.connect(self.delete_selected)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.hide()

        entry = QGroupBox(self.tr("录入一天"))
        grid = QGridLayout(entry)
        grid.setColumnStretch(1, 1)
        for row, (text, widget) in enumerate(((self.tr("日期"), self.date_edit),
                                              (self.tr("类型"), self.kind_combo),
                                              (self.tr("说明"), self.note_edit))):
            caption = QLabel(text + "：")
            caption.setBuddy(widget)
            grid.addWidget(caption, row, 0)
            grid.addWidget(widget, row, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 3, 1)
        entry_keys = paint_hint(QLabel(self.tr(
            "Enter 到下一项，在说明中按 Enter 录入；录入后日期自动移到下一天，便于连续录入一个假期。"
            "同一天再次录入会改成新的类型和说明。")))
        entry_keys.setWordWrap(True)
        grid.addWidget(entry_keys, 4, 0, 1, 2)
        grid.addWidget(self.status_label, 5, 0, 1, 2)
        self.entry_box = entry

        # 试算.
        self.trial_start = _date_edit()
        self.trial_start.setDate(QDate(today))
        self.trial_start.setAccessibleName(self.tr("起算日期"))
        self.trial_days = QSpinBox()
        self.trial_days.setRange(0, 365)
        self.trial_days.setValue(10)
        self.trial_days.setSuffix(self.tr(" 个工作日"))
        self.trial_days.setAccessibleName(self.tr("工作日数"))
        self.trial_result = QLabel()
        self.trial_result.setProperty("role", "value")
        self.trial_result.setWordWrap(True)
        self.trial_result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.trial_note = paint_hint(QLabel(), "warn")
        self.trial_note.setWordWrap(True)
        trial = QGroupBox(self.tr("试算承诺办结日期"))
        trial_grid = QGridLayout(trial)
        trial_grid.setColumnStretch(1, 1)
        for row, (text, widget) in enumerate(((self.tr("受理日期"), self.trial_start),
                                              (self.tr("承诺时限"), self.trial_days))):
            caption = QLabel(text + "：")
            caption.setBuddy(widget)
            trial_grid.addWidget(caption, row, 0)
            trial_grid.addWidget(widget, row, 1)
        trial_grid.addWidget(QLabel(self.tr("办结日期：")), 2, 0, Qt.AlignTop)
        trial_grid.addWidget(self.trial_result, 2, 1)
        trial_grid.addWidget(self.trial_note, 3, 0, 1, 2)
        trial_help = paint_hint(QLabel(self.tr("受理当天不计算在内，与受理登记计算承诺办结日期的方法相同。")))
        trial_help.setWordWrap(True)
        trial_grid.addWidget(trial_help, 4, 0, 1, 2)

        if not self.can_edit:
            self.read_only_label = notice(self.tr("只有管理员可以录入或删除节假日。这里只能查看和试算。"), "warn")
            entry.hide()
        else:
            self.read_only_label = None

        year_row = QHBoxLayout()
        year_row.addWidget(year_caption)
        year_row.addWidget(self.year_spin)
        year_row.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(year_row)
        left.addWidget(self.coverage_label)
        left.addWidget(self.table, 1)
        left.addWidget(self.count_label)
        right = QVBoxLayout()
        if self.read_only_label is not None:
            right.addWidget(self.read_only_label)
        right.addWidget(entry)
        right.addWidget(trial)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addSpacing(8)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(columns, 1)

        order = [self.year_spin, self.table, self.date_edit, self.kind_combo, self.note_edit, self.add_button,
                 self.delete_button, self.trial_start, self.trial_days]
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(self.year_spin)

        self.year_spin.valueChanged.connect(self._year_changed)
        shortcut(Qt.Key_Delete, self.table, self.delete_selected, Qt.WidgetShortcut)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.trial_start.dateChanged.connect(self.update_trial)
        self.trial_days.valueChanged.connect(self.update_trial)
        self.refresh()

    # --- the year's list -------------------------------------------------------------------------

    def year(self) -> int:
        return self.year_spin.value()

    def coverage_text(self, year: int) -> tuple[str, str]:
        """What the built-in calendar knows of `year`, and what the administrator must do: (text, kind)."""
        if WorkCalendar.official_covers(year):
            return self.tr(
                "{0} 年的全国法定节假日和调休上班日已内置在程序中（依据国务院办公厅通知），计算办结日期时自动使用，"
                "一般无需录入；只有本地另有安排时才在这里补充。").format(year), "info"
        last = last_official_year(year)
        known = self.tr("程序内置的全国节假日安排只到 {0} 年，不包括 {1} 年。").format(last, year) if last else \
            self.tr("程序内置的全国节假日安排不包括 {0} 年。").format(year)
        return known + self.tr(
            "请管理员按国务院办公厅发布的 {0} 年部分节假日安排通知，把当年每一个放假日期和调休上班日期录入这里；"
            "录入之前，{0} 年只按周六、周日休息计算承诺办结日期。").format(year), "warn"

    def refresh(self, select: date | None = None) -> None:
        year = self.year()
        text, kind = self.coverage_text(year)
        self.coverage_label.setText(text)
        self.coverage_label.setProperty("notice", kind)
        self.coverage_label.style().unpolish(self.coverage_label)
        self.coverage_label.style().polish(self.coverage_label)
        keep = select or (self.selected().day if self.selected() is not None else None)
        try:
            rows = calendar.list_days(year)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.model.set_rows(rows)
        holidays = sum(1 for d in rows if not d.workday)
        if rows:
            self.count_label.setText(self.tr("{0} 年已录入 {1} 天：放假 {2} 天，调休上班 {3} 天。").format(
                year, len(rows), holidays, len(rows) - holidays))
        else:
            self.count_label.setText(self.tr("{0} 年还没有录入任何日期。").format(year))
        days = [d.day for d in rows]
        if keep in days:
            self.table.select_row(days.index(keep))
        self._update_buttons()
        self.update_trial()

    def _year_changed(self, year: int) -> None:
        current = self.date_edit.date()
        if current.year() != year:
            day = QDate(year, current.month(), min(current.day(), QDate(year, current.month(), 1).daysInMonth()))
            self.date_edit.setDate(day)
        self.refresh()

    def selected(self) -> CalendarDay | None:
        return self.table.selected()

    def _update_buttons(self, *_args) -> None:
        self.delete_button.setEnabled(self.can_edit and self.selected() is not None)

    # --- entering and deleting -------------------------------------------------------------------

    def add_day(self) -> CalendarDay | None:
        """录入 the form's day; the list moves to its year; the date moves on to the next day."""
        if not self.can_edit:
            return None
        day = self.date_edit.date().toPython()
        workday = self.kind_combo.currentIndex() == 1
        kind = WORKDAY if workday else HOLIDAY
        try:
            before = calendar.work_calendar()
            entered = any(d.day == day for d in calendar.list_days(day.year))
            entry = calendar.set_day(self.user, day, workday, self.note_edit.text())
        except Exception as exc:  # noqa: BLE001 - PermissionDenied, ValidationError: say so, change nothing
            show_problem(self, exc)
            return None
        if day.year != self.year():
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(day.year)
            self.year_spin.blockSignals(False)
        self.refresh(select=day)
        message = self.tr("已录入 {0} {1}。").format(day_text(day), kind)
        tone = "ok"
        if not entered and before.is_workday(day) == workday:
            usual = self.tr("工作日") if workday else self.tr("休息日")
            message += self.tr("这一天本来就是{0}，这条记录不改变办结日期的计算，请核对是否录错。").format(usual)
            tone = "warn"
        set_hint(self.status_label, message, tone)
        self.date_edit.setDate(self.date_edit.date().addDays(1))
        self.date_edit.setFocus(Qt.OtherFocusReason)
        self.changed.emit()
        return entry

    def delete_selected(self) -> bool:
        entry = self.selected()
        if entry is None or not self.can_edit:
            return False
        if not ask(self, self.tr("删除日期"), self.tr(
                "确定删除 {0} 的“{1}”吗？\n\n删除后这一天按内置日历（或周末）计算。").format(
                day_text(entry.day), kind_text(entry))):
            return False
        row = self.table.selectionModel().selectedRows()[0].row()
        try:
            calendar.remove_day(self.user, entry)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return False
        self.refresh()
        self.table.select_row(min(row, self.model.rowCount() - 1))
        self.table.setFocus(Qt.OtherFocusReason)
        set_hint(self.status_label, self.tr("已删除 {0}。").format(day_text(entry.day)), "ok")
        self.changed.emit()
        return True

    # --- 试算 --------------------------------------------------------------------------------------

    def trial_date(self) -> date | None:
        """The promised date for the 试算 fields, with the entries as they are now."""
        start = self.trial_start.date().toPython()
        try:
            return calendar.work_calendar().add_workdays(start, self.trial_days.value())
        except ValueError:
            return None

    def update_trial(self, *_args) -> None:
        start = self.trial_start.date().toPython()
        count = self.trial_days.value()
        work = calendar.work_calendar()
        try:
            due = work.add_workdays(start, count)
        except ValueError:
            self.trial_result.setText(self.tr("无法计算"))
            self.trial_note.hide()
            return
        self.trial_result.setText(day_text(due) if count else self.tr("{0}（即办，当日办结）").format(day_text(due)))
        unknown = sorted({y for y in range(start.year, due.year + 1) if not work.covers(y)})
        if unknown:
            years = "、".join(str(y) for y in unknown)
            self.trial_note.setText(self.tr("注意：{0} 年的节假日尚未录入，这一结果只按周末计算。").format(years))
            self.trial_note.show()
        else:
            self.trial_note.hide()

    # --- keys --------------------------------------------------------------------------------------

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not (event.modifiers() & ~Qt.KeypadModifier):
            focus = self.focusWidget()
            if focus is self.note_edit:
                self.add_day()
                return
            if focus is not None and any(w is focus or w.isAncestorOf(focus)
                                         for w in (self.year_spin, self.date_edit, self.kind_combo, self.trial_start)):
                self.focusNextChild()
                return
        super().keyPressEvent(event)
