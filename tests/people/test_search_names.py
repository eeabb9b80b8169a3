"""The name search (issue 6): each word of the query begins a word of the name, tone marks
and đ ignored; the names table it reads first is kept by every writer of a name; the same
answers on SQLite and PostgreSQL (the suite runs on both)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangvien.lib.vntext import fold
from dangvien.people import selectors
from dangvien.people.models import Person, PersonName
from dangvien.people.selectors import people_search
from dangvien.people.services import person_names_fill, person_update
from dangvien.synth.generate import Scale, plan_for
from dangvien.synth.load import load_world
from dangvien.tallies.integrity import check_integrity
from tests.conftest import World, logged_in
from tests.people.factories import make_people, make_person

pytestmark = pytest.mark.django_db

TRICKY_NAMES = [
    "Nguyễn Thúy Tình",
    "Nguyễn Thị Tính",
    "Đỗ Đức Đạt",
    "Do Duc Dat",
    "Nguyễn Văn A",
    "Nguyễn Văn A.",
    "Nguyễn Nguyễn Nguyên",
    "Trần Thị Hoa",
    "Trần Văn Hòa",
    "Hoàng Thị Trang",
    "H'Hen Niê",
    "Y Moan Ênuôl",
    "Lê 100% Minh",
    "Phạm Văn_Bình",
    "Tôn Nữ Thị Thu\\Hà",
]
TRICKY_QUERIES = [
    "nguyen thuy tinh",
    "ng thu",
    "guyen",
    "đỗ đạt",
    "do dat",
    "dd",
    "a",
    "a.",
    "nguyen nguyen",
    "an an",
    "nguyenn",
    "nguyenxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "hoa",
    "hòa tran",
    "h'hen",
    "h'",
    "'",
    "hen",
    "moan enuol",
    "100%",
    "%",
    "_",
    "van_",
    "thu\\",
    "\\",
    "tinh:*",
    "!tinh",
    "a & b",
    "thu|ha",
    "  ",
    "",
]


def expected(names: list[str], query: str) -> list[str]:
    """The meaning, in Python: each folded query word begins a word of the folded name."""
    words = fold(query).split()
    return sorted(
        n for n in names if all(any(w.startswith(q) for w in fold(n).split()) for q in words)
    )


def found(query: str) -> list[str]:
    return sorted(people_search(Person.objects.all(), query).values_list("full_name", flat=True))


def test_each_word_of_the_query_begins_a_word_of_the_name(world: World) -> None:
    make_people(world.cell_1, ["Nguyễn Thúy Tình", "Nguyễn Thị Tính", "Lê Văn Nguyên"])
    assert found("nguyen thuy tinh") == ["Nguyễn Thúy Tình"]
    assert found("ng thu") == ["Nguyễn Thúy Tình"]
    assert found("tinh nguyen") == sorted(["Nguyễn Thị Tính", "Nguyễn Thúy Tình"])
    # In the middle of a word is no longer a match (the word index holds words' beginnings).
    assert found("guyen") == []
    assert found("uyen") == []


@pytest.mark.parametrize("many_names", [False, True], ids=["by-names", "word-by-word"])
def test_the_engines_agree_with_the_meaning_on_tricky_names(
    world: World, monkeypatch: pytest.MonkeyPatch, many_names: bool
) -> None:
    make_people(world.cell_1, TRICKY_NAMES)
    if many_names:
        # The path of a word shared by more names than the lists take: tested word by word.
        monkeypatch.setattr(selectors, "NAMES_AT_MOST", 0)
    for query in TRICKY_QUERIES:
        assert found(query) == expected(TRICKY_NAMES, query), (connection.vendor, query)


def test_a_query_word_longer_than_any_name_finds_no_one_without_asking(
    world: World, django_assert_num_queries: Any
) -> None:
    make_person(world.cell_1, "Nguyễn Văn An")
    # Not one query (PostgreSQL would also refuse a tsquery word of 2,048 bytes or more).
    with django_assert_num_queries(0):
        assert found("nguyen " + "a" * 201) == []
        assert found("a" * 3000) == []
    assert found("a" * 200) == []


def test_the_empty_query_filters_nothing(world: World) -> None:
    make_people(world.cell_1, ["Nguyễn Văn An", "Trần Thị Hoa"])
    assert found("") == found(" \t ") == ["Nguyễn Văn An", "Trần Thị Hoa"]


def test_a_corrected_name_is_found_by_its_new_words(world: World) -> None:
    person = make_person(world.cell_1, "Nguyễn Văn Anh")
    person_update(
        acting_user=world.xa,
        person=person,
        changes={"full_name": "Nguyễn Văn Ánh"},
        basis="Giấy khai sinh số 12",
    )
    assert found("nguyen van anh") == ["Nguyễn Văn Ánh"]
    assert PersonName.objects.filter(sort_key=Person.objects.get().sort_key).exists()
    assert [f for f in check_integrity() if f.check == "name"] == []


def test_people_sharing_a_name_make_one_name_row(world: World) -> None:
    make_people(world.cell_1, ["Trần Văn Hòa", "Trần Văn Hòa", "Trần Văn Hoa"])
    make_person(world.cell_2, "Trần Văn Hòa")
    # "Hòa" and "Hoa" sort apart, so they are two names of the same folded words.
    assert PersonName.objects.count() == 2
    assert len(found("tran hoa")) == 4


def test_integrity_lists_a_person_missing_from_the_names(world: World) -> None:
    make_people(world.cell_1, ["Nguyễn Văn An", "Trần Thị Hoa"])
    assert [f for f in check_integrity() if f.check == "name"] == []
    PersonName.objects.filter(search_text="tran thi hoa").delete()
    findings = [f.message for f in check_integrity() if f.check == "name"]
    assert len(findings) == 1
    assert "Trần Thị Hoa" in findings[0]
    assert found("hoa") == []
    # People written without the services get their names from one statement.
    person_names_fill()
    assert [f for f in check_integrity() if f.check == "name"] == []
    assert found("hoa") == ["Trần Thị Hoa"]


def test_the_synthetic_loader_writes_the_names_of_its_people() -> None:
    load_world(plan_for(Scale.CELL, 3))
    assert [f for f in check_integrity() if f.check == "name"] == []
    pairs = set(Person.objects.values_list("sort_key", "search_text"))
    assert set(PersonName.objects.values_list("sort_key", "search_text")) == pairs
    someone = Person.objects.order_by("pk").first()
    assert someone is not None
    assert someone.full_name in found(someone.full_name)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_search_page_reads_the_names_then_one_page(world: World) -> None:
    make_people(world.cell_1, ["Lê Văn An", "Trần Văn Hòa"])
    client = logged_in("bithu")
    client.get("/nguoi/")
    plain = _queries(client, "/nguoi/")
    few = _queries(client, "/nguoi/?q=tran+hoa")
    make_people(world.cell_1, [f"Trần Thị Hoa {i}" for i in range(60)])
    many = _queries(client, "/nguoi/?q=tran+hoa")
    # One query for the names, whatever the number of people found.
    assert few == many == plain + 1
    body = client.get("/nguoi/?q=tran+hoa").content.decode()
    assert body.count("Trần Thị Hoa") >= 50
    assert "Lê Văn An" not in body


def test_postgresql_reads_the_names_through_their_word_index(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'people_personname_words'"
        )
        (definition,) = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'people_person_search_trgm'")
        assert cursor.fetchone() is None
    assert "USING gin (array_to_tsvector(array_remove(string_to_array(" in definition
    make_people(world.cell_1, ["Trần Thị Hoa", "Trần Văn Hòa"])
    names = selectors.names_matching(["tran", "ho"])
    sql = str(names.query)
    assert selectors.NAME_WORDS_SQL.format('"people_personname"."search_text"') in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        query, params = names.query.sql_with_params()
        cursor.execute("EXPLAIN " + query, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "people_personname_words" in plan
    # The people are then read by their sort keys: no word test on each person.
    people_sql = str(people_search(Person.objects.all(), "tran ho").query)
    assert '"people_person"."sort_key" IN' in people_sql
    assert "LIKE" not in people_sql
