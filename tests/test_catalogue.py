"""The shipped matter catalogue (事项目录) loads, covers the town hall's work, and bad files are refused."""

import copy
import json
from decimal import Decimal

import pytest

from models.errors import ValidationError
from models.hall.catalogue import (
    KINDS,
    MATERIAL_FORMS,
    MATTER_CLASSES,
    Material,
    Matter,
    bundles,
    default_catalogue_path,
    find,
    load_catalogue,
)
from models.paths import resource_path


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue()


# ---------------------------------------------------------------- the shipped catalogue

def test_default_path_is_the_bundled_resource():
    assert default_catalogue_path() == resource_path("catalogue", "matters.json")
    data = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["source"].strip()


def test_shipped_catalogue_loads_with_enough_matters(shipped):
    assert len(shipped) >= 45
    assert all(isinstance(m, Matter) for m in shipped)
    for cls in MATTER_CLASSES:
        assert len([m for m in shipped if m.matter_class == cls]) >= 8, cls


def test_codes_unique_and_shaped_by_class(shipped):
    codes = [m.code for m in shipped]
    assert len(codes) == len(set(codes))
    prefixes = {"行政审批": "XZSP-", "行政服务": "XZFW-", "其他": "QT-"}
    for m in shipped:
        assert m.code.startswith(prefixes[m.matter_class]), m.code


def test_every_matter_is_complete(shipped):
    for m in shipped:
        assert m.name and m.department and m.statute, m.code
        assert m.kind in KINDS
        assert 0 <= m.promised_days <= m.legal_days or m.kind == "即办件"
        if m.kind == "即办件":
            assert m.promised_days <= 1, m.code
        else:
            assert m.materials and m.promised_days >= 1, m.code
        assert all(isinstance(x, Material) and x.form in MATERIAL_FORMS and x.copies >= 1 for x in m.materials)
        assert isinstance(m.fee, Decimal) and m.fee >= 0
        if m.fee > 0:
            assert m.fee_basis, m.code


def test_most_matters_are_free_and_many_are_online(shipped):
    free = [m for m in shipped if m.is_free]
    assert len(free) >= len(shipped) - 3
    assert any(not m.is_free for m in shipped)  # the window collects at least one fee (一个窗收费)
    assert sum(m.online for m in shipped) >= 15


@pytest.mark.parametrize("words", [
    ("城乡居民", "养老保险", "参保登记"),
    ("城乡居民", "医疗保险", "参保"),
    ("残疾人证", "申领"),
    ("最低生活保障",),
    ("特困人员",),
    ("临时救助",),
    ("宅基地", "审批"),
    ("乡村建设规划许可",),
    ("生育登记",),
    ("独生子女父母光荣证",),
    ("结婚登记",),
    ("就业登记",),
    ("失业登记",),
    ("退役军人优待证",),
    ("农村危房改造",),
    ("法律援助",),
    ("居住证",),
])
def test_named_matters_exist(shipped, words):
    assert any(all(w in m.name for w in words) for m in shipped), words


def test_bundles(shipped):
    groups = bundles(shipped)
    assert len([name for name, items in groups.items() if len(items) >= 2]) >= 3
    assert {"新生儿出生一件事", "残疾人服务一件事", "身后一件事"} <= set(groups)
    newborn = {m.name for m in groups["新生儿出生一件事"]}
    assert "生育登记" in newborn and any("医疗保险" in n for n in newborn)
    disabled = {m.name for m in groups["残疾人服务一件事"]}
    assert "残疾人证申领" in disabled
    # catalogue order is kept inside a bundle
    for items in groups.values():
        order = [shipped.index(m) for m in items]
        assert order == sorted(order)


def test_matters_are_frozen(shipped):
    with pytest.raises(AttributeError):
        shipped[0].name = "改名"  # type: ignore[misc]


# ---------------------------------------------------------------- invalid catalogues

