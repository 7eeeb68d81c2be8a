"""The print path: PDF bytes → QPrinter (here a PDF file, so the output can be read back) and the preview dialog.

Pages carry black boxes at known places; the printed output is rendered again and the boxes looked for
at the same millimetres, so a page that is blank, shifted, scaled or swapped fails.
"""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize, QStandardPaths, Qt
from PySide6.QtGui import QImage, QPageRanges
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from documents.fonts import FONT_NAME, register_fonts
from models.errors import TownDeskError
from ui import printing
from ui.printing import PrintPreviewDialog, PrintProblem, load_pdf, print_pdf, render_page

# (page size in mm, black box as (left, top, width, height) in mm from the top-left corner)
A4_MM = (210, 297)
SHEET_BOXES = [(20, 30, 40, 20), (130, 220, 40, 25)]
ROLL_MM = (80, 120)
ROLL_BOX = (10, 40, 60, 15)


def _draw_box(canvas: Canvas, page_height_mm: float, box) -> None:
    left, top, width, height = box
    canvas.rect(left * mm, (page_height_mm - top - height) * mm, width * mm, height * mm, stroke=0, fill=1)


@pytest.fixture(scope="module")
def sheet_pdf() -> bytes:
    """Two A4 pages with Chinese text and one black box each, at different places."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    for number, box in enumerate(SHEET_BOXES, start=1):
        canvas.setFont(FONT_NAME, 16)
        canvas.drawString(20 * mm, 280 * mm, f"打通镇便民服务中心 — 测试文件第 {number} 页")
        _draw_box(canvas, A4_MM[1], box)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def roll_pdf() -> bytes:
    """One 80 mm × 120 mm slip, as the thermal roll printer gets it."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(ROLL_MM[0] * mm, ROLL_MM[1] * mm), invariant=1)
    canvas.setFont(FONT_NAME, 12)
    canvas.drawString(5 * mm, 110 * mm, "缴费收据（小票）")
    _draw_box(canvas, ROLL_MM[1], ROLL_BOX)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    return [(float(page.mediabox.width) / 72 * 25.4, float(page.mediabox.height) / 72 * 25.4)
            for page in PdfReader(str(path)).pages]


_SCALE = 2  # pixels per point when printed pages are looked at
_looked_at: dict[tuple[str, float, int], QImage] = {}


def printed_page(path: Path, index: int) -> QImage:
    """Page `index` of the PDF at `path` as an image, _SCALE pixels per point (rendered once per file version)."""
    key = (str(path), path.stat().st_mtime, index)
    if key not in _looked_at:
        document = load_pdf(path.read_bytes())
        points = document.pagePointSize(index)
        _looked_at[key] = render_page(document, index, QSize(round(points.width() * _SCALE),
                                                             round(points.height() * _SCALE)))
    return _looked_at[key]


def is_dark_at(path: Path, index: int, x_mm: float, y_mm: float) -> bool:
    """Whether the printed page `index` of the PDF at `path` is black at (x, y) mm from its top-left corner."""
    image = printed_page(path, index)
    colour = image.pixelColor(round(x_mm / 25.4 * 72 * _SCALE), round(y_mm / 25.4 * 72 * _SCALE))
    return colour.lightness() < 60


def box_centre(box) -> tuple[float, float]:
    left, top, width, height = box
    return left + width / 2, top + height / 2


def assert_box_printed_at(path: Path, index: int, box, edge_mm: float = 1.5) -> None:
    """The box is on the printed page where the document drew it: dark just inside its edges, blank just outside
    (so a page shifted by the printer's margins, or scaled, fails by more than `edge_mm`)."""
    left, top, width, height = box
    right, bottom = left + width, top + height
    middle_x, middle_y = box_centre(box)
    inside = [(left + edge_mm, middle_y), (right - edge_mm, middle_y), (middle_x, top + edge_mm),
              (middle_x, bottom - edge_mm)]
    outside = [(left - edge_mm, middle_y), (right + edge_mm, middle_y), (middle_x, top - edge_mm),
               (middle_x, bottom + edge_mm)]
    assert all(is_dark_at(path, index, x, y) for x, y in inside), f"box {box} missing on page {index + 1}"
    assert not any(is_dark_at(path, index, x, y) for x, y in outside), f"box {box} moved or scaled on page {index + 1}"


