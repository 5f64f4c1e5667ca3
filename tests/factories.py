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


def lesson_media(kind="video", duration=120.0, title="演示视频"):
    """A media item as if processed (duration known), without running ffmpeg: saved with
    bulk_create so the upload-processing signal does not fire."""
    from django.core.files.base import ContentFile

    from learning.media import LessonMedia

    media = LessonMedia(title=title, type=kind, duration=duration, status=LessonMedia.READY)
    media.file.save(f"{kind}.{'mp4' if kind == 'video' else 'm4a'}", ContentFile(b"x"), save=False)
    media.collection_id = 1
    return LessonMedia.objects.bulk_create([media])[0]


def member(branch, name="张党员", phone=None, username=None):
    from learning.models import MemberProfile

    user = UserFactory(username=username or f"m{branch.code}-{name}")
    MemberProfile.objects.create(user=user, branch=branch, name=name, phone=phone)
    return user
