"""Reads of the relationship register, with the joins their pages need."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from . import access
from .models import Engagement, Partner

REVIEW_DAYS = 180


def partner_list(*, user, query=""):
    partners = access.visible_partners(user).annotate(
        engagement_count=Count("engagements", distinct=True),
        active_count=Count("engagements", filter=Q(engagements__status="active"), distinct=True),
    )
    if query:
        partners = partners.filter(Q(name__icontains=query) | Q(industry__icontains=query))
    return partners.order_by("name")


def industries():
    """The partners' industries, each once, in order: the dashboard's industry filter."""
    return list(
        Partner.objects.exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


def partner_engagements(*, partner):
    return partner.engagements.select_related("account_manager").order_by("status", "name")


def first_changeable_engagement(*, user):
    """The first engagement the user may change, by partner and name; None if there is none."""
    return (
        access.changeable_engagements(user)
        .select_related("partner")
        .order_by("partner__name", "name")
        .first()
    )


def reviewable_events(user, today=None):
    """The events a client product owner may review: their partner's open engagements, the
    last 180 days. `notes` is never loaded: it stays internal to the provider."""
    today = today or timezone.localdate()
    return (
        access.visible_events(user)
        .exclude(engagement__status=Engagement.Status.CLOSED)
        .filter(occurred_on__gt=today - dt.timedelta(days=REVIEW_DAYS), occurred_on__lte=today)
        .defer("notes")
    )
