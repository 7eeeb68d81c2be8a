"""Printed documents of the dispute mediation centre (documents/mediation.py): 申请书, 受理登记表,
权利义务告知书, 调解/调查笔录, 调解协议书, 回访记录, 结案报告表 and 信访登记表 — A4, for a short case
(two parties, two clauses) and a long one (ten parties, an organisation among them, more than a
page of facts, ten long clauses)."""

import io
import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from documents import mediation
from documents.mediation import (
    Committee,
    DisputeDocument,
    DisputeParty,
    FollowUpRecord,
    PetitionDocument,
    SessionRecord,
    Term,
    agreement,
    application,
    chinese_number,
    closing_report,
    committee_title,
    copies_sentence,
    followup_record,
    petition_registration,
    registration,
    rights_notice,
    session_record,
)


FOOTER = re.compile(r"(协议编号：[^：]*?)?(案件编号|登记编号|协议编号)：[^：]*?第\d+页共\d+页$")


def text_of(data: bytes) -> tuple[PdfReader, str]:
    """All pages' text with whitespace removed (wrapping splits words across lines) and without the
    page footers (drawn last on each page), so a paragraph running over a page reads whole."""
    reader = PdfReader(io.BytesIO(data))
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]
    for n, page in enumerate(pages):
        assert FOOTER.search(page), page[-80:]
        pages[n] = FOOTER.sub("", page)
    return reader, "".join(pages)


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


COMMITTEE = Committee("打通镇人民调解委员会", "打通镇", "綦江区", "023-48612345")
MASKED = "500222********2127"          # the caller masks a person's ID number

# --------------------------------------------------------------------------
# The short case: two neighbours, a drainage ditch, two clauses
# --------------------------------------------------------------------------

LIU = DisputeParty("申请人", "刘桂兰", gender="女", ethnicity="汉", age=58, occupation="农民",
                   phone="13896541234", address="重庆市綦江区打通镇大坪村3组27号", id_text=MASKED,
                   claims="请求被申请人恢复排水沟原状，赔偿菜地损失800元。")
ZHANG = DisputeParty("被申请人", "张建国", gender="男", ethnicity="汉", age=61, occupation="农民",
                     phone="13983456789", address="重庆市綦江区打通镇大坪村3组28号")

SHORT_FACTS = ("申请人刘桂兰与被申请人张建国系大坪村3组相邻住户。2022年3月初，张建国在自家屋后修建猪圈时"
               "将两家之间的排水沟填埋，致使雨水倒灌刘桂兰家菜地，损毁青菜约两分地。\n"
               "双方多次协商未果，刘桂兰于2022年3月15日向本委员会申请调解。")
SHORT_TERMS = (
    Term("被申请人张建国自行清理其填埋的排水沟，恢复排水沟原有走向和宽度（宽约40厘米）",
         manner="被申请人自行施工", deadline="2022年3月25日前", place="大坪村3组两家屋后排水沟处"),
    Term("被申请人张建国一次性赔偿申请人刘桂兰菜地损失人民币600元",
         manner="现金当面支付", deadline="本协议签订之日当场", place="打通镇人民调解委员会调解室"),
)

SHORT = DisputeDocument(
    number="TJ-DT00-20220315-0001", committee=COMMITTEE, accepted_on=date(2022, 3, 15), source="当事人申请",
    dispute_type="邻里纠纷", parties=(LIU, ZHANG), facts=SHORT_FACTS, channel="人民调解", joint=("司法所",),
    amount=Decimal("800"), people_involved=2, village="大坪村", risk_colour="黄", risk_meaning="一般邻里纠纷",
    mediators=("陈德明", "李秀芳"), registrar="王晓燕",
    agreement_number="打调协字〔2022〕第12号", dispute_points="排水沟是否应由张建国恢复、菜地损失如何赔偿。",
    responsibilities="张建国擅自填埋共用排水沟，对菜地受损负主要责任；刘桂兰未及时告知，负次要责任。",
    terms=SHORT_TERMS, agreed_on=date(2022, 3, 18),
    outcome="调解成功", agreement_form="书面协议", closed_on=date(2022, 3, 30),
    close_reason="双方达成书面调解协议，排水沟已恢复，赔偿款已当场付清。", performance="已全部履行",
)

# --------------------------------------------------------------------------
# The long case: blasting for a village road, five villagers against a company and four others
# --------------------------------------------------------------------------

