import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from content.cascade import directives_for
from content.models import ArticlePage, DirectivePage
from kitchen import proofreading
from kitchen.models import WebhookSubscriber
from kitchen.signing import standard_secret
from sites.models import OrganisationPage


def counts():
    return (
        Page.objects.count(),
        Site.objects.count(),
        ArticlePage.objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_builds_the_city_and_is_idempotent(demo, client):
    # The one build of the demo this worker makes (tests/demo_snapshot.py), as it printed.
    assert "admin / demo-pass-2026" in demo.output
    kinds = dict.fromkeys(["district", "street", "community", "branch"], 0)
    for kind in OrganisationPage.originals().values_list("kind", flat=True):
        if kind in kinds:
            kinds[kind] += 1
    assert kinds == {"district": 3, "street": 6, "community": 12, "branch": 24}
    branch = OrganisationPage.objects.get(code="donghu-hp-yh-d1")
    assert branch.leaders.count() == 3 and branch.member_count > 0
    assert ArticlePage.objects.descendant_of(branch).live().count() == 3
    first = counts()
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert counts() == first

    user = get_user_model().objects.get(username="branch_editor")
    assert user.check_password("demo-pass-2026")
    assert list(user.groups.values_list("name", flat=True)) == ["donghu-hp-yh-d1:editors"]
    page = client.get("/", HTTP_HOST="donghu-hp-yh-d1.localhost")
    assert page.status_code == 200 and "银河社区第一党支部" in page.content.decode()
    # Every demo branch shows the library's directives, three per level, with attachments.
    for branch in OrganisationPage.objects.filter(kind="branch"):
        for level in ["central", "province", "city"]:
            shown = directives_for(branch, level)
            assert shown.count() == 3, (branch.code, level)
    assert all(d.attachments.exists() for d in DirectivePage.objects.all())
    # The homes' 下级组织 show when each child was last updated, though the demo adds
    # most pages without publishing them one by one.
    children = client.get("/", HTTP_HOST="localhost").content.decode()
    children = children[children.index('id="card-children"') :].split("</section>")[0]
    assert children.count("child-list__date") == kinds["district"]
    central = client.get("/topics/central/", HTTP_HOST="xishan-hp-yh-d2.localhost")
    assert central.content.decode().count("（演示）</a>") == 3

    # The central kitchen: city pages go through 三审, branch pages through 一审, the
    # reviewers exist, the lexicon catches its words, the receiver is subscribed.
    city_news = Page.objects.get(url_path="/jiangcheng/news/")
    assert city_news.get_workflow().name == "三审"
    assert Page.objects.get(url_path=branch.url_path).get_workflow().name == "一审"
    for username, group in [("chushen", "初审"), ("fushen", "复审"), ("zhongshen", "终审")]:
        reviewer = get_user_model().objects.get(username=username)
        assert list(reviewer.groups.values_list("name", flat=True)) == [f"jiangcheng:{group}"]
    found = proofreading.find_words("严禁使用翻墙软件，深入开展两学一作", "正文")
    assert [f.kind for f in found] == ["banned", "wrong"]
    subscriber = WebhookSubscriber.objects.get()
    # The receiver holds the file's key; the subscriber stores the same key spelt whsec_.
    kept = (demo.var_dir / "demo-webhook-secret").read_text().strip()
    assert subscriber.secret == standard_secret(kept) and subscriber.secret.startswith("whsec_")

    # The demo live event takes a push now (README: 直播), by the key its slug gets, and
    # members find it by searching.
    from django.utils import timezone

    from livestream.models import LiveEventPage

    event = LiveEventPage.objects.get(slug="demo-live")
    assert event.live and event.status == LiveEventPage.SCHEDULED
    assert event.publish_opens_at <= timezone.now() < event.ends_at
    printed = io.StringIO()
    call_command("live_stream_key", "demo-live", stdout=printed)
    assert f"/live/{event.pk}?key=" in printed.getvalue().splitlines()[-1]
    found = client.get("/api/v2/search/", {"q": "专题党课", "type": "live"}).json()
    assert [hit["title"] for hit in found["results"]] == [event.title]


@pytest.mark.long  # builds the demo itself, on an empty database
def test_generated_password_is_kept_outside_the_repo(db, monkeypatch, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    password = (tmp_path / "demo-admin-password").read_text().strip()
    assert len(password) >= 12 and f"admin / {password}（新生成）" in out.getvalue()
    assert get_user_model().objects.get(username="admin").check_password(password)
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    assert f"admin / {password}" in out.getvalue() and "新生成" not in out.getvalue()
