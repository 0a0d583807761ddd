"""Reads of the relationship register, with the joins their pages need."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from . import access
from .models import Engagement, Partner

REVIEW_DAYS = 180


def partner_list(*, user, query=""):
    """The visible partners whose name or industry contains ``query``, by name."""
    partners = access.visible_partners(user)
    if query:
        partners = partners.filter(Q(name__icontains=query) | Q(industry__icontains=query))
    return partners.order_by("name")


def engagement_counts(partners):
    """{partner id: (engagements, active engagements)} of ``partners`` (ids or a queryset)
    that have any, in one query: a page of partners counts only its own engagements."""
    rows = (
        Engagement.objects.filter(partner__in=partners)
        .order_by()
        .values_list("partner_id")
        .annotate(all=Count("pk"), active=Count("pk", filter=Q(status="active")))
    )
    return {pk: (every, active) for pk, every, active in rows}


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
