"""Who may see and change what in the relationship register.

Every view and API endpoint gets its querysets from here, so an access rule is written once.
Provider staff (account managers, leadership, Django staff) see the whole portfolio; a client
product owner sees only the partner of their own `Contact`. Changing an engagement (logging
events, inviting raters, self-assessing) is for its account manager and team, leadership and
staff.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.shortcuts import get_object_or_404

from core.lookups import AnyOfSubquery

from .models import Contact, Engagement, EngagementEvent, Partner

ACCOUNT_MANAGERS = "Account managers"
LEADERSHIP = "Leadership"
CLIENT_PRODUCT_OWNERS = "Client product owners"
ROLE_GROUPS = (ACCOUNT_MANAGERS, LEADERSHIP, CLIENT_PRODUCT_OWNERS)


def user_roles(user):
    """The user's role group names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_trustapp_roles"):
        user._trustapp_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._trustapp_roles


def is_leadership(user):
    return user.is_authenticated and (user.is_superuser or LEADERSHIP in user_roles(user))


def is_account_manager(user):
    return ACCOUNT_MANAGERS in user_roles(user)


def is_provider_staff(user):
    """Provider side: may read the whole portfolio and create and edit partners, contacts and
    engagements."""
    if not user.is_authenticated or is_client(user):
        return False
    return user.is_staff or is_leadership(user) or is_account_manager(user)


def is_client(user):
    return CLIENT_PRODUCT_OWNERS in user_roles(user) and not user.is_superuser


def client_partner_id(user):
    """The partner a client product owner belongs to, or None."""
    if not is_client(user):
        return None
    return Contact.objects.filter(user=user).values_list("partner_id", flat=True).first()


def _visible_by_partner(user, objects, partner_field):
    """All of `objects` for provider staff, their own partner's for a client, else none."""
    if is_provider_staff(user):
        return objects.all()
    partner_id = client_partner_id(user)
    if partner_id is None:
        return objects.none()
    return objects.filter(**{partner_field: partner_id})


def visible_partners(user):
    return _visible_by_partner(user, Partner.objects, "pk")


def visible_contacts(user):
    return Contact.objects.filter(partner__in=visible_partners(user))


def visible_engagements(user):
    return _visible_by_partner(user, Engagement.objects, "partner_id")


def changeable_engagements(user):
    if not is_provider_staff(user):
        return Engagement.objects.none()
    if is_leadership(user) or user.is_staff:
        return Engagement.objects.all()
    if not is_account_manager(user):
        return Engagement.objects.none()
    return managed_engagements(user)


def managed_engagements(user):
    """Engagements the user manages or is on the team of, whatever their role.

    Written as ``manager = user OR id IN (team)``, the condition matched no index and each of
    my engagements' three queries read the whole portfolio (4-5 ms each at 10,000
    engagements); `AnyOfSubquery` lets PostgreSQL combine the manager index and the primary
    key, and still scan the table for a manager of most of the portfolio."""
    on_team = Engagement.team.through.objects.filter(user=user).values("engagement_id")
    return Engagement.objects.filter(Q(account_manager=user) | Q(AnyOfSubquery(F("pk"), on_team)))


def visible_events(user):
    return EngagementEvent.objects.filter(engagement__in=visible_engagements(user).values("pk"))


def can_change_engagement(user, engagement):
    return changeable_engagements(user).filter(pk=engagement.pk).exists()


def get_visible_partner(user, slug):
    """The partner if the user may see it; 404 otherwise."""
    return get_object_or_404(visible_partners(user), slug=slug)


def get_visible_engagement(user, pk):
    """The engagement if the user may see it; 404 otherwise (its existence stays private)."""
    engagements = visible_engagements(user).select_related("partner", "account_manager")
    return get_object_or_404(engagements, pk=pk)


def get_changeable_engagement(user, pk):
    """The engagement if the user may change it: 404 when not visible, 403 when read-only."""
    engagement = get_visible_engagement(user, pk)
    if not can_change_engagement(user, engagement):
        raise PermissionDenied("You may not change this engagement.")
    return engagement


def changeable_contact_partners(user):
    """Partners whose contacts the user may edit: leadership and staff any; an account
    manager only those they work for, on one of the partner's engagements. A contact's email
    decides where rating links go, so it is not for everyone who can read it."""
    if not is_provider_staff(user):
        return Partner.objects.none()
    if is_leadership(user) or user.is_staff:
        return Partner.objects.all()
    return Partner.objects.filter(pk__in=changeable_engagements(user).values("partner_id"))


def can_change_contacts(user, partner):
    return changeable_contact_partners(user).filter(pk=partner.pk).exists()


def can_reassign_engagement(user, engagement):
    """Change who runs an engagement (account manager, team): its account manager, leadership
    and staff; a team member may not make themselves the manager."""
    return is_provider_staff(user) and (
        is_leadership(user) or user.is_staff or engagement.account_manager_id == user.pk
    )


def can_delete_event(user, event):
    """A negative event, or one older than 30 days, is the record of something that happened:
    only the engagement's account manager or leadership may remove it."""
    if not can_change_engagement(user, event.engagement):
        return False
    if not event.is_protected:
        return True
    return is_leadership(user) or event.engagement.account_manager_id == user.pk
