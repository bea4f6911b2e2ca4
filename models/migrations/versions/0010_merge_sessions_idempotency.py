"""Merge the two heads after 0008: server-side sessions and idempotency keys.

Revision ID: 0010_merge
Revises: 0009_user_sessions, 0009_idempotency
"""
from __future__ import annotations

revision = "0010_merge"
down_revision = ("0009_user_sessions", "0009_idempotency")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
