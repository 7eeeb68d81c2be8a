"""网格巡查的数据表: grids and their workers; patrol logs with their findings; events (事件), hazards (隐患)
and help requests (群众求助) that findings become; the premises register and inspection visits; the care
register (关爱帮扶) and the key-person register (重点人员) with their visits and assessments.

Links between records that may travel between posts (a finding and the dispute it became) are kept by
``uid``; foreign keys join only records that are always written together at one post.
"""

import peewee as pw

from models import codes
from models.db import JSONField, Record

# --- grids ----------------------------------------------------------------------------------------
WORKER_KINDS = ("专职", "兼职")

# --- patrols --------------------------------------------------------------------------------------
DAY_SHIFT, NIGHT_SHIFT = "日间", "夜间"
SHIFTS = (DAY_SHIFT, NIGHT_SHIFT)
PATROL_TYPES = codes.define("patrol_type", "巡查类型", tuple((name, meaning) for name, meaning in (
    ("日常巡查", ""), ("夜间巡逻", ""), ("消防安全检查", "逐家检查场所，记录每家的检查结果"),
    ("道路交通劝导", ""), ("重点场所检查", "检查KTV、酒吧、网吧等重点场所"), ("安保维稳", ""), ("防汛地灾", ""),
    ("疫情防控", ""), ("反诈宣传", ""))))
INSPECTION_TYPES = ("消防安全检查", "重点场所检查")     # patrols that record each premises visited
WEATHER = ("晴", "多云", "阴", "小雨", "中雨", "大雨", "雪", "雾")

ON_SPOT, EVENT, HAZARD, HELP, DISPUTE = "当场处理", "事件", "隐患", "群众求助", "矛盾纠纷"
FINDING_KINDS = (ON_SPOT, EVENT, HAZARD, HELP, DISPUTE)
FINDING_CATEGORIES = codes.define("finding_category", "发现问题类别", tuple((name, "") for name in (
    "消防安全", "道路交通", "治安秩序", "环境卫生", "市容秩序", "地质灾害", "矛盾纠纷", "民生诉求", "安全生产",
    "食品安全", "其他")))

# --- events (事件): 上报 → 受理 → 分派 → 处置 → 办结 → 评价 --------------------------------------------------
EV_REPORTED, EV_ACCEPTED, EV_ASSIGNED, EV_HANDLED, EV_CLOSED, EV_RATED = (
    "已上报", "已受理", "已分派", "已处置", "已办结", "已评价")
EVENT_STATUSES = (EV_REPORTED, EV_ACCEPTED, EV_ASSIGNED, EV_HANDLED, EV_CLOSED, EV_RATED)
EVENT_OPEN = (EV_REPORTED, EV_ACCEPTED, EV_ASSIGNED, EV_HANDLED)
EVENT_SCALES = ("一般", "较大", "重大")
EVENT_DAYS = {"一般": 7, "较大": 3, "重大": 1}      # default time to 办结 from the report, by scale
EVENT_RATINGS = ("满意", "基本满意", "不满意")

# --- hazards (隐患): found → 限时整改 → 整改 → 复查 (销号, or a new deadline) ------------------------------------
HZ_OPEN, HZ_RECTIFIED, HZ_CLEARED = "整改中", "待复查", "已销号"
HAZARD_STATUSES = (HZ_OPEN, HZ_RECTIFIED, HZ_CLEARED)
HAZARD_CATEGORIES = codes.define("hazard_category", "隐患类别", tuple((name, "") for name in (
    "消防通道堵塞", "灭火器材缺失或失效", "电气线路私拉乱接", "违规使用燃气", "安全出口不畅", "违规住人（三合一）",
    "道路交通", "地质灾害", "房屋安全", "其他")))
HAZARD_LEVELS = ("一般隐患", "重大隐患")
VERIFY_PASS, VERIFY_FAIL = "合格", "不合格"
HAZARD_DUE_SOON_DAYS = 3

