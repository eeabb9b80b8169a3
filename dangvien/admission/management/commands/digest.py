from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.admission.alerts import alerts_by_unit, alerts_for


class Command(BaseCommand):
    help = "Gửi thư tóm tắt hằng ngày: việc quá hạn và sắp đến hạn trong phạm vi của từng người."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        sent = 0
        for user in User.objects.filter(is_active=True).exclude(email="").order_by("username"):
            alerts = alerts_for(user, today)
            if not alerts:
                continue
            lines = [
                _("Tóm tắt ngày %(day)s cho %(name)s:")
                % {"day": f"{today:%d/%m/%Y}", "name": user.get_full_name() or user.username}
            ]
            for group in alerts_by_unit(alerts):
                lines.append("")
                lines.append(group.unit_name)
                for alert in group.alerts:
                    state = alert.state_text(today)
                    lines.append(
                        f"  {alert.due:%d/%m/%Y} ({state}): {alert.person_name} — {alert.what}"
                    )
            overdue = sum(1 for a in alerts if a.days_left(today) < 0)
            coming = len(alerts) - overdue
            send_mail(
                subject="[dangvien] "
                + _("%(overdue)s việc quá hạn, %(coming)s việc sắp đến hạn")
                % {"overdue": overdue, "coming": coming},
                message="\n".join(lines),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
            sent += 1
        self.stdout.write(_("Đã gửi %(n)s thư.") % {"n": sent})
