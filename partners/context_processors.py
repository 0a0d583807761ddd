from . import access


def roles(request):
    """Role flags for navigation; lazy so that pages which never read them cost no query."""
    user = request.user

    class Roles:
        @property
        def provider(self):
            return access.is_provider_staff(user)

        @property
        def leadership(self):
            return access.is_leadership(user)

        @property
        def account_manager(self):
            return access.is_account_manager(user)

        @property
        def client(self):
            return access.is_client(user)

    return {"roles": Roles()}
