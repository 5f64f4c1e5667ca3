import pytest
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections

from content.models import DirectiveIndexPage
from portal.setup import ensure_portal_home
from screens.feeds import forget_snapshots
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
def request_signals():
    """Counts request_started / request_finished sent meanwhile. Like Django's test client,
    keeps close_old_connections (which they trigger) away from the test's transaction."""
    counts = {"started": 0, "finished": 0}

    def started(**kwargs):
        counts["started"] += 1

    def finished(**kwargs):
        counts["finished"] += 1

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield counts
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


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
