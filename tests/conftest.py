import pytest
from django.core.cache import cache

from portal.setup import ensure_portal_home
from sites.models import ColumnPage, OrganisationPage
from sites.provisioning import provision_csv

# A district with two streets, each with a branch: enough for own/sibling/child/parent.
TREE_CSV = """code,parent_code,name,kind
da,,甲区,district
da-s1,da,甲区一街道,street
da-s2,da,甲区二街道,street
da-s1-b1,da-s1,一街道第一支部,branch
da-s2-b1,da-s2,二街道第一支部,branch
"""


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The site index version lives in the cache; the database is rolled back per test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    return ensure_portal_home("测试市", "testcity")


@pytest.fixture
def org_tree(home):
    provision_csv(TREE_CSV.encode("utf-8"))
    orgs = {o.code: o for o in OrganisationPage.objects.all()}
    orgs["home"] = home
    return orgs


def column(org, slug):
    return ColumnPage.objects.descendant_of(org).get(slug=slug, depth=org.depth + 1)
