"""Facts are the same in every language: a translation of an organisation shows the
source's member counts, phone, e-mail, coordinates, code and leaders' photos, right after
translating and after the source changes and the translations are synced."""

from decimal import Decimal

import pytest
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from portal.demo_i18n import machine_translate_page
from portal.translation import HandWrittenTranslator, OpenCCTranslator
from sites.models import OrganisationLeader, OrganisationPage
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db

FACTS = [
    "code",
    "member_count",
    "probationary_member_count",
    "activist_count",
    "contact_phone",
    "contact_email",
    "latitude",
    "longitude",
]


def facts(org):
    org = OrganisationPage.objects.get(pk=org.pk)
    return {
        **{name: getattr(org, name) for name in FACTS},
        "photos": [leader.photo_id for leader in org.leaders.all()],
    }


def set_facts(org, **values):
    for name, value in values.items():
        setattr(org, name, value)
    org.save_revision().publish()


@pytest.fixture
def district(org_tree):
    district = org_tree["da"]
    OrganisationLeader.objects.create(
        organisation=district, name="王书记", role="书记", photo=ImageFactory(), sort_order=0
    )
    set_facts(
        district,
        member_count=33903,
        probationary_member_count=1356,
        activist_count=2260,
        contact_phone="022-12345678",
        contact_email="da@example.org",
        latitude=Decimal("39.100000"),
        longitude=Decimal("117.200000"),
        address="甲区党群服务中心",
    )
    return OrganisationPage.objects.get(pk=district.pk)


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_translations_keep_the_facts(
    district,
    org_tree,
    admin_user,
    admin_client,
    client,
    language,
    django_capture_on_commit_callbacks,
):
    locale = Locale.objects.get(language_code=language)
    translator = (
        OpenCCTranslator({})
        if language == "zh-hant"
        else HandWrittenTranslator({"strings": {"测试市": "Test City", "甲区": "District A"}})
    )
    machine_translate_page(org_tree["home"], locale, admin_user, translator)
    translated = machine_translate_page(district, locale, admin_user, translator)
    assert facts(translated) == facts(district)
    if language == "zh-hant":
        assert translated.address.startswith("甲區黨")
        assert [leader.name for leader in translated.leaders.all()] == ["王書記"]
    html = client.get(f"/{language}/", HTTP_HOST="da.localhost").text
    assert "33903" in html and "022-12345678" in html

    # The source changes; "sync translated pages" brings the new facts.
    set_facts(district, member_count=34000, contact_phone="022-87654321")
    OrganisationLeader.objects.filter(organisation=district).update(photo=ImageFactory())
    district.save_revision().publish()
    source = TranslationSource.objects.get(object_id=district.translation_key)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"}
        )
    assert response.status_code == 302
    assert facts(translated) == facts(district)
    assert facts(translated)["member_count"] == 34000
    html = client.get(f"/{language}/", HTTP_HOST="da.localhost").text
    assert "34000" in html and "022-87654321" in html
