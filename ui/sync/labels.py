"""How the sync screens name tables, fields and values in Chinese.

models/sync names the tables (``sync.table_label``) but not their fields: the field labels below gather
the areas' own label maps (people, catalogue, care and key-person registers, premises) and name the other
columns here, so a conflict shows 联系电话 rather than ``phone``. A record is named by models/sync
(``catalog.describe``); a foreign key shows the record it points to, looked up there (``describe_record``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

import peewee as pw
from PySide6.QtCore import QCoreApplication

from models import accounts, sync
from models.db import JSONField
from models.people import shown_id
from models.sync import catalog

COUNT_LABELS = {"inserted": "新增", "updated": "更新", "unchanged": "未变", "merged": "合并",
                "stale": "旧版本忽略", "superseded": "以镇中心为准", "conflicts": "冲突"}
# what each count means, for the result table's header tooltips
COUNT_HINTS = {
    "inserted": "本机原来没有的记录，已新增",
    "updated": "对方修改过、本机没有改过的记录，已更新为对方的版本",
    "unchanged": "与本机完全相同的记录，未作改动",
    "merged": "双方各自预置的相同参考数据（事项目录、节假日、选项），已合并为一条",
    "stale": "比本机已有版本更旧的记录，已忽略，不会覆盖较新的数据",
    "superseded": "同一条冲突双方都处理过：以镇便民服务中心的处理为准，对方的版本留在“冲突”页的已处理记录中",
    "conflicts": "双方都修改过的记录：两边都未被覆盖，请在“冲突”页逐条处理",
}

# every table's common columns
_COMMON = {
    "uid": "记录标识", "post": "所属站点", "created_by": "登记人", "created_at": "登记时间",
    "updated_at": "最后修改时间", "deleted_at": "删除时间", "deleted_by": "删除人",
}

# the other columns, by name (a table's own map below wins)
_FIELDS = {
    "username": "用户名", "display_name": "姓名", "roles": "角色", "phone": "联系电话", "active": "启用",
    "password_hash": "密码", "must_change_password": "下次登录须改密码", "failed_logins": "连续登录失败次数",
    "locked_until": "锁定至", "last_login_at": "最近登录时间", "code": "编码", "name": "名称",
    "matter_class": "事项类别", "department": "承办机构", "kind": "类型", "legal_days": "法定办结时限",
    "legal_days_unit": "法定时限单位", "promised_days": "承诺办结时限", "fee_cents": "收费金额",
    "fee_basis": "收费依据", "materials": "申请材料", "online": "全程网办", "bundles": "一件事", "statute": "设定依据",
    "position": "排序", "day": "日期", "workday": "工作日", "note": "备注", "number": "编号", "status": "状态",
    "matter_uid": "事项（标识）", "matter_code": "事项编码", "matter_name": "事项名称",
    "applicant_kind": "申请人类型", "applicant_uid": "申请人（标识）", "applicant_name": "申请人",
    "applicant_id_type": "申请人证件类型", "applicant_id_number": "申请人证件号码", "applicant_phone": "申请人电话",
    "applicant_address": "申请人地址", "agent_uid": "代理人（标识）", "agent_name": "代理人",
    "agent_id_type": "代理人证件类型", "agent_id_number": "代理人证件号码", "agent_phone": "代理人电话",
    "channel": "渠道", "delivery": "送达方式", "delivery_address": "送达地址", "notes": "备注",
    "received_at": "收件时间", "received_on": "收件日期", "accepted_on": "受理日期", "promised_date": "承诺办结日期",
    "clerk": "经办人", "clerk_name": "经办人姓名", "reason": "理由", "remedies": "救济途径",
    "completed_at": "办结时间", "completed_on": "办结日期", "decision": "办理结果", "result_ref": "结果文号",
    "result_note": "结果说明", "delivered_at": "送达时间", "delivery_note": "送达说明", "case": "所属办件",
    "action": "操作", "from_status": "原状态", "to_status": "新状态", "actor_name": "操作人",
    "receipt_no": "收据号", "amount_cents": "金额", "method": "方式", "payer_name": "缴款人", "basis": "依据",
    "overall": "总体评价", "efficiency": "办事效率", "competence": "业务能力", "attitude": "服务态度",
    "comment": "评价意见", "rectify_due": "整改期限", "rectified_at": "整改时间", "rectified_by": "整改人",
    "rectify_result": "整改结果", "gender": "性别", "ethnicity": "民族", "id_type": "证件类型",
    "id_number": "证件号码", "birth_date": "出生日期", "address": "地址", "village": "村（社区）",
    "credit_code": "统一社会信用代码", "legal_rep": "法定代表人", "contact": "联系人", "list_key": "所属列表",
    "meaning": "含义", "source": "来源", "dispute_type": "纠纷类型", "facts": "纠纷事实", "people_involved": "涉及人数",
    "risk_colour": "风险等级", "joint": "联合调解", "mediators": "调解员", "registrar": "登记人员",
    "due_on": "期限", "extended_days": "延长天数", "extension_consent": "当事人同意延期", "closed_on": "结案日期",
    "close_reason": "结案方式", "routes": "告知的其他途径", "agreement_form": "协议形式",
    "agreement_number": "协议书编号", "agreed_on": "达成协议日期", "dispute_points": "争议焦点",
    "responsibilities": "责任认定", "oral_agreement": "口头协议内容", "confirmation_due": "司法确认期限",
    "confirmation_result": "司法确认结果", "follow_up_due": "回访期限", "origin_kind": "案件来源类型",
    "origin_uid": "来源记录（标识）", "origin_note": "来源说明", "dispute": "所属调解案件", "side": "当事人地位",
    "party_uid": "当事人（标识）", "age": "年龄", "occupation": "职业", "representative": "代理人",
    "claims": "请求事项", "content": "内容", "manner": "履行方式", "deadline": "期限", "place": "地点",
    "started_at": "开始时间", "ended_at": "结束时间", "attendees": "参加人员", "recorder": "记录人",
    "agreed": "达成一致", "next_step": "下一步", "visited_on": "走访日期", "visitor": "走访人",
    "performed": "履行情况", "satisfaction": "满意度", "remaining_risk": "遗留风险", "next_visit": "下次回访",
    "form": "来访形式", "visitors": "来访人数", "matter": "信访事项", "request": "诉求", "reply_due": "答复期限",
    "result": "结果", "dispute_uid": "转调解案件（标识）", "petition": "所属信访", "replied_on": "答复日期",
    "replied_by": "答复人", "held_on": "召开日期", "chair": "主持人", "minutes": "会议记录", "meeting": "所属研判会",
    "opinion": "研判意见", "responsible": "责任人", "done_on": "完成日期", "done_note": "完成情况",
    "households": "户数", "population": "人口", "area_note": "区域说明", "grid": "网格", "patrol_date": "巡查日期",
    "shift": "班次", "patrol_type": "巡查类型", "grid_codes": "巡查网格", "route": "路线", "leader": "带队人",
    "participants": "参加人员", "others": "其他人数", "person_times": "人次", "weather": "天气", "overview": "巡查概况",
    "patrol": "所属巡查日志", "category": "类别", "problem": "发现的问题", "measure": "处置措施",
    "feedback": "反馈", "target_uid": "转办记录（标识）", "target_number": "转办记录编号", "finding": "来源巡查发现",
    "title": "标题", "scale": "规模", "occurred_at": "发生时间", "reported_on": "报告日期", "party": "当事人",
    "description": "情况描述", "handler": "处理人", "handling": "处理情况", "rating": "评价", "event": "所属事件",
    "step": "步骤", "at": "时间", "by": "处理人", "key_venue": "重点场所", "operator": "经营者", "licence": "证照号码",
    "premises": "场所", "inspection": "来源场所检查", "level": "等级", "requirement": "整改要求",
    "responsible_phone": "责任人电话", "found_on": "发现日期", "deadlines": "期限变更记录", "rectified_on": "整改日期",
    "rectification": "整改情况", "verified_on": "核查日期", "verified_by": "核查人", "verification": "核查意见",
    "cleared_on": "销号日期", "hazard": "所属隐患", "checked_on": "复查日期", "checked_by": "复查人",
    "new_deadline": "新的期限", "asked_on": "求助日期", "requester": "求助人", "person_uid": "人员（标识）",
    "help_type": "求助类型", "need": "求助内容", "closing": "办结方式", "closed_by": "办结人", "groups": "关爱对象类别",
    "colour": "关爱等级", "helper": "帮扶人", "helper_phone": "帮扶人电话", "situation": "基本情况", "needs": "帮扶需求",
    "listed_on": "列入日期", "removed_on": "移出日期", "removed_reason": "移出原因", "last_visit": "最近走访日期",
    "next_due": "下次走访日期", "subject": "所属关爱对象", "help_given": "帮扶内容", "danger_level": "危险性等级",
    "stage": "管控阶段", "guardian": "监护人", "measures": "管控措施", "released_on": "解除日期",
    "released_reason": "解除原因", "key_person": "所属重点人员", "assessed_on": "评估日期", "assessor": "评估人",
}

_HIDDEN = {"password_hash"}          # never shown, only whether the two versions differ
_ID_NUMBERS = {"id_number", "applicant_id_number", "agent_id_number"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("sync", text)


def _table_labels() -> dict[str, dict[str, str]]:
    """The areas' own label maps, by table."""
    from models import people
    from models.hall import matters
    from models.patrol import premises, registers

    return {
        "person": people.PERSON_LABELS, "organisation": people.ORGANISATION_LABELS,
        "matter": matters.MATTER_LABELS, "care_subject": registers.CARE_LABELS, "key_person": registers.KEY_LABELS,
        "premises": premises.LABELS,
        "user": {"display_name": "姓名", "active": "账户启用"},
        "grid": {"code": "网格编码", "name": "网格名称"},
        "grid_member": {"username": "网格员（用户名）", "kind": "网格员类型"},
        "code_item": {"name": "选项", "number": "数值"},
        "calendar_day": {"workday": "上班（调休）日"},
        "petitioner": {"kind": "信访人类型"}, "dispute_party": {"kind": "当事人类型"},
    }


