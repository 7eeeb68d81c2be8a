"""Printed documents (documents/): 受理通知书, 补正材料通知书, 不予受理通知书, 办结通知书 and 收费收据 on A4,
A5 and the 80 mm roll; the case number as Code128 and QR code (decoded from a rendering)."""

import io
import re
import subprocess
import sys
from pathlib import Path
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from documents import layout
from documents.fonts import FONT_NAME
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


# --------------------------------------------------------------------------
# 办结通知书
# --------------------------------------------------------------------------

from documents.hall import CompletionDocument, completion_notice  # noqa: E402

RESULT_REF = "渝綦社保〔2026〕第0123号"
RESULT_NOTE = "已办理宅基地审批，批准用地面积120平方米。"
REFUSAL = "申请人已有宅基地一处，不符合“一户一宅”的规定。"
MAIL_ADDRESS = "重庆市綦江区打通镇大坪村3组27号"

GRANTED = CompletionDocument(
    number=NUMBER, office=OFFICE, matter_name=MATTER, matter_code="XZSP-001", applicant=APPLICANT,
    accepted_at=datetime(2026, 11, 26, 9, 35), completed_at=datetime(2026, 12, 10, 15, 20), decision="准予",
    result_ref=RESULT_REF, result_note=RESULT_NOTE, delivery="自取", clerk_name="陈晓燕",
    clerk_phone="023-48612301", promised_date=date(2026, 12, 17),
)
REFUSED = replace(GRANTED, decision="不予", result_ref="", result_note=REFUSAL, delivery="邮寄",
                  delivery_address=MAIL_ADDRESS)
COMPLETIONS = {"准予": GRANTED, "不予": REFUSED}
COMPLETION_CASES = [(decision, paper) for decision in COMPLETIONS for paper in PAPERS]


@pytest.fixture(scope="module")
def completion_rendered():
    return {(decision, paper): completion_notice(COMPLETIONS[decision], paper)
            for decision, paper in COMPLETION_CASES}


@pytest.mark.parametrize("decision,paper", COMPLETION_CASES)
def test_completion_notice_is_a_pdf_in_the_paper_size_with_only_the_embedded_font(completion_rendered,
                                                                                   decision, paper):
    data = completion_rendered[decision, paper]
    assert data.startswith(b"%PDF") and b"/FontFile2" in data and b"CIDFont" not in data
    base_fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", data))
    assert base_fonts and all(name.endswith(b"+WenQuanYiMicroHei") for name in base_fonts), base_fonts
    reader = PdfReader(io.BytesIO(data))
    size = {"A4": (595, 842), "A5": (595, 420), "80mm": (227, None)}[paper]
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == size[0]
        if size[1]:
            assert round(float(page.mediabox.height)) == size[1]
    if paper == "80mm":
        assert len(reader.pages) == 1
    assert completion_notice(COMPLETIONS[decision], paper) == data      # same input, same bytes


@pytest.mark.parametrize("decision,paper", COMPLETION_CASES)
def test_completion_notice_prints_the_case_and_the_decision(completion_rendered, decision, paper):
    _, text = text_of(completion_rendered[decision, paper])
    for needle in ("办结通知书", NUMBER, MATTER, "XZSP-001", APPLICANT.name, MASKED_ID, "綦江区打通镇便民服务中心",
                   "事项名称", "受理时间", "2026年11月26日09:35", "办结时间", "2026年12月10日15:20", "承诺办结日期",
                   PROMISED, "办理结果", "结果文书编号", "送达方式", "陈晓燕", "受理专用章"):
        assert needle in text, needle
    assert ID_NUMBER not in text
    if decision == "准予":
        assert "办理结果：准予" in text or "办理结果准予" in text
        assert "作出准予办理的决定" in text
        assert squash(RESULT_REF) in text and squash(RESULT_NOTE) in text
        assert "行政复议" not in text
        # 自取: where, when, what to bring, the hall's phone; the pick-up signature
        for needle in ("领取须知", "领取地点", "领取时间", "携带材料", "023-48612345", "领取人签收"):
            assert needle in text, needle
    else:
        assert "办理结果：不予" in text or "办理结果不予" in text
        assert "作出不予办理的决定" in text and "理由如下" in text
        assert squash(REFUSAL) in text
        assert squash(default_remedies(OFFICE)) in text
        assert squash(MAIL_ADDRESS) in text and "邮寄" in text
        assert "领取须知" not in text and "领取人签收" not in text