FACTS_BEGIN = "2021年10月，重庆市綦江区通达路桥工程有限公司承建打通镇石林村至大坪村村道硬化工程"
FACTS_END = "申请人五户遂于2022年4月6日共同向本委员会申请调解，请求依法处理。"
LONG_FACTS = "\n".join([
    FACTS_BEGIN + "（合同编号QJ-CD-2021-0458），工程全长约6.8公里，其中石林村5组段需开挖石方约1.2万立方米。"
    "施工方将石方开挖及土石方运输分包给周志强负责，周志强组织人员自2021年11月起在石林村5组段进行爆破作业，"
    "每日爆破一至两次，爆破点距离申请人罗永福、罗永贵、谭清华、何世英、罗小兰五户房屋最近约45米、最远约120米。",
    "爆破作业开始后，申请人五户陆续发现房屋墙体出现裂缝，罗永福家堂屋后墙出现长约2.3米的斜向裂缝，"
    "罗永贵家厨房屋顶瓦片震落、檩条松动，谭清华家二楼楼板与墙体连接处开裂，何世英家院坝堡坎局部垮塌约6米，"
    "罗小兰家新建偏房地基下沉。申请人多次向施工现场负责人反映，要求减少装药量、提前告知爆破时间，"
    "但施工方未采取有效措施，仍按原方案继续爆破。",
    "2022年1月，何世英家堡坎垮塌后，垮塌土石压埋其承包地内的柑橘树11株、油菜约0.4亩；"
    "同月，被申请人王德全、王德才、李光明三户在自家承包地内堆放施工方运出的弃土弃渣，"
    "弃土弃渣堵塞了申请人罗永福、罗永贵两户共用的灌溉水渠约80米，致使两户约3.5亩稻田春灌无法放水。"
    "王德全等三户称弃土系施工方按每车20元的价格堆放在其地里，与其无关；施工方则称堆放弃土是周志强"
    "自行联系，施工方对此并不知情。",
    "2022年2月至3月，申请人五户多次到施工项目部和村委会反映，村委会组织双方协商两次，"
    "施工方同意对房屋进行鉴定后再行处理，但对鉴定费用由谁承担、鉴定机构如何选定未能达成一致；"
    "周志强认为房屋裂缝系年久失修所致，与爆破无关，拒绝承担任何责任。"
    "2022年3月12日，申请人罗永福等人在施工现场阻止爆破作业，与施工人员发生推搡，"
    "打通派出所出警后将双方劝离，并将该纠纷移交镇人民调解委员会，同时告知双方通过调解解决。",
    "经本委员会会同打通镇司法所、打通派出所、石林村委会工作人员于2022年3月20日、3月28日两次实地查看，"
    "申请人五户房屋确有新近产生的裂缝，裂缝走向与爆破方向基本一致；何世英家堡坎垮塌处土体松散，"
    "垮塌时间与施工方施工日志记载的一次大药量爆破时间相吻合；灌溉水渠内弃土弃渣厚度约0.5米至1.2米，"
    "与王德全等三户地内堆放的弃土成分相同。经双方同意，委托重庆市某建筑工程质量检测有限公司对五户房屋进行了"
    "安全性鉴定，鉴定意见为：五户房屋裂缝与附近爆破振动存在因果关系，房屋安全性等级为Bsu级，需进行加固维修。",
    "申请人五户提出：由施工方和周志强赔偿房屋维修费用、堡坎重建费用、柑橘树和油菜损失、"
    "稻田减产损失，并由王德全等三户清除弃土、恢复水渠。被申请人通达路桥公司认可应对爆破造成的损失承担责任，"
    "但认为赔偿数额过高；周志强同意承担部分责任；王德全等三户同意清理水渠，但要求施工方承担清运费用。"
    "因双方分歧较大，" + FACTS_END,
])

CLAUSE_TEXT = ("，并由施工方安排专人负责，维修完成后由申请人、施工方和石林村委会三方共同验收，"
               "验收不合格的，施工方应当在七日内返工直至合格，返工费用由施工方自行承担")
