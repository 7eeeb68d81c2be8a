"""What travels in a bundle: every business table (every ``Record`` subclass) in dependency order, with how
each row is written to and read from a bundle.

Kept out on purpose:
- ``audit_log`` (AuditEntry): the audit log is append-only local bookkeeping of who did what on THIS
  machine; copying it would mix two offices' logs and could not be matched by anything but insertion.
  Each side audits the exchange itself ("sync_export", "sync_import", …).
- settings, number counters, statistics summaries, search indexes and the sync tables themselves: local
  to one database (the summary and the search indexes are rebuilt from the imported rows).
- a model's ``MACHINE_LOCAL`` fields (a user's failed sign-ins, lock and last sign-in): the state of one
  machine, written without changing ``updated_at``; a row arriving for the first time gets their defaults.

Links between records:
- ``ForeignKeyField``s hold local ids: a bundle writes the uid of the referenced row and the import
  translates it back to the local id (``Table.fks``).
- Columns named ``*_uid`` (matter_uid, applicant_uid, party_uid, origin_uid, target_uid, person_uid,
  dispute_uid …) already hold uids, which are the same on every database: they travel unchanged. They
  are soft links (snapshots, looked up with a fallback), so an import does not refuse a bundle whose soft
  link points at a record the receiver lacks. When an admin resolves a "twin" conflict by taking the
  incoming record, the local twin takes the incoming uid and the soft links to it follow (``soft_links``);
  ``service_case.matter_uid`` is left alone: it records the matter as accepted and is never looked up.
  No integer column holds another record's id, and no JSON list holds ids (mediators are user names,
  grid_codes grid codes, participants names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import peewee as pw

from models.db import Record

BOOKKEEPING = ("id", "uid", "post", "created_by", "created_at", "updated_at")
# The pure reference lists every database seeds from the same shipped files, each with its own uids: a row
# identical to a local one under the same unique key is merged, not a conflict (see imports._twins).
REFERENCE = ("matter", "calendar_day", "code_item")


@dataclass
class Table:
    """One syncable table."""

    model: type
    name: str
    fields: list                        # the peewee fields, id excluded, in declaration order
    fks: list                           # the ForeignKeyFields
    natural: list = field(default_factory=list)   # [(fields…, live_only)] unique keys other than uid
    reference: bool = False
    search: object = None               # its SearchIndex, if it has one
    search_parents: list = field(default_factory=list)   # FKs whose parent's search text includes this row
    soft_links: list = field(default_factory=list)       # columns elsewhere holding this table's uids
    reverse_search: list = field(default_factory=list)   # (model, FK name): indexed rows whose text holds this row
    machine_local: list = field(default_factory=list)    # fields that never travel (a new row gets their default)

    @property
    def content(self) -> list[str]:
        """The field names that are the record's content (what a merge compares)."""
        return [f.name for f in self.fields if f.name not in BOOKKEEPING]

    @property
    def cascade_fks(self) -> list:
        """Foreign keys to the record that owns this one (deleted with it): a child belongs where its parent does."""
        return [f for f in self.fks if (f.on_delete or "").upper() == "CASCADE"]


def _record_models() -> list[type]:
    """Every Record subclass the application defines (importing the modules that define them)."""
    from models import accounts, audit, codes, people  # noqa: F401
    from models.hall import tables as _hall  # noqa: F401
    from models.mediation import tables as _mediation  # noqa: F401
    from models.patrol import tables as _patrol  # noqa: F401

    found, todo = [], list(Record.__subclasses__())
    while todo:
        model = todo.pop(0)
        if model not in found:
            found.append(model)
            todo.extend(model.__subclasses__())
    return found


def _ordered(models: list[type]) -> list[type]:
    """Parents before children (a stable topological order of the foreign keys)."""
    done: list[type] = []
    pending = list(models)
    while pending:
        for model in pending:
            parents = {f.rel_model for f in model._meta.sorted_fields if isinstance(f, pw.ForeignKeyField)}
            if all(p in done or p is model or p not in models for p in parents):
                done.append(model)
                pending.remove(model)
                break
        else:  # pragma: no cover - a cycle would be a schema bug
            raise RuntimeError(f"foreign-key cycle among {pending}")
    return done


def _natural_keys(model) -> list[tuple[tuple[str, ...], bool]]:
    """Unique keys other than uid: unique columns, unique indexes, and the partial "live" unique indexes
    written as SQL in the areas' modules (listed here, since they are not declared on the models)."""
    keys = []
    for f in model._meta.sorted_fields:
        if f.unique and f.name not in ("id", "uid"):
            keys.append(((f.name,), False))
    for columns, unique in model._meta.indexes:
        if unique:
            keys.append((tuple(columns), False))
    live = {
        "matter": [("code",)],
        "calendar_day": [("day",)],
        "rating": [("case",)],
        "person": [("id_type", "id_number")],
        "organisation": [("credit_code",)],
    }.get(model._meta.table_name, [])
    keys += [(columns, True) for columns in live]
    return keys


