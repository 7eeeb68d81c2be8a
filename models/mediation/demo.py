"""演示数据 for the mediation centre: a year of disputes, petitions (信访) and risk-assessment meetings.

Unlike the hall (models/hall/demo.py, written in bulk), every record here is written by the mediation
area's own domain functions — ``disputes.register`` / ``refer_from_grid`` / ``take_on`` / ``add_session`` /
``extend`` / ``record_agreement`` / ``terminate`` / ``withdraw`` / ``record_confirmation`` /
``add_follow_up``, ``petitions.register`` / ``assign`` / ``reply`` / ``close`` / ``to_dispute`` /
``hold_meeting`` / ``finish_decision`` — so the numbers, audit lines and search-index rows are exactly
those the centre's screens write. It is slower per record than the hall's bulk writer (about ten
milliseconds a step) and needs no second code path to keep in step with the domain.

A 网格上报 case comes from a real patrol: the reporting worker (``wangge``) logs the day's round in
her grid through ``patrols.log_patrol`` with one 矛盾纠纷 finding carrying the case, so the finding
creates the case (``refer_from_grid``) and both keep the link; its parties live in her grids. This
needs the grids (models/patrol/demo.py ``create_grids``, written before this year); in a database
without them the case is referred with an invented finding uid.

``MediationYear`` plans the window — which dispute, which parties, which day, what happens and when —
and returns every step (one domain call at a simulated moment) in time order; ``write_year`` runs
them.  While it runs, ``simulated_clock`` makes the records' ``created_at`` / ``updated_at`` and the
audit lines carry the step's moment instead of the wall clock (the domain functions take ``now=`` for
their dates but stamp rows with ``utcnow``), so the demo's audit trail reads like the year it shows.

The seed report's year (打通镇 2022, ../shared/domain.md §5) fixes the volumes at scale 1: 213 disputes
accepted (``accepted_on`` in the year; referrals count once taken on, a grid report still 待受理 at
the end of the window comes on top), 240 petitions with 826 visitor person-times, 11 risk meetings.
``scale`` multiplies them; a window shorter than its year gets its share of the working days.

Times: office hours in Asia/Shanghai (UTC+8) as naive UTC, like the hall demo.  Dates handed to the
domain functions are the office's local days; a local time typed into a form (a session's start, a
petition's registration) is handed over as ``to_local`` of the intended UTC moment, so the stored
UTC times do not depend on the machine's time zone.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from models import codes
from models import db as db_module
from models.accounts import User
from models.db import db, to_local
from models.hall.calendar import work_calendar
from models.hall.demo import (
    CLOSES, LOCAL_OFFSET, OPENS, PERSON_KEYS, SEED_YEAR, Population, _ages_to_births, _largest_remainder, _uid, dashed,
    local_minute, utc_at,
)
from models.mediation import disputes, petitions
from models.mediation.disputes import AgreementEntry, DisputeEntry, FollowUpEntry, PartyEntry, SessionEntry, TermEntry
from models.mediation.petitions import AssessmentEntry, DecisionEntry, MeetingEntry, PetitionEntry
from models.patrol import patrols
from models.patrol.patrols import FindingEntry, PatrolEntry
from models.patrol.tables import DISPUTE, Grid, GridMember
from models.mediation.tables import (
    MEDIATING, ORAL, PETITION_CLOSED, REFERRED, REFUSED, SUCCEEDED, TERMINATED, WITHDRAWN, WRITTEN, Dispute,
    Petition, RiskDecision, RiskMeeting,
)
from models.people import Organisation, Person

# The seed report's 2022 figures (../shared/domain.md §5) and how they break down.
SEED_DISPUTES = 213
SEED_PETITIONS = 240
SEED_VISITORS = 826            # person-times; the report says "800+"
SEED_MEETINGS = 11

MEDIATORS = ("tiaojie", "tiaojie2")   # the demo's mediators (models/demo.py DEMO_USERS)
LEAD = "zhuren"                       # the centre's lead (mediation_lead)
GRID = "wangge"                       # the grid worker who hands findings over
CHAIR = "lingdao"                     # the town leader who chairs the risk meetings

CENTRE_ROOM = "打通镇人民调解委员会调解室"
STREETS = ("兴隆街", "胜天路", "新街", "老街", "河坝街")
VILLAGE_MEDIATORS = {"石龙村": "罗德华", "大罗村": "张光明", "天台村": "刘永福", "双星村": "谭国平", "金鸡村": "黄正清",
                     "打通社区": "吴春燕"}
STAFF = {"司法所": "程立新", "派出所": "何勇", "人民法庭": "邓文斌", "信访办": "胡春梅", "农业服务中心": "谭明亮",
         "社会事务办": "冉桂芳", "规划建设环保办": "龚建平", "应急管理办": "穆志刚", "社保所": "袁小兰"}


@dataclass
class Volumes:
    """What one window holds. ``seed`` scales the 2022 figures; the wizard asks for a handful."""

    disputes: int                # accepted in the window (所有来源，含信访转入、已受理的网格上报)
    petitions: int               # registered in the window (incl. those turned into disputes)
    visitors: int                # visitor person-times of those petitions
    meetings: int
    refused: int = 0             # 不予受理 (a party refuses, art. 17)
    withdrawn: int = 0
    terminated: int = 0
    extended: int = 0
    from_petitions: int = 0      # disputes that come from a petition (counted in both)
    pending_referrals: int = 0   # grid reports not yet taken on at the end (on top of ``disputes``)

    @classmethod
    def seed(cls, scale: int = 1, fraction: float = 1.0) -> Volumes:
        def n(value: float) -> int:
            return round(value * scale * fraction)
        return cls(disputes=n(SEED_DISPUTES), petitions=n(SEED_PETITIONS), visitors=n(SEED_VISITORS),
                   meetings=n(SEED_MEETINGS), refused=n(2), withdrawn=n(3), terminated=n(4), extended=n(6),
                   from_petitions=n(8), pending_referrals=max(1, n(1)))


WIZARD_VOLUMES = Volumes(disputes=4, petitions=5, visitors=9, meetings=1, terminated=1, from_petitions=1,
                         pending_referrals=1)


# ------------------------------------------------------------------------------------------------
# What the town's disputes are about: one entry per type, each with a few stories
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Story:
    """One kind of dispute as the centre writes it up; ``{…}`` are filled from the case (``_context``)."""

    facts: str
    claim: str                   # the applicant's request (申请事项)
    respond: str                 # the respondent's answer, as the first session records it
    points: str                  # 争议事项
    duties: str                  # 各方责任
    terms: tuple                 # (content, manner, deadline, place); deadline: days after agreement or text
    oral: str                    # an oral agreement as the mediator records it (art. 28)
    fail: str                    # why mediation ended without agreement
    routes: tuple = ("诉讼",)
    other: str = "neighbour"     # the respondent: neighbour / person / spouse / child / sibling / company:… / village
    ages: tuple = (28, 80)       # the applicant's age
    amount: tuple | None = None  # the sum in dispute, yuan (low, high)
    crowd: tuple = (0, 0)        # people involved beyond the parties
    finding: str = "核实了纠纷的基本事实，拍照留存"
    rural: bool = True           # the applicant lives in a village (not the 社区)


@dataclass(frozen=True)
class Kind:
    weight: float
    stories: tuple
    months: dict | None = None
    channels: dict | None = None     # 人民调解 / 行政调解 / 司法调解 weights
    oral: float = .05                # share of successes closed with an oral agreement
    fails: float = 1.0               # propensity to end without agreement


SPRING = {1: 1.5, 2: 1.6, 3: 1.2, 4: 1.0, 5: .9, 6: .8, 7: .8, 8: .9, 9: .9, 10: 1.0, 11: .9, 12: 1.1}
FARMING = {1: .5, 2: .8, 3: 1.6, 4: 1.8, 5: 1.5, 6: 1.1, 7: .9, 8: 1.0, 9: 1.2, 10: 1.1, 11: .7, 12: .5}
BUILDING = {1: .6, 2: .6, 3: 1.3, 4: 1.4, 5: 1.3, 6: 1.0, 7: .9, 8: .9, 9: 1.2, 10: 1.3, 11: 1.1, 12: .7}
YEAR_END = {1: 1.8, 2: 1.2, 3: .8, 4: .8, 5: .8, 6: .9, 7: .9, 8: .9, 9: 1.0, 10: .9, 11: 1.1, 12: 1.7}

FINAL = ("本协议履行完毕后，双方就此纠纷再无其他争议，今后互相尊重、和睦相处，不得再因此事发生争执", "自行履行",
         "协议生效之日起", "双方住所地")

KINDS = {
    "邻里纠纷": Kind(40, (
        Story("{a}与{b}系{loc}邻居。{b}修建围墙时占用了两家之间的公共通道约{m}米，{a}认为影响通行，双方多次发生口角。",
              "要求{b}拆除占用公共通道的围墙，恢复通道原宽度", "围墙修建在自家地界内，并未占用公共通道",
              "{b}修建的围墙是否占用公共通道", "{b}修建围墙前未与相邻方协商，负主要责任；{a}多次言语过激，负次要责任。",
              (("{b}将占用公共通道的围墙后退{m}米，恢复通道原宽度", "自行拆除", 15, "{loc}纠纷现场"),
               ("拆除产生的建筑垃圾由{b}自行清运", "自行清运", 20, "{loc}纠纷现场"),
               ("{a}不得再阻碍{b}家人员通行", "自行履行", "协议生效之日起", "{loc}")),
              "双方口头同意：{b}在一周内将围墙后退{m}米，{a}不再追究此前的争吵。",
              "{b}坚持围墙在自家宅基地范围内，拒绝拆除，双方分歧较大", ("诉讼",),
              finding="到现场丈量了通道宽度，走访了{loc}组长及周边住户{n}人，确认围墙外侧占用通道约{m}米"),
        Story("{a}与{b}房屋相邻。{b}家屋檐滴水和生活污水排入{a}家院坝，雨季积水严重，双方为此争吵并发生推搡。",
              "要求{b}改建排水沟，不得再向其院坝排水", "排水沟是多年前就有的，不同意改建",
              "生活污水和雨水的排放路径", "{b}排水未经相邻方同意，负主要责任。",
              (("{b}在自家房屋一侧新修排水沟，将雨水和生活污水引入村道边沟", "自行施工", 20, "{b}家房屋旁"),
               ("{b}补偿{a}院坝清淤费用{amt2}元", "现金支付", "协议签订时当场履行", CENTRE_ROOM)),
              "{b}当场表示十日内改修排水沟，{a}表示同意，双方握手言和。",
              "双方对排水沟改道方案分歧较大，{b}拒绝承担任何费用", ("诉讼",),
              finding="雨后到现场查看了排水情况，{a}家院坝确有积水和淤泥"),
        Story("{b}长期在{a}家房屋旁堆放柴草和建筑材料，{a}认为存在火灾隐患且阻碍通行，要求清理未果，双方关系紧张。",
              "要求{b}清理堆放在房屋旁的柴草和建筑材料", "堆放的地方是自家自留地，别人无权干涉",
              "柴草、建筑材料的堆放位置", "{b}堆放物品影响相邻方通行和消防安全，应当清理。",
              (("{b}将堆放在{a}家房屋旁的柴草、建筑材料全部清理，移至自家自留地内", "自行清理", 7, "{loc}纠纷现场"),
               ("今后双方房屋之间保留不少于{m}米的通道，任何一方不得堆放杂物", "自行履行", "长期", "{loc}")),
              "{b}同意三日内清走柴草，{a}同意帮忙搬运，双方不再争执。",
              "{b}拒绝清理，称系{a}故意找茬，双方情绪对立", ("诉讼",)),
        Story("{b}家饲养的狗未拴养，多次咬死{a}家鸡鸭，{a}找{b}理论时双方发生争吵，{a}要求赔偿损失{amt2}元。",
              "要求{b}赔偿鸡鸭损失{amt2}元并拴养犬只", "狗咬死鸡鸭没有证据，不同意赔偿",
              "鸡鸭损失的赔偿数额", "{b}未拴养犬只，应对造成的损失承担赔偿责任。",
              (("{b}赔偿{a}鸡鸭损失{amt2}元", "现金支付", "协议签订时当场履行", CENTRE_ROOM),
               ("{b}今后对饲养的犬只拴养或圈养，并按规定接种狂犬疫苗", "自行履行", "长期", "{b}家中")),
              "{b}当场赔偿{a}鸡鸭损失{amt2}元并保证今后拴养犬只，{a}表示满意。",
              "双方对损失数额各执一词，{b}拒绝赔偿", ("诉讼",)),
    ), months=SPRING, oral=.2),
    "婚姻家庭纠纷": Kind(30, (
        Story("{a}现年{age_a}岁，育有子女{kids}人，年老体弱、丧失劳动能力。其子女{b}长期在外务工，以经济困难为由不支付赡养费，"
              "{a}生活困难，遂申请调解。",
              "要求{b}每月支付赡养费{monthly}元，并分担医疗费用", "自己在外务工收入不高，其他兄弟姊妹也应共同承担",
              "{b}应否及如何履行对{a}的赡养义务",
              "{b}作为子女依法负有赡养扶助父母的义务，长期未支付赡养费，应承担主要责任。",
              (("{b}自{next_month}起每月支付{a}赡养费{monthly}元", "微信转账", "每月10日前", "{a}住所地"),
               ("{a}患病住院的医疗费用，在医保报销后由{b}承担一半", "凭医疗票据现金支付", "出院后15日内", "{a}住所地"),
               ("{b}每月至少回家看望或电话问候{a}两次", "自行履行", "长期", "{a}住所地")),
              "{b}当场表示今后每月支付赡养费{monthly}元，并经常回家看望，{a}表示同意。",
              "{b}坚持只承担部分赡养费，要求其他子女共同分摊，双方意见分歧较大", ("诉讼",),
              other="child", ages=(65, 90),
              finding="走访了{loc}组长和{a}的邻居，了解到{a}独居、患有慢性病，生活确有困难"),
        Story("{a}与{b}系夫妻，婚后育有子女。近年来双方因家务分担、家庭开支及{b}打牌赌博问题经常争吵，{a}已搬出另住{n}个月，"
              "双方关系紧张。",
              "要求{b}改正不良习惯，保障家庭正常生活开支", "{a}对家里不够体谅，自己打牌只是偶尔娱乐",
              "夫妻双方能否和好及家庭开支如何负担", "双方均有过错，{b}沉迷打牌负主要责任。",
              (("{b}保证不再参与赌博，每月将务工收入的一半交由家庭共同支配", "自行履行", "长期", "双方住所"),
               ("{a}于{due1}前搬回家中共同生活", "自行履行", 10, "双方住所"),
               ("双方今后遇事协商解决，不得打骂对方", "自行履行", "长期", "双方住所")),
              "双方当场表示愿意和好、互相体谅，{a}于当日随{b}回家共同生活。",
              "{a}坚持离婚，{b}不同意，双方无法达成一致", ("诉讼",),
              other="spouse", ages=(25, 55), rural=False),
        Story("{a}与{b}系兄弟姊妹。父母去世后留下位于{loc}的老房{rooms}间及承包地{area}亩，双方对房屋和土地的分配意见不一，多次争吵。",
              "要求平均分配父母遗留的房屋和承包地", "自己多年照顾父母，应当多分",
              "父母遗留房屋及承包地的分配", "双方均有继承权，因沟通不畅产生矛盾，均有一定责任。",
              (("老房由{b}居住使用，{b}补偿{a}房屋折价款{amt}元", "银行转账", 30, CENTRE_ROOM),
               ("父母的承包地由双方各耕种一半，以田坎为界", "现场划界", 15, "{loc}承包地现场")),
              "双方口头约定老房归{b}使用，承包地各种一半，{b}给{a}适当补偿。",
              "双方对房屋折价款数额分歧过大，{a}表示将向法院起诉", ("诉讼",),
              other="sibling", ages=(40, 75), amount=(8000, 60000)),
    ), months=SPRING, oral=.15),
    "房屋宅基地纠纷": Kind(28, (
        Story("{b}在原宅基地上拆旧建新，新房墙基向{a}家一侧延伸约{cm}厘米，{a}认为侵占其宅基地，阻止施工，双方发生争执。",
              "要求{b}按原宅基地界线建房，拆除越界部分", "新房是按原房屋基础修建的，没有越界",
              "{b}新建房屋是否越过双方宅基地界线",
              "{b}建房前未与相邻方确认界线，负主要责任；{a}阻止施工方式不当，负次要责任。",
              (("以{vc}与双方共同确认的界桩为准，{b}将越界墙基后退{cm}厘米", "自行拆除后重建", 20, "{loc}建房现场"),
               ("{b}赔偿{a}因施工损坏的院坝和围墙修复费用{amt2}元", "现金支付", 10, "{vcom}"),
               ("{a}不得再阻碍{b}正常施工", "自行履行", "协议生效之日起", "{loc}建房现场")),
              "双方同意以村委会现场确认的界桩为准，{b}当场表示调整墙基，{a}不再阻工。",
              "双方对宅基地原始界线各执一词，且均无权属证明材料，无法达成一致", ("行政", "诉讼"),
              finding="会同{vc}到建房现场查看，调阅了双方宅基地使用证，现场丈量墙基越界约{cm}厘米"),
        Story("{a}与{b}房屋相邻，{b}加建二层后屋檐伸出，雨水直接滴落{a}家房顶，致{a}家房屋漏雨、墙面受潮。",
              "要求{b}安装接水槽并赔偿房屋修缮费用", "加建部分已经留了距离，漏雨是{a}家房子本身老旧",
              "加建屋檐滴水的处理和房屋修缮费用", "{b}加建房屋未采取排水措施，应承担主要责任。",
              (("{b}在加建部分屋檐安装接水槽和落水管，将雨水引至自家排水沟", "自行施工", 15, "{b}家房屋"),
               ("{b}赔偿{a}房屋修缮费{amt2}元", "微信转账", 10, CENTRE_ROOM)),
              "{b}同意安装接水槽，{a}同意自行修补房顶，双方不再争执。",
              "{b}拒绝承担修缮费用，双方分歧较大", ("诉讼",)),
        Story("{a}与{b}共用一条入户便道，{b}翻修房屋时将便道圈入自家院坝，{a}家人员和农用车辆无法通行。",
              "要求{b}恢复入户便道", "便道所占土地原属自家宅基地",
              "入户便道的通行权", "{b}擅自圈占多年共同使用的便道，应予恢复。",
              (("{b}拆除圈占便道的院墙，恢复宽{m}米的入户便道", "自行拆除", 15, "{loc}"),
               ("便道由双方共同使用、共同维护，任何一方不得堵塞", "自行履行", "长期", "{loc}")),
              "{b}当场同意让出便道，{a}同意分担部分拆墙费用。",
              "{b}坚持便道属其宅基地，拒绝恢复", ("行政", "诉讼")),
    ), months=BUILDING, oral=.05),
    "山林土地纠纷": Kind(24, (
        Story("{a}与{b}相邻山林以山脊为界。{b}在{hill}采伐杉木时越界砍伐{a}家林木约{trees}株，{a}发现后要求赔偿，双方发生争执。",
              "要求{b}按市场价赔偿被砍林木损失", "采伐的林木在自家山界以内",
              "被砍林木的权属及赔偿标准", "{b}采伐前未核实山林界线，越界砍伐，应承担赔偿责任。",
              (("{b}赔偿{a}林木损失{amt}元", "现金支付", 15, "{vcom}"),
               ("双方在{vc}见证下重新确认山林界线并埋设界桩", "现场埋设界桩", 20, "{loc}{hill}"),
               ("{b}于次年春季在被砍区域补植杉树苗{seedlings}株", "自行补植", "次年3月31日前", "{loc}{hill}")),
              "{b}同意按村里估价赔偿，并当场支付，{a}表示认可。",
              "双方对山林界线各执一词，林权证记载的四至不清，需由政府依法确权", ("行政", "诉讼"),
              amount=(1500, 12000),
              finding="会同{vc}和护林员到{hill}现场查看，清点被砍树桩{trees}个，核对了双方林权证"),
        Story("{a}与{b}两家对{loc}{hill}一片约{area}亩林地的权属存在争议，双方均称系本户承包，{b}近期在该处砍伐竹木，引发矛盾。",
              "要求确认争议林地归其承包经营，{b}停止砍伐", "该片林地一直由自家管护，应归自家",
              "争议林地的承包经营权", "双方对林地四至记忆不一，均有一定责任。",
              (("以1982年林业“三定”时的山界为准，争议林地以{hill}山脊为界，东侧归{a}，西侧归{b}", "现场划界", 15,
                "争议林地现场"),
               ("{b}已砍伐的竹木归{b}所有，{b}补偿{a}{amt2}元", "现金支付", 10, "{vcom}")),
              "双方同意以老山界为准，口头约定各自管护，不再砍伐对方竹木。",
              "争议林地的权属需经政府依法确权，双方无法协商一致", ("行政", "诉讼"),
              finding="查阅了{v}林业“三定”档案，走访了{n}位老党员和老村干部，了解山界变迁情况"),
    ), months=FARMING, channels={"人民调解": 80, "行政调解": 20, "司法调解": 0}, oral=.1, fails=2.0),
    "土地承包经营纠纷": Kind(22, (
        Story("{a}于{yr}年将承包地{area}亩流转给{b}种植{crop}，约定每年每亩流转费{rent}元。{b}以经营亏损为由拖欠{yrs}年流转费共计{amt}元。",
              "要求{b}支付拖欠的土地流转费{amt}元", "近两年经营亏损，暂时无力全额支付",
              "拖欠土地流转费的数额及支付方式", "{b}未按合同约定支付流转费，应承担违约责任。",
              (("{b}支付{a}拖欠的土地流转费{amt}元，分两期付清，第一期{half}元", "银行转账", 15, CENTRE_ROOM),
               ("第二期流转费{rest}元由{b}付清", "银行转账", 60, CENTRE_ROOM),
               ("双方继续履行原土地流转合同，今后流转费于每年12月31日前付清",
                "银行转账", "每年12月31日前", CENTRE_ROOM)),
              "{b}当场承诺年底前付清流转费，{a}表示同意。",
              "{b}要求解除流转合同，{a}不同意，双方分歧较大", ("仲裁", "诉讼"),
              other="company:合作社|农业|开发|person", amount=(3000, 40000)),
        Story("{a}与{b}承包地相邻。{b}在耕作时将田坎向{a}一侧挖移约{m}米，侵占{a}承包地，双方多次争吵。",
              "要求{b}将田坎恢复原位", "田坎位置一直如此，没有挖移",
              "双方承包地的界线", "{b}耕作时挖移田坎侵占相邻承包地，应予恢复。",
              (("按土地承包经营权确权登记图界线恢复田坎，{b}将田坎复位", "自行复位", 15, "{loc}承包地现场"),
               ("{b}赔偿{a}青苗损失{amt2}元", "现金支付", "协议签订时当场履行", "{loc}承包地现场")),
              "双方同意按确权图界线恢复田坎，{b}当场表示春耕前复位。",
              "{b}不认可确权登记图的界线，拒绝恢复", ("仲裁", "诉讼"),
              finding="调取了土地承包经营权确权登记图，会同{vc}现场核对界线，确认田坎外移约{m}米"),
        Story("天旱期间，{a}与{b}因争用{loc}山坪塘灌溉用水发生争执并相互推搡，双方均称对方多放了水。",
              "要求合理分配山坪塘灌溉用水", "自家承包地面积大，应当多用水",
              "山坪塘灌溉用水的分配", "双方在用水紧张时未通过组里协调，均有一定责任。",
              (("双方按承包地面积轮流放水，{a}每周一、三、五放水，{b}每周二、四、六放水", "自行履行", "本年度灌溉期内",
                "{loc}山坪塘"),
               ("山坪塘的日常管护由双方及同组农户共同负责", "自行履行", "长期", "{loc}山坪塘")),
              "双方同意由组长按承包面积安排轮流放水，当场和解。",
              "双方互不相让，均拒绝轮流放水方案", ("诉讼",)),
    ), months=FARMING, oral=.15, fails=1.5),
    "损害赔偿纠纷": Kind(14, (
        Story("{a}与{b}因琐事发生口角后互相推搡，{a}摔倒致{injury}，住院治疗{n}天，花费医疗费{amt2}元。",
              "要求{b}赔偿医疗费、误工费、护理费共计{amt}元", "是{a}先动手，自己也有损失，只愿承担部分",
              "各项损失的数额及双方责任的划分", "{b}推搡致{a}受伤，负主要责任；{a}言语过激，负次要责任。",
              (("{b}一次性赔偿{a}医疗费、误工费、护理费等各项损失共计{amt}元", "银行转账", 10, CENTRE_ROOM),
               ("{a}收到赔偿款后，不再就此事追究{b}的任何责任", "自行履行", "收到赔偿款之日起", CENTRE_ROOM)),
              "{b}当场赔偿{a}医疗费{amt2}元，双方互相道歉。",
              "双方对误工费、护理费的计算分歧过大，{b}只同意赔偿医疗费", ("诉讼",),
              other="person", amount=(2000, 15000)),
        Story("{b}家饲养的{animals}多次进入{a}家承包地啃食{crop}，造成约{area}亩农作物受损，{a}要求赔偿未果。",
              "要求{b}赔偿农作物损失并圈养牲畜", "损失没有那么大，{a}要价太高",
              "农作物损失的赔偿数额", "{b}未圈养牲畜，应对造成的农作物损失承担赔偿责任。",
              (("{b}赔偿{a}农作物损失{amt2}元", "现金支付", "协议签订时当场履行", "{loc}纠纷现场"),
               ("{b}今后对{animals}实行圈养，不得放任其进入他人承包地", "自行履行", "长期", "{b}家中")),
              "{b}同意按组长估算的损失赔偿，并保证今后圈养{animals}。",
              "双方对损失数额分歧较大，未能达成一致", ("诉讼",),
              finding="到{a}家承包地查看了农作物受损情况，请{loc}组长共同估算了损失"),
        Story("{a}路过{b}家门前时被{b}家未拴养的狗咬伤小腿，注射狂犬疫苗及治疗花费{amt2}元，双方对赔偿数额协商未果。",
              "要求{b}赔偿医疗费、误工费共计{amt}元", "愿意承担医疗费，但误工费要价过高",
              "误工费的计算", "{b}未拴养犬只致人受伤，依法应承担赔偿责任。",
              (("{b}赔偿{a}医疗费、交通费、误工费共计{amt}元", "现金支付", "协议签订时当场履行", CENTRE_ROOM),
               ("{b}今后对犬只拴养，出门时佩戴牵引绳", "自行履行", "长期", "{b}家中")),
              "{b}当场赔偿{a}{amt}元，{a}表示不再追究。",
              "{b}只同意承担疫苗费用，双方分歧较大", ("诉讼",), amount=(800, 5000)),
    ), oral=.15),
    "合同纠纷": Kind(10, (
        Story("{a}承包修建{b}家两层砖混住房，约定工程款{amt_big}元。房屋完工后，{b}以墙面开裂为由尚欠工程款{amt}元未付。",
              "要求{b}支付剩余工程款{amt}元", "墙面开裂是施工质量问题，修好后才付款",
              "剩余工程款的支付及墙面开裂的维修责任", "{a}施工质量存在瑕疵，应负责维修；{b}拖欠工程款，应按约支付。",
              (("{a}负责对开裂墙面进行修补", "自行维修", 15, "{b}家房屋"),
               ("维修完毕经{b}确认后，{b}支付剩余工程款{amt}元", "银行转账", 30, CENTRE_ROOM)),
              "双方口头约定{a}先修补墙面，{b}验收后付清余款。",
              "双方对维修费用和扣款数额分歧较大", ("诉讼",),
              other="person", ages=(35, 65), amount=(5000, 40000), rural=False),
        Story("{b}于{yr}年向{a}借款{amt_big}元用于做生意，约定一年内归还。到期后经多次催要，{b}仍尚欠{amt}元未还。",
              "要求{b}归还借款{amt}元", "生意亏本，一时无力偿还，请求宽限",
              "剩余借款的归还期限", "{b}借款到期未还，应承担还款责任。",
              (("{b}归还{a}借款{amt}元，分两期付清，第一期{half}元", "银行转账", 20, CENTRE_ROOM),
               ("第二期借款{rest}元由{b}付清", "银行转账", 90, CENTRE_ROOM),
               ("{a}放弃利息主张", "自行履行", "协议生效之日起", CENTRE_ROOM)),
              "{b}当场承诺三个月内还清借款，{a}同意不再主张利息。",
              "{b}无力提出还款计划，{a}表示将向法院起诉", ("诉讼",),
              other="person", ages=(30, 70), amount=(3000, 50000), rural=False),
        Story("{a}于{month_text}向{b}购买{goods}，货款已付清，使用后发现产品质量不合格，要求退货，{b}拒绝。",
              "要求{b}退货并返还货款{amt}元", "产品出厂检验合格，问题是使用不当造成的",
              "产品质量问题的责任及退货退款", "{b}出售的产品存在质量问题，应承担退货或赔偿责任。",
              (("{b}收回{goods}并返还{a}货款{amt}元", "现金支付", 7, "{b_short}"),),
              "{b}同意退货退款，{a}当场认可。",
              "双方对产品质量问题的原因各执一词，需经专业鉴定", ("诉讼",),
              other="company:建材|商贸|超市|person", amount=(600, 8000), rural=False),
    ), channels={"人民调解": 85, "行政调解": 0, "司法调解": 15}, oral=.1),
    "生产经营纠纷": Kind(5, (
        Story("{a}与{b}于{yr}年合伙养殖生猪，因猪价下跌经营亏损，双方对亏损分担和合伙财产分割发生争议。",
              "要求解除合伙并返还其投资款", "亏损应由双方共同承担，不同意全额返还",
              "合伙亏损的分担和合伙财产的分割", "双方合伙时未签订书面协议，对亏损分担约定不明，均有责任。",
              (("双方合伙关系自协议签订之日起解除，养殖场地及设施归{b}所有",
                "自行履行", "协议生效之日起", "{loc}养殖场"),
               ("{b}补偿{a}合伙投入款{amt}元", "银行转账", 30, CENTRE_ROOM)),
              "双方口头同意散伙，养殖场归{b}，{b}分期返还{a}部分投资款。",
              "双方对投资款数额和亏损分担分歧过大", ("诉讼",),
              other="person", ages=(30, 60), amount=(10000, 80000)),
        Story("{a}在{loc}经营的小卖部与{b}的农资店相邻，{b}在{a}店门口长期停放货车、堆放货物，影响{a}经营，双方多次争吵。",
              "要求{b}不得在其店门口停车堆货", "门口是公共区域，谁都可以使用",
              "店门口公共区域的使用", "{b}长期占用公共区域影响他人经营，应予纠正。",
              (("{b}不再在{a}店门口停放货车和堆放货物，卸货后即时清理", "自行履行", "协议生效之日起", "{loc}"),),
              "{b}当场表示今后卸货后立即清理，{a}表示认可。",
              "{b}拒绝让出公共区域", ("行政", "诉讼"), other="person", rural=False),
    ), oral=.2),
    "劳动争议纠纷": Kind(8, (
        Story("{a}于{yr}年{mo}月起在{b}从事{job}工作。{b}以资金周转困难为由，拖欠{a}{months}个月工资共计{amt}元。",
              "要求{b}支付拖欠的工资{amt}元", "工程款尚未结算，资金暂时困难，并非故意拖欠",
              "拖欠工资的数额及支付时间", "{b}未按时足额支付劳动报酬，应承担全部责任。",
              (("{b}支付{a}拖欠的工资{amt}元", "银行转账", 15, CENTRE_ROOM),),
              "{b}负责人当场承诺半个月内付清欠薪。",
              "{b}对工资数额和用工期间不予认可，双方无法达成一致", ("仲裁", "诉讼"),
              other="company:建筑|煤矿|建材|运输|工程|person", ages=(20, 58), amount=(3000, 30000), rural=False),
        Story("{a}在{b}的施工工地作业时从脚手架摔落致{injury}，{b}仅支付了部分医疗费，双方对后续赔偿数额分歧较大。",
              "要求{b}赔偿医疗费、误工费、护理费等共计{amt}元", "已支付了医疗费，{a}作业时未系安全带，自身也有过错",
              "工伤赔偿的项目和数额", "{b}未落实安全防护措施，应承担主要赔偿责任；{a}违规作业，承担次要责任。",
              (("{b}一次性赔偿{a}医疗费、误工费、护理费、营养费等共计{amt}元", "银行转账", 20, CENTRE_ROOM),
               ("{a}收到赔偿款后，双方劳动关系解除，{a}不再就此事主张其他权利", "自行履行", "收到赔偿款之日起",
                CENTRE_ROOM)),
              "双方口头同意由{b}再支付{amt}元了结此事。",
              "双方对伤残等级和赔偿数额分歧过大，需经劳动能力鉴定", ("仲裁", "诉讼"),
              other="company:建筑|工程|煤矿|person", ages=(25, 58), amount=(20000, 120000), rural=False),
    ), months=YEAR_END, channels={"人民调解": 70, "行政调解": 30, "司法调解": 0}, oral=.02, fails=2.5),
    "道路交通事故纠纷": Kind(8, (
        Story("{evt}，{b}驾驶{vehicle}行至{road}时，与{a}驾驶的{vehicle2}发生碰撞，造成{a}受伤、车辆受损。"
              "经打通派出所交通事故认定，{b}负主要责任。",
              "要求{b}赔偿医疗费、误工费、车辆维修费等共计{amt}元", "愿意承担主要责任，但对误工费有异议",
              "各项损失的数额", "{b}负事故主要责任，{a}负次要责任。",
              (("{b}一次性赔偿{a}医疗费、误工费、车辆维修费等各项损失共计{amt}元", "银行转账", 10, "打通派出所调解室"),
               ("{a}收到赔偿款后，双方就本次事故再无其他争议", "自行履行", "收到赔偿款之日起", "打通派出所调解室")),
              "{b}当场赔偿{a}{amt}元，双方和解。",
              "双方对误工期限和车辆损失分歧较大，未能达成一致", ("诉讼",),
              other="person", ages=(20, 70), amount=(1500, 30000), rural=False),
    ), channels={"人民调解": 80, "行政调解": 5, "司法调解": 15}, oral=.05, fails=2.0),
    "征地拆迁纠纷": Kind(5, (
        Story("{v}村道硬化工程占用{a}承包地{area}亩，{a}认为青苗和地上附着物补偿标准偏低、补偿款未足额发放，与{b}发生纠纷。",
              "要求按标准足额补偿青苗费和附着物补偿款", "补偿已按区里标准核算，部分款项待工程验收后发放",
              "青苗和地上附着物补偿款的数额及发放时间", "{b}未及时向农户公示补偿明细，引发误解，应予改进。",
              (("由{b}按綦江区现行标准核算，补发{a}青苗及地上附着物补偿款{amt}元", "银行转账", 30, "{b_short}"),
               ("{a}不再阻碍村道施工", "自行履行", "协议生效之日起", "村道施工现场"),
               ("{b}将补偿明细在村务公开栏公示", "张榜公示", 10, "{b_short}")),
              "{b}同意重新核算补偿款，{a}同意先行让施工队进场。",
              "{a}坚持要求高于政策标准的补偿，双方无法达成一致", ("行政", "诉讼"),
              other="village", ages=(35, 80), amount=(1500, 20000), crowd=(1, 12)),
        Story("{v}村道拓宽占用了{a}与{b}两家的承包地，补偿款统一拨付后，双方对各自被占面积和补偿款分配发生争执。",
              "要求按实际被占面积分配补偿款", "被占土地中有一块原属自家，应多分",
              "补偿款在两户之间的分配", "双方对占地面积各执一词，因测量不清产生矛盾。",
              (("以村委会重新测量的面积为准，{b}分得补偿款{amt}元，其余归{a}", "银行转账", 15, "{vcom}"),),
              "双方同意按村委会重新测量的面积分配补偿款。",
              "双方对重新测量结果仍不认可", ("行政", "诉讼"), amount=(2000, 15000)),
    ), channels={"人民调解": 40, "行政调解": 60, "司法调解": 0}, oral=.02, fails=1.5),
    "环境污染纠纷": Kind(4, (
        Story("{b}的运输车辆经过{loc}时扬尘、遗撒严重，{a}等{n}户村民认为影响生活和农作物生长，多次拦车，双方发生冲突。",
              "要求{b}采取降尘措施并补偿农作物损失", "已经安排洒水，扬尘是天气干燥所致",
              "降尘措施和农作物损失补偿", "{b}运输过程中未落实降尘措施，应予整改并适当补偿。",
              (("{b}运输车辆加盖篷布、限速通行，每天对{loc}路段洒水降尘不少于两次", "自行履行", "长期", "{loc}路段"),
               ("{b}补偿受影响农户农作物损失共计{amt}元，由{a}代为领取分发", "银行转账", 15, "{vcom}"),
               ("村民不再拦阻{b}的运输车辆", "自行履行", "协议生效之日起", "{loc}路段")),
              "{b}当场承诺立即整改，村民同意不再拦车。",
              "村民要求{b}改道运输，{b}不同意，双方分歧较大", ("行政", "诉讼"),
              other="company:运输|煤矿|建材|person", ages=(35, 80), amount=(2000, 20000), crowd=(3, 20)),
        Story("{b}在{loc}建有生猪养殖场，粪污处理不当，异味和污水影响周边住户，{a}多次反映未果。",
              "要求{b}整改粪污处理设施", "养殖场已办理手续，粪污已还田利用",
              "养殖场粪污处理和整改期限", "{b}粪污处理设施不完善，应予整改。",
              (("{b}新建沼气池和粪污储存池，实现粪污资源化利用", "自行整改", 45, "{b}养殖场"),
               ("整改期间{b}每周清运粪污两次，不得直排", "自行履行", "整改完成前", "{b}养殖场")),
              "{b}同意限期整改，{a}同意给予整改时间。",
              "双方对整改方案无法达成一致，已告知{a}可向生态环境部门反映", ("行政", "诉讼"), crowd=(1, 6)),
    ), channels={"人民调解": 60, "行政调解": 40, "司法调解": 0}, oral=.05),
    "消费纠纷": Kind(3, (
        Story("{a}在{b}购买的{food}开封后发现已过保质期，要求退一赔十，{b}只同意退货。",
              "要求{b}退还货款并按价款十倍赔偿", "愿意退货并道歉，赔偿数额过高",
              "赔偿数额", "{b}销售过期食品，应承担退货和赔偿责任。",
              (("{b}退还{a}货款并赔偿{amt}元", "现金支付", "协议签订时当场履行", "{b_short}"),
               ("{b}对店内食品进行全面清查，下架过期商品", "自行清查", 3, "{b_short}")),
              "{b}当场退款并赔偿{amt}元，{a}表示满意。",
              "双方对赔偿数额分歧较大", ("行政", "诉讼"),
              other="company:超市|商贸|person", ages=(20, 70), amount=(500, 2000), rural=False),
        Story("{a}家中燃气表计量异常，{month_text}燃气费比往月高出数倍，{a}认为计量有误，与{b}协商未果。",
              "要求{b}校验燃气表并退还多收的燃气费", "燃气表出厂检验合格，需先行校验",
              "燃气表计量是否准确及多收费用的退还", "燃气表经校验存在计量误差，{b}应退还多收费用。",
              (("{b}为{a}免费更换燃气表", "上门更换", 7, "{a}家中"),
               ("{b}退还{a}多收的燃气费{amt}元", "冲抵下期燃气费", "下一抄表周期", "{b_short}")),
              "{b}同意上门校验并更换燃气表，多收费用冲抵下期燃气费。",
              "{b}坚持燃气表计量准确，拒绝退费", ("行政", "诉讼"),
              other="company:燃气|person", ages=(30, 80), amount=(200, 1200), rural=False),
    ), oral=.3),
    "医疗纠纷": Kind(2, (
        Story("{a}的母亲在{b}输液后出现过敏反应，经转院治疗后好转。{a}认为{b}用药前未充分告知、处置不及时，要求赔偿。",
              "要求{b}赔偿医疗费、交通费、误工费等共计{amt}元", "用药符合诊疗规范，过敏反应属个体差异，已及时处置",
              "{b}的诊疗行为是否存在过错及赔偿数额", "{b}用药前告知不够充分，本着人道主义给予适当补偿。",
              (("{b}本着人道主义补偿{a}医疗费、交通费等共计{amt}元", "银行转账", 15, "{b_short}"),
               ("{a}收到补偿款后不再就此事向{b}主张任何权利", "自行履行", "收到补偿款之日起", "{b_short}")),
              "{b}同意给予补偿，{a}表示接受。",
              "双方对是否存在过错分歧较大，需经医疗损害鉴定", ("行政", "诉讼"),
              other="company:卫生院|person", ages=(30, 65), amount=(2000, 20000), rural=False),
    ), channels={"人民调解": 70, "行政调解": 30, "司法调解": 0}, oral=.02, fails=2.0),
    "物业纠纷": Kind(2, (
        Story("{a}居住的打通社区{street}安置小区由{b}负责保洁和门卫，{a}以楼道照明长期损坏、垃圾清运不及时为由拒交物业费{yrs}年。",
              "要求{b}维修楼道照明、及时清运垃圾", "物业费收缴率低，维修资金不足",
              "物业服务质量和拖欠物业费的补交", "双方均有责任：{b}服务不到位，{a}拒交物业费不妥。",
              (("{b}维修楼道照明，每日清运生活垃圾", "自行履行", 10, "打通社区{street}安置小区"),
               ("{a}补交物业费{amt}元", "现金支付", 30, "打通社区居民委员会")),
              "双方口头约定：{b}先行维修楼道照明，{a}随后补交物业费。",
              "双方互不让步，{a}拒绝补交物业费", ("诉讼",), other="person", ages=(30, 80), amount=(300, 1500),
              rural=False),
    ), oral=.3),
    "村务管理纠纷": Kind(6, (
        Story("{a}等{n}户村民认为{b}在{yr}年度集体土地租金分配中未按人口平均分配，对分配方案有异议，多次到村委会反映。",
              "要求重新审议租金分配方案并补发差额", "分配方案经村民代表大会通过，程序合法",
              "集体土地租金分配方案", "{b}分配方案公示不充分、解释不到位，引发误解。",
              (("{b}召开村民代表大会重新审议租金分配方案，并将结果张榜公示7日", "召开会议并公示", 20, "{b_short}"),
               ("按重新审议的方案补发{a}等农户租金差额共计{amt}元", "银行转账", 45, "{b_short}")),
              "{b}同意召开村民代表大会重新审议，村民同意等待结果。",
              "村民代表大会维持原分配方案，{a}等人不予认可", ("行政", "诉讼"),
              other="village", ages=(35, 80), amount=(1000, 10000), crowd=(2, 25)),
        Story("{a}认为本组村民小组长{b}在组集体资金使用中账目不公开，双方在村民小组会上发生争执。",
              "要求公开组集体资金收支账目", "账目已经在组里公布过，{a}是故意找茬",
              "组集体资金账目的公开", "{b}账目公开不及时、不规范，应予改进。",
              (("{b}于{due1}前在组内公开近三年集体资金收支明细", "张榜公示", 10, "{loc}公示栏"),
               ("{vc}对组集体资金账目进行审核", "审核账目", 30, "{vcom}")),
              "{b}同意公开账目，{a}表示接受。",
              "双方对账目中的部分支出存在争议，需由镇农经站审计", ("行政",), ages=(40, 80)),
    ), channels={"人民调解": 60, "行政调解": 40, "司法调解": 0}, oral=.05),
    "其他纠纷": Kind(4, (
        Story("{b}在本组微信群中发布关于{a}的不实言论，{a}认为名誉受损，双方多次争吵。",
              "要求{b}公开道歉、澄清事实", "只是随口说说，没有恶意",
              "{b}是否应当公开道歉", "{b}发布不实言论，应当公开道歉、消除影响。",
              (("{b}在原微信群中发布道歉声明，澄清事实", "自行发布", "协议签订当日", "原微信群"),),
              "{b}当场向{a}道歉，并同意在微信群中澄清。",
              "{b}拒绝公开道歉", ("诉讼",), rural=False),
        Story("{a}与{b}因共用一口水井的抽水设备损坏后维修费用分摊发生争执，{b}拒绝分担。",
              "要求{b}分担水泵维修费用", "自家用水少，不应平均分担",
              "维修费用的分摊", "双方共同使用水井，应按用水户数分担维修费用。",
              (("水泵维修费用由{a}、{b}两家各承担一半，{b}支付{amt2}元", "现金支付", "协议签订时当场履行", "{loc}"),
               ("今后水井设施由双方共同管护，维修费用按户平均分担", "自行履行", "长期", "{loc}")),
              "{b}同意分担一半维修费用，双方和解。",
              "双方对分担比例分歧较大", ("诉讼",)),
    ), oral=.3),
}
DEFAULT_KIND = KINDS["其他纠纷"]

SOURCE_WEIGHTS = {"当事人申请": 46, "主动排查": 30, "公安移交": 7, "法院委托": 4, "政府指定": 4, "网格上报": 9}
SOURCE_NOTES = {
    "主动排查": "镇调委会在矛盾纠纷排查中发现该纠纷，经双方同意后受理调解。",
    "公安移交": "打通派出所接警出警后，认为属民间纠纷，移交镇人民调解委员会调解。",
    "法院委托": "綦江区人民法院打通人民法庭于立案前委派镇人民调解委员会调解。",
    "政府指定": "经镇人民政府指定，由镇人民调解委员会组织调解。",
    "网格上报": "网格员巡查发现后上报，镇调解中心受理调解。",
}
REFUSALS = ("被申请人{b}明确表示不同意调解，已告知申请人可依法向人民法院起诉",
            "被申请人{b}明确拒绝调解，称已委托律师准备诉讼，已告知申请人其他解决途径",
            "经征询，被申请人{b}不同意调解，已告知申请人可以通过诉讼等途径依法维权")
WITHDRAWALS = ("双方已自行和解，申请人申请撤回调解申请", "申请人外出务工，申请撤回调解申请",
               "申请人表示已向人民法院起诉，申请撤回", "经村组干部做工作，双方已私下和解，申请人撤回申请")
EXTENSIONS = ("经征询，双方当事人均同意延长调解期限{days}日，已在延期告知书上签字确认",
              "因需等待{thing}，经双方当事人同意延长调解期限{days}日")
WAITS = ("林权档案查询结果", "房屋损失评估结果", "伤情鉴定意见", "村民代表大会审议结果", "土地测量结果")
ANGLES = {  # what the mediator appeals to, by dispute type
    "": ("互谅互让、和谐共处", "依法维权、理性表达", "公平合理、实事求是"),
    "邻里纠纷": ("邻里和睦、互谅互让", "远亲不如近邻", "相邻关系“有利生产、方便生活”"),
    "婚姻家庭纠纷": ("家庭和睦、孝老爱亲", "亲情为重、互谅互让"),
    "房屋宅基地纠纷": ("相邻关系“有利生产、方便生活”", "邻里和睦、互谅互让"),
    "山林土地纠纷": ("尊重历史、依法确权", "邻里和睦、互谅互让"),
    "土地承包经营纠纷": ("尊重确权成果、公平合理", "诚实信用、依约履行"),
    "合同纠纷": ("诚实信用、依约履行", "公平合理、实事求是"),
    "生产经营纠纷": ("诚实信用、公平合理", "好聚好散、互谅互让"),
    "劳动争议纠纷": ("依法保障劳动报酬", "诚实信用、依法维权"),
    "道路交通事故纠纷": ("依法担责、合理赔偿", "实事求是、互谅互让"),
    "消费纠纷": ("诚实信用、保护消费者合法权益",),
    "医疗纠纷": ("实事求是、依法处理", "人道关怀、理性维权"),
}
OCCUPATIONS = {"rural": ("农民", "农民", "农民", "务工", "个体户"), "town": ("个体户", "务工", "退休", "农民", "职工")}
CONFIRMATIONS = ("经双方共同申请，綦江区人民法院于{date}作出（{year}）渝0110民特{n}号民事裁定书，确认调解协议有效",
                 "綦江区人民法院打通人民法庭于{date}作出（{year}）渝0110民特{n}号民事裁定，确认调解协议有效")
FOLLOW_REASONS = ("了解调解协议履行情况", "回访协议履行情况及当事人满意度", "协议约定的履行期限届满，回访履行情况")
REMAINING = ("双方关系仍较紧张，需继续关注", "剩余款项尚未付清，已督促履行", "一方对履行进度有意见，已做解释工作")

# Context values
HILLS = ("大湾", "石板沟", "老鹰岩", "青杠林", "竹林湾", "黄泥坡", "水井湾", "松树坳")
CROPS = ("玉米", "水稻", "油菜", "红薯", "蔬菜", "花椒")
INJURIES = ("左手腕骨折", "头部软组织挫伤", "两根肋骨骨折", "右腿多处擦伤", "腰椎压缩性骨折")
ANIMALS = ("鸡鸭", "山羊", "耕牛", "生猪")
JOBS = ("砌砖", "钢筋", "搬运", "井下采掘", "货车驾驶", "模板")
GOODS = ("一批水泥", "一台电动三轮车", "一批塑钢门窗", "一台抽水泵", "一批瓷砖")
FOODS = ("一箱牛奶", "两桶食用油", "一箱方便面", "几袋饼干")
VEHICLES = ("摩托车", "三轮车", "小型轿车", "农用货车", "电动自行车")
ROADS = ("打通场镇兴隆街路段", "綦打路石龙村段", "天台村村道", "打通场镇十字路口", "大罗村村道急弯处")

# Petitions (信访) that stay petitions: (matter, request, department, replies, results, group visit)
TOPICS = (
    ("反映{loc}村道硬化工程占用其承包地，青苗补偿款至今未发放", "要求尽快足额发放青苗补偿款", "镇农业服务中心",
     ("经核实，该路段占地补偿款已拨付至{vc}，正在按户核算，将于{due}前发放到户。",),
     ("补偿款已发放到户，信访人表示认可。",), True),
    ("反映家庭困难，申请纳入农村最低生活保障", "要求享受低保待遇", "镇社会事务办",
     ("已按程序受理其低保申请，经入户调查和家庭经济状况核对后，提交民主评议并公示。",),
     ("经审核符合条件，已纳入低保。",
      "经核对家庭收入高于低保标准，已当面向信访人解释政策，并告知可申请临时救助。"), False),
    ("反映在{co}务工被拖欠工资", "要求协调追讨欠薪", "镇社保所",
     ("已约谈{co}负责人，责令其于{due}前结清所欠工资。",), ("欠薪已全部结清，信访人表示满意。",), True),
    ("反映{co}运输车辆扬尘、噪声影响村民生活", "要求企业整改", "镇规划建设环保办",
     ("已督促企业落实洒水降尘、加盖篷布等措施，并安排人员不定期检查。",), ("企业已整改，扬尘明显减少。",), True),
    ("反映其房屋出现裂缝，怀疑系附近采矿所致", "要求鉴定房屋安全并赔偿", "镇应急管理办",
     ("已委托有资质的机构进行房屋安全鉴定，鉴定结果出来后依法依规处理。",),
     ("鉴定为局部损坏，已协调企业出资维修。", "经鉴定房屋裂缝系年久失修所致，已告知可申请危房改造。"), False),
    ("反映{v}集体经济收支不公开，对村集体资金使用有疑问", "要求公开村务、财务", "镇农业服务中心",
     ("已督促{vc}在村务公开栏公开近两年财务收支明细，并由镇农经站进行审核。",),
     ("村委会已公开财务明细，信访人表示理解。",), True),
    ("反映其城乡居民养老保险缴费年限核定有误", "要求更正缴费记录", "镇社保所",
     ("经与区社保局核对，已更正缴费年限，待遇将于次月补发。",), ("缴费记录已更正，待遇已补发。",), False),
    ("反映住房年久失修，申请农村危房改造补助", "要求纳入危房改造", "镇规划建设环保办",
     ("已安排技术人员入户鉴定，符合条件的将纳入下一批改造计划。",),
     ("经鉴定为C级危房，已纳入危房改造计划。", "经鉴定不属于危房，已向信访人解释。"), False),
    ("反映{loc}自来水经常停水、水压不足", "要求解决生活用水问题", "镇经济发展办",
     ("已协调自来水公司检修管网并更换减压阀。",), ("供水已恢复正常。",), True),
    ("反映{street}夜间烧烤摊噪音扰民", "要求规范经营时间", "镇综合行政执法大队",
     ("已对经营户进行劝导，要求晚上十点后停止室外经营，并安排夜间巡查。",),
     ("噪音问题已明显改善，信访人表示满意。",), False),
    ("反映住院费用医保报销比例偏低", "要求说明报销政策", "镇社保所",
     ("已向信访人详细解释城乡居民医保报销政策及起付线规定。",), ("信访人对政策解释表示理解。",), False),
    ("反映{v}村道急弯处无防护栏，存在安全隐患", "要求增设安全设施", "镇应急管理办",
     ("已列入农村公路安全生命防护工程，计划年内完工。",), ("防护栏已安装完毕。",), True),
    ("反映{loc}部分农户耕地地力保护补贴未到账", "要求核实补贴发放情况", "镇农业服务中心",
     ("经核查，系银行账户信息有误导致发放失败，已更正并重新发放。",), ("补贴已重新发放到户。",), False),
    ("反映残疾人两项补贴停发", "要求恢复发放残疾人补贴", "镇社会事务办",
     ("经核查，因残疾证到期未换领导致停发，已协助办理换证手续。",), ("已恢复发放并补发停发期间的补贴。",), False),
    ("反映邻居在公共区域乱搭乱建", "要求拆除违章搭建", "镇综合行政执法大队",
     ("已现场核查，责令当事人限期自行拆除。",), ("违章搭建已拆除。",), False),
)
# Petitions that become disputes: the dispute type they turn into
TO_DISPUTE_TYPES = ("房屋宅基地纠纷", "婚姻家庭纠纷", "土地承包经营纠纷", "山林土地纠纷", "邻里纠纷", "征地拆迁纠纷",
                    "劳动争议纠纷", "村务管理纠纷")
FORMS = {"来访": 70, "来信": 8, "网上": 12, "电话": 10}
# visitors of one visit: (size range, weight)
VISIT_SIZES = (((1, 1), 38), ((2, 2), 24), ((3, 3), 12), ((4, 6), 12), ((7, 15), 10), ((16, 35), 4))
SATISFACTIONS = ("满意", "基本满意", "不满意")

COLOURS = {"黄": 60, "蓝": 24, "橙": 10, "红": 2, "": 4}
OPINIONS = {
    "红": ("涉及人数多、群众情绪激动，存在越级上访风险，由镇党委政府牵头，司法所、派出所、人民法庭联合化解",
          "矛盾复杂、涉及多个部门，需联合处置，实行领导包案"),
    "橙": ("双方矛盾较深，存在激化可能，落实包案责任人，每周跟进一次",
           "一方情绪不稳定，需防止矛盾升级，派出所协助稳控"),
    "黄": ("属一般矛盾纠纷，由村调委会继续跟进调解", "双方均有调解意愿，按期调结"),
    "蓝": ("矛盾基本可控，持续跟踪回访", "已基本化解，注意防止反弹"),
}
DECISIONS = (
    ("组织各村（社区）开展一次矛盾纠纷“拉网式”排查，建立台账", "综治中心",
     "已组织各村（社区）完成排查，发现矛盾纠纷{k}件，已全部纳入台账"),
    ("节前对重点信访人员和重点矛盾纠纷逐一走访，落实稳控措施", "信访办", "已完成走访，重点人员情绪稳定"),
    ("司法所对调解协议履行情况开展一次集中回访", "司法所", "已完成集中回访，协议履行情况良好"),
    ("派出所对可能激化的纠纷加强巡逻防控", "派出所", "已加强巡逻，未发生民转刑案件"),
    ("对超期未办结的信访事项逐件督办", "信访办", "已逐件督办，相关事项均已答复"),
    ("开展一次人民调解员业务培训", "司法所", "已组织全镇人民调解员培训，参训{k}人"),
    ("在各村（社区）开展《中华人民共和国民法典》宣传", "司法所", "已在各村（社区）开展宣传，发放资料{k}份"),
)
PLACES_MEETING = ("镇综治中心会议室", "镇政府三楼会议室")


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _short(name: str) -> str:
    """How the text names an organisation: 石龙村委会, 打通社区居委会, 天星煤矿有限公司 …"""
    for head in ("重庆市綦江区打通镇", "重庆市綦江区", "綦江区打通镇", "重庆"):
        if name.startswith(head):
            name = name[len(head):]
            break
    return name.replace("村民委员会", "村委会").replace("居民委员会", "居委会")


def _committee(village: str) -> dict:
    """{vc}: 石龙村村委会 / 打通社区居委会; {vcom}: 石龙村民委员会 / 打通社区居民委员会."""
    if village.endswith("社区"):
        return {"vc": f"{village}居委会", "vcom": f"{village}居民委员会"}
    return {"vc": f"{village}村委会", "vcom": f"{village[:-1]}村民委员会"}


def _local_day(moment: datetime) -> date:
    return (moment + LOCAL_OFFSET).date()


def _typed(moment: datetime) -> datetime:
    """A UTC moment as the form's local time: to_local on this machine, so to_utc gives it back."""
    return to_local(moment)


