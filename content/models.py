"""Content pages: directives (and their cascade), articles, notices, disclosure items."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from sites.models import ColumnPage, DerivedFieldsMixin, OfferedByColumnPurpose, OrganisationPage

from .blocks import BodyBlock
from .channels import ChannelFieldsMixin
from .levels import LIBRARY_LEVELS, DirectiveLevel
from .reader_notes import has_directive_notes

# The help of a page's cover chooser: 自动校对 rejects a cover without 图片说明, which the
# image form asks for (base/image_forms.py).
COVER_HELP = gettext_lazy(
    "封面图片必须有图片说明（替代文字）：上传或编辑图片时填写，否则自动校对不通过。"
)


class DirectiveIndexPage(ColumnPage):
    """A directive column. With a level it lists that level's directives visible here
    (中央精神 on a branch site shows the city library's central directives); without a
    level it is the combined 上级精神 list of every ancestor's directives. Directives are
    written only where the column's level is the place's own: the city library sections
    for central/province/city, an organisation's 本级文件 for its own level."""

    level = models.CharField(
        "级别",
        max_length=16,
        choices=DirectiveLevel.choices,
        blank=True,
        help_text="留空表示“上级精神”：汇总所有上级组织的文件。",
    )

    parent_page_types = ["orgs.OrganisationPage", "portal.PortalHomePage", "orgs.ColumnPage"]
    subpage_types = ["content.DirectivePage"]
    template = "content/directive_index_page.html"

    content_panels = ColumnPage.content_panels + [FieldPanel("level", read_only=True)]

    class Meta:
        verbose_name = "文件栏目"
        verbose_name_plural = "文件栏目"

    def accepts_directives(self):
        """True where directives of this column's level are written (not just shown)."""
        org = self.organisation()
        if org is None or not self.level:
            return False
        if self.level in LIBRARY_LEVELS:
            return org.kind == "city"
        return self.level == org.kind

    def directives(self):
        from .cascade import directives_for

        return directives_for(self.organisation(), self.level or None)

    def get_context(self, request, *args, **kwargs):
        from .presentation import directive_index_context

        context = Page.get_context(self, request, *args, **kwargs)
        context.update(directive_index_context(self, request))
        return context


class DirectiveTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.DirectivePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class DirectivePage(DerivedFieldsMixin, ChannelFieldsMixin, Page):
    """A directive (文件/精神) issued by the organisation it is filed under."""

    level = models.CharField(
        "级别", max_length=16, choices=DirectiveLevel.choices, editable=False, db_index=True
    )
    issuing_organisation = models.ForeignKey(
        OrganisationPage,
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        editable=False,
        related_name="issued_directives",
    )
    doc_number = models.CharField("文号", max_length=64, blank=True)
    issuer = models.CharField("发文机关", max_length=128)
    issued_at = models.DateField("成文日期", default=timezone.localdate, db_index=True)
    summary = models.TextField("摘要", blank=True, max_length=500)
    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)
    tags = ClusterTaggableManager("主题", through=DirectiveTag, blank=True)
    study_deadline = models.DateField("学习截止日期", null=True, blank=True)

    parent_page_types = ["content.DirectiveIndexPage"]
    subpage_types = []
    template = "content/directive_page.html"

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("doc_number"), FieldPanel("issued_at")]),
                FieldPanel("issuer"),
                FieldRowPanel([FieldPanel("tags"), FieldPanel("study_deadline")]),
            ],
            heading="文件信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading="附件", label="附件"),
        InlinePanel("related_articles", heading="相关解读", label="解读文章"),
    ]
    edit_handler = ChannelFieldsMixin.tabs(content_panels)
    # + a SearchField per text field its search registration names (content/apps.py)
    search_fields = Page.search_fields + [
        index.FilterField("level"),
        index.FilterField("issued_at"),
    ]
    api_fields = [
        APIField(name)
        for name in ["level", "doc_number", "issuer", "issued_at", "summary", "study_deadline"]
    ] + ChannelFieldsMixin.channel_api_fields

    class Meta:
        verbose_name = "上级精神/文件"
        verbose_name_plural = "上级精神/文件"
        indexes = [models.Index(fields=["issuing_organisation", "level", "-issued_at"])]

    @classmethod
    def can_create_at(cls, parent):
        parent = parent.specific
        return (
            super().can_create_at(parent)
            and isinstance(parent, DirectiveIndexPage)
            and parent.accepts_directives()
        )

    def can_move_to(self, parent):
        parent = parent.specific
        return (
            super().can_move_to(parent)
            and isinstance(parent, DirectiveIndexPage)
            and parent.accepts_directives()
        )

    def place_in_tree(self, parent=None):
        """Level and issuing organisation follow from where the directive is filed."""
        parent = (parent or self.get_parent()).specific
        if not isinstance(parent, DirectiveIndexPage) or not parent.accepts_directives():
            raise ValidationError("上级精神只能发布在市级文件库或本组织的“本级文件”栏目中。")
        self.level = parent.level
        self.issuing_organisation = parent.organisation()

    def fill_derived_fields(self):
        if self.path and not self.level:
            self.place_in_tree()

    def serve(self, request, *args, **kwargs):
        """The page; for a signed-in reader it may carry notes of their own
        (content/reader_notes.py), so no shared cache may keep that answer."""
        response = super().serve(request, *args, **kwargs)
        if has_directive_notes() and request.user.is_authenticated:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response

    def get_template(self, request, *args, **kwargs):
        if request is not None and request.GET.get("view") == "print":
            return "content/directive_print.html"
        return super().get_template(request, *args, **kwargs)

    @property
    def date(self):
        """Lists show every item by its date; a directive's is the day it was issued."""
        return self.issued_at

    def attachment_documents(self):
        return [a.document for a in self.attachments.select_related("document") if a.document]

    def attachments_text(self):
        """The attached files' titles and what can be read of them (for search)."""
        from search.attachments import text_of

        return " ".join(f"{d.title} {text_of(d)}" for d in self.attachment_documents())


