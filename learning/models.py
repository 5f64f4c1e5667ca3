"""Learning library models: pages (lessons, audiobooks, courses, learning homes), members,
progress and the points ledger. Logic lives in the modules named for it (progress.py,
points.py, members.py, media.py); this module gathers the models for Django."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail_localize.fields import SynchronizedField

from base.pictures import attach_pictures
from base.slugs import PortalPageForm
from sites.models import ColumnPage

from .media import LessonMedia

CATEGORIES = [  # shown to members on every lesson card: in the page's language
    ("dangke", _("微党课")),
    ("gushi", _("微故事")),
    ("lilun", _("微理论")),
    ("dongman", _("微动漫")),
]
ORGANISATION_PARENTS = ["orgs.OrganisationPage", "portal.PortalHomePage"]
LEARNING_PAGES = ["learning.MicroLessonPage", "learning.AudiobookPage", "learning.CoursePage"]


def media_field(verbose_name, kind):
    return models.ForeignKey(
        LessonMedia,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"type": kind},
    )


class CourseIndexPage(ColumnPage):
    """学习园地: an organisation's learning column, with lessons, audiobooks and courses
    below it and lessons from anywhere it chooses to feature."""

    parent_page_types = ORGANISATION_PARENTS
    subpage_types = [*LEARNING_PAGES, "livestream.LiveEventPage"]
    content_panels = ColumnPage.content_panels + [
        InlinePanel("featured", heading="推荐课程", label="课程"),
    ]
    template = "learning/course_index_page.html"

    class Meta:
        verbose_name = "学习园地"
        verbose_name_plural = "学习园地"

    def get_context(self, request, *args, **kwargs):
        from .study_space import cards_for, study_space

        context = Page.get_context(self, request, *args, **kwargs)
        children = (
            self.get_children()
            .live()
            .public()
            .not_type(MicroLessonPage)  # the lessons come a page at a time (study_space)
            .specific()
            .order_by("-first_published_at")
        )
        children = attach_pictures(children, "thumb")  # the lists' thumbnails, 2 queries
        courses = [p for p in children if isinstance(p, CoursePage)]
        featured = [f.lesson for f in self.featured.select_related("lesson") if f.lesson.live]
        context.update(
            featured=cards_for(featured, request.user),
            audiobooks=[p for p in children if isinstance(p, AudiobookPage)],
            courses=courses,
            live_events=coming_live_events(children),
            categories=CATEGORIES,
            **study_space(self, request, courses),
        )
        return context


def coming_live_events(pages):
    """The live events (livestream app) among `pages` that are on now or still to come."""
    events = [p for p in pages if p._meta.label == "livestream.LiveEventPage"]
    return sorted(
        (e for e in events if e.public_state in ("live", "upcoming")), key=lambda e: e.starts_at
    )


class FeaturedLesson(Orderable):
    home = ParentalKey(CourseIndexPage, on_delete=models.CASCADE, related_name="featured")
    lesson = models.ForeignKey(
        "learning.MicroLessonPage", verbose_name="微课", on_delete=models.CASCADE, related_name="+"
    )
    panels = [FieldPanel("lesson")]


class MicroLessonPage(Page):
    category = models.CharField("类别", max_length=10, choices=CATEGORIES, default="dangke")
    video = media_field("视频", "video")
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="留空则用视频的首帧画面",
    )
    speaker = models.CharField("主讲人", max_length=60, blank=True)
    summary = models.TextField("简介", blank=True)
    transcript = RichTextField("文字稿", blank=True, features=["bold", "ol", "ul", "h3"])
    related_directives = ParentalManyToManyField(
        "content.DirectivePage", verbose_name="相关文件", blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        "learning.Quiz",
        verbose_name="课后测验",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )

    base_form_class = PortalPageForm  # pinyin slug from a Chinese title
    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = []
    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("category"), FieldPanel("speaker"), FieldPanel("video")],
            heading="视频",
        ),
        FieldPanel("poster"),
        FieldPanel("summary"),
        FieldPanel("transcript"),
        FieldPanel("related_directives"),
        FieldPanel("quiz"),
    ]
    template = "learning/micro_lesson_page.html"

    class Meta:
        verbose_name = "微课"
        verbose_name_plural = "微课"

    @property
    def duration(self):
        return round(self.video.duration) if self.video_id else 0


class AudiobookPage(Page):
    """有声读物: a series with ordered chapters."""

    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    narrator = models.CharField("播讲", max_length=60, blank=True)
    description = RichTextField("简介", blank=True, features=["bold", "ol", "ul"])

    base_form_class = PortalPageForm  # pinyin slug from a Chinese title
    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = []
    content_panels = Page.content_panels + [
        FieldPanel("cover"),
        FieldPanel("narrator"),
        FieldPanel("description"),
        InlinePanel("chapters", heading="章节", label="章节", min_num=1),
    ]
    template = "learning/audiobook_page.html"

    class Meta:
        verbose_name = "有声读物"
        verbose_name_plural = "有声读物"

    @property
    def duration(self):
        return sum(chapter.duration for chapter in self.chapters.all())

    def chapters_text(self):
        """The chapters' titles and transcripts (for search)."""
        return " ".join(f"{c.title} {c.transcript}" for c in self.chapters.all())


