"""组织生活 in the admin: meeting records, each view kept to what the user may see
(orglife/visibility.py): a record outside answers 404 on every view of one record and is
absent from the list. The organisation's own editors add and edit; reviewers and the
levels above read (inspect) only. Attendee choices are the record's organisation's
members; the directives offered are those that reach the user's organisations."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.templatetags.wagtailcore_tags import richtext

from content.cascade import visible_directives
from content.models import DirectivePage
from sites.admin_scope import SubtreePermissionPolicy, SubtreeSnippetViewSet, in_subtrees
from sites.models import OrganisationPage
from sites.tree import ancestor_paths, below_path_q, parent_title

from . import rules, tallies
from .import_views import IMPORT_URL
from .imports import can_import
from .members import members_of
from .models import MeetingRecord, MeetingType
from .public_summary_views import summary_button
from .quick_record import may_record
from .quick_record_views import FORM_URL as QUICK_RECORD_URL
from .visibility import SCOPE_FIELD, can_edit, organisations_edited, organisations_seen

WRITE_ACTIONS = {"change", "delete"}


def checked_inline_form(base, field, check, organisation_of):
    """`base` (an inline's form class) whose `field` is also checked by `check(value,
    organisation)` against the organisation the record form has chosen; the rule's
    message is shown at the field."""

    def clean(form):
        cleaned = base.clean(form)
        organisation = organisation_of()
        value = cleaned.get(field)
        if organisation is not None and value is not None:
            try:
                check(value, organisation)
            except forms.ValidationError as error:
                form.add_error(field, error.message_dict[field])
        return cleaned

    return type(base.__name__, (base,), {"clean": clean})


class RecordPermissionPolicy(SubtreePermissionPolicy):
    """Seeing: the subtree rule. Changing and deleting: the organisation's own editors."""

    def user_has_permission_for_instance(self, user, action, instance):
        allowed = super().user_has_permission_for_instance(user, action, instance)
        if allowed and action in WRITE_ACTIONS:
            return can_edit(user, instance)
        return allowed

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)


def directives_reaching(organisations):
    paths = {p for o in organisations for p in ancestor_paths(o.path, inclusive=True)}
    return (
        DirectivePage.objects.live()
        .filter(issuing_organisation__path__in=paths)
        .order_by("-issued_at", "-pk")
    )


class RecordForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if self.instance.pk:
            organisations = [self.instance.organisation]
        elif for_user is not None and for_user.is_superuser:
            organisations = list(OrganisationPage.objects.filter(depth=2))
        else:
            organisations = list(organisations_edited(for_user)) if for_user else []
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = (
                OrganisationPage.objects.filter(pk__in=[o.pk for o in organisations])
                if not (for_user and for_user.is_superuser)
                else OrganisationPage.objects.all()
            )
            if len(organisations) == 1:
                self.fields["organisation"].initial = organisations[0].pk
        meeting_type = self.fields.get("meeting_type")
        if meeting_type is not None:
            # Every record has a type: the choices start with the first, never "---------".
            meeting_type.empty_label = None
            if not self.instance.pk and not self.is_bound:
                self.initial.setdefault("meeting_type", MeetingType.objects.first())
        if "directives" in self.fields:
            self.fields["directives"].queryset = (
                visible_directives(organisations[0])
                if self.instance.pk
                else directives_reaching(organisations)
            )
        members = members_of(organisations).order_by("name", "pk")
        formset = self.formsets.get("attendances")
        if formset is not None:
            base = checked_inline_form(
                formset.form, "member", rules.check_member_of, self.chosen_organisation
            )

            def __init__(form, *a, **kw):
                base.__init__(form, *a, **kw)
                form.fields["member"].queryset = members

            formset.form = type("AttendanceForm", (base,), {"__init__": __init__})

        photos = self.formsets.get("photos")
        if photos is not None:
            photos.form = checked_inline_form(
                photos.form, "image", rules.check_in_collection, self.chosen_organisation
            )

    def chosen_organisation(self):
        chosen = getattr(self, "cleaned_data", {}).get("organisation")
        return chosen or (self.instance.organisation if self.instance.organisation_id else None)

    def clean(self):
        cleaned = super().clean()
        organisation = self.chosen_organisation()
        directives = cleaned.get("directives")
        if organisation is not None and directives:
            try:
                rules.check_directives(directives, organisation)
            except forms.ValidationError as error:
                self.add_error(None, error.message_dict["directives"])
        return cleaned


class TalliedSaveMixin:
    """The record, its attendances and the tallies in one transaction."""

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            tallies.sync(instance.pk)
        return instance


class OwnEditorsOnlyMixin:
    """Changing or deleting one record: its organisation's own editors only (Wagtail's
    edit and delete views check the model permission alone); the others may inspect."""

    def dispatch(self, request, *args, **kwargs):
        record = self.get_object()
        if not can_edit(request.user, record):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SummaryButtonMixin:
    """发布公开摘要 (or 查看公开摘要) in the header of a record's edit and inspect views."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        button = summary_button(self.request.user, self.object)
        if button is not None:
            buttons.append(button)
        return buttons


class RecordIndexView(IndexView):
    """The list, with 快速记录 and 导入 beside 添加记录 for those who record and import;
    short labels, so the three still fit a phone's header."""

    add_item_label = _("添加记录")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if may_record(self.request.user):
            buttons.append(
                HeaderButton(
                    _("快速记录"),
                    url=reverse(QUICK_RECORD_URL),
                    icon_name="mobile-alt",
                    attrs={"data-testid": "quick-record-button"},
                )
            )
        if can_import(self.request.user):
            buttons.append(HeaderButton(_("导入"), url=reverse(IMPORT_URL), icon_name="upload"))
        return buttons


class RecordInspectView(SummaryButtonMixin, InspectView):
    def get_minutes_display_value(self):
        """The minutes as the rich text they are (the generic view shows their markup)."""
        return richtext(self.object.minutes) if self.object.minutes else "-"


class RecordCreateView(TalliedSaveMixin, CreateView):
    def get_initial(self):
        """`?directive=<id>&type=<code>` (the directive page's 填写传达学习记录) fills in
        the type, the directive and the topic; a directive that does not reach the
        user's organisations, or an unknown type, is left out."""
        initial = super().get_initial()
        code = self.request.GET.get("type", "")
        meeting_type = MeetingType.objects.filter(code=code).first() if code else None
        if meeting_type is not None:
            initial["meeting_type"] = meeting_type.pk
        directive_id = self.request.GET.get("directive", "")
        if directive_id.isdigit():
            user = self.request.user
            organisations = (
                list(OrganisationPage.objects.filter(depth=2))
                if user.is_superuser
                else list(organisations_edited(user))
            )
            directive = directives_reaching(organisations).filter(pk=directive_id).first()
            if directive is not None:
                initial["directives"] = [directive.pk]
                initial["topic"] = _("传达学习《%(title)s》") % {"title": directive.title}
        return initial

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class RecordEditView(OwnEditorsOnlyMixin, SummaryButtonMixin, TalliedSaveMixin, EditView):
    pass


class RecordDeleteView(OwnEditorsOnlyMixin, DeleteView):
    pass


def organisations_filtered(request):
    """The organisations the filter offers: those whose records the user sees."""
    if request is None:
        return OrganisationPage.objects.none()
    if request.user.is_superuser:
        return OrganisationPage.objects.all()
    return in_subtrees(
        OrganisationPage.objects.all(), list(organisations_seen(request.user)), "path"
    )


MONTHS = [(m, _("%(month)s月") % {"month": m}) for m in range(1, 13)]


class RecordFilterSet(WagtailFilterSet):
    meeting_type = django_filters.ModelChoiceFilter(
        label=_("类型"), queryset=MeetingType.objects.all()
    )
    year = django_filters.NumberFilter(label=_("年份"), field_name="held_at", lookup_expr="year")
    month = django_filters.ChoiceFilter(
        label=_("月份"), choices=MONTHS, field_name="held_at", lookup_expr="month"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("组织"), queryset=organisations_filtered, method="in_organisation"
    )

    def in_organisation(self, queryset, name, value):
        return queryset.filter(below_path_q(value.path, inclusive=True, field=SCOPE_FIELD))

    class Meta:
        model = MeetingRecord
        fields = []


def organisation_with_parent(record):
    """银河社区 › 银河社区第一党支部: branches of different communities share names."""
    above = getattr(record, "organisation_above", None)
    name = record.organisation.title
    return f"{above} › {name}" if above else name


class MeetingRecordViewSet(SubtreeSnippetViewSet):
    """Every view of records (list, inspect, edit, delete, history, usage, the chooser …)
    keeps to what the user sees; writing to the organisation's own editors."""

    model = MeetingRecord
    scope_field = SCOPE_FIELD
    scope_organisations = staticmethod(organisations_seen)
    icon = "calendar-alt"
    menu_label = _("组织生活记录")
    index_view_class = RecordIndexView
    inspect_view_class = RecordInspectView
    add_view_class = RecordCreateView
    edit_view_class = RecordEditView
    delete_view_class = RecordDeleteView
    inspect_view_enabled = True
    copy_view_enabled = False  # a copy would skip the form's checks of its attendees
    inspect_view_fields = [
        "organisation",
        "meeting_type",
        "held_at",
        "place",
        "host",
        "topic",
        "minutes",
        "resolutions",
        "directives",
    ]
    list_display = [
        "topic",
        "meeting_type",
        Column("organisation", label=_("组织"), accessor=organisation_with_parent),
        "held_at",
    ]
    filterset_class = RecordFilterSet
    search_fields = ["topic"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("organisation"), FieldPanel("meeting_type")]),
            FieldRowPanel([FieldPanel("held_at"), FieldPanel("place"), FieldPanel("host")]),
            FieldPanel("topic"),
            InlinePanel(
                "attendances",
                label=_("出勤"),
                panels=[FieldPanel("member"), FieldPanel("status"), FieldPanel("reason")],
            ),
            FieldPanel("minutes"),
            FieldPanel("resolutions"),
            FieldPanel("directives", widget=forms.CheckboxSelectMultiple),
            InlinePanel(
                "photos", label=_("照片"), panels=[FieldPanel("image"), FieldPanel("caption")]
            ),
            InlinePanel("attachments", label=_("附件"), panels=[FieldPanel("document")]),
        ],
        base_form_class=RecordForm,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        register_permission_policy(
            self.model, RecordPermissionPolicy(self.model, self.scope), exact_class=True
        )

    def get_queryset(self, request):
        return MeetingRecord.objects.select_related("organisation", "meeting_type").annotate(
            organisation_above=parent_title("organisation__path")
        )
