"""Shared page set-up for printed documents: the three paper formats and the building blocks.

Every document is built the same way: a *story factory* (a function returning a fresh list of
reportlab flowables) is handed to ``render`` with a ``Paper``; ``render`` returns PDF bytes.

- ``PAPERS`` — "A4" (A4 纵向), "A5" (A5 横向) and "80mm" (80 毫米热敏小票: 80 mm wide, the page
  as long as the content, so the printer cuts one slip).  Keys match ``models.settings.RECEIPT_FORMATS``.
- ``title_block`` — office name, spaced document title, the document number; with ``codes`` also
  the number as a Code128 barcode and a QR code (``number_codes``): at the top right on sheets,
  centred under the number on the roll.  On the short A5 sheet (``Paper.compact``) the number
  shares a line: with the title, or with the (lower) barcode under it.
- ``number_codes``, ``code128``, ``qr_code`` — the case number as reportlab's own Code128 and QR
  symbols, sized for the paper (on the roll to whole dots of a 203 dpi thermal head).
- ``kv_table`` — 字段表: ruled label/value pairs (A4 two a row, A5 three; a ``Field`` may span
  several pairs), one line each on the roll.
- ``list_table`` — 清单: a ruled table with a repeated header on sheets, numbered lines on the roll.
- ``section``, ``para``, ``notes``, ``rule`` — headings, running text, numbered small-print notes.
- ``signature_block`` — notes and the party's signature lines beside the office seal box (office
  name and date across it), kept on one page; on A5 notes, signature lines and seal in one row.
  ``SignLines`` wraps a long label and splits a long list in pieces, so any number of parties
  can sign.  ``signature_lines`` — signature lines and the date, no seal (records, applications).
- ``keep_with_end`` / ``KeepWithEnd`` — the closing block kept with the end of the story before it
  (the last rows of a table, or the end of its last paragraphs), so a signature never stands
  alone on a page.
- ``render`` — page frame, footer "编号：…  第 N 页 共 M 页" on every sheet, deterministic bytes
  (``invariant=1``), only the embedded TrueType font in the file.

Headings get their weight from size (and a thin text-render-mode-2 stroke on the title), never
from a bold face: the font has none.  Paragraphs wrap with ``wordWrap="CJK"``; this module also
teaches reportlab's CJK breaker the Chinese line-start/line-end punctuation rules and to keep
numbers and codes whole (see below).

All text is escaped here or by the caller with ``esc`` before it goes into paragraph markup:
names and addresses typed at the counter may contain ``<`` or ``&``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from documents.fonts import FONT_NAME, register_fonts

__all__ = [
    "Paper",
    "PAPERS",
    "paper_for",
    "Styles",
    "styles_for",
    "esc",
    "TitleLine",
    "title_block",
    "THERMAL_DOT",
    "code128",
    "qr_code",
    "number_codes",
    "Field",
    "kv_table",
    "Column",
    "list_table",
    "rule",
    "section",
    "para",
    "notes",
    "SIGN_PIECE",
    "BESIDE_SEAL",
    "SignLines",
    "SealMark",
    "signature_block",
    "signature_lines",
    "KeepWithEnd",
    "KeepWithTableEnd",
    "keep_with_end",
    "render",
]

# reportlab's CJK line breaker (wordWrap="CJK") keeps Japanese closing punctuation off the start of a
# line, but its list lacks most full-width Chinese marks, so "，" or "：" could open a line; and it
# never keeps an opening mark ("《", "“", "（") off the end of one.  Both are fixed here, once, at
# import: the list is a module global (reportlab.lib.textsplit, copied into
# reportlab.platypus.paragraph), and the single-run splitter the paragraph calls is wrapped.
_CHINESE_CANNOT_START = "，；：！？”’》〉」』）】〕、。％"
_CHINESE_CANNOT_END = "“‘《〈「『（【〔［"


# Runs of these characters — case numbers, codes, times, masked ID numbers — are never broken
# across lines by the CJK breaker (which otherwise breaks anywhere), unless one fills a whole line.
_UNBREAKABLE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./:*")


def _split_keeping_openers(split, cannot_start):
    """Wrap reportlab's CJK splitter: reportlab hangs one closing mark in the margin but lets a
    second one ("）。") start the next line, leaves opening marks at a line's end, and breaks
    inside "SL-DT00-20261126-0007".  Where that happens the break moves back, and the rest of the
    text is split again."""

    def word_split(word, maxWidths, fontName, fontSize, encoding="utf8"):
        lines = split(word, maxWidths, fontName, fontSize, encoding)
        pos = 0
        for n, (_extra, text) in enumerate(lines[:-1]):
            start = word.find(text, pos)
            if start < 0:
                return lines
            head = text
            following = lines[n + 1][1]
            if following and following[0] in cannot_start():
                cut = len(head) - 1
                while cut > 0 and head[cut] in cannot_start():
                    cut -= 1
                head = head[:cut]
            if head and head[-1] in _UNBREAKABLE and word[start + len(head):start + len(head) + 1] in _UNBREAKABLE:
                cut = len(head)         # inside a number or code: break before it, unless it fills the line
                while cut > 0 and head[cut - 1] in _UNBREAKABLE:
                    cut -= 1
                if cut > 0:
                    head = head[:cut]
            head = head.rstrip(_CHINESE_CANNOT_END)
            if head and len(head) < len(text):
                width = maxWidths[min(n, len(maxWidths) - 1)]
                rest_widths = list(maxWidths[n + 1:]) or [maxWidths[-1]]
                return (lines[:n] + [[width - stringWidth(head, fontName, fontSize), head]]
                        + word_split(word[start + len(head):], rest_widths, fontName, fontSize, encoding))
            pos = start + len(text)
        return lines

    word_split.keeps_openers = True
    return word_split


def _teach_chinese_punctuation() -> None:
    import reportlab.lib.textsplit as rl_textsplit
    import reportlab.platypus.paragraph as rl_paragraph

    for module in (rl_textsplit, rl_paragraph):
        missing = "".join(c for c in _CHINESE_CANNOT_START if c not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing
    if not getattr(rl_paragraph.wordSplit, "keeps_openers", False):
        rl_paragraph.wordSplit = _split_keeping_openers(rl_paragraph.wordSplit,
                                                        lambda: rl_paragraph.ALL_CANNOT_START)


_teach_chinese_punctuation()

# A roll is measured on a very tall page first, then printed on a page cut to fit.
_ROLL_PROBE_HEIGHT = 5000 * mm
_ROLL_SLACK = 2.0

# One dot of a 203 dpi thermal print head (0.125 mm): the roll's barcode modules are whole dots.
THERMAL_DOT = inch / 203


@dataclass(frozen=True)
class Paper:
    """One paper format: size, margins and type sizes (points)."""

    key: str
    label: str
    width: float
    height: float | None          # None: thermal roll, cut to the content's length
    margin_left: float
    margin_right: float
    margin_top: float
    margin_bottom: float
    office_size: float            # the office name above the title
    title_size: float             # the document title
    body_size: float              # running text
    cell_size: float              # table cells
    small_size: float             # notes, footer
    seal_radius: float            # the dashed seal circle (a real seal is 42 mm across)
    kv_pairs: int = 2             # label/value pairs per row of a key–value table
    qr_size: float = 22 * mm      # the QR code, its 4-module quiet zone included
    bar_width: float = 0.3 * mm   # Code128 narrowest bar (on the roll: whole thermal dots, see code128)
    bar_height: float = 8 * mm    # Code128 bar height
    compact: bool = False         # a short sheet (A5 landscape): tighter spacing, blocks side by side
    line_spacing: float = 1.5     # leading of running text, in font sizes
    cell_spacing: float = 1.4     # leading of table cells, in font sizes
    cell_pad: tuple[float, float] = (3.0, 1.8)   # (horizontal, vertical) table cell padding

    @property
    def roll(self) -> bool:
        return self.height is None

    @property
    def content_width(self) -> float:
        return self.width - self.margin_left - self.margin_right


_A4_W, _A4_H = A4
_A5_W, _A5_H = landscape(A5)

PAPERS: dict[str, Paper] = {
    "A4": Paper("A4", "A4 纵向", _A4_W, _A4_H,
                margin_left=22 * mm, margin_right=22 * mm, margin_top=15 * mm, margin_bottom=18 * mm,
                office_size=15, title_size=22, body_size=11, cell_size=10.5, small_size=9,
                seal_radius=18 * mm, kv_pairs=2, qr_size=24 * mm, bar_width=0.3 * mm, bar_height=9 * mm,
                cell_pad=(4.0, 2.5)),
    # A5 landscape is short (148 mm): a typical notice must still fit one sheet, so spacing is tight,
    # the barcode short and beside its number, and the signature and seal share a row with the notes.
    "A5": Paper("A5", "A5 横向", _A5_W, _A5_H,
                margin_left=13 * mm, margin_right=13 * mm, margin_top=7 * mm, margin_bottom=11.5 * mm,
                office_size=11, title_size=16, body_size=9, cell_size=8.5, small_size=7.5,
                seal_radius=10 * mm, kv_pairs=3, qr_size=19 * mm, bar_width=0.3 * mm, bar_height=5 * mm,
                compact=True, line_spacing=1.3, cell_spacing=1.15, cell_pad=(3.0, 1.0)),
    "80mm": Paper("80mm", "80毫米热敏小票", 80 * mm, None,
                  margin_left=4 * mm, margin_right=4 * mm, margin_top=5 * mm, margin_bottom=8 * mm,
                  office_size=10.5, title_size=14, body_size=8.5, cell_size=8.5, small_size=7.5,
                  seal_radius=14 * mm, kv_pairs=1, qr_size=24 * mm, bar_width=2 * THERMAL_DOT,
                  bar_height=10 * mm),
}


def paper_for(key: str) -> Paper:
    """The ``Paper`` for a format key ("A4", "A5", "80mm"); ValueError for anything else."""
    try:
        return PAPERS[key]
    except (KeyError, TypeError):
        raise ValueError(f"未知的纸张格式：{key!r}（可选：{'、'.join(PAPERS)}）") from None


def esc(text: object) -> str:
    """Text made safe for paragraph markup (``<``, ``>``, ``&``); line breaks kept."""
    return escape("" if text is None else str(text)).replace("\n", "<br/>")


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle          # running text, first line indented two characters
    plain: ParagraphStyle         # running text, no indent
    addressee: ParagraphStyle     # "刘桂兰：" at the head of a notice
    section: ParagraphStyle       # 小标题 such as 接收材料清单
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    label: ParagraphStyle         # the label cell of a key–value table
    small: ParagraphStyle
    small_center: ParagraphStyle
    right: ParagraphStyle
    roll_item: ParagraphStyle     # a numbered list line on the roll (hanging indent)
    roll_note: ParagraphStyle


@lru_cache(maxsize=None)
def styles_for(paper_key: str) -> Styles:
    p = paper_for(paper_key)
    register_fonts()
    font = FONT_NAME

    def style(name, size, leading_factor=1.5, **kw):
        kw.setdefault("wordWrap", "CJK")
        return ParagraphStyle(name=f"{p.key}-{name}", fontName=font, fontSize=size,
                              leading=round(size * leading_factor, 1), **kw)

    body = p.body_size
    cell = p.cell_size
    small = p.small_size
    lead = p.line_spacing
    tight = p.compact
    return Styles(
        body=style("body", body, lead, firstLineIndent=2 * body, spaceAfter=body * (0.15 if tight else 0.3)),
        plain=style("plain", body, lead, spaceAfter=body * (0.15 if tight else 0.2)),
        addressee=style("addressee", body, lead, spaceBefore=body * (0.15 if tight else 0.4),
                        spaceAfter=body * (0.1 if tight else 0.2)),
        section=style("section", body + (0.5 if p.roll or tight else 1), 1.25 if tight else 1.4,
                      spaceBefore=body * (0.5 if p.roll else 0.25 if tight else 0.8),
                      spaceAfter=body * (0.15 if tight else 0.35),
                      alignment=TA_CENTER if p.roll else TA_LEFT),
        cell=style("cell", cell, p.cell_spacing),
        cell_center=style("cell-center", cell, p.cell_spacing, alignment=TA_CENTER),
        label=style("label", cell, p.cell_spacing, alignment=TA_CENTER),
        small=style("small", small, 1.35 if tight else 1.5),
        small_center=style("small-center", small, 1.35 if tight else 1.5, alignment=TA_CENTER),
        right=style("right", body, lead, alignment=TA_RIGHT),
        roll_item=style("roll-item", cell, 1.45, leftIndent=1.6 * cell, firstLineIndent=-1.6 * cell),
        roll_note=style("roll-note", small, 1.4, leftIndent=1.6 * cell, textColor=colors.black),
    )


# --------------------------------------------------------------------------
# Title block
# --------------------------------------------------------------------------

class TitleLine(Flowable):
    """One centred line of large text that shrinks to fit the width instead of wrapping.

    ``heavy`` sets the glyphs with text render mode 2 (fill + a thin stroke) — the font has no
    bold face, and a stroke of ~2.5 % of the size reads as a clean semi-bold title.
    """

    def __init__(self, text: str, size: float, *, spacing: float = 0.0, heavy: bool = False,
                 min_size: float = 7.0, space_before: float = 0.0, space_after: float = 0.0):
        super().__init__()
        self.text = text
        self.size = size
        self.spacing = spacing          # extra space between characters, in ems
        self.heavy = heavy
        self.min_size = min_size
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._fit_size = size

    def _width_at(self, size: float) -> float:
        n = len(self.text)
        return stringWidth(self.text, FONT_NAME, size) + max(n - 1, 0) * self.spacing * size

    def wrap(self, avail_width, avail_height):
        size = self.size
        while size > self.min_size and self._width_at(size) > avail_width:
            size -= 0.5
        self._fit_size = size
        self.width = avail_width
        self.height = size * 1.35
        return self.width, self.height

    def draw(self):
        size = self._fit_size
        canv = self.canv
        canv.saveState()
        canv.setFont(FONT_NAME, size)
        canv.setFillColor(colors.black)
        char_space = self.spacing * size
        text_width = self._width_at(size)
        x = (self.width - text_width) / 2
        y = size * 0.3  # baseline above the descender
        mode = None
        if self.heavy:
            canv.setStrokeColor(colors.black)
            canv.setLineWidth(size * 0.025)
            mode = 2
        canv.drawString(x, y, self.text, mode=mode, charSpace=char_space)
        canv.restoreState()


def _number_style(paper: Paper) -> ParagraphStyle:
    st = styles_for(paper.key)
    return ParagraphStyle("number", parent=st.right if not paper.roll else st.small_center,
                          fontSize=paper.small_size + (0 if paper.roll else 1.5),
                          leading=(paper.small_size + 1.5) * 1.4)


def title_block(paper: Paper, office_title: str, doc_title: str, number: str,
                number_label: str = "编号", *, codes: bool = False) -> list[Flowable]:
    """Office name, the spaced document title and the number line under it.

    With ``codes`` the number is also printed as a Code128 barcode and a QR code.  Sheets: the QR
    code stands in the top right corner beside the office name and title (which stay centred on
    the page), the barcode right-aligned above the number line, next to the QR code.  Roll: both
    centred under the number line, the barcode first.
    """
    compact = paper.compact
    office = TitleLine(office_title, paper.office_size, spacing=0.05,
                       space_after=paper.office_size * (0.05 if compact else 0.1))
    title = TitleLine(doc_title, paper.title_size, spacing=0.35 if len(doc_title) <= 7 else 0.15, heavy=True,
                      space_after=paper.title_size * (0.15 if paper.roll else 0.1 if compact else 0.3))
    text = f"{esc(number_label)}：{esc(number)}"
    if paper.roll:
        flow: list[Flowable] = [office, title, Paragraph(text, _number_style(paper))]
        if codes:
            flow += number_codes(paper, number, text=False)
        return flow + [rule(paper, dashed=True)]
    if not codes:
        if compact:
            # the number at the right end of the title line, not on a line of its own
            number_para = Paragraph(text, _number_style(paper))
            side = stringWidth(f"{number_label}：{number}", FONT_NAME, number_para.style.fontSize) + 2
            side = min(side, paper.content_width * 0.32)
            title_row = Table([["", title, number_para]],
                              colWidths=[side, paper.content_width - 2 * side, side],
                              style=TableStyle(_BARE_CELLS + [
                                  ("FONT", (0, 0), (-1, -1), FONT_NAME, paper.body_size),
                                  ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                  ("BOTTOMPADDING", (2, 0), (2, 0), paper.title_size * 0.2),
                              ]))
            return [office, title_row, Spacer(1, paper.body_size * 0.2)]
        return [office, title, Paragraph(text, _number_style(paper)), Spacer(1, paper.body_size * 0.2)]

    qr = qr_code(number, paper.qr_size)
    side = qr.width
    middle = paper.content_width - 2 * side
    if compact:
        # the number beside the barcode (its readable text), both under the title: one short line
        number_para = Paragraph(text, ParagraphStyle("number-beside-bars", parent=_number_style(paper),
                                                     alignment=TA_RIGHT))
        text_w = stringWidth(f"{number_label}：{number}", FONT_NAME, number_para.style.fontSize) + 2
        bars = code128(number, paper=paper, avail_width=middle - text_w)
        if bars is None:
            number_block: Flowable = Paragraph(text, ParagraphStyle("number-alone", parent=_number_style(paper),
                                                                    alignment=TA_CENTER))
        else:
            number_block = Table([[number_para, bars]], colWidths=[text_w, bars.width], hAlign="CENTER",
                                 style=TableStyle(_BARE_CELLS + [
                                     ("FONT", (0, 0), (-1, -1), FONT_NAME, paper.small_size),
                                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                 ]))
    else:
        number_block = _bars_over_number(paper, code128(number, paper=paper, avail_width=middle), text)
    header = Table(
        [["", office, qr],
         ["", title, ""],
         ["", number_block, ""]],
        colWidths=[side, middle, side],
        style=TableStyle(_BARE_CELLS + [
            ("SPAN", (2, 0), (2, 2)),               # the QR code in the corner, beside all three lines
            ("FONT", (0, 0), (-1, -1), FONT_NAME, paper.body_size),   # else empty cells set Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (2, 0), (2, 2), "MIDDLE" if compact else "TOP"),
            ("ALIGN", (1, 2), (1, 2), "CENTER"),
            ("TOPPADDING", (1, 2), (1, 2), paper.body_size * (0.1 if compact else 0.3)),  # clear of the title
        ]))
    return [header, Spacer(1, paper.body_size * 0.2)]


# Table cells without padding: tables used only to place blocks side by side.
_BARE_CELLS = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


# --------------------------------------------------------------------------
# The number as Code128 and QR code
# --------------------------------------------------------------------------

_QUIET_MODULES = 10                 # Code128 quiet zone on either side, in narrow-bar widths
_QR_BORDER = 4                      # QR quiet zone, in modules (part of the QR drawing)
MIN_BAR_WIDTH = 0.25 * mm           # narrower bars do not scan reliably off a thermal print


def _code128_modules(value: str) -> int | None:
    """The width of ``value`` as Code128 in narrow-bar units (quiet zones excluded); None when it
    cannot be encoded (a character outside ASCII)."""
    probe = Code128(value, barWidth=1, quiet=0, humanReadable=0)
    probe.validate()
    if not value or not probe.valid:
        return None
    return round(probe.width)


def code128(value: str, *, paper: Paper, avail_width: float | None = None) -> Code128 | None:
    """``value`` as a Code128 barcode flowable (reportlab's), no text under it, with a quiet zone
    of ten bar widths on both sides, at most ``avail_width`` (default: the content width) wide.

    The narrowest bar is ``paper.bar_width``; on the roll it is a whole number of 203 dpi dots
    (two dots, 0.25 mm), narrowed by whole dots only.  None when the code would need bars under
    0.25 mm to fit, or ``value`` is not ASCII: the QR code carries the number then.
    """
    modules = _code128_modules(value)
    if modules is None:
        return None
    avail = paper.content_width if avail_width is None else avail_width
    fit = avail / (modules + 2 * _QUIET_MODULES)
    if paper.roll:
        bar_width = min(round(paper.bar_width / THERMAL_DOT), int(fit / THERMAL_DOT + 1e-9)) * THERMAL_DOT
    else:
        bar_width = min(paper.bar_width, fit)
    if bar_width < MIN_BAR_WIDTH - 1e-6:
        return None
    quiet = _QUIET_MODULES * bar_width
    return Code128(value, barWidth=bar_width, barHeight=paper.bar_height, quiet=1, lquiet=quiet, rquiet=quiet,
                   humanReadable=0)


class QrCode(Flowable):
    """A QR code drawn as one filled path of dark modules (reportlab's widget drew every module as its
    own shape, a third of a receipt's time); ``size`` square including the quiet zone."""

    def __init__(self, value: str, size: float, level: str = "M"):
        super().__init__()
        self.value = value
        self.qr = QrCodeWidget(value, barLevel=level).qr   # reportlab's encoder, only for the matrix
        self.qr.make()
        self.modules = self.qr.getModuleCount()
        self.width = self.height = size

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        module = self.width / (self.modules + 2 * _QR_BORDER)
        top = self.height - _QR_BORDER * module
        path = self.canv.beginPath()
        for row in range(self.modules):
            col = 0
            while col < self.modules:   # one rectangle per run of dark modules in a row
                if not self.qr.isDark(row, col):
                    col += 1
                    continue
                start = col
                while col < self.modules and self.qr.isDark(row, col):
                    col += 1
                path.rect((_QR_BORDER + start) * module, top - (row + 1) * module,
                          (col - start) * module, module)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def qr_code(value: str, size: float, *, dot: float | None = None, level: str = "M") -> QrCode:
    """``value`` as a QR code, error correction ``level``, about ``size`` square including the
    four-module quiet zone.  With ``dot`` each module is a whole number of printer dots (at least
    three), so the size is rounded to that."""
    code = QrCode(value, size, level)
    if dot:
        span = code.modules + 2 * _QR_BORDER
        code.width = code.height = max(3, round(size / span / dot)) * dot * span
    return code


def _bars_over_number(paper: Paper, bars: Code128 | None, text: str, align: str = "CENTER") -> Flowable:
    """Sheets: the barcode with the number line (markup) centred under it as its readable text,
    the block aligned ``align``; only the number line when there is no barcode."""
    style = ParagraphStyle("number-alone", parent=_number_style(paper),
                           alignment={"CENTER": TA_CENTER, "LEFT": TA_LEFT}.get(align, TA_RIGHT))
    if bars is None:
        return Paragraph(text, style)
    rows = [[bars]]
    if text:
        rows.append([Paragraph(text, ParagraphStyle("number-under-bars", parent=style, alignment=TA_CENTER))])
    block = Table(rows, colWidths=[bars.width], hAlign=align, style=TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT_NAME, paper.small_size),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), paper.small_size * 0.3),
    ]))
    return block


