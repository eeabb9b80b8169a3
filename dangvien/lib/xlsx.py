"""Writing workbooks people open in Excel, safely."""

from __future__ import annotations

from typing import Any

# A cell that starts with one of these is read by Excel as a formula (or DDE): a name typed
# as "=HYPERLINK(...)" must stay text. Prefixing an apostrophe-like quote makes it inert.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that Excel would take for a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
