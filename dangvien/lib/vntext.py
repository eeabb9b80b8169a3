"""Vietnamese text: tone folding for search, and keys that sort in Vietnamese order.

Vietnamese dictionary order treats ă, â, đ, ê, ô, ơ, ư as letters of their own
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y) and compares tones only when all
letters are equal, in the order: none, huyền, hỏi, ngã, sắc, nặng. The keys below are plain
ASCII strings, so Python's `<` and SQL's ORDER BY on a binary-collated column agree with it.
"""

from __future__ import annotations

import re
import unicodedata

# Combining marks of the five tones, in sort order after "no tone" (0).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a new letter: breve (ă), circumflex (â ê ô), horn (ơ ư).
_LETTER_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}

_ALPHABET = [
    *"0123456789",
    "a", "a(", "a^", "b", "c", "d", "đ", "e", "e^", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "o^", "o+", "p", "q", "r", "s", "t", "u", "u+", "v", "w", "x", "y", "z",
]  # fmt: skip
# One printable character per letter, all above the separators below.
_CODE = {letter: chr(0x30 + i) for i, letter in enumerate(_ALPHABET)}
_END_OF_PRIMARY = " "  # sorts below everything: a shorter key wins before tones are compared
_PART = "!"  # between given name, middle name and family name
_WORD = '"'  # between words of one part

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")
_NUMBER = re.compile(r"\d+")
_NUMBER_WIDTH = 8


def _letters(text: str) -> list[tuple[str, int]]:
    """(letter, tone) pairs of the text, lower-cased; other characters dropped."""
    result: list[tuple[str, int]] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _TONES:
            if result:
                letter, _tone = result[-1]
                result[-1] = (letter, _TONES[char])
        elif char in _LETTER_MARKS:
            if result:
                letter, tone = result[-1]
                result[-1] = (letter + _LETTER_MARKS[char], tone)
        elif unicodedata.combining(char):
            continue
        elif char == "đ":
            result.append(("đ", 0))
        elif char.isalnum() or char == " ":
            result.append((char, 0))
    return result


def fold(text: str) -> str:
    """Lower-case text without tone marks or diacritics, đ as d: for search."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip()


def _words(text: str) -> list[str]:
    # Numbers are padded so that "khu phố 2" comes before "khu phố 10", as people count.
    text = _NUMBER.sub(lambda m: m.group().zfill(_NUMBER_WIDTH), text)
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", text)).strip().split(" ") if text.strip() else []


def _primary(words: list[str]) -> str:
    return _WORD.join(
        "".join(_CODE.get(letter, "~") for letter, _tone in _letters(word)) for word in words
    )


def _secondary(words: list[str]) -> str:
    return "".join(str(tone) for word in words for _letter, tone in _letters(word))


def collation_key(text: str) -> str:
    """A key that orders text in Vietnamese dictionary order."""
    words = _words(text)
    return _primary(words) + _END_OF_PRIMARY + _secondary(words)


def given_name(full_name: str) -> str:
    words = _words(full_name)
    return words[-1] if words else ""


def name_sort_key(full_name: str) -> str:
    """How lists of people are ordered: by given name (the last word), then the middle name,
    then the family name (the first word). Each part is compared whole, tones included, before
    the next: all the "Hà" stay together, ahead of all the "Hạ"."""
    words = _words(full_name)
    given, middle, family = words[-1:], words[1:-1], words[:1] if len(words) > 1 else []
    return _PART.join(collation_key(" ".join(part)) for part in (given, middle, family))