GOOD = {
    "version": 1,
    "source": "测试",
    "matters": [
        {
            "code": "XZFW-001", "name": "城乡居民基本养老保险参保登记", "class": "行政服务",
            "department": "社会保障服务中心", "kind": "即办件", "legal_days": 0, "promised_days": 0,
            "fee": 0, "fee_basis": "", "online": True, "bundles": [], "statute": "社会保险法",
            "materials": [{"name": "居民身份证", "form": "原件", "copies": 1}],
        },
        {
            "code": "XZSP-001", "name": "农村村民宅基地审批", "class": "行政审批",
            "department": "农业服务中心", "kind": "承诺件", "legal_days": 20, "promised_days": 15,
            "fee": 0, "fee_basis": "", "online": False, "bundles": ["农村村民建房一件事"],
            "statute": "土地管理法",
            "materials": [{"name": "申请表", "form": "原件", "copies": 1, "note": "村审查"}],
        },
        {
            "code": "QT-007", "name": "居民身份证丢失补领", "class": "其他",
            "department": "派出所", "kind": "承诺件", "legal_days": 60, "promised_days": 20,
            "fee": 40, "fee_basis": "发改价格〔2003〕2322号", "online": False, "bundles": [],
            "statute": "居民身份证法",
            "materials": [{"name": "居民户口簿", "form": "原件", "copies": 1}],
        },
    ],
}


def write(tmp_path, data, name="matters.json"):
    file = tmp_path / name
    file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return file


def mutated(index, **changes):
    data = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is DELETE:
            del data["matters"][index][key]
        else:
            data["matters"][index][key] = value
    return data


DELETE = object()


def test_small_good_catalogue_loads(tmp_path):
    matters = load_catalogue(write(tmp_path, GOOD))
    assert [m.code for m in matters] == ["XZFW-001", "XZSP-001", "QT-007"]
    assert matters[2].fee == Decimal("40.00") and not matters[2].is_free
    assert matters[1].materials == (Material("申请表", "原件", 1, "村审查"),)
    assert matters[0].is_immediate and not matters[1].is_immediate
    assert load_catalogue(str(write(tmp_path, GOOD)))  # a str path works too


@pytest.mark.parametrize("index, changes, field, words", [
    (1, {"code": "XZFW-001", "class": "行政服务"}, "事项编码", ["XZFW-001", "重复"]),
    (1, {"code": "xzfw-002", "class": "行政服务"}, "事项编码", ["xzfw-002", "格式"]),
    (1, {"class": "许可"}, "事项类别", ["XZSP-001", "许可", "无效"]),
    (1, {"kind": "转报件"}, "办件类型", ["XZSP-001", "转报件", "无效"]),
    (1, {"promised_days": 25}, "承诺办结时限", ["XZSP-001", "25", "超过", "20"]),
    (1, {"legal_days": -1, "promised_days": -1}, "法定办结时限", ["XZSP-001", "负数"]),
    (1, {"promised_days": -3}, "承诺办结时限", ["XZSP-001", "负数"]),
    (1, {"legal_days": 2.5}, "法定办结时限", ["XZSP-001", "整数"]),
    (1, {"promised_days": 0}, "承诺办结时限", ["XZSP-001", "承诺件"]),
    (0, {"legal_days": 5, "promised_days": 3}, "承诺办结时限", ["XZFW-001", "即办件", "3"]),
    (1, {"fee": -5}, "收费金额", ["XZSP-001", "负数"]),
    (1, {"fee": "免费"}, "收费金额", ["XZSP-001", "数字"]),
    (1, {"fee": 1.005}, "收费金额", ["XZSP-001", "两位小数"]),
    (1, {"fee": 10, "fee_basis": ""}, "收费依据", ["XZSP-001", "收费依据"]),
    (1, {"materials": []}, "申请材料", ["XZSP-001", "承诺件", "申请材料"]),
    (1, {"materials": [{"name": "申请表", "form": "扫描件", "copies": 1}]}, "申请材料", ["XZSP-001", "扫描件"]),
    (1, {"materials": [{"name": "申请表", "form": "原件", "copies": 0}]}, "申请材料", ["XZSP-001", "份数"]),
    (1, {"materials": [{"name": " ", "form": "原件", "copies": 1}]}, "申请材料", ["XZSP-001", "名称"]),
    (1, {"materials": [{"name": "申请表", "form": "原件"}, {"name": "申请表", "form": "复印件"}]},
     "申请材料", ["XZSP-001", "申请表", "重复"]),
    (1, {"name": DELETE}, "事项名称", ["XZSP-001", "缺少"]),
    (1, {"name": "  "}, "事项名称", ["XZSP-001", "为空"]),
    (1, {"name": "城乡居民\x00养老"}, "事项名称", ["控制字符"]),
    (1, {"name": "城乡居民基本养老保险参保登记"}, "事项名称", ["XZSP-001", "XZFW-001", "重复"]),
    (1, {"department": DELETE}, "承办机构", ["XZSP-001", "缺少"]),
    (1, {"code": DELETE}, "事项编码", ["第 2 个事项", "缺少"]),
    (1, {"code": "SP1"}, "事项编码", ["SP1", "格式"]),
    (1, {"code": "XZFW-009"}, "事项编码", ["XZFW-009", "XZSP-"]),
    (1, {"online": "是"}, "全程网办", ["XZSP-001"]),
    (1, {"bundles": ["新生儿出生一件事", "新生儿出生一件事"]}, "一件事", ["XZSP-001", "重复"]),
    (1, {"promise_days": 3}, "事项目录", ["XZSP-001", "promise_days"]),
    (1, {"legal_days_unit": "月"}, "法定时限单位", ["XZSP-001", "月", "无效"]),
])
def test_invalid_catalogue_is_refused(tmp_path, index, changes, field, words):
    with pytest.raises(ValidationError) as caught:
        load_catalogue(write(tmp_path, mutated(index, **changes)))
    assert caught.value.field == field
    for word in words:
        assert word in caught.value.reason, (word, caught.value.reason)


