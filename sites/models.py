"""The organisation tree. Each organisation is a page and has its own Wagtail Site.

The city is the portal home (portal.PortalHomePage, a subclass of OrganisationPage), so
"every organisation under X" is one path-prefix query over OrganisationPage.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Collection, Locale, Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail.url_routing import RouteResult
from wagtail_localize.fields import SynchronizedField

from .acting_user import acting_user
from .column_types import ColumnPurpose, offered
from .forms import OrganisationPageForm
from .kinds import OrganisationKind
from .tree import ancestor_paths, children_q, descendants_q

CODE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
code_validator = RegexValidator(
    CODE_PATTERN,
    "代码只能包含小写字母、数字和连字符，且不能以连字符开头或结尾（用作站点域名）。",
)


class DerivedFieldsMixin:
    """Fill the fields a page derives from its place or code before Wagtail validates it.

    Page.save() runs full_clean() for live pages and minimal_clean() for drafts; both
    call fill_derived_fields(), so drafts and published pages get the same values.
    """

    def fill_derived_fields(self):
        pass

    def full_clean(self, *args, **kwargs):
        self.fill_derived_fields()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        self.fill_derived_fields()
        super().minimal_clean()


class OfferedByColumnPurpose:
    """For page types a column may or may not offer (sites/column_types.py): Wagtail asks
    `can_create_at(parent)` wherever it lists or checks page types to add; the acting
    user (sites/acting_user.py) and the parent column's purpose decide on top of
    Wagtail's own rules."""

    @classmethod
    def can_create_at(cls, parent):
        return super().can_create_at(parent) and offered(
            cls._meta.label, purpose_of(parent), acting_user()
        )


def purpose_of(page):
    """The column purpose of `page`, or None if it is no column."""
    if hasattr(page, "purpose"):
        return page.purpose
    specific_class = page.specific_class
    if specific_class is not None and issubclass(specific_class, ColumnPage):
        return page.specific.purpose
    return None


