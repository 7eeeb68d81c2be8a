"""What every area's printing hands back, and the audit line a printed document leaves."""

from __future__ import annotations

from dataclasses import dataclass

from models import audit
from models.accounts import User
from models.audit import AuditEntry


@dataclass(frozen=True)
class Printable:
    kind: str
    title: str          # e.g. 受理通知书 SL-DT00-20221012-0001
    file_name: str      # e.g. 受理通知书-SL-DT00-20221012-0001.pdf
    record: object      # the case or fee the audit line points at
    pdf: bytes


def log_print(actor: User, printable: Printable, how: str = "打印") -> AuditEntry:
    """Audit a document that left the window; the second and later prints say 重打."""
    title = printable.title
    earlier = (AuditEntry.select()
               .where(AuditEntry.action == "print", AuditEntry.record_uid == str(printable.record.uid),
                      AuditEntry.summary.contains(title))
               .exists())
    return audit.log(actor.username, "print", f"{how}{title}" + ("（重打）" if earlier else ""), printable.record)
