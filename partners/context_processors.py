from . import access


def _flag(test):
    return property(lambda roles: test(roles.user))


class Roles:
    """Role flags for navigation, each read only when a template asks for it."""

    provider = _flag(access.is_provider_staff)
    leadership = _flag(access.is_leadership)
    account_manager = _flag(access.is_account_manager)
    client = _flag(access.is_client)

    def __init__(self, user):
        self.user = user


def roles(request):
    """Role flags for navigation; lazy so that pages which never read them cost no query."""
    return {"roles": Roles(request.user)}
