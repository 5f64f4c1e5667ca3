"""快速记录 in the admin (thin views over orglife/quick_record.py): the form, the choice of
organisation for those who record for several, and the screen that says what was saved."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component

from sites import organisation_picker

from . import quick_record as qr
from .admin_screens import PhoneScreen
from .visibility import can_edit, records_visible_to

FORM_URL = "orglife_quick_record"
DONE_URL = "orglife_quick_record_done"


class QuickRecordView(PhoneScreen):
    page_title = gettext_lazy("快速记录")
    template_name = "orglife/admin/quick_record.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request):
        user = request.user
        if "org" in request.GET:
            org = qr.organisation_for(user, request.GET["org"])
            if org is None:
                return self.forbidden(_("您不能为这个组织记录组织生活。"))
        else:
            org = None if "choose" in request.GET else qr.default_organisation(user)
            if org is None:
                return self.choose_organisation(user)
        return self.show(org, qr.blank(org))

    def post(self, request):
        org = qr.organisation_for(request.user, request.POST.get("organisation"))
        if org is None:
            return self.forbidden(_("您不能为这个组织记录组织生活。"))
        result = qr.attempt(request.user, org, request.POST, request.FILES)
        if result.record is not None:
            return redirect(DONE_URL, result.record.pk)
        return self.show(org, result)

    def choose_organisation(self, user):
        return self.render(
            organisation_picker.TEMPLATE,
            **organisation_picker.picker_context(
                qr.organisations_for(user),
                self.request.GET.get("q", ""),
                question=_("为哪个组织记录？"),
                empty=_("您还没有可以记录组织生活的组织。请联系上级组织的管理员为您开通编辑权限。"),
            ),
        )

    def show(self, org, result):
        several = qr.organisations_for(self.request.user)[:2].count() > 1
        return self.render(
            self.template_name,
            organisation=org,
            result=result,
            form=result.form,
            several=several,
            form_url=reverse(FORM_URL),
        )


class QuickRecordDoneView(PhoneScreen):
    page_title = gettext_lazy("已保存")
    template_name = "orglife/admin/quick_record_done.html"

    def get(self, request, pk):
        record = get_object_or_404(records_visible_to(request.user), pk=pk)
        if not can_edit(request.user, record):
            return self.forbidden(_("只有本组织的编辑可以查看这个页面。"))
        return self.render(
            self.template_name,
            record=record,
            counts=qr.tally(record),
            photos=record.photos.count(),
            again_url=f"{reverse(FORM_URL)}?org={record.organisation_id}",
        )


class QuickRecordPanel(Component):
    """The 快速记录 button on the admin home (construct_homepage_panels)."""

    name = "quick_record"
    template_name = "orglife/admin/quick_record_panel.html"
    order = 1

    class Media:
        css = {"all": ["sites/mobile_form.css"]}

    def get_context_data(self, parent_context):
        return {"url": reverse(FORM_URL)}
