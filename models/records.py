"""The life of every business record: created with its post and author, changed, soft-deleted — each audited.

Areas (people, hall, mediation, patrol) call these inside their own transaction after validating,
so the stamping and the audit trail are written once for all of them.
"""

from models import audit, settings
from models.db import Record


def create(actor, model: type[Record], summary: str, **fields) -> Record:
    record = model.create(post=settings.post_code(), created_by=actor.username, **fields)
    audit.log(actor.username, "create", summary, record)
    return record


def update(actor, record: Record, fields: dict, summary: str, labels: dict[str, str] | None = None) -> list[str]:
    """Apply the fields that differ; audit which ones (by their Chinese labels). Returns the changed names."""
    changed = [key for key, value in fields.items() if getattr(record, key) != value]
    if changed:
        for key in changed:
            setattr(record, key, fields[key])
        record.save()
        names = "、".join((labels or {}).get(key, key) for key in changed)
        audit.log(actor.username, "update", f"{summary}：{names}", record)
    return changed


def delete(actor, record: Record, summary: str) -> None:
    """Soft delete: hidden everywhere, kept in the file (and carried to the town hall) and in the log."""
    record.mark_deleted(actor.username)
    audit.log(actor.username, "delete", summary, record)
