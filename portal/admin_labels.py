"""Chinese labels for the admin fields and columns that Wagtail 8.0.1 and wagtail-localize
1.14.5 leave unlabelled: Django and Wagtail then make an English label from the field
name ("link_text" → "Link text"), which no catalogue can translate. Each is an upstream
gap (README, "The admin in Chinese"); where Wagtail has the words in its own catalogue
(the Site model's verbose names) they are reused.

`label_upstream_fields()` runs once, from PortalConfig.ready().
"""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

LINK_FIELDS = {
    "link_text": _("链接文字"),
    "email_address": _("电子邮件地址"),
    "subject": _("邮件主题"),
    "body": _("邮件正文"),
    "phone_number": _("电话号码"),
}


def label_link_choosers():
    """The rich text editor's link chooser forms (external, anchor, e-mail, phone)."""
    from wagtail.admin.forms import choosers

    for form in (
        choosers.ExternalLinkChooserForm,
        choosers.AnchorLinkChooserForm,
        choosers.EmailLinkChooserForm,
        choosers.PhoneLinkChooserForm,
    ):
        for name, field in form.base_fields.items():
            if name in LINK_FIELDS:
                field.label = LINK_FIELDS[name]


def label_workflow_pages():
    """The page chooser of a workflow's "assigned to" list."""
    from wagtail.admin.forms.workflows import WorkflowPageForm

    WorkflowPageForm.base_fields["page"].label = _("页面")


def label_sites_listing():
    """The sites listing's columns, in Wagtail's own words for the Site fields."""
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in ("port", "site_name", "root_page"):
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


def label_translations_report():
    """wagtail-localize's translations report: two filters and the model's name in its
    pagination ("1 translation")."""
    from wagtail.admin.paginator import WagtailPaginator
    from wagtail_localize.views.report import TranslationsReportFilterSet, TranslationsReportView

    filters = TranslationsReportFilterSet.base_filters
    filters["source_locale"].label = _("源语言")
    filters["target_locale"].label = _("目标语言")

    # The model's own verbose name stays as it is (changing it would ask for a migration
    # of wagtail-localize); the count is "1 个翻译" through the report's paginator.
    class TranslationsPaginator(WagtailPaginator):
        verbose_name = verbose_name_plural = _("个翻译")

    TranslationsReportView.paginator_class = TranslationsPaginator


def label_upstream_fields():
    label_link_choosers()
    label_workflow_pages()
    label_sites_listing()
    label_translations_report()
