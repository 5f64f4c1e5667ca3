"""Notices (通知公告) and disclosure items (党务公开) in an organisation's columns: notices
are listed until they expire, an expired one says so on its own page."""

import datetime

from django.utils import timezone

from tests.content.factories import DisclosureFactory, NoticeFactory
from tests.sites.factories import column


def test_notices_until_they_expire_and_disclosure_items_in_their_columns(org_tree, client):
    street = org_tree["da-s1"]
    now = timezone.now()
    notices = column(street, "notices")
    NoticeFactory(
        parent=notices,
        title="本周组织生活会通知",
        slug="n1",
        expires_at=now + datetime.timedelta(days=3),
    )
    NoticeFactory(
        parent=notices, title="过期的通知", slug="n2", expires_at=now - datetime.timedelta(days=1)
    )
    DisclosureFactory(
        parent=column(street, "disclosure"),
        title="第三季度党费收缴情况",
        slug="d1",
        category="dues",
        period="2026年第三季度",
    )
    listing = client.get("/notices/", HTTP_HOST="da-s1.localhost").content.decode()
    assert "本周组织生活会通知" in listing and "过期的通知" not in listing
    home = client.get("/", HTTP_HOST="da-s1.localhost").content.decode()
    assert "本周组织生活会通知" in home and "第三季度党费收缴情况" in home
    assert "过期的通知" not in home
    expired = client.get("/notices/n2/", HTTP_HOST="da-s1.localhost")
    assert expired.status_code == 200 and "已过期" in expired.content.decode()
