"""The demo city's pages (called by portal.demo.load_demo): three articles in every
branch's columns; three directives per library level (central, provincial, city) and one
of 东湖区, each with a PDF attachment; a directive pinned on one branch's home.
Idempotent like the rest of the demo.
"""

import io
from datetime import timedelta

from django.core.files import File
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.rich_text import RichText

from base.demo_media import ensure_demo_image
from sites.demo import person_name
from sites.models import ColumnPage, OrganisationPage

from .models import (
    AlbumIndexPage,
    AlbumPage,
    AlbumPhoto,
    ArticlePage,
    DirectiveAttachment,
    DirectiveIndexPage,
    DirectivePage,
    NoticePage,
    PinnedDirective,
)

ARTICLES = [
    (
        "lxyz",
        "{org}开展“两学一做”专题学习",
        "支部全体党员集中学习党章党规，交流学习体会。",
        [
            "为深入推进“两学一做”学习教育常态化制度化，{org}近日组织全体党员开展专题学习。",
            "学习会上，支部书记领学了党章有关条文，党员们结合岗位实际逐一交流心得体会。",
            "大家表示，要把学习成果转化为服务群众的实际行动，在基层治理中发挥先锋模范作用。",
        ],
    ),
    (
        "org-life",
        "{org}召开“三会一课”支部党员大会",
        "按照组织生活制度要求，支部召开本季度党员大会。",
        [
            "{org}按照“三会一课”制度要求召开支部党员大会，通报了上季度支部工作情况。",
            "会议讨论了发展党员有关事项，并对下一阶段主题党日活动作出安排。",
        ],
    ),
    (
        "other",
        "{org}党员志愿服务队走进社区",
        "党员志愿者开展环境整治和政策宣传志愿服务。",
        [
            "周末，{org}党员志愿服务队走进辖区小区，开展环境整治和政策宣传志愿服务活动。",
            "志愿者们清理楼道杂物、张贴宣传海报，并为老年居民讲解医保政策，受到群众好评。",
        ],
    ),
]
# Cover pictures of the articles above (alt text, picture lines), one per article.
ARTICLE_COVERS = [
    ("党员围坐在会议室集中学习党章", ["“两学一做”", "专题学习"]),
    ("支部党员大会会场", ["“三会一课”", "支部党员大会"]),
    ("党员志愿者在小区清理楼道", ["党员志愿服务", "走进社区"]),
]
# A branch album (风采展示): caption and picture lines of each photo.
ALBUM_TITLE = "主题党日活动剪影"
ALBUM_PHOTOS = [
    ("重温入党誓词", ["重温", "入党誓词"]),
    ("参观红色教育基地", ["参观", "红色教育基地"]),
    ("党员志愿者为居民义诊", ["志愿服务", "为民义诊"]),
    ("集中学习交流心得", ["学习交流", "心得体会"]),
    ("活动合影", ["主题党日", "合影留念"]),
]


def demo_cover(number, collection):
    alt, lines = ARTICLE_COVERS[number]
    return ensure_demo_image(f"演示封面 {number + 1}", alt, lines, number, collection)


# Demo directives: fictional texts with "演示" document numbers, three per library level.
DIRECTIVES = {
    "central": (
        "中共中央（演示）",
        [
            ("关于在全党深入开展主题教育的通知（演示）", "学习"),
            ("关于加强基层党组织建设的意见（演示）", "组织建设"),
            ("关于推进“三会一课”制度化规范化的通知（演示）", "组织生活"),
        ],
    ),
    "province": (
        "中共××省委（演示）",
        [
            ("关于学习贯彻党的二十大精神的实施方案（演示）", "学习"),
            ("关于开展基层组织建设提升年活动的通知（演示）", "组织建设"),
            ("关于加强党员教育管理的若干措施（演示）", "党员教育"),
        ],
    ),
    "city": (
        "中共江城市委（演示）",
        [
            ("关于推进“手机+党支部”平台建设的通知（演示）", "信息化"),
            ("关于开展主题党日活动的指导意见（演示）", "组织生活"),
            ("关于整顿软弱涣散基层党组织的工作方案（演示）", "后进整顿"),
        ],
    ),
}


