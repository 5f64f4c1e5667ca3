"""The search index: one row per live, public page of a searchable type, holding what
results show (title, summary, place, type, level, year) and the analysed text (tokens
from search.analysis) that the backends match against."""

from django.db import models


class SearchDocument(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    kind = models.CharField(max_length=20, db_index=True)
    locale = models.CharField(max_length=16, default="zh-hans", db_index=True)
    path = models.CharField(max_length=255, db_index=True)  # the page's tree path
    org_path = models.CharField(max_length=255, db_index=True)  # its organisation's
    org_code = models.CharField(max_length=64)
    level = models.CharField(max_length=16, blank=True)
    year = models.PositiveSmallIntegerField(null=True)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    url_path = models.CharField(max_length=512)
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "搜索索引条目"

    def __str__(self):
        return self.title
