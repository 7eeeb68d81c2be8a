"""Printed documents (documents/): 受理通知书, 补正材料通知书, 不予受理通知书 on A4, A5 and the 80 mm roll."""

import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from documents import layout
from documents.hall import (
    IntakeDocument,
    Office,
    Party,
    ReceiptMaterial,
    acceptance_receipt,
    correction_notice,
    default_remedies,
    office_title,
    rejection_notice,
)
from models.settings import RECEIPT_FORMATS
from models.validators import mask_id_number

ID_NUMBER = "11010519491231002X"
MASKED_ID = mask_id_number(ID_NUMBER)
NUMBER = "SL-DT00-20261126-0007"
MATTER = "农村村民宅基地审批"
PROMISED = "2026年12月17日"
REASON = "申请人已有宅基地一处，不符合“一户一宅”的规定（《中华人民共和国土地管理法》第六十二条）。"

OFFICE = Office("打通镇", "綦江区", "打通镇便民服务中心", "023-48612345")
APPLICANT = Party("刘桂兰", "居民身份证", ID_NUMBER, "13896541234", "重庆市綦江区打通镇大坪村3组27号")
AGENT = Party("张建国", "居民身份证", "500222198503150011", "13983456789")

RECEIVED = (
    ReceiptMaterial("农村宅基地和建房（规划许可）申请表", "原件", 1, True),
    ReceiptMaterial("农村宅基地使用承诺书", "原件", 1, True),
    ReceiptMaterial("居民身份证", "复印件", 1, True, "申请人及共同申请的家庭成员"),
    ReceiptMaterial("居民户口簿", "原件及复印件", 1, False),
)
MISSING = (
    ReceiptMaterial("村民小组会议讨论意见及公示材料", "原件", 1, False, "由村民委员会（村集体经济组织）审查后报送"),
    ReceiptMaterial("农房设计图或通用设计图选用说明", "复印件", 1, False, "可选用区县提供的农房通用图集"),
)

DOC = IntakeDocument(
    number=NUMBER, office=OFFICE, matter_name=MATTER, matter_code="XZSP-001",
    applicant=APPLICANT, agent=AGENT, channel="窗口受理", delivery="邮寄",
    delivery_address="重庆市綦江区打通镇大坪村3组27号", accepted_at=datetime(2026, 11, 26, 9, 35),
    clerk_name="陈晓燕", clerk_phone="023-48612301", legal_days=20, legal_days_unit="工作日",
    promised_days=15, promised_date=date(2026, 12, 17), fee=Decimal("0"),
    materials=RECEIVED, missing=(), reason="",
)
CORRECTION = replace(DOC, missing=MISSING)
REJECTION = replace(DOC, reason=REASON)

DOCUMENTS = {
    "receipt": (acceptance_receipt, DOC),
    "correction": (correction_notice, CORRECTION),
    "rejection": (rejection_notice, REJECTION),
}
PAPERS = ("A4", "A5", "80mm")
CASES = [(kind, paper) for kind in DOCUMENTS for paper in PAPERS]


def render(kind, paper, doc=None):
    function, default = DOCUMENTS[kind]
    return function(doc or default, paper)


def text_of(data: bytes) -> tuple[PdfReader, str]:
    """All pages' text with whitespace removed (wrapping splits words across lines)."""
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", "", text)


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.fixture(scope="module")
def rendered():
    return {(kind, paper): render(kind, paper) for kind, paper in CASES}


@pytest.mark.parametrize("kind,paper", CASES)
def test_pdf_embeds_truetype_font_and_no_cid_font(rendered, kind, paper):
    data = rendered[kind, paper]
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data                      # embedded TrueType
    assert b"STSong" not in data and b"CIDFont" not in data
    base_fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", data))
    assert base_fonts and all(name.endswith(b"+WenQuanYiMicroHei") for name in base_fonts), base_fonts


@pytest.mark.parametrize("kind,paper", CASES)
def test_page_size(rendered, kind, paper):
    reader = PdfReader(io.BytesIO(rendered[kind, paper]))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        if paper == "A4":
            assert (round(width), round(height)) == (595, 842)
        elif paper == "A5":
            assert (round(width), round(height)) == (595, 420)
        else:
            assert width == pytest.approx(226.77, abs=0.01)
            assert 200 < height < 5000 * 72 / 25.4
    if paper == "80mm":
        assert len(reader.pages) == 1               # one slip, cut to the content's length


