"""The print path of every printed document: PDF bytes (from documents/) → preview → printer or file.

- ``load_pdf`` — the bytes as a QtPdf ``QPdfDocument``; a clear Chinese error if they are not a PDF.
- ``print_pdf`` — every page (or the printer's page range) rasterised at the printer's resolution
  (at most ``PRINT_DPI_CAP``) and painted onto a ``QPrinter`` in full-page mode: the documents carry
  their own margins. The printer's paper is set from each PDF page, so an 80 mm roll slip prints as
  an 80 mm page instead of being shrunk onto A4.
- ``PrintPreviewDialog`` — the pages on a grey desk, zoomable (fit width by default), with 打印…,
  另存为 PDF… and 关闭; ``printed`` / ``saved`` tell the caller what to write in the audit log.

QtPdf comes from the PySide6-Pdf wheel (PySide6.QtPdf), not from PySide6-Addons.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from PySide6.QtCore import (
    QBuffer, QByteArray, QCoreApplication, QEvent, QIODevice, QMarginsF, QObject, QRect, QRectF, QSize, QSizeF,
    QStandardPaths, Qt, QTimer, QT_TRANSLATE_NOOP, Signal,
)
from PySide6.QtGui import QColor, QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QFileDialog, QFrame, QGraphicsDropShadowEffect, QHBoxLayout, QLabel,
    QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from models.errors import TownDeskError
from ui.common import hint, notice, show_problem

log = logging.getLogger("towndesk.ui.printing")

__all__ = ["PrintProblem", "load_pdf", "render_page", "print_pdf", "PrintPreviewDialog"]

PRINT_DPI_CAP = 300            # rasterising finer only makes bigger print jobs, not sharper paper
MAX_PAGE_PIXELS = 40_000_000   # one rendered page at most (e.g. a very long roll slip): about 160 MB
POINTS_PER_MM = 72 / 25.4
SCREEN_PIXELS_PER_POINT = 96 / 72   # 100 % = the paper's real size on an ordinary screen
ZOOM_STEPS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
FIT_WIDTH_MAX = 1.5            # an 80 mm slip "fitted" to a wide window would be absurdly large

_last_printer_by_paper: dict[str, str] = {}   # this session's choice per paper: receipts → the roll printer


def _tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


class PrintProblem(TownDeskError):
    """A document cannot be shown, printed or saved; the message says why and what to do."""


# --- loading and rendering -------------------------------------------------------------------

_LOAD_REASONS = {  # marked for lupdate, translated where used
    QPdfDocument.Error.InvalidFileFormat: QT_TRANSLATE_NOOP("printing", "不是有效的 PDF 文件，或文件已损坏"),
    QPdfDocument.Error.IncorrectPassword: QT_TRANSLATE_NOOP("printing", "文件有密码保护"),
    QPdfDocument.Error.UnsupportedSecurityScheme: QT_TRANSLATE_NOOP("printing", "文件的加密方式不受支持"),
    QPdfDocument.Error.DataNotYetAvailable: QT_TRANSLATE_NOOP("printing", "文件内容不完整"),
    QPdfDocument.Error.FileNotFound: QT_TRANSLATE_NOOP("printing", "文件内容为空"),
}


def load_pdf(pdf_bytes: bytes, parent: QObject | None = None) -> QPdfDocument:
    """The bytes as a ready QPdfDocument with at least one page; PrintProblem if they are not a usable PDF."""
    document = QPdfDocument(parent)
    buffer = QBuffer(document)  # the document reads pages from it on demand: it lives as long as the document
    buffer.setData(QByteArray(bytes(pdf_bytes or b"")))
    buffer.open(QIODevice.ReadOnly)
    if pdf_bytes:
        document.load(buffer)
    if not pdf_bytes or document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        reason = (_LOAD_REASONS.get(document.error(), QT_TRANSLATE_NOOP("printing", "文件中没有可打印的页面"))
                  if pdf_bytes else QT_TRANSLATE_NOOP("printing", "文件内容为空"))
        log.warning("cannot load PDF (%d bytes): status %s, error %s",
                    len(pdf_bytes or b""), document.status(), document.error())
        document.close()
        document.deleteLater()
        raise PrintProblem(_tr("无法读取要打印的文件：{0}。请关闭后重新生成文件再试；仍不行请联系管理员。")
                           .format(_tr(reason)))
    return document


def render_page(document: QPdfDocument, index: int, size: QSize) -> QImage:
    """Page `index` (from 0) rendered to exactly `size` pixels on white paper (QtPdf leaves it transparent)."""
    rendered = document.render(index, size)
    if rendered.isNull():
        raise PrintProblem(_tr("第 {0} 页无法显示：内存可能不足。请关闭其他程序后再试。").format(index + 1))
    page = QImage(rendered.size(), QImage.Format_RGB32)
    page.fill(Qt.white)
    painter = QPainter(page)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return page


def _page_pixels(points: QSizeF, dpi: float) -> QSize:
    """The page at `dpi`, shrunk if needed so that one page never exceeds MAX_PAGE_PIXELS."""
    width, height = points.width() * dpi / 72, points.height() * dpi / 72
    if width * height > MAX_PAGE_PIXELS:
        shrink = (MAX_PAGE_PIXELS / (width * height)) ** 0.5
        width, height = width * shrink, height * shrink
    return QSize(max(1, round(width)), max(1, round(height)))


def _paper_key(points: QSizeF) -> str:
    """A name for the paper a page needs, "210x297" or "80mm" (any roll slip): the key to remember a printer by."""
    width, height = points.width() / POINTS_PER_MM, points.height() / POINTS_PER_MM
    return f"{round(width)}x{round(height)}" if abs(width - 80) > 1 else "80mm"


def _paper_text(points: QSizeF) -> str:
    width, height = points.width() / POINTS_PER_MM, points.height() / POINTS_PER_MM
    named = QPageSize.id(QSizeF(min(width, height), max(width, height)), QPageSize.Millimeter, QPageSize.FuzzyMatch)
    if abs(width - 80) <= 1 and named == QPageSize.Custom:
        return _tr("80 毫米热敏小票（长 {0} 毫米）").format(round(height))
    size = _tr("{0} × {1} 毫米").format(round(width), round(height))
    if named == QPageSize.Custom:
        return size
    return _tr("{0} {1}（{2}）").format(QPageSize.name(named), _tr("横向") if width > height else _tr("纵向"), size)


def _set_paper(printer: QPrinter, points: QSizeF) -> None:
    """Make the printer's paper the PDF page's: a standard size where it is one (A4, A5 landscape), else custom."""
    landscape = points.width() > points.height() + 0.5
    portrait = QSizeF(points.height(), points.width()) if landscape else QSizeF(points)
    page_size = QPageSize(portrait, QPageSize.Point, "", QPageSize.FuzzyMatch)
    orientation = QPageLayout.Landscape if landscape else QPageLayout.Portrait
    if not printer.setPageSize(page_size):
        log.info("printer %r refused page size %s", printer.printerName(), page_size.name())
    printer.setPageOrientation(orientation)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Point)  # may be refused; full-page mode ignores it


def _pages_to_print(count: int, printer: QPrinter) -> list[int]:
    """0-based page indexes: the printer's page range (1-based) where one is set, else all; in its page order."""
    ranges = printer.pageRanges()
    pages = [i for i in range(count) if ranges.isEmpty() or ranges.contains(i + 1)]
    if printer.pageOrder() == QPrinter.LastPageFirst:
        pages.reverse()
    return pages