def number_codes(paper: Paper, number: str, label: str = "编号", *, text: bool = True) -> list[Flowable]:
    """The number as Code128 barcode and QR code, for any document that wants them.

    Roll: the barcode and under it the QR code, centred (with ``text`` the "编号：…" line under
    the barcode).  Sheets: right-aligned, the barcode over the number line, the QR code beside.
    """
    register_fonts()
    if paper.roll:
        flow: list[Flowable] = [Spacer(1, paper.body_size * 0.4)]
        bars = code128(number, paper=paper)
        if bars is not None:
            bars.hAlign = "CENTER"
            flow.append(bars)
        if text:
            flow.append(Paragraph(f"{esc(label)}：{esc(number)}", _number_style(paper)))
        qr = qr_code(number, paper.qr_size, dot=THERMAL_DOT)
        qr.hAlign = "CENTER"
        flow += [Spacer(1, paper.body_size * 0.4), qr]
        return flow
    qr = qr_code(number, paper.qr_size)
    bars = code128(number, paper=paper, avail_width=paper.content_width - qr.width)
    cell = _bars_over_number(paper, bars, f"{esc(label)}：{esc(number)}" if text else "", "RIGHT")
    table = Table([[cell, qr]], colWidths=[paper.content_width - qr.width, qr.width],
                  style=TableStyle([
                      ("FONT", (0, 0), (-1, -1), FONT_NAME, paper.body_size),
                      ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                      ("ALIGN", (0, 0), (0, 0), "RIGHT"),
                      ("LEFTPADDING", (0, 0), (-1, -1), 0),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                      ("TOPPADDING", (0, 0), (-1, -1), 0),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                  ]))
    return [table]