class AudiobookChapter(TranslatableMixin, Orderable):
    """A chapter of an audiobook, translatable with it: title and transcript are text,
    the audio is the same in every language."""

    book = ParentalKey(AudiobookPage, on_delete=models.CASCADE, related_name="chapters")
    title = models.CharField("章节标题", max_length=120)
    audio = media_field("音频", "audio")
    transcript = models.TextField("文字稿", blank=True)

    panels = [FieldPanel("title"), FieldPanel("audio"), FieldPanel("transcript")]
    override_translatable_fields = [SynchronizedField("audio")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = "章节"

    def __str__(self):
        return self.title

    @property
    def duration(self):
        return round(self.audio.duration) if self.audio_id else 0


class CoursePage(Page):
    """网上党校 course: an ordered set of lessons; finished when every lesson is."""

    description = RichTextField("课程说明", blank=True, features=["bold", "ol", "ul"])

    base_form_class = PortalPageForm  # pinyin slug from a Chinese title
    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = []
    content_panels = Page.content_panels + [
        FieldPanel("description"),
        InlinePanel("lessons", heading="课程内容", label="微课", min_num=1),
    ]
    template = "learning/course_page.html"

    class Meta:
        verbose_name = "网上党校课程"
        verbose_name_plural = "网上党校课程"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            context["completion"] = self.completion(request.user)
        return context

    def completion(self, user):
        """{"done", "total", "finished": lesson ids} of this course for a member."""
        lesson_ids = list(self.lessons.values_list("lesson_id", flat=True))
        finished = set(
            StudyProgress.objects.filter(
                user=user, kind="lesson", object_id__in=lesson_ids, completed_at__isnull=False
            ).values_list("object_id", flat=True)
        )
        return {"done": len(finished), "total": len(lesson_ids), "finished": finished}


class CourseLesson(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="lessons")
    lesson = models.ForeignKey(
        MicroLessonPage, verbose_name="微课", on_delete=models.CASCADE, related_name="+"
    )
    panels = [FieldPanel("lesson")]


# --- members -------------------------------------------------------------------------


class MemberProfile(models.Model):
    """A Party member who studies online, in a branch (支部)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    branch = models.ForeignKey(
        "orgs.OrganisationPage",
        verbose_name="所在支部",
        on_delete=models.PROTECT,
        related_name="members",
    )
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号", max_length=20, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"

    def __str__(self):
        return self.name


class Evaluation(models.Model):
    """A member's yearly evaluation by their branch (民主评议, 0–100): 40 % of the yearly
    composite score; the other 60 % is study points (points.composite_ranking)."""

    member = models.ForeignKey(
        MemberProfile, verbose_name="党员", on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("年度")
    score = models.PositiveSmallIntegerField(
        "评议得分", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度评议"
        verbose_name_plural = "年度评议"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_evaluation_a_year")
        ]

    def __str__(self):
        return f"{self.member} {self.year}: {self.score}"


# --- progress ------------------------------------------------------------------------


class StudyProgress(models.Model):
    """Where a member is in one lesson or chapter, and how long they really studied it."""

    LESSON, CHAPTER = "lesson", "chapter"
    KINDS = [(LESSON, "微课"), (CHAPTER, "有声读物章节")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_progress"
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    object_id = models.PositiveBigIntegerField()
    position_s = models.FloatField(default=0)
    duration_s = models.FloatField(default=0)
    studied_s = models.FloatField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_beat_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="one_progress")
        ]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self):
        return f"{self.kind}:{self.object_id} @ {self.position_s:.0f}s"


# --- points --------------------------------------------------------------------------


class PointRule(models.Model):
    """How many points an activity earns, and at most how many a day."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    points = models.PositiveIntegerField("每次积分")
    daily_cap = models.PositiveIntegerField("每日上限", default=0, help_text="0 表示不限")
    minutes = models.PositiveIntegerField(
        "每多少分钟", default=0, help_text="按时长计分的规则：每学满这么多分钟得一次分"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "积分规则"
        verbose_name_plural = "积分规则"

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name members see: a default rule's name (migration 0002) in the page's
        language, a name an administrator wrote as written."""
        return gettext(self.name) if self.name in DEFAULT_RULE_NAMES else self.name


DEFAULT_RULE_NAMES = {
    gettext_noop("学完一节微课"),
    gettext_noop("收听有声读物"),
    gettext_noop("每日登录"),
    gettext_noop("答题"),
}


class PointEvent(models.Model):
    """The ledger: append-only. `ref` makes an award idempotent (e.g. lesson:12)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_events"
    )
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField()
    day = models.DateField()
    ref = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "rule", "ref"], name="one_award_per_ref")
        ]
        indexes = [models.Index(fields=["user", "rule", "day"])]

    def __str__(self):
        return f"{self.rule_id} {self.points:+d} ({self.ref})"


