"""一窗受理的数据表: the catalogue as the office edits it, the calendar's exceptions, cases and what hangs off them.

A case copies (snapshots) the matter's name, class, limits, fee and materials at intake, so a later
change to the catalogue never rewrites what the applicant was told.  Money is stored in 分 (integer
cents).  Everything the window writes is a ``Record``: it carries its post and author and merges into
the town hall's database without renumbering.
"""


import peewee as pw

from models.db import JSONField, Record  # noqa: F401 (JSONField re-exported)

# --- statuses -----------------------------------------------------------------------------------

CORRECTION = "待补正"
REJECTED = "不予受理"
ACCEPTED = "已受理"
PROCESSING = "办理中"
COMPLETED = "已办结"
DELIVERED = "已出件"
WITHDRAWN = "已撤回"
STATUSES = (CORRECTION, ACCEPTED, PROCESSING, COMPLETED, DELIVERED, REJECTED, WITHDRAWN)
OPEN_STATUSES = (ACCEPTED, PROCESSING)  # the promise is running
FINISHED_STATUSES = (COMPLETED, DELIVERED)

GRANTED = "准予"
REFUSED = "不予"
DECISIONS = (GRANTED, REFUSED)

CHANNELS = ("窗口", "渝快办网办", "代办", "邮寄")
ONLINE_CHANNEL = "渝快办网办"
DELIVERIES = ("自取", "邮寄")

# 好差评: five levels, 5 best.
RATING_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
RATING_ASPECTS = {"overall": "整体评价", "efficiency": "办事效率", "competence": "业务水平", "attitude": "服务态度"}
BAD_RATING = 2          # this level or worse opens a rectification item
RECTIFY_WORKDAYS = 15

# Material states on a case.
RECEIVED = "已收取"      # the window keeps it
CHECKED = "核验退还"     # seen and handed back (an original)
MISSING = "缺"          # to be supplied (补正)
MATERIAL_STATES = (RECEIVED, CHECKED, MISSING)


class CatalogueMatter(Record):
    """One matter of the office's catalogue (事项目录), seeded from resources/catalogue and edited by the admin."""

    code = pw.CharField(max_length=16)
    name = pw.CharField(max_length=100)
    matter_class = pw.CharField(max_length=8)
    department = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=8)
    legal_days = pw.IntegerField()
    legal_days_unit = pw.CharField(max_length=8, default="工作日")
    promised_days = pw.IntegerField()
    fee_cents = pw.IntegerField(default=0)
    fee_basis = pw.CharField(max_length=200, default="")
    materials = JSONField(default=list)     # [{"name", "form", "copies", "note"}]
    online = pw.BooleanField(default=False)
    bundles = JSONField(default=list)       # ["新生儿出生一件事", …]
    statute = pw.CharField(max_length=200, default="")
    active = pw.BooleanField(default=True)  # 停用: kept for old cases, not offered at intake
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "matter"


MATTER_CODE_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS matter_live_code ON matter (code) WHERE deleted_at IS NULL"
)


class CalendarDay(Record):
    """An administrator's exception to the working-day calendar: a holiday, or a 调休 working weekend."""

    day = pw.DateField()
    workday = pw.BooleanField()
    note = pw.CharField(max_length=64, default="")

    class Meta:
        table_name = "calendar_day"


CALENDAR_DAY_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS calendar_day_live ON calendar_day (day) WHERE deleted_at IS NULL"
)


