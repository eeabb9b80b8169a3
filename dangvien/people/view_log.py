"""The confidential-file view log: writing a row when a view shows a person's file, and the
filter of the administrators' page that lists the rows.

What is logged (each on GET, in the request that shows it):

| view | kind | person | count |
|---|---|---|---|
| the person's page and its action pages (`/nguoi/<id>/…`) | page | the person | 1 |
| the admission case page (`/ket-nap/<id>/`) | case | the candidate | 1 |
| a filled form of the case (Word/PDF) | form | the candidate | 1 |
| a file attached to a step of the case | attachment | the candidate | 1 |
| the register of members of a unit (`/nguoi/so/<unit>/`) | register | — | rows shown |
| the Excel export of the people list (`/nguoi/xuat/`) | export | — | rows written |

Not logged: the paginated people list and search (names and a few columns, the way to find a
file, not the file), reports (counts), and a POST that fails validation (it shows again the
form its GET logged). The service that handles a successful POST writes an audit event.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

from dangvien.accounts.context import current_request
from dangvien.lib.forms import DATE_WIDGET
from dangvien.orgs.models import Unit
from dangvien.people.models import FileView, FileViewKind, Person


def file_view_record(
    *,
    viewer: AbstractBaseUser | AnonymousUser,
    kind: FileViewKind,
    unit: Unit,
    person: Person | None = None,
    detail: str = "",
    count: int = 1,
) -> FileView:
    """One INSERT and nothing else: ids the view already holds, the address and request id
    that the request middleware noted for the audit trail.

    Not a service in the usual sense (no lock, no audit event): a read log must not cost a
    page more than a row, and it is itself the record.
    """
    if viewer.pk is None:
        # Every page that shows a file requires a login; an anonymous read is a bug.
        raise ValueError("a file view needs a signed-in viewer")
    request = current_request()
    return FileView.objects.create(
        viewer_id=viewer.pk,
        person_id=person.pk if person is not None else None,
        unit_id=unit.pk,
        kind=kind,
        detail=detail[:300],
        count=count,
        ip_address=request.ip_address if request else None,
        request_id=request.request_id if request else "",
    )


class FileViewFilterForm(forms.Form):
    """GET parameters of the log page: the viewer's user name, one person, a date range."""

    nguoi_xem = forms.CharField(
        label=_("Người xem (tên đăng nhập)"), required=False, max_length=150
    )
    ho_so = forms.IntegerField(label=_("Mã hồ sơ"), required=False, min_value=1)
    tu_ngay = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE_WIDGET)
    den_ngay = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end and start > end:
            raise forms.ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
        return data
