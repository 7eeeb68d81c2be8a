"""演示数据: a small, realistic 打通镇 to try TownDesk with. Every name and number is invented."""

import random
from datetime import date, timedelta

from models import accounts, people, setup
from models.db import db
from models.validators import credit_code_check_char, resident_id_check_digit

DEMO_PASSWORD = "Demo2022"
TOWN = {"town": "打通镇", "district": "綦江区", "post_name": "打通镇便民服务中心", "post_code": "DT00",
        "hall_phone": "023-48612345"}
DEMO_USERS = [
    ("admin", "王建国", ["admin"]),
    ("chuangkou", "李秀英", ["window"]),
    ("tiaojie", "陈志强", ["mediator"]),
    ("wangge", "刘小燕", ["grid"]),
    ("lingdao", "赵德明", ["leader"]),
]
VILLAGES = ["石龙村", "大罗村", "天台村", "双星村", "金鸡村", "打通社区"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁"
GIVEN_MALE = ["建华", "志强", "明", "德胜", "文", "国强", "海", "光荣", "永贵", "家富"]
GIVEN_FEMALE = ["秀英", "桂芳", "丽", "晓燕", "永红", "小红", "春梅", "玉兰", "淑芬", "美兰"]


def _resident_id(rng: random.Random, birth: date, male: bool) -> str:
    seq = rng.randrange(0, 50) * 2 + (1 if male else 0)
    first17 = f"500222{birth:%Y%m%d}{rng.randrange(10)}{seq:02d}"
    return first17 + resident_id_check_digit(first17)


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "91500222" + "".join(rng.choice(alphabet) for _ in range(9))
    return first17 + credit_code_check_char(first17)


def load_demo(people_count: int = 40, seed: int = 2022) -> accounts.User:
    """Initialise the open, empty database as 打通镇 with demo users (password Demo2022) and residents."""
    rng = random.Random(seed)
    admin = setup.initialise(TOWN["town"], TOWN["post_name"], TOWN["post_code"], DEMO_USERS[0][0], DEMO_PASSWORD,
                             district=TOWN["district"], hall_phone=TOWN["hall_phone"],
                             admin_display_name=DEMO_USERS[0][1])
    with db.atomic():
        for username, name, roles in DEMO_USERS[1:]:
            user = accounts.create_user(admin, username, name, roles, DEMO_PASSWORD)
            user.must_change_password = False
            user.save()
        for _ in range(people_count):
            male = rng.random() < 0.5
            birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
            village = rng.choice(VILLAGES)
            people.save_person(admin, {
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE),
                "id_number": _resident_id(rng, birth, male),
                "phone": f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
                "village": village,
                "address": f"重庆市綦江区打通镇{village}{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
            })
        for name, rep in [("重庆市綦江区打通镇兴隆湾农业专业合作社", "罗永红"), ("綦江区打通镇天星煤矿有限公司", "黄德胜"),
                          ("重庆打通建筑工程有限公司", "郭光荣")]:
            people.save_organisation(admin, {"name": name, "credit_code": _credit_code(rng), "legal_rep": rep,
                                             "phone": f"023-4861{rng.randrange(10**4):04d}"})
    return admin
