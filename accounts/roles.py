"""The three roles are Django groups; a superuser counts as admin."""

from __future__ import annotations

from .vocabulary import Role


def _groups(user) -> set[str]:
    cached = getattr(user, "_crm_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._crm_group_names = cached
    return cached


def is_admin(user) -> bool:
    return bool(
        user and user.is_authenticated and (user.is_superuser or Role.ADMIN in _groups(user))
    )


def is_manager(user) -> bool:
    """Managers triage every alert and see every account; admins can do that too."""
    return bool(
        user and user.is_authenticated and (is_admin(user) or Role.MANAGER in _groups(user))
    )


def sees_all_accounts(user) -> bool:
    return is_manager(user)


def role_of(user) -> str | None:
    if is_admin(user):
        return Role.ADMIN
    if is_manager(user):
        return Role.MANAGER
    if user and user.is_authenticated and Role.ACCOUNT_MANAGER in _groups(user):
        return Role.ACCOUNT_MANAGER
    return None