LONG_TERMS = tuple(
    Term(content, manner=manner, deadline=deadline, place=place)
    for content, manner, deadline, place in [
        ("被申请人重庆市綦江区通达路桥工程有限公司负责对申请人罗永福家堂屋后墙裂缝进行加固维修" + CLAUSE_TEXT,
         "施工方委托有资质的施工队伍施工", "2022年5月31日前完成", "石林村5组罗永福家"),
        ("被申请人重庆市綦江区通达路桥工程有限公司负责对申请人罗永贵家厨房屋顶进行翻修，更换松动檩条和损坏瓦片" + CLAUSE_TEXT,
         "施工方委托有资质的施工队伍施工", "2022年5月31日前完成", "石林村5组罗永贵家"),
        ("被申请人重庆市綦江区通达路桥工程有限公司负责对申请人谭清华家二楼楼板与墙体连接处进行加固" + CLAUSE_TEXT,
         "施工方委托有资质的施工队伍施工", "2022年6月15日前完成", "石林村5组谭清华家"),
        ("被申请人重庆市綦江区通达路桥工程有限公司赔偿申请人何世英堡坎重建费用人民币28000元、柑橘树及油菜损失"
         "人民币4600元，共计人民币32600元，由何世英自行组织重建堡坎，施工方不再另行承担其他费用",
         "银行转账至何世英本人账户", "2022年4月30日前一次性付清", "打通镇人民调解委员会"),
        ("被申请人重庆市綦江区通达路桥工程有限公司赔偿申请人罗小兰偏房地基下沉维修费用人民币15000元，"
         "罗小兰自行组织维修，维修过程中如发现地基下沉范围扩大，由双方另行协商处理",
         "银行转账至罗小兰本人账户", "2022年4月30日前一次性付清", "打通镇人民调解委员会"),
        ("被申请人周志强赔偿申请人罗永福、罗永贵两户稻田春灌延误造成的减产损失共计人民币4200元，"
         "两户各得人民币2100元，周志强对此前以年久失修为由拒绝承担责任的做法表示歉意",
         "现金当面支付，由人民调解员见证", "2022年4月20日前付清", "石林村村民委员会办公室"),
        ("被申请人王德全、王德才、李光明三户负责将堆放在各自承包地内、堵塞灌溉水渠的弃土弃渣全部清除，"
         "恢复水渠原有断面和走向，清运费用人民币6000元由被申请人重庆市綦江区通达路桥工程有限公司承担",
         "三户自行组织人工和机械清运，施工方将清运费直接支付给三户", "2022年4月25日前清理完毕",
         "石林村5组灌溉水渠沿线"),
        ("被申请人重庆市綦江区通达路桥工程有限公司今后在石林村5组段的爆破作业须按经审批的爆破方案控制装药量，"
         "每次爆破前一日通知申请人五户和石林村委会，并设置警戒，爆破时间限定在每日上午十时至十二时",
         "施工方书面通知并在村公告栏公示", "至本工程石方开挖完毕时止", "石林村5组施工现场"),
        ("本协议约定的房屋维修完成后一年内，申请人五户房屋如因本次爆破出现新的裂缝或原有裂缝扩大，"
         "经鉴定确与爆破有关的，由被申请人重庆市綦江区通达路桥工程有限公司负责维修，鉴定费用由施工方预付",
         "申请人书面告知施工方，施工方接到通知后十日内派人查看", "维修完成之日起一年内",
         "申请人五户房屋所在地"),
        ("各方当事人就本纠纷再无其他争议，本协议履行完毕后，申请人不得再以同一事实阻止施工，"
         "被申请人不得以任何方式对申请人进行报复；任何一方违反本协议的，守约方可以请求人民调解委员会督促履行",
         "各方自觉遵守", "本协议生效之日起长期有效", "打通镇石林村"),
    ])

COMPANY = DisputeParty("被申请人", "重庆市綦江区通达路桥工程有限公司", kind="organisation",
                       phone="023-48655001", address="重庆市綦江区古南街道沙溪路112号附3号",
                       id_text="91500222MA5U7XK23Q", representative="蒋国平")
LONG_PARTIES = (
    DisputeParty("申请人", "罗永福", gender="男", ethnicity="汉", age=67, occupation="农民", phone="13708296501",
                 address="重庆市綦江区打通镇石林村5组12号", id_text="500222********0419",
                 claims="请求施工方维修堂屋后墙裂缝，赔偿稻田减产损失。"),
    DisputeParty("申请人", "罗永贵", gender="男", ethnicity="汉", age=63, occupation="农民", phone="13983172265",
                 address="重庆市綦江区打通镇石林村5组13号", id_text="500222********0434",
                 claims="请求施工方翻修厨房屋顶，恢复灌溉水渠。"),
    DisputeParty("申请人", "谭清华", gender="女", ethnicity="土家", age=52, occupation="个体经营", phone="15123370418",
                 address="重庆市綦江区打通镇石林村5组15号", id_text="500222********2462",
                 claims="请求施工方加固二楼楼板。"),
    DisputeParty("申请人", "何世英", gender="女", ethnicity="汉", age=71, occupation="农民", phone="13594718802",
                 address="重庆市綦江区打通镇石林村5组9号", id_text="500222********0427",
                 claims="请求赔偿堡坎重建费用和柑橘树、油菜损失。"),
    DisputeParty("申请人", "罗小兰", gender="女", ethnicity="苗", age=45, occupation="务工", phone="18716635590",
                 address="重庆市綦江区打通镇石林村5组16号", id_text="500222********0446",
                 claims="请求赔偿偏房地基下沉维修费用。"),
    COMPANY,
    DisputeParty("被申请人", "周志强", gender="男", ethnicity="汉", age=48, occupation="个体工程承包",
                 phone="13896012347", address="重庆市綦江区三角镇红岩村2组", id_text="500222********5513"),
    DisputeParty("被申请人", "王德全", gender="男", ethnicity="汉", age=59, occupation="农民", phone="13618251190",
                 address="重庆市綦江区打通镇石林村5组3号"),
    DisputeParty("被申请人", "王德才", gender="男", ethnicity="汉", age=56, occupation="农民", phone="13618253306",
                 address="重庆市綦江区打通镇石林村5组4号"),
    DisputeParty("被申请人", "李光明", gender="男", ethnicity="汉", age=62, occupation="农民", phone="15826081147",
                 address="重庆市綦江区打通镇石林村5组6号"),
)
LONG = DisputeDocument(
    number="TJ-DT00-20220406-0007", committee=COMMITTEE, accepted_on=date(2022, 4, 6), source="公安移交",
    dispute_type="损害赔偿纠纷", parties=LONG_PARTIES, facts=LONG_FACTS, channel="人民调解",
    joint=("人民法庭", "派出所", "司法所"), amount=Decimal("112800.00"), people_involved=23, village="石林村",
    risk_colour="橙", risk_meaning="涉及多户群众，可能激化升级", mediators=("陈德明", "李秀芳", "杨光辉"),
    registrar="王晓燕", agreement_number="打调协字〔2022〕第27号",
    dispute_points="房屋裂缝、堡坎垮塌是否由爆破造成；损失数额；弃土弃渣堵塞水渠的清理责任和费用由谁承担。",
    responsibilities="通达路桥公司作为施工单位未按规定控制爆破装药量，对爆破造成的损失承担主要责任；"
                     "周志强作为分包人擅自联系堆放弃土，承担相应责任；王德全等三户收取费用堆放弃土，负责清理。",
    terms=LONG_TERMS, agreed_on=date(2022, 4, 15), outcome="调解成功", agreement_form="书面协议",
    closed_on=date(2022, 6, 20), close_reason="各方达成书面调解协议，并于2022年4月18日共同向綦江区人民法院"
    "申请司法确认。\n截至结案时，房屋维修已验收合格，赔偿款已全部支付，水渠已恢复。",
    routes=("仲裁", "行政", "诉讼"), judicial_confirmation="綦江区人民法院（2022）渝0110民特123号民事裁定书确认协议有效",
    performance="已全部履行",
)

