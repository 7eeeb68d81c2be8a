"""关爱帮扶与重点人员台账 in models/: due dates from the care colours (and the admin's numbers), from the danger
levels and categories; assessments; the lists of visits due and short of visits; who may see what (grid
scope, masking, the key-person register for patrol.sensitive only); audited openings and exports; bad
input naming its field and writing nothing."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import audit, codes, people
from models.deadlines import DUE_SOON, DUE_TODAY, NO_DEADLINE, ON_TIME, OVERDUE
from models.errors import PermissionDenied, ValidationError
from models.patrol import registers as reg
from models.patrol.grids import GridEntry, save_grid
from models.patrol.registers import (
    AssessmentEntry, CareEntry, CareFilter, CareVisitEntry, KeyFilter, KeyPersonEntry, KeyVisitEntry,
)
from models.patrol.tables import (
    CARE_ACTIVE, CARE_COLOURS, CARE_REMOVED, CORRECTION, CULT, DRUG, KEY_ACTIVE, KEY_RELEASED, MENTAL, RELEASED,
    CareSubject, CareVisit, KeyAssessment, KeyPerson, KeyVisit,
)
from models.validators import mask_id_number, mask_name, mask_phone, resident_id_check_digit

TODAY = date(2024, 6, 15)
LISTED = date(2024, 1, 10)


def rid(birth: str, serial: int) -> str:
    first17 = f"500222{birth}{serial:03d}"
    return first17 + resident_id_check_digit(first17)


# ------------------------------------------------------------------------------------------ fixtures

@pytest.fixture
def wa(make_user):
    return make_user("grid", username="wangge_a")


@pytest.fixture
def wb(make_user):
    return make_user("grid", username="wangge_b")


@pytest.fixture
def lead(make_user):
    return make_user("grid_lead", username="wanggezhang")


@pytest.fixture
def keeper(make_user):
    return make_user("key_persons", username="zhongdian")


@pytest.fixture
def grid_a(admin, wa):
    return save_grid(admin, GridEntry("DT-01", "石龙村一网格", "石龙村", members=[("wangge_a", "专职")]))


@pytest.fixture
def grid_b(admin, wb):
    return save_grid(admin, GridEntry("DT-02", "新民村一网格", "新民村", members=[("wangge_b", "专职")]))


@pytest.fixture
def make_person(admin):
    count = iter(range(1, 999))

    def make(name="张大山", birth="19450302", phone="13812345678", village="石龙村"):
        return people.save_person(admin, {"name": name, "id_number": rid(birth, 2 * next(count) + 1), "phone": phone,
                                          "address": f"打通镇{village}3组", "village": village})
    return make


@pytest.fixture
def zhang(make_person):
    return make_person("张大山")


@pytest.fixture
def ouyang(make_person):
    return make_person("欧阳娜娜", birth="20150606", phone="13987654321", village="新民村")


def care(person=None, grid=None, **kw) -> CareEntry:
    values = dict(person=person, groups=["空巢老人"], colour="黄", helper="刘小燕", grid=grid,
                  helper_phone="13700000001", situation="独居，子女在外务工", needs="定期上门看望", listed_on=LISTED)
    values.update(kw)
    return CareEntry(**values)


def care_visit(day, **kw) -> CareVisitEntry:
    values = dict(visited_on=day, visitor="刘小燕", kind="上门走访", content="身体状况良好，生活能自理")
    values.update(kw)
    return CareVisitEntry(**values)


def key(person=None, category=MENTAL, **kw) -> KeyPersonEntry:
    values = dict(person=person, category=category, responsible="陈警官", helper="刘小燕", listed_on=LISTED,
                  measures="每月随访，监护人看护")
    if category == MENTAL:
        values["danger_level"] = 1
        values["guardian"] = "张小山"
    if category == DRUG:
        values["stage"] = "社区康复"
    values.update(kw)
    return KeyPersonEntry(**values)


def key_visit(day, **kw) -> KeyVisitEntry:
    values = dict(visited_on=day, visitor="陈警官", kind="上门走访", situation="情绪稳定，按时服药")
    values.update(kw)
    return KeyVisitEntry(**values)


def colour_item(name):
    return next(item for item in codes.items(CARE_COLOURS) if item.name == name)


def audit_lines(action):
    return list(audit.AuditEntry.select().where(audit.AuditEntry.action == action).order_by(audit.AuditEntry.id))


def snapshot():
    return tuple(model.select().count() for model in
                 (CareSubject, CareVisit, KeyPerson, KeyAssessment, KeyVisit, audit.AuditEntry))


# ------------------------------------------------------------------------------------------ masking

@pytest.mark.parametrize("raw, expected", [
    ("张三", "张*"), ("欧阳娜娜", "欧***"), ("张大山", "张**"), ("张", "*"), ("", ""), (None, ""), (" 李四 ", "李*"),
    ("阿卜杜拉·买买提", "阿*******"),
])
def test_mask_name_keeps_the_first_character_and_the_length(raw, expected):
    assert mask_name(raw) == expected


@given(st.text(min_size=0, max_size=30))
def test_property_mask_name_never_reveals_more_than_the_first_character(name):
    masked = mask_name(name)
    text = name.strip()
    assert len(masked) == len(text)
    assert set(masked[1:]) <= {"*"}
    if len(text) >= 2:
        assert masked[0] == text[0]


@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "138****5678"), ("023-48612345", "023*****2345"), ("4861234", "*****34"), ("", ""), ("12", "**"),
])
def test_mask_phone_keeps_the_first_three_and_last_four(raw, expected):
    assert mask_phone(raw) == expected


# ------------------------------------------------------------------------------------ care due dates

@pytest.mark.parametrize("colour, days", [("红", 7), ("橙", 15), ("黄", 30), ("绿", 90)])
def test_each_care_colour_sets_its_visit_interval(wa, grid_a, zhang, colour, days):
    subject = reg.add_care(wa, care(zhang, grid_a, colour=colour), today=TODAY)
    assert (subject.status, subject.next_due, subject.last_visit) == (CARE_ACTIVE, LISTED + timedelta(days=days), None)
    assert (subject.name, subject.id_number, subject.phone, subject.village, subject.birth_date) == (
        "张大山", zhang.id_number, "13812345678", "石龙村", zhang.birth_date)
    reg.add_care_visit(wa, subject, care_visit(date(2024, 3, 1)), today=TODAY)
    fresh = CareSubject.get_by_id(subject.id)
    assert (fresh.last_visit, fresh.next_due) == (date(2024, 3, 1), date(2024, 3, 1) + timedelta(days=days))
    assert reg.care_interval(colour) == days


def test_the_admin_changes_a_colours_interval_and_later_visits_follow_it(admin, wa, grid_a, zhang):
    subject = reg.add_care(wa, care(zhang, grid_a, colour="红"), today=TODAY)
    assert subject.next_due == LISTED + timedelta(days=7)
    codes.save_item(admin, CARE_COLOURS, "红", "需重点帮扶，每十天走访", colour_item("红"), 10)
    reg.add_care_visit(wa, subject, care_visit(date(2024, 6, 1)), today=TODAY)
    assert CareSubject.get_by_id(subject.id).next_due == date(2024, 6, 11)


def test_a_visit_may_change_the_colour_and_a_late_earlier_visit_moves_nothing_back(wa, grid_a, zhang):
    subject = reg.add_care(wa, care(zhang, grid_a, colour="绿"), today=TODAY)
    visit = reg.add_care_visit(wa, subject, care_visit(date(2024, 5, 1), colour="红"), today=TODAY)
    fresh = CareSubject.get_by_id(subject.id)
    assert (visit.colour, fresh.colour, fresh.last_visit, fresh.next_due) == ("红", "红", date(2024, 5, 1), date(2024, 5, 8))
    reg.add_care_visit(wa, subject, care_visit(date(2024, 5, 1)), today=TODAY)        # the same day is fine
    older = reg.add_care_visit(wa, subject, care_visit(date(2024, 3, 1), colour="绿"), today=TODAY)
    fresh = CareSubject.get_by_id(subject.id)
    assert (fresh.colour, fresh.last_visit, fresh.next_due) == ("红", date(2024, 5, 1), date(2024, 5, 8))
    assert [v.visited_on for v in reg.care_visits(fresh)] == [date(2024, 3, 1), date(2024, 5, 1), date(2024, 5, 1)]
    assert older.colour == "绿"


def test_changing_the_colour_in_the_record_moves_the_next_visit(wa, grid_a, zhang):
    subject = reg.add_care(wa, care(zhang, grid_a, colour="绿"), today=TODAY)
    reg.add_care_visit(wa, subject, care_visit(date(2024, 6, 1)), today=TODAY)
    updated = reg.update_care(wa, subject, care(zhang, grid_a, colour="橙", helper="王小红"), today=TODAY)
    assert (updated.colour, updated.helper, updated.next_due) == ("橙", "王小红", date(2024, 6, 16))
    line = audit_lines("update")[-1]
    assert "关爱等级" in line.summary and "张大山" not in line.summary


def test_care_states_and_the_overdue_list_most_overdue_first(wa, grid_a, make_person):
    a = reg.add_care(wa, care(make_person("张一"), grid_a, colour="绿", listed_on=date(2024, 1, 1)), today=TODAY)
    b = reg.add_care(wa, care(make_person("张二"), grid_a, colour="红", listed_on=date(2024, 6, 1)), today=TODAY)
    c = reg.add_care(wa, care(make_person("张三"), grid_a, colour="红", listed_on=date(2024, 6, 8)), today=TODAY)
    d = reg.add_care(wa, care(make_person("张四"), grid_a, colour="红", listed_on=date(2024, 6, 10)), today=TODAY)
    e = reg.add_care(wa, care(make_person("张五"), grid_a, colour="绿", listed_on=date(2024, 6, 10)), today=TODAY)
    # due: a 3-31, b 6-08, c 6-15, d 6-17, e 9-08
    assert [reg.care_state(s, TODAY) for s in (a, b, c, d, e)] == [OVERDUE, OVERDUE, DUE_TODAY, DUE_SOON, ON_TIME]
    assert reg.care_visits_due(wa, TODAY) == [a, b, c]
    assert reg.care_visits_due(wa, TODAY, within_days=3) == [a, b, c, d]
    assert reg.list_care(wa, CareFilter(overdue_only=True, today=TODAY)) == [b, a]
    assert reg.count_care(wa, CareFilter(overdue_only=True, today=TODAY)) == 2
    reg.remove_care(wa, a, "已搬迁至县城居住", on=date(2024, 6, 1), today=TODAY)
    fresh = CareSubject.get_by_id(a.id)
    assert (fresh.status, fresh.removed_on, fresh.next_due) == (CARE_REMOVED, date(2024, 6, 1), None)
    assert reg.care_state(fresh, TODAY) == NO_DEADLINE
    assert reg.care_visits_due(wa, TODAY) == [b, c]
    assert reg.list_care(wa, CareFilter(status=CARE_REMOVED)) == [fresh]
    assert reg.count_care(wa, CareFilter(status="")) == 5


def test_a_removed_subject_takes_no_visit_and_may_be_listed_again(wa, grid_a, zhang):
    subject = reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    reg.remove_care(wa, subject, "情况好转，不再需要帮扶", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        reg.add_care_visit(wa, subject, care_visit(TODAY), today=TODAY)
    assert exc.value.field == "状态"
    again = reg.add_care(wa, care(zhang, grid_a, listed_on=TODAY), today=TODAY)
    assert again.id != subject.id and again.status == CARE_ACTIVE


def test_filters_by_group_colour_grid_and_pages(lead, wa, grid_a, grid_b, make_person):
    a = reg.add_care(wa, care(make_person("张一"), grid_a, groups=["空巢老人", "残疾人"], colour="红"), today=TODAY)
    b = reg.add_care(lead, care(make_person("李二"), grid_b, groups=["留守儿童"], colour="黄"), today=TODAY)
    c = reg.add_care(lead, care(make_person("王三"), grid_b, groups=["残疾人"], colour="黄"), today=TODAY)
    assert a.groups == ["空巢老人", "残疾人"]
    assert reg.list_care(lead, CareFilter(group="残疾人")) == [c, a]
    assert reg.list_care(lead, CareFilter(colour="黄")) == [c, b]
    assert reg.list_care(lead, CareFilter(grid_id=grid_a.id)) == [a]
    first = reg.list_care(lead, CareFilter(), limit=2)
    assert first + reg.list_care(lead, CareFilter(), before_id=first[-1].id, limit=2) == [c, b, a]
    assert reg.count_care(lead, CareFilter(), cap=1) == 2
    assert reg.list_care(lead, CareFilter(text="新民")) == []          # the people were made in 石龙村
    with pytest.raises(ValidationError) as exc:
        reg.list_care(lead, CareFilter(status="在管"))
    assert exc.value.field == "状态"


# ------------------------------------------------------------------------------ care: who sees what

def test_grid_workers_see_their_grids_and_the_lead_sees_all(lead, wa, wb, grid_a, grid_b, zhang, ouyang):
    a = reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    b = reg.add_care(wb, care(ouyang, grid_b, groups=["留守儿童"]), today=TODAY)
    assert reg.list_care(wa, CareFilter()) == [a]
    assert reg.list_care(wb, CareFilter()) == [b]
    assert reg.list_care(lead, CareFilter()) == [b, a]
    assert reg.count_care(wa, CareFilter()) == 1
    assert reg.care_visits_due(wa, TODAY) == [a]
    with pytest.raises(PermissionDenied):
        reg.get_care_subject(wa, b.id)
    for action in (lambda: reg.add_care_visit(wa, b, care_visit(TODAY), today=TODAY),
                   lambda: reg.update_care(wa, b, care(ouyang, grid_b), today=TODAY),
                   lambda: reg.remove_care(wa, b, "已搬走", today=TODAY),
                   lambda: reg.add_care(wa, care(zhang, grid_b), today=TODAY)):
        with pytest.raises(PermissionDenied):
            action()
    assert reg.get_care_subject(lead, b.id) == b


def test_lists_mask_names_ids_and_phones_for_users_without_the_sensitive_right(wa, keeper, lead, grid_a, zhang):
    subject = reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    [row] = reg.care_rows(wa, reg.list_care(wa, CareFilter()), today=TODAY)
    assert (row["name"], row["id_number"], row["phone"]) == ("张**", mask_id_number(zhang.id_number), "138****5678")
    assert zhang.id_number not in str(row) and "address" not in row
    assert (row["groups"], row["colour"], row["next_due"], row["grid"], row["age"]) == (
        "空巢老人", "黄", "2024-02-09", "DT-01 石龙村一网格", "79")
    [full] = reg.care_rows(keeper, reg.list_care(keeper, CareFilter()), today=TODAY)
    assert (full["name"], full["id_number"], full["phone"]) == ("张大山", zhang.id_number, "13812345678")
    # an opened record: the grid's own worker sees the name and phone (not the whole ID); the lead does not
    shown = reg.shown(wa, subject, today=TODAY)
    assert (shown["name"], shown["phone"], shown["id_number"]) == ("张大山", "13812345678", mask_id_number(zhang.id_number))
    shown = reg.shown(lead, subject, today=TODAY)
    assert (shown["name"], shown["phone"], shown["address"]) == ("张**", "138****5678", "")
    assert reg.shown(keeper, subject, today=TODAY)["id_number"] == zhang.id_number


def test_without_the_sensitive_right_only_whole_names_and_numbers_are_searched(wa, keeper, grid_a, zhang):
    subject = reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    for text in ("张", "大山", "1381234", "5678", "19450302"):
        assert reg.list_care(wa, CareFilter(text=text)) == [], text
    for text in ("张大山", "13812345678", "石龙", zhang.id_number):
        assert reg.list_care(wa, CareFilter(text=text)) == [subject], text
    for text in ("张", "大山", "5678", "19450302", "石龙"):
        assert reg.list_care(keeper, CareFilter(text=text)) == [subject], text


def test_opening_a_care_record_is_audited(wa, grid_a, zhang):
    subject = reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    assert reg.get_care_subject(wa, subject.id) == subject
    [line] = audit_lines("view_sensitive")
    assert (line.created_by, line.record_uid, line.summary) == ("wangge_a", str(subject.uid), "查看关爱帮扶对象 张**")
    with pytest.raises(ValidationError) as exc:
        reg.get_care_subject(wa, subject.id + 100)
    assert exc.value.field == "关爱对象"


def test_care_export_is_for_the_sensitive_right_and_audited_either_way(wa, lead, keeper, grid_a, zhang):
    reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    for user in (wa, lead):
        with pytest.raises(PermissionDenied):
            reg.care_export_rows(user, CareFilter())
    assert [line.created_by for line in audit_lines("export_refused")] == ["wangge_a", "wanggezhang"]
    assert audit_lines("export") == []
    [row] = reg.care_export_rows(keeper, CareFilter(), today=TODAY)
    assert list(row)[:4] == ["姓名", "性别", "年龄", "身份证号"]
    assert (row["姓名"], row["身份证号"], row["联系电话"], row["关爱等级"], row["下次走访日期"], row["走访状态"]) == (
        "张大山", zhang.id_number, "13812345678", "黄", "2024-02-09", OVERDUE)
    [line] = audit_lines("export")
    assert line.created_by == "zhongdian" and "1" in line.summary


# ---------------------------------------------------------------------------------- care: bad input

@pytest.mark.parametrize("change, field", [
    (dict(groups=[]), "关爱对象类别"),
    (dict(groups=["外星人"]), "关爱对象类别"),
    (dict(groups="空巢老人"), "关爱对象类别"),
    (dict(colour=""), "关爱等级"),
    (dict(colour="紫"), "关爱等级"),
    (dict(helper="  "), "帮扶人"),
    (dict(helper="帮" * 65), "帮扶人"),
    (dict(helper_phone="12345"), "帮扶人电话"),
    (dict(situation="况" * 2001), "基本情况"),
    (dict(needs="需" * 2001), "帮扶需求"),
    (dict(listed_on=TODAY + timedelta(days=1)), "列入日期"),
    (dict(listed_on="2024-01-10"), "列入日期"),
    (dict(grid="XX-99"), "网格"),
    (dict(person=None), "人员"),
])
def test_bad_care_entry_names_the_field_and_writes_nothing(wa, grid_a, zhang, change, field):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        reg.add_care(wa, care(**{"person": zhang, "grid": grid_a, **change}), today=TODAY)
    assert exc.value.field == field and field in str(exc.value)
    assert snapshot() == before


def test_a_deleted_person_cannot_be_listed(admin, wa, grid_a, zhang):
    people.soft_delete(admin, zhang)
    with pytest.raises(ValidationError) as exc:
        reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    assert exc.value.field == "人员"


@pytest.mark.parametrize("change, field", [
    (dict(visited_on=TODAY + timedelta(days=1)), "走访日期"),
    (dict(visited_on=LISTED - timedelta(days=1)), "走访日期"),
    (dict(visited_on=None), "走访日期"),
    (dict(visitor=""), "走访人"),
    (dict(kind="路过"), "走访方式"),
    (dict(content=" "), "走访情况"),
    (dict(help_given="帮" * 2001), "帮扶措施"),
    (dict(colour="紫"), "关爱等级"),
])
def test_bad_care_visit_names_the_field_and_writes_nothing(wa, grid_a, zhang, change, field):
    subject = reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        reg.add_care_visit(wa, subject, care_visit(TODAY, **change), today=TODAY)
    assert exc.value.field == field
    assert snapshot() == before
    assert CareSubject.get_by_id(subject.id).next_due == subject.next_due


def test_bad_removal_and_update_name_the_field(wa, grid_a, zhang, ouyang):
    subject = reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    reg.add_care_visit(wa, subject, care_visit(date(2024, 2, 1)), today=TODAY)
    before = snapshot()
    for call, field in ((lambda: reg.remove_care(wa, subject, "", today=TODAY), "移出原因"),
                        (lambda: reg.remove_care(wa, subject, "已搬走", on=date(2023, 1, 1), today=TODAY), "移出日期"),
                        (lambda: reg.update_care(wa, subject, care(ouyang, grid_a), today=TODAY), "人员"),
                        (lambda: reg.update_care(wa, subject, care(zhang, grid_a, listed_on=date(2024, 3, 1)),
                                                 today=TODAY), "列入日期")):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.field == field
    assert snapshot() == before


def test_a_person_is_on_the_care_register_once(wa, lead, grid_a, grid_b, zhang):
    reg.add_care(wa, care(zhang, grid_a), today=TODAY)
    before = snapshot()
    with pytest.raises(ValidationError, match="已在关爱帮扶台账中") as exc:
        reg.add_care(lead, care(zhang, grid_b, colour="红"), today=TODAY)
    assert exc.value.field == "人员"
    assert snapshot() == before


# --------------------------------------------------------------------------- key persons: due dates

@pytest.mark.parametrize("level, days", [(0, 90), (1, 30), (2, 30), (3, 14), (4, 14), (5, 14)])
def test_mental_disorder_follow_up_by_danger_level(keeper, grid_a, zhang, level, days):
    kp = reg.add_key_person(keeper, key(zhang, danger_level=level, grid=grid_a), today=TODAY)
    assert (kp.status, kp.danger_level, kp.next_due) == (KEY_ACTIVE, level, LISTED + timedelta(days=days))
    reg.add_key_visit(keeper, kp, key_visit(date(2024, 6, 1)), today=TODAY)
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.last_visit, fresh.next_due) == (date(2024, 6, 1), date(2024, 6, 1) + timedelta(days=days))


@pytest.mark.parametrize("category, days", [(DRUG, 30), (CORRECTION, 30), (RELEASED, 90), (CULT, 30)])
def test_other_categories_follow_up_by_category(keeper, zhang, category, days):
    kp = reg.add_key_person(keeper, key(zhang, category), today=TODAY)
    assert (kp.category, kp.danger_level, kp.next_due) == (category, None, LISTED + timedelta(days=days))
    assert kp.stage == ("社区康复" if category == DRUG else "")
    reg.add_key_visit(keeper, kp, key_visit(date(2024, 5, 1)), today=TODAY)
    reg.add_key_visit(keeper, kp, key_visit(date(2024, 4, 1)), today=TODAY)   # late, earlier: moves nothing back
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.last_visit, fresh.next_due) == (date(2024, 5, 1), date(2024, 5, 1) + timedelta(days=days))
    assert [v.visited_on for v in reg.key_visits(fresh)] == [date(2024, 4, 1), date(2024, 5, 1)]


def test_an_assessment_raising_the_danger_level_pulls_the_next_visit_in(keeper, zhang):
    kp = reg.add_key_person(keeper, key(zhang, danger_level=0), today=TODAY)
    reg.add_key_visit(keeper, kp, key_visit(date(2024, 5, 1)), today=TODAY)
    assert KeyPerson.get_by_id(kp.id).next_due == date(2024, 7, 30)
    reg.assess(keeper, kp, AssessmentEntry(date(2024, 6, 10), "精神科医生", 4, "近期情绪激动，有冲动行为"), today=TODAY)
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.danger_level, fresh.next_due) == (4, date(2024, 6, 24))
    reg.add_key_visit(keeper, kp, key_visit(date(2024, 6, 12)), today=TODAY)
    assert KeyPerson.get_by_id(kp.id).next_due == date(2024, 6, 26)
    # an older assessment entered late changes nothing; a lower level counts from the last visit
    reg.assess(keeper, kp, AssessmentEntry(date(2024, 6, 1), "精神科医生", 0), today=TODAY)
    assert KeyPerson.get_by_id(kp.id).danger_level == 4
    reg.assess(keeper, kp, AssessmentEntry(date(2024, 6, 14), "精神科医生", 1, "病情稳定"), today=TODAY)
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.danger_level, fresh.next_due) == (1, date(2024, 7, 12))
    assert [(a.assessed_on, a.danger_level) for a in reg.key_assessments(fresh)] == [
        (date(2024, 6, 1), 0), (date(2024, 6, 10), 4), (date(2024, 6, 14), 1)]


def test_a_high_risk_assessment_keeps_an_earlier_due_date(keeper, zhang):
    kp = reg.add_key_person(keeper, key(zhang, danger_level=1, listed_on=date(2024, 6, 1)), today=TODAY)
    assert kp.next_due == date(2024, 7, 1)
    reg.assess(keeper, kp, AssessmentEntry(date(2024, 6, 14), "精神科医生", 3), today=TODAY)
    assert KeyPerson.get_by_id(kp.id).next_due == date(2024, 6, 28)
    reg.assess(keeper, kp, AssessmentEntry(date(2024, 6, 15), "精神科医生", 5), today=TODAY)
    assert KeyPerson.get_by_id(kp.id).next_due == date(2024, 6, 28)


def test_other_categories_are_assessed_without_a_level(keeper, zhang):
    kp = reg.add_key_person(keeper, key(zhang, CORRECTION), today=TODAY)
    assessment = reg.assess(keeper, kp, AssessmentEntry(date(2024, 3, 1), "司法所", notes="表现良好"), today=TODAY)
    assert assessment.danger_level is None
    with pytest.raises(ValidationError) as exc:
        reg.assess(keeper, kp, AssessmentEntry(date(2024, 3, 1), "司法所", 2), today=TODAY)
    assert exc.value.field == "危险性等级"


def test_key_visits_due_short_of_visits_and_counts(keeper, make_person):
    p1, p2, p3, p4, p5 = (make_person(n) for n in ("张一", "张二", "张三", "张四", "张五"))
    old = date(2022, 12, 1)
    full = reg.add_key_person(keeper, key(p1, danger_level=0, listed_on=old), today=TODAY)
    short = reg.add_key_person(keeper, key(p2, danger_level=2, listed_on=old), today=TODAY)
    gone = reg.add_key_person(keeper, key(p3, danger_level=1, listed_on=old), today=TODAY)
    late = reg.add_key_person(keeper, key(p4, danger_level=1, listed_on=date(2024, 2, 1)), today=TODAY)
    drug = reg.add_key_person(keeper, key(p5, DRUG, listed_on=old), today=TODAY)
    reg.add_key_person(keeper, key(p1, DRUG, stage="社会面管控", listed_on=old), today=TODAY)
    for month in (1, 4, 7, 10):
        reg.add_key_visit(keeper, full, key_visit(date(2023, month, 5)), today=TODAY)
    reg.add_key_visit(keeper, full, key_visit(date(2024, 6, 1)), today=TODAY)
    reg.add_key_visit(keeper, short, key_visit(date(2023, 3, 1)), today=TODAY)
    reg.add_key_visit(keeper, short, key_visit(date(2022, 12, 20)), today=TODAY)
    reg.add_key_visit(keeper, drug, key_visit(date(2024, 6, 10)), today=TODAY)
    reg.release_key_person(keeper, gone, "病情好转，经评估解除", on=date(2024, 3, 1), today=TODAY)
    assert reg.short_of_visits(keeper, 2023, TODAY) == [(short, 1)]
    assert reg.short_of_visits(keeper, 2024, TODAY) == [(short, 0), (late, 0), (full, 1)]
    with pytest.raises(ValidationError) as exc:
        reg.short_of_visits(keeper, 2025, TODAY)
    assert exc.value.field == "年度"
    # due: short 2023-03-31, late 2024-03-02, full 2024-08-30, drug 2024-07-10, p1-drug 2023-01-01
    due = reg.key_visits_due(keeper, TODAY)
    assert [kp.name for kp in due] == ["张一", "张二", "张四"] and due[0].category == DRUG
    assert reg.key_state(KeyPerson.get_by_id(gone.id), TODAY) == NO_DEADLINE
    assert [kp.id for kp in reg.key_visits_due(keeper, TODAY, within_days=30)] == [kp.id for kp in due] + [drug.id]
    assert reg.list_key_persons(keeper, KeyFilter(overdue_only=True, today=TODAY, category=MENTAL)) == [late, short]
    assert reg.key_counts(keeper) == {MENTAL: 3, DRUG: 2, CORRECTION: 0, RELEASED: 0, CULT: 0, reg.REHAB: 1}
    assert reg.count_key_persons(keeper, KeyFilter(status=KEY_RELEASED)) == 1
    assert reg.count_key_persons(keeper, KeyFilter(status="")) == 6


def test_release_stops_follow_ups_and_the_person_may_be_listed_again(keeper, zhang):
    kp = reg.add_key_person(keeper, key(zhang, CORRECTION), today=TODAY)
    reg.release_key_person(keeper, kp, "矫正期满", on=date(2024, 6, 1), today=TODAY)
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.status, fresh.released_on, fresh.released_reason, fresh.next_due) == (
        KEY_RELEASED, date(2024, 6, 1), "矫正期满", None)
    for call in (lambda: reg.add_key_visit(keeper, kp, key_visit(TODAY), today=TODAY),
                 lambda: reg.assess(keeper, kp, AssessmentEntry(TODAY, "司法所"), today=TODAY),
                 lambda: reg.release_key_person(keeper, kp, "again", today=TODAY)):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.field == "状态"
    assert reg.add_key_person(keeper, key(zhang, CORRECTION, listed_on=TODAY), today=TODAY).status == KEY_ACTIVE


def test_update_key_person_keeps_person_and_category(keeper, zhang, ouyang):
    kp = reg.add_key_person(keeper, key(zhang, DRUG, stage="社区戒毒"), today=TODAY)
    updated = reg.update_key_person(keeper, kp, key(zhang, DRUG, stage="社区康复", responsible="李警官"), today=TODAY)
    assert (updated.stage, updated.responsible, updated.next_due) == ("社区康复", "李警官", kp.next_due)
    for entry, field in ((key(ouyang, DRUG), "人员"), (key(zhang, CORRECTION), "人员类别")):
        with pytest.raises(ValidationError) as exc:
            reg.update_key_person(keeper, kp, entry, today=TODAY)
        assert exc.value.field == field
    mental = reg.add_key_person(keeper, key(zhang, danger_level=0), today=TODAY)
    corrected = reg.update_key_person(keeper, mental, key(zhang, danger_level=2), today=TODAY)
    assert corrected.next_due == LISTED + timedelta(days=30)


# ------------------------------------------------------------------------ key persons: who sees what

def test_the_key_person_register_refuses_everyone_without_the_sensitive_right(keeper, wa, lead, grid_a, zhang):
    kp = reg.add_key_person(keeper, key(zhang, grid=grid_a), today=TODAY)
    calls = {
        "list": lambda u: reg.list_key_persons(u, KeyFilter()),
        "count": lambda u: reg.count_key_persons(u, KeyFilter()),
        "get": lambda u: reg.get_key_person(u, kp.id),
        "add": lambda u: reg.add_key_person(u, key(zhang, CULT, grid=grid_a), today=TODAY),
        "update": lambda u: reg.update_key_person(u, kp, key(zhang, grid=grid_a), today=TODAY),
        "assess": lambda u: reg.assess(u, kp, AssessmentEntry(TODAY, "医生", 1), today=TODAY),
        "visit": lambda u: reg.add_key_visit(u, kp, key_visit(TODAY), today=TODAY),
        "release": lambda u: reg.release_key_person(u, kp, "期满", today=TODAY),
        "due": lambda u: reg.key_visits_due(u, TODAY),
        "short": lambda u: reg.short_of_visits(u, 2024, TODAY),
        "counts": lambda u: reg.key_counts(u),
        "rows": lambda u: reg.key_rows(u, [kp], TODAY),
        "export": lambda u: reg.key_export_rows(u, KeyFilter()),
    }
    before = snapshot()
    for user in (wa, lead, None):
        for name, call in calls.items():
            with pytest.raises(PermissionDenied):
                call(user)
    after = snapshot()
    assert after[:5] == before[:5]
    assert [line.created_by for line in audit_lines("export_refused")] == ["wangge_a", "wanggezhang"]
    assert audit_lines("view_sensitive") == []
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.status, fresh.last_visit) == (KEY_ACTIVE, None)


def test_opening_and_exporting_key_persons_is_audited(keeper, zhang, grid_a):
    kp = reg.add_key_person(keeper, key(zhang, grid=grid_a), today=TODAY)
    assert reg.get_key_person(keeper, kp.id) == kp
    [line] = audit_lines("view_sensitive")
    assert (line.created_by, line.record_uid, line.summary) == ("zhongdian", str(kp.uid), "查看重点人员 张**")
    [row] = reg.key_export_rows(keeper, KeyFilter(), today=TODAY)
    assert (row["姓名"], row["身份证号"], row["人员类别"], row["危险性等级"], row["监护人"], row["网格"]) == (
        "张大山", zhang.id_number, MENTAL, "1 级", "张小山", "DT-01 石龙村一网格")
    [line] = audit_lines("export")
    assert line.created_by == "zhongdian"
    register_lines = audit.AuditEntry.select().where(
        audit.AuditEntry.record_type.in_(["KeyPerson", "KeyVisit", "KeyAssessment"])
        | audit.AuditEntry.action.in_(["export", "view_sensitive"]))
    assert len(register_lines) == 3 and all("张大山" not in line.summary for line in register_lines)


def test_key_persons_are_scoped_to_the_grids_of_a_user_without_patrol_all(keeper, wa, grid_a, grid_b, zhang, ouyang,
                                                                          monkeypatch):
    a = reg.add_key_person(keeper, key(zhang, grid=grid_a), today=TODAY)
    b = reg.add_key_person(keeper, key(ouyang, DRUG, grid=grid_b), today=TODAY)
    assert reg.list_key_persons(keeper, KeyFilter()) == [b, a]
    monkeypatch.setattr(wa, "can", lambda p: p in ("patrol.use", "patrol.sensitive", "people.view"))
    assert reg.list_key_persons(wa, KeyFilter()) == [a]
    assert reg.key_counts(wa)[DRUG] == 0
    with pytest.raises(PermissionDenied):
        reg.get_key_person(wa, b.id)
    [row] = reg.key_rows(wa, [a], TODAY)
    assert row["id_number"] == mask_id_number(zhang.id_number)     # no people.full_id
    assert reg.list_key_persons(wa, KeyFilter(text="19450302")) == []
    assert reg.list_key_persons(wa, KeyFilter(text=zhang.id_number)) == [a]
    assert reg.list_key_persons(keeper, KeyFilter(text="19450302")) == [a]
    assert reg.list_key_persons(keeper, KeyFilter(text="娜")) == [b]


# ----------------------------------------------------------------------- key persons: bad input

@pytest.mark.parametrize("category, change, field", [
    ("精神病", {}, "人员类别"),
    (MENTAL, dict(danger_level=None), "危险性等级"),
    (MENTAL, dict(danger_level=6), "危险性等级"),
    (MENTAL, dict(danger_level=-1), "危险性等级"),
    (MENTAL, dict(danger_level="高"), "危险性等级"),
    (MENTAL, dict(stage="社区康复"), "管控阶段"),
    (DRUG, dict(danger_level=2), "危险性等级"),
    (DRUG, dict(stage=""), "管控阶段"),
    (DRUG, dict(stage="戒了"), "管控阶段"),
    (CULT, dict(danger_level=0), "危险性等级"),
    (CORRECTION, dict(stage="社区戒毒"), "管控阶段"),
    (MENTAL, dict(responsible=""), "管控责任人"),
    (MENTAL, dict(helper="帮" * 65), "帮扶人"),
    (MENTAL, dict(guardian="监" * 65), "监护人"),
    (MENTAL, dict(measures="措" * 2001), "管控措施"),
    (MENTAL, dict(listed_on=TODAY + timedelta(days=1)), "列管日期"),
    (MENTAL, dict(grid="NO-01"), "网格"),
    (MENTAL, dict(person="张大山"), "人员"),
])
def test_bad_key_person_entry_names_the_field_and_writes_nothing(keeper, zhang, category, change, field):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        reg.add_key_person(keeper, key(**{"person": zhang, "category": category, **change}), today=TODAY)
    assert exc.value.field == field
    assert snapshot() == before


@pytest.mark.parametrize("call, field", [
    (lambda kp: reg.add_key_visit(_keeper(), kp, key_visit(TODAY, visitor=""), today=TODAY), "走访人"),
    (lambda kp: reg.add_key_visit(_keeper(), kp, key_visit(TODAY, kind="微信"), today=TODAY), "走访方式"),
    (lambda kp: reg.add_key_visit(_keeper(), kp, key_visit(TODAY, situation=""), today=TODAY), "现实表现"),
    (lambda kp: reg.add_key_visit(_keeper(), kp, key_visit(date(2024, 1, 9)), today=TODAY), "走访日期"),
    (lambda kp: reg.add_key_visit(_keeper(), kp, key_visit(TODAY + timedelta(days=1)), today=TODAY), "走访日期"),
    (lambda kp: reg.assess(_keeper(), kp, AssessmentEntry(TODAY, ""), today=TODAY), "评估人"),
    (lambda kp: reg.assess(_keeper(), kp, AssessmentEntry(TODAY, "医生"), today=TODAY), "危险性等级"),
    (lambda kp: reg.assess(_keeper(), kp, AssessmentEntry(TODAY, "医生", 9), today=TODAY), "危险性等级"),
    (lambda kp: reg.assess(_keeper(), kp, AssessmentEntry(date(2023, 1, 1), "医生", 1), today=TODAY), "评估日期"),
    (lambda kp: reg.release_key_person(_keeper(), kp, " ", today=TODAY), "解除原因"),
    (lambda kp: reg.release_key_person(_keeper(), kp, "期满", on=TODAY + timedelta(days=1), today=TODAY), "解除日期"),
])
def test_bad_visit_assessment_or_release_names_the_field_and_writes_nothing(keeper, zhang, call, field):
    kp = reg.add_key_person(keeper, key(zhang), today=TODAY)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call(kp)
    assert exc.value.field == field
    assert snapshot() == before
    fresh = KeyPerson.get_by_id(kp.id)
    assert (fresh.status, fresh.next_due, fresh.danger_level) == (KEY_ACTIVE, kp.next_due, 1)


def _keeper():
    from models import accounts
    return accounts.get_user("zhongdian")


def test_a_person_is_listed_once_per_category(keeper, zhang):
    reg.add_key_person(keeper, key(zhang), today=TODAY)
    before = snapshot()
    with pytest.raises(ValidationError, match="已作为严重精神障碍患者列管") as exc:
        reg.add_key_person(keeper, key(zhang, danger_level=3), today=TODAY)
    assert exc.value.field == "人员"
    assert snapshot() == before
    assert reg.add_key_person(keeper, key(zhang, DRUG), today=TODAY).category == DRUG