class DirectiveAttachment(Orderable):
    page = ParentalKey(DirectivePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = "附件"


class DirectiveRelatedArticle(Orderable):
    page = ParentalKey(DirectivePage, on_delete=models.CASCADE, related_name="related_articles")
    article = models.ForeignKey(
        "content.ArticlePage", verbose_name="文章", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = "相关解读"


class PinnedDirective(Orderable):
    """A directive an organisation puts on top of its home, with its own study note."""

    organisation = ParentalKey(
        OrganisationPage, on_delete=models.CASCADE, related_name="pinned_directives"
    )
    directive = models.ForeignKey(
        DirectivePage, verbose_name="文件", on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField("学习体会", blank=True, max_length=2000)

    panels = [FieldPanel("directive"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "置顶文件"
        verbose_name_plural = "置顶文件"

    def clean(self):
        from .cascade import is_visible_to

        if self.directive_id and self.organisation_id:
            if not is_visible_to(self.directive, self.organisation):
                raise ValidationError({"directive": "只能置顶本组织或上级组织的文件。"})


class ArticlePage(OfferedByColumnPurpose, ChannelFieldsMixin, Page):
    """News / 动态 item of an organisation column."""

    date = models.DateTimeField("发布日期", default=timezone.now)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField("摘要", blank=True, max_length=500)
    body = RichTextField("正文", blank=True)
    author = models.CharField("作者", max_length=64, blank=True)
    source = models.CharField("来源", max_length=128, blank=True)
    headline = models.BooleanField(
        gettext_lazy("头条"),
        default=False,
        db_index=True,
        help_text=gettext_lazy("中央厨房设为头条：有封面时显示在本组织及各上级组织首页的头条区"),
    )

    parent_page_types = ["orgs.ColumnPage"]
    subpage_types = []
    template = "content/article_page.html"

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("author"), FieldPanel("source")]),
        FieldRowPanel([FieldPanel("cover", help_text=COVER_HELP), FieldPanel("headline")]),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    edit_handler = ChannelFieldsMixin.tabs(content_panels)
    # + a SearchField per text field its search registration names (content/apps.py)
    search_fields = Page.search_fields + [index.FilterField("date")]
    api_fields = [
        APIField(name) for name in ["date", "summary", "author", "source", "body"]
    ] + ChannelFieldsMixin.channel_api_fields

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        # The homes' newest articles and headlines of the whole city walk these newest
        # first and stop after a few (content.presentation, sites.presentation.newest_below_q).
        indexes = [
            models.Index(fields=["date"], name="content_article_date"),
            models.Index(
                fields=["date"], condition=models.Q(headline=True), name="content_headline_date"
            ),
        ]


class NoticePage(OfferedByColumnPurpose, ChannelFieldsMixin, Page):
    """通知公告: shown until it expires."""

    date = models.DateTimeField("发布日期", default=timezone.now)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    body = RichTextField("正文", blank=True)

    parent_page_types = ["orgs.ColumnPage"]
    subpage_types = []
    template = "content/notice_page.html"

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("expires_at")]),
        FieldPanel("body"),
    ]
    edit_handler = ChannelFieldsMixin.tabs(content_panels)

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        indexes = [models.Index(fields=["date"], name="content_notice_date")]  # as articles'

    @property
    def has_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()


