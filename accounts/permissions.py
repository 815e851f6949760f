"""API permissions by role. Object-level access is done by scoping querysets with
``Account.objects.visible_to(user)`` so another owner's object is a 404, never a 403."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import is_admin, is_manager, role_of


class HasRole(BasePermission):
    """Any of the three roles; a logged-in user without a role gets nothing."""

    message = "Your user has no role (account_manager, manager or admin)."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and role_of(request.user))


class IsManager(HasRole):
    message = "Only managers and admins may do this."

    def has_permission(self, request, view) -> bool:
        return is_manager(request.user)


class IsAdmin(HasRole):
    message = "Only admins may do this."

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user)


class AdminWritesOthersRead(HasRole):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or is_admin(request.user)