# --- help requests (群众求助) ----------------------------------------------------------------------------
HELP_OPEN, HELP_CLOSED = "处理中", "已办结"
HELP_TYPES = codes.define("help_type", "求助类别", tuple((name, "") for name in (
    "生活困难", "就医帮助", "出行帮助", "寻人寻物", "政策咨询", "邻里求助", "其他")))
HELP_CLOSINGS = ("当场解决", "协调解决", "转交部门办理", "转为事件办理", "说明解释")

# --- premises (场所) ------------------------------------------------------------------------------------
PREMISES_KINDS = codes.define("premises_kind", "场所类别", (
    ("商铺", ""), ("餐饮店", ""), ("小旅馆", ""), ("KTV", "重点场所"), ("酒吧", "重点场所"), ("网吧", "重点场所"),
    ("歌舞厅", "重点场所"), ("加油站", ""), ("学校", ""), ("养老机构", ""), ("生产企业", ""), ("其他", "")))
INSPECTION_RESULTS = ("合格", "发现隐患", "责令整改", "停业整顿", "未营业")

# --- care register (关爱帮扶) ---------------------------------------------------------------------------
CARE_GROUPS = codes.define("care_group", "关爱对象类别", tuple((name, "") for name in (
    "空巢老人", "独居老人", "留守儿童", "困境儿童", "留守妇女", "残疾人", "低保户", "特困人员", "重病患者", "其他")))
CARE_COLOURS = codes.define("care_colour", "关爱等级（四色）", (
    ("红", "需重点帮扶，每周走访", 7),
    ("橙", "需经常关注，每半月走访", 15),
    ("黄", "需定期关注，每月走访", 30),
    ("绿", "情况稳定，每季度走访", 90),
), number_label="走访间隔（天）")
CARE_ACTIVE, CARE_REMOVED = "在册", "已移出"
VISIT_KINDS = ("上门走访", "电话联系", "视频联系", "集中活动")

# --- key-person register (重点人员) ---------------------------------------------------------------------
MENTAL, DRUG, CORRECTION, RELEASED, CULT = "严重精神障碍患者", "吸毒人员", "社区矫正对象", "刑满释放人员", "邪教帮教对象"
KEY_CATEGORIES = (MENTAL, DRUG, CORRECTION, RELEASED, CULT)
DRUG_STAGES = ("社会面管控", "强制隔离戒毒", "社区戒毒", "社区康复", "戒断三年以上")
REHAB_STAGES = ("社区戒毒", "社区康复")
DANGER_LEVELS = tuple(range(6))
KEY_ACTIVE, KEY_RELEASED = "在管", "已解除"
# follow-up interval in days: 严重精神障碍 by danger level (national guideline: 3–5 级 within 2 weeks,
# 1–2 级 monthly, 0 级 every 3 months — and at least 4 times a year); the others by category
MENTAL_DAYS = {0: 90, 1: 30, 2: 30, 3: 14, 4: 14, 5: 14}
CATEGORY_DAYS = {DRUG: 30, CORRECTION: 30, RELEASED: 90, CULT: 30}
MIN_VISITS_A_YEAR = 4


class Grid(Record):
    """网格."""

    code = pw.CharField(max_length=16, unique=True)
    name = pw.CharField(max_length=64)
    village = pw.CharField(max_length=64, index=True)
    households = pw.IntegerField(default=0)
    population = pw.IntegerField(default=0)
    area_note = pw.CharField(max_length=200, default="")        # 四至范围
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "grid"


class GridMember(Record):
    """A grid worker assigned to a grid (专职 / 兼职)."""

    grid = pw.ForeignKeyField(Grid, backref="members", on_delete="CASCADE")
    username = pw.CharField(max_length=64, index=True)
    kind = pw.CharField(max_length=4)

    class Meta:
        table_name = "grid_member"


