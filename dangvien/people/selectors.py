"""Reads of the registry, scoped to the user.

A person is visible to a user who holds a grant over their home cell, over the cell where
they are registered at residence (the residential cell's secretary sees who lives there), or
over the cell a transfer in progress is taking them to (so that cell can receive them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, grant_paths, scope_q
from dangvien.lib.vntext import fold
from dangvien.orgs.models import Unit
from dangvien.people.models import (
    Category,
    FileView,
    Person,
    ResidenceRegistration,
    Transfer,
)


def people_visible_to(user: AnyUser, min_role: int = Role.VIEWER) -> QuerySet[Person]:
    at_residence = ResidenceRegistration.objects.filter(
        scope_q(user, "unit__path", min_role), person=OuterRef("pk"), end__isnull=True
    )
    arriving = Transfer.objects.filter(
        scope_q(user, "to_unit__path", min_role),
        person=OuterRef("pk"),
        state__in=[Transfer.State.REQUESTED, Transfer.State.SENT],
    )
    return Person.objects.filter(
        Q(scope_q(user, "unit__path", min_role)) | Q(Exists(at_residence)) | Q(Exists(arriving))
    )


def person_get_for_user(user: AnyUser, pk: Any, min_role: int = Role.VIEWER) -> Person:
    """The person, or 404 when outside the user's subtrees (or not there at all)."""
    try:
        return people_visible_to(user, min_role).select_related("unit").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy người này.")) from None


def people_in_subtree(user: AnyUser, unit: Unit) -> QuerySet[Person]:
    """People whose home cell lies under `unit`, within what the user may see."""
    return Person.objects.filter(scope_q(user, "unit__path"), unit__path__startswith=unit.path)


def people_search(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Every word of the text, tone marks and đ ignored, must appear in the name."""
    for word in fold(text).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def categories(kind: str) -> QuerySet[Category]:
    return Category.objects.filter(kind=kind, active=True).order_by("rank", "code")


# --- the confidential-file view log -------------------------------------------------------


def may_read_file_views(user: AnyUser) -> bool:
    """Administrators of some unit (and superusers) read the view log; nobody else."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(role >= Role.ADMINISTRATOR for _path, role in grant_paths(user))


def file_views_visible_to(user: AnyUser) -> QuerySet[FileView]:
    """Rows about units in the user's administrator subtrees, newest first, with what the
    page shows joined in (one query per page of rows)."""
    return FileView.objects.filter(scope_q(user, "unit__path", Role.ADMINISTRATOR)).select_related(
        "viewer", "person", "unit"
    )
