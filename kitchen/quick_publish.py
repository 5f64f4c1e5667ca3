"""快速发布: one news item with photos from a phone, from the admin home to 已提交 in three taps.

What it does, in the order the view calls it:

- `organisations_for(user)`: the organisations the user may add pages to (the subtree rule:
  the organisations at and below the pages their groups hold "add" on; all for
  superusers), in the default language only.
- `columns_for(org)`: the organisation's own columns that take one kind of item, by their
  purpose (ColumnPage.purpose, set by the skeletons): its 动态 column (支部动态, 社区动态 …)
  and the columns below it (两学一做 › 学习方案 …) take 文章 (ArticlePage), 党务公开 takes
  公开事项 (DisclosurePage), 通知公告 takes 通知 (NoticePage) — the first page type of the
  purpose in sites/column_types.py, the table the page editor's rule reads too. A
  sibling's or a parent's column is never among them.
- `store_photo(...)` (sites/camera_photos.py): each photo through Wagtail's own image
  form (format, size and pixel limits, collection permission), into the organisation's
  collection, its 图片说明 stored as the image's title and description (description is
  Wagtail's alt text, which 自动校对 checks).
- `build_page(...)`: the unsaved page — plain text as paragraphs, the first photo as the
  cover of an article (with its 图片说明 as alt text), the other photos (all of them for
  notices and disclosure items, which have no cover) in the body.
- `proofread(page)`: 自动校对's own checks (kitchen/proofreading.py) on that unsaved page,
  each finding with the field it concerns and what to change.
- `submit(...)`: what 提交审核 in the page editor does (content/quick_pages.py) — add the
  page as a draft, save a revision as the user, start the organisation's workflow — then
  the column is remembered for the user's next visit (QuickPublishChoice, in the
  database); what came of it is kitchen/review_messages.outcome_of, as the page editor
  says it.

When proofreading (or the form) finds something, nothing is created: no page, no revision,
no workflow. The photos already checked are kept as images of the organisation's
collection and shown again with the form (referenced by id), so nothing typed or taken is
lost; an abandoned attempt leaves them in the collection's media library.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission

from content.models import ArticlePage, DisclosurePage
from content.quick_pages import image_embed, paragraphs, submit_for_review
from sites.camera_photos import captions, collection_of, kept_images, set_caption, store_photo
from sites.column_types import ColumnPurpose, item_type
from sites.models import ColumnPage, OrganisationPage
from sites.tree import below_path_q

from .models import LexiconTerm, QuickPublishChoice
from .proofreading import check
from .quick_publish_forms import MAX_PHOTOS, QuickPublishForm

# The purposes of the columns 快速发布 posts into (each takes its purpose's item type).
QUICK_PURPOSES = (ColumnPurpose.NEWS, ColumnPurpose.DISCLOSURE, ColumnPurpose.NOTICES)


# --- where the user may post ------------------------------------------------------------


def organisations_for(user):
    """Organisations (default language) below a page the user's groups may add pages to."""
    if not (user.is_authenticated and user.is_active):
        return OrganisationPage.objects.none()
    organisations = OrganisationPage.originals()
    if user.is_superuser:
        return organisations.order_by("path")
    paths = GroupPagePermission.objects.filter(
        group__user=user, permission__codename="add_page"
    ).values_list("page__path", flat=True)
    below = Q(pk__in=[])
    for path in set(paths):
        below |= below_path_q(path, inclusive=True)
    return organisations.filter(below).order_by("path")


def may_quick_publish(user):
    """Whether 快速发布 is offered to the user (once per request and user object)."""
    if not hasattr(user, "_may_quick_publish"):
        user._may_quick_publish = organisations_for(user).exists()
    return user._may_quick_publish


def organisation_for(user, pk):
    """The organisation `pk` if the user may post there, else None."""
    try:
        return organisations_for(user).get(pk=int(pk))
    except (TypeError, ValueError, OrganisationPage.DoesNotExist):
        return None


@dataclass
class Column:
    page: ColumnPage
    label: str  # 支部动态 › 两学一做
    model: type


