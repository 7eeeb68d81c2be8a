"""The matter catalogue (事项目录) the service hall ships with, and its reader.

The catalogue is data: ``resources/catalogue/matters.json``.  ``load_catalogue`` reads it and
checks every entry; anything wrong raises ``ValidationError(field, reason)`` whose Chinese reason
names the matter code and the problem, so a technician who edits the file knows what to fix.
Standard library only (no Qt, no database): the tables that store the catalogue come later and
are filled from this reader.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

from models.errors import ValidationError
from models.paths import resource_path
from models.validators import refuse_control_characters

__all__ = [
    "CATALOGUE_VERSION",
    "MATTER_CLASSES",
    "CLASS_PREFIXES",
    "KINDS",
    "IMMEDIATE",
    "PROMISED",
    "MATERIAL_FORMS",
    "Material",
    "Matter",
    "default_catalogue_path",
    "load_catalogue",
    "parse_catalogue",
    "bundles",
    "find",
    "parse_matter",
    "LABELS",
]

CATALOGUE_VERSION = 1

# The seed report's three statistics classes: 许可等行政审批 / 社保等行政服务 / 婚姻登记等其他.
MATTER_CLASSES = ("行政审批", "行政服务", "其他")
# Codes are "<class prefix>-<serial>", e.g. XZSP-001, XZFW-012, QT-003.
CLASS_PREFIXES = {"行政审批": "XZSP", "行政服务": "XZFW", "其他": "QT"}

IMMEDIATE = "即办件"   # finished on the spot or the same day
PROMISED = "承诺件"    # needs review; the window promises a limit in working days
KINDS = (IMMEDIATE, PROMISED)

MATERIAL_FORMS = ("原件", "复印件", "原件及复印件")
# Most statutes count the legal limit in working days (行政许可法 art. 82); a few count calendar days
# (居住证暂行条例 15日, 居民身份证法 60日, 法律援助法 7日). The hall's own promise is always in working days.
DAY_UNITS = ("工作日", "自然日")

_CODE_RE = re.compile(r"^([A-Z]+)-(\d{3,4})$")
_MATTER_KEYS = frozenset({
    "code", "name", "class", "department", "kind", "legal_days", "legal_days_unit", "promised_days", "fee",
    "fee_basis", "materials", "online", "bundles", "statute",
})
_REQUIRED_KEYS = ("code", "name", "class", "department", "kind", "legal_days", "promised_days",
                  "materials")
_MATERIAL_KEYS = frozenset({"name", "form", "copies", "note"})
_TOP_KEYS = frozenset({"version", "source", "matters"})

# Chinese labels for the ValidationError ``field``.
LABELS = {
    "code": "事项编码",
    "name": "事项名称",
    "class": "事项类别",
    "department": "承办机构",
    "kind": "办件类型",
    "legal_days": "法定办结时限",
    "legal_days_unit": "法定时限单位",
    "promised_days": "承诺办结时限",
    "fee": "收费金额",
    "fee_basis": "收费依据",
    "materials": "申请材料",
    "online": "全程网办",
    "bundles": "一件事",
    "statute": "设定依据",
}
_CATALOGUE = "事项目录"


@dataclass(frozen=True)
class Material:
    """One item of a matter's 申请材料清单."""

    name: str
    form: str            # one of MATERIAL_FORMS
    copies: int = 1
    note: str = ""


@dataclass(frozen=True)
class Matter:
    """One matter (事项) the window accepts."""

    code: str
    name: str
    matter_class: str        # one of MATTER_CLASSES
    department: str          # the back office (后台) that decides
    kind: str                # one of KINDS
    legal_days: int          # 法定办结时限, in legal_days_unit
    promised_days: int       # 承诺办结时限, working days
    fee: Decimal             # yuan; Decimal("0") when free
    fee_basis: str
    materials: tuple[Material, ...]
    online: bool             # 渝快办 全程网办
    bundles: tuple[str, ...]  # 一件事 bundles it belongs to
    statute: str
    legal_days_unit: str = "工作日"  # one of DAY_UNITS

    @property
    def is_immediate(self) -> bool:
        return self.kind == IMMEDIATE

    @property
    def is_free(self) -> bool:
        return self.fee == 0


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

