import pytest
from django.core.cache import cache

from content.feeds import forget_snapshots
from content.models import DirectiveIndexPage
from portal.setup import ensure_portal_home
from sites.models import ColumnPage, OrganisationPage
from sites.provisioning import provision_csv

from .factories import DirectiveFactory

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
    # The screen feed keeps copies of snapshots in process.
    cache.clear()
    forget_snapshots()
    yield
    cache.clear()
    forget_snapshots()


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


# Two districts; under da a street, a community and a branch (4 levels below the city).
DEEP_CSV = """code,parent_code,name,kind
da,,甲区,district
da-s1,da,甲区一街道,street
da-s1-c1,da-s1,一街道一社区,community
da-s1-c1-b1,da-s1-c1,一社区第一支部,branch
da-s1-c2,da-s1,一街道二社区,community
db,,乙区,district
db-s1,db,乙区一街道,street
"""


@pytest.fixture
def deep(home):
    provision_csv(DEEP_CSV.encode())
    orgs = {o.code: o for o in OrganisationPage.objects.all()}
    orgs["home"] = home
    return orgs


def library(home, level):
    return DirectiveIndexPage.objects.child_of(column(home, "topics")).get(level=level)


def own_column(org):
    return column(org, "directives").specific


@pytest.fixture
def directives(deep):
    """One directive per place, titled after where it was issued."""
    made = {}
    for level in ["central", "province", "city"]:
        made[level] = DirectiveFactory(parent=library(deep["home"], level), title=f"{level}文件")
    for code in ["da", "da-s1", "da-s1-c1", "da-s1-c1-b1", "da-s1-c2", "db", "db-s1"]:
        made[code] = DirectiveFactory(parent=own_column(deep[code]), title=f"{code}文件")
    return made