def columns_for(org):
    """The organisation's own columns that take articles, notices or disclosure items, in
    tree order, each with its page type."""
    steplen = OrganisationPage.steplen
    pages = {
        page.path: page
        for page in ColumnPage.objects.filter(below_path_q(org.path), purpose__in=QUICK_PURPOSES)
        .exact_type(ColumnPage)
        .order_by("path")
    }
    first = (org.depth + 1) * steplen
    columns = []
    for path, page in pages.items():
        chain = [path[:end] for end in range(first, len(path) + 1, steplen)]
        if not all(p in pages for p in chain):
            continue  # below a page that is not such a column (a child organisation …)
        names = [pages[p].title for p in chain]
        model = apps.get_model(item_type(page.purpose))
        columns.append(Column(page, " › ".join(names), model))
    return columns


def remembered_column(user):
    choice = QuickPublishChoice.objects.filter(user=user).select_related("column").first()
    return choice.column if choice else None


def remember_column(user, column):
    QuickPublishChoice.objects.update_or_create(user=user, defaults={"column": column})


# --- photos -----------------------------------------------------------------------------


@dataclass
class Photo:
    """A photo of the form: its image once stored, its 图片说明, or why it could not be."""

    caption: str
    image: object = None
    problems: list = field(default_factory=list)  # this photo's Problems, once checked


# collection_of, store_photo, kept_images, set_caption: sites/camera_photos.py


# --- the page ---------------------------------------------------------------------------


def build_page(model, title, text, photos, owner):
    """The unsaved page, as the editor would have made it."""
    images = [(p.image, p.caption) for p in photos if p.image is not None]
    page = model(title=title, owner=owner, live=False)
    body_images = images
    if model is ArticlePage and images:
        page.cover = images[0][0]
        page.cover.description = images[0][1]  # the alt text proofreading reads
        body_images = images[1:]
    page.body = paragraphs(text) + "".join(image_embed(img, alt) for img, alt in body_images)
    if model is DisclosurePage:
        page.category = DisclosurePage.Category.OTHER
        page.period = period_of(timezone.localdate())
    return page


def period_of(day):
    quarter = (day.month - 1) // 3 + 1
    return _("%(year)s年第%(quarter)s季度") % {"year": day.year, "quarter": quarter}


# --- proofreading -----------------------------------------------------------------------


@dataclass
class Problem:
    """A proofreading finding as the form shows it: where, what, and what to change."""

    target: str  # "title", "text", "photo-<n>" (0-based) or "" for the whole item
    message: str
    advice: str
    excerpt: str = ""
    blocking: bool = True


WORD_KINDS = {"banned", "sensitive", "wrong"}


def proofread(page, photos):
    """自动校对's checks on the unsaved page, as Problems (blocking ones first)."""
    findings = check(page)
    notes = dict(
        LexiconTerm.objects.filter(
            word__in=[f.word for f in findings if f.kind in WORD_KINDS and f.word]
        ).values_list("word", "note")
    )
    stored = [p for p in photos if p.image is not None]
    problems = []
    for finding in findings:
        target = {"标题": "title", "正文": "text"}.get(finding.field, "")
        if finding.kind == "alt":
            # 封面 is the first photo; a body image is one of the others.
            covered = isinstance(page, ArticlePage) and page.cover is not None
            index = 0 if finding.field == "封面" else first_uncaptioned(stored, covered)
            target = f"photo-{index}"
            message = _("图片缺少说明：第 %(n)s 张") % {"n": index + 1}
            advice = _("用一句话写出照片里是什么，例如“支部党员在社区开展义诊”。")
        elif finding.kind == "wrong":
            message = finding.message
            advice = _("把“%(wrong)s”改为“%(right)s”。") % {
                "wrong": finding.word,
                "right": finding.right,
            }
        elif finding.kind in ("banned", "sensitive"):
            message = finding.message
            note = notes.get(finding.word, "")
            if finding.kind == "banned":
                advice = _("删去或改写“%(word)s”。") % {"word": finding.word}
            else:
                advice = _("请确认用词；不影响提交。")
            if note:
                advice = f"{advice}{_('建议：')}{note}"
        else:
            message = finding.message
            advice = _("在页面编辑器中修改后再提交。")
        problems.append(
            Problem(target, message, advice, excerpt=finding.text, blocking=finding.blocking)
        )
    problems.sort(key=lambda p: not p.blocking)
    return problems


