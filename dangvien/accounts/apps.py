from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangvien.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản, phân quyền và nhật ký")

    def ready(self) -> None:
        from dangvien.accounts import signals  # noqa: F401  (connects login/logout auditing)
