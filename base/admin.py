"""Admin pieces several apps share: a real 403 page, an all-or-nothing file import view,
menu links shown only to whom they serve, and snippet admin URLs that stay where they
were when a model moves to another app."""

from dataclasses import dataclass

from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .tables import TableError

FORBIDDEN_TEMPLATE = "base/admin/forbidden.html"


class ForbiddenMixin:
    """A real 403 page (raising PermissionDenied would become Wagtail's redirect home)."""

    forbidden_message = "您没有权限进行此操作。"

    def has_permission(self, user):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission(request.user):
            context = WagtailAdminTemplateMixin.get_context_data(
                self, message=self.forbidden_message, view=self
            )
            return TemplateResponse(request, FORBIDDEN_TEMPLATE, context, status=403)
        return super().dispatch(request, *args, **kwargs)


class FileImportView(ForbiddenMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a file (a CSV/Excel table, a word list) and import it all or nothing; each bad
    line becomes an error on the file field (`TableError`). Subclasses say who may
    (`has_permission`), what importing means (`run_import`, returning a report) and, if
    not by showing the report on the answer, what follows (`import_done`)."""

    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def run_import(self, form, upload):
        raise NotImplementedError

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            report = self.run_import(form, upload)
        except TableError as error:
            for line in error.errors:
                form.add_error("file", line)
            return self.form_invalid(form)
        return self.import_done(report)

    def import_done(self, report):
        # Shown on this response only (e.g. new members' passwords are kept nowhere).
        context = self.get_context_data(form=self.get_form_class()(**self.blank_form_kwargs()))
        return render(self.request, self.template_name, {**context, "report": report})

    def blank_form_kwargs(self):
        return {}


class KeptSnippetUrls:
    """For a SnippetViewSet whose model moved to another app: its admin URLs and URL names
    stay those of the app it came from (`kept_app_label`), so bookmarks and links keep
    working (/admin/snippets/content/device/ for screens.Device)."""

    kept_app_label = None

    @property
    def url_prefix(self):
        return f"snippets/{self.kept_app_label}/{self.model_name}"

    @property
    def url_namespace(self):
        return f"wagtailsnippets_{self.kept_app_label}_{self.model_name}"

    def get_chooser_admin_url_namespace(self):
        return f"wagtailsnippetchoosers_{self.kept_app_label}_{self.model_name}"

    def get_chooser_admin_base_path(self):
        return f"snippets/choose/{self.kept_app_label}/{self.model_name}"


class PermittedMenuItem(MenuItem):
    """A menu item shown only to the users `allowed(user)` accepts."""

    def __init__(self, label, url, allowed, **kwargs):
        super().__init__(label, url, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)


@dataclass(frozen=True)
class AdminLink:
    """An admin view of an app's own, listed after its snippets in the app's menu."""

    label: str
    url_name: str
    name: str
    icon: str
    allowed: object  # allowed(user) -> bool
    item_class: type = PermittedMenuItem


class MenuGroupWithViews(SnippetViewSetGroup):
    """A snippet menu group whose submenu ends with the app's own admin views (`links`)."""

    links = ()

    def get_submenu_items(self):
        items = super().get_submenu_items()
        for link in self.links:
            items.append(
                link.item_class(
                    link.label,
                    reverse(link.url_name),
                    link.allowed,
                    name=link.name,
                    icon_name=link.icon,
                    order=len(items) + 1,
                )
            )
        return items