@pytest.mark.parametrize("content, words", [
    ("{ not json", ["JSON", "第 1 行"]),
    ('{"version": 2, "matters": []}', ["版本"]),
    ('{"version": 1, "matters": []}', ["没有事项"]),
    ('[1, 2]', ["JSON 对象"]),
    ('{"version": 1, "version": 1, "matters": []}', ["version", "两次"]),
])
def test_broken_files_are_refused(tmp_path, content, words):
    file = tmp_path / "bad.json"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_catalogue(file)
    assert caught.value.field == "事项目录"
    for word in words:
        assert word in caught.value.reason


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ValidationError) as caught:
        load_catalogue(tmp_path / "nowhere.json")
    assert "找不到" in caught.value.reason


# ---------------------------------------------------------------- type-ahead

def _m(code, name):
    return Matter(code, name, "行政服务", "社会事务办公室", "即办件", 0, 0, Decimal("0"), "", (), False, (), "")


def test_find_orders_exact_code_then_name_start_then_others():
    items = [
        _m("XZFW-010", "困难残疾人生活补贴和重度残疾人护理补贴申请"),
        _m("XZFW-001", "残疾人证申领"),
        _m("XZFW-011", "残疾人就业登记"),
        _m("XZFW-100", "残疾人辅助器具适配"),
    ]
    assert [m.code for m in find(items, "残疾人")] == ["XZFW-001", "XZFW-011", "XZFW-100", "XZFW-010"]
    assert [m.code for m in find(items, "xzfw-01")] == ["XZFW-010", "XZFW-011"]
    assert [m.code for m in find(items, "XZFW-010")] == ["XZFW-010"]
    assert [m.code for m in find(items, "xzfw-2")] == []
    assert [m.code for m in find(items, "ｘｚｆｗ－００１")] == ["XZFW-001"]  # full-width input
    assert [m.code for m in find(items, "XZFW-1")] == ["XZFW-100"]
    assert find(items, "  ") == [] and find(items, "婚姻") == []


def test_find_exact_code_beats_name_start():
    items = [_m("QT-001", "QT-0010 测试事项"), _m("QT-0010", "另一事项")]
    assert [m.code for m in find(items, "qt-0010")] == ["QT-0010", "QT-001"]


def test_find_on_the_shipped_catalogue(shipped):
    codes = [m.code for m in find(shipped, "xzsp")]
    assert codes == sorted(codes) and len(codes) == len([m for m in shipped if m.matter_class == "行政审批"])
    names = [m.name for m in find(shipped, "登记")]
    assert "生育登记" in names and "就业登记" in names
    assert find(shipped, "QT-001")[0].name == "生育登记"


def test_statutes_counting_calendar_days_keep_their_unit(shipped):
    units = {m.code: m.legal_days_unit for m in shipped}
    assert [code for code, unit in units.items() if unit == "自然日"] == ["QT-006", "QT-007", "QT-008"]
    assert set(units.values()) == {"工作日", "自然日"}
    permit = next(m for m in shipped if m.code == "QT-006")
    assert (permit.legal_days, permit.legal_days_unit, permit.promised_days) == (15, "自然日", 10)


def test_find_takes_shortened_names_after_every_closer_match():
    matters = load_catalogue()
    assert [m.code for m in find(matters, "低保")] == ["XZFW-010"]        # 最低生活保障审核确认
    assert find(matters, "残疾证")[0].name == "残疾人证申领"
    assert find(matters, "保")[0].name != ""                              # one character: substring only
    assert all("保" in m.name for m in find(matters, "保"))