def ensure_articles(org, rng):
    """A branch's three articles, one per activity column (other organisations get none);
    authors and dates come from `rng`, the generator the whole demo shares."""
    if org.kind != "branch":
        return
    ensure_article_covers(org)
    columns = {c.slug: c for c in ColumnPage.objects.descendant_of(org)}
    now = timezone.now()
    for index, (column_slug, title, summary, paragraphs) in enumerate(ARTICLES):
        column = columns.get(column_slug)
        slug = f"demo-{index + 1}"
        if column is None or column.get_children().filter(slug=slug).exists():
            continue
        body = "".join(f"<p>{p.format(org=org.title)}</p>" for p in paragraphs)
        cover = demo_cover(index, org.access.collection)
        column.add_child(
            instance=ArticlePage(
                title=title.format(org=org.title),
                slug=slug,
                summary=summary,
                body=body,
                author=person_name(rng),
                source=org.title,
                date=now - timedelta(days=rng.randint(0, 60), hours=index),
                cover=cover,
            )
        )


def ensure_article_covers(org):
    """Covers for a branch's demo articles made before the demo had pictures."""
    for index in range(len(ARTICLES)):
        missing = ArticlePage.objects.descendant_of(org).filter(
            slug=f"demo-{index + 1}", cover__isnull=True
        )
        if missing.exists():
            missing.update(cover=demo_cover(index, org.access.collection))


def ensure_album(org):
    """A branch's 风采展示 album of its last 主题党日 (other organisations get none)."""
    if org.kind != "branch":
        return
    gallery = AlbumIndexPage.objects.descendant_of(org).filter(slug="gallery").first()
    if gallery is None or gallery.get_children().filter(slug="zhu-ti-dang-ri").exists():
        return
    album = AlbumPage(
        title=ALBUM_TITLE,
        slug="zhu-ti-dang-ri",
        summary=f"{org.title}组织党员开展主题党日活动。",
        date=timezone.now() - timedelta(days=3),
    )
    for number, (caption, lines) in enumerate(ALBUM_PHOTOS):
        image = ensure_demo_image(
            f"演示相册照片 {number + 1}",
            caption,
            lines,
            number + 1,
            org.access.collection,
            size=(1600, 1200) if number % 2 else (1600, 900),
        )
        album.photos.add(AlbumPhoto(image=image, caption=caption, sort_order=number))
    gallery.add_child(instance=album)


def city_library(home):
    """{level: DirectiveIndexPage} of the city's 专栏专题."""
    topics = ColumnPage.objects.child_of(home).get(slug="topics")
    return {i.level: i for i in DirectiveIndexPage.objects.child_of(topics)}


def directive_slug(index, number):
    return f"demo-{index.slug}-{number}"


# Study deadlines (days from the demo's day) of the two newest city directives: one still
# to be relayed by the branches (待传达), one past (逾期) — orglife's demo relays them.
STUDY_DEADLINES = {("city", 1): 14, ("city", 2): -7}


def ensure_directives(home):
    """The library's directives, 东湖区's own one, and the directive a branch pins."""
    library = city_library(home)
    collection = home.access.collection
    today = timezone.localdate()
    for level, (issuer, items) in DIRECTIVES.items():
        for number, (title, topic) in enumerate(items, start=1):
            issued = today - timedelta(days=30 * number + len(level))
            days = STUDY_DEADLINES.get((level, number))
            deadline = None if days is None else today + timedelta(days=days)
            _add_directive(
                library[level], title, issuer, topic, number, issued, collection, deadline
            )
    district = OrganisationPage.originals().get(code="donghu")
    own = DirectiveIndexPage.objects.child_of(district).get(slug="directives")
    _add_directive(
        own,
        "关于东湖区开展党员志愿服务月活动的通知（演示）",
        "中共东湖区委（演示）",
        "志愿服务",
        1,
        today - timedelta(days=3),
        district.access.collection,
    )
    branch = OrganisationPage.originals().get(code="donghu-hp-yh-d1")
    if not PinnedDirective.objects.filter(organisation=branch).exists():
        first = library["central"].get_children().live().first()
        if first is not None:
            PinnedDirective.objects.create(
                organisation=branch,
                directive_id=first.pk,
                sort_order=0,
                note="支部全体党员逐段学习，结合社区服务谈体会，做到学用结合。",
            )


