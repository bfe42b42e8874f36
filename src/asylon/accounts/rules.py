"""Object-level permissions (django-rules): a role's permission holds for an object only
inside the actor's sites. Without an object, the role's group permission decides."""

import rules

from asylon.core.scope import in_scope

from .roles import ROLE_PERMISSIONS


@rules.predicate
def within_sites(user, obj=None) -> bool:
    return obj is None or in_scope(user, obj)


def _role_perm(codename: str):
    @rules.predicate(name=f"role has {codename}")
    def check(user, obj=None) -> bool:
        return codename in user.get_group_permissions() or user.is_superuser

    return check


for _perm in {p for perms in ROLE_PERMISSIONS.values() for p in perms}:
    rules.add_perm(_perm, _role_perm(_perm) & within_sites)
