"""Test data factories. Organisations come from the real provisioning code (org_tree)."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from content.models import ArticlePage, DirectivePage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-9")

    @factory.post_generation
    def groups(self, create, names):
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"图片{n}")


class ArticleFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"文章{n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "摘要"
    body = "<p>正文</p>"


class DirectiveFactory(wagtail_factories.PageFactory):
    """A directive filed under a DirectiveIndexPage (`parent=`); level and issuing
    organisation follow from where it is filed."""

    class Meta:
        model = DirectivePage

    title = factory.Sequence(lambda n: f"文件{n}")
    slug = factory.Sequence(lambda n: f"directive-{n}")
    issuer = "中共测试委员会"
    doc_number = factory.Sequence(lambda n: f"测〔2026〕{n}号")
    summary = "摘要"