_TABLE_LABELS: dict | None = None


def table_label(table: str) -> str:
    return sync.table_label(table)


def field_label(table: str, name: str) -> str:
    """The Chinese label of a column of a syncable table (its name when none is known)."""
    global _TABLE_LABELS
    if _TABLE_LABELS is None:
        _TABLE_LABELS = _table_labels()
    own = _TABLE_LABELS.get(table, {})
    return own.get(name) or _COMMON.get(name) or _FIELDS.get(name) or name


def table_fields(table: str) -> list:
    """The peewee fields of a syncable table in declaration order (id excluded); [] for an unknown table."""
    found = catalog.by_name().get(table)
    return list(found.fields) if found is not None else []


def _local(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    from ui.common import local_time

    return local_time(moment, fmt="%Y-%m-%d %H:%M:%S")


def _cents(value) -> str:
    try:
        return f"{int(value) / 100:,.2f} 元"
    except (TypeError, ValueError):
        return str(value)


def value_text(actor, table: str, field, value) -> str:
    """A bundle value (JSON-ready; foreign keys as uids) as shown side by side."""
    name = field.name if field is not None else ""
    if value is None or value == "":
        return ""
    if name in _HIDDEN:
        return _tr("（不显示）")
    if name in _ID_NUMBERS:
        return shown_id(actor, str(value))
    if name == "post":
        return str(value)
    if isinstance(field, pw.ForeignKeyField):
        parent = field.rel_model._meta.table_name
        found = catalog.describe_record(parent, str(value))
        if found is not None:
            return found
        return _tr("{0}（本机还没有，标识 {1}…）").format(table_label(parent), str(value)[:8])
    if isinstance(field, pw.BooleanField) or isinstance(value, bool):
        return _tr("是") if value else _tr("否")
    if isinstance(field, pw.DateTimeField):
        return _local(value)
    if name.endswith("_cents"):
        return _cents(value)
    if name == "roles" and isinstance(value, str):
        return "、".join(accounts.ROLES.get(r, r) for r in value.split(",") if r)
    if isinstance(field, JSONField) or isinstance(value, (list, dict)):
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            return "、".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class Compared(NamedTuple):
    label: str
    mine: str
    theirs: str
    different: bool
    bookkeeping: bool      # who and when (登记人, 最后修改时间 …), not the record's content


def compared_rows(actor, conflict) -> list[Compared]:
    """Each column of a conflict's record, both versions as texts: the content first, then the bookkeeping
    (the record's identity, post, author and stamps)."""
    table = conflict.table
    fields = table_fields(table)
    local, incoming = conflict.local or {}, conflict.incoming or {}
    if not fields:       # a table this version does not know: every key either side has
        names = list(dict.fromkeys([*local, *incoming]))
        fields = [None] * len(names)
    else:
        names = [f.name for f in fields]
    rows, tail = [], []
    for name, field in zip(names, fields):
        if name in ("id", "_base"):
            continue
        a, b = local.get(name), incoming.get(name)
        entry = Compared(field_label(table, name), value_text(actor, table, field, a),
                         value_text(actor, table, field, b), a != b, name in _COMMON)
        (tail if entry.bookkeeping else rows).append(entry)
    return rows + tail
