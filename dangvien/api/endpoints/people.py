"""People of the registry: members and candidates, filtered as on the people list."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from dangvien.accounts.selectors import unit_get_for_user
from dangvien.api.auth import READ_AUTH
from dangvien.api.outputs import person_out
from dangvien.api.pagination import DEFAULT_LIMIT, Keyset, keyset_page
from dangvien.api.schemas import Cursor, Id, Limit, PersonOut, PersonPage, Text, answers
from dangvien.orgs.models import CellKind
from dangvien.people.list_selectors import PeopleFilter, default_unit_for, people_filtered
from dangvien.people.models import Sex, Status
from dangvien.people.selectors import person_get_for_user

router = Router(tags=["Đảng viên và quần chúng"])


@router.get(
    "/people",
    response=answers(200, PersonPage),
    auth=READ_AUTH,
    summary="Danh sách đảng viên, quần chúng của một đơn vị, theo thứ tự tên tiếng Việt",
)
def people_list(
    request: HttpRequest,
    unit: Annotated[
        Id | None, Query(description="Đơn vị (cả cây); mặc định đơn vị được giao đầu tiên.")
    ] = None,
    kind: Literal["members", "candidates", "all"] = "members",
    status: Status | None = None,
    sex: Sex | None = None,
    cell_kind: CellKind | None = None,
    age_band: Literal["18-30", "31-45", "46-60", "tren-60"] | None = None,
    residence: Annotated[
        Literal["dang_ky", "cu_tru"] | None,
        Query(
            description="dang_ky: đảng viên của đơn vị đã đăng ký sinh hoạt nơi cư trú; "
            "cu_tru: đảng viên nơi khác đăng ký cư trú tại đơn vị."
        ),
    ] = None,
    q: Annotated[
        Text, Query(default="", max_length=120, description="Họ tên, không cần dấu.")
    ] = "",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    root = (
        unit_get_for_user(request.user, unit)
        if unit is not None
        else default_unit_for(request.user)
    )
    if root is None:  # a user with no grant sees nobody
        return {"items": [], "next": None}
    flt = PeopleFilter(
        kind=kind,
        status=status or "",
        cell_kind=cell_kind or "",
        sex=sex or "",
        age_band=age_band or "",
        residence=residence or "",
        q=q,
    )
    people = people_filtered(request.user, root, flt).select_related(
        "unit", "ethnicity", "general_education"
    )
    rows, following = keyset_page(people, Keyset("sort_key", str), cursor, limit)
    return {"items": [person_out(person) for person in rows], "next": following}


@router.get(
    "/people/{person_id}", response=answers(200, PersonOut), auth=READ_AUTH, summary="Một người"
)
def person_detail(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    return person_out(person_get_for_user(request.user, person_id))
