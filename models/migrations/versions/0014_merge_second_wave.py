"""Merge the heads of the second wave's parallel work (one per room that needed a migration).

Revision ID: 0014_merge
Revises: 0012_feedback_answers, 0012_notices_sync, 0012_portal_drafts, 0012_procedural_acts
"""
from __future__ import annotations

revision = "0014_merge"
down_revision = ('0012_feedback_answers', '0012_notices_sync', '0012_portal_drafts', '0012_procedural_acts')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
