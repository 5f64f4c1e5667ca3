"""Column skeletons: the columns each kind of organisation site starts with, as YAML data.

A column's `purpose` (news, notices, disclosure, files, general: sites/column_types.py)
decides which page types editors may add in it; a column without one takes its parent's
(支部动态's sub-columns are news too), a top column without one is general.

Applying a skeleton is idempotent: a column is identified by its slug under its parent;
missing columns are created, existing ones (possibly renamed by editors) are left alone.
"""

import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from .column_types import ColumnPurpose
from .kinds import OrganisationKind
from .tree import below_path_q

SKELETON_DIR = Path(__file__).resolve().parent / "skeletons"
DEFAULT_COLUMN_TYPE = "orgs.ColumnPage"


@dataclass(frozen=True)
class ColumnSpec:
    slug: str
    title: str
    type: str = DEFAULT_COLUMN_TYPE
    intro: str = ""
    purpose: str = ColumnPurpose.GENERAL
    fields: tuple = ()  # extra (name, value) pairs for the page, e.g. (("level", "central"),)
    children: tuple = field(default_factory=tuple)

    @property
    def model(self):
        return apps.get_model(self.type)

    def build(self, **attrs):
        """An unsaved page of this column's model."""
        page = self.model(title=self.title, slug=self.slug, **dict(self.fields), **attrs)
        if self.intro and hasattr(page, "intro"):
            page.intro = self.intro
        if hasattr(page, "purpose"):
            page.purpose = self.purpose
        return page

    def count(self):
        return 1 + sum(child.count() for child in self.children)


def _parse_columns(items, where, inherited=ColumnPurpose.GENERAL):
    specs = []
    seen = set()
    for item in items or []:
        if not isinstance(item, dict) or not item.get("slug") or not item.get("title"):
            raise ImproperlyConfigured(f"{where}: every column needs a slug and a title")
        if item["slug"] in seen:
            raise ImproperlyConfigured(f"{where}: duplicate column slug {item['slug']!r}")
        seen.add(item["slug"])
        purpose = item.get("purpose", inherited)
        if purpose not in ColumnPurpose.values:
            raise ImproperlyConfigured(f"{where}/{item['slug']}: unknown purpose {purpose!r}")
        specs.append(
            ColumnSpec(
                slug=str(item["slug"]),
                title=str(item["title"]),
                type=item.get("type", DEFAULT_COLUMN_TYPE),
                intro=item.get("intro", ""),
                purpose=purpose,
                fields=tuple(sorted((item.get("fields") or {}).items())),
                children=tuple(
                    _parse_columns(item.get("children"), f"{where}/{item['slug']}", purpose)
                ),
            )
        )
    return specs


@cache
def skeleton_for(kind):
    """The tuple of top-level ColumnSpecs for an organisation kind."""
    if kind not in OrganisationKind.values:
        raise ImproperlyConfigured(f"unknown organisation kind {kind!r}")
    path = SKELETON_DIR / f"{kind}.yaml"
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(_parse_columns(data.get("columns"), path.name))


def column_models():
    """Every page model that some skeleton uses."""
    models = set()

    def walk(specs):
        for spec in specs:
            models.add(spec.model)
            walk(spec.children)

    for kind in OrganisationKind.values:
        walk(skeleton_for(kind))
    return models


def top_level_slugs():
    """Slugs the skeletons take directly under an organisation (no organisation code may)."""
    return {spec.slug for kind in OrganisationKind.values for spec in skeleton_for(kind)}


def existing_columns(org_paths=None):
    """{(parent tree path, slug): Page} for skeleton columns, in one query.

    With `org_paths`, only below those organisations; without, the whole tree (used by
    provisioning, which re-checks thousands of organisations at once).
    """
    steplen = Page.steplen
    qs = Page.objects.filter(
        content_type__in=[ContentType.objects.get_for_model(m) for m in column_models()]
    ).only("id", "path", "depth", "slug", "numchild", "url_path", "title")
    if org_paths is not None:
        cond = Q(pk__in=[])
        for prefix in org_paths:
            cond |= below_path_q(prefix)
        qs = qs.filter(cond)
    return {(page.path[:-steplen], page.slug): page for page in qs.iterator(chunk_size=5000)}


def apply_skeleton(org, existing=None):
    """Create the missing columns of `org`'s skeleton. Returns how many were created."""
    if existing is None:
        existing = existing_columns([org.path])
    return apply_columns(org, skeleton_for(org.kind), existing)


def apply_columns(parent, specs, existing):
    """Create the columns of `specs` missing under `parent`; `existing` is updated."""
    if parent.numchild == 0 and specs and isinstance(existing, dict):
        # A new organisation: write its whole skeleton in a few statements.
        return bulk_create_columns(parent, specs, existing)
    created = 0
    for spec in specs:
        page = existing.get((parent.path, spec.slug))
        if page is None:
            page = spec.build()
            parent.add_child(instance=page)
            existing[(parent.path, spec.slug)] = page
            created += 1
        if spec.children:
            created += apply_columns(page, spec.children, existing)
    return created


def bulk_create_columns(parent, specs, existing):
    """Insert a whole column tree under a childless `parent` in a few statements.

    Provisioning 5,273 sites creates ~100,000 columns; Page.add_child costs ~20 ms each
    (full_clean with a query per foreign key, slug check, search and reference index
    tasks), which would be over half an hour. The tree paths are computed here instead,
    the wagtailcore_page rows are bulk-inserted and each column's own table row is
    written with save_base(raw=True), the way loaddata does. Nothing is skipped that a
    skeleton column needs: they are live, have a translation key, url_path and locale.
    Search indexing of columns is left to `search_index rebuild` (columns hold no text).
    """
    now = timezone.now()
    page_ct = {}
    nodes = []  # (specific instance, spec, parent path)

    def plan(parent_page, parent_path, parent_url_path, depth, children):
        for position, spec in enumerate(children, start=1):
            path = parent_path + Page._int2str(position).rjust(Page.steplen, "0")
            model = spec.model
            content_type = page_ct.setdefault(model, ContentType.objects.get_for_model(model))
            page = spec.build(
                draft_title=spec.title,
                path=path,
                depth=depth,
                numchild=len(spec.children),
                url_path=f"{parent_url_path}{spec.slug}/",
                content_type=content_type,
                locale_id=parent.locale_id,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                translation_key=uuid.uuid4(),
            )
            nodes.append((page, parent_path))
            plan(page, path, page.url_path, depth + 1, spec.children)

    plan(parent, parent.path, parent.url_path, parent.depth + 1, specs)
    base_fields = [f.attname for f in Page._meta.concrete_fields if f.attname != "id"]
    bases = [Page(**{name: getattr(page, name) for name in base_fields}) for page, _ in nodes]
    Page.objects.bulk_create(bases)
    for (page, parent_path), base in zip(nodes, bases, strict=True):
        # Every table between Page and the column's model gets its row, parents first
        # (e.g. DirectiveIndexPage -> ColumnPage -> Page).
        tables = [m for m in reversed(type(page)._meta.get_parent_list()) if m is not Page]
        for model in [*tables, type(page)]:
            setattr(page, model._meta.pk.attname, base.pk)
        for model in tables:
            page._save_table(raw=True, cls=model, force_insert=True)
        page.save_base(raw=True, force_insert=True)
        existing[(parent_path, page.slug)] = page
    Page.objects.filter(pk=parent.pk).update(numchild=len(specs))
    parent.numchild = len(specs)
    return len(nodes)
