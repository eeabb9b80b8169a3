from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operating the system: backup and restore."""

    name = "dangvien.ops"
    verbose_name = _("Vận hành")
