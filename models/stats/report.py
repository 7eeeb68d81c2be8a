"""统计报告 as a file: a period's statistics rendered as the PDF report (``documents.report``) or as an Excel
workbook (``documents.report.annual_workbook``), for the dashboard and ``main.py report`` alike. Each file
made is audited."""

from __future__ import annotations

from typing import Callable

from models import audit, settings
from models.accounts import User
from models.stats import figures
from models.stats.periods import Period

PDF, XLSX = "pdf", "xlsx"
FORMATS = {PDF: "PDF 报告", XLSX: "Excel 工作簿"}


def town_name() -> str:
    return settings.get("town_name") or ""


def render(stats: figures.Statistics, kind: str) -> bytes:
    """The file's bytes for statistics already computed (the dashboard's)."""
    from documents import report

    if kind == PDF:
        return report.annual_report(stats, town_name())
    if kind == XLSX:
        return report.annual_workbook(stats, town_name())
    raise ValueError(f"未知的报告格式：{kind}（可选：pdf、xlsx）")


def make(actor: User, period: Period, kind: str, post: str = "",
         progress: Callable[[int, int], None] | None = None) -> tuple[bytes, figures.Statistics]:
    """Compute the period's statistics and render them; the export is audited."""
    stats = figures.compute(actor, period, post, progress)
    data = render(stats, kind)
    log(actor, stats, kind)
    return data, stats


def log(actor: User, stats: figures.Statistics, kind: str) -> None:
    audit.log(actor.username, "export", f"导出统计报告 {stats.period.label}（{stats.scope_label}，{FORMATS[kind]}）")
