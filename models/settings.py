"""系统设置: the installation's town, post and counter preferences, kept in the database."""

import peewee as pw

from models import audit
from models.db import BaseModel, db
from models.errors import ValidationError
from models.validators import normalise_phone, refuse_control_characters, validate_post_code

RECEIPT_FORMATS = {
    "A4": "A4 纵向",
    "A5": "A5 横向",
    "80mm": "80毫米热敏小票",
}

DEFAULTS = {
    "town_name": "",
    "district": "",
    "post_name": "",
    "post_code": "",
    "hall_phone": "",
    "receipt_format": "A4",
    "idle_lock_minutes": "5",
}

LABELS = {
    "town_name": "镇（街道）名称",
    "district": "所属区县",
    "post_name": "本站点名称",
    "post_code": "站点代码",
    "hall_phone": "服务大厅电话",
    "receipt_format": "回执纸张格式",
    "idle_lock_minutes": "无操作自动锁定（分钟）",
}


class Setting(BaseModel):
    """One key of the installation's settings. Local to this database: never synchronised."""

    key = pw.CharField(max_length=64, primary_key=True)
    value = pw.TextField()


def get(key: str) -> str:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else DEFAULTS[key]


def get_all() -> dict[str, str]:
    """The installation's settings (not the clerks' own, such as their window)."""
    values = dict(DEFAULTS)
    values.update({row.key: row.value for row in Setting.select().where(Setting.key.in_(list(DEFAULTS)))})
    return values


def post_code_or_blank() -> str:
    row = Setting.get_or_none(Setting.key == "post_code")
    return row.value if row is not None else ""


def post_code() -> str:
    return get("post_code")


def idle_lock_minutes() -> int:
    return int(get("idle_lock_minutes"))


def clean(values: dict[str, str]) -> dict[str, str]:
    """Validate and normalise the given settings; raise ValidationError naming the first bad field."""
    out = {}
    for key, raw in values.items():
        if key not in DEFAULTS:
            raise KeyError(key)
        label = LABELS[key]
        value = refuse_control_characters((raw or "").strip(), label)
        if key in ("town_name", "post_name"):
            if not value:
                raise ValidationError(label, "不能为空。")
            if len(value) > 40:
                raise ValidationError(label, "不能超过40个字。")
        elif key == "district" and len(value) > 40:
            raise ValidationError(label, "不能超过40个字。")
        elif key == "post_code":
            value = validate_post_code(value, label)
        elif key == "hall_phone" and value:
            value = normalise_phone(value, label)
        elif key == "receipt_format" and value not in RECEIPT_FORMATS:
            raise ValidationError(label, "请选择：" + "、".join(RECEIPT_FORMATS.values()) + "。")
        elif key == "idle_lock_minutes":
            if not value.isdigit() or not 1 <= int(value) <= 120:
                raise ValidationError(label, "请填写1到120之间的整数。")
            value = str(int(value))
        out[key] = value
    return out


def write(values: dict[str, str]) -> None:
    """Store already-cleaned values. Part of a caller's transaction."""
    for key, value in values.items():
        Setting.insert(key=key, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()


def update(actor, values: dict[str, str]) -> dict[str, str]:
    """Change settings as `actor` (needs 系统设置 permission). The post code is fixed after set-up."""
    from models.accounts import require

    require(actor, "settings.manage")
    cleaned = clean(values)
    current = get_all()
    if "post_code" in cleaned and current["post_code"] and cleaned["post_code"] != current["post_code"]:
        raise ValidationError(LABELS["post_code"], "站点代码在初始化后不能修改：它已写入每一条记录和编号。")
    changed = {k: v for k, v in cleaned.items() if current.get(k) != v}
    if changed:
        with db.atomic():
            write(changed)
            audit.log(actor.username, "settings",
                      "；".join(f"{LABELS[k]}：{current.get(k) or '（空）'} → {v or '（空）'}" for k, v in changed.items()))
    return changed


# --- the counter window each clerk sits at (受理窗口, printed on the receipt) --------------------

WINDOW_KEY = "window:{}"
WINDOW_LABEL = "受理窗口"


def window_of(username: str) -> str:
    """The clerk's counter window, e.g. "3号窗口"; blank when not set."""
    row = Setting.get_or_none(Setting.key == WINDOW_KEY.format(username))
    return row.value if row is not None else ""


def set_window(actor, name: str) -> str:
    """The actor says which window they sit at (their own setting: no administrator needed)."""
    name = refuse_control_characters((name or "").strip(), WINDOW_LABEL)
    if len(name) > 20:
        raise ValidationError(WINDOW_LABEL, "窗口名称不能超过20个字，如“3号窗口”。")
    before = window_of(actor.username)
    if name != before:
        with db.atomic():
            write({WINDOW_KEY.format(actor.username): name})
            audit.log(actor.username, "settings", f"{WINDOW_LABEL}：{before or '（空）'} → {name or '（空）'}")
    return name
