"""演示数据 for 网格巡查: the town's grids and grid workers, a year of patrols, inspections, events, hazards
and help requests, and the care and key-person registers with their visits.

Like the mediation centre's year (models/mediation/demo.py), every record is written by the area's own
domain functions — ``grids.save_grid``, ``premises.save_premises``, ``patrols.log_patrol`` (findings,
inspections and the events, hazards and help requests they become), ``events.accept`` / ``assign`` /
``handle`` / ``close`` / ``rate``, ``hazards.rectify`` / ``verify``, ``helps.close``,
``people.save_person``, ``registers.add_care`` / ``add_care_visit`` / ``remove_care`` /
``add_key_person`` / ``assess`` / ``add_key_visit`` / ``release_key_person`` — so the numbers, audit
lines and search rows are exactly those the screens write. ``PatrolYear`` plans the window and returns
every step (one domain call at a simulated moment) in time order; ``write_year`` runs them under the
mediation demo's ``simulated_clock``.

``create_grids`` writes the grids and assigns the workers (网格员覆盖率 100 %): models/demo.py calls it
before the mediation centre's year, whose grid referrals are findings of real patrols.

The seed report's year (打通镇 2022, ../shared/domain.md §5) fixes the figures at scale 1: 73 night
patrols with 1,426 participant person-times, 32 help requests, 215 shop fire-safety inspections (家次)
finding 83 hazards (all 已销号 by the year's end), 9 key venues inspected 46 times with 12 time-limited
fixes, 23 严重精神障碍患者, 370 吸毒人员 of whom 38 in 社区戒毒 / 社区康复, 7 邪教帮教对象, 100 % grid
coverage. The care register (关爱帮扶, 四色管理) is a sample of 250 people per scale (the seed's
"20,000+" is reached at ``--scale 80``). Flows (patrols, visits …) scale with ``scale`` and a window's
share of the year's working days; registers (premises, key persons, care subjects) with ``scale`` only.
The routine records around them — the workers' rounds, 道路交通劝导, 反诈宣传, 防汛地灾, the events
and on-the-spot findings, register visits — are realistic in kind and trimmed in volume so that a year
at scale 1 is about 5,000 domain steps (under a minute at ten milliseconds a step): a worker logs a
routine round on about one working day in seven, half of the care register was listed during the
year (四色管理 rolled out in 2022) and four in five of it are 绿 (a visit a quarter), drug users
outside rehabilitation are seen once or twice.

The registers' people are residents the grid workers register (``people.save_person``) when they
list them; the wizard's small window draws them from its registry instead.

Times: as in the mediation demo — planned moments are naive UTC of Asia/Shanghai wall times; a time
typed into a form is handed over as ``to_local`` of the planned moment, dates as the office's local day.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from models import accounts, people
from models.accounts import User
from models.db import db, to_local
from models.hall.calendar import work_calendar
from models.hall.demo import (
    CLOSES, OPENS, PERSON_KEYS, SEED_YEAR, Population, _ages_to_births, _largest_remainder, local_minute, utc_at,
)
from models.mediation.demo import Step, _local_day, run_steps, simulated_clock
from models.patrol import events, grids, hazards, helps, patrols, premises, registers
from models.patrol.events import EventEntry
from models.patrol.grids import GridEntry
from models.patrol.hazards import HazardEntry
from models.patrol.helps import HelpEntry
from models.patrol.patrols import FindingEntry, InspectionEntry, PatrolEntry
from models.patrol.premises import PremisesEntry
from models.patrol.registers import AssessmentEntry, CareEntry, CareVisitEntry, KeyPersonEntry, KeyVisitEntry
from models.patrol.tables import (
    CARE_ACTIVE, CORRECTION, CULT, DAY_SHIFT, DRUG, EVENT, EVENT_OPEN, HAZARD, HELP, HELP_OPEN, HZ_CLEARED,
    KEY_ACTIVE, MENTAL, MENTAL_DAYS, CATEGORY_DAYS, NIGHT_SHIFT, ON_SPOT, REHAB_STAGES, RELEASED, CareSubject,
    CareVisit, Grid, GridEvent, GridMember, Hazard, HelpRequest, Inspection, KeyPerson, KeyVisit, PatrolLog, Premises,
)
from models.people import Person

# The seed report's 2022 figures (../shared/domain.md §5)
SEED_NIGHT_PATROLS = 73          # "70余次"
SEED_PERSON_TIMES = 1426         # "1400余人次"
SEED_HELPS = 32                  # "30余件"
SEED_SHOP_VISITS = 215
SEED_SHOP_HAZARDS = 83
SEED_KEY_VENUES = 9
SEED_KEY_VISITS = 46
SEED_KEY_HAZARDS = 12            # "10余处"
SEED_MENTAL = 23
SEED_DRUG = 370
SEED_REHAB = 38
SEED_CULT = 7
SEED_CARE_SAMPLE = 250           # the report's 20,000+ at scale 80
SEED_SHOPS = 120                 # non-key premises in the register

LEAD = "wanggezhang"             # 网格长: grids, night patrols, key venues, the event flow
KEEPER = "zhongdian"             # 重点人员管理员: the key-person register
# The demo's grid workers (models/demo.py DEMO_USERS): the 专职 worker of each village
WORKERS = {"石龙村": "wangge", "大罗村": "wangge2", "天台村": "wangge3", "双星村": "wangge4", "金鸡村": "wangge5",
           "打通社区": "wangge6"}


# code, name, village, households, population, 四至范围, workers (username, 专职/兼职)
GRID_LAYOUT = (
    ("DTSQ-01", "打通社区第一网格", "打通社区", 1380, 3860, "兴隆街、胜天路沿线（东至綦打路，西至老街口）",
     (("wangge6", "专职"), (LEAD, "兼职"))),
    ("DTSQ-02", "打通社区第二网格", "打通社区", 1240, 3510, "新街、老街沿线（东至老街口，西至打通中学）",
     (("wangge6", "专职"), (LEAD, "兼职"))),
    ("DTSQ-03", "打通社区第三网格", "打通社区", 1060, 2980, "河坝街1—80号（沿河至农贸市场）", (("wangge6", "专职"),)),
    ("DTSQ-04", "打通社区第四网格", "打通社区", 890, 2520, "河坝街81号以后及滨河安置小区", (("wangge6", "专职"),)),
    ("SL-01", "石龙村第一网格", "石龙村", 640, 2090, "1—4组（东至綦打路，南至场镇）",
     (("wangge", "专职"), ("wangge6", "兼职"))),
    ("SL-02", "石龙村第二网格", "石龙村", 580, 1870, "5—8组（石板沟一带）", (("wangge", "专职"),)),
    ("SL-03", "石龙村第三网格", "石龙村", 520, 1660, "9—12组（老鹰岩一带）", (("wangge", "专职"),)),
    ("DL-01", "大罗村第一网格", "大罗村", 610, 1980, "1—4组（村委会周边）", (("wangge2", "专职"),)),
    ("DL-02", "大罗村第二网格", "大罗村", 540, 1720, "5—8组（大湾一带）", (("wangge2", "专职"),)),
    ("DL-03", "大罗村第三网格", "大罗村", 470, 1510, "9—12组（青杠林一带）", (("wangge2", "专职"),)),
    ("TT-01", "天台村第一网格", "天台村", 720, 2310, "1—6组（东至天台山脚）", (("wangge3", "专职"),)),
    ("TT-02", "天台村第二网格", "天台村", 650, 2080, "7—12组（西至双星村界）",
     (("wangge3", "专职"), ("wangge4", "兼职"))),
    ("SX-01", "双星村第一网格", "双星村", 700, 2260, "1—6组（村委会、小学周边）", (("wangge4", "专职"),)),
    ("SX-02", "双星村第二网格", "双星村", 630, 2010, "7—12组（竹林湾一带）", (("wangge4", "专职"),)),
    ("JJ-01", "金鸡村第一网格", "金鸡村", 690, 2200, "1—6组（黄泥坡一带）", (("wangge5", "专职"),)),
    ("JJ-02", "金鸡村第二网格", "金鸡村", 610, 1950, "7—12组（水井湾一带）", (("wangge5", "专职"),)),
)
STREET_GRIDS = {"兴隆街": "DTSQ-01", "胜天路": "DTSQ-01", "新街": "DTSQ-02", "老街": "DTSQ-02", "河坝街": "DTSQ-03"}
VILLAGE_CADRES = {"石龙村": "罗德华", "大罗村": "张光明", "天台村": "刘永福", "双星村": "谭国平", "金鸡村": "黄正清",
                  "打通社区": "吴春燕"}
POLICE = ("何勇", "陈涛")                 # 打通派出所 民警 and 辅警 on the night patrols and inspections
SAFETY_OFFICER = "穆志刚"                 # 应急管理办 (fire safety)
CULTURE_OFFICER = "程伟"                  # 文化执法 (key venues)
DOCTOR = "邓小红"                         # 打通中心卫生院 精防医生


@dataclass
class Volumes:
    """What one window holds. ``seed`` scales the 2022 figures; the wizard asks for a handful."""

    night_patrols: int
    person_times: int            # participants of the night patrols (named + others)
    helps: int                   # help requests (most on night patrols)
    shop_visits: int             # 消防安全检查 of non-key premises (家次)
    shop_hazards: int
    key_visits: int              # 重点场所检查 visits
    key_hazards: int
    shops: int                   # non-key premises registered
    key_venues: int
    mental: int
    drug: int
    rehab: int                   # of ``drug``: 社区戒毒 / 社区康复
    cult: int
    correction: int = 0
    released: int = 0
    care: int = 0
    care_listed_in_window: float = .5    # share of the care register listed during the window (四色管理 rolled out)
    routine: float = .15         # share of a worker's working days with a logged routine patrol
    campaigns: bool = True       # a 反诈宣传 round a month by each worker
    invent: bool = True          # register new residents for the registers (else draw from the registry)

    @classmethod
    def seed(cls, scale: int = 1, fraction: float = 1.0) -> Volumes:
        def flow(value: float) -> int:
            return round(value * scale * fraction)
        return cls(night_patrols=flow(SEED_NIGHT_PATROLS), person_times=flow(SEED_PERSON_TIMES),
                   helps=flow(SEED_HELPS), shop_visits=flow(SEED_SHOP_VISITS), shop_hazards=flow(SEED_SHOP_HAZARDS),
                   key_visits=flow(SEED_KEY_VISITS), key_hazards=flow(SEED_KEY_HAZARDS), shops=SEED_SHOPS * scale,
                   key_venues=SEED_KEY_VENUES * scale,
                   mental=SEED_MENTAL * scale, drug=SEED_DRUG * scale, rehab=SEED_REHAB * scale,
                   cult=SEED_CULT * scale, correction=4 * scale, released=9 * scale, care=SEED_CARE_SAMPLE * scale)


WIZARD_VOLUMES = Volumes(night_patrols=3, person_times=52, helps=1, shop_visits=5, shop_hazards=1, key_visits=2,
                         key_hazards=0, shops=8, key_venues=2, mental=2, drug=2, rehab=1, cult=1, care=4,
                         care_listed_in_window=0, routine=.08, campaigns=False, invent=False)


# ------------------------------------------------------------------------------------------------
# What the patrols find: (category, problem, measure, feedback), with {loc} filled from the place
# ------------------------------------------------------------------------------------------------

NIGHT_ON_SPOT = (
    ("市容秩序", "烧烤摊占道经营至深夜，桌椅摆到人行道上", "劝导经营户收回桌椅、规范经营并注意降低噪音",
     "经营户已收回占道桌椅"),
    ("治安秩序", "多名青少年深夜在河边聚集饮酒", "劝导其离开，提醒注意安全并告知家长", "人员已散去"),
    ("消防安全", "一门店关门后未切断电源，店内有电动车在充电", "联系店主到场断电，告知电动车不得在室内充电",
     "店主已到场处理"),
    ("治安秩序", "农贸市场大门夜间未上锁", "通知市场管理员锁门", "市场大门已锁好"),
    ("道路交通", "一辆货车夜间违停，占用半幅车道", "联系车主挪车并提醒规范停放", "车辆已挪走"),
    ("环境卫生", "垃圾桶满溢，周边有散落垃圾", "通知环卫公司安排清运", "次日早上已清运"),
    ("治安秩序", "一户居民家中争吵声较大，邻居反映", "上门劝解，了解争吵原因", "双方情绪已平复"),
    ("消防安全", "楼道内堆放纸箱杂物，影响疏散", "告知住户及时清理楼道杂物", "住户已清理"),
    ("治安秩序", "银行自助服务区有人员滞留", "上前询问并劝离", "经询问系等人，已离开"),
)
EPIDEMIC_ON_SPOT = (
    ("其他", "餐饮店顾客进店未扫场所码", "督促店家在门口张贴场所码并安排专人提醒", "店家已落实扫码登记"),
    ("其他", "夜宵摊点人员聚集，未保持间距", "劝导分散就座、缩短聚集时间", "已分散"),
    ("其他", "娱乐场所未按要求暂停营业", "告知疫情防控要求，督促立即停业", "已关门停业"),
)
SECURITY_ON_SPOT = (
    ("治安秩序", "党的二十大期间，发现有外来人员在场镇逗留", "上前询问登记，了解来意", "系走亲访友，已登记"),
    ("治安秩序", "重点部位周边有车辆长时间停放", "核查车辆信息", "车主系附近住户，无异常"),
)
NIGHT_EVENTS = (  # category, title, problem, scale, handler, handling
    ("市容秩序", "{loc}路灯损坏", "{loc}连续三盏路灯不亮，夜间行人出行不便", "一般", "镇规划建设环保办",
     "已联系路灯维护单位更换灯具，路灯恢复照明"),
    ("道路交通", "{loc}井盖破损", "{loc}人行道井盖破损下陷，存在行人跌落风险", "较大", "镇规划建设环保办",
     "已设置警示标志并更换井盖"),
    ("治安秩序", "{loc}网吧疑似接纳未成年人", "巡逻时发现有疑似未成年人进出网吧", "一般", "打通派出所",
     "派出所已检查该网吧，责令严格落实身份证核验，已作出警告处理"),
)
DAY_ON_SPOT = (
    ("环境卫生", "村道旁有生活垃圾乱堆乱放", "通知保洁员清运，提醒村民垃圾入池", "已清运"),
    ("市容秩序", "赶场天流动摊贩占道经营", "劝导摊贩到农贸市场内经营", "已劝离"),
    ("道路交通", "村道边有滚落石块", "组织附近村民清理", "石块已清理"),
    ("安全生产", "农户房前随意堆放农药瓶", "告知农药安全存放和废瓶回收要求", "已收好"),
    ("消防安全", "农户在房前焚烧秸秆", "劝导停止焚烧，讲解森林防火要求", "火已熄灭"),
    ("民生诉求", "群众咨询城乡居民养老保险缴费", "现场讲解缴费标准和方式", "群众表示清楚了"),
    ("治安秩序", "发现陌生人员上门推销保健品", "劝离推销人员，提醒老人谨防上当受骗", "已劝离"),
    ("食品安全", "小卖部货架上有过期食品", "督促店主下架", "已下架"),
    ("环境卫生", "沟渠内漂浮垃圾堵塞排水", "组织清掏沟渠", "已清掏"),
    ("民生诉求", "群众反映组里公路边杂草影响视线", "联系组长安排人员割除", "已割除"),
)
DAY_EVENTS = (
    ("环境卫生", "{loc}垃圾池满溢", "{loc}垃圾池满溢，周边异味较大", "一般", "镇规划建设环保办",
     "已安排环卫车辆清运，并增加该点清运频次"),
    ("道路交通", "{loc}村道路面塌陷", "{loc}村道路面出现塌陷约2平方米", "较大", "镇规划建设环保办",
     "已设置警示标志，施工队已完成修补"),
    ("民生诉求", "{loc}饮水管道破裂", "{loc}集中供水管道破裂，十余户停水", "较大", "镇农业服务中心",
     "已联系供水站抢修，更换破损管道，恢复供水"),
    ("市容秩序", "{loc}违规搭建棚房", "{loc}有村民在公路边违规搭建棚房", "一般", "镇综合行政执法大队",
     "执法大队已责令当事人限期自行拆除，棚房已拆除"),
    ("其他", "{loc}废弃电杆倾斜", "{loc}一根废弃电杆倾斜，存在倒伏风险", "一般", "打通供电所",
     "供电所已拆除废弃电杆"),
    ("民生诉求", "{loc}路灯不亮", "{loc}太阳能路灯多盏不亮", "一般", "镇规划建设环保办", "已更换蓄电池，路灯恢复"),
)
FLOOD_EVENTS = (
    ("地质灾害", "{loc}边坡出现裂缝", "雨后巡查发现{loc}公路内侧边坡出现裂缝", "较大", "镇应急管理办",
     "已设立警示牌，安排专人监测，裂缝未继续扩大"),
    ("道路交通", "{loc}村道塌方", "强降雨后{loc}村道一处小型塌方，阻断半幅道路", "较大", "镇应急管理办",
     "已组织机械清理塌方，恢复通行"),
)
ROAD_HAZARDS = (  # (finding category, hazard category, problem, requirement, responsible, rectification)
    ("地质灾害", "地质灾害", "{loc}后山边坡有小型滑塌迹象，坡下有两户住房",
     "设置警示标志，雨天组织坡下住户临时避让，专人监测", "{vc}", "已设置警示标志并落实监测人，坡下住户雨天已临时避让"),
    ("安全生产", "房屋安全", "{loc}一处土坯房墙体开裂，仍有老人居住", "暂停居住，组织房屋安全鉴定和加固",
     "{person}", "老人已搬至子女家居住，房屋已鉴定并加固"),
    ("道路交通", "道路交通", "{loc}村道急弯处护栏缺失", "设置临时警示桩，补装波形护栏", "镇规划建设环保办",
     "已补装波形护栏和警示标志"),
    ("消防安全", "消防通道堵塞", "{loc}居民楼消防通道被杂物堵塞", "清理消防通道杂物，保持畅通", "{person}",
     "杂物已清理，通道畅通"),
)
HELPS_NIGHT = (  # (help type, need, measure, closing now, result) — closing "" = closed later (closing, result)
    ("出行帮助", "家人醉酒后倒在路边，无法自行回家，求助巡逻队", "查看身体状况后帮助送回", "当场解决", "已送回家中"),
    ("寻人寻物", "老人傍晚外出散步后未回家，家属求助寻找", "组织巡逻队员分头寻找", "当场解决",
     "在河坝街找到老人并送回家中"),
    ("就医帮助", "独居老人夜间突发身体不适，向巡逻队求助", "拨打120并陪同送往打通中心卫生院", "当场解决",
     "老人已送医，病情稳定"),
    ("出行帮助", "夜班下班后电动车没电，无法回家", "用巡逻车送其回家", "当场解决", "已安全送回家中"),
    ("寻人寻物", "小孩晚饭后外出玩耍未归，家长求助", "联系学校老师和同学家长协助寻找", "当场解决",
     "在同学家中找到孩子"),
    ("邻里求助", "楼上住户深夜装修噪音影响休息", "上门劝导停止施工", "说明解释", "已劝导，噪音停止"),
    ("寻人寻物", "群众在场镇遗失钱包（内有身份证、银行卡）", "帮助沿途寻找并登记失主联系方式", ("转交部门办理",
     "已移交打通派出所，钱包次日找到并归还失主")),
    ("生活困难", "家中突然停电，独居老人无法处理", "查看电表并联系供电所",
     ("协调解决", "供电所次日上门维修，已恢复供电")),
    ("出行帮助", "摩托车夜间抛锚，求助联系修理", "联系场镇汽修店上门", "协调解决", "车辆已修好"),
)
HELPS_DAY = (
    ("政策咨询", "咨询城乡居民医保缴费和报销政策", "现场讲解政策", "说明解释", "已讲解清楚，群众表示满意"),
    ("生活困难", "房屋漏雨，老人无力修缮", "登记情况并拍照",
     ("转交部门办理", "已转镇社会事务办，纳入临时救助并协调修缮")),
    ("就医帮助", "行动不便老人需办理慢性病门诊", "登记办理所需资料", ("协调解决", "已协助办好慢病门诊手续")),
    ("生活困难", "自来水管破裂，家中停水", "联系供水站", ("协调解决", "水管已修复，恢复供水")),
    ("政策咨询", "咨询高龄津贴申领条件", "告知申领条件和所需材料", "说明解释", "已告知，群众表示清楚"),
)

# Inspections: shop kinds, names and what is found; key venues
SHOP_KINDS = {"商铺": 62, "餐饮店": 28, "小旅馆": 6, "加油站": 1, "养老机构": 1, "生产企业": 2}
SHOP_NAMES = {
    "商铺": ("超市", "副食店", "五金店", "服装店", "农资店", "药房", "手机店", "建材店", "电器行", "日杂店", "理发店",
           "烟酒店"),
    "餐饮店": ("面馆", "火锅店", "饭店", "小吃店", "烧烤店", "豆花饭", "羊肉馆", "酒家"),
    "小旅馆": ("旅馆", "宾馆", "招待所"),
    "加油站": ("加油站",),
    "养老机构": ("敬老院",),
    "生产企业": ("砖厂", "米厂"),
}
SHOP_HEADS = ("兴隆", "顺发", "鑫鑫", "佳佳", "天天", "红旗", "幸福", "和平", "老字号", "福满", "如意", "家家乐",
              "万家", "好运", "金鸡", "石龙", "天台", "双星", "大罗", "打通", "新街", "老街", "河坝", "胜天",
              "永兴", "百姓", "惠民", "金源", "宏达", "富民", "乡里", "农家", "川渝", "渝南", "綦江", "东升",
              "吉祥", "平安", "安康", "兴旺")
VILLAGE_HEADS = ("顺发", "佳佳", "天天", "幸福", "和平", "福满", "如意", "家家乐", "万家", "好运", "永兴", "百姓",
                 "惠民", "富民", "乡里", "农家", "吉祥", "平安", "兴旺")
KEY_VENUE_NAMES = (("KTV", "金嗓子KTV"), ("KTV", "欢乐颂量贩KTV"), ("KTV", "麦霸KTV"), ("酒吧", "夜色酒吧"),
                   ("酒吧", "河畔音乐酒吧"), ("网吧", "星际网吧"), ("网吧", "极速网咖"), ("网吧", "蓝天网吧"),
                   ("歌舞厅", "红玫瑰歌舞厅"))
SHOP_MONTHS = {1: 1.6, 2: .6, 3: 1.0, 4: 1.1, 5: .8, 6: 1.3, 7: .7, 8: .7, 9: 1.4, 10: 1.0, 11: 1.8, 12: 1.0}
KEY_MONTHS = {1: 1.5, 2: 1.2, 3: .8, 4: .8, 5: .9, 6: 1.0, 7: 1.0, 8: .8, 9: 1.1, 10: 2.0, 11: .9, 12: 1.2}
CHECK_NOTES = ("灭火器在有效期内，疏散通道畅通，电气线路规范", "消防设施完好，员工会使用灭火器",
               "店内无违规住人，电动车未在室内充电", "燃气管道、报警器正常，有专人管理",
               "消防安全责任制落实，已签订消防安全承诺书", "检查合格，现场开展了消防安全宣传")
KEY_CHECK_NOTES = ("证照齐全，消防设施完好，未发现未成年人", "安全出口畅通，应急照明正常，落实了实名登记",
                   "营业时间符合规定，未发现违法违规行为", "从业人员登记齐全，禁毒宣传标识张贴到位")
# (hazard category, finding note, requirement, days to fix (low, high), rectification, weight by kind)
SHOP_HAZARDS = (
    ("灭火器材缺失或失效", "店内灭火器已过有效期（压力不足）", "更换或充装灭火器，按每50平方米不少于2具配置", (3, 7),
     "已更换2具4公斤干粉灭火器", {"": 30}),
    ("电气线路私拉乱接", "店内电线私拉乱接，插线板串接使用", "请有资质的电工规范敷设线路，拆除串接插线板", (5, 15),
     "已请电工重新布线，拆除串接插线板", {"": 25}),
    ("消防通道堵塞", "后门疏散通道堆放货物", "立即清理疏散通道，保持畅通", (1, 3), "疏散通道货物已清理", {"": 14}),
    ("违规使用燃气", "液化气钢瓶与灶具同处一室，未安装燃气泄漏报警器", "钢瓶单独存放，安装燃气泄漏报警装置", (3, 7),
     "钢瓶已移至独立储存间，已安装报警器", {"餐饮店": 45, "": 2}),
    ("安全出口不畅", "安全出口指示标志损坏", "更换安全出口指示标志和应急照明灯", (3, 10),
     "已更换安全出口标志和应急照明", {"小旅馆": 20, "": 5}),
    ("违规住人（三合一）", "经营场所内搭建阁楼住人，生产经营与住宿未分隔", "拆除阁楼或采取防火分隔，人员不得在店内住宿",
     (10, 20), "已拆除阁楼，员工搬至店外居住", {"小旅馆": 12, "商铺": 8, "": 3}),
)
KEY_HAZARDS = (
    ("灭火器材缺失或失效", "包房内灭火器已过期", "更换过期灭火器，每个包房配置不少于1具", (3, 5),
     "已更换全部过期灭火器"),
    ("安全出口不畅", "安全出口被杂物堵塞，应急照明灯不亮", "立即清理安全出口，修复应急照明", (1, 3),
     "安全出口已清理，应急照明已修复"),
    ("电气线路私拉乱接", "吧台后方电线私拉乱接", "规范敷设电气线路", (5, 10), "已由电工重新规范布线"),
    ("其他", "未在显著位置张贴未成年人禁入标志，身份证核验登记不全", "张贴禁入标志，严格落实实名登记", (1, 3),
     "已张贴禁入标志，实名登记系统已启用"),
    ("消防通道堵塞", "消防通道停放车辆、堆放酒箱", "清理消防通道，设置禁停标志", (1, 3), "消防通道已清理并设禁停标志"),
)
VERIFY_PASSED = ("经复查，{fix}，隐患已消除，予以销号", "复查确认{fix}，整改到位，销号")
VERIFY_FAILED = ("复查时整改未完成：{what}仍未整改到位，责令继续整改", "复查不合格，{what}只整改了一部分，已重新限期")

# The care register (关爱帮扶): (weight, groups, ages, male share, colour weights)
CARE_KINDS = (
    (26, ("空巢老人",), (65, 90), .45, {"红": .3, "橙": 2.5, "黄": 12, "绿": 85.2}),
    (11, ("独居老人",), (70, 93), .4, {"红": 1, "橙": 6, "黄": 22, "绿": 71}),
    (5, ("独居老人", "低保户"), (68, 90), .5, {"红": 3, "橙": 10, "黄": 27, "绿": 60}),
    (16, ("留守儿童",), (5, 15), .52, {"红": .3, "橙": 2, "黄": 12, "绿": 85.7}),
    (4, ("困境儿童",), (4, 15), .5, {"红": 5, "橙": 14, "黄": 31, "绿": 50}),
    (11, ("残疾人",), (20, 80), .58, {"红": .5, "橙": 3.5, "黄": 15, "绿": 81}),
    (6, ("残疾人", "低保户"), (25, 75), .55, {"红": 1.5, "橙": 8, "黄": 25, "绿": 65.5}),
    (5, ("低保户",), (40, 80), .5, {"红": .5, "橙": 4, "黄": 18, "绿": 77.5}),
    (4, ("特困人员",), (60, 90), .7, {"红": 4, "橙": 13, "黄": 33, "绿": 50}),
    (3, ("重病患者",), (35, 80), .55, {"红": 7, "橙": 17, "黄": 33, "绿": 43}),
    (3, ("留守妇女",), (25, 50), 0., {"红": 0, "橙": 1, "黄": 10, "绿": 89}),
)
CARE_COLOUR_SHARES = {"红": 1.2, "橙": 4.8, "黄": 14, "绿": 80}     # per cent of the register
CITIES = ("重庆主城", "广东东莞", "浙江宁波", "福建晋江", "江苏苏州", "贵州遵义")
HEALTH = ("身体尚可", "患有高血压，长期服药", "腿脚不便，行走需拄拐", "患有糖尿病，需定期复查", "有慢性支气管炎")
DISABILITIES = (("肢体残疾", "二"), ("视力残疾", "二"), ("听力残疾", "三"), ("智力残疾", "二"), ("肢体残疾", "三"),
                ("精神残疾", "二"))
DISEASES = ("尿毒症", "肺癌", "脑梗后遗症", "白血病", "乳腺癌")
CARE_TEXTS = {  # group → (situation, needs, visit contents, help given)
    "空巢老人": ("子女均在{city}务工，老人在家{health}", "定期探视，协助就医购药，防范电信诈骗",
              ("老人身体状况稳定，{health}，生活能自理", "老人精神状态良好，家中门窗、用电安全无隐患",
               "老人反映近来睡眠不好，已提醒子女多打电话关心"),
              ("帮助打扫卫生", "讲解防诈骗知识", "代购生活用品", "测量血压并提醒按时服药", "检查家中用电用气安全")),
    "独居老人": ("{age}岁，独自居住，{health}", "每周联系，防范意外，帮助解决生活困难",
              ("老人独自在家，身体状况一般，{health}", "老人生活能自理，家中储备了米面油",
               "老人情绪稳定，与邻居相处融洽，邻居表示会帮忙照看"),
              ("帮助挑水、劈柴", "检查用电线路", "帮助预约卫生院上门体检", "送去米、油等生活物资")),
    "留守儿童": ("父母在{city}务工，由祖父母照料，在打通镇读书", "关注学习和心理健康，假期防溺水安全",
              ("孩子学习情况良好，与祖父母相处融洽", "孩子性格有些内向，已与班主任沟通多加关注",
               "暑期走访，与监护人签订了防溺水安全承诺书"),
              ("赠送学习用品", "开展防溺水安全教育", "联系父母视频通话", "辅导作业")),
    "困境儿童": ("父亲去世，母亲离家未归，由祖父母抚养", "落实困境儿童生活补贴，关注心理健康",
              ("孩子生活有保障，祖父母身体尚可", "补贴按月发放到位，孩子学习努力"),
              ("落实困境儿童生活补贴", "联系社工开展心理辅导", "赠送冬衣")),
    "残疾人": ("{disability}（{level}级），持残疾人证", "落实残疾人两项补贴，提供康复服务",
            ("两项补贴已按时领取，身体状况稳定", "本人有就业意愿，已登记就业需求"),
            ("协助申领辅助器具", "讲解残疾人补贴政策", "联系康复机构上门服务")),
    "低保户": ("家庭收入低，享受农村最低生活保障", "按时足额发放低保金，帮助增加收入",
            ("低保金按月到账，生活基本有保障", "家中种植蔬菜自给，生活困难有所缓解"),
            ("讲解低保动态管理政策", "协助申请临时救助", "推荐参加技能培训")),
    "特困人员": ("无劳动能力、无生活来源、无法定赡养人，分散供养", "落实特困供养待遇，照料日常生活",
             ("供养金按时发放，照料人履职到位", "老人身体状况一般，已联系村医上门"),
             ("送去棉被", "协助就医", "落实照料服务")),
    "重病患者": ("患{disease}，长期治疗，医疗费用负担重", "协助医保报销和大病救助",
             ("病情稳定，正在定期治疗", "家属反映医疗费负担重，已帮助申请医疗救助"),
             ("协助办理医保报销", "帮助申请大病救助", "联系医生上门随访")),
    "留守妇女": ("丈夫在{city}务工，独自照顾老人和孩子", "就业技能培训，家庭关爱",
             ("家庭和睦，生活正常", "本人希望就近务工，已推荐到场镇企业"),
             ("推荐参加技能培训", "讲解妇女权益保护知识")),
}

# The key-person register
KEY_TEXTS = {
    MENTAL: ("监护人落实看护责任，按医嘱规律服药，纳入“以奖代补”监护补助，精防医生定期随访",
             ("病情稳定，按时服药，生活能自理，监护人看护到位", "精神状态较好，已按时复诊取药",
              "睡眠改善，能参加简单农活，家属监护到位", "近期情绪有些波动，已督促监护人加强看护"),
             ("提醒按时服药，叮嘱监护人发现异常及时报告", "发放监护补助政策资料", "协助预约复诊")),
    DRUG: ("签订社区戒毒（康复）协议，按期尿检，每月谈话教育", ("按期报到并尿检，结果阴性，在场镇务工，表现稳定",
                                             "在家务农，家庭关系和睦，尿检阴性", "在外务工，视频联系，按期回来尿检"),
           ("开展禁毒教育谈话", "督促按期尿检", "协助推荐就业")),
    "在社会面": ("纳入动态管控，定期见面或电话了解现实表现",
             ("在家务农，未发现复吸迹象", "外出务工，电话联系，表现正常", "已戒断多年，生活稳定，家属反映良好"),
             ("开展禁毒宣传", "提醒遵纪守法")),
    CULT: ("落实“一对一”帮教，定期走访谈心，防止反弹",
           ("思想稳定，未发现参与邪教活动", "积极参加村里文体活动，与邻里关系融洽", "本人表示已认清邪教本质，生活正常"),
           ("开展反邪教宣传", "帮助解决生活困难")),
    CORRECTION: ("每月到司法所报到，参加教育学习和公益活动",
                 ("按时报到，参加了本月公益活动，表现良好", "遵守矫正规定，未离开本县"),
                 ("开展法治教育谈话", "提醒遵守请假规定")),
    RELEASED: ("落实安置帮教，协助就业", ("回乡务农，家庭关系和睦，表现良好", "在场镇务工，遵纪守法"),
               ("协助办理社保", "推荐就业岗位")),
}
KEY_AGES = {MENTAL: ((20, 70), .55), DRUG: ((22, 58), .86), CULT: ((50, 82), .25), CORRECTION: ((22, 60), .8),
            RELEASED: ((25, 60), .85)}
OTHER_STAGES = {"戒断三年以上": 66, "社会面管控": 24, "强制隔离戒毒": 10}
VISIT_KIND_WEIGHTS = {"上门走访": 78, "电话联系": 16, "视频联系": 4, "集中活动": 2}

RAINY = {"晴": 3, "多云": 3, "阴": 2, "小雨": 2, "中雨": 1, "大雨": .5}
WINTER = {"阴": 4, "多云": 3, "小雨": 2, "雾": 2, "晴": 1, "雪": .1}
MILD = {"晴": 3, "多云": 3, "阴": 3, "小雨": 2}
NIGHT_ROUTES = ("兴隆街—胜天路—新街—老街—河坝街", "场镇主街—打通中学周边—河坝街滨河步道",
                "綦打路场镇段—客运站—农贸市场—兴隆街", "胜天路—滨河安置小区—河坝街—石龙村1组",
                "新街—老街—打通中心卫生院—农商行打通支行")
RELATIONS = ("配偶", "父亲", "母亲", "儿子", "女儿", "兄长", "姐姐")


def _weather(rng: random.Random, day: date) -> str:
    table = RAINY if 5 <= day.month <= 9 else WINTER if day.month in (11, 12, 1, 2) else MILD
    return rng.choices(list(table), weights=list(table.values()))[0]


def rng_note(moment: datetime) -> str:
    """受理意见 (varies with the moment, so it needs no generator of its own)."""
    return ("情况属实，予以受理", "已核实，受理并分派承办单位", "受理，请相关单位按期处置")[moment.minute % 3]


def _cn(day: date) -> str:
    return f"{day.month}月{day.day}日"


# ------------------------------------------------------------------------------------------------
# The grids
# ------------------------------------------------------------------------------------------------

def create_grids(users: dict[str, User], at: datetime) -> list[Grid]:
    """The town's grids (every village and the 社区 divided by size) with their workers — every grid
    staffed — written by the 网格长 (the admin when there is none) at the simulated moment ``at``."""
    lead = users.get(LEAD)
    actor = lead if lead is not None and lead.can(grids.ALL) else users["admin"]
    workers = {name for name, user in users.items() if user.can(grids.USE)}
    written = []
    with simulated_clock() as clock, db.atomic():
        for n, (code, name, village, households, population, area, members) in enumerate(GRID_LAYOUT):
            clock.moment = at + timedelta(seconds=20 * n)
            chosen = [(username, kind) for username, kind in members if username in workers]
            written.append(grids.save_grid(actor, GridEntry(code, name, village, households, population, area,
                                                            chosen or [(actor.username, "专职")])))
    return written


# ------------------------------------------------------------------------------------------------
# The plan
# ------------------------------------------------------------------------------------------------

@dataclass
class Resident:
    """A register's person: invented (``data``, registered in a step) or from the registry (``entry``)."""

    name: str
    village: str
    address: str
    birth: date | None
    data: dict | None = None
    entry: tuple | None = None
    record: Person | None = None


