"""The organisation tree of the demo city (called by portal.demo.load_demo).

江城市 (fictional): 3 districts × 2 streets × 2 communities × 2 branches, each with member
counts, an address, coordinates and leaders (the first with a photo); the editors and
reviewers of one branch and one district. Idempotent like the rest of the demo.
"""

import io
import random
from decimal import Decimal

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image

from base.demo import ensure_users

from .models import OrganisationLeader, OrganisationPage
from .provisioning import Row, check, provision_rows

CITY = {"code": "jiangcheng", "title": "江城市", "address": "江城市人民大道1号"}
DISTRICTS = [("donghu", "东湖区"), ("xishan", "西山区"), ("nanjiang", "南江区")]
STREETS = [("hp", "和平街道"), ("xf", "幸福街道")]
COMMUNITIES = [("yh", "银河社区"), ("jx", "锦绣社区")]
BRANCHES = [("d1", "第一党支部"), ("d2", "第二党支部")]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "建国",
    "红梅",
    "志强",
    "秀英",
    "海燕",
    "国庆",
    "丽华",
    "卫东",
    "晓明",
    "春兰",
    "文博",
    "雪芳",
]
ROLES = {
    "city": ["市委书记", "市委副书记"],
    "district": ["区委书记", "区委副书记"],
    "street": ["党工委书记", "党工委副书记"],
    "community": ["社区党委书记", "社区党委副书记"],
    "branch": ["支部书记", "组织委员", "宣传委员"],
}
MEMBER_COUNTS = {"city": 60000, "district": 12000, "street": 2400, "community": 320, "branch": 40}
DEMO_USERS = [
    # username, group, note
    ("branch_editor", "donghu-hp-yh-d1:editors", "东湖区和平街道银河社区第一党支部 编辑"),
    ("branch_reviewer", "donghu-hp-yh-d1:reviewers", "同一支部 审核员"),
    ("district_editor", "donghu:editors", "东湖区 编辑（可管理全区下级站点）"),
]


# Where the demo places organisations (longitude west/east, latitude south/north): a
# rectangle inside each district's polygon of the city outline the e-map draws
# (oversight/static/oversight/jiangcheng.geojson); the city itself near its centre.
PLACES = {
    "jiangcheng": (117.195, 117.205, 39.135, 39.145),
    "donghu": (117.192, 117.240, 39.131, 39.172),
    "xishan": (117.153, 117.180, 39.098, 39.172),
    "nanjiang": (117.192, 117.240, 39.088, 39.118),
}


def demo_coordinates(code, rng):
    """(latitude, longitude) of the organisation `code` inside its district (two draws of
    `rng`, latitude first, as before the outline existed, so later names stay the same)."""
    west, east, south, north = PLACES.get(code.split("-")[0], PLACES["jiangcheng"])
    latitude = Decimal(f"{south + rng.random() * (north - south):.6f}")
    longitude = Decimal(f"{west + rng.random() * (east - west):.6f}")
    return latitude, longitude


def demo_rows():
    """The demo organisations as provisioning rows (parents first)."""
    rows, line = [], 1
    for d_code, d_name in DISTRICTS:
        line += 1
        rows.append(Row(line, d_code, "", d_name, "district"))
        for s_code, s_name in STREETS:
            street = f"{d_code}-{s_code}"
            line += 1
            rows.append(Row(line, street, d_code, f"{d_name}{s_name}", "street"))
            for c_code, c_name in COMMUNITIES:
                community = f"{street}-{c_code}"
                line += 1
                rows.append(Row(line, community, street, f"{s_name}{c_name}", "community"))
                for b_code, b_name in BRANCHES:
                    line += 1
                    rows.append(
                        Row(line, f"{community}-{b_code}", community, f"{c_name}{b_name}", "branch")
                    )
    return rows


def ensure_organisations(home, progress_factory=None):
    """Provision the demo organisations under the city `home`; returns every organisation
    (the city too) in tree order, with its collection at hand."""
    provision_rows(check(demo_rows(), home), home, progress_factory=progress_factory)
    return list(OrganisationPage.originals().select_related("access__collection").order_by("path"))


def ensure_organisation(org, rng):
    """Details, then leaders, of one organisation; `rng` is the generator the whole demo
    shares, so the names it draws depend on the order of these calls."""
    _ensure_details(org, rng)
    _ensure_leaders(org, org.access.collection, rng)


def person_name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def ensure_demo_users(password):
    ensure_users(DEMO_USERS, password)


def avatar(seed):
    """A 240×240 PNG (in a BytesIO) of a head and shoulders in a colour drawn from `seed`."""
    rng = random.Random(seed)
    image = PILImage.new("RGB", (240, 240), (250, 245, 240))
    draw = ImageDraw.Draw(image)
    colour = (rng.randint(150, 200), rng.randint(20, 60), rng.randint(20, 60))
    draw.ellipse((70, 30, 170, 130), fill=colour)
    draw.rounded_rectangle((40, 140, 200, 260), radius=60, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer


def _ensure_leaders(org, collection, rng):
    if org.leaders.exists():
        return
    for order, role in enumerate(ROLES[org.kind]):
        name = person_name(rng)
        photo = None
        if order == 0:
            photo = Image(title=f"{org.title} {role} {name}", collection=collection)
            photo.file = ImageFile(avatar(org.code), name=f"leader-{org.code}.png")
            photo.save()
        OrganisationLeader.objects.create(
            organisation=org, name=name, role=role, photo=photo, sort_order=order
        )


def _ensure_details(org, rng):
    if org.member_count:
        return
    base = MEMBER_COUNTS[org.kind]
    org.member_count = rng.randint(base // 2, base)
    org.probationary_member_count = max(1, org.member_count // 25)
    org.activist_count = max(1, org.member_count // 15)
    org.address = f"{CITY['title']}{org.title}党群服务中心"
    org.contact_phone = f"022-{rng.randint(20000000, 89999999)}"
    org.latitude, org.longitude = demo_coordinates(org.code, rng)
    org.intro = f"{org.title}坚持以党建引领基层治理，团结带领党员群众建设美好家园。"
    org.save()