@pytest.fixture
def warnings(monkeypatch):
    """QMessageBox.warning recorded instead of shown (a modal box would wait for a click forever)."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: shown.append((title, text))))
    return shown


@pytest.fixture
def preview(qtbot):
    def make(data: bytes, title="一次性补正告知书", file_name="补正告知书 SL-DT00-20261126-0007.pdf", active=False):
        dialog = PrintPreviewDialog(None, data, title, file_name)
        qtbot.addWidget(dialog)
        with qtbot.waitExposed(dialog):
            dialog.show()
        if active:  # for keyboard shortcuts (they act in the active window)
            with qtbot.waitActive(dialog):
                dialog.activateWindow()
        return dialog
    return make


# --- print_pdf -------------------------------------------------------------------------------

def test_print_pdf_prints_every_page_where_the_document_put_it(qtbot, sheet_pdf, tmp_path):
    out = tmp_path / "sheets.pdf"

    assert print_pdf(sheet_pdf, pdf_printer(out)) == 2

    assert out.is_file()
    sizes = page_sizes_mm(out)
    assert len(sizes) == 2
    for width, height in sizes:
        assert width == pytest.approx(210, abs=1) and height == pytest.approx(297, abs=1)
    for index, box in enumerate(SHEET_BOXES):
        other = SHEET_BOXES[1 - index]
        assert_box_printed_at(out, index, box)
        assert not is_dark_at(out, index, *box_centre(other)), "and not another page's"
        assert not is_dark_at(out, index, 5, 5), "the document's margin stays blank"


def test_a_roll_slip_prints_80_mm_wide_not_on_a4(qtbot, roll_pdf, tmp_path):
    out = tmp_path / "slip.pdf"
    printer = pdf_printer(out)
    printer.setPageSize(printing.QPageSize(printing.QPageSize.A4))  # whatever the printer had before

    assert print_pdf(roll_pdf, printer) == 1

    [(width, height)] = page_sizes_mm(out)
    assert width == pytest.approx(80, abs=0.5)
    assert height == pytest.approx(120, abs=0.5)
    assert_box_printed_at(out, 0, ROLL_BOX)
    assert not is_dark_at(out, 0, 5, 45) and not is_dark_at(out, 0, 75, 45), "its side margins are kept"


def test_the_printers_own_margins_do_not_move_the_document(qtbot, sheet_pdf, tmp_path):
    """Full-page mode: the document brings its margins; the printer's are not added to them."""
    out = tmp_path / "margins.pdf"
    printer = pdf_printer(out)
    printer.setPageSize(printing.QPageSize(printing.QPageSize.A4))
    printer.setPageMargins(printing.QMarginsF(20, 20, 20, 20), printing.QPageLayout.Millimeter)

    assert print_pdf(sheet_pdf, printer, match_page_size=False) == 2

    assert_box_printed_at(out, 0, SHEET_BOXES[0])
    assert_box_printed_at(out, 1, SHEET_BOXES[1])


def test_pages_of_different_sizes_each_get_their_own_paper(qtbot, roll_pdf, sheet_pdf, tmp_path):
    from pypdf import PdfWriter

    mixed = io.BytesIO()
    writer = PdfWriter()
    for data in (roll_pdf, sheet_pdf):
        writer.append(io.BytesIO(data))
    writer.write(mixed)
    out = tmp_path / "mixed.pdf"

    assert print_pdf(mixed.getvalue(), pdf_printer(out)) == 3

    sizes = page_sizes_mm(out)
    assert [round(w) for w, _ in sizes] == [80, 210, 210]
    assert_box_printed_at(out, 0, ROLL_BOX)
    assert_box_printed_at(out, 2, SHEET_BOXES[1])


def test_the_printers_page_range_is_printed_only(qtbot, sheet_pdf, tmp_path):
    out = tmp_path / "page2.pdf"
    printer = pdf_printer(out)
    ranges = QPageRanges()
    ranges.addPage(2)
    printer.setPageRanges(ranges)

    assert print_pdf(sheet_pdf, printer) == 1

    assert len(page_sizes_mm(out)) == 1
    assert_box_printed_at(out, 0, SHEET_BOXES[1])
    assert not is_dark_at(out, 0, *box_centre(SHEET_BOXES[0]))


