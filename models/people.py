"""人员库: the people and organisations every area refers to (applicants, parties, residents).

A person is identified by ID type + number; a resident ID (居民身份证) fixes birth date and gender.
ID numbers leave this module masked unless the actor may see them in full.
"""

from datetime import date

import peewee as pw

from models import records
from models.accounts import User, require
from models.db import Record, db
from models.errors import ValidationError
from models.validators import (
    check_credit_code, mask_id_number, normalise_phone, parse_resident_id, refuse_control_characters,
)

RESIDENT_ID = "居民身份证"
ID_TYPES = [RESIDENT_ID, "港澳台居民居住证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "护照", "其他"]
GENDERS = ["男", "女"]
ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
    "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
    "其他", "外国血统",
]


class Person(Record):
    """自然人: a resident, applicant or party."""

    name = pw.CharField(max_length=64, index=True)
    gender = pw.CharField(max_length=4, default="")
    ethnicity = pw.CharField(max_length=16, default="汉族")
    id_type = pw.CharField(max_length=16, default=RESIDENT_ID)
    id_number = pw.CharField(max_length=32, null=True)
    birth_date = pw.DateField(null=True)
    phone = pw.CharField(max_length=32, default="", index=True)
    address = pw.CharField(max_length=200, default="")
    village = pw.CharField(max_length=64, default="")


class Organisation(Record):
    """单位/组织: an enterprise, association or office, identified by 统一社会信用代码."""

    name = pw.CharField(max_length=128, index=True)
    credit_code = pw.CharField(max_length=18, null=True)
    legal_rep = pw.CharField(max_length=64, default="")
    contact = pw.CharField(max_length=64, default="")
    phone = pw.CharField(max_length=32, default="")
    address = pw.CharField(max_length=200, default="")


PERSON_LABELS = {"name": "姓名", "gender": "性别", "ethnicity": "民族", "id_type": "证件类型", "id_number": "证件号码",
                 "birth_date": "出生日期", "phone": "联系电话", "address": "住址", "village": "村（社区）"}
ORGANISATION_LABELS = {"name": "单位名称", "credit_code": "统一社会信用代码", "legal_rep": "法定代表人",
                       "contact": "联系人", "phone": "联系电话", "address": "地址"}

# A live person's document is unique; a soft-deleted record does not block registering it again.
PERSON_ID_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS person_live_id ON person (id_type, id_number) "
    "WHERE deleted_at IS NULL AND id_number IS NOT NULL"
)
ORGANISATION_CODE_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS organisation_live_code ON organisation (credit_code) "
    "WHERE deleted_at IS NULL AND credit_code IS NOT NULL"
)


def _text(data: dict, key: str, label: str, max_len: int, required: bool = False) -> str:
    value = refuse_control_characters((data.get(key) or "").strip(), label)
    if required and not value:
        raise ValidationError(label, "不能为空。")
    if len(value) > max_len:
        raise ValidationError(label, f"不能超过{max_len}个字。")
    return value


def clean_person(data: dict, stored: "Person | None" = None) -> dict:
    """Validate a person form; derive birth date and gender from a resident ID. First bad field raises.

    An unchanged stored document is not checked again: a record registered before a rule tightened
    must stay editable (a grid worker changing a phone never sees, and cannot fix, the number).
    """
    out = {"name": _text(data, "name", "姓名", 64, required=True)}
    id_type = data.get("id_type") or RESIDENT_ID
    if id_type not in ID_TYPES:
        raise ValidationError("证件类型", "请从列表中选择。")
    out["id_type"] = id_type
    number = (data.get("id_number") or "").strip()
    gender = data.get("gender") or ""
    birth = data.get("birth_date")
    unchanged = stored is not None and number == (stored.id_number or "") and id_type == stored.id_type
    if unchanged and number:
        gender, birth = gender or stored.gender, birth if birth is not None else stored.birth_date
    elif id_type == RESIDENT_ID:
        if number:
            parsed = parse_resident_id(number, "身份证号")
            number = parsed.number
            if gender and gender != parsed.gender:
                raise ValidationError("性别", f"与身份证号不符（身份证号显示为{parsed.gender}）。")
            gender, birth = parsed.gender, parsed.birth_date
    elif number:
        number = number.upper().replace(" ", "")
        if len(number) > 32:
            raise ValidationError("证件号码", "不能超过32位。")
    out["id_number"] = number or None
    if gender and gender not in GENDERS:
        raise ValidationError("性别", "请选择男或女。")
    out["gender"] = gender
    if birth is not None and not isinstance(birth, date):
        raise ValidationError("出生日期", "日期格式不正确。")
    if birth is not None and birth > date.today():
        raise ValidationError("出生日期", "不能晚于今天。")
    out["birth_date"] = birth
    ethnicity = data.get("ethnicity") or "汉族"
    if ethnicity not in ETHNICITIES:
        raise ValidationError("民族", "请从列表中选择。")
    out["ethnicity"] = ethnicity
    phone = (data.get("phone") or "").strip()
    out["phone"] = normalise_phone(phone, "联系电话") if phone else ""
    out["address"] = _text(data, "address", "住址", 200)
    out["village"] = _text(data, "village", "村（社区）", 64)
    return out


