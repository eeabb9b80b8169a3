"""Reads of the registry, scoped to the user.

A person is visible to a user who holds a grant over their home cell, over the cell where
they are registered at residence (the residential cell's secretary sees who lives there), or
over the cell a transfer in progress is taking them to (so that cell can receive them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet
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
    PersonName,
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


# A name's words as the GIN index of migration people 0007 keeps them on PostgreSQL: the
# folded name split on its spaces, as is (no text-search parser, so "h'hen" stays one word,
# as it does for the LIKE of other engines). The migration writes the same expression.
NAME_WORDS_SQL = "array_to_tsvector(array_remove(string_to_array({}, ' '), ''))"
# A query word longer than a name can be (`search_text` keeps 200 characters) matches no
# one; PostgreSQL would also refuse a tsquery word of more than 2,047 bytes.
_LONGEST_WORD = 200
# Up to this many matching names, their people are read by the names' sort keys (the name
# order's index, already sorted, stops at a page). More names mean a word shared by much of
# the country ("nguyen", "thi"), whose people follow each other closely in name order: the
# words are then tested on each person in that order. Two parameters a name stay under
# SQLite's 999.
NAMES_AT_MOST = 400


def prefix_query(words: Sequence[str]) -> str:
    """A tsquery that holds when each word begins a word of the name: 'tran':* & 'thi':*.
    Each word is quoted, so no character of it is read as tsquery syntax."""
    quoted = ("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in words)
    return " & ".join(quoted)


def _like_escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class WordsBegin(Func):
    """True when each of `words` begins a word of a folded name (a `search_text` column):
    `search_text LIKE 'word%' OR search_text LIKE '% word%'` for each word, on every
    engine."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression: Any, words: Sequence[str]) -> None:
        super().__init__(expression)
        self.words = tuple(words)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        text, text_params = compiler.compile(self.get_source_expressions()[0])
        conditions, params = [], []
        for word in self.words:
            # Two patterns on the bare column rather than one on ' ' || column: the planner
            # reads the column's statistics for them and knows how many people match.
            conditions.append(f"({text} LIKE %s ESCAPE '\\' OR {text} LIKE %s ESCAPE '\\')")
            escaped = _like_escaped(word)
            params += [*text_params, escaped + "%", *text_params, "% " + escaped + "%"]
        return "(" + " AND ".join(conditions) + ")", params


class IndexedWordsBegin(WordsBegin):
    """`WordsBegin` for the names table: on PostgreSQL the same test as the name's words
    (NAME_WORDS_SQL) @@ a query of prefixes, which its GIN index answers and whose
    statistics tell the planner how many names match."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        text, text_params = compiler.compile(self.get_source_expressions()[0])
        sql = f"({NAME_WORDS_SQL.format(text)} @@ %s::tsquery)"
        return sql, [*text_params, prefix_query(self.words)]


def names_matching(words: Sequence[str], using: str | None = None) -> QuerySet[PersonName]:
    return PersonName.objects.using(using).filter(IndexedWordsBegin(F("search_text"), words))


def people_search(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    """People of whose name each word of the text begins a word, tone marks and đ ignored:
    "nguyen thuy tinh" and "ng thu" find "Nguyễn Thúy Tình", "guyen" does not. An empty text
    filters nothing.

    The names come first (one query over the names table), then their people by sort key:
    the order of a list is by given name, and testing each person in that order read half a
    million people for a country's search of "tran thi hoa", whose people sit at "Hòa".
    """
    words = fold(text).split()
    if not words:
        return queryset
    if any(len(word) > _LONGEST_WORD for word in words):
        return queryset.none()
    matching = names_matching(words, queryset.db)
    # The matching names' sort keys, with every name that shares one (the same letters and
    # tones written with other punctuation: "Nguyễn Văn A." and "Nguyễn Văn A"), marked.
    names = list(
        PersonName.objects.using(queryset.db)
        .filter(sort_key__in=matching.values("sort_key"))
        .annotate(hit=IndexedWordsBegin(F("search_text"), words))
        .values_list("sort_key", "search_text", "hit")[: NAMES_AT_MOST + 1]
    )
    if len(names) > NAMES_AT_MOST:
        return queryset.filter(WordsBegin(F("search_text"), words))
    people = queryset.filter(sort_key__in=sorted({key for key, _text, hit in names if hit}))
    if all(hit for _key, _text, hit in names):
        # The sort keys alone are exact, and the planner counts their people right from the
        # column's statistics (a second list would make it expect a few and sort them all).
        return people
    return people.filter(search_text__in=sorted({text for _key, text, hit in names if hit}))


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