def test_a_range_beyond_the_document_is_a_clear_error(qtbot, sheet_pdf, tmp_path):
    printer = pdf_printer(tmp_path / "none.pdf")
    ranges = QPageRanges()
    ranges.addRange(5, 7)
    printer.setPageRanges(ranges)

    with pytest.raises(PrintProblem) as caught:
        print_pdf(sheet_pdf, printer)

    assert "共 2 页" in caught.value.message


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<"])
def test_bytes_that_are_not_a_pdf_are_a_clear_chinese_error(qtbot, tmp_path, data):
    out = tmp_path / "bad.pdf"

    with pytest.raises(TownDeskError) as caught:
        print_pdf(data, pdf_printer(out))

    assert caught.value.message.startswith("无法读取要打印的文件")
    assert "重新生成" in caught.value.message
    assert not out.exists(), "nothing is sent to the printer"


# --- the preview dialog ----------------------------------------------------------------------

def test_the_preview_shows_every_page_on_a_grey_desk(preview, sheet_pdf):
    dialog = preview(sheet_pdf)

    assert dialog.page_count == 2
    assert dialog.page_count_label.text() == "共 2 页"
    assert "A4" in dialog.paper_label.text()
    assert len(dialog.page_labels) == 2
    first = dialog.page_labels[0]
    assert not first.pixmap().isNull(), "the page in view is rendered"
    assert first.width() / first.height() == pytest.approx(210 / 297, abs=0.01)
    assert dialog.fit_mode and dialog.scroll.viewport().width() - first.width() < 80, "fitted to the width"

    shot = dialog.grab().toImage()
    centre = first.mapTo(dialog, first.rect().center())
    desk = dialog.scroll.mapTo(dialog, dialog.scroll.rect().topLeft())
    assert shot.pixelColor(centre.x(), first.mapTo(dialog, first.rect().topLeft()).y() + 8).lightness() > 240
    assert shot.pixelColor(desk.x() + 6, desk.y() + 6).lightness() < 180, "the desk around the pages is grey"


def test_zoom_by_keys_and_back_to_fit_width(preview, qtbot, sheet_pdf):
    dialog = preview(sheet_pdf, active=True)
    fitted = dialog.page_labels[0].width()

    qtbot.keyClick(dialog, Qt.Key_Equal, Qt.ControlModifier)
    assert not dialog.fit_mode
    assert dialog.page_labels[0].width() > fitted
    assert dialog.zoom_label.text() == f"{round(dialog.zoom * 100)}%"

    qtbot.keyClick(dialog, Qt.Key_Minus, Qt.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key_Minus, Qt.ControlModifier)
    assert dialog.page_labels[0].width() < fitted

    qtbot.keyClick(dialog, Qt.Key_0, Qt.ControlModifier)
    assert dialog.fit_mode
    assert dialog.page_labels[0].width() == fitted


def test_a_roll_slip_is_not_blown_up_to_the_window_width(preview, roll_pdf):
    dialog = preview(roll_pdf)

    assert dialog.zoom <= printing.FIT_WIDTH_MAX
    assert "80 毫米" in dialog.paper_label.text()
    assert dialog.page_labels[0].width() < dialog.scroll.viewport().width() * 0.8


def test_save_to_writes_the_same_bytes_and_says_where(preview, qtbot, sheet_pdf, tmp_path):
    dialog = preview(sheet_pdf)
    target = tmp_path / "存档" / "补正告知书.pdf"
    target.parent.mkdir()

    with qtbot.waitSignal(dialog.saved, timeout=1000) as signal:
        assert dialog.save_to(target)

    assert signal.args == [str(target)]
    assert target.read_bytes() == sheet_pdf
    assert not dialog.status.isHidden() and str(target) in dialog.status.text()
    assert [p.name for p in target.parent.iterdir()] == ["补正告知书.pdf"], "no partial file left behind"