@pytest.mark.parametrize("kind,paper", CASES)
def test_text_carries_the_facts_and_masks_the_id(rendered, kind, paper):
    _, text = text_of(rendered[kind, paper])
    assert NUMBER in text
    assert MATTER in text
    assert "綦江区打通镇便民服务中心" in text
    assert APPLICANT.name in text
    assert MASKED_ID in text
    assert ID_NUMBER not in text
    assert AGENT.id_number not in text and mask_id_number(AGENT.id_number) in text
    for material in RECEIVED:
        assert squash(material.name) in text
    if kind == "receipt":
        for needle in ("受理通知书", PROMISED, "承诺办结时限", "15个工作日", "法定办结时限", "20个工作日",
                       "不收费", "邮寄", "受理专用章", "陈晓燕", "023-48612345", "接收材料清单"):
            assert needle in text, needle


@pytest.mark.parametrize("paper", PAPERS)
def test_correction_notice_lists_every_missing_material_and_the_five_day_rule(rendered, paper):
    _, text = text_of(rendered["correction", paper])
    assert "补正材料通知书" in text
    for material in MISSING:
        assert squash(material.name) in text
    assert "共2项" in text
    assert "一次性告知" in text
    assert "第三十二条" in text and "五日内" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_rejection_notice_gives_reason_and_remedies(rendered, paper):
    _, text = text_of(rendered["rejection", paper])
    assert "不予受理通知书" in text
    assert squash(REASON) in text
    assert "行政复议" in text and "綦江区人民政府" in text and "行政诉讼" in text


def test_rejection_uses_given_remedies():
    custom = "如不服本决定，可在收到本通知书之日起六十日内申请行政复议。"
    _, text = text_of(rejection_notice(replace(REJECTION, remedies=custom)))
    assert custom in text
    assert "六个月内" not in text


def test_default_remedies_name_the_district_government():
    assert "向綦江区人民政府申请行政复议" in default_remedies(OFFICE)
    assert "六个月内" in default_remedies(OFFICE)


def test_office_title_does_not_repeat_parts():
    assert office_title(OFFICE) == "綦江区打通镇便民服务中心"
    assert office_title(Office("打通镇", "綦江区", "綦江区打通镇便民服务中心", "")) == "綦江区打通镇便民服务中心"
    assert office_title(Office("打通镇", "綦江区", "大坪村便民服务站", "")) == "綦江区打通镇大坪村便民服务站"


LONG = tuple(ReceiptMaterial(f"家庭成员居民身份证（第{i}人）", "复印件", 1, True) for i in range(1, 31))


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_long_material_list_flows_onto_more_pages_with_page_count(kind):
    doc = replace(DOCUMENTS[kind][1], materials=LONG)
    reader, text = text_of(render(kind, "A4", doc))
    pages = len(reader.pages)
    assert pages >= 2
    for n in range(1, pages + 1):
        page_text = squash(reader.pages[n - 1].extract_text())
        assert f"第{n}页共{pages}页" in page_text
        assert NUMBER in page_text                    # the footer carries the number on every page
    for material in LONG:
        assert squash(material.name) in text


def test_long_list_on_the_roll_is_one_long_slip():
    doc = replace(DOC, materials=LONG)
    short = PdfReader(io.BytesIO(acceptance_receipt(DOC, "80mm"))).pages[0].mediabox
    reader, text = text_of(acceptance_receipt(doc, "80mm"))
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.height) > float(short.height) + 300
    assert all(squash(m.name) in text for m in LONG)


@pytest.mark.parametrize("kind,paper", CASES)
def test_same_input_gives_identical_bytes(rendered, kind, paper):
    assert render(kind, paper) == rendered[kind, paper]


def test_papers_match_the_receipt_format_setting():
    assert set(layout.PAPERS) == set(RECEIPT_FORMATS)


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError):
        acceptance_receipt(DOC, "B5")


def test_immediate_matter_without_agent_with_fee_and_pickup():
    doc = replace(DOC, matter_name="城乡居民基本养老保险参保登记", matter_code="XZFW-001", agent=None,
                  legal_days=0, promised_days=0, promised_date=None, fee=Decimal("50"), delivery="自取",
                  delivery_address="")
    for paper in PAPERS:
        _, text = text_of(acceptance_receipt(doc, paper))
        assert "城乡居民基本养老保险参保登记" in text
        assert "当场办结" in text
        assert "收费，50.00元" in text
        assert "自取" in text
        assert "代理人：" not in text and "张建国" not in text


