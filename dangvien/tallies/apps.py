from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalliesConfig(AppConfig):
    """Counts kept per unit and period, updated in the same transaction as the events that
    change them, so dashboards read a handful of rows."""

    name = "dangvien.tallies"
    verbose_name = _("Số liệu tổng hợp")
