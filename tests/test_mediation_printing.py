"""The mediation centre's documents built from its records: each kind, what it may not print yet, which
笔录 or 回访, masking, and `main.py print` for them."""

import io
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import audit, people
from models.db import close_database
from models.errors import ValidationError
from models.mediation import disputes, petitions, printing
from models.mediation.disputes import (
    AgreementEntry, DisputeEntry, FollowUpEntry, PartyEntry, SessionEntry, TermEntry,
)
from models.mediation.petitions import PetitionEntry
from models.mediation.tables import WRITTEN
from models.printouts import log_print

ROOT = Path(__file__).resolve().parent.parent
AT = datetime(2022, 3, 15, 2, 0)
LATER = AT + timedelta(days=10)


def text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", username="tiaojie")


@pytest.fixture
def parties(mediator):
    zhang = people.save_person(mediator, {"name": "张大山", "id_number": "500222199001011237", "phone": "13800000001",
                                          "address": "打通镇石龙村3组"})
    li = people.save_person(mediator, {"name": "李小河", "id_number": "500222198503151235", "phone": "13900000002"})
    return zhang, li


@pytest.fixture
def case(mediator, parties):
    zhang, li = parties
    return disputes.register(mediator, DisputeEntry(
        parties=[PartyEntry(zhang, "申请人", claims="要求拆除越界围墙"), PartyEntry(li, "被申请人")],
        facts="双方系邻居，因宅基地边界围墙修建发生争执。", dispute_type="邻里纠纷", risk_colour="黄"), now=AT)


TERMS = [TermEntry("李小河于2022年4月30日前拆除越界围墙", "自行拆除", "2022年4月30日前", "石龙村3组"),
         TermEntry("李小河赔偿张大山青苗损失800元", "现金支付", "协议签订当日", "打通镇人民调解委员会")]


def agreed(mediator, case):
    disputes.add_session(mediator, case, SessionEntry(datetime(2022, 3, 18, 9), "石龙村调解室", "王调解", "张大山、李小河",
                                                      "双方陈述了围墙修建的经过和各自要求。"), now=LATER)
    return disputes.record_agreement(mediator, case, AgreementEntry(
        form=WRITTEN, terms=TERMS, dispute_points="围墙是否越界", responsibilities="李小河未经协商修建围墙"), now=LATER)


def test_the_agreement_carries_both_parties_and_every_term(mediator, case):
    done = agreed(mediator, case)
    printable = printing.render(mediator, "agreement", done.number)
    body = text(printable.pdf)
    for expected in ["人民调解协议书", "张大山", "李小河", "500222199001011237", "一式三份", "打通镇人民调解委员会"]:
        assert expected in body, expected
    for term in TERMS:
        for part in (term.content, term.manner, term.deadline, term.place):
            assert re.sub(r"\s+", "", part) in body, part
    assert printable.file_name == f"人民调解协议书-{done.number}.pdf" and printable.record == done
    log_print(mediator, printable)
    log_print(mediator, printable)
    lines = [a.summary for a in audit.AuditEntry.select().where(audit.AuditEntry.action == "print")]
    assert lines == [f"打印人民调解协议书 {done.number}", f"打印人民调解协议书 {done.number}（重打）"]


def test_an_agreement_of_a_case_without_one_is_a_clear_error(mediator, case):
    with pytest.raises(ValidationError, match="没有书面调解协议（调解中）"):
        printing.render(mediator, "agreement", case.number)
    oral = disputes.record_agreement(mediator, case, AgreementEntry(form="口头协议", oral_text="双方口头同意围墙后退半米。"),
                                     now=LATER)
    with pytest.raises(ValidationError, match="没有书面调解协议（口头协议）"):
        printing.render(mediator, "agreement", oral.number)
    assert "口头协议" in text(printing.render(mediator, "closing", oral.number).pdf)


def test_each_document_of_a_case_and_what_it_may_print_now(mediator, case):
    assert printing.documents_for(case) == ["application", "registration", "rights"]
    for kind in ("application", "registration", "rights"):
        body = text(printing.render(mediator, kind, case.number).pdf)
        assert printing.KINDS[kind] in body and "张大山" in body, kind
    with pytest.raises(ValidationError, match="尚未结案"):
        printing.render(mediator, "closing", case.number)
    with pytest.raises(ValidationError, match="还没有调解或调查笔录"):
        printing.render(mediator, "record", case.number)
    done = agreed(mediator, case)
    disputes.add_follow_up(mediator, done, FollowUpEntry(date(2022, 4, 24), "王调解", "了解履行情况", "部分履行", "基本满意",
                                                         next_visit=date(2022, 5, 10)), now=datetime(2022, 4, 24, 2))
    disputes.add_follow_up(mediator, done, FollowUpEntry(date(2022, 5, 10), "王调解", "复查履行情况", "全部履行", "满意"),
                           now=datetime(2022, 5, 10, 2))
    assert printing.documents_for(done) == ["application", "registration", "rights", "record", "agreement", "followup",
                                            "closing"]
    assert "双方陈述了围墙修建的经过" in text(printing.render(mediator, "record", done.number).pdf)
    assert "复查履行情况" in text(printing.render(mediator, "followup", done.number).pdf)          # the latest
    assert "了解履行情况" in text(printing.render(mediator, "followup", done.number, item=1).pdf)
    with pytest.raises(ValidationError, match="共有 2 份回访记录，没有第 3 份"):
        printing.render(mediator, "followup", done.number, item=3)
    closing = text(printing.render(mediator, "closing", done.number).pdf)
    assert "调解成功" in closing and "全部履行" in closing
    with pytest.raises(ValidationError, match="未知的文书"):
        printing.render(mediator, "verdict", done.number)


def test_id_numbers_print_masked_for_a_user_who_may_not_see_them(mediator, case, monkeypatch):
    monkeypatch.setattr(type(mediator), "can", lambda self, p: p != "people.full_id")
    body = text(printing.render(mediator, "registration", case.number).pdf)
    assert "500222199001011237" not in body and "张大山" in body


def test_the_petition_register_prints_with_its_replies(mediator, parties):
    zhang, _ = parties
    visit = petitions.register(mediator, PetitionEntry([zhang], "反映村道硬化占用承包地未获补偿", visitors=3), now=AT)
    petitions.reply(mediator, visit, "已协调镇农业服务中心核实补偿标准。", now=LATER)
    body = text(printing.render(mediator, "petition", visit.number).pdf)
    for expected in ["信访登记表", visit.number, "张大山", "反映村道硬化占用承包地未获补偿", "已协调镇农业服务中心核实补偿标准"]:
        assert expected in body, expected


def cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_main_py_prints_mediation_documents(mediator, case, db_path, tmp_path):
    number = agreed(mediator, case).number
    close_database()
    out = tmp_path / "agreement.pdf"
    result = cli("print", "agreement", number, "--db", db_path, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "人民调解协议书" in result.stdout and "李小河赔偿张大山青苗损失800元" in text(out.read_bytes())
    record = cli("print", "record", number, "--db", db_path, "--out", tmp_path / "record.pdf", "--item", "1")
    assert record.returncode == 0, record.stderr
    missing = cli("print", "followup", number, "--db", db_path, "--out", tmp_path / "f.pdf")
    assert missing.returncode == 1 and "还没有回访记录" in missing.stderr
    assert not (tmp_path / "f.pdf").exists()
