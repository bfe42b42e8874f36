"""The trail shows events about accounts, and events of no site, to administrators only; it asks
the permission system for `audit.queries.ADMINISTERS` (audit sits below accounts), so that
permission must mark the administrator role and no other."""

from asylon.accounts.roles import ROLE_PERMISSIONS, Role
from asylon.audit.queries import ADMINISTERS


def test_only_the_administrator_role_holds_the_permission_the_trail_asks():
    holders = {role for role, perms in ROLE_PERMISSIONS.items() if ADMINISTERS in perms}
    assert holders == {Role.ADMINISTRATOR}
