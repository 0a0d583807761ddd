"""Reads of the relationship register, with the joins their pages need."""

from django.db.models import Count, Q

from . import access
from .choices import EVENT_CATALOGUE


def partner_list(*, user, query=""):
    partners = access.visible_partners(user).annotate(
        engagement_count=Count("engagements", distinct=True),
        active_count=Count("engagements", filter=Q(engagements__status="active"), distinct=True),
    )
    if query:
        partners = partners.filter(Q(name__icontains=query) | Q(industry__icontains=query))
    return partners.order_by("name")


def partner_engagements(*, partner):
    return partner.engagements.select_related("account_manager").order_by("status", "name")


def engagement_events(*, engagement, dimension=None):
    events = engagement.events.select_related("logged_by")
    if dimension:
        kinds = [kind for kind, (dim, _) in EVENT_CATALOGUE.items() if dim == dimension]
        events = events.filter(kind__in=kinds)
    return events.order_by("-occurred_on", "-id")
