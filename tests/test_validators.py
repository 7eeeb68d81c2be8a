from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from models.errors import ValidationError
from models.validators import (
    CREDIT_CODE_ALPHABET,
    PROVINCE_CODES,
    CreditCodeResult,
    ResidentId,
    check_credit_code,
    clean_text,
    credit_code_check_char,
    mask_id_number,
    normalise_phone,
    parse_resident_id,
    resident_id_check_digit,
    validate_post_code,
)

# Fixed once so a run crossing midnight cannot flake.
TODAY = date.today()
VALID_ID = "11010519491231002X"


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_digit(first17)


def _id_error(value, field="身份证号", today=TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_resident_id(value, field=field, today=today)
    assert info.value.field == field
    assert field in str(info.value)
    return info.value


# ---------------------------------------------------------------- resident ID


def test_resident_id_valid_example():
    rid = parse_resident_id(VALID_ID, today=TODAY)
    assert rid == ResidentId(
        number=VALID_ID,
        region_code="110105",
        birth_date=date(1949, 12, 31),
        gender="女",
    )


def test_resident_id_is_frozen():
    rid = parse_resident_id(VALID_ID)
    with pytest.raises(AttributeError):
        rid.number = "x"  # type: ignore[misc]


def test_resident_id_check_digit_function():
    assert resident_id_check_digit("11010519491231002") == "X"
    with pytest.raises(ValueError):
        resident_id_check_digit("1101051949123100")
    with pytest.raises(ValueError):
        resident_id_check_digit("1101051949123100A")


def test_resident_id_male_from_odd_17th_digit():
    number = _with_check("11010519491231001")
    assert parse_resident_id(number).gender == "男"


@pytest.mark.parametrize(
    "raw",
    [
        "  11010519491231002X  ",
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "\u300011010519491231002X\u3000",  # ideographic space from an IME
    ],
)
def test_resident_id_normalisation(raw):
    assert parse_resident_id(raw).number == VALID_ID


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_resident_id_empty(raw):
    assert "不能为空" in str(_id_error(raw))


def test_resident_id_custom_field_label():
    err = _id_error("123", field="监护人身份证号")
    assert "监护人身份证号" in str(err)


@pytest.mark.parametrize("raw", ["1101051949123100", "11010519491231002X1", "110"])
def test_resident_id_wrong_length(raw):
    message = str(_id_error(raw))
    assert "18" in message
    assert f"{len(raw)}位" in message


def test_resident_id_old_15_digit_number():
    message = str(_id_error("110105491231002"))
    assert "15位" in message
    assert "18位" in message


@pytest.mark.parametrize(
    "raw, position",
    [
        ("1101051949123100AX", 17),
        ("X1010519491231002X", 1),
        ("11010519491231002A", 18),
        ("一1010519491231002X", 1),
        ("110105 9491231002X", 7),
    ],
)
def test_resident_id_non_digit(raw, position):
    message = str(_id_error(raw))
    assert "数字" in message
    assert "X" in message
    assert f"第{position}位" in message


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "38", "47", "55", "66", "72", "84", "99"])
def test_resident_id_unknown_province(province):
    number = _with_check(province + "010519491231002")
    message = str(_id_error(number))
    assert province in message
    assert "省" in message


def test_resident_id_all_listed_provinces_accepted():
    for province in PROVINCE_CODES:
        parse_resident_id(_with_check(province + "010519491231002"))
    assert len(PROVINCE_CODES) == 5 + 3 + 7 + 6 + 5 + 5 + 5


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490001", "20230229", "00000000"])
def test_resident_id_impossible_birth_date(birth):
    message = str(_id_error(_with_check("110105" + birth + "002")))
    assert "出生日期" in message
    assert birth in message


def test_resident_id_leap_day_accepted():
    rid = parse_resident_id(_with_check("11010520000229002"))
    assert rid.birth_date == date(2000, 2, 29)


def test_resident_id_birth_before_1900():
    message = str(_id_error(_with_check("11010518991231002")))
    assert "出生日期" in message
    assert "1900" in message
    parse_resident_id(_with_check("11010519000101002"))


def test_resident_id_birth_in_future():
    today = date(2024, 5, 10)
    assert parse_resident_id(_with_check("11010520240510002"), today=today)
    message = str(_id_error(_with_check("11010520240511002"), today=today))
    assert "出生日期" in message
    assert "今天" in message


