from .roles import is_admin, is_manager, role_of


def roles(request):
    user = getattr(request, "user", None)
    return {
        "user_role": role_of(user) if user else None,
        "user_is_manager": is_manager(user) if user else False,
        "user_is_admin": is_admin(user) if user else False,
    }
