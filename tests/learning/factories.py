"""Learning: lesson media, lessons, audiobooks, courses and members."""

import factory
import wagtail_factories
from django.core.files.base import ContentFile
from wagtail.models import Locale

from learning import quizzes
from learning.media import LessonMedia
from learning.models import (
    AudiobookChapter,
    AudiobookPage,
    CourseIndexPage,
    CoursePage,
    MemberProfile,
    MicroLessonPage,
    Question,
    Quiz,
    QuizEntry,
)

from ..factories import UserFactory

# A question bank in the import format: one single-choice, one multiple-choice and one
# true/false question.
BANK = (
    "题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类\n"
    "单选,党的最高理想和最终目标是什么？,实现共产主义,全面小康,现代化,民族复兴,A,见党章总纲,党章\n"
    "多选,“三会一课”包括哪些？,支部党员大会,支部委员会,党小组会,茶话会,ABC,三会一课制度,组织生活\n"
    "判断,主题党日一般每月开展一次。,,,,,对,,组织生活\n"
)


def bank_quiz(title, time_limit_s=300):
    """A quiz of every question of BANK (imported), in the bank's order."""
    quizzes.import_questions(BANK.encode(), "bank.csv")
    quiz = Quiz.objects.create(title=title, time_limit_s=time_limit_s)
    for n, question in enumerate(Question.objects.order_by("pk")):
        QuizEntry.objects.create(quiz=quiz, question=question, sort_order=n)
    return quiz


def translated_copy(page, language_code, **fields):
    """`page` in `language_code`, published, with `fields` set (an English title …): the
    copy Wagtail makes for a translator, with the ancestors not yet translated copied
    and published too, so the page is served under /<language_code>/."""
    locale = Locale.objects.get(language_code=language_code)
    copy = page.specific.get_translation_or_none(locale)
    if copy is None:
        copy = page.specific.copy_for_translation(locale, copy_parents=True)
    for ancestor in copy.get_ancestors().filter(depth__gt=1, live=False).specific():
        ancestor.save_revision().publish()
    copy = copy.specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return copy


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