def default_catalogue_path() -> Path:
    return resource_path("catalogue", "matters.json")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValidationError(_CATALOGUE, f"同一条目中字段“{key}”出现了两次，请删除多余的一个")
        result[key] = value
    return result


def load_catalogue(path: str | Path | None = None) -> list[Matter]:
    """Read and check the catalogue file (default: the shipped resources/catalogue/matters.json)."""
    file = Path(path) if path is not None else default_catalogue_path()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(_CATALOGUE, f"找不到事项目录文件 {file}，请重新安装程序或检查路径") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(_CATALOGUE, f"无法读取事项目录文件 {file}（{exc}），请确认文件为 UTF-8 编码且可读") from None
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _CATALOGUE, f"事项目录文件 {file.name} 第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON：{exc.msg}"
        ) from None
    return parse_catalogue(data)


def parse_catalogue(data: Any) -> list[Matter]:
    """Check already-decoded catalogue data (the JSON document as Python objects)."""
    if not isinstance(data, dict):
        raise ValidationError(_CATALOGUE, "事项目录应为一个 JSON 对象，包含 version 和 matters")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ValidationError(_CATALOGUE, f"事项目录含有未知字段：{'、'.join(unknown)}")
    version = data.get("version")
    if version != CATALOGUE_VERSION or isinstance(version, bool):
        raise ValidationError(
            _CATALOGUE, f"事项目录版本为 {version!r}，本程序只能读取版本 {CATALOGUE_VERSION}，请升级程序或更换目录文件"
        )
    entries = data.get("matters")
    if not isinstance(entries, list) or not entries:
        raise ValidationError(_CATALOGUE, "事项目录中没有事项（matters 应为非空列表）")

    matters: list[Matter] = []
    codes: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        matter = parse_matter(entry, index)
        key = matter.code.upper()
        if key in codes:
            raise ValidationError(
                LABELS["code"], f"事项编码 {matter.code} 重复（第 {codes[key]} 条和第 {index} 条），每个事项的编码必须唯一"
            )
        codes[key] = index
        if matter.name in names:
            raise ValidationError(
                LABELS["name"],
                f"事项 {matter.code} 的名称“{matter.name}”与事项 {names[matter.name]} 重复，请区分事项名称",
            )
        names[matter.name] = matter.code
        matters.append(matter)
    return matters


def _who(code: str | None, index: int) -> str:
    return f"事项 {code}" if code else f"第 {index} 个事项"


def _text(entry: dict, key: str, who: str, *, required: bool) -> str:
    value = entry.get(key)
    label = LABELS[key]
    if value is None:
        if required:
            raise ValidationError(label, f"{who}缺少{label}")
        return ""
    if not isinstance(value, str):
        raise ValidationError(label, f"{who}的{label}应为文字")
    value = refuse_control_characters(value.strip(), label)
    if required and not value:
        raise ValidationError(label, f"{who}的{label}为空")
    return value


def _days(entry: dict, key: str, who: str) -> int:
    label = LABELS[key]
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(label, f"{who}的{label}应为整数个工作日，现为 {value!r}")
    if value < 0:
        raise ValidationError(label, f"{who}的{label}不能为负数（现为 {value} 个工作日）")
    return value


def _fee(entry: dict, who: str) -> Decimal:
    label = LABELS["fee"]
    value = entry.get("fee", 0)
    if isinstance(value, bool) or value is None:
        raise ValidationError(label, f"{who}的{label}应为数字（元），免费填 0")
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, (int, float, str, Decimal)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(label, f"{who}的{label}应为数字（元），现为 {value!r}")
    if amount < 0:
        raise ValidationError(label, f"{who}的{label}不能为负数（现为 {amount} 元）")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(label, f"{who}的{label}最多精确到分（两位小数），现为 {amount} 元")
    return amount.quantize(Decimal("0.01")) if amount else Decimal("0")


