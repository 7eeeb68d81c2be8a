"""矛盾调解的数据表: disputes and their parties, sessions, agreement terms, follow-up visits; petitions
(信访) with their petitioners and replies; risk-assessment meetings with what they assessed and decided.

Links between areas (a grid worker's finding, a petition turned into a dispute) are kept by `uid`, which
survives a village post's records merging into the town hall's. Money is kept in 分.
"""

import peewee as pw

from models import codes
from models.db import JSONField, Record

# --- dispute statuses ------------------------------------------------------------------------------
REFERRED = "待受理"        # handed over (网格上报) and not yet taken on by the centre
MEDIATING = "调解中"
SUCCEEDED = "调解成功"
TERMINATED = "调解终止"    # 调解不成: the mediator ends it and tells the parties their routes
WITHDRAWN = "已撤回"
REFUSED = "不予受理"       # a party clearly refuses mediation (人民调解法 第十七条)
STATUSES = (REFERRED, MEDIATING, SUCCEEDED, TERMINATED, WITHDRAWN, REFUSED)
CLOSED_STATUSES = (SUCCEEDED, TERMINATED, WITHDRAWN, REFUSED)

SOURCES = ("当事人申请", "主动排查", "公安移交", "法院委托", "政府指定", "网格上报", "信访转入")
CHANNELS = ("人民调解", "行政调解", "司法调解")
JOINT_BODIES = ("人民法庭", "派出所", "司法所")           # 一庭两所
SIDES = ("申请人", "被申请人")
GENDERS = ("男", "女")
WRITTEN, ORAL = "书面协议", "口头协议"
ROUTES = ("仲裁", "行政", "诉讼")
PERFORMANCE = ("全部履行", "部分履行", "未履行")
SATISFACTION = ("满意", "基本满意", "不满意")
SESSION_KINDS = ("调解", "调查")

TIME_LIMIT_DAYS = 30       # 一般在一个月内调结 (2002 司法部规定 第三十三条)
MAX_EXTENSION_DAYS = 30    # one extension with both parties' consent (local rules)
DUE_SOON_DAYS = 5
CONFIRMATION_DAYS = 30     # 司法确认: apply jointly within 30 days (人民调解法 第三十三条)
FIRST_FOLLOW_UP_DAYS = 30  # first 回访 after an agreement

DISPUTE_TYPES = codes.define("dispute_type", "纠纷类型", tuple((name, "") for name in (
    "婚姻家庭纠纷", "邻里纠纷", "房屋宅基地纠纷", "合同纠纷", "生产经营纠纷", "损害赔偿纠纷", "山林土地纠纷",
    "征地拆迁纠纷", "环境污染纠纷", "劳动争议纠纷", "消费纠纷", "医疗纠纷", "道路交通事故纠纷", "物业纠纷",
    "土地承包经营纠纷", "村务管理纠纷", "其他纠纷")))
RISK_COLOURS = codes.define("risk_colour", "风险等级", (
    ("红", "涉及多部门、情况复杂，需联合处置"),
    ("橙", "可能激化升级，需重点关注"),
    ("黄", "常见的家庭、邻里纠纷"),
    ("蓝", "潜在风险，需跟踪"),
))

# --- petitions ---------------------------------------------------------------------------------------
PETITION_FORMS = ("来访", "来信", "网上", "电话")
REGISTERED, ASSIGNED, REPLIED, PETITION_CLOSED = "已登记", "已交办", "已答复", "已办结"
PETITION_STATUSES = (REGISTERED, ASSIGNED, REPLIED, PETITION_CLOSED)
PETITION_REPLY_DAYS = 60   # 信访条例: 60 days to reply (extendable by 30)


class Dispute(Record):
    """One dispute case (调解案件) from registration to closing."""

    number = pw.CharField(max_length=32, unique=True)
    status = pw.CharField(max_length=8, index=True)
    accepted_on = pw.DateField(index=True)
    source = pw.CharField(max_length=8)
    dispute_type = pw.CharField(max_length=32)
    facts = pw.TextField()
    amount_cents = pw.BigIntegerField(null=True)
    people_involved = pw.IntegerField(default=0)
    village = pw.CharField(max_length=64, default="")
    risk_colour = pw.CharField(max_length=8, default="")
    channel = pw.CharField(max_length=8, default="人民调解")
    joint = JSONField(default=list)                  # ["人民法庭", "派出所", "司法所"] taking part
    mediators = JSONField(default=list)              # usernames; the first is the lead mediator
    registrar = pw.CharField(max_length=64)          # display name of who registered it
    due_on = pw.DateField(null=True, index=True)     # 30 days from acceptance, or the extended date
    extended_days = pw.IntegerField(default=0)
    extension_consent = pw.TextField(default="")
    # closing
    closed_on = pw.DateField(null=True)
    close_reason = pw.TextField(default="")
    routes = JSONField(default=list)                 # told to the parties when mediation ends
    agreement_form = pw.CharField(max_length=8, default="")
    agreement_number = pw.CharField(max_length=32, default="", index=True)
    agreed_on = pw.DateField(null=True)
    dispute_points = pw.TextField(default="")
    responsibilities = pw.TextField(default="")
    oral_agreement = pw.TextField(default="")
    confirmation_due = pw.DateField(null=True)       # 司法确认 may be applied for until this day
    confirmation_result = pw.TextField(default="")
    follow_up_due = pw.DateField(null=True, index=True)
    # where it came from
    origin_kind = pw.CharField(max_length=16, default="")   # "patrol" (网格上报) / "petition" (信访转入)
    origin_uid = pw.CharField(max_length=36, default="", index=True)
    origin_note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "dispute"