def clean_organisation(data: dict) -> tuple[dict, str | None]:
    """Validate an organisation form. Returns the fields and a credit-code warning (which does not block)."""
    out = {"name": _text(data, "name", "单位名称", 128, required=True)}
    code = (data.get("credit_code") or "").strip()
    warning = None
    if code:
        result = check_credit_code(code, "统一社会信用代码")
        code, warning = result.code, result.warning
    out["credit_code"] = code or None
    out["legal_rep"] = _text(data, "legal_rep", "法定代表人", 64)
    out["contact"] = _text(data, "contact", "联系人", 64)
    phone = (data.get("phone") or "").strip()
    out["phone"] = normalise_phone(phone, "联系电话") if phone else ""
    out["address"] = _text(data, "address", "地址", 200)
    return out, warning


def save_person(actor: User, data: dict, person: Person | None = None) -> Person:
    """Register a new person or change one. Refuses a second live record with the same document."""
    require(actor, "people.edit")
    fields = clean_person(data, person)

    def refuse_twin():
        if fields["id_number"]:
            twin = find_person_by_id(fields["id_number"], fields["id_type"])
            if twin is not None and (person is None or twin.id != person.id):
                raise ValidationError(
                    "身份证号" if fields["id_type"] == RESIDENT_ID else "证件号码",
                    f"该证件已登记为“{twin.name}”{('（' + twin.village + '）') if twin.village else ''}，请直接选用已有记录。",
                )

    return _save(actor, Person, person, fields, refuse_twin, f"登记人员 {fields['name']}", "修改人员", PERSON_LABELS)


def save_organisation(actor: User, data: dict, org: Organisation | None = None) -> tuple[Organisation, str | None]:
    require(actor, "people.edit")
    fields, warning = clean_organisation(data)

    def refuse_twin():
        if fields["credit_code"]:
            twin = Organisation.live().where(Organisation.credit_code == fields["credit_code"]).first()
            if twin is not None and (org is None or twin.id != org.id):
                raise ValidationError("统一社会信用代码", f"该代码已登记为“{twin.name}”，请直接选用已有记录。")

    saved = _save(actor, Organisation, org, fields, refuse_twin, f"登记单位 {fields['name']}", "修改单位",
                  ORGANISATION_LABELS)
    return saved, warning


def _save(actor: User, model, record, fields: dict, refuse_twin, created: str, changed: str, labels: dict):
    """Create ``record`` (None) or change it, after ``refuse_twin()`` found no other live record with the same
    document. Another window may register that document between this one's check and its write (on the town
    hall's server each window writes on its own connection): the unique index then refuses the write, the
    transaction is rolled back, and the check, made again, names the record that got there first."""
    try:
        with db.atomic():
            refuse_twin()
            if record is None:
                return records.create(actor, model, created, **fields)
            records.update(actor, record, fields, f"{changed} {record.name}", labels)
            return record
    except pw.IntegrityError:
        refuse_twin()
        raise


def soft_delete(actor: User, record: Person | Organisation) -> None:
    """删除: hidden everywhere, kept in the file and in the log."""
    require(actor, "people.delete")
    with db.atomic():
        records.delete(actor, record, f"删除{'人员' if isinstance(record, Person) else '单位'} {record.name}")


def find_person_by_id(number: str, id_type: str = RESIDENT_ID) -> Person | None:
    """The live person holding this document, or None. The number is normalised first."""
    number = (number or "").strip()
    if not number:
        return None
    if id_type == RESIDENT_ID:
        try:
            number = parse_resident_id(number).number
        except ValidationError:
            return None
    else:
        number = number.upper().replace(" ", "")
    return Person.live().where(Person.id_type == id_type, Person.id_number == number).first()


def search_people(actor: User, text: str = "", limit: int = 500) -> list[Person]:
    """By name, ID number (any part) or phone; newest first."""
    require(actor, "people.view")
    query = Person.live()
    text = (text or "").strip()
    if text:
        # Without the right to see whole ID numbers, only a whole number matches: searching for parts
        # would let someone probe the masked digits.
        by_id = (Person.id_number.contains(text.upper()) if actor.can("people.full_id")
                 else Person.id_number == _normalised_id(text))
        query = query.where(
            Person.name.contains(text) | by_id | Person.phone.contains(text) | Person.village.contains(text)
        )
    return list(query.order_by(Person.updated_at.desc()).limit(limit))


def _normalised_id(text: str) -> str:
    try:
        return parse_resident_id(text).number
    except ValidationError:
        return text.upper().replace(" ", "")


def known_villages() -> list[str]:
    """The villages (communities) already used in the registry, for completing the 村（社区） field."""
    query = (Person.live(Person.village).where(Person.village != "").distinct().order_by(Person.village))
    return [row.village for row in query]


def search_organisations(actor: User, text: str = "", limit: int = 500) -> list[Organisation]:
    require(actor, "people.view")
    query = Organisation.live()
    text = (text or "").strip()
    if text:
        query = query.where(
            Organisation.name.contains(text) | Organisation.credit_code.contains(text.upper())
            | Organisation.phone.contains(text) | Organisation.contact.contains(text)
        )
    return list(query.order_by(Organisation.updated_at.desc()).limit(limit))


def shown_id(actor: User, number: str | None) -> str:
    """The ID number as this actor may see it: full for roles that need it, masked otherwise."""
    if not number:
        return ""
    return number if actor.can("people.full_id") else mask_id_number(number)
