"""Who may see what of the maturity engine: ratings, invitations and level changes.

Builds on `partners.access`, which decides the engagements a user sees and changes (scores,
snapshots and explanations follow their engagement). A client product owner sees only the
ratings they gave; invitations are the provider's business; the portfolio's level changes are
for leadership.
"""

from django.db.models import Q

from partners import access

from .models import AssessmentInvitation, LevelChange, PlanItem, TrustAssessment


def visible_assessments(user):
    assessments = TrustAssessment.objects.filter(
        engagement__in=access.visible_engagements(user).values("pk")
    )
    if access.is_client(user):
        assessments = assessments.filter(Q(rater_user=user) | Q(rater_contact__user=user))
    return assessments


def visible_invitations(user):
    if not access.is_provider_staff(user):
        return AssessmentInvitation.objects.none()
    return AssessmentInvitation.objects.filter(
        engagement__in=access.visible_engagements(user).values("pk")
    )


def visible_level_changes(user):
    if not access.is_leadership(user):
        return LevelChange.objects.none()
    return LevelChange.objects.filter(engagement__in=access.visible_engagements(user).values("pk"))


def visible_plan_items(user):
    """Plan items follow their engagement; a client does not see the dropped ones."""
    items = PlanItem.objects.filter(engagement__in=access.visible_engagements(user).values("pk"))
    if access.is_client(user):
        items = items.exclude(status=PlanItem.Status.DROPPED)
    return items


def can_use_policy_lab(user):
    """Drafting, back-testing and activating scoring policies: leadership and staff."""
    return access.is_leadership(user) or (user.is_staff and not access.is_client(user))