def first_uncaptioned(stored, covered):
    """The 0-based number of the first body photo without a caption (after the cover)."""
    start = 1 if covered else 0
    for n, photo in enumerate(stored[start:], start):
        if not (photo.caption or "").strip():
            return n
    return start


# --- submitting -------------------------------------------------------------------------


@transaction.atomic
def submit(page, column, user):
    """Submit the page for review (content/quick_pages.submit_for_review) and remember the
    column for the user's next visit."""
    state = submit_for_review(page, column, user)
    remember_column(user, column)
    return state


# --- one attempt, from the POST to the outcome ------------------------------------------


@dataclass
class Attempt:
    """What a POST came to: the form and photos to show again with their problems, or the
    submitted page. `refused`: the column is not the organisation's (nothing written)."""

    form: QuickPublishForm
    photos: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # messages about photos that are gone
    problems: list = field(default_factory=list)
    page: object = None
    refused: bool = False

    @property
    def blocking(self):
        return [p for p in self.problems if p.blocking]

    def problems_for(self, target):
        return [p for p in self.problems if p.target == target]


def blank_form(org, columns, column=None):
    initial = {"organisation": org.pk}
    if column is not None:
        initial["column"] = column.pk
    return QuickPublishForm(initial=initial, columns=columns)


def attempt(user, org, data, files):
    """Check everything, keep the photos, proofread, and submit only if all is well."""
    columns = columns_for(org)
    form = QuickPublishForm(data, columns=columns)
    valid = form.is_valid()
    column = form.chosen_column()
    if column is None:
        return Attempt(form, refused=True)  # a foreign or missing column: write nothing
    title = form.cleaned_data.get("title", "")
    collection = collection_of(org)
    photos, errors = [], []
    kept = kept_images(data.getlist("kept_image"), collection, user)
    for image, caption in zip(
        kept, pad(captions(data.getlist("kept_caption")), len(kept)), strict=True
    ):
        if caption:
            set_caption(image, caption)
        photos.append(Photo(caption, image))
    uploads = files.getlist("photos")
    typed = data.getlist("photo_caption")
    # Without the page's script no caption is sent: the title stands in, as it would.
    filler = title if len(typed) < len(uploads) else ""
    if len(photos) + len(uploads) > MAX_PHOTOS:
        errors.append(_("一次最多 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        uploads = uploads[: max(MAX_PHOTOS - len(photos), 0)]
    new_captions = pad(captions(typed), len(uploads), filler)
    for n, (upload, caption) in enumerate(zip(uploads, new_captions, strict=True), len(kept) + 1):
        image, upload_errors = store_photo(upload, caption or title, collection, user)
        if image is None:
            errors.append(
                _("第 %(n)s 张照片无法使用（%(reason)s），请重新添加。")
                % {"n": n, "reason": "；".join(upload_errors)}
            )
            continue
        photos.append(Photo(caption, image))
    result = Attempt(form, photos, errors)
    result.problems = [
        Problem(
            f"photo-{n}",
            _("图片缺少说明：第 %(n)s 张") % {"n": n + 1},
            _("用一句话写出照片里是什么，例如“支部党员在社区开展义诊”。"),
        )
        for n, photo in enumerate(photos)
        if not photo.caption
    ]
    if valid and not errors:  # proofread even when a caption is missing: all at once
        page = build_page(column.model, title, form.cleaned_data["text"], photos, user)
        flagged = {p.target for p in result.problems}
        result.problems += [p for p in proofread(page, photos) if p.target not in flagged]
    for n, photo in enumerate(photos):
        photo.problems = result.problems_for(f"photo-{n}")
    if not valid or errors or result.blocking:
        return result
    submit(page, column.page, user)
    result.page = page
    return result


def pad(values, length, filler=""):
    return (list(values) + [filler] * length)[:length]