def rule(paper: Paper, dashed: bool = False, space: float | None = None) -> HRFlowable:
    gap = paper.body_size * 0.35 if space is None else space
    return HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceBefore=gap, spaceAfter=gap,
                      dash=(2, 2) if dashed else None)


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------

def section(paper: Paper, text: str) -> list[Flowable]:
    """A 小标题. On the roll: a dashed rule, then the heading centred."""
    st = styles_for(paper.key)
    if paper.roll:
        return [rule(paper, dashed=True, space=paper.body_size * 0.3), Paragraph(esc(text), st.section)]
    # Not keepWithNext: that would push a whole long table to the next page.  Only make sure the
    # heading is followed by at least the table header and a couple of rows.
    return [CondPageBreak(paper.body_size * 7), Paragraph(esc(text), st.section)]


def para(paper: Paper, markup: str, style: str = "body") -> Paragraph:
    """A paragraph of already-escaped markup in one of the ``Styles`` fields."""
    return Paragraph(markup, getattr(styles_for(paper.key), style))


def notes(paper: Paper, heading: str, items: Sequence[str]) -> list[Flowable]:
    """A numbered 说明/注意事项 block in small type (plain text items, escaped here)."""
    st = styles_for(paper.key)
    item_style = ParagraphStyle("note-item", parent=st.small, leftIndent=1.6 * paper.small_size,
                                firstLineIndent=-1.6 * paper.small_size)
    flow: list[Flowable] = []
    if paper.roll:
        flow.append(rule(paper, dashed=True, space=paper.body_size * 0.3))
    flow.append(Paragraph(esc(heading) + "：", ParagraphStyle("note-head", parent=st.small,
                                                            spaceBefore=paper.small_size * 0.4)))
    for n, item in enumerate(items, 1):
        flow.append(Paragraph(f"{n}．{esc(item)}", item_style))
    return flow