class DisclosurePage(OfferedByColumnPurpose, ChannelFieldsMixin, Page):
    """党务公开 item: a category and the period it covers."""

    class Category(models.TextChoices):
        ORGANISATION = "organisation", gettext_lazy("组织建设")
        MEMBERSHIP = "membership", gettext_lazy("发展党员")
        DUES = "dues", gettext_lazy("党费收缴")
        AWARDS = "awards", gettext_lazy("评先评优")
        FINANCE = "finance", gettext_lazy("经费使用")
        OTHER = "other", gettext_lazy("其他")

    category = models.CharField("类别", max_length=16, choices=Category.choices)
    period = models.CharField("公开期间", max_length=32, help_text="例如：2026年第三季度")
    date = models.DateTimeField("发布日期", default=timezone.now)
    body = RichTextField("正文", blank=True)

    parent_page_types = ["orgs.ColumnPage"]
    subpage_types = []
    template = "content/disclosure_page.html"

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("category"), FieldPanel("period"), FieldPanel("date")]),
        FieldPanel("body"),
    ]
    edit_handler = ChannelFieldsMixin.tabs(content_panels)

    class Meta:
        verbose_name = "党务公开"
        verbose_name_plural = "党务公开"


class AlbumIndexPage(ColumnPage):
    """风采展示: a branch's column of photo albums, one album per activity."""

    parent_page_types = ["orgs.OrganisationPage", "portal.PortalHomePage", "orgs.ColumnPage"]
    subpage_types = ["content.AlbumPage"]
    template = "sites/column_page.html"  # its albums listed by their covers

    class Meta:
        verbose_name = "风采展示"
        verbose_name_plural = "风采展示"


class AlbumPage(ChannelFieldsMixin, Page):
    """A photo album of one activity: ordered photos with captions. The public page is a
    plain list of pictures; content/static/content/album.js turns it into a lightbox."""

    date = models.DateTimeField("活动日期", default=timezone.now)
    summary = models.TextField("简介", blank=True, max_length=500)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="留空则用第一张照片",
    )

    parent_page_types = ["content.AlbumIndexPage"]
    subpage_types = []
    template = "content/album_page.html"

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        InlinePanel("photos", heading="照片", label="照片", min_num=1),
        FieldPanel("cover"),
    ]
    edit_handler = ChannelFieldsMixin.tabs(content_panels)
    search_fields = Page.search_fields + [index.FilterField("date")]
    api_fields = [APIField(name) for name in ["date", "summary"]] + (
        ChannelFieldsMixin.channel_api_fields
    )

    class Meta:
        verbose_name = "相册"
        verbose_name_plural = "相册"

    def save(self, *args, **kwargs):
        # Lists show an album by its cover: the first photo unless one was chosen.
        if not self.cover_id:
            first = next((p for p in self.photos.all() if p.image_id), None)
            if first is not None:
                self.cover_id = first.image_id
        return super().save(*args, **kwargs)

    def photo_list(self):
        return list(self.photos.select_related("image").order_by("sort_order"))


class AlbumPhoto(TranslatableMixin, Orderable):
    """A photo of an album. Translatable with its album: the caption is text, the image
    is the same in every language."""

    page = ParentalKey(AlbumPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name="照片", on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField("说明", max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
    override_translatable_fields = [SynchronizedField("image")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = "照片"
        verbose_name_plural = "照片"