class OrganisationPage(DerivedFieldsMixin, OfferedByColumnPurpose, Page):
    """A Party organisation: city, district, street, community or branch."""

    code = models.CharField(
        "组织代码",
        max_length=63,
        # Unique per locale (clean()): a translation of an organisation keeps its code.
        db_index=True,
        validators=[code_validator],
        help_text="站点域名为 <代码>.<门户域名>，也是门户上的路径。",
    )
    kind = models.CharField("组织类型", max_length=16, choices=OrganisationKind.choices)
    intro = models.TextField("简介", blank=True)
    member_count = models.PositiveIntegerField("党员人数", default=0)
    probationary_member_count = models.PositiveIntegerField("预备党员人数", default=0)
    activist_count = models.PositiveIntegerField("入党积极分子人数", default=0)
    address = models.CharField("地址", max_length=255, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    # When a page below this organisation (not an organisation itself) was last published:
    # the 最近更新 of the 下级组织 card, kept by sites.updates instead of being computed
    # per request over the whole subtree.
    content_updated_at = models.DateTimeField("最近更新", null=True, blank=True, editable=False)

    parent_page_types = ["portal.PortalHomePage", "orgs.OrganisationPage"]
    subpage_types = [
        "orgs.OrganisationPage",
        "orgs.ColumnPage",
        "content.DirectiveIndexPage",
        "learning.CourseIndexPage",
    ]
    template = "sites/organisation_page.html"
    base_form_class = OrganisationPageForm

    content_panels = [
        FieldPanel("title", heading="名称"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("intro"),
        InlinePanel("leaders", heading="领导班子", label="成员"),
        InlinePanel("pinned_directives", heading="置顶上级精神（学习体会）", label="置顶文件"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("member_count"), FieldPanel("probationary_member_count")]
                ),
                FieldPanel("activist_count"),
            ],
            heading="党员人数",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("contact_phone"), FieldPanel("contact_email")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading="地址与联系方式",
        ),
    ]
    promote_panels = [FieldPanel("slug"), FieldPanel("seo_title"), FieldPanel("search_description")]
    # wagtail-localize: facts are the same in every language and follow the source on
    # every sync (the code: site hostname, path, groups); the text (title, intro, address,
    # leaders' names and roles) is translated.
    override_translatable_fields = [
        SynchronizedField(name)
        for name in (
            "code",
            "kind",
            "member_count",
            "probationary_member_count",
            "activist_count",
            "contact_phone",
            "contact_email",
            "latitude",
            "longitude",
        )
    ]

    search_fields = Page.search_fields + [
        index.SearchField("code"),
        index.SearchField("intro"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"

    @property
    def name(self):
        return self.title

    @name.setter
    def name(self, value):
        self.title = value

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip().lower()
        if self.code in settings.PORTAL_RESERVED_CODES:
            raise ValidationError({"code": f"“{self.code}”是门户保留的名称，请换一个代码。"})
        same_code = OrganisationPage.objects.filter(code=self.code, locale_id=self.locale_id)
        if self.code and same_code.exclude(pk=self.pk).exists():
            raise ValidationError({"code": f"组织代码“{self.code}”已被使用。"})

    def fill_derived_fields(self):
        # Slug and code are the same thing: the path segment on the portal host. Except for
        # a translation of the portal home: it sits beside the original under the tree root
        # and keeps Wagtail's "<slug>-<language>" (a site root's slug is in no URL).
        if self.code and not (self.depth == 2 and self.is_translation()):
            self.slug = self.code.strip().lower()

    def is_translation(self):
        return self.locale_id is not None and self.locale_id != Locale.get_default().pk

    @classmethod
    def originals(cls):
        """Organisations in the default language: one per code. Translations (same code,
        another locale) are versions of these, never organisations of their own."""
        return cls.objects.filter(locale__language_code=settings.LANGUAGE_CODE)

    @classmethod
    def nearest_above(cls, page, inclusive=False):
        """The organisation `page` belongs to: the deepest one above it (or `page` itself,
        when `inclusive` and it is one)."""
        return cls.objects.ancestor_of(page, inclusive=inclusive).order_by("-depth").first()

    @classmethod
    def nearest_above_each(cls, pages, *fields):
        """{page pk: the deepest organisation above it, or None} for all `pages` in one
        query (loading only their path and `fields`, when given)."""
        wanted = {path for page in pages for path in ancestor_paths(page.path)}
        found = cls.objects.filter(path__in=wanted)
        by_path = {org.path: org for org in (found.only("path", *fields) if fields else found)}
        return {
            page.pk: next(
                (by_path[p] for p in reversed(ancestor_paths(page.path)) if p in by_path), None
            )
            for page in pages
        }

    @classmethod
    def in_subtree(cls, page, inclusive=True):
        """All organisations under `page`, as one path-prefix query."""
        return cls.objects.filter(descendants_q(page, inclusive=inclusive))

    def child_organisations(self):
        return OrganisationPage.objects.filter(children_q(self)).live().order_by("path")

    def top_columns(self):
        return ColumnPage.objects.filter(children_q(self)).live().order_by("path")

    def route(self, request, path_components):
        """Own pages first; then what cascades here from above, at the same path below
        this organisation as below the one storing it (sites.insite)."""
        from .insite import NotCascaded, find_cascaded

        try:
            return super().route(request, path_components)
        except NotCascaded:
            raise
        except Http404:
            cascaded = find_cascaded(self, path_components)
            if cascaded is not None:
                return RouteResult(self, kwargs={"cascaded": cascaded})
            source = self.untranslated_route(request, path_components)
            if source is None:
                raise NotCascaded from None
            return source

    def untranslated_route(self, request, path_components):
        """For a translation: the same path below the source organisation, for the pages
        not translated yet (served as fallback copies, portal/fallback.py). None when
        this is no translation, or the source has no such page either."""
        if not path_components or not self.is_translation():
            return None
        source = (
            OrganisationPage.objects.live()
            .filter(translation_key=self.translation_key, locale_id=Locale.get_default().pk)
            .first()
        )
        if source is None:
            return None
        try:
            return source.route(request, path_components)
        except Http404:
            return None

    def serve(self, request, *args, cascaded=None, **kwargs):
        if cascaded is not None:
            from .insite import serve_cascaded

            return serve_cascaded(self, cascaded, request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .presentation import organisation_home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(organisation_home_context(self, request))
        return context


class OrganisationLeader(TranslatableMixin, Orderable):
    """A member of an organisation's leadership. Translatable with its organisation:
    name and role are text, the photo is a fact (the same in every language)."""

    organisation = ParentalKey(OrganisationPage, on_delete=models.CASCADE, related_name="leaders")
    name = models.CharField("姓名", max_length=64)
    role = models.CharField("职务", max_length=64)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="照片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("photo")]
    override_translatable_fields = [SynchronizedField("photo")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = "领导班子成员"
        verbose_name_plural = "领导班子成员"

    def __str__(self):
        return f"{self.role} {self.name}"


class InOrganisation:
    """For pages inside an organisation's site: `organisation()` is the one they belong
    to, looked up once per instance (a directive column asks for it in its context, its
    checks and its cascade)."""

    def organisation(self):
        if not hasattr(self, "_organisation"):
            self._organisation = OrganisationPage.nearest_above(self)
        return self._organisation


class ColumnPage(InOrganisation, OfferedByColumnPurpose, Page):
    """A column (栏目) of an organisation site, created from the kind's skeleton. Its
    purpose decides which page types editors may add in it (sites/column_types.py)."""

    intro = models.TextField("栏目说明", blank=True)
    purpose = models.CharField(
        "栏目用途",
        max_length=16,
        choices=ColumnPurpose.choices,
        default=ColumnPurpose.GENERAL,
        help_text="决定编辑可在本栏目中新建哪些页面：支部动态 → 文章、风采展示；通知公告 → 通知；"
        "党务公开 → 公开事项；文件 → 文件。",
    )

    parent_page_types = ["orgs.OrganisationPage", "portal.PortalHomePage", "orgs.ColumnPage"]
    subpage_types = [
        "orgs.ColumnPage",
        "content.DirectiveIndexPage",
        "content.ArticlePage",
        "content.NoticePage",
        "content.DisclosurePage",
        "content.AlbumIndexPage",
    ]
    template = "sites/column_page.html"

    # The purpose is the site's shape: shown to those who hold the model permission
    # (superusers) only, not to the organisations' editors.
    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("purpose", permission="orgs.change_columnpage"),
    ]

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"

    def get_context(self, request, *args, **kwargs):
        from .presentation import column_context

        context = super().get_context(request, *args, **kwargs)
        context.update(column_context(self, request))
        return context


class OrganisationAccess(models.Model):
    """Which groups and which collection belong to an organisation."""

    organisation = models.OneToOneField(
        "orgs.OrganisationPage", on_delete=models.CASCADE, related_name="access"
    )
    editors = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="+")
    reviewers = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="+")
    collection = models.OneToOneField(Collection, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "组织权限"
        verbose_name_plural = "组织权限"

    def __str__(self):
        return f"{self.organisation_id}: {self.editors_id}/{self.reviewers_id}"

    def group(self, role):
        return self.editors if role == "editors" else self.reviewers