class ServiceCase(Record):
    """办件: one application at the window, from intake to the result handed out."""

    number = pw.CharField(max_length=32, unique=True)
    status = pw.CharField(max_length=8, index=True)
    # the matter as accepted (snapshot)
    matter_uid = pw.CharField(max_length=40)
    matter_code = pw.CharField(max_length=16, index=True)
    matter_name = pw.CharField(max_length=100)
    matter_class = pw.CharField(max_length=8, index=True)
    department = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=8)
    legal_days = pw.IntegerField()
    legal_days_unit = pw.CharField(max_length=8)
    promised_days = pw.IntegerField()
    fee_cents = pw.IntegerField(default=0)
    fee_basis = pw.CharField(max_length=200, default="")
    materials = JSONField(default=list)     # [{"name", "form", "copies", "note", "state"}]
    # who applied (snapshot plus a link to the registry)
    applicant_kind = pw.CharField(max_length=8)            # 个人 / 单位
    applicant_uid = pw.CharField(max_length=40, index=True)
    applicant_name = pw.CharField(max_length=128)
    applicant_id_type = pw.CharField(max_length=16)
    applicant_id_number = pw.CharField(max_length=32, default="", index=True)
    applicant_phone = pw.CharField(max_length=32, default="")
    applicant_address = pw.CharField(max_length=200, default="")
    agent_uid = pw.CharField(max_length=40, null=True)
    agent_name = pw.CharField(max_length=64, default="")
    agent_id_type = pw.CharField(max_length=16, default="")
    agent_id_number = pw.CharField(max_length=32, default="")
    agent_phone = pw.CharField(max_length=32, default="")
    # how
    channel = pw.CharField(max_length=8, index=True)
    delivery = pw.CharField(max_length=4, default="自取")
    delivery_address = pw.CharField(max_length=200, default="")
    notes = pw.TextField(default="")
    # when and who
    received_at = pw.DateTimeField()                       # 收件 (UTC)
    received_on = pw.DateField(index=True)                 # local date of 收件
    accepted_on = pw.DateField(null=True, index=True)      # 受理之日 (local); later than received after 补正
    promised_date = pw.DateField(null=True, index=True)
    clerk = pw.CharField(max_length=64, index=True)
    clerk_name = pw.CharField(max_length=64)
    # outcome
    reason = pw.TextField(default="")                      # 补正说明 / 不予受理理由 / 撤回原因
    remedies = pw.TextField(default="")
    completed_at = pw.DateTimeField(null=True)
    completed_on = pw.DateField(null=True, index=True)
    decision = pw.CharField(max_length=4, default="")
    result_ref = pw.CharField(max_length=64, default="")
    result_note = pw.TextField(default="")
    delivered_at = pw.DateTimeField(null=True)
    delivery_note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "service_case"

    @property
    def fee(self):
        from decimal import Decimal
        return Decimal(self.fee_cents) / 100


class CaseEvent(Record):
    """One step in a case's life: who moved it from which status to which, when, and why."""

    case = pw.ForeignKeyField(ServiceCase, backref="events", on_delete="CASCADE")
    action = pw.CharField(max_length=16)
    from_status = pw.CharField(max_length=8, default="")
    to_status = pw.CharField(max_length=8)
    actor_name = pw.CharField(max_length=64)
    note = pw.TextField(default="")

    class Meta:
        table_name = "case_event"


class FeePaymentRecord(Record):
    """一窗收费: a fee paid at the window for a case."""

    case = pw.ForeignKeyField(ServiceCase, backref="fees", on_delete="CASCADE")
    receipt_no = pw.CharField(max_length=32, unique=True)
    amount_cents = pw.IntegerField()
    method = pw.CharField(max_length=8)
    payer_name = pw.CharField(max_length=128)
    clerk_name = pw.CharField(max_length=64)
    basis = pw.CharField(max_length=200, default="")
    note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "fee_payment"


class Rating(Record):
    """好差评 for a finished case; a 差评 opens a rectification item (整改) due in 15 working days."""

    case = pw.ForeignKeyField(ServiceCase, backref="ratings", on_delete="CASCADE")
    overall = pw.IntegerField()
    efficiency = pw.IntegerField()
    competence = pw.IntegerField()
    attitude = pw.IntegerField()
    comment = pw.TextField(default="")
    rectify_due = pw.DateField(null=True, index=True)       # set for a 差评
    rectified_at = pw.DateTimeField(null=True)
    rectified_by = pw.CharField(max_length=64, default="")
    rectify_result = pw.TextField(default="")

    class Meta:
        table_name = "rating"


RATING_CASE_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS rating_live_case ON rating (case_id) WHERE deleted_at IS NULL"

# Search: FTS5 trigram for three characters or more; for one or two characters (a surname, a short
# name) trigram finds nothing, so a second FTS5 index holds the text with every character a token
# and the query becomes a phrase of single characters — still an index lookup, never a table scan.
LIST_INDEXES = (
    "CREATE INDEX IF NOT EXISTS service_case_status_promised ON service_case (status, promised_date)",
    "CREATE INDEX IF NOT EXISTS service_case_clerk_id ON service_case (clerk, id)",
)

# Schema 3: a whole ID number typed in the search box finds an agent's cases through an index too.
AGENT_ID_INDEX = "CREATE INDEX IF NOT EXISTS service_case_agent_id ON service_case (agent_id_number)"

TABLES = [CatalogueMatter, CalendarDay, ServiceCase, CaseEvent, FeePaymentRecord, Rating]
INDEXES = (MATTER_CODE_INDEX, CALENDAR_DAY_INDEX, RATING_CASE_INDEX, *LIST_INDEXES)