# ------------------------------------------------------------------------------------------------
# The simulated clock
# ------------------------------------------------------------------------------------------------

class _Clock:
    """``utcnow`` while the demo writes: the current step's moment (the wall clock outside steps)."""

    def __init__(self, real: Callable[[], datetime]):
        self.real = real
        self.moment: datetime | None = None

    def __call__(self) -> datetime:
        return self.moment or self.real()


@contextmanager
def simulated_clock():
    """Stamp rows (``created_at`` / ``updated_at``) and audit lines with the step's moment."""
    clock = _Clock(lambda: datetime.now(timezone.utc).replace(tzinfo=None))
    with db_module.simulated_clock(clock):
        yield clock


# ------------------------------------------------------------------------------------------------
# The plan
# ------------------------------------------------------------------------------------------------

@dataclass(order=True)
class Step:
    """One call of a domain function at ``moment`` (naive UTC)."""

    moment: datetime
    seq: int
    kind: str = field(compare=False)
    run: Callable[[], object] = field(compare=False, repr=False)


@dataclass
class Case:
    """One dispute while it is planned and written: its parties, story and (once written) its record."""

    kind: str
    story: Story
    source: str
    ctx: dict
    entry: DisputeEntry
    actor: User
    outcome: str = SUCCEEDED
    mediators: list = field(default_factory=list)
    record: Dispute | None = None
    petition: Petition | None = None
    petition_size: int = 0                 # visitors of the petition it came from