class PatrolLog(Record):
    """巡查日志: one patrol (a day's round, a night patrol, an inspection tour)."""

    number = pw.CharField(max_length=32, unique=True)
    patrol_date = pw.DateField(index=True)               # local date the patrol started
    shift = pw.CharField(max_length=4)
    started_at = pw.DateTimeField()                      # UTC
    ended_at = pw.DateTimeField()
    patrol_type = pw.CharField(max_length=32, index=True)
    grid_codes = JSONField(default=list)                 # for display; PatrolGrid rows are what is queried
    route = pw.TextField()                               # places / route
    leader = pw.CharField(max_length=64)
    participants = JSONField(default=list)               # names of the workers who took part (leader first)
    others = pw.IntegerField(default=0)                  # 其他参加人员 (police, volunteers …) counted, not named
    person_times = pw.IntegerField(default=1)            # len(participants) + others: the seed's 人次
    weather = pw.CharField(max_length=8, default="")
    overview = pw.TextField(default="")                  # 巡查情况 (what the patrol saw, in a few lines)
    recorder = pw.CharField(max_length=64)               # username of who wrote it

    class Meta:
        table_name = "patrol_log"


class PatrolGrid(Record):
    patrol = pw.ForeignKeyField(PatrolLog, backref="grid_links", on_delete="CASCADE")
    grid = pw.ForeignKeyField(Grid, backref="patrol_links", on_delete="CASCADE")

    class Meta:
        table_name = "patrol_grid"
        indexes = ((("grid", "patrol"), True),)


