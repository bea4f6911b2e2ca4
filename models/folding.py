"""Text folded for search: lower case, Vietnamese diacritics removed, đ → d, spaces collapsed.

"Phạm Thị Mai", "PHAM THI MAI" and "pham  thi mai" fold alike, so every officer list and search
compares folded text on both databases (SQLite lowers ASCII only; PostgreSQL has no unaccent by default)."""
from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())