def test_resident_id_wrong_check_digit_does_not_reveal_it():
    message = str(_id_error("110105194912310021"))
    assert "校验" in message
    assert "X" not in message


# ---------------------------------------------------------------- credit code


@pytest.mark.parametrize("code", ["91110000101623741K", "91350100M000100Y43"])
def test_credit_code_valid(code):
    assert check_credit_code(code) == CreditCodeResult(code=code, ok=True, warning=None)
    assert credit_code_check_char(code[:17]) == code[17]


def test_credit_code_registered_but_failing_checksum_only_warns():
    result = check_credit_code("91350211M0000XUF46")
    assert result.code == "91350211M0000XUF46"
    assert result.ok is False
    assert "校验" in result.warning
    assert "营业执照" in result.warning


@pytest.mark.parametrize(
    "raw",
    [
        " 91110000101623741k ",
        "９１１１００００１０１６２３７４１Ｋ",
        "９１１１００００１０１６２３７４１ｋ",
    ],
)
def test_credit_code_normalisation(raw):
    assert check_credit_code(raw) == CreditCodeResult("91110000101623741K", True, None)


def _credit_error(value, field="统一社会信用代码") -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_credit_code(value, field=field)
    assert info.value.field == field
    assert field in str(info.value)
    return info.value


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_credit_code_empty(raw):
    assert "不能为空" in str(_credit_error(raw))


@pytest.mark.parametrize("raw", ["91110000101623741", "91110000101623741K0"])
def test_credit_code_wrong_length(raw):
    message = str(_credit_error(raw))
    assert "18" in message
    assert f"{len(raw)}位" in message


@pytest.mark.parametrize(
    "raw, char, position",
    [
        ("9111000010162374IK", "I", 17),
        ("O1110000101623741K", "O", 1),
        ("911100001016237Z1K", "Z", 16),
        ("91110000S01623741K", "S", 9),
        ("91110000101623741V", "V", 18),
        ("9111000010162374-K", "-", 17),
    ],
)
def test_credit_code_forbidden_characters(raw, char, position):
    message = str(_credit_error(raw, field="信用代码"))
    assert f"第{position}位" in message
    assert f"“{char}”" in message


def test_credit_code_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        credit_code_check_char("9111000010162374")
    with pytest.raises(ValueError):
        credit_code_check_char("9111000010162374I")


def test_credit_code_weights_detect_every_single_substitution_algebraically():
    # A substitution changes the weighted sum by w * d with 1 <= |d| <= 30;
    # it goes unnoticed only if 31 divides w * d.
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    for w in weights:
        for d in range(1, 31):
            assert (w * d) % 31 != 0


@pytest.mark.parametrize("code", ["91110000101623741K", "91350100M000100Y43"])
def test_credit_code_every_single_substitution_detected_exhaustively(code):
    for position in range(18):
        for char in CREDIT_CODE_ALPHABET:
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            assert check_credit_code(changed).ok is False, changed


# ---------------------------------------------------------------- phone


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        (" 19912345678 ", "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("023-48612345", "023-48612345"),
        ("023 48612345", "023-48612345"),
        ("023 - 48612345", "023-48612345"),
        ("010-1234567", "010-1234567"),
        ("0755-12345678", "0755-12345678"),
        ("023-48612345-801", "023-48612345-801"),
        ("023 48612345 801", "023-48612345-801"),
        ("02348612345", "023-48612345"),
        ("075512345678", "0755-12345678"),
        ("02348612345-801", "023-48612345-801"),
        ("０２３－４８６１２３４５", "023-48612345"),
        ("023—48612345", "023-48612345"),
        ("023——48612345", "023-48612345"),
        ("48612345", "48612345"),
        ("4861234", "4861234"),
        ("4001234567", "4001234567"),
        ("400-123-4567", "4001234567"),
        ("800 1234 567", "8001234567"),
    ],
)
def test_phone_accepted(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        None,
        "12345678901",  # second digit must be 3-9
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "1381234",  # truncated mobile, not a local number
        "0486123",  # leading 0 but no area code split possible
        "023-123456",  # number too short
        "023-123456789",  # number too long
        "023-4861-2345",  # number split in two
        "023-48612345-1234567",  # extension too long
        "023-48612345-801-1",
        "00-48612345",
        "23-48612345",
        "+44 20 7946 0958",
        "+86 023 48612345",
        "500123456",  # 9 digits
        "138 1234 5678 ext",
        "电话13812345678",
        "138_1234_5678",
        "(023)48612345",
        "--13812345678",
        "13812345678-",
    ],
)
def test_phone_rejected(raw):
    with pytest.raises(ValidationError) as info:
        normalise_phone(raw)
    message = str(info.value)
    assert info.value.field == "联系电话"
    assert "联系电话" in message
    assert "13812345678" in message
    assert "023-48612345" in message