def test_completion_notice_uses_given_remedies_and_pickup_text():
    custom = "如不服本决定，可在收到本通知书之日起六十日内申请行政复议。"
    _, text = text_of(completion_notice(replace(REFUSED, remedies=custom)))
    assert custom in text and "六个月内" not in text
    pickup = replace(GRANTED, pickup_place="打通镇便民服务中心3号窗口", pickup_hours="每周一至周五 9:00—17:00",
                     pickup_bring="本通知书和户口簿")
    _, text = text_of(completion_notice(pickup, "80mm"))
    for needle in ("打通镇便民服务中心3号窗口", "每周一至周五9:00—17:00", "本通知书和户口簿"):
        assert needle in text, needle


def test_completion_notice_refused_for_pickup_prints_reason_remedies_and_pickup():
    _, text = text_of(completion_notice(replace(REFUSED, delivery="自取", delivery_address=""), "A5"))
    assert squash(REFUSAL) in text and "行政复议" in text and "领取须知" in text


def test_completion_notice_granted_by_mail_prints_the_address():
    _, text = text_of(completion_notice(replace(GRANTED, delivery="邮寄", delivery_address=MAIL_ADDRESS), "A5"))
    assert squash(MAIL_ADDRESS) in text and "邮寄送达" in text and "领取须知" not in text


@pytest.mark.parametrize("change", [
    dict(decision="准许"),
    dict(decision=""),
    dict(delivery="快递"),
    dict(delivery="邮寄", delivery_address=" "),
    dict(completed_at=datetime(2026, 11, 25, 9, 0)),
])
def test_completion_document_refuses_what_cannot_be_printed(change):
    with pytest.raises(ValueError):
        replace(GRANTED, **change)


def test_completion_notice_is_exported_from_the_package():
    import documents

    assert documents.completion_notice is completion_notice
    assert documents.CompletionDocument is CompletionDocument


def test_completion_notice_unknown_paper_is_refused():
    with pytest.raises(ValueError):
        completion_notice(GRANTED, "B5")


# --------------------------------------------------------------------------
# The number as Code128 and QR code
# --------------------------------------------------------------------------

def decoded_codes(data: bytes, tmp_path) -> dict[str, list[str]]:
    """Rasterise the top 80 mm of page 1 (where the codes stand) at 300 dpi with QtPdf — the renderer
    the print preview uses — and decode every barcode there with zxing-cpp: {"QRCode": [...], ...}."""
    import zxingcpp
    from PIL import Image
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from ui.printing import load_pdf, render_page

    _app = QApplication.instance() or QApplication([])  # noqa: F841 (QtPdf needs an application object)
    document = load_pdf(data)
    points = document.pagePointSize(0)
    scale = 300 / 72
    image = render_page(document, 0, QSize(round(points.width() * scale), round(points.height() * scale)))
    top = min(image.height(), round(80 / 25.4 * 300))
    grey = image.copy(0, 0, image.width(), top).convertToFormat(QImage.Format_Grayscale8)
    pil = Image.frombuffer("L", (grey.width(), grey.height()), bytes(grey.constBits()), "raw", "L",
                           grey.bytesPerLine(), 1)
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(pil):
        found.setdefault(result.format.name, []).append(result.text)
    return found


CODE_CASES = [("receipt", paper) for paper in PAPERS] + [("completion", paper) for paper in PAPERS]


@pytest.mark.parametrize("kind,paper", CODE_CASES)
def test_qr_code_and_code128_decode_to_the_case_number(kind, paper, tmp_path):
    data = acceptance_receipt(DOC, paper) if kind == "receipt" else completion_notice(GRANTED, paper)
    found = decoded_codes(data, tmp_path)
    assert found.get("QRCode") == [NUMBER], found
    assert found.get("Code128") == [NUMBER], found


