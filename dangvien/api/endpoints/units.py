"""The organisation tree: units (filtered, paged) and the tree as it stood on a day."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from dangvien.accounts.selectors import unit_get_for_user, units_visible_to
from dangvien.api.auth import READ_AUTH
from dangvien.api.outputs import unit_out
from dangvien.api.pagination import DEFAULT_LIMIT, Keyset, keyset_page
from dangvien.api.schemas import (
    FIRST_DAY,
    LAST_DAY,
    Cursor,
    Id,
    Limit,
    Text,
    TreeOut,
    UnitOut,
    UnitPage,
    answers,
)
from dangvien.lib.vntext import fold
from dangvien.orgs.models import UnitKind
from dangvien.orgs.selectors import tree_children, tree_roots

router = Router(tags=["Tổ chức"])


@router.get("/units", response=answers(200, UnitPage), auth=READ_AUTH, summary="Danh sách đơn vị")
def units_list(
    request: HttpRequest,
    parent: Annotated[Id | None, Query(description="Chỉ các đơn vị trực thuộc đơn vị này.")] = None,
    under: Annotated[
        Id | None, Query(description="Chỉ các đơn vị trong cây của đơn vị này.")
    ] = None,
    kind: UnitKind | None = None,
    active: Annotated[
        bool | None, Query(description="Còn hoạt động (chưa giải thể, sáp nhập).")
    ] = None,
    q: Annotated[
        Text, Query(default="", max_length=120, description="Tên hoặc mã, không cần dấu.")
    ] = "",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    units = units_visible_to(request.user)
    if parent is not None:
        units = units.filter(parent=unit_get_for_user(request.user, parent))
    if under is not None:
        units = units.filter(path__startswith=unit_get_for_user(request.user, under).path)
    if kind is not None:
        units = units.filter(kind=kind)
    if active is not None:
        units = units.filter(valid_to__isnull=active)
    for word in fold(q).split():  # as the tree page's search: every word, tone marks ignored
        units = units.filter(search_text__contains=word)
    rows, following = keyset_page(units, Keyset("sort_key", str), cursor, limit)
    return {"items": [unit_out(unit) for unit in rows], "next": following}


@router.get(
    "/units/{unit_id}", response=answers(200, UnitOut), auth=READ_AUTH, summary="Một đơn vị"
)
def unit_detail(request: HttpRequest, unit_id: Id) -> dict[str, Any]:
    return unit_out(unit_get_for_user(request.user, unit_id))


@router.get(
    "/tree",
    response=answers(200, TreeOut),
    auth=READ_AUTH,
    summary="Cây tổ chức vào một ngày: các gốc của người dùng, hoặc các con của một đơn vị",
)
def tree(
    request: HttpRequest,
    parent: Annotated[Id | None, Query(description="Đơn vị cần xem các con.")] = None,
    on: Annotated[
        date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="Mặc định hôm nay.")
    ] = None,
) -> dict[str, Any]:
    day = on or timezone.localdate()
    if parent is None:
        nodes = tree_roots(request.user, day)
    else:
        nodes = tree_children(request.user, unit_get_for_user(request.user, parent), day)
    return {"on": day, "parent_id": parent, "nodes": nodes}
