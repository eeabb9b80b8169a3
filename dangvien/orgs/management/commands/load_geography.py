from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from dangvien.orgs import geography
from dangvien.orgs.services import units_bulk_create


class Command(BaseCommand):
    help = "Tạo 34 đảng bộ tỉnh, thành phố và 3.321 đảng bộ xã, phường, đặc khu (từ 01/7/2025)."

    def handle(self, *args: Any, **options: Any) -> None:
        specs = geography.all_specs()
        with transaction.atomic():
            geography.ensure_central()
            created = units_bulk_create(specs=specs, decision=geography.REFORM_DECISION)
        self.stdout.write(
            f"Đã tạo {created} đơn vị; {len(specs) - created} đơn vị đã có, giữ nguyên."
        )