def test_roll_codes_scan_on_a_203_dpi_thermal_head():
    from reportlab.lib.units import mm

    roll = layout.paper_for("80mm")
    bars = layout.code128(NUMBER, paper=roll)
    assert bars is not None
    dots = bars.barWidth / layout.THERMAL_DOT
    assert bars.barWidth >= 0.25 * mm - 1e-9 and dots == pytest.approx(round(dots))    # whole dots
    assert bars.lquiet >= 10 * bars.barWidth and bars.rquiet >= 10 * bars.barWidth
    assert bars.width <= roll.content_width <= 72 * mm + 1e-6                            # quiet zones included
    qr = layout.qr_code(NUMBER, roll.qr_size, dot=layout.THERMAL_DOT)
    assert 22 * mm <= qr.width <= 26 * mm and qr.width == qr.height


def test_code128_is_left_out_when_it_cannot_scan_but_the_qr_code_stays():
    roll = layout.paper_for("80mm")
    long_number = NUMBER + "-" + "X" * 30
    assert layout.code128(long_number, paper=roll) is None              # would need bars under 0.25 mm
    assert layout.code128("受理编号", paper=roll) is None                  # Code128 is ASCII only
    flow = layout.number_codes(roll, long_number)
    assert any(isinstance(f, layout.QrCode) for f in flow)
    _, text = text_of(acceptance_receipt(replace(DOC, number=long_number), "80mm"))
    assert long_number in text


def test_numbers_and_codes_are_not_broken_across_lines():
    from reportlab.platypus import Paragraph

    sentence = f"领取前可拨打服务大厅电话 023-48612345，报受理编号 {NUMBER} 确认，证件号码 {MASKED_ID}。"
    style = layout.styles_for("80mm").body
    for width in range(120, 400, 3):
        para = Paragraph(layout.esc(sentence), style)
        para.wrap(width, 10_000)
        lines = ["".join(line[1]) for line in para.blPara.lines]
        assert squash("".join(lines)) == squash(sentence)         # a space at a break may go
        for token in (NUMBER, MASKED_ID, "023-48612345"):
            assert any(token in line for line in lines), (width, token, lines)


# --------------------------------------------------------------------------
# A5: a typical case is one sheet; a long one never leaves the signature alone
# --------------------------------------------------------------------------

SIX = RECEIVED + (
    ReceiptMaterial("宅基地申请户家庭成员情况表", "原件", 1, True),
    ReceiptMaterial("不动产权属证明（原宅基地）", "复印件", 1, True, "如有"),
)
FIVE_MISSING = MISSING + (
    ReceiptMaterial("村集体经济组织审查意见", "原件", 1, False),
    ReceiptMaterial("建房位置示意图", "原件", 1, False, "标明四至"),
    ReceiptMaterial("自然资源所审查意见表", "原件", 1, False),
)
TWELVE = tuple(ReceiptMaterial(f"家庭成员居民身份证（第{i}人）", "复印件", 1, True) for i in range(1, 13))

TYPICAL_A5 = {
    "receipt": lambda: acceptance_receipt(replace(DOC, materials=SIX), "A5"),
    "correction": lambda: correction_notice(replace(CORRECTION, materials=SIX, missing=FIVE_MISSING), "A5"),
    "rejection": lambda: rejection_notice(replace(REJECTION, materials=SIX), "A5"),
    "completion-refused-by-mail": lambda: completion_notice(REFUSED, "A5"),
    "completion-refused-pickup": lambda: completion_notice(replace(REFUSED, delivery="自取", delivery_address=""),
                                                           "A5"),
    "completion-granted-pickup": lambda: completion_notice(GRANTED, "A5"),
}