class DisputeParty(Record):
    """A party as the 申请书 asks for them, copied from the registry when the case is registered."""

    dispute = pw.ForeignKeyField(Dispute, backref="parties", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    side = pw.CharField(max_length=4)
    kind = pw.CharField(max_length=4)                # 个人 / 单位
    party_uid = pw.CharField(max_length=36)          # the Person or Organisation
    name = pw.CharField(max_length=128)
    id_number = pw.CharField(max_length=32, default="", index=True)
    gender = pw.CharField(max_length=4, default="")
    ethnicity = pw.CharField(max_length=16, default="")
    age = pw.IntegerField(null=True)
    occupation = pw.CharField(max_length=64, default="")
    phone = pw.CharField(max_length=32, default="")
    address = pw.CharField(max_length=200, default="")
    representative = pw.CharField(max_length=64, default="")
    claims = pw.TextField(default="")

    class Meta:
        table_name = "dispute_party"


class AgreementTerm(Record):
    dispute = pw.ForeignKeyField(Dispute, backref="terms", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    content = pw.TextField()
    manner = pw.CharField(max_length=200)
    deadline = pw.CharField(max_length=100)
    place = pw.CharField(max_length=200)

    class Meta:
        table_name = "agreement_term"


class MediationSession(Record):
    """调解记录 (笔录) or 调查记录."""

    dispute = pw.ForeignKeyField(Dispute, backref="sessions", on_delete="CASCADE")
    kind = pw.CharField(max_length=4)
    started_at = pw.DateTimeField()                  # UTC, like every stored time
    ended_at = pw.DateTimeField(null=True)
    place = pw.CharField(max_length=100)
    mediators = pw.CharField(max_length=200)
    attendees = pw.CharField(max_length=400)
    recorder = pw.CharField(max_length=64)
    content = pw.TextField()
    agreed = pw.TextField(default="")
    next_step = pw.CharField(max_length=400, default="")

    class Meta:
        table_name = "mediation_session"


class FollowUp(Record):
    """回访记录."""

    dispute = pw.ForeignKeyField(Dispute, backref="follow_ups", on_delete="CASCADE")
    visited_on = pw.DateField()
    visitor = pw.CharField(max_length=64)
    reason = pw.CharField(max_length=200)
    performed = pw.CharField(max_length=8)
    satisfaction = pw.CharField(max_length=8)
    remaining_risk = pw.CharField(max_length=400, default="")
    notes = pw.TextField(default="")
    next_visit = pw.DateField(null=True)

    class Meta:
        table_name = "follow_up"


class Petition(Record):
    """信访登记."""

    number = pw.CharField(max_length=32, unique=True)
    status = pw.CharField(max_length=8, index=True)
    received_at = pw.DateTimeField()
    received_on = pw.DateField(index=True)
    form = pw.CharField(max_length=4)
    visitors = pw.IntegerField(default=1)            # 来访人数: the seed counts person-times
    matter = pw.TextField()
    request = pw.TextField(default="")
    department = pw.CharField(max_length=64, default="")
    reply_due = pw.DateField(null=True, index=True)
    result = pw.TextField(default="")
    satisfaction = pw.CharField(max_length=8, default="")
    registrar = pw.CharField(max_length=64)
    closed_on = pw.DateField(null=True)
    dispute_uid = pw.CharField(max_length=36, default="")   # when turned into a dispute case

    class Meta:
        table_name = "petition"


class Petitioner(Record):
    petition = pw.ForeignKeyField(Petition, backref="petitioners", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    kind = pw.CharField(max_length=4)
    party_uid = pw.CharField(max_length=36)
    name = pw.CharField(max_length=128)
    id_number = pw.CharField(max_length=32, default="", index=True)
    phone = pw.CharField(max_length=32, default="")
    address = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "petitioner"


class PetitionReply(Record):
    petition = pw.ForeignKeyField(Petition, backref="replies", on_delete="CASCADE")
    replied_on = pw.DateField()
    replied_by = pw.CharField(max_length=64)
    content = pw.TextField()

    class Meta:
        table_name = "petition_reply"


class RiskMeeting(Record):
    """风险研判会."""

    held_on = pw.DateField(index=True)
    place = pw.CharField(max_length=100, default="")
    chair = pw.CharField(max_length=64)
    attendees = pw.CharField(max_length=400)
    minutes = pw.TextField(default="")          # 会议纪要

    class Meta:
        table_name = "risk_meeting"


class RiskAssessment(Record):
    """One case discussed at a meeting, and how its risk was judged."""

    meeting = pw.ForeignKeyField(RiskMeeting, backref="assessments", on_delete="CASCADE")
    dispute = pw.ForeignKeyField(Dispute, null=True, backref="assessments", on_delete="SET NULL")
    petition = pw.ForeignKeyField(Petition, null=True, backref="assessments", on_delete="SET NULL")
    risk_colour = pw.CharField(max_length=8)
    opinion = pw.TextField()

    class Meta:
        table_name = "risk_assessment"


class RiskDecision(Record):
    """A decision taken at a meeting: who does it, by when; open until marked done."""

    meeting = pw.ForeignKeyField(RiskMeeting, backref="decisions", on_delete="CASCADE")
    content = pw.TextField()
    responsible = pw.CharField(max_length=64)
    due_on = pw.DateField(null=True, index=True)
    done_on = pw.DateField(null=True)
    done_note = pw.TextField(default="")

    class Meta:
        table_name = "risk_decision"


TABLES = [codes.CodeItem, Dispute, DisputeParty, AgreementTerm, MediationSession, FollowUp, Petition, Petitioner,
          PetitionReply, RiskMeeting, RiskAssessment, RiskDecision]
