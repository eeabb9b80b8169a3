"""The name search has its trigram index on PostgreSQL (migration people 0006)."""

from __future__ import annotations

import pytest
from django.db import connection

from dangvien.people.models import Person
from dangvien.people.selectors import people_search

pytestmark = pytest.mark.django_db


def test_postgresql_has_the_trigram_index_and_search_still_ignores_tones() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'people_person_search_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
    sql = str(people_search(Person.objects.all(), "Nguyễn Thúy Tình").query)
    assert "%nguyen%" in sql
    assert "%tinh%" in sql