def print_pdf(pdf_bytes: bytes, printer: QPrinter, match_page_size: bool = True) -> int:
    """Print the PDF on `printer`; returns how many of its pages were printed (once each, whatever the copies).

    Full-page mode: a page fills the paper edge to edge, so the document's own margins are kept. With
    `match_page_size` the paper is set from each PDF page (80 mm slips stay 80 mm wide); else the pages
    are fitted, centred and unstretched, onto the printer's paper. Raises PrintProblem (Chinese) when
    the bytes are not a PDF, the range has no page, or the printer fails.
    """
    document = load_pdf(pdf_bytes)
    try:
        pages = _pages_to_print(document.pageCount(), printer)
        if not pages:
            raise PrintProblem(_tr("所选的页码范围内没有页面：本文件共 {0} 页。").format(document.pageCount()))
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        if printer.collateCopies():
            sequence = pages * copies
        else:
            sequence = [page for page in pages for _ in range(copies)]
        printer.setFullPage(True)
        paper = document.pagePointSize(sequence[0])
        if match_page_size:
            _set_paper(printer, paper)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintProblem(_tr("无法开始打印：请检查打印机是否已连接、已开机并且有纸，然后再试。"))
        try:
            painter.setRenderHint(QPainter.SmoothPixmapTransform)
            dpi = min(printer.resolution(), PRINT_DPI_CAP)
            for number, index in enumerate(sequence):
                points = document.pagePointSize(index)
                if number:
                    if match_page_size and points != paper:
                        _set_paper(printer, points)  # takes effect on the new page
                        paper = points
                    if not printer.newPage():
                        raise PrintProblem(_tr("打印中断：打印机没有接受第 {0} 页。请检查打印机后重新打印。")
                                           .format(index + 1))
                target = QRectF(printer.pageRect(QPrinter.DevicePixel))
                image = render_page(document, index, _page_pixels(points, dpi))
                fitted = QSizeF(points).scaled(target.size(), Qt.KeepAspectRatio)
                place = QRectF(target.x() + (target.width() - fitted.width()) / 2,
                               target.y() + (target.height() - fitted.height()) / 2, fitted.width(), fitted.height())
                painter.drawImage(place, image)
        finally:
            painter.end()
        if printer.printerState() in (QPrinter.Error, QPrinter.Aborted):
            raise PrintProblem(_tr("打印没有完成：打印机报告了错误或打印已取消。请检查打印机后重新打印。"))
        log.info("printed %d page(s) on %r (%s)", len(pages), printer.printerName() or printer.outputFileName(),
                 _paper_key(paper))
        return len(pages)
    finally:
        document.close()
        document.deleteLater()


