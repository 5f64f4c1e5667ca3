"""What the ranking page shows around points.leaderboard(): branches named with their
parents (东湖区 · 银河社区第一党支部), members' names masked for the public (张*静) and in
full only where PORTAL_RANKING_FULL_NAMES allows, the viewer's own row, and the chain of
organisations (my branch → street → district → city) to choose the scope from.

Every organisation a page names — the rows' branches, their parents, the chain and the
viewer's own district — is read in one query, whatever the number of rows."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from base.languages import translated_titles
from sites.models import OrganisationPage
from sites.tree import ancestor_paths

FULL_NAME_POLICIES = ("never", "district", "city")
KIND_SCOPES = {
    "branch": _("我的支部"),
    "community": _("本社区"),
    "street": _("本街道"),
    "district": _("本区"),
    "city": _("全市"),
}


def mask_name(name):
    """张*静: the first and the last character kept, the middle starred; 张* for two."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass
class Organisations:
    """Tree paths → (title, kind, code) for every organisation above the given paths."""

    by_path: dict = field(default_factory=dict)

    @classmethod
    def above(cls, paths):
        wanted = {p for path in paths if path for p in ancestor_paths(path, inclusive=True)}
        rows = list(
            OrganisationPage.objects.filter(path__in=wanted).values_list(
                "path", "title", "kind", "code", "translation_key"
            )
        )
        # In the visitor's language where the organisation is translated.
        titles = translated_titles(OrganisationPage, {row[-1] for row in rows})
        return cls(
            {path: (titles.get(key, title), kind, code) for path, title, kind, code, key in rows}
        )

    def chain(self, path):
        """[(path, title, kind, code)] from the top down to `path` itself."""
        return [
            (p, *self.by_path[p]) for p in ancestor_paths(path, inclusive=True) if p in self.by_path
        ]

    def district_of(self, path):
        return next((p for p, _, kind, _ in self.chain(path) if kind == "district"), None)

    def branch_label(self, path, fallback=""):
        """(name, the levels in between): ("东湖区 · 银河社区第一党支部", "和平街道")
        for 银河社区第一党支部 in 和平街道银河社区 in 东湖区和平街道 in 东湖区."""
        titles = [title for _, title, kind, _ in self.chain(path) if kind != "city"]
        if not titles:
            return fallback, ""
        shorts = short_names(titles)
        own = titles[-1]
        if len(titles) == 1:
            return own, ""
        parent = shorts[-2]
        name = own if parent in own else parent + own
        if len(titles) == 2:
            return name, ""
        return f"{shorts[0]} · {name}", " · ".join(shorts[1:-2])


def short_names(titles):
    """Each title without the names above it that it repeats (东湖区和平街道 → 和平街道,
    和平街道银河社区 → 银河社区), top down."""
    shorts = []
    for title in titles:
        short = title
        for above in sorted({*titles[: len(shorts)], *shorts}, key=len, reverse=True):
            if short.startswith(above) and len(short) > len(above):
                short = short[len(above) :]
        shorts.append(short)
    return shorts


def full_names_for(viewer, viewer_district, row_district):
    """Whether a signed-in member `viewer` (a MemberProfile or None) sees a row's full
    name under PORTAL_RANKING_FULL_NAMES ("never", "district" — the default — or
    "city")."""
    policy = getattr(settings, "PORTAL_RANKING_FULL_NAMES", "district")
    if viewer is None or policy not in FULL_NAME_POLICIES or policy == "never":
        return False
    if policy == "city":
        return True
    return viewer_district is not None and viewer_district == row_district


def present(rows, scope, viewer, orgs):
    """The leaderboard rows as the page shows them: label, where, name (masked or
    full), and whether it is the viewer's own row."""
    viewer_district = orgs.district_of(viewer.branch.path) if viewer else None
    shown = []
    for row in rows:
        label, where = orgs.branch_label(row["branch_path"], row["branch_title"])
        out = {**row, "branch_label": label, "where": where, "mine": False}
        if scope == "members":
            mine = viewer is not None and row["user_id"] == viewer.user_id
            full = mine or full_names_for(
                viewer, viewer_district, orgs.district_of(row["branch_path"])
            )
            out["name"] = row["name"] if full else mask_name(row["name"])
            out["mine"] = mine
        else:
            out["mine"] = viewer is not None and row["branch_id"] == viewer.branch_id
        shown.append(out)
    return shown


def scope_choices(anchor_path, orgs, own):
    """[(code, label, title)] from the anchor (the member's own branch with `own`, or the
    organisation shown) up to the city, narrowest first: 我的支部, 本街道 … for a
    member's own chain, the organisations' names otherwise."""
    return [
        (code, KIND_SCOPES.get(kind, title) if own else title, title)
        for _, title, kind, code in reversed(orgs.chain(anchor_path))
    ]