CASES = {"short": SHORT, "long": LONG}

# --------------------------------------------------------------------------
# Sessions, visits, petitions
# --------------------------------------------------------------------------

SHORT_SESSION = SessionRecord(
    kind="调解", started_at=datetime(2022, 3, 18, 9, 0), ended_at=datetime(2022, 3, 18, 11, 30),
    place="打通镇人民调解委员会调解室", mediators=("陈德明", "李秀芳"), attendees=("刘桂兰", "张建国"),
    recorder="王晓燕",
    content="调解员：今天召集双方，就排水沟被填埋一事进行调解。请申请人先说。\n"
            "刘桂兰：他修猪圈把沟填了，雨水全部流进我的菜地。\n"
            "张建国：我不晓得那条沟是两家共用的，愿意把沟挖出来。",
    agreed="张建国恢复排水沟，赔偿刘桂兰菜地损失600元。", next_step="制作调解协议书，由双方签字。",
)
SESSION_END = "以上是全部调查内容，调查于十一时四十分结束。"
LONG_SESSION = SessionRecord(
    kind="调查", started_at=datetime(2022, 3, 20, 9, 30), ended_at=datetime(2022, 3, 20, 11, 40),
    place="石林村5组罗永福家及施工现场", mediators=("陈德明", "杨光辉"),
    attendees=tuple(p.name for p in LONG_PARTIES if not p.organisation) + ("蒋国平",), recorder="王晓燕",
    content="\n".join(f"问：请你说一下第{n}处裂缝是什么时候发现的？\n答：是去年腊月爆破以后发现的，"
                      f"当时墙上只有一条细缝，后来越来越宽，现在能放进一根手指。" for n in range(1, 25))
            + "\n" + SESSION_END,
    agreed="五户房屋裂缝属实，委托检测机构鉴定。", next_step="2022年3月28日组织第二次现场查看。",
)
VISIT = FollowUpRecord(
    visited_on=date(2022, 4, 25), visitor="李秀芳", reason="了解调解协议履行情况", performed="全部履行",
    satisfaction="满意", remaining_risk="无", notes="排水沟已恢复，赔偿款已付清，双方关系缓和。",
    next_visit=None, visited="刘桂兰", method="上门回访",
)
LONG_VISIT = replace(VISIT, visited_on=date(2022, 6, 10), performed="部分履行", remaining_risk="谭清华家楼板加固尚未验收",
                     notes="\n".join(["罗永福、罗永贵两户房屋维修已验收合格。", "何世英、罗小兰赔偿款已到账。",
                                      "谭清华家楼板加固已完工，待三方验收。"]), next_visit=date(2022, 6, 20),
                     visited="罗永福、谭清华")

PETITION = PetitionDocument(
    number="XF-DT00-20220401-0003", committee=COMMITTEE, received_at=datetime(2022, 4, 1, 10, 15), form="来访",
    visitors=1, petitioners=(replace(LIU, side="信访人"),),
    matter="反映邻居填埋排水沟致菜地被淹，村里协调未果。", request="请求镇里出面协调解决。",
    department="打通镇人民调解委员会", reply_due=date(2022, 4, 16), replies=("已转镇人民调解委员会调解。",),
    result="转入人民调解", satisfaction="满意", registrar="王晓燕", dispute_number="TJ-DT00-20220315-0001",
)
LONG_PETITION = replace(
    PETITION, number="XF-DT00-20220310-0011", received_at=datetime(2022, 3, 10, 9, 40), visitors=5, form="来访",
    petitioners=tuple(replace(p, side="信访人") for p in LONG_PARTIES[:5]), matter=LONG_FACTS,
    request="请求政府督促施工方停止违规爆破，赔偿房屋损失。",
    replies=("2022年3月12日：已告知派出所出警情况，纠纷移交镇人民调解委员会。",
             "2022年4月15日：调解委员会组织达成调解协议，信访事项办结。"),
    dispute_number="TJ-DT00-20220406-0007")
