"""打印文书 — every printed document is a function from data to PDF bytes.

A document module takes plain frozen dataclasses and returns the bytes of a PDF: no database
access, no Qt, no files written.  The caller decides what to do with the bytes (show, print
twice, archive).  All text is set in the bundled WenQuanYi Micro Hei font, embedded as TrueType
(``documents.fonts``); page set-up for the three paper formats — A4 纵向, A5 横向, 80 mm
thermal roll — lives in ``documents.layout`` so every later document looks like the first.

Modules:

- ``documents.fonts``  — registers the CJK font once.
- ``documents.layout`` — paper formats, styles, title block, key–value and list tables, the
  number as Code128 barcode and QR code, signature/seal block (``signature_block``,
  ``signature_lines``), the closing kept with the story's end (``keep_with_end``), the numbered
  footer and the PDF renderer.
- ``documents.hall``   — 一窗受理: 受理通知书（回执）, 补正材料通知书, 不予受理通知书, 办结通知书,
  收费收据.
- ``documents.mediation`` — 人民调解 (A4): 申请书, 受理登记表, 权利义务告知书, 调解/调查笔录, 调解协议书,
  回访记录, 结案报告表, 信访登记表.

The hall documents and their data classes are re-exported here: ``from documents import
completion_notice, CompletionDocument``; the mediation documents are imported from their module:
``from documents.mediation import agreement, DisputeDocument``. The re-export is lazy (PEP 562): importing
``documents.fonts`` at start-up does not bring reportlab's page layout with it, which the background
thread of ``documents.fonts.prepare_printing`` imports while the login window waits.
"""

__all__ = [
    "CompletionDocument",
    "FeePayment",
    "IntakeDocument",
    "Office",
    "Party",
    "ReceiptMaterial",
    "acceptance_receipt",
    "completion_notice",
    "correction_notice",
    "fee_receipt",
    "rejection_notice",
]


def __getattr__(name: str):
    if name in __all__:
        from documents import hall

        return getattr(hall, name)
    raise AttributeError(f"module 'documents' has no attribute {name!r}")
