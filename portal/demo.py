"""The demo city: built by code (not a fixture), so it follows model changes.

Each app builds its own part in `<app>/demo.py`; this module runs them in order, in one
transaction, with the admin password they share, then rebuilds the search index:

- sites: 江城市's organisation tree (3 districts × 2 streets × 2 communities × 2 branches)
  with details and leaders, and the branch and district editors;
- content: three articles per branch, the directives with their attachments, a pin;
- kitchen: the city editor and 三审 reviewers, the lexicon, the demo webhook subscriber;
- screens: display groups, devices, the playlist and an emergency insert;
- learning: lessons, audiobooks, a course, a quiz and studying members;
- livestream: a live lecture ready for pushing;
- orglife: a year of meeting records for four branches, a 传达学习 of a city directive;
- oversight: two years of history (publishes, 三会一课 for the other districts' branches,
  僵尸 and late branches), then the first nightly run (scores, reminders);
- portal: the zh-hant translations (demo_i18n.py).

Every step is idempotent.
"""

import random

from django.db import transaction

from base.demo import ensure_user, kept_secret
from content import demo as content_demo
from kitchen import demo as kitchen_demo
from learning.demo import ensure_learning_demo
from livestream.demo import ensure_live_demo
from orglife.demo import ensure_orglife_demo
from oversight import demo as oversight_demo
from screens import demo as screens_demo
from search.index import rebuild as rebuild_search_index
from sites import demo as sites_demo
from sites.updates import refresh_content_updated_at

from .demo_i18n import ensure_demo_translations
from .setup import ensure_portal_home

PASSWORD_FILE = "demo-admin-password"
# The demo accounts `load_demo` lists (the admin aside), in the order they are made.
DEMO_USERS = [*sites_demo.DEMO_USERS, *kitchen_demo.DEMO_USERS, *oversight_demo.DEMO_USERS]


def demo_password():
    """DEMO_ADMIN_PASSWORD, else a random one kept in var/ (never in the repository)."""
    return kept_secret("DEMO_ADMIN_PASSWORD", PASSWORD_FILE, 12)


def load_demo(progress_factory=None):
    """Build (or complete) the demo city. Returns the admin password and whether it is new."""
    password, new_password = demo_password()
    city = sites_demo.CITY
    with transaction.atomic():
        home = ensure_portal_home(city["title"], city["code"], address=city["address"])
        organisations = sites_demo.ensure_organisations(home, progress_factory=progress_factory)
        # One generator for details, leaders and articles, organisation by organisation:
        # the names and numbers it draws depend on this order.
        rng = random.Random(2026)
        for org in organisations:
            sites_demo.ensure_organisation(org, rng)
            content_demo.ensure_articles(org, rng)
            content_demo.ensure_album(org)
        content_demo.ensure_directives(home)
        content_demo.ensure_home_demo(home)
        ensure_user("admin", password, is_staff=True, is_superuser=True)
        sites_demo.ensure_demo_users(password)
        kitchen_demo.ensure_kitchen_demo(password)
        screens_demo.ensure_screens_demo(home)
        ensure_learning_demo(home, password)
        ensure_live_demo(home)
        ensure_orglife_demo(home)
        oversight_demo.ensure_oversight_demo(home, password)
        ensure_demo_translations(home)
        # The demo adds most pages without publishing them one by one: date the homes'
        # 下级组织 from the finished tree.
        refresh_content_updated_at()
        rebuild_search_index()
    return password, new_password
