"""打印手册 in the 组织生活 admin: choose an organisation (those whose records the user
sees: its own and those below) and a year, get the 工作手册 PDF — at once for a small
year, after a status page that polls the build's progress for a large one. A build of an
organisation the user may not see answers 404, its status and its file alike."""

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale

from base.admin import ForbiddenMixin

from .admin_views import organisations_filtered
from .handbook_builds import (
    MIN_YEAR,
    builds_visible_to,
    check_year,
    filename,
    request_handbook,
)
from .models import HandbookBuild
from .visibility import organisations_seen

FORM_URL = "orglife_handbook"
STATUS_URL = "orglife_handbook_status"
FILE_URL = "orglife_handbook_file"


def can_print(user):
    """Whoever sees records: the editors and reviewers of an organisation (and above)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisations_seen(user).exists()


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        return f"{organisation.title}（{organisation.code}）"


class HandbookForm(forms.Form):
    organisation = OrganisationChoice(
        label=_("组织"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("请选择您可以查看的组织。")},
    )
    year = forms.CharField(label=_("年度"), max_length=4)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        # The source pages only (a translated organisation keeps its records there).
        choices = organisations_filtered(request).filter(locale=Locale.get_default())
        choices = choices.order_by("path")
        self.fields["organisation"].queryset = choices
        self.fields["organisation"].widget.attrs["style"] = "max-width: calc(100vw - 2.5rem)"
        if not self.is_bound:
            own = organisations_seen(request.user).order_by("depth", "path").first()
            self.fields["organisation"].initial = own.pk if own else None
            self.fields["year"].initial = timezone.localdate().year
        self.fields["year"].widget = forms.NumberInput(
            attrs={"min": MIN_YEAR, "max": timezone.localdate().year, "inputmode": "numeric"}
        )

    def clean_year(self):
        try:
            return check_year(self.cleaned_data["year"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class HandbookView(ForbiddenMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "orglife/admin/handbook_form.html"
    page_title = _("打印手册")
    header_icon = "doc-full"
    form_class = HandbookForm
    forbidden_message = _("只有组织的编辑和审核人员可以打印工作手册。")

    def has_permission(self, user):
        return can_print(user)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        limit = settings.PORTAL_HANDBOOK_INLINE_RECORDS
        return super().get_context_data(inline_limit=limit, **kwargs)

    def form_valid(self, form):
        build = request_handbook(
            form.cleaned_data["organisation"], form.cleaned_data["year"], self.request.user
        )
        if build.status == HandbookBuild.DONE:
            return redirect(FILE_URL, build.pk)
        return redirect(STATUS_URL, build.pk)


class HandbookStatusView(WagtailAdminTemplateMixin, TemplateView):
    """The build's state and progress; reloads itself every few seconds while under way."""

    template_name = "orglife/admin/handbook_status.html"
    page_title = _("工作手册生成进度")
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(FORM_URL), "label": _("打印手册")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        build = get_object_or_404(builds_visible_to(self.request.user), pk=kwargs["build_id"])
        return super().get_context_data(
            build=build,
            under_way=build.status in (HandbookBuild.QUEUED, HandbookBuild.RUNNING),
            file_url=reverse(FILE_URL, args=[build.pk]),
            form_url=reverse(FORM_URL),
            **kwargs,
        )


def file_view(request, build_id):
    build = get_object_or_404(builds_visible_to(request.user), pk=build_id)
    if build.status != HandbookBuild.DONE or not build.file:
        raise Http404
    return FileResponse(
        build.file.open("rb"),
        as_attachment=True,
        filename=filename(build),
        content_type="application/pdf",
    )
