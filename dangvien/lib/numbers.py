"""Counts as the reader's language writes them."""

from __future__ import annotations

from django.utils.formats import number_format


def grouped(count: int) -> str:
    """5951585 → "5.951.585" in Vietnamese, "5,951,585" in English (the active language's
    formats: `dangvien/formats`). Pages do the same with `floatformat:"0g"`."""
    return number_format(count, force_grouping=True)