def test_organisation_credit_code_is_printed_in_full():
    company = Party("重庆市綦江区大坪种养殖专业合作社", "统一社会信用代码", "91350100M000100Y43", "023-48610000",
                    "重庆市綦江区打通镇大坪村")
    _, text = text_of(acceptance_receipt(replace(DOC, applicant=company, agent=None)))
    assert "统一社会信用代码" in text and "91350100M000100Y43" in text


def test_markup_characters_in_data_are_printed_not_interpreted():
    doc = replace(REJECTION, applicant=replace(APPLICANT, name="刘<桂>兰&"), reason="理由<b>含尖括号</b>&符号")
    for paper in PAPERS:
        _, text = text_of(rejection_notice(doc, paper))
        assert "刘<桂>兰&" in text
        assert "理由<b>含尖括号</b>&符号" in text


def test_chinese_punctuation_never_starts_or_opens_at_the_end_of_a_line():
    from reportlab.platypus import Paragraph

    style = layout.styles_for("A4").body
    for width in range(150, 480, 7):
        para = Paragraph(layout.esc(REASON + "经审查，申请材料不齐全。"), style)
        para.wrap(width, 10_000)
        lines = ["".join(line[1]) for line in para.blPara.lines]
        assert "".join(lines) == REASON + "经审查，申请材料不齐全。"
        for line in lines[1:]:
            assert line[0] not in "，。、；：）》”", (width, lines)
        for line in lines[:-1]:
            assert line[-1] not in "（《“", (width, lines)


def test_documents_need_neither_qt_nor_the_database():
    code = ("import sys, documents.hall; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'peewee')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(layout.__file__).rsplit("/documents/", 1)[0])


# --------------------------------------------------------------------------
# 收费收据
# --------------------------------------------------------------------------

from documents.hall import FeePayment, amount_in_words, fee_receipt  # noqa: E402

RECEIPT_NO = "SF-DT00-20261126-0003"
PAYMENT = FeePayment(RECEIPT_NO, NUMBER, MATTER, APPLICANT, Decimal("40.00"), "微信",
                     datetime(2026, 11, 26, 10, 5), "陈晓燕",
                     basis="《不动产登记收费标准》（发改价格规〔2016〕2559号）")


@pytest.mark.parametrize("amount,words", [
    ("1005.50", "壹仟零伍元伍角"),
    ("100000", "壹拾万元整"),
    ("0.05", "伍分"),
    ("10.05", "壹拾元零伍分"),
    ("0.10", "壹角"),
    ("20.00", "贰拾元整"),
    ("40", "肆拾元整"),
    ("101.00", "壹佰零壹元整"),
    ("1010.00", "壹仟零壹拾元整"),
    ("100010.00", "壹拾万零壹拾元整"),
    ("10000001", "壹仟万零壹元整"),
    ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["0", "0.00", "-1", "-0.01", "40.001", "0.005", "100000000", "NaN"])
def test_amount_in_words_refuses_what_cannot_be_a_fee(amount):
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))


@pytest.mark.parametrize("amount", ["0", "-40", "40.001"])
def test_fee_payment_refuses_an_unprintable_amount(amount):
    with pytest.raises(ValueError):
        replace(PAYMENT, amount=Decimal(amount))


@pytest.fixture(scope="module")
def fee_rendered():
    return {paper: fee_receipt(PAYMENT, OFFICE, paper) for paper in PAPERS}


@pytest.mark.parametrize("paper", PAPERS)
def test_fee_receipt_prints_the_payment(fee_rendered, paper):
    data = fee_rendered[paper]
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data and b"CIDFont" not in data
    reader, text = text_of(data)
    if paper == "80mm":
        assert len(reader.pages) == 1
    for needle in ("收费收据", RECEIPT_NO, NUMBER, MATTER, APPLICANT.name, "¥40.00", "人民币肆拾元整",
                   "微信", "2026年11月26日10:05", "陈晓燕", "发改价格规〔2016〕2559号", "收费专用章",
                   "本收据为缴费凭证，请妥善保管。", "綦江区打通镇便民服务中心"):
        assert needle in text, needle
    assert MASKED_ID in text
    assert ID_NUMBER not in text


@pytest.mark.parametrize("paper", PAPERS)
def test_fee_receipt_same_input_gives_identical_bytes(fee_rendered, paper):
    assert fee_receipt(PAYMENT, OFFICE, paper) == fee_rendered[paper]


def test_fee_receipt_default_paper_is_the_roll_and_unknown_paper_is_refused():
    assert fee_receipt(PAYMENT, OFFICE) == fee_receipt(PAYMENT, OFFICE, "80mm")
    with pytest.raises(ValueError):
        fee_receipt(PAYMENT, OFFICE, "B5")
