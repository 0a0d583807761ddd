"""The client's home, "Our collaboration" (/rate/): per engagement of their partner, their
latest rating, the evidence of the last 180 days to review, their own past ratings and the
shared plan. Five queries however many engagements there are.
"""

from django.utils import timezone

from partners import access
from partners.models import Engagement
from partners.selectors import REVIEW_DAYS, reviewable_events

from .. import access as assessment_access
from ..forms import EventReviewForm, PlanClientForm


def client_plan_items(user):
    """The plan items a client sees on /rate/: those of their partner's open engagements."""
    return assessment_access.visible_plan_items(user).exclude(
        engagement__status=Engagement.Status.CLOSED
    )


def _grouped(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row.engagement_id, []).append(row)
    return grouped


def collaboration_context(*, user):
    today = timezone.localdate()
    engagements = list(
        access.visible_engagements(user)
        .exclude(status=Engagement.Status.CLOSED)
        .select_related("account_manager")
        .order_by("name")
    )
    events = _grouped(reviewable_events(user, today).order_by("-occurred_on", "-id"))
    ratings = _grouped(assessment_access.visible_assessments(user).order_by("-submitted_at", "-id"))
    plans = _grouped(
        client_plan_items(user)
        .select_related("owner_user", "owner_contact")
        .order_by("status", "due_on", "id")
    )
    rows = []
    for engagement in engagements:
        own_ratings = ratings.get(engagement.pk, [])
        items = plans.get(engagement.pk, [])
        for item in items:
            item.overdue = item.is_overdue(today)
            item.form = PlanClientForm(prefix=f"plan-{item.pk}", item=item)
        rows.append(
            {
                "engagement": engagement,
                "last_rating": own_ratings[0] if own_ratings else None,
                "ratings": own_ratings,
                "events": [
                    (event, EventReviewForm(prefix=f"event-{event.pk}", event=event))
                    for event in events.get(engagement.pk, [])
                ],
                "plan": items,
            }
        )
    return {"rows": rows, "review_days": REVIEW_DAYS}
