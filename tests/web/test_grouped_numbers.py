"""Counts on the pages are written with their thousands grouped as the reader's language
writes them (5.951.585 in Vietnamese, 5,951,585 in English), while the plural of the
English text still follows the number itself."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from dangvien.orgs.selectors import TreeNode


def _node(cells: int, members: int) -> TreeNode:
    return TreeNode(
        unit_id=1,
        code="TW",
        name="Trung ương",
        kind="central",
        kind_label="Trung ương",
        cell_kind_label="",
        active=True,
        has_children=True,
        cell_count=cells,
        member_count=members,
    )


def _label(language: str, cells: int, members: int) -> str:
    with translation.override(language):
        return " ".join(
            render_to_string("orgs/_node_label.html", {"node": _node(cells, members)}).split()
        )


def test_the_tree_groups_the_countrys_counts_in_vietnamese() -> None:
    label = _label("vi", 250_123, 5_951_585)
    assert "250.123 chi bộ" in label
    assert "5.951.585 đảng viên" in label


def test_the_tree_groups_them_the_english_way_and_keeps_the_plural() -> None:
    assert "5,951,585 members" in _label("en", 1, 5_951_585)
    assert "1 cell ·" in _label("en", 1, 5_951_585)
    assert "1 member" in _label("en", 2, 1)
    assert "2 cells" in _label("en", 2, 1)


def test_small_counts_are_written_as_they_were() -> None:
    label = _label("vi", 11, 463)
    assert "11 chi bộ" in label
    assert "463 đảng viên" in label


def test_the_pager_groups_the_page_and_the_number_of_pages() -> None:
    page = Paginator(range(2_000_000), 10).page(1_234)
    request = RequestFactory().get("/dang-vien/", {"trang": "1234"})
    with translation.override("vi"):
        html = render_to_string("_pager.html", {"page": page}, request=request)
    assert "Trang 1.234/200.000" in html
    # The links keep the page number as the URL reads it.
    assert "trang=1233" in html
    assert "trang=1235" in html
