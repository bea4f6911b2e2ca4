"""The `/admin` landing: who may enter it, and which of its sections each user may open."""
from __future__ import annotations

from adapters.bootstrap import Services
from processes import access
from processes.access import authorise
from processes.uow import UnitOfWork


def sections_for(services: Services, username: str) -> set[str]:
    """The sections (`definitions`, `calendar`, `agencies`, `users`, `reports`, `operations`) the user may open;
    Forbidden for a user without an administrative role (a citizen, a plain officer)."""
    with UnitOfWork(services.session_factory) as uow:
        user = authorise(uow.session, username, access.may_enter_admin)
        allowed = {
            "definitions": access.may_validate_diagrams(user) or access.may_deploy(user),
            "calendar": access.may_edit_calendar(user),
            "agencies": access.may_view_agencies(user),
            "users": access.may_manage_users(user, user.agency_id),
            "reports": access.may_view_reports(user, user.agency_id),
            "operations": access.may_enter_operations(user),
        }
        return {name for name, ok in allowed.items() if ok}