def test_phone_custom_field_and_specific_reasons():
    with pytest.raises(ValidationError) as info:
        normalise_phone("1381234567", field="监护人电话")
    assert "监护人电话" in str(info.value)
    assert "11位" in str(info.value)
    assert "10位" in str(info.value)

    with pytest.raises(ValidationError) as info:
        normalise_phone("电话13812345678")
    assert "“电”" in str(info.value)


# ---------------------------------------------------------------- masking


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("500222199001011234", "500222********1234"),
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("E12345678", "E*******8"),
        ("G1234", "G***4"),
        ("AB", "**"),
        ("A", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(raw, expected):
    assert mask_id_number(raw) == expected


# ---------------------------------------------------------------- post code


@pytest.mark.parametrize(
    "raw, expected",
    [("DT00", "DT00"), ("dt01", "DT01"), (" Dt01 ", "DT01"), ("AB", "AB"), ("ABCD1234", "ABCD1234"), ("ＤＴ０２", "DT02")],
)
def test_post_code_accepted(raw, expected):
    assert validate_post_code(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "D", "ABCDE1234", "DT-1", "DT 1", "站点01", "ß1", "ı1"])
def test_post_code_rejected(raw):
    with pytest.raises(ValidationError) as info:
        validate_post_code(raw)
    message = str(info.value)
    assert info.value.field == "站点代码"
    assert "站点代码" in message
    assert "2至8位" in message
    assert "DT00" in message


# ---------------------------------------------------------------- properties

valid_ids = st.builds(
    lambda province, area, birth, seq: _with_check(
        province + area + birth.strftime("%Y%m%d") + seq
    ),
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    area=st.text(alphabet="0123456789", min_size=4, max_size=4),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_property_built_resident_ids_parse(province, area, birth, seq):
    number = _with_check(province + area + birth.strftime("%Y%m%d") + seq)
    rid = parse_resident_id(number, today=TODAY)
    assert rid.number == number
    assert rid.region_code == province + area
    assert rid.birth_date == birth
    assert rid.gender == ("男" if int(seq[2]) % 2 else "女")


@given(number=valid_ids, position=st.integers(0, 17), data=st.data())
def test_property_single_change_to_resident_id_is_rejected(number, position, data):
    choices = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in choices if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_resident_id(changed, today=TODAY)


@given(
    first17=st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17),
    position=st.integers(0, 17),
    data=st.data(),
)
def test_property_credit_code_check_char(first17, position, data):
    code = first17 + credit_code_check_char(first17)
    assert check_credit_code(code) == CreditCodeResult(code, True, None)

    replacement = data.draw(st.sampled_from(CREDIT_CODE_ALPHABET))
    assume(replacement != code[position])
    changed = code[:position] + replacement + code[position + 1 :]
    result = check_credit_code(changed)
    assert result.ok is False
    assert result.warning


@given(number=st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_property_mask_never_reveals_more_than_ten(number):
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert sum(1 for c in masked if c != "*") <= 10
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]


@given(value=st.text(max_size=40))
def test_property_mask_keeps_stripped_length(value):
    assert len(mask_id_number(value)) == len(value.strip())


@pytest.mark.parametrize("pasted", ["张三\x00", "打通村\x003组", "a\x07b", "备\x1b[0m注", "x\x7fy"])
def test_a_text_field_refuses_control_characters_naming_the_field(pasted):
    with pytest.raises(ValidationError, match="看不见的控制字符") as err:
        clean_text(pasted, "邮寄地址", 200)
    assert err.value.field == "邮寄地址"


def test_tabs_and_line_breaks_stay_in_a_text_field():
    assert clean_text(" 第一行\n第二行\t末尾\r\n完 ", "备注", 100) == "第一行\n第二行\t末尾\r\n完"


@given(value=st.text(max_size=60))
def test_property_a_text_field_is_kept_exactly_or_refused(value):
    try:
        kept = clean_text(value, "备注", 100)
    except ValidationError as exc:
        assert exc.field == "备注"
    else:
        assert kept == value.strip() and "\x00" not in kept