@pytest.mark.parametrize("kind", TYPICAL_A5)
def test_typical_case_on_a5_is_one_sheet(kind):
    assert DOC.agent is not None and DOC.applicant.address       # an agent and an address
    reader, text = text_of(TYPICAL_A5[kind]())
    assert len(reader.pages) == 1
    assert "受理专用章" in text and "綦江区打通镇便民服务中心" in text
    if kind in ("receipt", "correction", "rejection"):
        assert all(squash(m.name) in text for m in SIX)
        assert "签收" in text
    if kind == "correction":
        assert all(squash(m.name) in text for m in FIVE_MISSING) and "共5项" in text


def test_a5_keeps_legible_type_and_a_scannable_barcode():
    a5 = layout.paper_for("A5")
    assert a5.body_size >= 8.5 and a5.cell_size >= 8
    styles = layout.styles_for("A5")
    assert styles.body.fontSize >= 8.5 and styles.cell.fontSize >= 8 and styles.label.fontSize >= 8
    bars = layout.code128(NUMBER, paper=a5)
    assert bars is not None and bars.barWidth >= layout.MIN_BAR_WIDTH


LONG_A5 = {
    "receipt": lambda: acceptance_receipt(replace(DOC, materials=TWELVE), "A5"),
    "correction": lambda: correction_notice(replace(CORRECTION, materials=TWELVE, missing=FIVE_MISSING), "A5"),
    "rejection": lambda: rejection_notice(replace(REJECTION, materials=TWELVE), "A5"),
}


@pytest.mark.parametrize("kind", LONG_A5)
def test_long_case_on_a5_keeps_the_signature_with_the_table(kind):
    reader, text = text_of(LONG_A5[kind]())
    assert all(squash(m.name) in text for m in TWELVE)
    last = squash(reader.pages[-1].extract_text())
    assert "签收" in last and "受理专用章" in last
    if kind == "correction":
        # the 申请信息 table is the last before the signature: its last rows come along
        assert "经办人" in last
    else:
        assert squash(TWELVE[-1].name) in last                  # the table's last rows come along


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_signature_block_never_stands_alone_on_a_page(paper):
    """Whatever the list's length, the last page carries table rows besides the signature."""
    for count in range(4, 40, 3):
        materials = tuple(ReceiptMaterial(f"家庭成员居民身份证（第{i}人）", "复印件", 1, True) for i in range(1, count + 1))
        reader = PdfReader(io.BytesIO(rejection_notice(replace(REJECTION, materials=materials), paper)))
        last = squash(reader.pages[-1].extract_text())
        assert "签收" in last
        assert squash(materials[-1].name) in last, (paper, count, len(reader.pages))


# --------------------------------------------------------------------------
# The closing block after running text; long and many signature lines (documents.layout)
# --------------------------------------------------------------------------

CLOSING_TEXT = "申请人对本通知书所列事项已知悉，自愿按照上述要求办理，并对所提交材料的真实性负责。"


def closing_story(paper_key: str, paragraphs: int, last: int = 0):
    """A notice of running text ending with a paragraph (``last`` sentences long), the signature
    block kept with its end."""
    paper = layout.paper_for(paper_key)

    def story():
        flow = layout.title_block(paper, office_title(OFFICE), "告知书", NUMBER)
        flow += [layout.para(paper, layout.esc(f"第{n}段。" + CLOSING_TEXT * 3)) for n in range(1, paragraphs + 1)]
        flow.append(layout.para(paper, layout.esc(CLOSING_TEXT * last + "此为正文的最后一句。")))
        closing = layout.signature_block(paper, sign_lines=("申请人签收：",), office_name=office_title(OFFICE),
                                         date_text="2026年11月26日")
        return layout.keep_with_end(paper, flow, closing)

    return layout.render(paper, story, footer=f"编号：{NUMBER}", title="告知书")


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_a_closing_paragraph_stays_with_the_signature_without_a_needless_page(paper):
    """A nested KeepTogether (the signature block's) must not push a short notice onto a second page."""
    reader, text = text_of(closing_story(paper, 2))
    assert len(reader.pages) == 1 and "此为正文的最后一句。申请人签收：" in text


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_the_end_of_long_running_text_goes_with_the_signature(paper):
    """Whatever the length, the last page has the signature with the text's end: the whole last
    paragraph when short, the end of it (several lines) when it is long."""
    for paragraphs, last in [(n, 0) for n in range(4, 40, 5)] + [(2, n) for n in range(10, 80, 12)]:
        reader, _ = text_of(closing_story(paper, paragraphs, last))
        page = squash(reader.pages[-1].extract_text())
        assert "此为正文的最后一句。申请人签收：" in page and "受理专用章" in page, (paper, paragraphs, last)
        if last and len(reader.pages) > 1:
            assert page.count(CLOSING_TEXT) >= 2, (paper, paragraphs, last)       # more than its last line


