"""Object-level permissions (django-rules): a role's permission holds for an object only
inside the actor's sites. Without an object, the role's group permission decides."""

import rules
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from asylon.core.scope import in_scope

from .roles import ROLE_PERMISSIONS


@rules.predicate
def within_sites(user, obj=None) -> bool:
    return obj is None or in_scope(user, obj)


def _warm_group_permissions(user) -> None:
    """Fill Django's own per-request caches of the user's permissions, from the groups (roles)
    and given to the user, with one raw statement. ModelBackend's two queries give the same
    sets, but compiling their joins through the ORM cost more than the statements, and every
    request checks a permission (the second factor's check asks ModelBackend for both).
    Superusers, inactive and anonymous users are left to ModelBackend as before."""
    if hasattr(user, "_group_perm_cache") or not user.is_active or user.is_anonymous or user.is_superuser:
        return
    model = type(user)
    groups, own = model.groups.through._meta.db_table, model.user_permissions.through._meta.db_table
    grants, perm, ct = Group.permissions.through._meta.db_table, Permission._meta.db_table, ContentType._meta.db_table
    named = f"JOIN {perm} p ON p.id = x.permission_id JOIN {ct} ct ON ct.id = p.content_type_id"
    sql = (
        f"SELECT 'group', ct.app_label, p.codename FROM {groups} ug "  # noqa: S608 - model names only
        f"JOIN {grants} x ON x.group_id = ug.group_id {named} WHERE ug.user_id = %s "
        f"UNION ALL SELECT 'user', ct.app_label, p.codename FROM {own} x {named} WHERE x.user_id = %s"
    )
    found: dict[str, set[str]] = {"group": set(), "user": set()}
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        for source, app, codename in cursor.fetchall():
            found[source].add(f"{app}.{codename}")
    user._group_perm_cache, user._user_perm_cache = found["group"], found["user"]


def _role_perm(codename: str):
    @rules.predicate(name=f"role has {codename}")
    def check(user, obj=None) -> bool:
        _warm_group_permissions(user)
        return codename in user.get_group_permissions() or user.is_superuser

    return check


for _perm in {p for perms in ROLE_PERMISSIONS.values() for p in perms}:
    rules.add_perm(_perm, _role_perm(_perm) & within_sites)