# --------------------------------------------------------------------------
# Key–value table
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One label/value pair of a key–value table.  ``span``: on sheets the value is that many pairs
    wide (an address beside one short field instead of on a row of its own)."""

    label: str
    value: str
    span: int = 1


def _grid_commands(paper: Paper) -> list[tuple]:
    """The ruled look every table on a document shares."""
    pad_h, pad_v = _cell_padding(paper)
    return [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("FONT", (0, 0), (-1, -1), FONT_NAME, paper.cell_size),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad_h),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad_h),
        ("TOPPADDING", (0, 0), (-1, -1), pad_v),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad_v + (0.6 if paper.compact else 1)),
    ]


def _cell_padding(paper: Paper) -> tuple[float, float]:
    """(horizontal, vertical) cell padding."""
    return paper.cell_pad


def kv_table(paper: Paper, rows: Sequence[Sequence[Field]]) -> list[Flowable]:
    """A ruled label/value table, one inner sequence per row.

    On sheets a row holds up to ``paper.kv_pairs`` pairs (A4 two, A5 three); a row with fewer
    pairs lets its last value run to the right edge, and a longer row wraps.  On the roll every
    pair is one "标签：值" line.  Documents arrange their rows for ``paper.kv_pairs``.
    """
    st = styles_for(paper.key)
    fields = [f for row in rows for f in row]
    if paper.roll:
        item = ParagraphStyle("roll-kv", parent=st.cell, leftIndent=paper.cell_size,
                              firstLineIndent=-paper.cell_size, spaceAfter=paper.cell_size * 0.15)
        return [Paragraph(f"{esc(f.label)}：{esc(f.value) or '—'}", item) for f in fields]

    pairs = paper.kv_pairs
    pad_h, pad_v = _cell_padding(paper)
    longest = max((stringWidth(f.label, FONT_NAME, paper.cell_size) for f in fields), default=0)
    label_w = min(max(longest, 4 * paper.cell_size) + 2 * pad_h + 1, paper.content_width * 0.2)
    value_w = (paper.content_width - pairs * label_w) / pairs
    widths = [label_w, value_w] * pairs

    table_rows: list[list] = []
    commands = _grid_commands(paper)
    for row in rows:
        chunks: list[list[Field]] = [[]]
        used = 0
        for f in row:                       # a row with more pairs than fit wraps
            span = max(1, min(f.span, pairs))
            if used + span > pairs and chunks[-1]:
                chunks.append([])
                used = 0
            chunks[-1].append(f)
            used += span
        for chunk in chunks:
            cells: list = []
            r = len(table_rows)
            for n, f in enumerate(chunk):
                span = max(1, min(f.span, pairs))
                if n == len(chunk) - 1:     # the last value runs to the right edge
                    span = pairs - len(cells) // 2
                cells += [Paragraph(esc(f.label), st.label), Paragraph(esc(f.value) or "—", st.cell)]
                if span > 1:
                    commands.append(("SPAN", (len(cells) - 1, r), (len(cells) + 2 * span - 3, r)))
                    cells += [""] * (2 * span - 2)
            table_rows.append(cells)
    return [Table(table_rows, colWidths=widths, style=TableStyle(commands), hAlign="CENTER")]


# --------------------------------------------------------------------------
# List table
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of a list table.

    ``width``: a fraction of the free width (columns with ``fixed`` use that many points).
    ``roll``: how the value appears on the thermal roll — "main" (the numbered line), "detail"
    (on a second, indented line in small type, formatted with ``roll_format``), "note" (after the
    details on that second line), or "" (left out).
    """

    title: str
    width: float = 1.0
    fixed: float | None = None
    chars: float | None = None     # fixed width fitting this many characters (plus padding)
    align: str = "left"
    roll: str = "detail"
    roll_format: str = "{}"


