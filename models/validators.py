"""Validation and normalisation of identifiers typed into TownDesk forms.

Every check raises ``ValidationError(field, reason)`` with a Chinese reason
that tells the user exactly what is wrong.  Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models.errors import ValidationError

__all__ = [
    "PROVINCE_CODES",
    "CREDIT_CODE_ALPHABET",
    "ResidentId",
    "CreditCodeResult",
    "parse_resident_id",
    "resident_id_check_digit",
    "check_credit_code",
    "credit_code_check_char",
    "normalise_phone",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "validate_post_code",
]

# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------

# Chinese IMEs in full-width mode produce U+FF01..U+FF5E and U+3000 instead of
# ASCII; map them back so "１１０…Ｘ" is treated like "110…X".
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)}
_HALF_WIDTH[0x3000] = 0x20

# str.upper() is Unicode-aware ("ß" -> "SS", "ı" -> "I"), which could turn
# junk into valid-looking codes; only ASCII letters may be upper-cased.
_ASCII_UPPER = {ord(c): ord(c) - 32 for c in "abcdefghijklmnopqrstuvwxyz"}

_DIGITS = frozenset("0123456789")


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


def _normalise(value: object) -> str:
    return _as_text(value).translate(_HALF_WIDTH).strip().translate(_ASCII_UPPER)


def _first_bad(text: str, allowed: frozenset[str] | str) -> tuple[int, str] | None:
    for index, char in enumerate(text, start=1):
        if char not in allowed:
            return index, char
    return None


# --------------------------------------------------------------------------
# 居民身份证号码 (GB 11643-1999)
# --------------------------------------------------------------------------

PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83", "91"]
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    """A validated 18-digit resident identity number."""

    number: str
    region_code: str
    birth_date: date
    gender: str  # "男" or "女"


def resident_id_check_digit(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for 17 ASCII digits."""
    if len(first17) != 17 or _first_bad(first17, _DIGITS) is not None:
        raise ValueError("first17 must be exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def parse_resident_id(
    value: str, field: str = "身份证号", today: date | None = None
) -> ResidentId:
    """Validate and normalise an 18-digit resident ID number."""
    number = _normalise(value)
    if not number:
        raise ValidationError(field, "不能为空，请填写18位居民身份证号码。")

    if len(number) != 18:
        if len(number) == 15 and _first_bad(number, _DIGITS) is None:
            raise ValidationError(
                field, "这是15位的旧版身份证号码，请填写18位的新版身份证号码。"
            )
        raise ValidationError(field, f"应为18位，当前填写了{len(number)}位。")

    bad = _first_bad(number[:17], _DIGITS)
    if bad is None and number[17] not in _DIGITS and number[17] != "X":
        bad = (18, number[17])
    if bad is not None:
        position, char = bad
        raise ValidationError(
            field,
            f"只能由数字组成（仅最后一位可以是X），第{position}位“{char}”不符合要求。",
        )

    province = number[:2]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            field, f"前两位“{province}”不是有效的省级行政区划代码，请核对号码。"
        )

    raw_birth = number[6:14]
    try:
        birth = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:]))
    except ValueError:
        raise ValidationError(
            field, f"第7至14位的出生日期“{raw_birth}”不是有效的日期，请核对号码。"
        ) from None
    if birth < _EARLIEST_BIRTH:
        raise ValidationError(field, "出生日期不能早于1900年1月1日，请核对号码。")
    if birth > (today if today is not None else date.today()):
        raise ValidationError(field, "出生日期不能晚于今天，请核对号码。")

    # Deliberately not telling the user the expected check character: that
    # would let a mistyped number be "fixed" into someone else's valid ID.
    if resident_id_check_digit(number[:17]) != number[17]:
        raise ValidationError(field, "校验位不正确，号码有误，请核对后重新填写。")

    return ResidentId(
        number=number,
        region_code=number[:6],
        birth_date=birth,
        gender="男" if int(number[16]) % 2 else "女",
    )