def test_a_long_signature_label_wraps_clear_of_the_seal():
    paper = layout.paper_for("A4")
    label = "被申请人　重庆市綦江区通达路桥工程有限公司打通镇石林村至大坪村村道硬化工程项目部（盖章）："
    lines = layout.SignLines(paper, ["申请人　刘桂兰（签名）：", label])
    width = 250
    _, height = lines.wrap(width, 1000)
    parts = lines._labels[1]
    assert len(parts) > 1 and "".join(parts) == label and lines._labels[0] == ["申请人　刘桂兰（签名）："]
    assert all(stringWidth(part, FONT_NAME, paper.body_size) <= width - 7 * paper.body_size + 0.01 for part in parts)
    assert height == pytest.approx(2 * lines.gap + (len(parts) - 1) * lines.lead)
    assert not any(part.startswith(("，", "：", "）")) for part in parts)


@pytest.mark.parametrize("paper", ["A4", "A5", "80mm"])
def test_any_number_of_signature_lines_flows_over_pages(paper):
    p = layout.paper_for(paper)
    signers = [f"申请人　务工人员{i:02d}（签名或捺印）：" for i in range(1, 46)]

    def story():
        flow = layout.title_block(p, office_title(OFFICE), "协议书", NUMBER)
        flow.append(layout.para(p, layout.esc(CLOSING_TEXT)))
        return layout.keep_with_end(p, flow, layout.signature_block(
            p, sign_lines=signers, office_name=office_title(OFFICE), date_text="2026年11月26日"))

    reader, text = text_of(layout.render(p, story, footer=f"编号：{NUMBER}", title="协议书"))
    assert all(squash(line) in text for line in signers)
    last = squash(reader.pages[-1].extract_text())
    assert squash(signers[-1]) in last and "受理专用章" in last
    if paper != "80mm":
        assert len(reader.pages) > 1


def test_signature_lines_split_in_whole_pieces():
    paper = layout.paper_for("A4")
    lines = layout.SignLines(paper, [f"务工人员{i:02d}（签名）：" for i in range(1, 21)])
    first, rest = lines.split(paper.content_width, 8.5 * lines.gap)
    assert len(first.lines) == layout.SIGN_PIECE and len(rest.lines) == 20 - layout.SIGN_PIECE
    assert rest.spaceBefore == 0
    assert lines.split(paper.content_width, 5 * lines.gap) == []         # not even one piece fits


def test_printing_is_prepared_in_the_background_while_the_user_logs_in():
    """A fresh process: the font is registered by the background thread, not by a first receipt."""
    code = ("from reportlab.pdfbase import pdfmetrics\n"
            "from documents.fonts import FONT_NAME, prepare_printing\n"
            "before = FONT_NAME in pdfmetrics.getRegisteredFontNames()\n"
            "prepare_printing().join()\n"
            "print(before, FONT_NAME in pdfmetrics.getRegisteredFontNames())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split()
    assert out == ["False", "True"]


def test_a_missing_font_while_preparing_is_logged_not_raised(monkeypatch, caplog):
    from reportlab.pdfbase import pdfmetrics

    from documents import fonts

    monkeypatch.setattr(pdfmetrics, "getRegisteredFontNames", lambda: [])
    monkeypatch.setattr(fonts, "resource_path", lambda *parts: Path("/nonexistent/font.ttf"))
    with caplog.at_level("ERROR", logger="towndesk.documents"):
        fonts.prepare_printing().join()
    assert "预先加载打印字体失败" in caplog.text
