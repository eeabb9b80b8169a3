from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulebookConfig(AppConfig):
    name = "dangvien.rulebook"
    verbose_name = _("Quy định")
