"""The rating form's page: who asks (the provider, by name) and who reads the answers."""

from django.conf import settings

from partners.models import display_name


def account_team(engagement):
    """The people who read a rating: the account manager first, then the team, by name."""
    people = [engagement.account_manager, *engagement.team.order_by("first_name", "username")]
    names = []
    for person in people:
        name = display_name(person)
        if name not in names:
            names.append(name)
    return names


def rating_form_context(*, form, engagement):
    return {
        "form": form,
        "engagement": engagement,
        "provider": settings.TRUSTAPP_PROVIDER_NAME,
        "readers": account_team(engagement),
    }