class Registry:
    """Picks parties from the demo's registry: ages, gender, village and surname as a story needs them."""

    def __init__(self, population: Population, rng: random.Random):
        self.pop, self.rng = population, rng
        self.full: dict[int, Person | Organisation] = {}
        self.gender = PERSON_KEYS.index("gender")
        self.village = PERSON_KEYS.index("village")

    def person(self, day: date, ages: tuple[int, int], male: bool | None = None, village: str | None = None,
               surname: str | None = None, avoid: set = frozenset(), rural: bool | None = None) -> tuple:
        pop, rng = self.pop, self.rng
        first, last = _ages_to_births(day, ages)
        lo, hi = bisect.bisect_left(pop.births, first), bisect.bisect_right(pop.births, last)
        if hi - lo < 3:
            lo, hi = 0, len(pop.people)
        best = None
        for _ in range(60):
            candidate = pop.people[rng.randrange(lo, hi)]
            if candidate[0] in avoid:
                continue
            place = candidate[self.village] or ""
            score = ((male is None or (candidate[self.gender] == "男") == male) * 4
                     + (village is None or place == village) * 2
                     + (surname is None or candidate[2].startswith(surname)) * 3
                     + (rural is None or (place != "打通社区") == rural))
            if best is None or score > best[0]:
                best = (score, candidate)
            if score == 10:
                break
        if best is None:
            best = (0, next(p for p in pop.people if p[0] not in avoid))
        return best[1]

    def organisation(self, keywords: str, village: str = "") -> tuple | None:
        pop = self.pop
        if keywords == "village":
            pool = [o for o in pop.villages if village and village in o[2]] or pop.villages
        else:
            words = keywords.split("|")
            pool = [o for o in pop.companies if any(w in o[2] for w in words)]
        return self.rng.choice(pool) if pool else None

    def record(self, entry: tuple, organisation: bool = False) -> Person | Organisation:
        key = (organisation, entry[0])
        if key not in self.full:
            model = Organisation if organisation else Person
            self.full[key] = model.get_by_id(entry[0])
        return self.full[key]