def _materials(entry: dict, who: str, kind: str) -> tuple[Material, ...]:
    label = LABELS["materials"]
    raw = entry.get("materials")
    if not isinstance(raw, list):
        raise ValidationError(label, f"{who}的{label}应为列表")
    if not raw and kind == PROMISED:
        raise ValidationError(label, f"{who}是承诺件，必须列出申请材料")
    result: list[Material] = []
    seen: set[str] = set()
    for number, item in enumerate(raw, start=1):
        where = f"{who}的第 {number} 项申请材料"
        if not isinstance(item, dict):
            raise ValidationError(label, f"{where}应为对象（含 name、form、copies）")
        unknown = sorted(set(item) - _MATERIAL_KEYS)
        if unknown:
            raise ValidationError(label, f"{where}含有未知字段：{'、'.join(unknown)}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(label, f"{where}缺少材料名称")
        name = name.strip()
        if name in seen:
            raise ValidationError(label, f"{who}的申请材料“{name}”重复列出")
        seen.add(name)
        form = item.get("form")
        if form not in MATERIAL_FORMS:
            raise ValidationError(
                label, f"{who}的申请材料“{name}”形式“{form}”无效，应为 {'、'.join(MATERIAL_FORMS)} 之一"
            )
        copies = item.get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
            raise ValidationError(label, f"{who}的申请材料“{name}”份数应为不小于 1 的整数，现为 {copies!r}")
        note = item.get("note", "")
        if note is None:
            note = ""
        if not isinstance(note, str):
            raise ValidationError(label, f"{who}的申请材料“{name}”备注应为文字")
        result.append(Material(name=name, form=form, copies=copies, note=note.strip()))
    return tuple(result)


def _bundles(entry: dict, who: str) -> tuple[str, ...]:
    label = LABELS["bundles"]
    raw = entry.get("bundles", [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ValidationError(label, f"{who}的{label}应为名称列表")
    names: list[str] = []
    for value in raw:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(label, f"{who}的{label}名称不能为空")
        value = value.strip()
        if value in names:
            raise ValidationError(label, f"{who}重复列出了{label}“{value}”")
        names.append(value)
    return tuple(names)


def parse_matter(entry: Any, index: int) -> Matter:
    if not isinstance(entry, dict):
        raise ValidationError(_CATALOGUE, f"第 {index} 个事项应为 JSON 对象")
    raw_code = entry.get("code")
    code = raw_code.strip() if isinstance(raw_code, str) else None
    who = _who(code, index)
    if not code:
        raise ValidationError(LABELS["code"], f"{who}缺少事项编码")
    unknown = sorted(set(entry) - _MATTER_KEYS)
    if unknown:
        raise ValidationError(_CATALOGUE, f"{who}含有未知字段：{'、'.join(unknown)}（字段名是否写错？）")
    for key in _REQUIRED_KEYS:
        if key not in entry:
            raise ValidationError(LABELS[key], f"{who}缺少{LABELS[key]}")

    match = _CODE_RE.match(code)
    if not match:
        raise ValidationError(
            LABELS["code"], f"{who}的编码格式不对，应为“类别前缀-序号”，如 XZSP-001、XZFW-012、QT-003"
        )
    name = _text(entry, "name", who, required=True)
    matter_class = _text(entry, "class", who, required=True)
    if matter_class not in MATTER_CLASSES:
        raise ValidationError(
            LABELS["class"], f"{who}的类别“{matter_class}”无效，应为 {'、'.join(MATTER_CLASSES)} 之一"
        )
    prefix = CLASS_PREFIXES[matter_class]
    if match.group(1) != prefix:
        raise ValidationError(
            LABELS["code"], f"{who}的编码前缀与类别不符：{matter_class}事项的编码应以 {prefix}- 开头"
        )
    department = _text(entry, "department", who, required=True)
    kind = _text(entry, "kind", who, required=True)
    if kind not in KINDS:
        raise ValidationError(LABELS["kind"], f"{who}的办件类型“{kind}”无效，应为 {'、'.join(KINDS)} 之一")

    legal = _days(entry, "legal_days", who)
    unit = entry.get("legal_days_unit", DAY_UNITS[0])
    if unit not in DAY_UNITS:
        raise ValidationError(LABELS["legal_days_unit"], f"{who}的法定时限单位“{unit}”无效，应为 {'、'.join(DAY_UNITS)} 之一")
    promised = _days(entry, "promised_days", who)
    if promised > legal:  # n working days span at least n calendar days, so this holds for both units
        raise ValidationError(
            LABELS["promised_days"],
            f"{who}的承诺办结时限 {promised} 个工作日超过了法定办结时限 {legal} 个{unit}",
        )
    if kind == IMMEDIATE and promised > 1:
        raise ValidationError(
            LABELS["promised_days"], f"{who}是即办件，承诺时限应为当场或当日（0 或 1 个工作日），现为 {promised} 个工作日"
        )
    if kind == PROMISED and promised < 1:
        raise ValidationError(LABELS["promised_days"], f"{who}是承诺件，承诺办结时限至少为 1 个工作日")

    fee = _fee(entry, who)
    fee_basis = _text(entry, "fee_basis", who, required=False)
    if fee > 0 and not fee_basis:
        raise ValidationError(LABELS["fee_basis"], f"{who}收费 {fee} 元，但未写明收费依据")

    online = entry.get("online", False)
    if not isinstance(online, bool):
        raise ValidationError(LABELS["online"], f"{who}的全程网办标记应为 true 或 false")

    return Matter(
        code=code,
        name=name,
        matter_class=matter_class,
        department=department,
        kind=kind,
        legal_days=legal,
        legal_days_unit=unit,
        promised_days=promised,
        fee=fee,
        fee_basis=fee_basis,
        materials=_materials(entry, who, kind),
        online=online,
        bundles=_bundles(entry, who),
        statute=_text(entry, "statute", who, required=False),
    )


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------

def bundles(matters: Iterable[Matter]) -> dict[str, list[Matter]]:
    """一件事 bundle name -> its matters, both in catalogue order."""
    result: dict[str, list[Matter]] = {}
    for matter in matters:
        for name in matter.bundles:
            result.setdefault(name, []).append(matter)
    return result


def _fold(text: str) -> str:
    # NFKC turns full-width letters and digits (typed with a Chinese IME) into ASCII.
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _in_order(needle: str, name: str) -> bool:
    rest = iter(name)
    return len(needle) > 1 and all(char in rest for char in needle)


def find(matters: Iterable[Matter], text: str) -> list[Matter]:
    """Type-ahead over the catalogue by code prefix or name substring.

    Order: exact code, then names starting with the text, then other code-prefix matches, then
    other names containing the text, then names holding its characters in order (低保 finds
    最低生活保障审核确认); within each group, catalogue order.  Blank text finds nothing.
    """
    needle = _fold(text or "")
    if not needle:
        return []
    ranked: list[tuple[int, int, Matter]] = []
    for position, matter in enumerate(matters):
        code = _fold(matter.code)
        name = _fold(matter.name)
        if code == needle:
            rank = 0
        elif name.startswith(needle):
            rank = 1
        elif code.startswith(needle):
            rank = 2
        elif needle in name:
            rank = 3
        elif _in_order(needle, name):  # 低保 → 最低生活保障…: how people shorten names
            rank = 4
        else:
            continue
        ranked.append((rank, position, matter))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [matter for _, _, matter in ranked]
