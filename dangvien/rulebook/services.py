"""Writes to the rulebook: a new version of a rule from a date. Versions are never edited
or deleted: a mistaken version is superseded by another with the same date's correction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, audit_record
from dangvien.lib.errors import Problem, raise_if
from dangvien.lib.selectors import is_national_administrator
from dangvien.rulebook.models import RuleVersion
from dangvien.rulebook.selectors import rules_forget


def rule_version_add(
    *, acting_user: Actor, key: str, effective_from: date, value: Any, source: str, title: str = ""
) -> RuleVersion:
    """Add a version of an existing rule (national administrators: the rules are national)."""
    with transaction.atomic():
        if acting_user is not None and not is_national_administrator(acting_user):
            raise PermissionDenied(_("Chỉ quản trị cấp Trung ương mới sửa quy định."))
        latest = RuleVersion.objects.filter(key=key).order_by("-effective_from").first()
        problems: list[Problem] = []
        if latest is None:
            problems.append(Problem("key", _("Không có quy định %(key)s.") % {"key": key}))
        elif type(value) is not type(latest.value):
            problems.append(Problem("value", _("Giá trị phải cùng kiểu với các phiên bản trước.")))
        if not source.strip():
            problems.append(Problem("source", _("Cần ghi văn bản căn cứ.")))
        if RuleVersion.objects.filter(key=key, effective_from=effective_from).exists():
            problems.append(Problem("effective_from", _("Đã có phiên bản hiệu lực từ ngày này.")))
        raise_if(problems)
        assert latest is not None
        version = RuleVersion.objects.create(
            key=key,
            effective_from=effective_from,
            value=value,
            title=title.strip() or latest.title,
            source=source.strip(),
        )
        rules_forget()
        audit_record(
            actor=acting_user,
            action="rule.version",
            target=version,
            unit=None,
            changes={"value": [latest.value, value], "effective_from": [None, effective_from]},
        )
        return version
