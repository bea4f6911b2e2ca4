"""Merge the heads of the second wave's parallel work (one per room that needed a migration).

Revision ID: 0014_merge
Revises: 0012_counter_intake, 0012_feedback_answers, 0012_notices_sync, 0012_payments, 0012_procedural_acts, 0012_totp, 0013_audit_trust, 0013_studio
"""
from __future__ import annotations

revision = "0014_merge"
down_revision = ('0012_counter_intake', '0012_feedback_answers', '0012_notices_sync', '0012_payments', '0012_procedural_acts', '0012_totp', '0013_audit_trust', '0013_studio')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
