"""The plan to the next rung on the progress page: the plan items, what the latest
explanation suggests adding, and how the client has reviewed the evidence.

Suggestions come from the unmet conditions of the next rung and from what the client says
holds them back (the barriers' "what helps" hints).
"""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from partners.choices import Dimension
from partners.models import EngagementEvent

from ..models import PlanItem, TrustBarrier

# What a plan could say for each unmet condition: (title, owner side).
SUGGESTIONS = {
    "delivery": ("Deliver the next milestone as committed and review it together", "provider"),
    "technical": ("Bring a technical recommendation for the client to decide on", "provider"),
    "domain": ("Run a domain workshop with the client's users", "provider"),
    "partnership": ("Ask to join the next roadmap or strategy meeting", "provider"),
    "trust": ("Rate the collaboration and tell us what holds you back", "client"),
    "raters": ("Ask a second product owner to rate the collaboration", "client"),
}


def condition_label(condition):
    name = condition["condition"]
    if name == "raters":
        return f"client raters {condition['current']} / {condition['required']}"
    current = condition["current"]
    shown = "none" if current is None else f"{current:.0f}"
    return f"{Dimension(name).label.lower()} {shown} / {condition['required']:g}"


def suggestions(*, engagement, explanation, items, barriers=()):
    """One suggestion per unmet condition and per barrier the client named (its "what helps"
    hint), unless already planned (an open item with the same title)."""
    planned = {item.title for item in items if item.status == PlanItem.Status.OPEN}
    candidates = [
        (
            *SUGGESTIONS[condition["condition"]],
            condition["condition"] if condition["condition"] != "raters" else "",
            condition_label(condition),
        )
        for condition in explanation.get("unmet", ())
    ]
    candidates += [
        (barrier["hint"].rstrip("."), "provider", "", f"the client says: {barrier['label']}")
        for barrier in barriers
        if barrier["code"] != TrustBarrier.NOTHING
    ]
    rows = []
    for title, side, dimension, why in candidates:
        if title in planned:
            continue
        query = urlencode({"title": title, "dimension": dimension, "owner_side": side})
        rows.append(
            {
                "title": title,
                "owner_side": side,
                "why": why,
                "adopt_url": reverse("assessments:plan_item_create", args=[engagement.pk])
                + f"?{query}",
            }
        )
    return rows


def review_counts(*, engagement, since):
    """Events since `since` per client review status: {status: count}, every status present."""
    counted = dict(
        EngagementEvent.objects.filter(engagement=engagement, occurred_on__gte=since)
        .values_list("client_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {status: counted.get(status, 0) for status in EngagementEvent.ClientStatus.values}


def plan_context(*, engagement, explanation, policy, today, barriers=()):
    items = list(
        PlanItem.objects.filter(engagement=engagement).select_related("owner_user", "owner_contact")
    )
    for item in items:
        item.overdue = item.is_overdue(today)
    since = today - dt.timedelta(days=policy.window_days - 1)
    return {
        "plan_items": items,
        "plan_suggestions": suggestions(
            engagement=engagement, explanation=explanation, items=items, barriers=barriers
        ),
        "review_counts": review_counts(engagement=engagement, since=since),
    }
