from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .kinds import allowed_child_kinds, kind_not_allowed_message


class OrganisationPageForm(WagtailAdminPageForm):
    """Admin form: the kind must fit under the parent, and the code never changes."""

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk and "code" in cleaned and cleaned["code"] != instance.code:
            self.add_error("code", "组织代码创建后不能修改（站点域名和权限组依赖它）。")
        parent = self.parent_page.specific if self.parent_page else None
        kind = cleaned.get("kind")
        if parent is not None and kind and hasattr(parent, "kind"):
            if kind not in allowed_child_kinds(parent.kind):
                self.add_error("kind", kind_not_allowed_message(parent.kind, kind))
        return cleaned


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), required=False, max_length=500)