# --- the preview -----------------------------------------------------------------------------

PREVIEW_STYLE = """
QScrollArea#printPreviewDesk, QWidget#printPreviewPages { background: #8c8c8c; border: none; }
QLabel#printPreviewPage { background: white; border: 1px solid #5f5f5f; }
QLabel#printPreviewProblem { background: white; color: #c62828; font-size: 15px; }
"""


class PrintPreviewDialog(QDialog):
    """Shows a PDF's pages and prints or saves it. `printed(pages)` and `saved(path)` say what was done.

    `print_to(printer)` and `save_to(path)` do the work without the printer and file dialogs
    (`print_via_dialog`, `save_via_dialog`) that the buttons and Ctrl+P / Ctrl+S open first.
    """

    printed = Signal(int)
    saved = Signal(str)

    def __init__(self, parent: QWidget | None, pdf_bytes: bytes, title: str, file_name: str):
        super().__init__(parent)
        self.pdf_bytes = bytes(pdf_bytes or b"")
        self.title = title
        self.file_name = file_name
        self.document: QPdfDocument | None = None
        self.load_error = ""
        self.page_labels: list[QLabel] = []
        self._rendered: dict[int, tuple[float, float]] = {}  # page index → (zoom, device pixel ratio) shown
        self.fit_mode = True
        self.zoom = 1.0
        self.setWindowTitle(self.tr("打印预览 — {0}").format(title))
        self.setStyleSheet(PREVIEW_STYLE)
        try:
            self.document = load_pdf(self.pdf_bytes, self)
        except PrintProblem as exc:
            self.load_error = exc.message

        # top: page count, paper, zoom
        self.page_count_label = QLabel()
        self.page_count_label.setProperty("role", "value")
        self.paper_label = hint()
        self.paper_label.setWordWrap(False)
        self.zoom_out_button = self._tool_button("−", self.tr("缩小（Ctrl+-）"), self.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(64)
        self.zoom_label.setAlignment(Qt.AlignCenter)
        self.zoom_in_button = self._tool_button("+", self.tr("放大（Ctrl++）"), self.zoom_in)
        self.fit_button = self._tool_button(self.tr("适合宽度"), self.tr("页面宽度适合窗口（Ctrl+0）"), self.fit_width)
        self.fit_button.setCheckable(True)
        top = QHBoxLayout()
        top.addWidget(self.page_count_label)
        top.addSpacing(12)
        top.addWidget(self.paper_label)
        top.addStretch(1)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            top.addWidget(widget)

        # middle: the pages on a grey desk
        self.pages_widget = QWidget()
        self.pages_widget.setObjectName("printPreviewPages")
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setContentsMargins(24, 24, 24, 24)
        self.pages_layout.setSpacing(20)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("printPreviewDesk")
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.scroll.setWidget(self.pages_widget)
        self.scroll.viewport().installEventFilter(self)
        self.scroll.verticalScrollBar().valueChanged.connect(self._render_visible)
        self.scroll.horizontalScrollBar().valueChanged.connect(self._render_visible)

        # bottom: what happened, and the buttons
        self.status = notice()
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status.hide()
        self.buttons = QDialogButtonBox()
        self.print_button = self.buttons.addButton(self.tr("打印…"), QDialogButtonBox.ActionRole)
        self.save_button = self.buttons.addButton(self.tr("另存为 PDF…"), QDialogButtonBox.ActionRole)
        self.close_button = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.RejectRole)
        self.print_button.setToolTip(self.tr("选择打印机并打印（Ctrl+P）"))
        self.save_button.setToolTip(self.tr("保存为 PDF 文件，可拷贝或发送（Ctrl+S）"))
        self.close_button.setToolTip(self.tr("关闭预览（Esc）"))
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_via_dialog)
        self.save_button.clicked.connect(self.save_via_dialog)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        shortcuts = [(QKeySequence.Print, self.print_via_dialog), (QKeySequence.Save, self.save_via_dialog),
                     (QKeySequence.ZoomIn, self.zoom_in), (QKeySequence("Ctrl+="), self.zoom_in),
                     (QKeySequence.ZoomOut, self.zoom_out), (QKeySequence("Ctrl+0"), self.fit_width)]
        for keys, slot in shortcuts:
            QShortcut(QKeySequence(keys), self, slot)

        self._render_timer = QTimer(self, singleShot=True, interval=60)
        self._render_timer.timeout.connect(self._apply_zoom)
        self._build_pages()
        self._size_window()
        self._apply_zoom()
        self.print_button.setFocus()

    # --- what the caller and the tests use ---

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def print_to(self, printer: QPrinter) -> int:
        """Print on `printer` (already chosen); emits `printed`. Returns the pages printed, 0 on failure (shown)."""
        try:
            if self.document is None:
                raise PrintProblem(self.load_error)
            if not printer.docName():
                printer.setDocName(self.title)
            QApplication.setOverrideCursor(Qt.WaitCursor)  # a few seconds for a long document
            try:
                pages = print_pdf(self.pdf_bytes, printer)
            finally:
                QApplication.restoreOverrideCursor()
        except Exception as exc:  # noqa: BLE001 - shown to the user; show_problem reports bugs as bugs
            show_problem(self, exc, self.tr("打印失败"))
            return 0
        where = printer.printerName() if printer.outputFormat() == QPrinter.NativeFormat else printer.outputFileName()
        self._say(self.tr("已发送到打印机“{0}”：共 {1} 页。").format(where, pages) if where
                  else self.tr("已打印：共 {0} 页。").format(pages))
        self.printed.emit(pages)
        return pages

    def save_to(self, path: str | os.PathLike) -> bool:
        """Write the PDF bytes to `path` (whole or not at all); emits `saved`. False on failure (shown)."""
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        try:
            if self.document is None:
                raise PrintProblem(self.load_error)
            partial.write_bytes(self.pdf_bytes)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            log.warning("cannot save %s: %s", target, exc)
            show_problem(self, PrintProblem(self.tr("无法保存到 {0}：{1}。请换一个文件夹或文件名再试。")
                                            .format(target, self._os_reason(exc))), self.tr("保存失败"))
            return False
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, self.tr("保存失败"))
            return False
        self._say(self.tr("已保存到：{0}").format(target))
        self.saved.emit(str(target))
        return True

    def print_via_dialog(self) -> None:
        """Ask for the printer (and range, copies), then print."""
        if self.document is None:
            show_problem(self, PrintProblem(self.load_error), self.tr("打印失败"))
            return
        paper = self.document.pagePointSize(0)
        printer = QPrinter(QPrinter.HighResolution)
        remembered = _last_printer_by_paper.get(_paper_key(paper))
        if remembered:
            printer.setPrinterName(remembered)
        printer.setDocName(self.title)
        printer.setFullPage(True)
        _set_paper(printer, paper)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印 — {0}").format(self.title))
        dialog.setMinMax(1, self.page_count)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.Accepted:
            return
        if self.print_to(printer) and printer.outputFormat() == QPrinter.NativeFormat:
            _last_printer_by_paper[_paper_key(paper)] = printer.printerName()

    def save_via_dialog(self) -> None:
        """Ask where (the Documents folder, the suggested name), then save."""
        if self.document is None:
            show_problem(self, PrintProblem(self.load_error), self.tr("保存失败"))
            return
        name = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", self.file_name.strip()) or "文档"
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, self.tr("另存为 PDF"), str(Path(folder) / name),
                                              self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.save_to(path)

    # --- zoom ---

    def zoom_in(self) -> None:
        self.set_zoom(next((step for step in ZOOM_STEPS if step > self.zoom + 0.01), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((step for step in reversed(ZOOM_STEPS) if step < self.zoom - 0.01), ZOOM_STEPS[0]))

    def fit_width(self) -> None:
        self.fit_mode = True
        self._apply_zoom()

    def set_zoom(self, zoom: float) -> None:
        """A fixed zoom (1.0 = the paper's real size); leaves fit-width mode."""
        self.fit_mode = False
        self.zoom = min(max(zoom, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        self._apply_zoom()

    def showEvent(self, event):  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._apply_zoom()  # the window's real width is known now: fit to it at once

    def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
        if watched is self.scroll.viewport():
            if event.type() == QEvent.Resize and self.fit_mode:
                self._render_timer.start()
            elif event.type() == QEvent.Wheel and event.modifiers() & Qt.ControlModifier:
                (self.zoom_in if event.angleDelta().y() > 0 else self.zoom_out)()
                return True
        return super().eventFilter(watched, event)

    # --- inside ---

    def _tool_button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.TabFocus)
        button.clicked.connect(slot)
        return button

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

    @staticmethod
    def _os_reason(exc: OSError) -> str:
        if isinstance(exc, PermissionError):
            return _tr("没有写入权限，或同名文件正被其他程序打开")
        if isinstance(exc, FileNotFoundError):
            return _tr("文件夹不存在")
        if isinstance(exc, IsADirectoryError):
            return _tr("这是一个文件夹")
        return exc.strerror or str(exc)

    def _build_pages(self) -> None:
        if self.document is None:
            self.page_count_label.setText(self.tr("无法显示"))
            problem = QLabel(self.load_error)
            problem.setWordWrap(True)
            problem.setAlignment(Qt.AlignCenter)
            problem.setObjectName("printPreviewProblem")
            problem.setMargin(24)
            problem.setFixedWidth(480)
            self.pages_layout.addWidget(problem, 0, Qt.AlignHCenter)
            self.pages_layout.addStretch(1)
            for widget in (self.print_button, self.save_button, self.zoom_in_button, self.zoom_out_button,
                           self.fit_button):
                widget.setEnabled(False)
            self.close_button.setDefault(True)
            return
        self.page_count_label.setText(self.tr("共 {0} 页").format(self.page_count))
        self.paper_label.setText(self.tr("纸张：{0}").format(_paper_text(self.document.pagePointSize(0))))
        for index in range(self.page_count):
            label = QLabel()
            label.setObjectName("printPreviewPage")
            label.setAccessibleName(self.tr("第 {0} 页").format(index + 1))
            label.setToolTip(self.tr("第 {0} 页，共 {1} 页").format(index + 1, self.page_count))
            shadow = QGraphicsDropShadowEffect(label)
            shadow.setBlurRadius(14)
            shadow.setOffset(0, 3)
            shadow.setColor(QColor(0, 0, 0, 90))
            label.setGraphicsEffect(shadow)
            self.pages_layout.addWidget(label, 0, Qt.AlignHCenter)
            self.page_labels.append(label)
        self.pages_layout.addStretch(1)

    def _size_window(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else QRect(0, 0, 1280, 1024)
        self.resize(min(960, int(screen.width() * 0.9)), min(1000, int(screen.height() * 0.9)))
        self.layout().activate()

    def _widest_page_points(self) -> float:
        return max(self.document.pagePointSize(i).width() for i in range(self.page_count))

    def _apply_zoom(self) -> None:
        """Size the page placeholders for the zoom (fit width: from the window) and render what is in view."""
        if self.document is None:
            self.zoom_label.setText("")
            return
        if self.fit_mode:
            margins = self.pages_layout.contentsMargins()
            room = self.scroll.viewport().width() - margins.left() - margins.right() - 4
            if not self.scroll.verticalScrollBar().isVisible():
                room -= self.scroll.verticalScrollBar().sizeHint().width()  # it will appear once pages are big
            fitted = room / (self._widest_page_points() * SCREEN_PIXELS_PER_POINT)
            self.zoom = min(max(fitted, ZOOM_STEPS[0]), FIT_WIDTH_MAX)
        self.zoom_label.setText(f"{round(self.zoom * 100)}%")
        self.fit_button.setChecked(self.fit_mode)
        bar = self.scroll.verticalScrollBar()
        position = bar.value() / bar.maximum() if bar.maximum() else 0.0
        for index, label in enumerate(self.page_labels):
            size = self._page_size(index)
            if label.size() != size or label.minimumSize() != size:
                label.setFixedSize(size)
                label.clear()
                self._rendered.pop(index, None)
        self.pages_widget.adjustSize()
        self.pages_layout.activate()
        if bar.maximum():
            bar.setValue(round(position * bar.maximum()))
        self._render_visible()

    def _page_size(self, index: int) -> QSize:
        points = self.document.pagePointSize(index)
        scale = self.zoom * SCREEN_PIXELS_PER_POINT
        return QSize(max(1, round(points.width() * scale)), max(1, round(points.height() * scale)))

    def _render_visible(self) -> None:
        """Render the pages in and near the view; forget those far away (a long list stays light)."""
        if self.document is None:
            return
        viewport = self.scroll.viewport()
        top = self.scroll.verticalScrollBar().value()
        near = QRect(0, top - viewport.height(), max(self.pages_widget.width(), 1), viewport.height() * 3)
        ratio = self.devicePixelRatioF()
        for index, label in enumerate(self.page_labels):
            if label.geometry().intersects(near) or (not self.isVisible() and index < 2):
                wanted = (self.zoom, ratio)
                if self._rendered.get(index) != wanted:
                    try:
                        image = render_page(self.document, index, label.size() * ratio)
                    except PrintProblem as exc:
                        label.setText(exc.message)
                        continue
                    pixmap = QPixmap.fromImage(image)
                    pixmap.setDevicePixelRatio(ratio)
                    label.setPixmap(pixmap)
                    self._rendered[index] = wanted
            elif index in self._rendered:
                label.clear()
                del self._rendered[index]


def show_printable(parent: QWidget, user, make):
    """Preview the Printable that `make()` renders (window-modal, not blocking); a print or a saved copy is
    audited, a second one as 重打. None after showing why the document could not be made."""
    from models.printouts import log_print
    from ui.common import show_problem

    try:
        printable = make()
    except Exception as exc:  # noqa: BLE001 - TownDeskError shown as a message, anything else reported
        show_problem(parent, exc)
        return None
    dialog = PrintPreviewDialog(parent, printable.pdf, printable.title, printable.file_name)
    dialog.printed.connect(lambda _pages: log_print(user, printable, "打印"))
    dialog.saved.connect(lambda _path: log_print(user, printable, "另存PDF："))
    dialog.open()
    return dialog
