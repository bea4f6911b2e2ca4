"""merge the portal, versions, workbench and deadlines branches into one head

Revision ID: 0007_merge
Revises: 0004_portal, 0005_definition_versions, 0005_workbench, 0006_deadlines
Create Date: 2026-11-29

The four branches were written in parallel and touch different tables; from here on there is
one head again, and each new migration revises the one before it.
"""

revision = "0007_merge"
down_revision = ("0004_portal", "0005_definition_versions", "0005_workbench", "0006_deadlines")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
