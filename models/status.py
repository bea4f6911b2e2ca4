"""The national portal's dossier statuses (codes 1–10), as a named enumeration.

Stored as a plain integer column (`dossiers.status_code`); an `IntEnum` compares and stores as its
code, so `d.status_code = DossierStatus.ACCEPTED` writes 2. It lives in models/ because the handlers,
below the use cases, set statuses too; processes.dossier.status re-exports it with
the names (Vietnamese source texts that web/ translates)."""
from __future__ import annotations

from enum import IntEnum


class DossierStatus(IntEnum):
    NEWLY_REGISTERED = 1
    ACCEPTED = 2
    NOT_ACCEPTED = 3
    IN_PROCESS = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWAL_REQUESTED = 7
    PROCESSING_STOPPED = 8
    PROCESSING_FINISHED = 9
    RESULT_RETURNED = 10


# A withdrawal takes effect at once (processes.submission.portal_dossiers.withdraw_dossier cancels the
# workflow), so a withdrawn dossier is closed like a refused or returned one.
FINAL_STATUSES = frozenset({DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWAL_REQUESTED,
                            DossierStatus.PROCESSING_STOPPED, DossierStatus.RESULT_RETURNED})
