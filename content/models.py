"""Content pages. Only the article exists yet; the directive library comes with its issue."""

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class ArticlePage(Page):
    """News / 动态 item of an organisation column."""

    date = models.DateTimeField("发布日期", default=timezone.now)
    summary = models.TextField("摘要", blank=True, max_length=500)
    body = RichTextField("正文", blank=True)
    author = models.CharField("作者", max_length=64, blank=True)
    source = models.CharField("来源", max_length=128, blank=True)

    parent_page_types = ["orgs.ColumnPage"]
    subpage_types = []
    template = "content/article_page.html"

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("author"), FieldPanel("source")]),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