PETITIONS = {"short": PETITION, "long": LONG_PETITION}
SESSIONS = {"short": SHORT_SESSION, "long": LONG_SESSION}
VISITS = {"short": VISIT, "long": LONG_VISIT}

FUNCTIONS = {
    "application": lambda case: application(CASES[case]),
    "registration": lambda case: registration(CASES[case]),
    "rights": lambda case: rights_notice(CASES[case]),
    "session": lambda case: session_record(CASES[case], SESSIONS[case]),
    "agreement": lambda case: agreement(CASES[case]),
    "followup": lambda case: followup_record(CASES[case], VISITS[case]),
    "closing": lambda case: closing_report(CASES[case]),
    "petition": lambda case: petition_registration(PETITIONS[case]),
}
ALL = [(name, case) for name in FUNCTIONS for case in CASES]
WITH_FACTS = ("application", "registration", "agreement", "closing")


@pytest.fixture(scope="module")
def rendered():
    return {(name, case): FUNCTIONS[name](case) for name, case in ALL}


# --------------------------------------------------------------------------
# Every document, both cases
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name,case", ALL)
def test_a4_pdf_with_only_the_embedded_truetype_font(rendered, name, case):
    data = rendered[name, case]
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data                      # embedded TrueType
    assert b"STSong" not in data and b"CIDFont" not in data
    base_fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", data))
    assert base_fonts and all(font.endswith(b"+WenQuanYiMicroHei") for font in base_fonts), base_fonts
    for page in PdfReader(io.BytesIO(data)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


@pytest.mark.parametrize("name,case", ALL)
def test_same_input_gives_identical_bytes(rendered, name, case):
    assert FUNCTIONS[name](case) == rendered[name, case]


@pytest.mark.parametrize("name,case", ALL)
def test_every_party_and_the_heading_are_printed(rendered, name, case):
    _, text = text_of(rendered[name, case])
    parties = PETITIONS[case].petitioners if name == "petition" else CASES[case].parties
    for party in parties:
        assert squash(party.name) in text, party.name
    if name == "petition":
        assert "打通镇人民政府信访办公室" in text and "信访登记表" in text
        assert PETITIONS[case].number in text
    else:
        assert "綦江区打通镇人民调解委员会" in text
        number = CASES[case].agreement_number if name == "agreement" else CASES[case].number
        assert number in text


@pytest.mark.parametrize("name,case", ALL)
def test_every_page_is_numbered_with_the_page_count_and_the_number(rendered, name, case):
    reader = PdfReader(io.BytesIO(rendered[name, case]))
    pages = len(reader.pages)
    number = PETITIONS[case].number if name == "petition" else CASES[case].number
    label = "登记编号" if name == "petition" else "案件编号"
    for n, page in enumerate(reader.pages, 1):
        assert squash(page.extract_text()).endswith(f"{label}：{number}第{n}页共{pages}页")
        if name == "agreement":
            assert f"协议编号：{CASES[case].agreement_number}" in squash(page.extract_text())


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_long_case_runs_over_pages_and_nothing_is_cut(rendered, name):
    reader, text = text_of(rendered[name, "long"])
    if name in WITH_FACTS or name == "petition":
        assert len(reader.pages) >= 2
        for paragraph in LONG_FACTS.splitlines():          # every paragraph, first to last character
            assert squash(paragraph) in text
        assert squash(FACTS_BEGIN) in text and squash(FACTS_END) in text
    if name == "session":
        assert len(reader.pages) >= 2 and squash(SESSION_END) in text


@pytest.mark.parametrize("name", WITH_FACTS)
@pytest.mark.parametrize("case", CASES)
def test_the_facts_are_printed_in_full(rendered, name, case):
    _, text = text_of(rendered[name, case])
    for paragraph in CASES[case].facts.splitlines():
        assert squash(paragraph) in text


@pytest.mark.parametrize("case", CASES)
def test_every_clause_with_manner_deadline_and_place(rendered, case):
    _, text = text_of(rendered["agreement", case])
    for n, term in enumerate(CASES[case].terms, 1):
        assert squash(f"{chinese_number(n)}、{term.content}") in text
        assert squash(f"履行方式：{term.manner}；履行期限：{term.deadline}；履行地点：{term.place}。") in text


@pytest.mark.parametrize("name,case", ALL)
def test_signature_lines_for_the_people_who_sign(rendered, name, case):
    reader, text = text_of(rendered[name, case])
    last = squash(reader.pages[-1].extract_text())
    doc = CASES[case]
    if name == "application":
        for party in doc.parties:
            assert (f"申请人{party.name}（签名或捺印）：" in last) == (party.side == "申请人")
        assert "申请日期：" in last
    elif name == "registration":
        assert "登记人王晓燕（签名）：" in last and "人民调解委员会印" in last
    elif name == "rights":
        for party in doc.parties:
            assert squash(party.name) + ("（盖章）" if party.organisation else "（签收）") in last
    elif name == "session":
        for person in SESSIONS[case].attendees:
            assert f"{person}（签名或捺印）：" in last
        assert "记录人王晓燕（签名）：" in last and "经核对无误" in last
    elif name == "agreement":
        for party in doc.parties:
            assert squash(party.name) + ("（盖章）" if party.organisation else "（签名或按指印）") in last
        for mediator in doc.mediators:
            assert f"人民调解员{mediator}（签名）：" in last
        assert "人民调解委员会印" in last and "綦江区打通镇人民调解委员会" in last
    elif name == "closing":
        assert "人民调解委员会主任（签名）：" in last and "人民调解委员会印" in last
    elif name == "followup":
        assert "回访人" in last and "（签名）：" in last
    elif name == "petition":
        for party in PETITIONS[case].petitioners:
            assert f"信访人{party.name}（签名或捺印）：" in last


# --------------------------------------------------------------------------
# 人民调解协议书
# --------------------------------------------------------------------------

@pytest.mark.parametrize("case,copies", [("short", "一式三份"), ("long", "一式十一份")])
def test_agreement_copies_effect_and_judicial_confirmation(rendered, case, copies):
    _, text = text_of(rendered["agreement", case])
    assert f"本协议{copies}，当事人各执一份，人民调解委员会留存一份。" in text
    assert copies_sentence(CASES[case]) == f"本协议{copies}，当事人各执一份，人民调解委员会留存一份。"
    assert "人民调解协议书" in squash(text)
    assert CASES[case].agreement_number in text
    assert "经调解，各方当事人自愿达成如下协议：" in text
    assert ("本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。"
            in text)
    assert "三十日内共同向人民法院申请司法确认" in text and "第三十三条" in text
    for heading, value in (("纠纷主要事实", None), ("争议事项", CASES[case].dispute_points),
                           ("各方责任", CASES[case].responsibilities)):
        assert heading in text
        if value:
            assert squash(value) in text


@pytest.mark.parametrize("case", CASES)
def test_agreement_introduces_every_party_with_side_and_details(rendered, case):
    _, text = text_of(rendered["agreement", case])
    for party in CASES[case].parties:
        assert f"{party.side}：{party.name}，" in text
        if party.id_text:
            assert party.id_text in text                   # printed exactly as the caller gave it
        if party.address:
            assert squash(party.address) in text
    if case == "short":
        assert "申请人：刘桂兰，女，汉族，58岁，农民，公民身份号码：500222********2127" in text
    else:
        assert "统一社会信用代码：91500222MA5U7XK23Q" in text and "法定代表人（负责人）：蒋国平" in text
        assert "土家族" in text and "苗族" in text


@pytest.mark.parametrize("case", CASES)
def test_agreement_keeps_the_last_clause_and_the_effect_clause_with_the_signatures(rendered, case):
    reader, _ = text_of(rendered["agreement", case])
    last = squash(reader.pages[-1].extract_text())
    doc = CASES[case]
    assert squash(doc.terms[-1].content) in last
    assert "之日起生效" in last and copies_sentence(doc) in last
    assert "人民调解委员会印" in last
    if case == "long":
        assert len(reader.pages) >= 2


@pytest.mark.parametrize("lines", [0, 6, 12, 18, 24, 30, 36])
def test_agreement_signatures_never_stand_alone_whatever_the_length(lines):
    """However long the facts push the clauses, the last page has the last clause and the closing."""
    facts = "\n".join([SHORT_FACTS] + ["双方就排水沟的走向和宽度各执一词，相互指责，矛盾逐步升级，"
                                       "村民小组长多次上门劝解未果。"] * lines)
    reader = PdfReader(io.BytesIO(agreement(replace(SHORT, facts=facts))))
    last = squash(reader.pages[-1].extract_text())
    assert squash(SHORT_TERMS[-1].content) in last
    assert "之日起生效" in last and "刘桂兰（签名或按指印）" in last and "张建国（签名或按指印）" in last


def test_agreement_without_clauses_is_refused():
    with pytest.raises(ValueError, match="该案件没有书面调解协议条款"):
        agreement(replace(SHORT, terms=()))


def test_agreement_without_a_date_leaves_it_to_be_written():
    _, text = text_of(agreement(replace(SHORT, agreed_on=None)))
    assert "年月日" in text and "2022年3月18日" not in text


# --------------------------------------------------------------------------
# The other documents' content
# --------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_application_lists_each_party_and_each_applicants_claims(rendered, case):
    _, text = text_of(rendered["application", case])
    assert "人民调解申请书" in text or "人民调解申请书" in squash(text)
    for label in ("性别", "民族", "年龄", "职业或职务", "联系方式", "单位或住址", "纠纷简要情况", "申请事项"):
        assert label in text, label
    for party in CASES[case].parties:
        if party.side == "申请人":
            assert squash(party.claims) in text
        assert squash(party.phone) in text
    if case == "long":
        assert "统一社会信用代码" in text and "91500222MA5U7XK23Q" in text and "蒋国平" in text


@pytest.mark.parametrize("case", CASES)
def test_registration_flags_source_type_channel_and_risk(rendered, case):
    _, text = text_of(rendered["registration", case])
    doc = CASES[case]
    for needle in (doc.source, doc.dispute_type, doc.village, doc.risk_meaning, "■人民调解□行政调解□司法调解",
                   f"{doc.people_involved}人", *doc.mediators, "受理日期", "2022年"):
        assert squash(needle) in text, needle
    if case == "short":
        assert "□人民法庭□派出所■司法所" in text and "□红□橙■黄□蓝" in text and "800.00元" in text
    else:
        assert "■人民法庭■派出所■司法所" in text and "□红■橙□黄□蓝" in text and "112,800.00元" in text


def test_rights_notice_states_the_law(rendered):
    _, text = text_of(rendered["rights", "short"])
    for needle in ("选择或者接受人民调解员", "接受调解、拒绝调解或者要求终止调解", "要求调解公开进行或者不公开进行",
                   "自主表达意愿、自愿达成调解协议", "如实陈述纠纷事实", "遵守调解现场秩序，尊重人民调解员",
                   "尊重对方当事人行使权利", "不收取任何费用", "第四条", "第二十三条", "第二十四条", "三十日内"):
        assert needle in text, needle


@pytest.mark.parametrize("case", CASES)
def test_session_record_title_time_and_content(rendered, case):
    _, text = text_of(rendered["session", case])
    session = SESSIONS[case]
    assert f"{session.kind}笔录" in squash(text) or f"{session.kind}笔录" in text
    for line in session.content.splitlines():
        assert squash(line) in text
    assert squash(session.place) in text and squash(session.agreed) in text and squash(session.next_step) in text
    if case == "short":
        assert "2022年3月18日09:00—11:30" in text and "达成意见" in text
    else:
        assert "2022年3月20日09:30—11:40" in text and "调查结论" in text and "调查人" in text


def test_session_record_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        replace(SHORT_SESSION, kind="询问")


@pytest.mark.parametrize("case", CASES)
def test_followup_record(rendered, case):
    _, text = text_of(rendered["followup", case])
    visit = VISITS[case]
    for needle in (CASES[case].agreement_number, visit.reason, visit.satisfaction, visit.remaining_risk,
                   visit.visitor, *visit.notes.splitlines()):
        assert squash(needle) in text, needle
    if case == "short":
        assert "■全部履行□部分履行□未履行" in text and "2022年4月25日" in text and "无需再次回访" in text
    else:
        assert "□全部履行■部分履行□未履行" in text and "2022年6月20日" in text


@pytest.mark.parametrize("case", CASES)
def test_closing_report(rendered, case):
    _, text = text_of(rendered["closing", case])
    doc = CASES[case]
    for needle in ("受案时间", "结案时间", doc.source, doc.dispute_type, doc.outcome, doc.agreement_form,
                   doc.performance, doc.agreement_number, *doc.close_reason.splitlines(), *doc.mediators):
        assert squash(needle) in text, needle
    if case == "long":
        assert "受案时间2022年4月6日结案时间2022年6月20日" in text
        assert "协议日期2022年4月15日" in text
        assert squash(doc.judicial_confirmation) in text
        assert "已告知当事人可以依法通过仲裁、行政、诉讼等途径维护自己的权利。" in text
    else:
        assert "受案时间2022年3月15日结案时间2022年3月30日" in text
        assert "司法确认未申请" in text
        assert "等途径维护自己的权利" not in text           # no routes given: none printed


@pytest.mark.parametrize("case", CASES)
def test_petition_registration(rendered, case):
    _, text = text_of(rendered["petition", case])
    petition = PETITIONS[case]
    for needle in (petition.form, f"{petition.visitors}人", petition.department, petition.result,
                   petition.dispute_number, *petition.replies, *petition.matter.splitlines(), petition.request):
        assert squash(needle) in text, needle
    for party in petition.petitioners:
        if party.id_text:
            assert party.id_text in text


def test_petition_office_can_be_named():
    _, text = text_of(petition_registration(replace(PETITION, office="綦江区打通镇综治中心")))
    assert "綦江区打通镇综治中心" in text and "信访办公室" not in text


# --------------------------------------------------------------------------
# Markup in the data is printed, not interpreted
# --------------------------------------------------------------------------

ODD = "王<小>明&"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_markup_characters_are_printed_literally(name):
    doc = replace(SHORT, parties=(replace(LIU, name=ODD, address="大坪村<3组>&27号", claims="赔偿<b>800</b>元&"),
                                  ZHANG), facts="<i>填埋</i>排水沟 & 菜地被淹",
                  terms=(replace(SHORT_TERMS[0], content="恢复<排水沟>&原状"), SHORT_TERMS[1]))
    if name == "petition":
        data = petition_registration(replace(PETITION, petitioners=(replace(LIU, side="信访人", name=ODD),),
                                             matter="<b>排水沟</b>&菜地"))
    elif name == "session":
        data = session_record(doc, replace(SHORT_SESSION, attendees=(ODD, "张建国"), content="问：<br/>答：&amp;"))
    elif name == "followup":
        data = followup_record(doc, VISIT)
    else:
        data = {"application": application, "registration": registration, "rights": rights_notice,
                "agreement": agreement, "closing": closing_report}[name](doc)
    _, text = text_of(data)
    assert ODD in text
    assert "&amp;" not in text.replace("答：&amp;", "") and "&lt;" not in text
    if name in WITH_FACTS:
        assert "<i>填埋</i>排水沟&菜地被淹" in text
    if name == "agreement":
        assert "恢复<排水沟>&原状" in text
    if name == "application":
        assert "赔偿<b>800</b>元&" in text and "大坪村<3组>&27号" in text
    if name == "session":
        assert "问：<br/>答：&amp;" in text
    if name == "petition":
        assert "<b>排水沟</b>&菜地" in text


# --------------------------------------------------------------------------
# Wording helpers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("n,words", [(1, "一"), (3, "三"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"),
                                     (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十")])
def test_chinese_number(n, words):
    assert chinese_number(n) == words


def test_committee_title_does_not_repeat_parts():
    assert committee_title(COMMITTEE) == "綦江区打通镇人民调解委员会"
    assert committee_title(Committee("綦江区打通镇人民调解委员会", "打通镇", "綦江区")) == "綦江区打通镇人民调解委员会"
    assert committee_title(Committee("石林村人民调解委员会", "打通镇", "綦江区")) == "綦江区打通镇石林村人民调解委员会"


def test_party_kind_is_checked():
    with pytest.raises(ValueError):
        DisputeParty("申请人", "刘桂兰", kind="company")


def test_public_api():
    for name in ("Committee", "DisputeParty", "Term", "DisputeDocument", "SessionRecord", "FollowUpRecord",
                 "PetitionDocument", "application", "registration", "rights_notice", "session_record", "agreement",
                 "followup_record", "closing_report", "petition_registration"):
        assert name in mediation.__all__ and hasattr(mediation, name)


# --------------------------------------------------------------------------
# Text longer than a page: it flows on, and its end stays with the signatures
# --------------------------------------------------------------------------

HUGE = "".join(f"第{n}次协商时，双方就房屋裂缝的成因和赔偿数额再次发生争执，村委会记录在案。" for n in range(1, 90)) + "此为事实部分的最后一句。"


@pytest.mark.parametrize("name", ["registration", "agreement", "closing", "application"])
def test_one_paragraph_longer_than_a_page_is_printed_whole(name):
    doc = replace(LONG, facts=HUGE)
    reader, text = text_of({"registration": registration, "agreement": agreement, "closing": closing_report,
                            "application": application}[name](doc))
    assert len(reader.pages) >= 3
    assert squash(HUGE) in text
    if name == "registration":       # the facts end the form: their last lines go with the signatures
        last = FOOTER.sub("", squash(reader.pages[-1].extract_text()))
        assert "此为事实部分的最后一句。申请人罗永福（签名或捺印）" in last
        assert last.count("次协商时") >= 3             # several lines of the paragraph, not only its end


def test_a_record_of_only_its_content_keeps_the_content_end_with_the_signatures():
    session = replace(LONG_SESSION, agreed="", next_step="")
    reader, text = text_of(session_record(LONG, session))
    assert len(reader.pages) >= 2
    last = FOOTER.sub("", squash(reader.pages[-1].extract_text()))
    assert last.index(squash(SESSION_END)) < last.index("以上笔录已交参加人阅看") < last.index("记录人王晓燕（签名）")
    assert "问：" in last                # more than the last line came along


def test_a_collective_dispute_with_forty_parties_still_prints_every_signature_line():
    """More signature lines than fit beside the seal (or on one page) flow on instead of failing."""
    workers = tuple(replace(LIU, name=f"务工人员{i:02d}", id_text="") for i in range(1, 41))
    doc = replace(LONG, parties=workers + (COMPANY,))
    reader, text = text_of(agreement(doc))
    assert "本协议一式四十二份" in text
    for worker in workers:
        assert f"申请人{worker.name}（签名或按指印）：" in text
    last = squash(reader.pages[-1].extract_text())
    assert "人民调解委员会印" in last and "人民调解员杨光辉（签名）：" in last
    _, text = text_of(session_record(doc, replace(LONG_SESSION, attendees=tuple(w.name for w in workers))))
    assert all(f"{worker.name}（签名或捺印）：" in text for worker in workers)
