"""The national portal's dossier statuses: the enumeration (models.status) and their names."""
from __future__ import annotations

from models.status import FINAL_STATUSES, STATUS_NAMES, DossierStatus

__all__ = ["FINAL_STATUSES", "STATUS_NAMES", "DossierStatus", "status_name"]


def status_name(code: int, language: str = "vi") -> str:
    try:
        vi, en = STATUS_NAMES[DossierStatus(code)]
    except ValueError:
        return str(code)
    return en if language == "en" else vi