class MediationYear:
    """Plans the centre's window of working days; ``steps()`` gives every domain call in time order.

    Steps after ``cutoff`` never happen: their cases stand where they are (open near the end).
    """

    def __init__(self, population: Population, users: dict[str, User], *, start: date, end: date,
                 cutoff: datetime | None = None, scale: int = 1, seed: int = SEED_YEAR,
                 volumes: Volumes | None = None):
        if not population.people:
            raise ValueError("the demo needs people in the registry")
        self.rng = random.Random(seed * 7919 + 213)
        self.seed = seed
        self.calendar = work_calendar()
        self.users = users
        self.mediators = [users[name] for name in MEDIATORS if name in users] or [users["admin"]]
        self.lead = users.get(LEAD) or users["admin"]
        self.grid = users.get(GRID)
        self.grid_cells = self._referral_grids()
        self.chair = users.get(CHAIR)
        self.registry = Registry(population, self.rng)
        self.start, self.end = start, end
        self.days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        self.days = [d for d in self.days if self.calendar.is_workday(d)]
        self.cutoff = cutoff or utc_at(end, 24 * 60) - timedelta(seconds=1)
        self.volumes = volumes or Volumes.seed(scale, self._fraction())
        self.types = [name for name in codes.names("dispute_type")]
        self.seq = itertools.count()
        self.planned: list[Step] = []
        self.cases: list[Case] = []

    # --- time ---------------------------------------------------------------------------------

    def _fraction(self) -> float:
        start, end = self.start, self.end
        if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
            return 1.0
        year = [date(start.year, 1, 1) + timedelta(days=n) for n in range(366)]
        full = sum(1 for d in year if d.year == start.year and self.calendar.is_workday(d))
        return len(self.days) / full

    def workday(self, day: date, later: int = 0) -> date:
        """The working day ``later`` working days after ``day`` (``day`` itself, or the next, for 0)."""
        while not self.calendar.is_workday(day):
            day += timedelta(days=1)
        return self.calendar.add_workdays(day, later) if later else day

    def slot(self, day: date, after: datetime | None, lo: float = OPENS + 10, hi: float = CLOSES - 40,
             gap: tuple = (10, 50), span: float = 150) -> datetime:
        """A moment on working day ``day`` (or the next one) between ``lo`` and ``hi`` local minutes,
        ``gap`` minutes after ``after`` when that is the same day."""
        rng = self.rng
        day = self.workday(day)
        while True:
            if after is not None and _local_day(after) > day:
                day = self.workday(_local_day(after))
                continue
            first = lo
            if after is not None and _local_day(after) == day:
                first = max(lo, local_minute(after) + rng.uniform(*gap))
            if first <= hi:
                return utc_at(day, rng.uniform(first, min(hi, first + span)))
            day = self.workday(day + timedelta(days=1))

    def add(self, moment: datetime, kind: str, run: Callable[[], object]) -> datetime:
        self.planned.append(Step(moment, next(self.seq), kind, run))
        return moment

    def _day_weights(self, months: dict | None) -> list[float]:
        weekday = (1.2, 1.05, 1.0, 1.0, .95, .6, .6)
        return [weekday[d.weekday()] * (months.get(d.month, 1) if months else 1) for d in self.days]

    def _pick_days(self, months: dict | None, k: int) -> list[date]:
        weights = list(itertools.accumulate(self._day_weights(months)))
        return [self.days[i] for i in (self.rng.choices(range(len(self.days)), cum_weights=weights, k=k))]

    # --- text ---------------------------------------------------------------------------------

    def _context(self, day: date, applicant: tuple, other_name: str, other_short: str, story: Story) -> dict:
        rng = self.rng
        village = applicant[PERSON_KEYS.index("village")] or "打通社区"
        street = rng.choice(STREETS)
        loc = f"打通社区{street}" if village == "打通社区" else f"{village}{rng.randint(1, 12)}组"
        low, high = story.amount or (2000, 20000)
        amount = rng.uniform(low, high)
        unit = 500 if amount >= 10000 else 100 if amount >= 2000 else 10
        amount = max(unit, int(round(amount / unit)) * unit)
        half = amount // 2 // unit * unit or amount // 2
        born = applicant[PERSON_KEYS.index("birth_date")]
        evt = day - timedelta(days=rng.randint(2, 20))
        month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return {
            "a": applicant[2], "b": other_name, "b_short": other_short, "v": village, "loc": loc, "street": street,
            **_committee(village),
            "amt": amount, "half": half, "rest": amount - half, "amt2": rng.randrange(200, 3000, 100),
            "amt_big": amount * rng.randint(2, 6),
            "m": rng.choice(("0.3", "0.5", "0.8", "1", "1.2", "1.5")), "cm": rng.randrange(20, 90, 5),
            "area": rng.choice(("0.3", "0.5", "0.8", "1.2", "1.5", "2", "2.6", "3.5")), "n": rng.randint(3, 9),
            "yrs": rng.randint(1, 3), "yr": day.year - rng.randint(1, 6), "mo": rng.randint(1, 12),
            "trees": rng.randint(8, 60), "seedlings": rng.randrange(50, 300, 10), "rooms": rng.randint(3, 6),
            "rent": rng.randrange(300, 800, 50), "monthly": rng.randrange(200, 650, 50), "kids": rng.randint(2, 5),
            "months": rng.randint(2, 6), "hill": rng.choice(HILLS), "crop": rng.choice(CROPS),
            "injury": rng.choice(INJURIES), "animals": rng.choice(ANIMALS), "job": rng.choice(JOBS),
            "goods": rng.choice(GOODS), "food": rng.choice(FOODS), "vehicle": rng.choice(VEHICLES),
            "vehicle2": rng.choice(VEHICLES), "road": rng.choice(ROADS), "evt": _cn(evt),
            "month_text": f"{day.year}年{max(1, day.month - rng.randint(0, 2))}月",
            "next_month": f"{month.year}年{month.month}月",
            "age_a": day.year - born.year if born else 70, "due1": "",
        }

    @staticmethod
    def fill(template: str, ctx: dict) -> str:
        return template.format(**ctx)

    # --- parties ------------------------------------------------------------------------------

    def _parties(self, day: date, story: Story, applicant: tuple | None = None):
        """(applicant entries, respondent entries, ctx) for a story."""
        reg, rng = self.registry, self.rng
        if applicant is None:
            applicant = reg.person(day, story.ages, rural=True if story.rural else None)
        village = applicant[PERSON_KEYS.index("village")]
        surname = applicant[2][0]
        male = applicant[PERSON_KEYS.index("gender")] == "男"
        born = applicant[PERSON_KEYS.index("birth_date")]
        age = day.year - born.year if born else 50
        avoid = {applicant[0]}
        other, organisation = None, False
        kind = story.other
        if kind.startswith("company:") or kind == "village":
            wanted = "village" if kind == "village" else kind.split(":", 1)[1].replace("|person", "")
            found = reg.organisation(wanted, village or "")
            if found is not None:
                other, organisation = found, True
        if other is None:
            if kind == "spouse":
                other = reg.person(day, (max(20, age - 6), age + 6), male=not male, village=village, avoid=avoid)
            elif kind == "child":
                other = reg.person(day, (max(22, age - 38), max(24, age - 22)), surname=surname, village=village,
                                   avoid=avoid)
            elif kind == "sibling":
                other = reg.person(day, (max(20, age - 8), age + 8), surname=surname, avoid=avoid)
            else:
                other = reg.person(day, (25, 80), village=village if kind == "neighbour" else None, avoid=avoid)
        name = other[2]
        ctx = self._context(day, applicant, name, _short(name) if organisation else name, story)
        second = None
        if kind == "child" and rng.random() < .35:          # two children, neither of whom pays
            second = reg.person(day, (max(22, age - 38), max(24, age - 22)), surname=surname,
                                avoid=avoid | {other[0]})
            ctx["b"] = f"{name}、{second[2]}"
        rural = village and village != "打通社区"
        occupations = OCCUPATIONS["rural" if rural else "town"]
        apply = [PartyEntry(reg.record(applicant), "申请人", occupation=rng.choice(occupations),
                            claims=self.fill(story.claim, ctx))]
        respond = [PartyEntry(reg.record(other, organisation), "被申请人",
                              occupation="" if organisation else rng.choice(occupations),
                              claims="" if rng.random() < .5 else self.fill(story.respond, ctx))]
        if second is not None:
            respond.append(PartyEntry(reg.record(second), "被申请人", occupation=rng.choice(occupations)))
        return apply, respond, ctx

    # --- disputes -----------------------------------------------------------------------------

    def _kinds(self) -> list[str]:
        """Every accepted dispute's type, exactly in proportion to the types' weights."""
        weights = {name: (KINDS[name].weight if name in KINDS else 1) for name in self.types}
        counts = _largest_remainder(self.volumes.disputes, weights)
        out = [name for name, n in sorted(counts.items()) for _ in range(n)]
        self.rng.shuffle(out)
        return out

    def _plan_disputes(self) -> None:
        rng, vol = self.rng, self.volumes
        if not self.days or vol.disputes <= 0:
            return
        kinds = self._kinds()
        days = [None] * len(kinds)
        by_kind: dict[str, list[int]] = {}
        for i, name in enumerate(kinds):
            by_kind.setdefault(name, []).append(i)
        for name, indices in sorted(by_kind.items()):
            for i, day in zip(indices, self._pick_days(KINDS.get(name, DEFAULT_KIND).months, len(indices))):
                days[i] = day
        # sources: petitions first (types a petition can become), the rest by weight
        sources = [""] * len(kinds)
        convertible = [i for i, k in enumerate(kinds) if k in TO_DISPUTE_TYPES]
        for i in rng.sample(convertible, min(vol.from_petitions, len(convertible))):
            sources[i] = "信访转入"
        rest = [i for i, s in enumerate(sources) if not s]
        counts = _largest_remainder(len(rest), SOURCE_WEIGHTS)
        pool = [s for s, n in sorted(counts.items()) for _ in range(n)]
        rng.shuffle(pool)
        for i, source in zip(rest, pool):
            sources[i] = source
        if self.grid is None:
            sources = ["当事人申请" if s == "网格上报" else s for s in sources]
        # outcomes (exact counts), then extensions and 司法确认
        outcomes = [SUCCEEDED] * len(kinds)
        free = list(range(len(kinds)))
        refusable = [i for i in free if sources[i] in ("当事人申请", "主动排查", "公安移交")]
        for i in rng.sample(refusable, min(vol.refused, len(refusable))):
            outcomes[i] = REFUSED
        fail_weights = [(KINDS.get(kinds[i], DEFAULT_KIND).fails if outcomes[i] == SUCCEEDED else 0) for i in free]
        chosen = set()
        while len(chosen) < min(vol.terminated, sum(1 for w in fail_weights if w)):
            chosen.add(rng.choices(free, weights=fail_weights)[0])
        for i in chosen:
            outcomes[i] = TERMINATED
        withdrawable = [i for i in free if outcomes[i] == SUCCEEDED and sources[i] != "信访转入"]
        for i in rng.sample(withdrawable, min(vol.withdrawn, len(withdrawable))):
            outcomes[i] = WITHDRAWN
        last_extendable = self.days[-1] - timedelta(days=60)
        extendable = [i for i in free if outcomes[i] in (SUCCEEDED, TERMINATED) and days[i] <= last_extendable]
        extended = set(rng.sample(extendable, min(vol.extended, len(extendable))))
        order = sorted(free, key=lambda i: (days[i], i))
        for i in order:
            self._dispute(kinds[i], days[i], sources[i], outcomes[i], i in extended)
        for _ in range(vol.pending_referrals if self.grid is not None else 0):
            kind = rng.choice([k for k in self.types if k in KINDS and k != "婚姻家庭纠纷"] or self.types)
            day = self.days[max(0, len(self.days) - rng.randint(1, 2))]
            self._dispute(kind, day, "网格上报", MEDIATING, False, taken=False)

    def _dispute(self, kind_name: str, day: date, source: str, outcome: str, extended: bool,
                 taken: bool = True) -> None:
        rng = self.rng
        kind = KINDS.get(kind_name, DEFAULT_KIND)
        stories = [s for s in kind.stories if s.other != "village" or self.registry.pop.villages] or kind.stories
        story = rng.choice(stories)
        applicant = None
        if source == "网格上报" and self.grid_cells:       # someone living in the reporting worker's grids
            applicant = self.registry.person(day, story.ages, village=self.grid_cells[0][1])
        apply, respond, ctx = self._parties(day, story, applicant)
        facts = self.fill(story.facts, ctx)
        if source in SOURCE_NOTES:
            facts += SOURCE_NOTES[source]
        lead = rng.choice(self.mediators)
        colour = rng.choices(list(COLOURS), weights=list(COLOURS.values()))[0]
        if story.crowd[1] >= 10 and colour in ("黄", "蓝", ""):
            colour = rng.choice(("橙", "黄", "红"))
        channels = kind.channels or {"人民调解": 90, "行政调解": 6, "司法调解": 4}
        channel = rng.choices(list(channels), weights=list(channels.values()))[0]
        joint: list[str] = []
        if source == "法院委托":
            channel, joint = "司法调解", ["人民法庭"]
        elif source == "公安移交" or (kind_name == "道路交通事故纠纷" and rng.random() < .5):
            joint = ["派出所"]
        if colour == "红":
            joint = ["人民法庭", "派出所", "司法所"]
        elif not joint and rng.random() < .06:
            joint = [rng.choice(("司法所", "派出所"))]
        mediators = [lead.username]
        if colour in ("红", "橙") or rng.random() < .15:
            mediators.append(self.lead.username if colour == "红" else
                             next((m.username for m in self.mediators if m is not lead), self.lead.username))
        extra = rng.randint(*story.crowd) if story.crowd[1] else 0
        entry = DisputeEntry(
            parties=apply + respond, facts=facts, dispute_type=kind_name, source=source,
            amount=str(ctx["amt"]) if story.amount else None,
            people_involved=len(apply) + len(respond) + extra if extra else None,
            village=ctx["v"], risk_colour=colour, channel=channel, joint=joint, mediators=mediators)
        actor = self.lead if colour == "红" else lead
        case = Case(kind_name, story, source, ctx, entry, actor, outcome, list(mediators))
        self.cases.append(case)
        if source == "信访转入":
            self._petition_to_dispute(case, day)
            return
        if source == "网格上报":
            report_day = self._back(day, rng.choice((0, 0, 1, 1, 2))) if taken else day
            note = f"网格员巡查发现{ctx['loc']}{ctx['a']}与{ctx['b']}发生纠纷，已现场劝解，上报镇调解中心处理"
            if self.grid_cells:      # the worker's patrol log with the finding: it creates the case, linked both ways
                at = self.slot(report_day, None, lo=OPENS + 80, hi=CLOSES - 20)
                patrol = self._grid_patrol(case, note, at)
                at = self.add(at, "refer", lambda c=case, p=patrol, t=at: self._report(c, p, t))
            else:                    # written without the patrol area's grids: the finding's uid only
                at = self.slot(report_day, None, lo=OPENS + 20, hi=CLOSES - 20)
                finding = dashed(_uid(self.rng))
                at = self.add(at, "refer", lambda c=case, f=finding, n=note, t=at: self._refer(c, f, n, t))
            if not taken:
                return
            at = self.slot(day, at, gap=(30, 120))
            self.add(at, "take_on", lambda c=case, d=_local_day(at), t=at: self._take_on(c, d, t))
        else:
            at = self.slot(day, None, hi=CLOSES - 30)
            if outcome == REFUSED:
                entry.refused_reason = self.fill(rng.choice(REFUSALS), ctx)
            self.add(at, "register", lambda c=case, t=at: self._register(c, t))
        if outcome != REFUSED:
            self._mediation(case, _local_day(at), at, extended)

    def _mediation(self, case: Case, accepted: date, at: datetime, extended: bool) -> datetime:
        """Sessions and the outcome of an accepted case, then follow-ups and 司法确认. Returns the outcome's moment."""
        rng, story, ctx = self.rng, case.story, case.ctx
        outcome = case.outcome
        due = accepted + timedelta(days=30)
        kind = KINDS.get(case.kind, DEFAULT_KIND)
        if outcome == WITHDRAWN:
            sessions = rng.choice((0, 1, 1))
        elif outcome == TERMINATED:
            sessions = rng.choice((2, 2, 3))
        else:
            sessions = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        if extended:
            sessions = max(sessions, 2)
        on_site = case.kind in ("山林土地纠纷", "房屋宅基地纠纷", "土地承包经营纠纷")
        if story.finding and rng.random() < (.55 if on_site else .2):
            day = self.workday(accepted, rng.randint(0, 3))
            at = self.slot(day, at, gap=(30, 120))
            at = self._session(case, at, "调查", 0, 1, None)
        # session days: the first within a week, the next 3–8 working days apart, inside the time limit
        # (an extended case: its last session after the first 30 days, within the extension)
        session_hours = {"lo": OPENS + 30, "hi": CLOSES - 120, "gap": (20, 90), "span": 240}
        starts, days, ext = [], [], None
        if sessions:
            starts.append(self.slot(self.workday(accepted, rng.choice((0, 1, 1, 2, 3, 4, 5))), at, **session_hours))
            days.append(_local_day(starts[0]))
            for k in range(1, sessions):
                if extended and k == sessions - 1:
                    ext_days = rng.randrange(15, 31, 5)
                    ext = (max(self._last_workday(due - timedelta(days=rng.randint(1, 6))), days[-1]), ext_days)
                    days.append(self.workday(due + timedelta(days=rng.randint(1, ext_days - 3))))
                    break
                nxt = self.workday(days[-1], rng.randint(3, 8))
                if not extended and nxt > due:
                    nxt = self._last_workday(due)
                    if nxt <= days[-1]:
                        break
                days.append(nxt)
        for k, day in enumerate(days):
            if ext is not None and k == len(days) - 1:
                at = self.slot(ext[0], at, gap=(20, 90))
                consent = self.fill(rng.choice(EXTENSIONS), {"days": ext[1], "thing": rng.choice(WAITS)})
                at = self.add(at, "extend", lambda c=case, d=ext[1], s=consent, t=at: disputes.extend(
                    c.actor, c.record, d, s, now=t))
            at = starts[0] if k == 0 else self.slot(day, at, **session_hours)
            at = self._session(case, at, "调解", k, len(days), days[k + 1] if k + 1 < len(days) else None)
        if outcome == WITHDRAWN:
            day = self.workday(max(_local_day(at), accepted), rng.randint(1, 8))
            at = self.slot(day, at)
            reason = rng.choice(WITHDRAWALS)
            return self.add(at, "withdraw", lambda c=case, r=reason, t=at: disputes.withdraw(
                c.actor, c.record, r, on=_local_day(t), now=t))
        at = self.slot(_local_day(at), at, hi=CLOSES + 30, gap=(5, 30), span=30)
        if outcome == TERMINATED:
            reason = self.fill(story.fail, ctx)
            return self.add(at, "terminate", lambda c=case, r=reason, t=at: disputes.terminate(
                c.actor, c.record, r, list(c.story.routes), on=_local_day(t), now=t))
        agreed = _local_day(at)
        oral = rng.random() < kind.oral
        agreement = self._agreement(case, agreed, oral)
        done = self.add(at, "agree", lambda c=case, a=agreement, t=at: disputes.record_agreement(
            c.actor, c.record, a, now=t))
        self._after_agreement(case, agreed, done, oral)
        return done

    def _back(self, day: date, workdays: int) -> date:
        """``workdays`` working days before ``day``, not before the window's first day."""
        for _ in range(workdays):
            earlier = self._last_workday(day - timedelta(days=1))
            if earlier < self.days[0]:
                break
            day = earlier
        return day

    def _last_workday(self, day: date) -> date:
        while not self.calendar.is_workday(day):
            day -= timedelta(days=1)
        return day

    def _session(self, case: Case, start: datetime, kind: str, index: int, total: int,
                 next_day: date | None) -> datetime:
        rng, ctx, story = self.rng, case.ctx, case.story
        names = [case.actor.display_name] + [u.display_name for u in self.mediators + [self.lead]
                                             if u.username in case.mediators and u is not case.actor]
        village_mediator = VILLAGE_MEDIATORS.get(ctx["v"])
        mediators = "、".join(dict.fromkeys(names))
        parties = "、".join(p.record.name for p in case.entry.parties)
        length = rng.uniform(35, 80) if kind == "调查" else rng.uniform(45, 130)
        end = start + timedelta(minutes=length)
        med = names[0]
        final = index == total - 1
        if kind == "调查":
            place = f"纠纷现场（{ctx['loc']}）"
            attendees = ctx["a"]
            if village_mediator:
                attendees = f"{ctx['v']}调委会委员{village_mediator}、{ctx['loc']}组长、{ctx['a']}"
            content = (f"调解员{med}到{place}实地调查，" + self.fill(story.finding, ctx) + "。"
                       + rng.choice(("调查情况已向双方当事人通报。", "调查材料附卷。", "相关照片已拍照留存附卷。")))
            agreed, next_step = "", rng.choice(("择日组织双方调解", "根据调查情况组织双方当面调解"))
        else:
            if case.source == "公安移交" or case.kind == "道路交通事故纠纷" and "派出所" in case.entry.joint:
                place = "打通派出所调解室"
            elif case.source == "法院委托":
                place = "打通人民法庭诉前调解室"
            elif rng.random() < .3 and village_mediator:
                place = f"{ctx['vcom']}调解室"
            else:
                place = CENTRE_ROOM
            attendees = parties
            if village_mediator and rng.random() < .5:
                attendees += f"，{ctx['v']}调委会委员{village_mediator}"
            opening = ""
            if index == 0:
                opening = (f"调解员{med}向双方当事人告知了人民调解的性质、原则和当事人的权利义务，"
                           "双方均表示自愿接受调解。"
                           f"申请人{ctx['a']}陈述了纠纷经过，请求：{self.fill(story.claim, ctx)}。"
                           f"被申请人{ctx['b']}称：{self.fill(story.respond, ctx)}。")
            agreed, next_step = "", ""
            if not final or case.outcome == WITHDRAWN:
                content = opening or f"调解员{med}组织双方第{index + 1}次调解，通报了前期了解核实的情况。"
                content += (f"双方在{self.fill(story.points, ctx)}上仍有分歧。调解员分别与双方背对背沟通，"
                            f"从{self._angle(case)}的角度释法明理，建议双方冷静考虑。")
                if next_day is not None:
                    next_step = rng.choice((f"约定{_cn(next_day)}再次组织调解", f"{_cn(next_day)}再次组织双方调解"))
                else:
                    next_step = rng.choice(("待双方考虑后再行调解", "由村调委会继续做双方工作"))
            elif case.outcome == TERMINATED:
                content = (opening or f"调解员{med}组织双方第{index + 1}次调解。") + (
                    f"双方各自坚持己见，{self.fill(story.fail, ctx)}。调解员告知双方可通过"
                    f"{'、'.join(story.routes)}等途径依法解决。")
                next_step = "终止调解，告知当事人其他解决途径"
            else:
                content = (opening or f"调解员{med}组织双方第{index + 1}次调解。") + (
                    f"调解员结合《中华人民共和国民法典》相关规定，从{self._angle(case)}的角度对双方释法明理、耐心疏导。"
                    f"双方互谅互让，就{self.fill(story.points, ctx)}达成一致意见。")
                agreed = rng.choice(("双方同意签订调解协议", "双方就纠纷的解决达成一致", "双方同意按调解方案履行"))
        recorder = next((u.display_name for u in self.mediators if u.display_name != med), med)
        entry = SessionEntry(started_at=_typed(start), place=place, mediators=mediators + (
            f"、{village_mediator}" if village_mediator and kind == "调解" and rng.random() < .3 else ""),
            attendees=attendees, content=content, kind=kind, ended_at=_typed(end), recorder=recorder,
            agreed=agreed, next_step=next_step)
        at = end + timedelta(minutes=rng.uniform(5, 25))
        return self.add(at, "session", lambda c=case, e=entry, t=at: disputes.add_session(c.actor, c.record, e, now=t))

    def _angle(self, case: Case) -> str:
        return self.rng.choice(ANGLES.get(case.kind, ANGLES[""]))

    def _agreement(self, case: Case, agreed: date, oral: bool) -> AgreementEntry:
        rng, story, ctx = self.rng, case.story, dict(case.ctx)
        if oral:
            return AgreementEntry(form=ORAL, oral_text=self.fill(story.oral, ctx), agreed_on=agreed,
                                  dispute_points=self.fill(story.points, ctx))
        count = rng.randint(1, len(story.terms))
        chosen = list(story.terms[:count])
        if len(chosen) < 4 and rng.random() < .45:
            chosen.append(FINAL)
        terms = []
        for content, manner, deadline, place in chosen:
            if isinstance(deadline, int):
                due = agreed + timedelta(days=deadline)
                ctx["due1"] = _cn(due)
                deadline = f"{_cn(due)}前"
            elif deadline == "次年3月31日前":
                deadline = f"{agreed.year + 1}年3月31日前"
            terms.append(TermEntry(self.fill(content, ctx), self.fill(manner, ctx), deadline, self.fill(place, ctx)))
        return AgreementEntry(form=WRITTEN, terms=terms, dispute_points=self.fill(story.points, ctx),
                              responsibilities=self.fill(story.duties, ctx), agreed_on=agreed)

    def _after_agreement(self, case: Case, agreed: date, at: datetime, oral: bool) -> None:
        rng = self.rng
        visitor = case.actor.display_name
        if not oral and case.story.amount and rng.random() < .22:
            day = self.workday(agreed + timedelta(days=rng.randint(6, 25)))
            at_c = self.slot(day, at)
            result = rng.choice(CONFIRMATIONS).format(date=_cn(day), year=day.year, n=rng.randint(80, 960))
            self.add(at_c, "confirm", lambda c=case, r=result: disputes.record_confirmation(c.actor, c.record, r))
        if rng.random() < .12:
            return                                   # no visit yet (the list of follow-ups due shows it)
        day = self.workday(agreed + timedelta(days=rng.randint(20, 34)))
        visits = 0
        while visits < 3:
            visits += 1
            at = self.slot(day, at, lo=OPENS + 30, hi=CLOSES - 30)
            day = _local_day(at)
            performed = rng.choices(("全部履行", "部分履行", "未履行"),
                                    weights=(82, 15, 3) if visits == 1 else (90, 10, 0))[0]
            if visits == 3:
                performed = "全部履行"
            satisfaction = (rng.choices(SATISFACTIONS, weights=(85, 14, 1))[0] if performed == "全部履行"
                            else rng.choice(("基本满意", "不满意")))
            nxt = None
            risk = ""
            if performed != "全部履行":
                nxt = self.workday(day + timedelta(days=rng.randint(14, 30)))
                risk = rng.choice(REMAINING)
            notes = {"全部履行": "协议约定事项已全部履行完毕，双方关系缓和，未发现新的矛盾。",
                     "部分履行": "协议约定事项已部分履行，已督促义务人按期履行剩余部分。",
                     "未履行": "义务人尚未履行，已当面督促，并告知对方可申请司法确认后强制执行。"}[performed]
            entry = FollowUpEntry(visited_on=day, visitor=visitor, reason=rng.choice(FOLLOW_REASONS),
                                  performed=performed, satisfaction=satisfaction, remaining_risk=risk, notes=notes,
                                  next_visit=nxt)
            at = self.add(at, "follow_up", lambda c=case, e=entry, t=at: disputes.add_follow_up(
                c.actor, c.record, e, now=t))
            if nxt is None:
                return
            day = nxt

    # --- writing a dispute (the steps' bodies) ---------------------------------------------------

    def _register(self, case: Case, at: datetime) -> None:
        case.record = disputes.register(case.actor, case.entry, now=at)

    def _refer(self, case: Case, finding: str, note: str, at: datetime) -> None:
        case.record = disputes.refer_from_grid(self.grid, finding, case.entry, note=note, now=at)

    def _report(self, case: Case, patrol: PatrolEntry, at: datetime) -> None:
        """The grid worker logs the patrol; its 矛盾纠纷 finding hands the case over (待受理)."""
        log = patrols.log_patrol(self.grid, patrol, now=at)
        case.record = patrols.target_of(patrols.findings(log)[0])

    def _referral_grids(self) -> list[tuple[str, str, str]]:
        """(code, village, 四至) of the grids the reporting worker looks after as 专职 (none when the
        database has no grids: the centre written without the patrol area)."""
        if self.grid is None:
            return []
        rows = (Grid.live().join(GridMember, on=(GridMember.grid == Grid.id))
                .where(GridMember.username == self.grid.username, GridMember.kind == "专职",
                       GridMember.deleted_at.is_null(), Grid.active == True)  # noqa: E712
                .order_by(Grid.code))
        return [(g.code, g.village, g.area_note) for g in rows]

    def _grid_patrol(self, case: Case, note: str, at: datetime) -> PatrolEntry:
        """The morning's round in the grid where the parties live, ending a little before ``at``."""
        rng, ctx = self.rng, case.ctx
        code = self.grid_cells[0][0]
        for cell, village, area in self.grid_cells:
            group = re.search(r"(\d+)组$", ctx["loc"])
            bounds = re.search(r"(\d+)—(\d+)组", area)
            if ctx["loc"].startswith(village) and group and bounds \
                    and int(bounds.group(1)) <= int(group.group(1)) <= int(bounds.group(2)):
                code = cell
        day = _local_day(at)
        start = max(utc_at(day, 8 * 60 + 10), at - timedelta(minutes=rng.randint(80, 160)))
        end = at - timedelta(minutes=rng.randint(8, 25))
        first, last = to_local(start), to_local(end)
        finding = FindingEntry(DISPUTE, "矛盾纠纷", ctx["loc"], self.fill(case.story.facts, ctx),
                               measure=rng.choice(("现场劝解，稳定双方情绪，告知可申请人民调解",
                                                   "劝开双方，讲解相关法律规定，建议由镇调解中心调解")),
                               feedback="双方情绪已平复，同意由镇调解中心组织调解", grid=code,
                               dispute=case.entry, dispute_note=note)
        return PatrolEntry(patrol_date=first.date(), shift="日间", start=first.time().replace(second=0),
                           end=last.time().replace(second=0), patrol_type="日常巡查", grids=[code],
                           route=f"{ctx['loc']}及周边", leader=self.grid.display_name,
                           weather=rng.choice(("晴", "多云", "阴", "小雨")),
                           overview="开展日常巡查，发现矛盾纠纷1起，现场劝解后上报镇调解中心。", findings=[finding])

    def _take_on(self, case: Case, day: date, at: datetime) -> None:
        case.record = disputes.take_on(case.actor, case.record, case.mediators, accepted_on=day, now=at)

    # --- petitions ----------------------------------------------------------------------------

    def _petition_days(self, n: int) -> list[date]:
        return sorted(self._pick_days(SPRING, n))

    def _visitor_sizes(self, forms: list[str], groups: list[bool], target: int) -> list[int]:
        """Visitors per petition: letters, calls and online petitions count one; visits add up to ``target``."""
        rng = self.rng
        sizes = []
        for form, group in zip(forms, groups):
            if form != "来访":
                sizes.append(1)
                continue
            bands = VISIT_SIZES if group else VISIT_SIZES[:4]
            (lo, hi), = rng.choices([b for b, _ in bands], weights=[w for _, w in bands])
            sizes.append(rng.randint(lo, hi))
        visits = [i for i, f in enumerate(forms) if f == "来访"]
        if not visits:
            return sizes
        diff = target - sum(sizes)
        while diff > 0:                                  # more people came: the bigger visits grow
            i = rng.choices(visits, weights=[sizes[j] ** 1.5 for j in visits])[0]
            sizes[i] += 1
            diff -= 1
        while diff < 0:
            bigger = [j for j in visits if sizes[j] > 1]
            if not bigger:
                break
            i = rng.choices(bigger, weights=[sizes[j] for j in bigger])[0]
            sizes[i] -= 1
            diff += 1
        return sizes

    def _plan_petitions(self) -> None:
        rng, vol = self.rng, self.volumes
        converted = [c for c in self.cases if c.source == "信访转入"]
        n = max(0, vol.petitions - len(converted))
        if not self.days:
            return
        forms_count = _largest_remainder(vol.petitions, FORMS)
        forms = [f for f, k in sorted(forms_count.items()) for _ in range(k)]
        rng.shuffle(forms)
        # the converted petitions were visits (their forms are set aside first)
        for case in converted:
            if "来访" in forms:
                forms.remove("来访")
            elif forms:
                forms.pop()
        topics = [rng.randrange(len(TOPICS)) for _ in range(n)]
        groups = [TOPICS[t][5] and rng.random() < .5 for t in topics]
        target = max(0, vol.visitors - sum(c.petition_size for c in converted))
        sizes = self._visitor_sizes(forms[:n], groups, target)
        for form, topic, group, size, day in zip(forms, topics, groups, sizes, self._petition_days(n)):
            self._petition(form, TOPICS[topic], group, size, day)

    def _petitioners(self, day: date, form: str, size: int, first: tuple | None = None) -> list[tuple]:
        reg = self.registry
        lead = first or reg.person(day, (30, 80))
        named = [lead]
        wanted = 1 if form != "来访" or size <= 1 else min(size, self.rng.choice((1, 2, 2, 3)))
        while len(named) < wanted:
            named.append(reg.person(day, (30, 80), village=lead[PERSON_KEYS.index("village")],
                                    avoid={p[0] for p in named}))
        return named

    def _petition(self, form: str, topic: tuple, group: bool, size: int, day: date) -> None:
        rng, reg = self.rng, self.registry
        matter_t, request_t, department, replies, results, _ = topic
        people = self._petitioners(day, form, size)
        village = people[0][PERSON_KEYS.index("village")] or "打通社区"
        street = rng.choice(STREETS)
        company = reg.organisation("建筑|煤矿|建材|运输|工程")
        ctx = {"v": village, **_committee(village), "street": f"打通社区{street}",
               "co": company[2] if company else "某建筑公司",
               "loc": f"打通社区{street}" if village == "打通社区" else f"{village}{rng.randint(1, 12)}组"}
        matter = self.fill(matter_t, ctx)
        if group and form == "来访" and size >= 5:
            matter = f"{ctx['loc']}村民{size}人集体来访，" + matter
        at = self.slot(day, None, lo=OPENS + 5, hi=CLOSES - 15)
        later = rng.random() < .35
        entry = PetitionEntry([reg.record(p) for p in people], matter, form=form, visitors=size,
                              request=self.fill(request_t, ctx), received_at=_typed(at),
                              department="" if later else department)
        holder: dict = {}
        registrar = rng.choice([self.lead] + self.mediators)
        at = at + timedelta(minutes=rng.uniform(5, 25))
        self.add(at, "petition", lambda h=holder, e=entry, u=registrar, t=at: h.update(
            p=petitions.register(u, e, now=t)))
        if later:
            at = self.slot(self.workday(day, rng.choice((0, 0, 1))), at, gap=(30, 180))
            self.add(at, "assign", lambda h=holder, d=department: petitions.assign(self.lead, h["p"], d))
        lag = rng.choices((rng.randint(2, 15), rng.randint(16, 35), rng.randint(36, 40)), weights=(55, 38, 7))[0]
        reply_day = self.workday(day, lag)
        if (reply_day - day).days > 58:
            reply_day = self._last_workday(day + timedelta(days=58))
        at = self.slot(reply_day, at)
        due = _cn(reply_day + timedelta(days=rng.randint(10, 25)))
        text = self.fill(rng.choice(replies), {**ctx, "due": due})
        at = self.add(at, "reply", lambda h=holder, c=text, t=at: petitions.reply(self.lead, h["p"], c,
                                                                                  replied_on=_local_day(t), now=t))
        close_day = self.workday(reply_day, rng.randint(1, 12))
        at = self.slot(close_day, at)
        result = self.fill(rng.choice(results), ctx)
        satisfaction = rng.choices(SATISFACTIONS, weights=(78, 19, 3))[0]
        self.add(at, "close", lambda h=holder, r=result, s=satisfaction, t=at: petitions.close(
            self.lead, h["p"], r, s, on=_local_day(t), now=t))

    def _petition_to_dispute(self, case: Case, day: date) -> None:
        """A visit about a dispute: registered, turned into a case (the day it is accepted), answered, and
        closed once the mediation ends."""
        rng, reg = self.rng, self.registry
        first_day = self._back(day, rng.choice((0, 0, 1, 2)))
        applicant = case.entry.parties[0].record
        size = case.petition_size = rng.choice((1, 2, 2, 3, 4))
        people = [applicant] + [reg.record(p) for p in self._petitioners(first_day, "来访", size)[1:]
                                if p[0] != applicant.id]
        seen, unique = set(), []
        for person in people:
            if person.id not in seen and all(person.id != p.record.id for p in case.entry.parties[1:]):
                seen.add(person.id)
                unique.append(person)
        matter = f"反映：{case.entry.facts}"
        claim = case.entry.parties[0].claims
        at = self.slot(first_day, None, lo=OPENS + 5, hi=CLOSES - 90)
        entry = PetitionEntry(unique, matter, form="来访", visitors=max(size, len(unique)), request=claim,
                              received_at=_typed(at), department="镇综治中心")
        at = at + timedelta(minutes=rng.uniform(5, 20))
        self.add(at, "petition", lambda c=case, e=entry, t=at: setattr(c, "petition", petitions.register(
            c.actor, e, now=t)))
        at = self.slot(day, at, gap=(20, 120), hi=CLOSES - 60)
        self.add(at, "to_dispute", lambda c=case, t=at: self._to_dispute(c, t))
        reply_at = self.slot(_local_day(at), at, gap=(10, 40), hi=CLOSES + 20)
        self.add(reply_at, "reply", lambda c=case, t=reply_at: petitions.reply(
            self.lead, c.petition, "您反映的问题属于民间纠纷，已转镇人民调解委员会依法调解"
                                   f"（案件编号 {c.record.number}），"
                                   "请保持电话畅通，按通知参加调解。", replied_on=_local_day(t), now=t))
        ended = self._mediation(case, _local_day(at), reply_at, False)
        close_at = self.slot(self.workday(_local_day(ended), rng.randint(1, 5)), ended)
        satisfaction = rng.choices(SATISFACTIONS, weights=(80, 18, 2))[0] if case.outcome == SUCCEEDED else "基本满意"
        self.add(close_at, "close", lambda c=case, s=satisfaction, t=close_at: petitions.close(
            self.lead, c.petition, self._petition_result(c), s, on=_local_day(t), now=t))

    def _to_dispute(self, case: Case, at: datetime) -> None:
        case.entry.accepted_on = _local_day(at)
        case.record = petitions.to_dispute(case.actor, case.petition, case.entry, now=at)

    @staticmethod
    def _petition_result(case: Case) -> str:
        record = Dispute.get_by_id(case.record.id)
        if record.status == SUCCEEDED:
            form = "书面调解协议" if record.agreement_form == WRITTEN else "口头协议"
            return f"经镇人民调解委员会调解，双方于{_cn(record.agreed_on)}达成{form}，问题已化解。"
        return f"经调解双方未能达成协议，已告知信访人依法通过{'、'.join(record.routes)}等途径解决。"

    # --- risk meetings ------------------------------------------------------------------------

    def _meeting_days(self) -> list[date]:
        """Roughly monthly (late in the month; none in the Spring Festival month of February)."""
        n = self.volumes.meetings
        if n <= 0 or not self.days:
            return []
        slots = []
        for (year, month), group in itertools.groupby(self.days, key=lambda d: (d.year, d.month)):
            late = [d for d in group if d.day >= 18]
            if late and month != 2:
                slots.append(late)
        if not slots:
            slots = [self.days[len(self.days) // 2:]]
        slots = slots[-n:] if len(slots) > n else slots
        days = []
        for i in range(n):
            pool = slots[i % len(slots)]
            days.append(self.rng.choice(pool))
        return sorted(days)

    def _plan_meetings(self) -> None:
        rng = self.rng
        for number, day in enumerate(self._meeting_days(), 1):
            at = self.slot(day, None, lo=14 * 60 + 30, hi=16 * 60 + 30)
            picked = rng.sample(range(len(DECISIONS)), rng.randint(1, 2))
            case_decisions = rng.randint(1, 2)
            plan = {"number": number, "seed": rng.getrandbits(32), "general": picked, "case_decisions": case_decisions}
            held = self.add(at, "meeting", lambda p=plan, d=day, t=at: self._hold(p, d, t))
            total = len(picked) + case_decisions
            plan["dues"] = [day + timedelta(days=rng.randint(7, 30)) for _ in range(total)]
            for i in range(total):
                if rng.random() < .06:
                    continue                                     # still open: carried to the next meeting
                early = plan["dues"][i] - timedelta(days=rng.randint(0, 6))
                done_day = self.workday(max(day + timedelta(days=1), early))
                done_at = self.slot(done_day, held)
                self.add(done_at, "decision_done", lambda p=plan, k=i, t=done_at: self._finish(p, k, t))

    def _hold(self, plan: dict, day: date, at: datetime) -> None:
        rng = random.Random(plan["seed"])
        chair = self.chair.display_name if self.chair else self.lead.display_name
        open_cases = list(Dispute.select().where(Dispute.status == MEDIATING, Dispute.deleted_at.is_null())
                          .order_by(Dispute.id))
        order = {"红": 0, "橙": 1, "黄": 2, "蓝": 3, "": 4}
        open_cases.sort(key=lambda d: (order.get(d.risk_colour, 4), rng.random()))
        chosen = open_cases[:rng.randint(2, 5)]
        open_petitions = list(Petition.select().where(Petition.status != PETITION_CLOSED, Petition.deleted_at.is_null())
                              .order_by(Petition.id))
        rng.shuffle(open_petitions)
        assessments = []
        for dispute in chosen:
            colour = dispute.risk_colour or "黄"
            if rng.random() < .2:                                # the meeting judges it higher or lower
                ladder = "蓝黄橙红"
                colour = ladder[max(0, min(3, ladder.index(colour) + rng.choice((-1, 1))))]
            parties = "、".join(p.name for p in disputes.parties(dispute)[:2])
            assessments.append(AssessmentEntry(colour, f"{dispute.number}（{parties}，{dispute.dispute_type}）："
                                               + rng.choice(OPINIONS[colour]), dispute=dispute))
        for petition in open_petitions[:rng.randint(0, 2)]:
            colour = rng.choice(("黄", "黄", "蓝", "橙"))
            assessments.append(AssessmentEntry(colour, f"{petition.number}：{petition.matter[:30]}。"
                                               + rng.choice(OPINIONS[colour]), petition=petition))
        decisions = []
        dues = iter(plan["dues"])
        for dispute in chosen[:plan["case_decisions"]]:
            office = rng.choice(("司法所", "派出所", "综治中心"))
            decisions.append(DecisionEntry(
                f"对{dispute.number}{dispute.dispute_type}落实包案化解，"
                f"{office}协同{dispute.village or '所在村'}调委会跟进",
                self._staff(office), next(dues)))
        for k in plan["general"]:
            content, office, _ = DECISIONS[k]
            decisions.append(DecisionEntry(content, self._staff(office), next(dues)))
        if len(decisions) < len(plan["dues"]):                   # fewer open cases than planned
            for due in dues:
                content, office, _ = DECISIONS[rng.randrange(len(DECISIONS))]
                decisions.append(DecisionEntry(content, self._staff(office), due))
        first = day.replace(day=1)
        accepted = Dispute.select().where(Dispute.accepted_on.between(first, day), Dispute.status != REFERRED).count()
        succeeded = Dispute.select().where(Dispute.closed_on.between(first, day), Dispute.status == SUCCEEDED).count()
        received = Petition.select().where(Petition.received_on.between(first, day)).count()
        minutes = (f"会议通报了{day.month}月以来矛盾纠纷排查调处情况：受理调解案件{accepted}件，调解成功{succeeded}件；"
                   f"登记信访{received}件。会议逐案研判了{len(assessments)}件重点矛盾纠纷和信访事项，"
                   f"明确了稳控化解责任，作出{len(decisions)}项决定。")
        entry = MeetingEntry(held_on=day, chair=chair, place=rng.choice(PLACES_MEETING), minutes=minutes,
                             attendees="镇综治中心、司法所、派出所、人民法庭、信访办负责人，调解员"
                                       f"{'、'.join(u.display_name for u in self.mediators)}，各村（社区）调委会主任",
                             assessments=assessments, decisions=decisions)
        meeting = petitions.hold_meeting(self.lead, entry, now=at)
        plan["decisions"] = list(RiskDecision.select().where(RiskDecision.meeting == meeting).order_by(RiskDecision.id))

    def _staff(self, office: str) -> str:
        return f"{STAFF.get(office, self.lead.display_name)}（{office}）"

    def _finish(self, plan: dict, index: int, at: datetime) -> None:
        decision = plan["decisions"][index]
        rng = random.Random(plan["seed"] + index)
        general = {DECISIONS[k][0]: DECISIONS[k][2] for k in range(len(DECISIONS))}
        note = general.get(decision.content)
        if note:
            note = note.format(k=rng.randint(12, 160))
        else:
            note = rng.choice(("已落实包案责任，纠纷已化解", "已按期跟进，双方情绪稳定，纠纷正在调解中",
                               "已会同村调委会走访当事人，矛盾未激化"))
        petitions.finish_decision(self.lead, decision, note, on=_local_day(at), now=at)

    # --- the window ---------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        """Every planned step up to the cutoff, in time order (planned once)."""
        if not self.planned:
            self._plan_disputes()
            self._plan_petitions()
            self._plan_meetings()
            self.planned.sort()
        return [s for s in self.planned if s.moment <= self.cutoff]


# ------------------------------------------------------------------------------------------------
# Writing and counting
# ------------------------------------------------------------------------------------------------

@dataclass
class Stats:
    disputes: int = 0                                       # accepted in the window (not 待受理)
    statuses: Counter = field(default_factory=Counter)      # of those
    sources: Counter = field(default_factory=Counter)
    pending_referrals: int = 0                              # 待受理 at the end, on top
    petitions: int = 0
    visitors: int = 0
    petition_statuses: Counter = field(default_factory=Counter)
    meetings: int = 0
    decisions: int = 0
    decisions_done: int = 0
    steps: int = 0
    seconds: float = 0.0

    @property
    def succeeded(self) -> int:
        return self.statuses[SUCCEEDED]

    @property
    def success_rate(self) -> float:
        """调解成功率: successes among the cases that have an outcome."""
        closed = sum(n for s, n in self.statuses.items() if s not in (MEDIATING, REFERRED))
        return self.succeeded / closed if closed else 0.0


def count(start: date, end: date, steps: int = 0, seconds: float = 0.0) -> Stats:
    """The window's figures as the database holds them."""
    stats = Stats(steps=steps, seconds=seconds)
    live = Dispute.select().where(Dispute.deleted_at.is_null(), Dispute.accepted_on.between(start, end))
    for dispute in live:
        if dispute.status == REFERRED:
            stats.pending_referrals += 1
            continue
        stats.disputes += 1
        stats.statuses[dispute.status] += 1
        stats.sources[dispute.source] += 1
    for petition in Petition.select().where(Petition.deleted_at.is_null(), Petition.received_on.between(start, end)):
        stats.petitions += 1
        stats.visitors += petition.visitors
        stats.petition_statuses[petition.status] += 1
    meetings = RiskMeeting.select().where(RiskMeeting.deleted_at.is_null(), RiskMeeting.held_on.between(start, end))
    stats.meetings = meetings.count()
    decisions = RiskDecision.select().where(RiskDecision.meeting.in_(meetings))
    stats.decisions = decisions.count()
    stats.decisions_done = decisions.where(RiskDecision.done_on.is_null(False)).count()
    return stats


def run_steps(steps: list, batch: int = 300) -> float:
    """Run time-ordered steps through the domain functions, each stamped with its simulated moment, a
    batch to a transaction. Returns the seconds it took."""
    began = time.perf_counter()
    with simulated_clock() as clock:
        for first in range(0, len(steps), batch):
            with db.atomic():
                for step in steps[first:first + batch]:
                    clock.moment = step.moment
                    step.run()
            clock.moment = None
    return time.perf_counter() - began


def write_year(year: MediationYear, batch: int = 300) -> Stats:
    """Run the window's steps through the domain functions, stamped with their simulated moments."""
    steps = year.steps()
    return count(year.start, year.end, len(steps), run_steps(steps, batch))