def test_save_to_a_folder_that_is_not_there_is_a_clear_error(preview, qtbot, sheet_pdf, tmp_path, warnings):
    dialog = preview(sheet_pdf)
    target = tmp_path / "没有这个文件夹" / "a.pdf"

    with qtbot.assertNotEmitted(dialog.saved):
        assert dialog.save_to(target) is False

    [(title, text)] = warnings
    assert title == "保存失败" and "无法保存到" in text and "文件夹不存在" in text
    assert not target.exists()


def test_save_button_suggests_the_file_name_in_documents(preview, qtbot, sheet_pdf, tmp_path, monkeypatch):
    dialog = preview(sheet_pdf, file_name="受理通知书:SL-0007")
    asked = []
    target = tmp_path / "chosen"  # the user left out ".pdf"

    def fake_dialog(parent, caption, suggested, filter_):
        asked.append(suggested)
        return str(target), filter_
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))

    with qtbot.waitSignal(dialog.saved, timeout=1000):
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)

    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    assert Path(asked[0]) == Path(documents) / "受理通知书_SL-0007.pdf"
    assert Path(str(target) + ".pdf").read_bytes() == sheet_pdf


def test_print_to_prints_and_emits_the_page_count(preview, qtbot, sheet_pdf, tmp_path):
    dialog = preview(sheet_pdf)
    out = tmp_path / "printed.pdf"

    with qtbot.waitSignal(dialog.printed, timeout=5000) as signal:
        assert dialog.print_to(pdf_printer(out)) == 2

    assert signal.args == [2]
    assert len(page_sizes_mm(out)) == 2
    assert "2 页" in dialog.status.text()


def test_print_button_asks_for_the_printer_then_prints(preview, qtbot, roll_pdf, tmp_path, monkeypatch):
    dialog = preview(roll_pdf)
    out = tmp_path / "via-dialog.pdf"
    seen = {}

    class FakePrintDialog:
        PrintDialogOption = printing.QPrintDialog.PrintDialogOption

        def __init__(self, printer, parent):
            seen["paper"] = printer.pageLayout().fullRect(printing.QPageLayout.Millimeter).size()
            printer.setOutputFormat(QPrinter.PdfFormat)
            printer.setOutputFileName(str(out))
            seen["doc"] = printer.docName()

        def setWindowTitle(self, title):  # noqa: N802 (Qt's name)
            seen["title"] = title

        def setMinMax(self, low, high):  # noqa: N802
            seen["range"] = (low, high)

        def setOption(self, option, on=True):  # noqa: N802
            seen.setdefault("options", []).append(option)

        def exec(self):
            return QDialog.Accepted

    monkeypatch.setattr(printing, "QPrintDialog", FakePrintDialog)

    with qtbot.waitSignal(dialog.printed, timeout=5000) as signal:
        qtbot.mouseClick(dialog.print_button, Qt.LeftButton)

    assert signal.args == [1]
    assert seen["range"] == (1, 1) and seen["doc"] == "一次性补正告知书"
    assert seen["paper"].width() == pytest.approx(80, abs=0.5), "the dialog opens with the slip's paper"
    [(width, _)] = page_sizes_mm(out)
    assert width == pytest.approx(80, abs=0.5)


def test_bad_bytes_show_a_clear_error_in_the_dialog_and_nothing_crashes(preview, qtbot, tmp_path, warnings):
    dialog = preview(b"<html>not a pdf</html>", active=True)

    assert dialog.page_count == 0
    assert dialog.load_error.startswith("无法读取要打印的文件")
    assert dialog.page_count_label.text() == "无法显示"
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.close_button.isEnabled()

    with qtbot.assertNotEmitted(dialog.printed), qtbot.assertNotEmitted(dialog.saved):
        assert dialog.print_to(pdf_printer(tmp_path / "x.pdf")) == 0
        assert dialog.save_to(tmp_path / "x.pdf") is False
        qtbot.keyClick(dialog, Qt.Key_P, Qt.ControlModifier)  # the shortcut says so too, without a crash

    assert len(warnings) == 3 and all(text.startswith("无法读取要打印的文件") for _, text in warnings)
    assert not (tmp_path / "x.pdf").exists()
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert dialog.result() == QDialog.Rejected and not dialog.isVisible()
