from django.apps import AppConfig


class OrganisationSitesConfig(AppConfig):
    # The label "sites" belongs to django.contrib.sites.
    name = "sites"
    label = "orgs"
    verbose_name = "组织与站点"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import admin_filters, signals, site_index  # noqa: F401

        site_index.install_fast_page_urls()
        admin_filters.install_site_filter()
