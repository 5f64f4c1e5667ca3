"""Learning: lesson media, lessons, audiobooks, courses and members."""

import factory
import wagtail_factories
from django.core.files.base import ContentFile

from learning.media import LessonMedia
from learning.models import (
    AudiobookChapter,
    AudiobookPage,
    CourseIndexPage,
    CoursePage,
    MemberProfile,
    MicroLessonPage,
)

from ..factories import UserFactory


def learning_home(org):
    """The organisation's 学习园地 column, where lessons, books and live events go."""
    return CourseIndexPage.objects.child_of(org).get(slug="learning")


class LessonMediaFactory(factory.django.DjangoModelFactory):
    """A media item as if processed (duration known), without running ffmpeg: saved with
    bulk_create so the upload-processing signal does not fire."""

    class Meta:
        model = LessonMedia

    title = "演示视频"
    type = "video"
    duration = 120.0
    status = LessonMedia.READY
    collection_id = 1

    @classmethod
    def _create(cls, model_class, *args, **fields):
        media = model_class(**fields)
        extension = "mp4" if media.type == "video" else "m4a"
        media.file.save(f"{media.type}.{extension}", ContentFile(b"x"), save=False)
        return model_class.objects.bulk_create([media])[0]


class LessonFactory(wagtail_factories.PageFactory):
    """A micro-lesson with its video, filed under `parent` (a learning column)."""

    class Meta:
        model = MicroLessonPage

    title = "学习党的二十大精神"
    video = factory.SubFactory(LessonMediaFactory)
    slug = factory.LazyAttribute(lambda lesson: f"lesson-{lesson.video.pk}")
    speaker = "李老师"


class AudiobookFactory(wagtail_factories.PageFactory):
    """An audiobook; `chapters` lists each chapter's fields, with `duration` for its
    audio (900 s unless given)."""

    class Meta:
        model = AudiobookPage

    title = "党史故事"
    slug = factory.Sequence(lambda n: f"book-{n}")
    chapters = ()

    @classmethod
    def _create_instance(cls, model_class, parent, fields):
        chapters = fields.pop("chapters")
        book = model_class(**fields)
        for chapter in chapters:
            chapter = dict(chapter)
            audio = LessonMediaFactory(type="audio", duration=chapter.pop("duration", 900.0))
            book.chapters.add(AudiobookChapter(audio=audio, **chapter))
        parent.add_child(instance=book)
        return book


class CourseFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"课程{n}")
    slug = factory.Sequence(lambda n: f"course-{n}")


class MemberProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberProfile

    user = factory.SubFactory(UserFactory)
    name = "张党员"
    phone = None


class MemberFactory(UserFactory):
    """A member: the user (returned, signed in with UserFactory's password) and their
    MemberProfile (`user.member`) in `branch`."""

    class Params:
        branch = None
        name = "张党员"
        phone = None

    username = factory.LazyAttribute(lambda user: f"m{user.branch.code}-{user.name}")
    member = factory.RelatedFactory(
        MemberProfileFactory,
        factory_related_name="user",
        branch=factory.SelfAttribute("..branch"),
        name=factory.SelfAttribute("..name"),
        phone=factory.SelfAttribute("..phone"),
    )