@dataclass
class Subject:
    """A care subject or key person while it is planned and written."""

    resident: Resident
    actor: User
    grid: str
    entry: object = None
    record: object = None


class PatrolYear:
    """Plans the patrol area's window; ``steps()`` gives every domain call in time order.

    Steps after ``cutoff`` never happen: what they would have closed stays open at the end.
    """

    def __init__(self, population: Population, users: dict[str, User], *, start: date, end: date,
                 cutoff: datetime | None = None, scale: int = 1, seed: int = SEED_YEAR,
                 volumes: Volumes | None = None):
        if not population.people:
            raise ValueError("the demo needs people in the registry")
        self.rng = random.Random(seed * 7919 + 971)
        self.calendar = work_calendar()
        self.population = population
        self.users = users
        self.admin = users["admin"]
        self.lead = users.get(LEAD) or self.admin
        self.keeper = users.get(KEEPER) or self.admin
        self.start, self.end = start, end
        self.all_days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        self.days = [d for d in self.all_days if self.calendar.is_workday(d)]
        self.cutoff = cutoff or utc_at(end, 24 * 60) - timedelta(seconds=1)
        self.volumes = volumes or Volumes.seed(scale, self._fraction())
        self.seq = itertools.count()
        self.planned: list[Step] = []
        self.numbers: set[str] = set()          # ID numbers taken (the registry's and the invented ones)
        if self.volumes.invent:
            self.numbers = {n for (n,) in Person.select(Person.id_number).where(Person.id_number != "").tuples()}
        self._read_grids()
        hazard_last = end - timedelta(days=50)
        self.hazard_last = hazard_last if hazard_last >= start + timedelta(days=30) else end

    # --- the town's grids, as the database holds them ---------------------------------------------

    def _read_grids(self) -> None:
        rows = list(Grid.live().where(Grid.active == True).order_by(Grid.id))  # noqa: E712
        if not rows:
            raise ValueError("the patrol demo needs the grids (create_grids) first")
        self.grid_rows = {g.code: g for g in rows}
        self.by_village: dict[str, list[str]] = {}
        for g in rows:
            self.by_village.setdefault(g.village, []).append(g.code)
        self.worker_of: dict[str, User] = {}          # grid code → its 专职 worker (the lead if none)
        members = list(GridMember.live().order_by(GridMember.id))
        for code, grid in self.grid_rows.items():
            user = None
            for member in sorted((m for m in members if m.grid_id == grid.id), key=lambda m: m.kind != "专职"):
                user = self.users.get(member.username) or accounts.get_user(member.username)
                if user is not None:
                    break
            self.worker_of[code] = user or self.lead
        self.places = {code: self._places(g) for code, g in self.grid_rows.items()}

    @staticmethod
    def _places(grid: Grid) -> list[str]:
        found = re.search(r"(\d+)—(\d+)组", grid.area_note)
        if found and not grid.village.endswith("社区"):
            return [f"{grid.village}{n}组" for n in range(int(found.group(1)), int(found.group(2)) + 1)]
        streets = [s for s, code in STREET_GRIDS.items() if code == grid.code]
        if grid.code == "DTSQ-04":
            streets = ["河坝街", "滨河安置小区"]
        return [f"{grid.village}{s}" for s in streets] or [grid.village]

    def grid_for(self, village: str, address: str) -> str:
        codes = self.by_village.get(village) or list(self.grid_rows)
        if village.endswith("社区"):
            for street, code in STREET_GRIDS.items():
                if street in address:
                    if street == "河坝街":
                        number = re.search(r"河坝街(\d+)号", address)
                        code = "DTSQ-04" if number and int(number.group(1)) > 80 else code
                    return code if code in codes else codes[0]
            return codes[-1]
        group = re.search(r"(\d+)组", address)
        index = (int(group.group(1)) - 1) * len(codes) // 12 if group else 0
        return codes[min(max(index, 0), len(codes) - 1)]

    # --- time -------------------------------------------------------------------------------------

    def _fraction(self) -> float:
        start, end = self.start, self.end
        if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
            return 1.0
        year = [date(start.year, 1, 1) + timedelta(days=n) for n in range(366)]
        full = sum(1 for d in year if d.year == start.year and self.calendar.is_workday(d))
        return len(self.days) / full

    def workday(self, day: date, later: int = 0) -> date:
        while not self.calendar.is_workday(day):
            day += timedelta(days=1)
        return self.calendar.add_workdays(day, later) if later else day

    def workday_in(self, first: date, last: date) -> date:
        """A working day between two days (the first working day from ``first`` when there is none)."""
        pool = [first + timedelta(days=n) for n in range(max(0, (last - first).days) + 1)]
        pool = [d for d in pool if self.calendar.is_workday(d)]
        return self.rng.choice(pool) if pool else self.workday(first)

    def before(self, day: date, after: date) -> date:
        """The working day on or before ``day`` (not before ``after``; else the next one)."""
        probe = day
        while probe > after and not self.calendar.is_workday(probe):
            probe -= timedelta(days=1)
        return probe if probe > after and self.calendar.is_workday(probe) else self.workday(day)

    def slot(self, day: date, after: datetime | None, lo: float = OPENS + 10, hi: float = CLOSES - 20,
             gap: tuple = (10, 60), span: float = 200) -> datetime:
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
                return utc_at(day, round(rng.uniform(first, min(hi, first + span))))
            day = self.workday(day + timedelta(days=1))

    def add(self, moment: datetime, kind: str, run: Callable[[], object]) -> datetime:
        self.planned.append(Step(moment, next(self.seq), kind, run))
        return moment

    def _pick_days(self, pool: list[date], k: int, weight: Callable[[date], float],
                   distinct: bool = True) -> list[date]:
        rng = self.rng
        pool = list(pool)
        if not pool or k <= 0:
            return []
        weights = [weight(d) for d in pool]
        if not distinct or k > len(pool):
            return sorted(rng.choices(pool, weights=weights, k=k))
        chosen = []
        for _ in range(k):
            i = rng.choices(range(len(pool)), weights=weights)[0]
            chosen.append(pool.pop(i))
            weights.pop(i)
        return sorted(chosen)

    @staticmethod
    def _typed(start: datetime, end: datetime) -> tuple[date, object, object]:
        """(patrol date, start, end) as the form takes them: local wall times of the planned moments."""
        first, last = to_local(start), to_local(end)
        return first.date(), first.time().replace(second=0), last.time().replace(second=0)

    # --- people -----------------------------------------------------------------------------------

    def _invent(self, ages: tuple[int, int], male_share: float, village: str | None = None) -> Resident:
        from models import demo as town          # the town's names and numbers (models/demo.py imports this)

        rng = self.rng
        first, last = _ages_to_births(self.start, ages)
        while True:
            birth = first + timedelta(days=rng.randrange((last - first).days + 1))
            male = rng.random() < male_share
            number = town._resident_id(rng, birth, male)
            if number not in self.numbers:
                break
        self.numbers.add(number)
        village = village or town._weighted(rng, town.VILLAGES)
        address = town._address(rng, village)
        age = (self.start - birth).days // 365
        data = {"name": town._name(rng, male, birth.year), "id_number": number,
                "ethnicity": rng.choices(("汉族", "苗族", "土家族"), weights=(97, 1.5, 1.5))[0],
                "phone": "" if age >= 80 and rng.random() < .15 else town._mobile(rng),
                "village": village, "address": address}
        return Resident(data["name"], village, address, birth, data=data)

    def _drawn(self, ages: tuple[int, int], male_share: float, taken: set) -> Resident:
        """A resident from the registry (the wizard's window), by age and gender where it can."""
        pop, rng = self.population, self.rng
        keys = {k: PERSON_KEYS.index(k) for k in ("name", "gender", "birth_date", "village", "address")}
        first, last = _ages_to_births(self.start, ages)
        male = rng.random() < male_share
        pool = [p for p in pop.people if p[0] not in taken]
        fits = [p for p in pool if first <= p[keys["birth_date"]] <= last and (p[keys["gender"]] == "男") == male]
        entry = rng.choice(fits or pool or pop.people)
        taken.add(entry[0])
        return Resident(entry[keys["name"]], entry[keys["village"]] or "打通社区", entry[keys["address"]] or "",
                        entry[keys["birth_date"]], entry=entry)

    def record_of(self, resident: Resident) -> Person:
        if resident.record is None:
            resident.record = Person.get_by_id(resident.entry[0])
        return resident.record

    def registry_person(self, village: str | None = None) -> Person:
        """Someone from the registry, from ``village`` when possible (help requests)."""
        pop, rng = self.population, self.rng
        index = PERSON_KEYS.index("village")
        pool = [p for p in pop.people if village and p[index] == village] or pop.people
        return Person.get_by_id(rng.choice(pool)[0])

    def _register_person(self, resident: Resident, actor: User, at: datetime) -> None:
        self.add(at, "person", lambda r=resident, u=actor: setattr(r, "record", people.save_person(u, r.data)))

    # --- the records a patrol made ----------------------------------------------------------------

    @staticmethod
    def _log(holder: dict, actor: User, entry: PatrolEntry | Callable[[], PatrolEntry], at: datetime) -> None:
        """Log a patrol (an entry naming premises is built when the step runs: they exist by then)."""
        holder["patrol"] = patrols.log_patrol(actor, entry() if callable(entry) else entry, now=at)

    @staticmethod
    def target(holder: dict, index: int):
        """What the patrol's ``index``-th finding became (looked up once)."""
        key = ("target", index)
        if key not in holder:
            holder[key] = patrols.target_of(patrols.findings(holder["patrol"])[index])
        return holder[key]

    @staticmethod
    def inspection_hazard(holder: dict, index: int) -> Hazard:
        """The patrol's ``index``-th hazard found on its inspections (in the order they were written)."""
        if "hazards" not in holder:
            visits = Inspection.select(Inspection.id).where(Inspection.patrol == holder["patrol"])
            holder["hazards"] = list(Hazard.select().where(Hazard.inspection.in_(visits)).order_by(Hazard.id))
        return holder["hazards"][index]

    # --- setting up: the premises and the registers taken over at the start of the window -----------

    def _setup_moments(self, count: int):
        """Moments on the window's first working day from 08:00, a little apart, for ``count`` steps."""
        day = self.days[0] if self.days else self.start
        spacing = max(.05, min(2.0, 4 * 3600 / max(count, 1)))
        for n in itertools.count():
            yield utc_at(day, 8 * 60) + timedelta(seconds=round(n * spacing, 2))

    def _plan_premises(self, moments) -> None:
        from models import demo as town

        rng, vol = self.rng, self.volumes
        self.shops: list[dict] = []
        self.venues: list[dict] = []
        names: set[str] = set()
        villages = [v for v in self.by_village if not v.endswith("社区")]
        kinds = _largest_remainder(vol.shops, SHOP_KINDS)
        kind_list = [k for k, n in sorted(kinds.items()) for _ in range(n)]
        rng.shuffle(kind_list)
        streets = list(STREET_GRIDS)
        town_village = next((v for v in self.by_village if v.endswith("社区")), None)
        for kind in kind_list:
            village = town_village if town_village and (rng.random() < .62 or not villages) else rng.choice(villages)
            trade = rng.choice(SHOP_NAMES[kind])
            heads = SHOP_HEADS if village.endswith("社区") else VILLAGE_HEADS + (village[:2],)
            name = f"{rng.choice(heads)}{trade}" if kind not in ("养老机构",) else f"{village}{trade}"
            serial = 1
            while name in names:
                serial += 1
                name = f"{rng.choice(heads)}{trade}" + (f"{serial}店" if serial >= 6 else "")
            names.add(name)
            if village.endswith("社区"):
                address = f"重庆市綦江区打通镇{rng.choice(streets)}{rng.randrange(1, 160)}号"
            else:
                address = f"重庆市綦江区打通镇{village}{rng.randrange(1, 13)}组{rng.randrange(1, 90)}号"
            self.shops.append(self._premises(kind, name, village, address, town, moments))
        for n in range(vol.key_venues):
            kind, name = KEY_VENUE_NAMES[n % len(KEY_VENUE_NAMES)]
            if n >= len(KEY_VENUE_NAMES):                # at larger scales: more venues of the same names
                name = f"{name}{n // len(KEY_VENUE_NAMES) + 1}号店"
            village = town_village or rng.choice(villages)
            address = f"重庆市綦江区打通镇{rng.choice(streets[:4])}{rng.randrange(1, 160)}号"
            self.venues.append(self._premises(kind, name, village, address, town, moments))

    def _premises(self, kind: str, name: str, village: str, address: str, town, moments) -> dict:
        rng = self.rng
        male = rng.random() < .6
        plan = {"kind": kind, "name": name, "village": village, "address": address,
                "grid": self.grid_for(village, address), "holder": {},
                "operator": town._name(rng, male, rng.randrange(1960, 1995)),
                "phone": town._mobile(rng) if rng.random() < .8 else f"023-4861{rng.randrange(10 ** 4):04d}"}
        entry = PremisesEntry(name, kind, address, grid=plan["grid"], village=village, operator=plan["operator"],
                              phone=plan["phone"], licence=town._credit_code(rng, "92"))
        self.add(next(moments), "premises", lambda h=plan["holder"], e=entry: h.update(
            premises=premises.save_premises(self.lead, e)))
        return plan

    def _resident(self, ages: tuple[int, int], male_share: float, taken: set) -> Resident:
        return self._invent(ages, male_share) if self.volumes.invent else self._drawn(ages, male_share, taken)

    def _visit_days(self, first: date, interval, late: float = .07) -> list[date]:
        """Visit days from ``first``, each about one interval after the last (``interval(day)`` gives it),
        now and then a little late; working days only, none after the window."""
        rng, out = self.rng, []
        day = self.before(first, self.days[0] if self.days else first)
        while day <= self.end:
            out.append(day)
            days = interval(day)
            if rng.random() < late:
                nxt = day + timedelta(days=days + rng.randint(3, 12))
            else:
                nxt = day + timedelta(days=days - rng.randint(0, max(1, min(4, days // 5))))
            day = self.before(nxt, day)
        return out

    def _first_visit(self, listed: date, days: int, setup: date) -> date:
        """The first visit in the window: within one interval of the listing (or of taking the register
        over, for people listed before the window)."""
        if listed > setup:
            return listed + timedelta(days=max(1, days - self.rng.randint(0, max(1, days // 5))))
        return setup + timedelta(days=self.rng.randint(1, max(1, min(days, 25))))

    def _listing_day(self, fraction: float, floor: date, within: float = 1.0) -> date | None:
        """A working day in the first ``within`` of the window to list someone on (None: listed before it)."""
        last = min(self.end - timedelta(days=10),
                   self.start + timedelta(days=round((self.end - self.start).days * within)))
        pool = [d for d in self.days[1:] if d <= last]
        if not pool or self.rng.random() >= fraction:
            return None
        return max(floor, self.rng.choice(pool))

    # --- 关爱帮扶 ---------------------------------------------------------------------------------

    def _plan_care(self, moments, taken: set) -> None:
        rng, vol = self.rng, self.volumes
        setup = self.days[0] if self.days else self.start
        kinds = _largest_remainder(vol.care, {i: k[0] for i, k in enumerate(CARE_KINDS)})
        order = [i for i, n in sorted(kinds.items()) for _ in range(n)]
        rng.shuffle(order)
        colours = {"红": 0, "橙": 1, "黄": 2, "绿": 3}
        ladder = list(colours)
        every = {colour: registers.care_interval(colour) or 30 for colour in ladder}   # the list's intervals
        # the register's colours in exact shares; who gets them follows each group's propensity
        shares = _largest_remainder(len(order), CARE_COLOUR_SHARES)
        given = ["绿"] * len(order)
        for colour in ("红", "橙", "黄"):
            free = [n for n in range(len(order)) if given[n] == "绿"]
            weights = [CARE_KINDS[order[n]][4][colour] + .01 for n in free]
            for _ in range(min(shares[colour], len(free))):
                k = rng.choices(range(len(free)), weights=weights)[0]
                given[free.pop(k)] = colour
                weights.pop(k)
        behind = set(rng.sample(range(len(order)), max(1, round(len(order) * .03)))) if len(order) >= 30 else set()
        for number, index in enumerate(order):
            _, groups, ages, male, _ = CARE_KINDS[index]
            resident = self._resident(ages, male, taken)
            colour = given[number]
            grid = self.grid_for(resident.village, resident.address)
            actor = self.worker_of[grid]
            cadre = VILLAGE_CADRES.get(resident.village, "吴春燕")
            helper = actor.display_name if rng.random() < .5 else cadre
            text = CARE_TEXTS[groups[0]]
            age = (self.start - resident.birth).days // 365 if resident.birth else 70
            disability, level = rng.choice(DISABILITIES)
            ctx = {"city": rng.choice(CITIES), "health": rng.choice(HEALTH), "age": age, "disability": disability,
                   "level": level, "disease": rng.choice(DISEASES)}
            subject = Subject(resident, actor, grid)
            listed_day = self._listing_day(vol.care_listed_in_window, setup)       # rolled out through the year
            if listed_day is None:
                listed = setup - timedelta(days=rng.randint(30, 3 * 365))
                at = next(moments)
            else:
                listed = listed_day
                at = self.slot(listed_day, None)
            if resident.data is not None:
                self._register_person(resident, actor, at)
                at += timedelta(seconds=1)
            subject.entry = dict(groups=list(groups), colour=colour, helper=helper, grid=grid,
                                 helper_phone=self._helper_phone(), situation=text[0].format(**ctx),
                                 needs=text[1], listed_on=listed)
            self.add(at, "care", lambda s=subject, t=at: self._add_care(s, t))
            # the visits, at the colour's interval (a visit now and then changes the colour)
            state = {"colour": colour}
            plan_colours = {}

            def interval(day, state=state, plan_colours=plan_colours):
                if rng.random() < .1 * every[state["colour"]] / 90:   # about one in ten a year changes colour
                    step = 1 if rng.random() < .6 else -1            # better (towards 绿) more often than worse
                    state["colour"] = ladder[min(3, max(0, colours[state["colour"]] + step))]
                    plan_colours[day] = state["colour"]
                return every[state["colour"]]
            first = self._first_visit(listed, every[colour], setup)
            visits = self._visit_days(first, interval)
            if number in behind:                 # the last visit of the year not made yet: overdue at the end
                visits = [d for d in visits if d <= self.end - timedelta(days=every[colour] * 3 // 2)] or visits[:1]
            removed = None
            if len(visits) > 2 and rng.random() < .025:
                cut = rng.randrange(1, len(visits))
                removed, visits = visits[cut], visits[:cut]
            last = at
            for day in visits:
                last = self.slot(day, last)
                content = rng.choice(text[2]).format(**ctx)
                kind = rng.choices(list(VISIT_KIND_WEIGHTS), weights=list(VISIT_KIND_WEIGHTS.values()))[0]
                if colour == "绿" and rng.random() < .3:
                    kind = "电话联系"
                visitor = helper if rng.random() < .4 else actor.display_name
                entry = CareVisitEntry(visited_on=day, visitor=visitor, kind=kind, content=content,
                                       help_given=rng.choice(text[3]) if kind != "电话联系" else "",
                                       colour=plan_colours.get(day, ""))
                self.add(last, "care_visit", lambda s=subject, e=entry, t=last: registers.add_care_visit(
                    s.actor, s.record, e, today=_local_day(t)))
            if removed is not None:
                reason = rng.choice(("本人已去世", "已随子女迁居主城", "家庭情况好转，不再需要重点帮扶")
                                    if age >= 18 else ("父母已返乡照顾", "已随父母迁居外地"))
                at_r = self.slot(removed, last)
                self.add(at_r, "care_remove", lambda s=subject, r=reason, t=at_r: registers.remove_care(
                    s.actor, s.record, r, on=_local_day(t), today=_local_day(t)))

    def _add_care(self, subject: Subject, at: datetime) -> None:
        person = subject.resident.record or self.record_of(subject.resident)
        subject.record = registers.add_care(subject.actor, CareEntry(person, **subject.entry), today=_local_day(at))

    def _helper_phone(self) -> str:
        from models import demo as town

        return town._mobile(self.rng)

    # --- 重点人员 ---------------------------------------------------------------------------------

    def _plan_key_persons(self, moments, taken: set) -> None:
        rng, vol = self.rng, self.volumes
        setup = self.days[0] if self.days else self.start
        levels = _largest_remainder(vol.mental, {0: 9, 1: 7, 2: 4, 3: 3})
        plans = [(MENTAL, {"level": level}) for level, n in sorted(levels.items()) for _ in range(n)]
        rehab = min(vol.rehab, vol.drug)
        stages = ["社区戒毒" if rng.random() < .4 else "社区康复" for _ in range(rehab)]
        others = _largest_remainder(vol.drug - rehab, OTHER_STAGES)
        stages += [stage for stage, n in sorted(others.items()) for _ in range(n)]
        plans += [(DRUG, {"stage": stage}) for stage in stages]
        plans += [(CULT, {}) for _ in range(vol.cult)] + [(CORRECTION, {}) for _ in range(vol.correction)]
        plans += [(RELEASED, {}) for _ in range(vol.released)]
        released_one = False
        for category, extra in plans:
            ages, male = KEY_AGES[category]
            resident = self._resident(ages, male, taken)
            grid = self.grid_for(resident.village, resident.address)
            worker = self.worker_of[grid]
            subject = Subject(resident, self.keeper, grid)
            stage = extra.get("stage", "")
            in_rehab = category == DRUG and stage in REHAB_STAGES
            listed_day = None
            if category == CORRECTION:
                listed_day = self._listing_day(.5, setup)
            listed = listed_day or setup - timedelta(days=rng.randint(*{
                MENTAL: (200, 10 * 365), DRUG: (300, 3 * 365) if in_rehab else (2 * 365, 14 * 365),
                CULT: (4 * 365, 20 * 365), CORRECTION: (60, 700), RELEASED: (90, 5 * 365)}[category]))
            at = self.slot(listed_day, None) if listed_day else next(moments)
            if resident.data is not None:
                self._register_person(resident, self.keeper, at)
                at += timedelta(seconds=1)
            text = KEY_TEXTS[DRUG if in_rehab else "在社会面" if category == DRUG else category]
            guardian = ""
            if category == MENTAL:
                relation = rng.choice(RELATIONS)
                given = rng.choice("建国秀英明华德芬志兰") + rng.choice("平英强华芳明")
                guardian = f"{resident.name[0]}{given}（{relation}）"
            level = extra.get("level")
            subject.entry = dict(category=category, responsible=worker.display_name, grid=grid, danger_level=level,
                                 stage=stage, helper=VILLAGE_CADRES.get(resident.village, ""), guardian=guardian,
                                 measures=text[0], listed_on=listed)
            self.add(at, "key_person", lambda s=subject, t=at: self._add_key(s, t))
            until = None
            if category == CORRECTION and not released_one and listed < setup - timedelta(days=180) \
                    and len(self.days) > 150:       # one 社区矫正对象 finishes the term in the window
                released_one = True
                until = self.workday_in(self.start + timedelta(days=60), self.end - timedelta(days=60))
            last = self._plan_key_follow_up(subject, category, level, in_rehab, listed, setup, at, text, worker, until)
            if until is not None:
                at_r = self.slot(until, last, lo=15 * 60, hi=CLOSES - 10)
                self.add(at_r, "key_release", lambda s=subject, t=at_r: registers.release_key_person(
                    s.actor, s.record, "社区矫正期满，依法解除矫正", on=_local_day(t), today=_local_day(t)))

    def _add_key(self, subject: Subject, at: datetime) -> None:
        person = subject.resident.record or self.record_of(subject.resident)
        subject.record = registers.add_key_person(subject.actor, KeyPersonEntry(person, **subject.entry),
                                                  today=_local_day(at))

    def _plan_key_follow_up(self, subject: Subject, category: str, level: int | None, in_rehab: bool, listed: date,
                            setup: date, at: datetime, text: tuple, worker: User, until: date | None) -> datetime:
        """Plan the visits (and assessments) of one key person; returns the last one's moment."""
        rng = self.rng
        assessments: list[tuple[date, int | None]] = []
        if category == MENTAL:                 # yearly 危险性评估; quarterly for 3 级 and above
            months = (3, 6, 9, 12) if level >= 3 else (rng.randint(3, 6),)
            current = level
            for month in months:
                first = max(date(self.start.year, month, 1), setup + timedelta(days=1))
                day = self.workday_in(first, first + timedelta(days=20))
                if day > self.end or day < self.start:
                    continue
                if current >= 3 and rng.random() < .35:
                    current = 2
                elif current in (1, 2) and rng.random() < .08:
                    current = 3
                assessments.append((day, current))
        elif in_rehab:                          # 社区戒毒（康复）: a review every half year
            for month in (6, 12):
                first = max(date(self.start.year, month, 1), setup + timedelta(days=1))
                day = self.workday_in(first, first + timedelta(days=15))
                if self.start <= day <= self.end:
                    assessments.append((day, None))

        def level_on(day: date) -> int | None:
            known = [lv for d, lv in assessments if d <= day]
            return known[-1] if known else level

        def interval(day: date) -> int:
            if category == MENTAL:
                days = MENTAL_DAYS[level_on(day)]
                rise = next((d for d, lv in assessments if day < d <= day + timedelta(days=days) and lv >= 3
                             and (level_on(d - timedelta(days=1)) or 0) < 3), None)
                if rise is not None:            # raised to 3 级: seen within two weeks of the assessment
                    return (rise - day).days + rng.randint(3, 12)
                return days
            return CATEGORY_DAYS[category]

        base = MENTAL_DAYS[level] if category == MENTAL else CATEGORY_DAYS[category]
        if category == DRUG and not in_rehab:  # outside rehab: seen once or twice in the year
            pool = [d for d in self.days[1:]]
            visits = sorted(rng.sample(pool, min(len(pool), 1 if rng.random() < .85 else 2))) if pool else []
        else:
            visits = self._visit_days(self._first_visit(listed, base, setup), interval, late=.04)
        steps = [(day, "visit", None) for day in visits] + [(day, "assess", lv) for day, lv in assessments]
        if until is not None:
            steps = [step for step in steps if step[0] < until]
        last = at
        for day, kind, lv in sorted(steps, key=lambda s: (s[0], s[1] != "assess")):
            last = self.slot(day, last)
            if kind == "assess":
                notes = "经评估，按期尿检均为阴性，康复情况良好。"
                if category == MENTAL:
                    state = "病情稳定，按时服药" if (lv or 0) < 3 else "近期病情有波动，需加强随访"
                    notes = f"经精防医生评估，{state}，危险性评估为{lv}级。"
                assessor = f"{DOCTOR}（精防医生）" if category == MENTAL else f"{POLICE[0]}（派出所民警）"
                entry = AssessmentEntry(assessed_on=day, assessor=assessor, danger_level=lv, notes=notes)
                self.add(last, "assess", lambda s=subject, e=entry, t=last: registers.assess(
                    s.actor, s.record, e, today=_local_day(t)))
                continue
            situation = rng.choice(text[1])
            kind_of = "电话联系" if "电话" in situation else "视频联系" if "视频" in situation else rng.choices(
                list(VISIT_KIND_WEIGHTS), weights=list(VISIT_KIND_WEIGHTS.values()))[0]
            visitor = worker.display_name if rng.random() < .7 else f"{worker.display_name}、{POLICE[0]}"
            entry = KeyVisitEntry(visited_on=day, visitor=visitor, kind=kind_of, situation=situation,
                                  measures=rng.choice(text[2]))
            self.add(last, "key_visit", lambda s=subject, e=entry, t=last: registers.add_key_visit(
                s.actor, s.record, e, today=_local_day(t)))
        return last

    # --- what a finding sets going: the event flow, a hazard's rectification, a help closed later -----

    def _event_flow(self, target: Callable[[], GridEvent], reported: datetime, worker: User, handler: str,
                    handling: str, scale: str) -> None:
        """受理 → 分派 → 处置 → 办结 → 评价, by the 网格长 and the worker, over the next working days."""
        rng = self.rng
        at = self.slot(_local_day(reported), reported, gap=(20, 150))
        self.add(at, "event_accept", lambda t=at: events.accept(self.lead, target(), rng_note(t), now=t))
        at = at + timedelta(minutes=rng.randint(5, 40))
        note = rng.choice(("请尽快到现场核实处置", "请按期处置并反馈结果", ""))
        self.add(at, "event_assign", lambda t=at, n=note: events.assign(self.lead, target(), handler, note=n, now=t))
        days = {"一般": (1, 5), "较大": (0, 2), "重大": (0, 1)}[scale]
        at = self.slot(self.workday(_local_day(at), rng.randint(*days)), at)
        self.add(at, "event_handle", lambda t=at: events.handle(worker, target(), f"{handler}{handling}", now=t))
        at = self.slot(self.workday(_local_day(at), rng.randint(0, 2)), at)
        result = rng.choice(("经现场核查，问题已处置到位", "网格员现场核实，处置结果属实，予以办结",
                             "经回访群众，问题已解决"))
        self.add(at, "event_close", lambda t=at, r=result: events.close(self.lead, target(), r, on=_local_day(t),
                                                                        now=t))
        at = self.slot(self.workday(_local_day(at), rng.randint(0, 3)), at)
        rating = rng.choices(("满意", "基本满意", "不满意"), weights=(84, 14, 2))[0]
        comment = {"满意": "", "基本满意": "处置及时，效果还需巩固", "不满意": "处置时间偏长"}[rating]
        self.add(at, "event_rate", lambda t=at, r=rating, c=comment: events.rate(self.lead, target(), r, c, now=t))

    def _hazard_life(self, hazard: Callable[[], Hazard], actor: User, found: date, deadline: date, fix: str,
                     what: str, after: datetime) -> None:
        """Rectified by the deadline (reported, or found done on the check), verified 合格 — now and then a
        first check fails and sets a new deadline."""
        rng = self.rng
        fail = rng.random() < .12
        at = after
        day = found
        if fail or rng.random() < .85:
            day = self.workday_in(found + timedelta(days=1), max(found + timedelta(days=1), deadline))
            at = self.slot(day, at)
            self.add(at, "hazard_rectify", lambda t=at: hazards.rectify(
                actor, hazard(), f"责任人报告：{fix}", on=_local_day(t), now=t))
        day = self.workday_in(max(day, found + timedelta(days=1)), max(day, deadline) + timedelta(days=3))
        at = self.slot(day, at)
        if fail:
            new = day + timedelta(days=rng.randint(5, 10))
            notes = rng.choice(VERIFY_FAILED).format(what=what)
            self.add(at, "hazard_verify", lambda t=at, n=notes, d=new: hazards.verify(
                actor, hazard(), "不合格", n, on=_local_day(t), new_deadline=d, now=t))
            day = self.workday_in(day + timedelta(days=1), new)
            at = self.slot(day, at)
            self.add(at, "hazard_rectify", lambda t=at: hazards.rectify(
                actor, hazard(), f"责任人再次整改：{fix}", on=_local_day(t), now=t))
            day = self.workday_in(day, new + timedelta(days=3))
            at = self.slot(day, at)
        notes = rng.choice(VERIFY_PASSED).format(fix=fix)
        self.add(at, "hazard_verify", lambda t=at, n=notes: hazards.verify(actor, hazard(), "合格", n,
                                                                          on=_local_day(t), now=t))

    def _help_later(self, request: Callable[[], HelpRequest], actor: User, closing: tuple, after: datetime) -> None:
        day = self.workday(_local_day(after), self.rng.randint(1, 5))
        at = self.slot(day, after)
        self.add(at, "help_close", lambda t=at: helps.close(actor, request(), closing[0], closing[1],
                                                            on=_local_day(t), now=t))

    def _help_finding(self, template: tuple, place: str, village: str) -> tuple[FindingEntry, tuple | None]:
        help_type, need, measure, closing, *result = template
        person = self.registry_person(village)
        later = closing if isinstance(closing, tuple) else None
        entry = HelpEntry(person=person, help_type=help_type, closing="" if later else closing,
                          result="" if later else result[0])
        feedback = "已转交办理，跟踪落实中" if later else result[0]
        return FindingEntry(HELP, "民生诉求", place, need, measure=measure, feedback=feedback, help=entry), later

    def _event_finding(self, template: tuple, place: str, grid: str | None = None) -> tuple[FindingEntry, tuple]:
        category, title, problem, scale, handler, handling = template
        entry = EventEntry(title=title.format(loc=place), scale=scale, people_involved=self.rng.randint(0, 12))
        finding = FindingEntry(EVENT, category, place, problem.format(loc=place), measure="拍照取证，上报网格中心",
                               feedback="已上报，等待处置", grid=grid, event=entry)
        return finding, (handler, handling, scale)

    def _after_findings(self, holder: dict, followers: list, logged: datetime) -> None:
        """The steps a patrol's findings set going, once it is logged."""
        for index, kind, detail, actor in followers:
            def get(i=index):
                return self.target(holder, i)
            if kind == EVENT:
                handler, handling, scale = detail
                self._event_flow(get, logged, actor, handler, handling, scale)
            elif kind == HELP:
                self._help_later(get, actor, detail, logged)
            elif kind == HAZARD:
                found, deadline, fix, what = detail
                self._hazard_life(get, actor, found, deadline, fix, what, logged)

    # --- night patrols ------------------------------------------------------------------------------

    def _security(self, day: date) -> bool:
        """安保维稳 nights: around 党的二十大 (16–22 October 2022); 国庆 in other years."""
        if day.year == 2022:
            return day.month == 10 and 8 <= day.day <= 25
        return day.month == 10 and day.day <= 7

    def _epidemic(self, day: date) -> bool:
        return 2020 <= day.year <= 2022 and ((day.month == 9 and day.day <= 20) or (day.month == 11 and day.day >= 10))

    def _night_weight(self, day: date) -> float:
        weight = 1.0 if self.calendar.is_workday(day) else 1.6
        if self._security(day):
            weight *= 4
        if (day.month == 1 and day.day >= 20) or (day.month == 2 and day.day <= 15):
            weight *= 1.5                       # 春节
        if day.month in (7, 8):
            weight *= 1.2
        return weight

    def _person_times(self, types: list[str], named: list[int], total: int) -> list[int]:
        """Participants of each night patrol (named and others), adding up to ``total`` exactly."""
        rng = self.rng
        spread = {"夜间巡逻": (17, 4), "安保维稳": (27, 5), "疫情防控": (20, 4)}
        counts = [max(n + 2, min(45, round(rng.gauss(*spread[t])))) for t, n in zip(types, named)]
        diff = total - sum(counts)
        while diff:
            i = rng.randrange(len(counts))
            if diff > 0 and counts[i] < 60:
                counts[i] += 1
                diff -= 1
            elif diff < 0 and counts[i] > named[i]:
                counts[i] -= 1
                diff += 1
            elif diff < 0 and all(c <= n for c, n in zip(counts, named)):
                break                           # fewer people than the named workers: cannot go lower
        return counts

    def _plan_nights(self, helps_here: int) -> None:
        rng, vol = self.rng, self.volumes
        pool = self.all_days[:-1] if len(self.all_days) > 1 else []
        days = self._pick_days(pool, vol.night_patrols, self._night_weight)
        if not days:
            return
        types = ["安保维稳" if self._security(d) else "疫情防控" if self._epidemic(d) and rng.random() < .6
                 else "夜间巡逻" for d in days]
        named = [rng.randint(3, 6) for _ in days]
        times = self._person_times(types, named, vol.person_times)
        help_at = Counter(rng.choices(range(len(days)), k=helps_here)) if helps_here > len(days) else \
            Counter(rng.sample(range(len(days)), helps_here))
        town = next((v for v in self.by_village if v.endswith("社区")), None)
        town_codes = self.by_village.get(town) or list(self.grid_rows)
        near = [c for c in self.grid_rows
                if c not in town_codes and self.worker_of[c].username == WORKERS.get("石龙村")]
        lead = self.lead.display_name
        town_worker = self.worker_of[town_codes[0]].display_name
        others_pool = [town_worker, VILLAGE_CADRES.get(town or "", "吴春燕"), *POLICE, "冉小兵", "王成"]
        for n, (day, kind, count, persons) in enumerate(zip(days, types, times, named)):
            codes = sorted(rng.sample(town_codes, min(len(town_codes), rng.randint(2, 4))))
            if near and rng.random() < .25:
                codes.append(near[0])
            leader = lead if rng.random() < .75 else town_worker
            crew = [leader] + [p for p in rng.sample(others_pool, min(len(others_pool), persons)) if p != leader]
            crew = crew[:persons]
            summer = 4 <= day.month <= 9
            start = utc_at(day, rng.randint(20 * 60, 21 * 60) if summer else rng.randint(19 * 60 + 30, 20 * 60 + 30))
            end = start + timedelta(minutes=rng.randint(150, 300 if kind == "安保维稳" else 240))
            logged = end + timedelta(minutes=rng.randint(8, 30))
            findings, followers = [], []
            pool_on_spot = {"安保维稳": SECURITY_ON_SPOT + NIGHT_ON_SPOT,
                            "疫情防控": EPIDEMIC_ON_SPOT + NIGHT_ON_SPOT}.get(kind, NIGHT_ON_SPOT)
            for _ in range(rng.choices((0, 1, 2), weights=(45, 40, 15))[0]):
                category, problem, measure, feedback = rng.choice(pool_on_spot)
                code = rng.choice(codes)
                findings.append(FindingEntry(ON_SPOT, category, rng.choice(self.places[code]), problem, measure,
                                             feedback, grid=code))
            for _ in range(help_at.get(n, 0)):
                code = rng.choice(codes)
                finding, later = self._help_finding(rng.choice(HELPS_NIGHT), rng.choice(self.places[code]),
                                                    self.grid_rows[code].village)
                finding.grid = code
                if later:
                    followers.append((len(findings), HELP, later, self.lead))
                findings.append(finding)
            if rng.random() < .08:
                code = rng.choice(codes)
                finding, detail = self._event_finding(rng.choice(NIGHT_EVENTS), rng.choice(self.places[code]), code)
                followers.append((len(findings), EVENT, detail, self.worker_of[code]))
                findings.append(finding)
            overview = {
                "夜间巡逻": "对场镇主要街道、背街小巷、学校和银行网点周边开展夜间巡逻，重点查看门店关门闭户和消防安全",
                "安保维稳": "党的二十大安保维稳期间，按照镇安保工作部署，对场镇重点部位、重点场所开展夜间巡逻守护",
                "疫情防控": "按照疫情防控要求，夜间巡查场镇商超、餐饮店、娱乐场所扫码测温和人员聚集情况",
            }[kind]
            if kind == "安保维稳" and not (day.year == 2022 and day.month == 10):
                overview = "节日期间按照镇安保工作部署，对场镇重点部位开展夜间巡逻守护"
            overview += f"，参加巡逻{count}人次。"
            overview += f"发现并处理问题{len(findings)}处。" if findings else "未发现异常情况。"
            patrol_date, t0, t1 = self._typed(start, end)
            entry = PatrolEntry(patrol_date=patrol_date, shift=NIGHT_SHIFT, start=t0, end=t1, patrol_type=kind,
                                grids=codes, route=rng.choice(NIGHT_ROUTES), leader=leader, participants=crew[1:],
                                others=max(0, count - len(crew)), weather=_weather(rng, day), overview=overview,
                                findings=findings)
            holder: dict = {}
            self.add(logged, "night_patrol", lambda h=holder, e=entry, t=logged: self._log(h, self.lead, e, t))
            self._after_findings(holder, followers, logged)

    # --- inspections: shops (消防安全检查) and key venues (重点场所检查) ------------------------------------

    def _hazards_for(self, visits: list[tuple[int, int]], days: list[date], total: int) -> Counter:
        """How many hazards each (tour, shop) visit finds: ``total`` in all, on visits early enough to be
        cleared in the window."""
        rng = self.rng
        eligible = [v for v in visits if days[v[0]] <= self.hazard_last] or visits
        if not eligible or total <= 0:
            return Counter()
        first = min(len(eligible), max(1, round(total * .86)))
        counts = Counter(rng.sample(eligible, first))
        for _ in range(total - first):
            room = [v for v in counts if counts[v] < 3] or list(counts)
            counts[rng.choice(room)] += 1
        return counts

    def _plan_shops(self) -> None:
        rng, vol = self.rng, self.volumes
        if vol.shop_visits <= 0 or not self.shops or len(self.days) < 2:
            return
        by_village: dict[str, list[dict]] = {}
        for shop in self.shops:
            by_village.setdefault(shop["village"], []).append(shop)
        villages = sorted(by_village)
        weights = [len(by_village[v]) for v in villages]
        seen: Counter = Counter()
        tours, left = [], vol.shop_visits
        while left > 0:
            village = rng.choices(villages, weights=weights)[0]
            pool = list(by_village[village])
            size = min(rng.randint(3, 7), len(pool), left)
            chosen = []
            for _ in range(size):
                i = rng.choices(range(len(pool)), weights=[1 / (1 + seen[s["name"]]) ** 2 for s in pool])[0]
                chosen.append(pool.pop(i))
                seen[chosen[-1]["name"]] += 1
            tours.append(chosen)
            left -= size
        days = self._pick_days(self.days[1:], len(tours), lambda d: SHOP_MONTHS[d.month], distinct=False)
        found = self._hazards_for([(t, j) for t, tour in enumerate(tours) for j in range(len(tour))], days,
                                  vol.shop_hazards)
        for t, (day, tour) in enumerate(zip(days, tours)):
            actor = self.worker_of[tour[0]["grid"]]
            cadre = VILLAGE_CADRES.get(tour[0]["village"])
            crew = [POLICE[0], SAFETY_OFFICER] + ([cadre] if cadre and rng.random() < .5 else [])
            self._tour(day, "消防安全检查", actor, tour, [found.get((t, j), 0) for j in range(len(tour))], crew,
                       SHOP_HAZARDS, rng.choice(CHECK_NOTES), 25)

    def _plan_venues(self) -> None:
        rng, vol = self.rng, self.volumes
        if vol.key_visits <= 0 or not self.venues or len(self.days) < 2:
            return
        counts = _largest_remainder(vol.key_visits, {i: 1 for i in range(len(self.venues))})
        remaining = Counter({i: n for i, n in counts.items() if n})
        tours = []
        while sum(remaining.values()):
            open_ = [i for i in remaining if remaining[i] > 0]
            size = min(rng.choice((1, 2, 2, 3)), len(open_))
            chosen = sorted(open_, key=lambda i: (-remaining[i], rng.random()))[:size]
            for i in chosen:
                remaining[i] -= 1
            tours.append([self.venues[i] for i in chosen])
        rng.shuffle(tours)
        days = self._pick_days(self.days[1:], len(tours), lambda d: KEY_MONTHS[d.month],
                               distinct=len(tours) <= len(self.days) - 1)
        found = self._hazards_for([(t, j) for t, tour in enumerate(tours) for j in range(len(tour))], days,
                                  vol.key_hazards)
        for t, (day, tour) in enumerate(zip(days, tours)):
            self._tour(day, "重点场所检查", self.lead, tour, [found.get((t, j), 0) for j in range(len(tour))],
                       [POLICE[0], CULTURE_OFFICER], KEY_HAZARDS, rng.choice(KEY_CHECK_NOTES), 35)

    def _tour(self, day: date, kind: str, actor: User, tour: list[dict], found: list[int], crew: list[str],
              catalogue: tuple, note: str, minutes: int) -> None:
        """One inspection patrol visiting ``tour``; each visit finds ``found[j]`` hazards, then their fixing."""
        rng = self.rng
        afternoon = kind == "重点场所检查" or rng.random() < .4
        start = utc_at(day, rng.randint(14 * 60 + 20, 15 * 60) if afternoon else rng.randint(8 * 60 + 50, 9 * 60 + 40))
        end = start + timedelta(minutes=minutes * len(tour) + rng.randint(15, 45))
        logged = end + timedelta(minutes=rng.randint(10, 40))
        visits, lives = [], []
        for place, n in zip(tour, found):
            items = []
            pool = list(catalogue)
            for _ in range(n):
                weights = [(c[5].get(place["kind"], c[5].get("", 0)) if len(c) > 5 else 1) for c in pool]
                item = pool.pop(rng.choices(range(len(pool)), weights=weights)[0])
                category, what, requirement, (low, high), fix = item[:5]
                deadline = day + timedelta(days=rng.randint(low, high))
                level = "重大隐患" if category == "违规住人（三合一）" and rng.random() < .3 else "一般隐患"
                items.append(HazardEntry(category=category, requirement=requirement,
                                         responsible=f"{place['operator']}（{place['name']}）",
                                         responsible_phone=place["phone"], deadline=deadline, description=what,
                                         level=level))
                lives.append((deadline, fix, what))
            if items:
                result = rng.choices(("发现隐患", "责令整改", "停业整顿"), weights=(75, 23, 2))[0]
                text = f"检查发现隐患{len(items)}处，已当场下达限期整改通知书"
            else:
                result = "合格" if rng.random() < .97 else "未营业"
                text = rng.choice(CHECK_NOTES if kind == "消防安全检查" else KEY_CHECK_NOTES) if result == "合格" \
                    else "店铺关门未营业，另行安排检查"
            visits.append((place, result, text, items))
        codes = sorted({p["grid"] for p in tour})
        hazards_found = sum(found)
        who = "联合派出所、应急管理办对沿街门面" if kind == "消防安全检查" else "联合派出所、文化执法对重点场所"
        overview = (f"{who}开展{kind}，检查{len(tour)}家，"
                    + (f"发现隐患{hazards_found}处，均已下达限期整改通知。" if hazards_found else "未发现隐患。"))
        route = "、".join(p["name"] for p in tour)
        names = [actor.display_name] + crew
        others, weather = rng.randint(0, 2), _weather(rng, day)

        def entry(s=start, e=end, v=visits, c=codes, o=overview, r=route, n=names, k=others, w=weather):
            patrol_date, t0, t1 = self._typed(s, e)
            return PatrolEntry(patrol_date=patrol_date, shift=DAY_SHIFT, start=t0, end=t1, patrol_type=kind, grids=c,
                               route=r[:2000], leader=n[0], participants=n[1:], others=k, weather=w, overview=o,
                               inspections=[InspectionEntry(p["holder"]["premises"], result, text, items)
                                            for p, result, text, items in v])
        holder: dict = {}
        self.add(logged, "inspection", lambda h=holder, t=logged: self._log(h, actor, entry, t))
        for index, (deadline, fix, what) in enumerate(lives):
            self._hazard_life(lambda h=holder, i=index: self.inspection_hazard(h, i), actor, day, deadline, fix, what,
                              logged)

    # --- the workers' routine: daily rounds, 道路交通劝导, 反诈宣传, 防汛地灾 -----------------------------

    def _plan_routine(self, day_helps: int) -> None:
        rng, vol = self.rng, self.volumes
        if len(self.days) < 2:
            return
        workers: dict[str, tuple[User, list[str]]] = {}
        for code, user in self.worker_of.items():
            workers.setdefault(user.username, (user, []))[1].append(code)
        months: dict[tuple, list[date]] = {}
        for d in self.days[1:]:
            months.setdefault((d.year, d.month), []).append(d)
        rounds = []
        for username, (user, codes) in sorted(workers.items()):
            town = self.grid_rows[codes[0]].village.endswith("社区")
            fraud = {rng.choice(days) for days in months.values() if len(days) >= 5} if vol.campaigns else set()
            turn = rng.randrange(len(codes))
            for day in self.days[1:]:
                spring = (day.month == 1 and day.day >= 15) or (day.month == 2 and day.day <= 10)
                if day in fraud:
                    kind = "反诈宣传"
                elif rng.random() >= vol.routine:
                    continue
                elif 5 <= day.month <= 9 and not town and rng.random() < .3:
                    kind = "防汛地灾"
                elif (town and rng.random() < .12) or (spring and rng.random() < .15):
                    kind = "道路交通劝导"
                else:
                    kind = "日常巡查"
                rounds.append((user, codes[turn % len(codes)], day, kind))
                turn += 1
        daily = [i for i, r in enumerate(rounds) if r[3] == "日常巡查"]
        with_help = set(rng.sample(daily, min(day_helps, len(daily))))
        last_days = [i for i in daily if rounds[i][2] >= self.days[-min(2, len(self.days))] and len(self.days) > 60]
        late = set(rng.sample(last_days, min(2, len(last_days))))      # reported in the last days: still open
        for i, (user, code, day, kind) in enumerate(rounds):
            self._round(user, code, day, kind, rng.choice(HELPS_DAY) if i in with_help else None, i in late)

    def _round(self, user: User, code: str, day: date, kind: str, help_template: tuple | None,
               event: bool = False) -> None:
        rng = self.rng
        grid, places = self.grid_rows[code], self.places[code]
        town = grid.village.endswith("社区")
        if kind == "道路交通劝导":
            start, minutes = rng.randint(8 * 60, 8 * 60 + 40), rng.randint(120, 180)
        elif kind == "反诈宣传":
            start, minutes = rng.choice((rng.randint(9 * 60, 10 * 60), rng.randint(14 * 60 + 30, 15 * 60))), \
                rng.randint(90, 150)
        else:
            start = rng.randint(8 * 60 + 40, 9 * 60 + 40) if rng.random() < .65 else rng.randint(14 * 60 + 10, 15 * 60)
            minutes = rng.randint(100, 180)
        start_at = utc_at(day, start)
        end_at = start_at + timedelta(minutes=minutes)
        logged = end_at + timedelta(minutes=rng.randint(10, 40))
        place = rng.choice(places)
        findings, followers = [], []
        roll = rng.random()
        hazard_ok = day <= self.hazard_last
        if kind == "日常巡查":
            if event:
                roll = .12                  # an event it reports
            if roll < .10:
                category, problem, measure, feedback = rng.choice(DAY_ON_SPOT)
                findings.append(FindingEntry(ON_SPOT, category, place, problem, measure, feedback))
            elif roll < .18:
                finding, detail = self._event_finding(rng.choice(DAY_EVENTS), place)
                followers.append((len(findings), EVENT, detail, user))
                findings.append(finding)
            elif roll < .20 and hazard_ok:
                templates = [t for t in ROAD_HAZARDS if (t[1] == "消防通道堵塞") == town]
                findings.append(self._road_hazard(rng.choice(templates), place, grid.village, day, user, followers,
                                                  len(findings)))
        elif kind == "防汛地灾":
            if roll < .12:
                finding, detail = self._event_finding(rng.choice(FLOOD_EVENTS), place)
                followers.append((len(findings), EVENT, detail, user))
                findings.append(finding)
            elif roll < .18 and hazard_ok:
                templates = [t for t in ROAD_HAZARDS if t[1] in ("地质灾害", "房屋安全")]
                findings.append(self._road_hazard(rng.choice(templates), place, grid.village, day, user, followers,
                                                  len(findings)))
        elif kind == "道路交通劝导" and roll < .5:
            problem = f"骑行电动车、摩托车未佩戴头盔{rng.randint(5, 30)}人次"
            findings.append(FindingEntry(ON_SPOT, "道路交通", place, problem, "现场劝导，讲解道路交通安全法规",
                                         "均已佩戴头盔或推行离开"))
        if help_template is not None:
            finding, later = self._help_finding(help_template, place, grid.village)
            if later:
                followers.append((len(findings), HELP, later, user))
            findings.append(finding)
        found = f"发现问题{len(findings)}处，已按规定处理。" if findings else "未发现异常。"
        overview = {
            "日常巡查": f"对{grid.name}开展日常巡查，走访群众{rng.randint(6, 25)}户，{found}",
            "防汛地灾": f"汛期对{grid.name}地质灾害隐患点、危旧房和山坪塘开展巡查，查看{rng.randint(3, 9)}处，{found}",
            "道路交通劝导": f"在{place}开展道路交通安全劝导，劝导未佩戴头盔骑行{rng.randint(8, 40)}人次、摩托车超载"
                        f"{rng.randint(0, 6)}人次，发放宣传资料{rng.randint(30, 150)}份。",
            "反诈宣传": f"在{place}开展反诈宣传，发放宣传资料{rng.randint(50, 300)}份，指导群众安装国家反诈中心APP"
                    f"{rng.randint(10, 80)}人。",
        }[kind]
        crew = []
        if kind == "道路交通劝导":
            crew = [POLICE[1]]
        elif kind == "反诈宣传" or rng.random() < .2:
            crew = [VILLAGE_CADRES.get(grid.village, "吴春燕")]
        route = "—".join(sorted(rng.sample(places, min(len(places), rng.randint(2, 4))), key=places.index)) \
            if kind in ("日常巡查", "防汛地灾") else place
        patrol_date, t0, t1 = self._typed(start_at, end_at)
        entry = PatrolEntry(patrol_date=patrol_date, shift=DAY_SHIFT, start=t0, end=t1, patrol_type=kind, grids=[code],
                            route=route, leader=user.display_name, participants=crew,
                            others=rng.randint(1, 3) if kind in ("道路交通劝导", "反诈宣传") else 0,
                            weather=_weather(rng, day), overview=overview, findings=findings)
        holder: dict = {}
        self.add(logged, "patrol", lambda h=holder, u=user, e=entry, t=logged: self._log(h, u, e, t))
        self._after_findings(holder, followers, logged)

    def _road_hazard(self, template: tuple, place: str, village: str, day: date, user: User, followers: list,
                     index: int) -> FindingEntry:
        rng = self.rng
        finding_category, category, problem, requirement, responsible, fix = template
        committee = f"{village}居委会" if village.endswith("社区") else f"{village}村委会"
        who = responsible.format(vc=committee, person=self.registry_person(village).name if "{person}" in responsible
                                 else "")
        deadline = day + timedelta(days=rng.randint(5, 15))
        problem = problem.format(loc=place)
        followers.append((index, HAZARD, (day, deadline, fix, problem[:20]), user))
        return FindingEntry(HAZARD, finding_category, place, problem, measure="拍照取证，当场下达限期整改通知",
                            feedback="已限期整改", hazard=HazardEntry(category=category, requirement=requirement,
                                                                   responsible=who, deadline=deadline))

    # --- the window ---------------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        """Every planned step up to the cutoff, in time order (planned once)."""
        if not self.planned:
            vol = self.volumes
            people_count = vol.care + vol.mental + vol.drug + vol.cult + vol.correction + vol.released
            moments = self._setup_moments(vol.shops + vol.key_venues + people_count * (2 if vol.invent else 1))
            if self.days:
                taken: set = set()
                self._plan_premises(moments)
                self._plan_key_persons(moments, taken)
                self._plan_care(moments, taken)
            night_helps = vol.helps if len(self.days) < 2 else min(vol.helps, round(vol.helps * .75))
            if not vol.night_patrols:
                night_helps = 0
            self._plan_nights(night_helps)
            if self.days:
                self._plan_shops()
                self._plan_venues()
                self._plan_routine(vol.helps - night_helps)
            self.planned.sort()
        return [s for s in self.planned if s.moment <= self.cutoff]


# ------------------------------------------------------------------------------------------------
# Writing and counting
# ------------------------------------------------------------------------------------------------

@dataclass
class Stats:
    grids: int = 0
    staffed: int = 0
    villages: int = 0
    patrols: int = 0                                        # every patrol of the window
    types: Counter = field(default_factory=Counter)
    night_patrols: int = 0
    person_times: int = 0                                   # of the night patrols
    events: int = 0
    events_open: int = 0
    help_requests: int = 0
    helps_open: int = 0
    shop_premises: int = 0                                  # non-key premises inspected
    shop_visits: int = 0                                    # 家次
    shop_hazards: int = 0
    shop_cleared: int = 0
    key_venues: int = 0                                     # key venues inspected
    key_visits: int = 0
    key_hazards: int = 0
    key_cleared: int = 0
    hazards: int = 0                                        # every hazard found in the window
    hazards_cleared: int = 0
    key_persons: Counter = field(default_factory=Counter)   # 在管 at the end, by category
    rehab: int = 0                                          # 吸毒人员 in 社区戒毒 / 社区康复
    key_person_visits: int = 0
    care: Counter = field(default_factory=Counter)          # 在册 at the end, by colour
    care_visits: int = 0
    care_overdue: int = 0                                   # 在册 with the next visit due before the last day
    steps: int = 0
    seconds: float = 0.0

    @property
    def coverage(self) -> float:
        """网格员覆盖率: grids with at least one worker."""
        return self.staffed / self.grids if self.grids else 0.0

    @property
    def care_total(self) -> int:
        return sum(self.care.values())


def _inspected(start: date, end: date, key: bool):
    return (Inspection.select(Inspection.id, Inspection.premises).join(PatrolLog).switch(Inspection).join(Premises)
            .where(Inspection.deleted_at.is_null(), PatrolLog.deleted_at.is_null(),
                   PatrolLog.patrol_date.between(start, end), Premises.key_venue == key))


def count(start: date, end: date, steps: int = 0, seconds: float = 0.0) -> Stats:
    """The window's figures as the database holds them."""
    stats = Stats(steps=steps, seconds=seconds)
    cover = grids.coverage()
    stats.grids, stats.staffed, stats.villages = cover["grids"], cover["staffed"], len(grids.villages_covered())
    logs = PatrolLog.live().where(PatrolLog.patrol_date.between(start, end))
    for log in logs.select(PatrolLog.patrol_type, PatrolLog.shift, PatrolLog.person_times):
        stats.patrols += 1
        stats.types[log.patrol_type] += 1
        if log.shift == NIGHT_SHIFT:
            stats.night_patrols += 1
            stats.person_times += log.person_times
    reported = GridEvent.live().where(GridEvent.reported_on.between(start, end))
    stats.events = reported.count()
    stats.events_open = reported.where(GridEvent.status.in_(EVENT_OPEN)).count()
    asked = HelpRequest.live().where(HelpRequest.asked_on.between(start, end))
    stats.help_requests = asked.count()
    stats.helps_open = asked.where(HelpRequest.status == HELP_OPEN).count()
    for key in (False, True):
        visits = list(_inspected(start, end, key))
        found = Hazard.live().where(Hazard.inspection.in_([v.id for v in visits]))
        figures = (len({v.premises_id for v in visits}), len(visits), found.count(),
                   found.where(Hazard.status == HZ_CLEARED).count())
        if key:
            stats.key_venues, stats.key_visits, stats.key_hazards, stats.key_cleared = figures
        else:
            stats.shop_premises, stats.shop_visits, stats.shop_hazards, stats.shop_cleared = figures
    found = Hazard.live().where(Hazard.found_on.between(start, end))
    stats.hazards = found.count()
    stats.hazards_cleared = found.where(Hazard.status == HZ_CLEARED).count()
    for person in KeyPerson.live().where(KeyPerson.status == KEY_ACTIVE, KeyPerson.listed_on <= end):
        stats.key_persons[person.category] += 1
        stats.rehab += person.category == DRUG and person.stage in REHAB_STAGES
    stats.key_person_visits = KeyVisit.live().where(KeyVisit.visited_on.between(start, end)).count()
    for subject in CareSubject.live().where(CareSubject.status == CARE_ACTIVE, CareSubject.listed_on <= end):
        stats.care[subject.colour] += 1
        stats.care_overdue += subject.next_due is not None and subject.next_due < end
    stats.care_visits = CareVisit.live().where(CareVisit.visited_on.between(start, end)).count()
    return stats


def write_year(year: PatrolYear, batch: int = 300) -> Stats:
    """Run the window's steps through the domain functions, stamped with their simulated moments."""
    steps = year.steps()
    return count(year.start, year.end, len(steps), run_steps(steps, batch))
