from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites_app"
    label = "sites"
    verbose_name = "Sites"