def list_table(paper: Paper, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
               numbered: bool = True, empty_text: str = "（无）") -> list[Flowable]:
    """A 清单 of rows: ruled with a header repeated on every page (sheets), numbered lines (roll).

    With ``numbered`` a 序号 column is added in front.  Rows are plain text, escaped here.
    """
    st = styles_for(paper.key)
    if not rows:
        return [Paragraph(esc(empty_text), st.plain)]

    if paper.roll:
        out: list[Flowable] = []
        for n, row in enumerate(rows, 1):
            main = [v for c, v in zip(columns, row) if c.roll == "main" and v]
            details = [c.roll_format.format(v) for c, v in zip(columns, row) if c.roll == "detail" and v]
            note = [v for c, v in zip(columns, row) if c.roll == "note" and v]
            prefix = f"{n}．" if numbered else ""
            out.append(Paragraph(prefix + esc("".join(main)), st.roll_item))
            second = "；".join(part for part in ["，".join(details), *note] if part)
            if second:
                out.append(Paragraph(esc(second), st.roll_note))
        return out

    pad_h, pad_v = _cell_padding(paper)
    cols = list(columns)
    if numbered:
        cols.insert(0, Column("序号", chars=2, align="center"))
    def fixed(c: Column) -> float | None:
        if c.fixed is not None:
            return c.fixed
        if c.chars is not None:
            return c.chars * paper.cell_size + 2 * pad_h + 1
        return None

    fixed_total = sum(fixed(c) or 0 for c in cols)
    free = paper.content_width - fixed_total
    weight = sum(c.width for c in cols if fixed(c) is None) or 1.0
    widths = [fixed(c) if fixed(c) is not None else free * c.width / weight for c in cols]

    def cell(text: str, column: Column) -> Paragraph:
        return Paragraph(esc(text), st.cell_center if column.align == "center" else st.cell)

    header = [Paragraph(esc(c.title), st.cell_center) for c in cols]
    body = []
    for n, row in enumerate(rows, 1):
        values = ([str(n)] if numbered else []) + [str(v) for v in row]
        body.append([cell(v, c) for v, c in zip(values, cols)])
    style = TableStyle(_grid_commands(paper) + [
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ])
    return [Table([header] + body, colWidths=widths, style=style, repeatRows=1, hAlign="CENTER")]


# --------------------------------------------------------------------------
# Signature and seal
# --------------------------------------------------------------------------

