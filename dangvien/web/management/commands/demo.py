from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangvien.accounts.models import Role
from dangvien.accounts.two_factor import requirement_text
from dangvien.web import demo


class Command(BaseCommand):
    help = "Nạp thế giới mẫu (từ các báo cáo gốc) và in các tài khoản đăng nhập mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.load_demo():
            self.stdout.write("Đã nạp dữ liệu mẫu.")
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn; không nạp lại.")
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {demo.DEMO_PASSWORD}):")
        for login in demo.LOGINS:
            role = Role(login.role).label
            self.stdout.write(f"  {login.username:<20} {role:<12.12} {login.description}")
        self.stdout.write("")
        self.stdout.write(requirement_text())