class PointTally(models.Model):
    """Points per member and period (day, week, month, year, all time), kept with each
    ledger entry in the same transaction: leaderboards read these, not the ledger. The
    branch path is copied in so a subtree's ranking is one prefix range."""

    PERIODS = ["day", "week", "month", "year", "all"]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("orgs.OrganisationPage", on_delete=models.CASCADE, related_name="+")
    branch_path = models.CharField(max_length=255)
    period = models.CharField(max_length=5)
    starts = models.DateField()
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period", "starts"], name="one_tally")
        ]
        indexes = [models.Index(fields=["period", "starts", "branch_path", "-points"])]

    def __str__(self):
        return f"{self.period} {self.starts}: {self.points}"


# --- quizzes -------------------------------------------------------------------------


class Question(models.Model):
    SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "truefalse"
    KINDS = [(SINGLE, _("单选")), (MULTIPLE, _("多选")), (TRUE_FALSE, _("判断"))]
    # The two choices every true/false question gets (quizzes.parse_question).
    TRUE_FALSE_CHOICES = [gettext_noop("正确"), gettext_noop("错误")]

    kind = models.CharField("题型", max_length=10, choices=KINDS)
    text = models.TextField("题目")
    choices = models.JSONField("选项", default=list)
    answer = models.JSONField("答案", default=list, help_text="正确选项的序号（从 0 起）")
    explanation = models.TextField("解析", blank=True)
    category = models.CharField("分类", max_length=40, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题库"

    def __str__(self):
        return self.text[:40]


class Quiz(ClusterableModel):
    title = models.CharField("名称", max_length=120)
    time_limit_s = models.PositiveIntegerField("答题时限（秒）", default=600)
    daily_for = models.DateField("每日一练日期", null=True, blank=True, unique=True, editable=False)

    panels = [
        FieldPanel("title"),
        FieldPanel("time_limit_s"),
        InlinePanel("entries", heading="题目", label="题目", min_num=1),
    ]

    class Meta:
        verbose_name = "测验"
        verbose_name_plural = "测验"

    def __str__(self):
        return self.title

    @staticmethod
    def daily_title(day):
        return f"每日一练 {day:%Y-%m-%d}"

    @property
    def public_title(self):
        """The title members see: a 每日一练's title as made (daily_title) in the page's
        language, any other title as written."""
        if self.daily_for and self.title == self.daily_title(self.daily_for):
            return gettext("每日一练 %(day)s") % {"day": f"{self.daily_for:%Y-%m-%d}"}
        return self.title


class QuizEntry(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="entries")
    question = models.ForeignKey(Question, verbose_name="题目", on_delete=models.CASCADE)
    panels = [FieldPanel("question")]


class QuizAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict)
    correct = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    score = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "答题记录"
        verbose_name_plural = "答题记录"
        indexes = [models.Index(fields=["user", "quiz", "-started_at"])]

    def __str__(self):
        return f"{self.quiz_id}: {self.score}"