def _add_directive(index, title, issuer, topic, number, issued_at, collection, deadline=None):
    slug = directive_slug(index, number)
    if DirectivePage.objects.child_of(index).filter(slug=slug).exists():
        return None
    document = Document(title=f"{title} 附件", collection=collection)
    document.file.save(f"directive-{index.slug}-{number}.pdf", File(demo_pdf(title)), save=False)
    document.save()
    body = [
        ("heading", {"text": "一、总体要求", "level": "h2"}),
        (
            "paragraph",
            RichText(f"<p>各级党组织要把{topic}作为重要政治任务，结合实际认真抓好贯彻落实。</p>"),
        ),
        ("quote", {"text": "不忘初心、牢记使命。", "source": ""}),
        ("heading", {"text": "二、主要任务", "level": "h2"}),
        (
            "paragraph",
            RichText("<p>（一）加强组织领导；（二）丰富学习载体；（三）严格督促检查。</p>"),
        ),
        (
            "table",
            {
                "data": [
                    ["任务", "责任单位", "完成时限"],
                    ["集中学习", "各党支部", "每月一次"],
                    ["专题研讨", "各党委", "每季度一次"],
                ],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
        ),
    ]
    directive = DirectivePage(
        title=title,
        slug=slug,
        doc_number=f"演示〔{issued_at.year}〕{number}号",
        issuer=issuer,
        issued_at=issued_at,
        study_deadline=deadline,
        summary=f"就{topic}工作作出部署，请各级党组织认真学习、抓好落实。",
        body=body,
    )
    index.add_child(instance=directive)
    directive.tags.add(topic)
    DirectiveAttachment.objects.create(page=directive, document=document, sort_order=0)
    directive.save_revision().publish()
    return directive


def demo_pdf(title):
    """A small valid PDF for an attachment (ASCII text; the title is in the file name)."""
    text = "Demo attachment - portal"
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")  # (BytesIO(data) would start writing over it)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    out.seek(0)
    return out


HEADLINE_COUNT = 4
NOTICES = [
    (
        "关于开展“七一”主题党日活动的通知（演示）",
        "请各基层党组织结合实际，于6月下旬组织开展主题党日活动。",
    ),
    (
        "关于报送2026年度党员发展计划的通知（演示）",
        "请各党（工）委于本月底前报送年度党员发展计划。",
    ),
]


def ensure_home_demo(home):
    """What the homes' cards show beyond the branches' articles: a few of them marked as
    headline (头条) with a title-card cover, spread over the districts, and two city
    notices (通知公告)."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from base.demo_media import slide

    articles = list(ArticlePage.objects.live().descendant_of(home).order_by("path"))
    step = len(articles) // HEADLINE_COUNT
    if step < 3:
        return
    for article in [articles[n * step + n % 3] for n in range(HEADLINE_COUNT)]:
        if article.headline and article.cover_id:
            continue
        lines = [article.title[i : i + 14] for i in range(0, len(article.title), 14)][:3]
        image = get_image_model()(title=article.title, collection=home.access.collection)
        image.file = ImageFile(
            slide(lines, article.source, (1280, 720)), name=f"headline-{article.pk}.png"
        )
        image.save()
        article.headline, article.cover = True, image
        article.save_revision().publish()
    notices = ColumnPage.objects.child_of(home).filter(slug="notices").first()
    if notices is None:
        return
    now = timezone.now()
    for number, (title, text) in enumerate(NOTICES, start=1):
        slug = f"demo-notice-{number}"
        if not notices.get_children().filter(slug=slug).exists():
            notices.add_child(
                instance=NoticePage(
                    title=title,
                    slug=slug,
                    body=f"<p>{text}</p>",
                    date=now - timedelta(days=number * 3),
                    expires_at=now + timedelta(days=90),
                )
            )