SIGN_PIECE = 6          # signature lines a page never breaks between
BESIDE_SEAL = 8         # signature lines beside the seal when there are many


class SignLines(Flowable):
    """"申请人（代理人）签收：______" lines; the rule is drawn, not typed with underscores.

    A label wider than the column (a long company name) wraps, and the rule follows its last part,
    so it never runs under a seal beside the lines.  A long list splits between lines in whole
    pieces of ``piece`` lines (the rest on the next page), so any number of parties can sign."""

    def __init__(self, paper: Paper, lines: Sequence[str], piece: int = SIGN_PIECE):
        super().__init__()
        self.paper = paper
        self.lines = tuple(lines)
        self.piece = max(1, piece)
        self.gap = paper.body_size * 2.3            # a signature line
        self.lead = paper.body_size * 1.45          # each further line of a wrapped label
        self.spaceBefore = paper.body_size * 0.6
        self._labels = [[text] for text in self.lines]

    def _heights(self) -> list[float]:
        return [self.gap + (len(parts) - 1) * self.lead for parts in self._labels]

    def wrap(self, avail_width, avail_height):
        size = self.paper.body_size
        room = max(avail_width - 7 * size, 8 * size)
        self._labels = [_split_label(text, room, size) for text in self.lines]
        self.width = avail_width
        self.height = len(self.lines) * self.gap + sum(len(parts) - 1 for parts in self._labels) * self.lead
        return self.width, self.height

    def split(self, avail_width, avail_height):
        """As many whole pieces as fit, and the rest (no space above it: one column of lines)."""
        self.wrap(avail_width, avail_height)
        heights = self._heights()
        cut, used = 0, 0.0
        for start in range(0, len(heights), self.piece):
            used += sum(heights[start:start + self.piece])
            if used > avail_height:
                break
            cut = start + self.piece
        if not 0 < cut < len(self.lines):
            return []
        first = SignLines(self.paper, self.lines[:cut], self.piece)
        rest = SignLines(self.paper, self.lines[cut:], self.piece)
        first.spaceBefore, rest.spaceBefore = self.spaceBefore, 0
        return [first, rest]

    def draw(self):
        size = self.paper.body_size
        canv = self.canv
        canv.saveState()
        canv.setFont(FONT_NAME, size)
        canv.setFillColor(colors.black)
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.6)
        line_end = self.width if self.paper.roll else min(self.width, 24 * size)
        wrapped = 0                                 # further label lines so far
        for i, parts in enumerate(self._labels):
            wrapped += len(parts) - 1
            y = self.height - (i + 1) * self.gap - wrapped * self.lead + size * 0.8
            for k, part in enumerate(parts):
                canv.drawString(0, y + (len(parts) - 1 - k) * self.lead, part)
            start = stringWidth(parts[-1], FONT_NAME, size) + size * 0.3
            canv.line(start, y - size * 0.3, max(line_end, start + 6 * size), y - size * 0.3)
        canv.restoreState()


def _split_label(text: str, room: float, size: float) -> list[str]:
    """``text`` in parts no wider than ``room`` (a hair of tolerance); a closing mark never starts one."""
    if stringWidth(text, FONT_NAME, size) <= room + 0.01:
        return [text]
    parts, current = [], ""
    for ch in text:
        if current and stringWidth(current + ch, FONT_NAME, size) > room + 0.01 and ch not in _CHINESE_CANNOT_START:
            parts.append(current)
            current = ""
        current += ch
    return parts + [current]


class SealMark(Flowable):
    """Where the office seal goes: a dashed grey circle with its label, the office name and the
    date printed across it (the seal is stamped over them, as on any official notice)."""

    def __init__(self, paper: Paper, office_name: str, date_text: str, label: str = "（受理专用章）"):
        super().__init__()
        self.paper = paper
        self.office_name = office_name
        self.date_text = date_text
        self.label = label

    def wrap(self, avail_width, avail_height):
        size = self.paper.body_size
        self.width = max(2 * self.paper.seal_radius, stringWidth(self.office_name, FONT_NAME, size))
        self.height = 2 * self.paper.seal_radius + 2
        return self.width, self.height

    def draw(self):
        p = self.paper
        canv = self.canv
        size = p.body_size
        r = p.seal_radius
        cx, cy = self.width / 2, self.height / 2
        canv.saveState()
        canv.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
        canv.setDash(2.5, 2)
        canv.setLineWidth(0.7)
        canv.circle(cx, cy, r, stroke=1, fill=0)
        canv.setDash()
        canv.setFillColor(colors.Color(0.45, 0.45, 0.45))
        canv.setFont(FONT_NAME, p.small_size)
        # the label inside the top of the circle: on a small seal without its brackets
        label, y = self.label, r * 0.45
        top = y + p.small_size * 0.8
        room = 2 * max(r * r - top * top, 0) ** 0.5
        if stringWidth(label, FONT_NAME, p.small_size) > room:
            label = label.strip("（）()")
        canv.drawCentredString(cx, cy + y, label)
        canv.setFillColor(colors.black)
        canv.setFont(FONT_NAME, size)
        canv.drawCentredString(cx, cy - size * 0.3, self.office_name)
        canv.drawCentredString(cx, cy - size * 1.75, self.date_text)
        canv.restoreState()