class Finding(Record):
    """One finding of a patrol: 问题 — 处理措施 — 反馈结果, and what it became."""

    patrol = pw.ForeignKeyField(PatrolLog, backref="findings", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    kind = pw.CharField(max_length=8, index=True)
    category = pw.CharField(max_length=32)
    place = pw.CharField(max_length=200)
    problem = pw.TextField()
    measure = pw.TextField(default="")
    feedback = pw.TextField(default="")
    target_uid = pw.CharField(max_length=36, default="", index=True)   # the event, hazard, request or dispute
    target_number = pw.CharField(max_length=32, default="")

    class Meta:
        table_name = "finding"


class GridEvent(Record):
    """事件 SJ-…: 上报 → 受理 → 分派 → 处置 → 办结 → 评价, each step dated and attributed (EventStep)."""

    number = pw.CharField(max_length=32, unique=True)
    status = pw.CharField(max_length=8, index=True)
    finding = pw.ForeignKeyField(Finding, null=True, backref="events", on_delete="SET NULL")
    grid = pw.ForeignKeyField(Grid, null=True, backref="events", on_delete="SET NULL")
    title = pw.CharField(max_length=100)                 # 事件名称
    category = pw.CharField(max_length=32)
    scale = pw.CharField(max_length=4, default="一般")
    people_involved = pw.IntegerField(default=0)
    occurred_at = pw.DateTimeField()                     # UTC
    reported_on = pw.DateField(index=True)
    place = pw.CharField(max_length=200)
    party = pw.CharField(max_length=200, default="")     # 当事人 (names, as told)
    description = pw.TextField()
    due_on = pw.DateField(index=True)                    # to be 办结 by
    handler = pw.CharField(max_length=64, default="")    # department or person it was assigned to
    handling = pw.TextField(default="")
    result = pw.TextField(default="")
    closed_on = pw.DateField(null=True)
    rating = pw.CharField(max_length=8, default="")

    class Meta:
        table_name = "grid_event"


class EventStep(Record):
    """One dated, attributed step of an event (the history the event dialog shows)."""

    event = pw.ForeignKeyField(GridEvent, backref="steps", on_delete="CASCADE")
    step = pw.CharField(max_length=8)                    # the status it led to
    at = pw.DateTimeField()                              # UTC
    by = pw.CharField(max_length=64)                     # display name
    note = pw.TextField(default="")

    class Meta:
        table_name = "event_step"


class Premises(Record):
    """场所: a shop or a key venue (KTV, bar, internet café …) that patrols inspect."""

    name = pw.CharField(max_length=128, index=True)
    kind = pw.CharField(max_length=32, index=True)
    key_venue = pw.BooleanField(default=False)           # 重点场所
    grid = pw.ForeignKeyField(Grid, null=True, backref="premises", on_delete="SET NULL")
    village = pw.CharField(max_length=64, default="")
    address = pw.CharField(max_length=200)
    operator = pw.CharField(max_length=64, default="")   # 经营者 / 负责人
    phone = pw.CharField(max_length=32, default="")
    licence = pw.CharField(max_length=32, default="")    # 统一社会信用代码 or licence number
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "premises"


class Inspection(Record):
    """One premises visited on an inspection patrol (家次) and what was found."""

    patrol = pw.ForeignKeyField(PatrolLog, backref="inspections", on_delete="CASCADE")
    premises = pw.ForeignKeyField(Premises, backref="inspections", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    result = pw.CharField(max_length=8)
    notes = pw.TextField(default="")

    class Meta:
        table_name = "inspection"


class Hazard(Record):
    """隐患 YH-…: 限时整改 by a deadline, rectified by the party responsible, verified on a later visit."""

    number = pw.CharField(max_length=32, unique=True)
    status = pw.CharField(max_length=8, index=True)
    finding = pw.ForeignKeyField(Finding, null=True, backref="hazards", on_delete="SET NULL")
    inspection = pw.ForeignKeyField(Inspection, null=True, backref="hazards", on_delete="SET NULL")
    premises = pw.ForeignKeyField(Premises, null=True, backref="hazards", on_delete="SET NULL")
    grid = pw.ForeignKeyField(Grid, null=True, backref="hazards", on_delete="SET NULL")
    category = pw.CharField(max_length=32)
    level = pw.CharField(max_length=8, default="一般隐患")
    place = pw.CharField(max_length=200)
    description = pw.TextField()
    requirement = pw.TextField()                         # 整改要求
    responsible = pw.CharField(max_length=128)           # the party responsible (person or business)
    responsible_phone = pw.CharField(max_length=32, default="")
    found_on = pw.DateField(index=True)
    deadline = pw.DateField(index=True)                  # 限时整改: the current deadline
    deadlines = pw.IntegerField(default=1)               # how many deadlines it has had (a failed check adds one)
    rectified_on = pw.DateField(null=True)
    rectification = pw.TextField(default="")
    verified_on = pw.DateField(null=True)
    verified_by = pw.CharField(max_length=64, default="")
    verification = pw.TextField(default="")
    cleared_on = pw.DateField(null=True, index=True)

    class Meta:
        table_name = "hazard"


class HazardCheck(Record):
    """A verification visit (复查) and its result; a failed one sets a new deadline."""

    hazard = pw.ForeignKeyField(Hazard, backref="checks", on_delete="CASCADE")
    checked_on = pw.DateField()
    checked_by = pw.CharField(max_length=64)
    result = pw.CharField(max_length=4)
    notes = pw.TextField(default="")
    new_deadline = pw.DateField(null=True)

    class Meta:
        table_name = "hazard_check"


class HelpRequest(Record):
    """群众求助 QZ-…: who asked, for what, how it was closed."""

    number = pw.CharField(max_length=32, unique=True)
    status = pw.CharField(max_length=8, index=True)
    finding = pw.ForeignKeyField(Finding, null=True, backref="help_requests", on_delete="SET NULL")
    grid = pw.ForeignKeyField(Grid, null=True, backref="help_requests", on_delete="SET NULL")
    asked_on = pw.DateField(index=True)
    requester = pw.CharField(max_length=64)
    person_uid = pw.CharField(max_length=36, default="")   # the registry record, when chosen from it
    phone = pw.CharField(max_length=32, default="")
    address = pw.CharField(max_length=200, default="")
    help_type = pw.CharField(max_length=32)
    need = pw.TextField()
    closing = pw.CharField(max_length=8, default="")
    result = pw.TextField(default="")
    closed_on = pw.DateField(null=True)
    closed_by = pw.CharField(max_length=64, default="")

    class Meta:
        table_name = "help_request"


class CareSubject(Record):
    """关爱帮扶对象: a person from the registry in one or more groups, with a care colour and a helper."""

    person_uid = pw.CharField(max_length=36, index=True)
    name = pw.CharField(max_length=64)
    id_number = pw.CharField(max_length=32, default="")
    gender = pw.CharField(max_length=4, default="")
    birth_date = pw.DateField(null=True)
    phone = pw.CharField(max_length=32, default="")
    address = pw.CharField(max_length=200, default="")
    village = pw.CharField(max_length=64, default="")
    grid = pw.ForeignKeyField(Grid, null=True, backref="care_subjects", on_delete="SET NULL")
    groups = JSONField(default=list)
    colour = pw.CharField(max_length=8, index=True)
    helper = pw.CharField(max_length=64)                 # 帮扶人 (display name)
    helper_phone = pw.CharField(max_length=32, default="")
    situation = pw.TextField(default="")                 # 基本情况
    needs = pw.TextField(default="")                     # 帮扶需求
    status = pw.CharField(max_length=8, default="在册", index=True)
    listed_on = pw.DateField()
    removed_on = pw.DateField(null=True)
    removed_reason = pw.CharField(max_length=200, default="")
    last_visit = pw.DateField(null=True)
    next_due = pw.DateField(null=True, index=True)

    class Meta:
        table_name = "care_subject"


class CareVisit(Record):
    subject = pw.ForeignKeyField(CareSubject, backref="visits", on_delete="CASCADE")
    visited_on = pw.DateField(index=True)
    visitor = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=8)
    content = pw.TextField()                             # 走访情况
    help_given = pw.TextField(default="")               # 帮扶措施
    colour = pw.CharField(max_length=8, default="")     # the colour after this visit (a visit may change it)

    class Meta:
        table_name = "care_visit"


class KeyPerson(Record):
    """重点人员: sensitive personal information (个人信息保护法 art. 28); every reading is audited."""

    person_uid = pw.CharField(max_length=36, index=True)
    name = pw.CharField(max_length=64)
    id_number = pw.CharField(max_length=32, default="")
    gender = pw.CharField(max_length=4, default="")
    phone = pw.CharField(max_length=32, default="")
    address = pw.CharField(max_length=200, default="")
    village = pw.CharField(max_length=64, default="")
    grid = pw.ForeignKeyField(Grid, null=True, backref="key_persons", on_delete="SET NULL")
    category = pw.CharField(max_length=16, index=True)
    danger_level = pw.IntegerField(null=True)            # 严重精神障碍: 0–5
    stage = pw.CharField(max_length=16, default="")      # 吸毒人员: 社区戒毒, 社区康复 …
    responsible = pw.CharField(max_length=64)            # 管控责任人
    helper = pw.CharField(max_length=64, default="")     # 帮扶人
    guardian = pw.CharField(max_length=64, default="")   # 监护人 (严重精神障碍)
    measures = pw.TextField(default="")                  # 管控措施
    status = pw.CharField(max_length=8, default="在管", index=True)
    listed_on = pw.DateField()                           # 列管日期
    released_on = pw.DateField(null=True)
    released_reason = pw.CharField(max_length=200, default="")
    last_visit = pw.DateField(null=True)
    next_due = pw.DateField(null=True, index=True)

    class Meta:
        table_name = "key_person"


class KeyAssessment(Record):
    """危险性评估 (严重精神障碍) or a periodic assessment of another category."""

    key_person = pw.ForeignKeyField(KeyPerson, backref="assessments", on_delete="CASCADE")
    assessed_on = pw.DateField()
    assessor = pw.CharField(max_length=64)
    danger_level = pw.IntegerField(null=True)
    notes = pw.TextField(default="")

    class Meta:
        table_name = "key_assessment"


class KeyVisit(Record):
    key_person = pw.ForeignKeyField(KeyPerson, backref="visits", on_delete="CASCADE")
    visited_on = pw.DateField(index=True)
    visitor = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=8)
    situation = pw.TextField()                           # 现实表现
    measures = pw.TextField(default="")

    class Meta:
        table_name = "key_visit"


TABLES = [Grid, GridMember, PatrolLog, PatrolGrid, Finding, GridEvent, EventStep, Premises, Inspection, Hazard,
          HazardCheck, HelpRequest, CareSubject, CareVisit, KeyPerson, KeyAssessment, KeyVisit]
LISTS = [PATROL_TYPES, FINDING_CATEGORIES, HAZARD_CATEGORIES, HELP_TYPES, PREMISES_KINDS, CARE_GROUPS, CARE_COLOURS]
