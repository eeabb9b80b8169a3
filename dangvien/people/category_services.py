"""Writes of the category lists (dân tộc, tôn giáo, trình độ, chức danh…).

The lists are national: the same codes are used in every province's imports and reports, so
only national administrators (those who keep the working-day calendar) extend them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, audit_record
from dangvien.lib.errors import Problem, raise_if
from dangvien.lib.selectors import is_national_administrator
from dangvien.people.models import Category, CategoryKind


def _require_keeper(acting_user: Actor) -> None:
    """None is the operator's own command line and may do anything."""
    if acting_user is not None and not is_national_administrator(acting_user):
        raise PermissionDenied(_("Chỉ quản trị viên cấp toàn quốc mới sửa được danh mục."))


def _clean_aliases(aliases: str) -> str:
    lines = (" ".join(line.split()) for line in aliases.splitlines())
    return "\n".join(dict.fromkeys(line for line in lines if line))


def category_create(
    *, acting_user: Actor, kind: str, code: str, name: str, rank: int = 0, aliases: str = ""
) -> Category:
    """Add an entry to a list; it is offered on every form and accepted by the importer."""
    with transaction.atomic():
        _require_keeper(acting_user)
        code, name = code.strip(), " ".join(name.split())
        problems: list[Problem] = []
        if kind not in CategoryKind.values:
            problems.append(Problem("kind", _("Danh mục không tồn tại.")))
        if not code:
            problems.append(Problem("code", _("Chưa nhập mã.")))
        elif len(code) > 16:
            problems.append(Problem("code", _("Mã dài tối đa 16 ký tự.")))
        if not name:
            problems.append(Problem("name", _("Chưa nhập tên.")))
        elif len(name) > 120:
            problems.append(Problem("name", _("Tên dài tối đa 120 ký tự.")))
        if (
            code
            and kind in CategoryKind.values
            and Category.objects.select_for_update().filter(kind=kind, code=code).exists()
        ):
            problems.append(
                Problem(
                    "code",
                    _("Mã %(code)s đã có trong danh mục %(kind)s.")
                    % {"code": code, "kind": CategoryKind(kind).label},
                )
            )
        raise_if(problems)
        category = Category.objects.create(
            kind=kind, code=code, name=name, rank=rank, aliases=_clean_aliases(aliases)
        )
        audit_record(
            actor=acting_user,
            action="category.create",
            target=category,
            unit=None,
            changes={
                "kind": [None, kind],
                "code": [None, code],
                "name": [None, name],
                "rank": [None, rank],
                "aliases": [None, category.aliases],
            },
        )
        return category


def category_set_active(*, acting_user: Actor, category: Category, active: bool) -> Category:
    """Switch an entry in or out of use. Out of use, it is no longer offered, but the records
    that already name it keep it (entries are never deleted)."""
    with transaction.atomic():
        _require_keeper(acting_user)
        category = Category.objects.select_for_update().get(pk=category.pk)
        if category.active == active:
            return category
        before = category.active
        category.active = active
        category.save(update_fields=["active"])
        audit_record(
            actor=acting_user,
            action="category.activate" if active else "category.deactivate",
            target=category,
            unit=None,
            changes={"active": [before, active]},
        )
        return category