def signature_block(paper: Paper, *, sign_lines: Sequence[str], office_name: str, date_text: str,
                    seal_label: str = "（受理专用章）", notes_heading: str = "",
                    notes_items: Sequence[str] = ()) -> list[Flowable]:
    """The closing of a notice: notes, the party's signature lines, the seal with office and date.

    Sheets: notes and signature lines on the left, the seal on the right, kept on one page; on a
    compact sheet (A5) the notes on the left and the signature lines beside them, left of the seal,
    so the block is only as tall as the seal.  Roll: everything stacked, the seal centred.
    With more than ``BESIDE_SEAL`` + 4 signature lines (a collective dispute) only the last
    ``BESIDE_SEAL`` stand beside the seal; the notes and the other lines stand above, in pieces a
    page can break between.
    """
    left: list[Flowable] = notes(paper, notes_heading, notes_items) if notes_items else []
    above: list[Flowable] = []
    if not paper.roll and len(sign_lines) > BESIDE_SEAL + 4:
        above = left + [SignLines(paper, sign_lines[:-BESIDE_SEAL])]
        left, sign_lines = [], sign_lines[-BESIDE_SEAL:]
    lines = SignLines(paper, sign_lines)
    seal = SealMark(paper, office_name, date_text, seal_label)
    if paper.roll:
        seal.hAlign = "CENTER"
        return left + [lines, Spacer(1, paper.body_size * 0.8), seal]
    seal_w = max(2 * paper.seal_radius, stringWidth(office_name, FONT_NAME, paper.body_size)) + paper.body_size
    commands = _BARE_CELLS + [
        ("FONT", (0, 0), (-1, -1), FONT_NAME, paper.body_size),
        ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
        ("VALIGN", (-1, 0), (-1, 0), "MIDDLE"),
        ("ALIGN", (-1, 0), (-1, 0), "RIGHT"),
    ]
    if paper.compact and left and sign_lines:
        # a short sheet: notes on the left, the signature lines and the seal beside them on the right
        size = paper.body_size
        sign_w = min(max(stringWidth(t, FONT_NAME, size) for t in sign_lines) + 7 * size,
                     paper.content_width * 0.4)     # a longer label wraps
        gap = size
        lines.spaceBefore = 0
        table = Table([[left, lines, seal]], colWidths=[paper.content_width - gap - sign_w - seal_w,
                                                        gap + sign_w, seal_w],
                      style=TableStyle(commands + [
                          ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                          ("VALIGN", (1, 0), (1, 0), "BOTTOM"),
                          ("LEFTPADDING", (1, 0), (1, 0), gap),
                          ("BOTTOMPADDING", (1, 0), (1, 0), size * 0.6),
                      ]))
    else:
        table = Table([[left + [lines], seal]], colWidths=[paper.content_width - seal_w, seal_w],
                      style=TableStyle(commands))
    return [Spacer(1, paper.body_size * (0.3 if paper.compact else 0.5)), KeepTogether([*above, table])]


def signature_lines(paper: Paper, sign_lines: Sequence[str], date_text: str) -> list[Flowable]:
    """The closing of a record or an application: signature lines and the date under them on the
    right, no seal, kept on one page.  On sheets more than ``SIGN_PIECE`` lines stand in two
    columns, in pieces of ``SIGN_PIECE`` rows a page can break between."""
    size = paper.body_size
    lines = list(sign_lines)
    if len(lines) > SIGN_PIECE and not paper.roll:
        half = (len(lines) + 1) // 2
        left, right = lines[:half], lines[half:]
        gap = 1.5 * size
        width = (paper.content_width - gap) / 2
        style = TableStyle(_BARE_CELLS + [("FONT", (0, 0), (-1, -1), FONT_NAME, size),
                                          ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                          ("RIGHTPADDING", (0, 0), (0, 0), gap)])
        pieces: list[Flowable] = [
            Table([[SignLines(paper, left[i:i + SIGN_PIECE]), SignLines(paper, right[i:i + SIGN_PIECE])]],
                  colWidths=[width + gap, width], style=style, hAlign="LEFT")
            for i in range(0, half, SIGN_PIECE)]
    else:
        pieces = [SignLines(paper, lines)]
    return [Spacer(1, size * 0.5), KeepTogether([*pieces, Spacer(1, size * 0.6), para(paper, esc(date_text), "right")])]


def _flattened(flowables: Sequence[Flowable]) -> list[Flowable]:
    """The flowables with every ``KeepTogether`` unpacked (its own height is reportlab's "endless")."""
    out: list[Flowable] = []
    for f in flowables:
        out += _flattened(f._content) if isinstance(f, KeepTogether) else [f]
    return out


def _height(flowables: Sequence[Flowable], width: float, canv) -> float:
    """The height of flowables stacked in a frame (spaces between them included)."""
    total = 0.0
    for n, f in enumerate(_flattened(flowables)):
        total += f.wrapOn(canv, width, 0xffffff)[1] + f.getSpaceAfter() + (f.getSpaceBefore() if n else 0)
    return total


def _is_heading(flowable: Flowable) -> bool:
    """A 小标题 made by ``section`` (its style is "<paper>-section")."""
    return isinstance(flowable, Paragraph) and flowable.style.name.endswith("-section")


class KeepWithEnd(Flowable):
    """``group`` (the end of a story) followed by ``tail`` (the closing block), laid out so that the
    tail never stands alone on a page.  When they do not fit together, the group breaks so that its
    end goes to the next page with the tail: at least the last ``rows`` rows of a table ending the
    group (its header rows repeat there), else its text — all of it when no taller than ``carry``,
    else about ``carry`` of it, broken between flowables or inside a paragraph (reportlab's own
    split: widows and orphans avoided), never right after a heading.  When not even that helps, the
    page breaks before the group.  Like ``KeepTogether`` it is never drawn itself; it splits into
    its parts."""

    def __init__(self, group: Sequence[Flowable], tail: Sequence[Flowable], rows: int = 2, carry: float = 0.0):
        super().__init__()
        self.group = list(group)
        self.tail = list(tail)
        self.rows = rows
        self.carry = carry

    def getSpaceBefore(self):
        return self.group[0].getSpaceBefore() if self.group else 0

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, 0xffffff        # always split

    def split(self, avail_width, avail_height):
        canv = getattr(self, "canv", None)
        group, tail = self.group, self.tail
        if not group or _height(group + tail, avail_width, canv) <= avail_height:
            return [*group, *tail]
        limit = avail_height                 # what this page may take of the group
        if not isinstance(group[-1], Table):
            group_h = _height(group, avail_width, canv)
            limit = min(limit, group_h - min(group_h, self.carry))
        first, rest = _split_flowables(group, avail_width, limit, canv, self.rows)
        if first and rest:
            return [*first, KeepWithEnd(rest, tail, self.rows, self.carry)]
        frame = getattr(self, "_frame", None)
        if frame is not None and not getattr(frame, "_atTop", False):
            return [FrameBreak(), KeepWithEnd(group, tail, self.rows, self.carry)]
        return [*group, *tail]               # at the top of a page already: nothing better to do


class KeepWithTableEnd(KeepWithEnd):
    """``KeepWithEnd`` of a single table: at least its last ``rows`` rows go with the tail."""

    def __init__(self, table: Table, tail: Sequence[Flowable], rows: int = 2):
        super().__init__([table], tail, rows)


