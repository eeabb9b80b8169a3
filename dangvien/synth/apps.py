from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynthConfig(AppConfig):
    """A deterministic synthetic country for benchmarks and load tests."""

    name = "dangvien.synth"
    verbose_name = _("Dữ liệu tổng hợp giả lập")
