from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The open API (/api/v1/): thin endpoints over the services and selectors."""

    name = "dangvien.api"
    verbose_name = _("API")