_CATALOG: list[Table] | None = None


def tables() -> list[Table]:
    """The syncable tables, parents first."""
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = _build()
    return _CATALOG


def by_name() -> dict[str, Table]:
    return {t.name: t for t in tables()}


def _build() -> list[Table]:
    from models.audit import AuditEntry
    from models.hall import cases
    from models.mediation import disputes, petitions
    from models.mediation.tables import Dispute, DisputeParty, Petition, Petitioner
    from models.patrol import events, hazards, patrols
    from models.patrol.tables import (
        CareSubject, Finding, GridEvent, Hazard, HelpRequest, KeyPerson, Premises,
    )
    from models.hall.tables import ServiceCase
    from models.people import Organisation, Person

    models = [m for m in _record_models() if m is not AuditEntry]
    searches = {index.model: index for index in (cases.SEARCH, disputes.SEARCH, petitions.SEARCH, patrols.SEARCH,
                                                 events.SEARCH, hazards.SEARCH)}
    # a child whose rows are part of its parent's search text: (child, FK field name)
    search_parents = {DisputeParty: ["dispute"], Petitioner: ["petition"], Finding: ["patrol"]}
    reverse_search = {Premises: [(Hazard, "premises")]}   # a hazard's search text holds its premises' name
    soft = {
        Person: [(ServiceCase, "applicant_uid"), (ServiceCase, "agent_uid"), (DisputeParty, "party_uid"),
                 (Petitioner, "party_uid"), (HelpRequest, "person_uid"), (CareSubject, "person_uid"),
                 (KeyPerson, "person_uid")],
        Organisation: [(ServiceCase, "applicant_uid"), (DisputeParty, "party_uid"), (Petitioner, "party_uid")],
        Finding: [(Dispute, "origin_uid")],
        Petition: [(Dispute, "origin_uid")],
        Dispute: [(Petition, "dispute_uid"), (Finding, "target_uid")],
        GridEvent: [(Finding, "target_uid")],
        Hazard: [(Finding, "target_uid")],
        HelpRequest: [(Finding, "target_uid")],
    }
    out = []
    for model in _ordered(models):
        local = getattr(model, "MACHINE_LOCAL", ())
        fields = [f for f in model._meta.sorted_fields if f.name != "id" and f.name not in local]
        table = Table(model=model, name=model._meta.table_name, fields=fields,
                      machine_local=[model._meta.fields[name] for name in local],
                      fks=[f for f in fields if isinstance(f, pw.ForeignKeyField)],
                      natural=_natural_keys(model), reference=model._meta.table_name in REFERENCE,
                      search=searches.get(model), search_parents=search_parents.get(model, []),
                      soft_links=soft.get(model, []), reverse_search=reverse_search.get(model, []))
        out.append(table)
    return out


def version_of(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


LABELS = {
    "user": "用户", "code_item": "可选项列表", "matter": "事项目录", "calendar_day": "节假日与调休",
    "person": "人员", "organisation": "单位", "service_case": "办件", "case_event": "办件流转记录",
    "fee_payment": "收费记录", "rating": "好差评", "dispute": "调解案件", "dispute_party": "调解当事人",
    "agreement_term": "调解协议条款", "mediation_session": "调解（调查）笔录", "follow_up": "回访记录",
    "petition": "信访", "petitioner": "信访人", "petition_reply": "信访答复", "risk_meeting": "风险研判会",
    "risk_assessment": "风险研判意见", "risk_decision": "研判会决定事项", "grid": "网格", "grid_member": "网格员",
    "patrol_log": "巡查日志", "patrol_grid": "巡查网格", "finding": "巡查发现问题", "grid_event": "事件",
    "event_step": "事件处理步骤", "premises": "场所", "inspection": "场所检查", "hazard": "隐患",
    "hazard_check": "隐患复查", "help_request": "群众求助", "care_subject": "关爱帮扶对象", "care_visit": "关爱走访",
    "key_person": "重点人员", "key_assessment": "重点人员评估", "key_visit": "重点人员走访",
}


def label(table: str) -> str:
    """The Chinese name of a syncable table (its own name when unknown)."""
    return LABELS.get(table, table)


# the columns that name a record to a person, in order of preference
DESCRIBE = ("number", "code", "username", "receipt_no", "name", "title", "display_name", "day")


def describe(table: str, row: dict | None, with_table: bool = True) -> str:
    """A record as a person recognises it: its table and number, code or name (``with_table`` False: only that
    number, code or name, or "" when it has none)."""
    name = label(table)
    for column in DESCRIBE:
        value = (row or {}).get(column)
        if value not in (None, ""):
            return f"{name} {value}" if with_table else str(value)
    return name if with_table else ""


def describe_record(table: str, uid) -> str | None:
    """The record of ``table`` with this uid here, described; None when this database does not have it."""
    found = by_name().get(table)
    if found is None:
        return None
    model = found.model
    row = model.get_or_none(model.uid == uid)
    return None if row is None else describe(table, row.__data__)