def _split_flowables(flowables: Sequence[Flowable], width: float, limit: float, canv,
                     rows: int) -> tuple[list[Flowable], list[Flowable]]:
    """``flowables`` cut in two, the first part at most ``limit`` high: between flowables, inside a
    paragraph, or inside a table — one that ends ``flowables`` always, leaving at least its last
    ``rows`` rows to the second part.  A heading (or a gap) ending the first part goes to the second."""
    first: list[Flowable] = []
    rest: list[Flowable] = []
    used = 0.0
    for n, f in enumerate(flowables):
        space = f.getSpaceBefore() if first else 0
        h = f.wrapOn(canv, width, 0xffffff)[1] + f.getSpaceAfter() + space
        end_table = isinstance(f, Table) and n == len(flowables) - 1
        if used + h <= limit and not end_table:
            first.append(f)
            used += h
            continue
        parts = _cut(f, width, limit - used - space, rows if end_table else 0)
        if parts:
            first.append(parts[0])
            rest = [parts[1], *flowables[n + 1:]]
        else:
            rest = list(flowables[n:])
        break
    while first and (isinstance(first[-1], Spacer) or _is_heading(first[-1])):
        rest.insert(0, first.pop())
    return first, rest


def _cut(f: Flowable, width: float, room: float, rows: int) -> list[Flowable]:
    """``f`` (wrapped already) in two parts, the first at most ``room`` high, or [] where it cannot
    be: a paragraph between lines, a table between rows (header rows repeated) with at least its
    last ``rows`` rows in the second part; other flowables not at all."""
    parts: list[Flowable] = []
    if isinstance(f, Paragraph) and room > 0.01:
        parts = f.split(width, room - 0.01)
    elif isinstance(f, Table):
        heights = list(f._rowHeights)
        repeat = f.repeatRows
        header = len(repeat) if isinstance(repeat, (tuple, list)) else int(repeat or 0)
        last_here = len(heights) - min(rows, len(heights) - header)    # rows this part may take
        used, fit = 0.0, 0
        for n, h in enumerate(heights[:last_here]):
            if used + h > room:
                break
            used, fit = used + h, n + 1
        if fit > header:
            parts = f.split(width, used + 0.01)
    return parts if len(parts) == 2 else []


def keep_with_end(paper: Paper, story: list[Flowable], tail: Sequence[Flowable], rows: int = 2,
                  carry: float | None = None) -> list[Flowable]:
    """``story`` followed by ``tail`` (a closing block), the tail kept with the end of the story by
    ``KeepWithEnd``: with the last ``rows`` rows of a table that ends it, else with its last group —
    a closing ``KeepTogether`` (a clause, a last section) or its last flowable, with the heading
    before it — whole, or about ``carry`` points of its end when it is long (default: a third of the
    page).  ``KeepTogether`` blocks in the group and the tail are unpacked: reportlab's reports an
    endless height, so one nested in another would force a page break instead of keeping anything
    together.  On the roll (one slip) simply the two."""
    if paper.roll or not story:
        return list(story) + list(tail)
    *head, last = story
    group = _flattened([last])
    if head and _is_heading(head[-1]):      # a heading never stays behind what it heads
        group.insert(0, head.pop())
    if carry is None:
        carry = (paper.height - paper.margin_top - paper.margin_bottom) / 3
    return head + [KeepWithEnd(group, _flattened(tail), rows, carry)]


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

class _FooterCanvas(Canvas):
    """A canvas that holds its pages back until the end, so each footer can say 共 M 页."""

    def __init__(self, *args, paper: Paper, footer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._paper = paper
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        p = self._paper
        page = self.getPageNumber()
        if p.roll and total == 1:
            return          # the slip carries its number in the text; a page count would be noise
        width, _ = self._pagesize
        size = p.small_size
        y = p.margin_bottom * 0.45
        self.saveState()
        self.setFont(FONT_NAME, size)
        self.setFillColor(colors.black)
        count = f"第 {page} 页  共 {total} 页"
        if p.roll:
            self.drawCentredString(width / 2, y, count)
        else:
            self.setStrokeColor(colors.Color(0.4, 0.4, 0.4))
            self.setLineWidth(0.4)
            self.line(p.margin_left, y + size * 1.3, width - p.margin_right, y + size * 1.3)
            self.drawString(p.margin_left, y, self._footer)
            self.drawRightString(width - p.margin_right, y, count)
        self.restoreState()


class _ProbeCanvas(_FooterCanvas):
    """Lays the roll out only to measure it: no PDF is written (saving costs as much as laying out)."""

    def save(self):
        pass


class _Doc(BaseDocTemplate):
    """Remembers how far down the first page the content reached (to cut the roll)."""

    lowest_y: float | None = None

    def afterFlowable(self, flowable):
        frame = getattr(self, "frame", None)
        if self.page == 1 and frame is not None:
            y = frame._y
            self.lowest_y = y if self.lowest_y is None else min(self.lowest_y, y)


def _build(paper: Paper, height: float, story: list[Flowable], *, footer: str, title: str,
           subject: str, author: str, canvas_class: type[Canvas] = _FooterCanvas) -> tuple[bytes, _Doc]:
    buffer = io.BytesIO()
    frame = Frame(paper.margin_left, paper.margin_bottom, paper.content_width,
                  height - paper.margin_top - paper.margin_bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc = _Doc(buffer, pagesize=(paper.width, height), invariant=1, title=title, subject=subject,
               author=author, creator="TownDesk", producer="TownDesk (ReportLab)",
               leftMargin=paper.margin_left, rightMargin=paper.margin_right,
               topMargin=paper.margin_top, bottomMargin=paper.margin_bottom, lang="zh-CN",
               # the canvas's default font would add an unembedded Helvetica to every file
               initialFontName=FONT_NAME, initialFontSize=paper.body_size)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=partial(canvas_class, paper=paper, footer=footer))
    return buffer.getvalue(), doc


def render(paper: Paper, story_factory: Callable[[], list[Flowable]], *, footer: str, title: str,
           subject: str = "", author: str = "") -> bytes:
    """Lay out the story on the paper and return the PDF bytes (same input → same bytes).

    ``story_factory`` is called once for sheets and twice for the roll (measure, then print on a
    page cut to the content's length), so it must return fresh flowables each time.
    ``footer`` is the text at the bottom left of every sheet, typically "受理编号：…".
    """
    register_fonts()
    meta = dict(footer=footer, title=title, subject=subject, author=author)
    if not paper.roll:
        data, _ = _build(paper, paper.height, story_factory(), **meta)
        return data
    _, probe = _build(paper, _ROLL_PROBE_HEIGHT, story_factory(), canvas_class=_ProbeCanvas, **meta)
    if probe.page > 1 or probe.lowest_y is None:
        # longer than any roll slip should be: print it on pages of the probe's length
        data, _ = _build(paper, _ROLL_PROBE_HEIGHT, story_factory(), **meta)
        return data
    used = (_ROLL_PROBE_HEIGHT - paper.margin_top) - probe.lowest_y
    height = paper.margin_top + used + paper.margin_bottom + _ROLL_SLACK
    data, _ = _build(paper, height, story_factory(), **meta)
    return data

