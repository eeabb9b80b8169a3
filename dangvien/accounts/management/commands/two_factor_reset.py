from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.accounts.selectors import two_factor_required_for
from dangvien.accounts.services import two_factor_reset


class Command(BaseCommand):
    help = _(
        "Xóa ứng dụng xác thực và mã khôi phục của một người dùng đã mất cả hai "
        "(người đó cài lại ở lần đăng nhập sau nếu vai trò bắt buộc)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(
                _("Không có người dùng %(name)s.") % {"name": options["username"]}
            ) from None
        two_factor_reset(acting_user=None, user=user)
        self.stdout.write(_("Đã xóa xác thực hai bước của %(name)s.") % {"name": user.username})
        if two_factor_required_for(user):
            self.stdout.write(
                _(
                    "Vai trò của người này bắt buộc xác thực hai bước: "
                    "sẽ cài lại ở lần đăng nhập sau."
                )
            )
