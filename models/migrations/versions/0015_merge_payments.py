"""Merge the payments branch (0012_payments, issue 13) into the second wave's head.

Revision ID: 0015_merge_payments
Revises: 0014_merge, 0012_payments
"""
from __future__ import annotations

revision = "0015_merge_payments"
down_revision = ('0014_merge', '0012_payments')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
