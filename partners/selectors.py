"""Reads of the relationship register, with the joins their pages need."""

from django.db.models import Count, Q

from . import access


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


def first_changeable_engagement(*, user):
    """The first engagement the user may change, by partner and name; None if there is none."""
    return (
        access.changeable_engagements(user)
        .select_related("partner")
        .order_by("partner__name", "name")
        .first()
    )