# --------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# --------------------------------------------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class CreditCodeResult:
    """Outcome of checking a unified social credit code."""

    code: str
    ok: bool
    warning: str | None = None


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for 17 code characters."""
    if len(first17) != 17 or _first_bad(first17, CREDIT_CODE_ALPHABET) is not None:
        raise ValueError("first17 must be 17 characters from CREDIT_CODE_ALPHABET")
    total = sum(_CREDIT_VALUES[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(value: str, field: str = "统一社会信用代码") -> CreditCodeResult:
    """Validate a unified social credit code; a bad check char only warns."""
    code = _normalise(value)
    if not code:
        raise ValidationError(field, "不能为空，请填写18位统一社会信用代码。")
    if len(code) != 18:
        raise ValidationError(field, f"应为18位，当前填写了{len(code)}位。")
    bad = _first_bad(code, CREDIT_CODE_ALPHABET)
    if bad is not None:
        position, char = bad
        raise ValidationError(
            field,
            f"只能由数字和大写字母组成（不含I、O、Z、S、V），第{position}位“{char}”不符合要求。",
        )

    # Some genuinely registered codes fail the checksum, so a mismatch must
    # not block saving; the user is asked to compare with the licence.
    if credit_code_check_char(code[:17]) != code[17]:
        return CreditCodeResult(
            code=code,
            ok=False,
            warning=f"{field}的校验位与国家标准不符，请对照营业执照核实是否填写正确。",
        )
    return CreditCodeResult(code=code, ok=True, warning=None)


# --------------------------------------------------------------------------
# 联系电话
# --------------------------------------------------------------------------

# IMEs and word processors turn "-" into various dashes ("—", "－", "‒" ...).
_DASHES = {cp: ord("-") for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015,
                                   0x2212, 0xFE58, 0xFE63)}

_PHONE_SHAPE = re.compile(r"(\+?)([0-9]+(?:(?: *-+ *| +)[0-9]+)*)")
_PHONE_SEPARATOR = re.compile(r" *-+ *| +")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_HINT = (
    "请填写11位手机号（如13812345678）或座机号（如023-48612345，"
    "带分机写作023-48612345-801）。"
)


def _parse_landline(groups: list[str]) -> str | None:
    head = groups[0]
    if not head.startswith("0") or head.startswith("00"):
        return None
    if len(head) in (3, 4) and len(groups) > 1:
        area, number, extension = head, groups[1], groups[2:]
    else:
        # Written without a separator: in the national numbering plan only
        # 010 and 02x are three-digit area codes, every other one has four.
        cut = 3 if head[1] in "12" else 4
        area, number, extension = head[:cut], head[cut:], groups[1:]
    if not 7 <= len(number) <= 8 or len(extension) > 1:
        return None
    if extension and not 1 <= len(extension[0]) <= 6:
        return None
    return "-".join([area, number, *extension])


def _phone_reason(text: str, national: str | None) -> str:
    bad = _first_bad(text, "0123456789 -+")
    if bad is not None:
        return f"含有无法识别的字符“{bad[1]}”，"
    if national and national.startswith("1") and national.isascii() and national.isdigit():
        if len(national) != 11:
            return f"手机号应为11位，当前为{len(national)}位，"
        return "手机号第2位应为3至9，"
    return "格式不正确，"


def normalise_phone(value: str, field: str = "联系电话") -> str:
    """Normalise a mobile, landline, local or 400/800 number; raise otherwise."""
    text = _as_text(value).translate(_HALF_WIDTH).translate(_DASHES).strip()
    if not text:
        raise ValidationError(field, "不能为空，" + _PHONE_HINT)

    match = _PHONE_SHAPE.fullmatch(text)
    if match is None:
        raise ValidationError(field, _phone_reason(text, None) + _PHONE_HINT)
    plus, body = match.groups()
    groups = _PHONE_SEPARATOR.split(body)
    digits = "".join(groups)

    national = digits
    if plus:
        if not digits.startswith("86"):
            raise ValidationError(field, "只支持中国大陆号码（+86），" + _PHONE_HINT)
        national = digits[2:]
    elif digits.startswith("0086"):
        national = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        national = digits[2:]

    if _MOBILE.fullmatch(national):
        return national
    if national == digits:
        # A country code is only ever written in front of mobile numbers here.
        if len(digits) == 10 and digits[:3] in ("400", "800"):
            return digits
        landline = _parse_landline(groups)
        if landline is not None:
            return landline
        # A bare number starting with 0 or 1 is a truncated landline/mobile,
        # not a local number (local numbers start with 2-9).
        if len(groups) == 1 and 7 <= len(digits) <= 8 and digits[0] not in "01":
            return digits
    raise ValidationError(field, _phone_reason(text, national) + _PHONE_HINT)


# --------------------------------------------------------------------------
# Display masking
# --------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """Mask an ID number for display, keeping its length."""
    text = _as_text(value).strip()
    length = len(text)
    if length == 0:
        return ""
    if length >= 11:
        return text[:6] + "*" * (length - 10) + text[-4:]
    if length <= 2:
        # Keeping first and last would reveal everything.
        return "*" * length
    return text[0] + "*" * (length - 2) + text[-1]


def mask_name(value: str | None) -> str:
    """Mask a person's name for display: the first character stays, every other becomes "*" ("张*",
    "欧***"), keeping the length. A one-character name is masked entirely."""
    text = _as_text(value).strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


def mask_phone(value: str | None) -> str:
    """Mask a phone number for display, keeping its length: the first 3 and last 4 characters of a
    number of 9 or more ("138****5678"), only the last 2 of a shorter one."""
    text = _as_text(value).strip()
    length = len(text)
    if length >= 9:
        return text[:3] + "*" * (length - 7) + text[-4:]
    if length <= 2:
        return "*" * length
    return "*" * (length - 2) + text[-2:]


# --------------------------------------------------------------------------
# 站点代码
# --------------------------------------------------------------------------

_POST_CODE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_POST_CODE_RULE = "应由2至8位大写字母或数字组成（如镇政府DT00、村站点DT01）"


def validate_post_code(value: str, field: str = "站点代码") -> str:
    """Validate a post (site) code of 2-8 uppercase letters/digits."""
    code = _normalise(value)
    if not code:
        raise ValidationError(field, "不能为空，" + _POST_CODE_RULE + "。")
    bad = _first_bad(code, _POST_CODE_CHARS)
    if bad is not None:
        raise ValidationError(field, f"{_POST_CODE_RULE}，不能包含“{bad[1]}”。")
    if not 2 <= len(code) <= 8:
        raise ValidationError(field, f"{_POST_CODE_RULE}，当前为{len(code)}位。")
    return code


# control characters other than tab and line breaks: invisible, printed as boxes, and NUL cannot be stored at
# all on the town hall's PostgreSQL server (they arrive pasted from other programs)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(value: str, label: str) -> str:
    if _CONTROL.search(value):
        raise ValidationError(label, f"{label}中有看不见的控制字符（多半是从其他软件粘贴带来的），请删掉后重新输入。")
    return value


def clean_text(value: str | None, label: str, max_len: int, required: bool = False, min_len: int = 0) -> str:
    """A free-text field, trimmed: required, long enough to mean something, not longer than the column, free
    of control characters."""
    value = refuse_control_characters((value or "").strip(), label)
    if required and not value:
        raise ValidationError(label, f"请填写{label}。")
    if value and len(value) < min_len:
        raise ValidationError(label, f"{label}太短，请写清楚（至少 {min_len} 个字）。")
    if len(value) > max_len:
        raise ValidationError(label, f"{label}最多 {max_len} 个字，现有 {len(value)} 个。")
    return value
