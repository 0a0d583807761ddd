"""Factories and small stories for the page tests."""

import datetime as dt
import math

import factory
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from assessments import services
from assessments.engine import facts, partner_facts
from assessments.models import (
    AssessmentInvitation,
    LevelChange,
    MaturitySnapshot,
    ScoringPolicy,
    TrustAssessment,
    hash_token,
)
from assessments.tests.factories import AssessmentFactory, local_noon
from partners.models import Engagement, EngagementEvent, Partner
from partners.tests.factories import ContactFactory, EngagementFactory


class RatingFactory(AssessmentFactory):
    """A client rating with answers a little above neutral."""

    credibility = 4
    reliability = 4
    intimacy = 3
    self_orientation = 2
    technical = 4


class SelfAssessmentFactory(RatingFactory):
    side = TrustAssessment.Side.PROVIDER
    rater_contact = None
    credibility = 5
    reliability = 4
    intimacy = 4
    self_orientation = 2
    technical = 5
    domain = 4
    advice = 4


class LevelChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LevelChange

    engagement = factory.SubFactory(EngagementFactory)
    from_level = 2
    to_level = 1
    as_of = factory.LazyFunction(timezone.localdate)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentInvitation

    engagement = factory.SubFactory(EngagementFactory)
    contact = factory.SubFactory(
        ContactFactory, partner=factory.SelfAttribute("..engagement.partner")
    )
    token_hash = factory.Sequence(lambda n: hash_token(f"token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    sent_at = factory.LazyFunction(timezone.now)


# A year of a relationship that climbs from executor towards domain expert:
# (days before today, kind, impact, title).
CLIMB = (
    (350, "milestone_delivered", "normal", "First release of the route planner"),
    (330, "deadline_missed", "normal", "Map import slipped a sprint"),
    (300, "milestone_delivered", "high", "Routing engine live in two depots"),
    (280, "incident_resolved", "normal", "Night-time outage fixed within the hour"),
    (250, "technical_recommendation_adopted", "high", "Move to event-driven dispatch adopted"),
    (220, "milestone_delivered", "normal", "Driver app beta delivered"),
    (200, "technical_praise", "normal", "CTO praised the load-test report"),
    (170, "architecture_ownership", "normal", "Owning the platform architecture"),
    (150, "milestone_delivered", "high", "Nation-wide roll-out on time"),
    (120, "business_insight_shared", "normal", "Showed idle-time patterns per depot"),
    (95, "quality_issue", "normal", "Wrong ETA rounding found in acceptance"),
    (80, "domain_workshop", "high", "Two-day workshop on last-mile delivery"),
    (60, "competitor_analysis_shared", "high", "Benchmark of three competitors' apps"),
    (45, "milestone_delivered", "normal", "Returns flow delivered"),
    (30, "requirement_challenged", "normal", "Challenged the manual override feature"),
    (20, "technical_recommendation_adopted", "normal", "Caching layer proposal accepted"),
    (12, "strategy_invitation", "normal", "Invited to the 2027 roadmap session"),
    (6, "milestone_delivered", "normal", "Carbon report delivered"),
    (2, "business_insight_shared", "normal", "Shared churn drivers from support tickets"),
)
# (days before today, rater index, credibility, reliability, intimacy, self-orientation,
#  technical, domain, advice, comment)
CLIMB_RATINGS = (
    (300, 0, 3, 3, 3, 3, 3, 2, 2, "Solid start, a few hiccups."),
    (210, 0, 4, 4, 3, 2, 4, 3, 2, "They know their stuff."),
    (200, 1, 4, 4, 3, 3, 4, 3, 2, ""),
    (90, 0, 5, 4, 4, 2, 5, 4, 3, "The workshop changed how we think about depots."),
    (40, 1, 4, 5, 4, 2, 4, 4, 3, "Reliable. I would like more proactive ideas."),
)


def grow_relationship(*, engagement, raters, logged_by, today=None, history_days=0):
    """Log the CLIMB events and ratings on ``engagement``; with ``history_days``, rebuild
    that many days of snapshots so the trend and the level changes exist."""
    today = today or timezone.localdate()
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            engagement=engagement,
            kind=kind,
            impact=impact,
            title=title,
            occurred_on=today - dt.timedelta(days=days),
            logged_by=logged_by,
        )
        for days, kind, impact, title in CLIMB
    )
    for days, rater, c, r, i, s, technical, domain, advice, comment in CLIMB_RATINGS:
        RatingFactory(
            engagement=engagement,
            rater_contact=raters[rater % len(raters)],
            submitted_at=local_noon(today - dt.timedelta(days=days)),
            credibility=c,
            reliability=r,
            intimacy=i,
            self_orientation=s,
            technical=technical,
            domain=domain,
            advice=advice,
            comment=comment,
        )
    if history_days:
        # One transaction: a commit per rebuilt day would cost a disk flush each.
        with transaction.atomic():
            services.history_rebuild(engagement_ids=[engagement.pk], days=history_days, until=today)
    engagement.refresh_from_db()
    return engagement


def store_facts(today=None):
    """Store the portfolio facts and month-end rung counts of every engagement, and every
    partner's maturity, as the recompute does after writing snapshots (the stories here
    write snapshots directly)."""
    today = today or timezone.localdate()
    ids = Engagement.objects.values_list("pk", flat=True)
    policy = ScoringPolicy.objects.get(is_active=True)
    facts.facts_refresh(engagement_ids=ids, as_of=today, policy=policy)
    partner_facts.partner_facts_refresh(policy=policy, today=today)
    facts.rung_history_refresh(today=today)


def snapshot(engagement, *, days_ago, score, level=1, today=None, **fields):
    """A snapshot ``days_ago`` days before today; the engagement takes the latest one's
    score and level, as a recompute would."""
    today = today or timezone.localdate()
    policy = ScoringPolicy.objects.get(is_active=True)
    values = {
        "score": score,
        "level": level,
        "delivery": score,
        "technical": score,
        "domain": score,
        "partnership": score,
        "trust": None,
        "confidence": "none",
        **fields,
    }
    made = MaturitySnapshot.objects.create(
        engagement=engagement,
        as_of=today - dt.timedelta(days=days_ago),
        policy=policy,
        **values,
    )
    latest = MaturitySnapshot.objects.filter(engagement=engagement).latest()
    Engagement.objects.filter(pk=engagement.pk).update(score=latest.score, level=latest.level)
    engagement.refresh_from_db()
    return made


# Believable engagements for the dashboard: (partner, industry, engagement, manager key,
# score a year ago, score today, points lost in the last 30 days, raters, days since the
# last client rating).
PORTFOLIO = (
    ("Northwind Foods", "Retail", "Loyalty app", "am", 35, 84, 0, 3, 20),
    ("Northwind Foods", "Retail", "Store analytics", "other_am", 55, 66, 0, 2, 45),
    ("Helios Energy", "Energy", "Grid monitoring", "other_am", 30, 71, 0, 2, 60),
    ("Helios Energy", "Energy", "Billing platform", "am", 62, 47, 0, 1, 150),
    ("Borealis Bank", "Banking", "Payments hub", "other_am", 58, 52, 16, 2, 35),
    ("Borealis Bank", "Banking", "Risk engine", "other_am", 20, 38, 0, 1, 200),
    ("Cobalt Health", "Healthcare", "Patient portal", "am", 45, 63, 0, 1, 25),
    ("Cobalt Health", "Healthcare", "Lab integration", "other_am", 15, 24, 0, 0, None),
)


def _level_for(score, previous):
    # Only for drawn history: rungs by score bands with the rule's hysteresis (won at the
    # band, kept until 5 below it), not the scoring rule's gates.
    climbed = 1 + sum(score >= band for band in (40, 60, 80))
    held = 1 + sum(score >= band - 5 for band in (40, 60, 80))
    return max(climbed, min(previous or climbed, held))


def demo_portfolio(*, managers, today=None):
    """The PORTFOLIO engagements with a year of daily snapshots along a smooth path, the
    level changes that path implies, and client ratings. Returns them by name."""
    today = today or timezone.localdate()
    policy = ScoringPolicy.objects.get(is_active=True)
    made = {}
    for partner_name, industry, name, manager, start, end, drop, raters, rated_ago in PORTFOLIO:
        partner, _ = Partner.objects.get_or_create(
            name=partner_name, defaults={"slug": slugify(partner_name), "industry": industry}
        )
        engagement = EngagementFactory(
            partner=partner,
            name=name,
            account_manager=managers[manager],
            started_on=today - dt.timedelta(days=500),
        )
        _history(engagement, (start, end, drop), today, policy)
        for n in range(raters):
            RatingFactory(
                engagement=engagement,
                rater_contact=ContactFactory(partner=partner),
                submitted_at=local_noon(today - dt.timedelta(days=rated_ago + 30 * n)),
            )
        made[name] = engagement
    return made


def _history(engagement, path, today, policy):
    start, end, drop = path
    snapshots, changes, level = [], [], None
    for age in range(364, -1, -1):
        progress = (364 - age) / 364
        score = start + (end + drop - start) * progress + 3 * math.sin(age / 9)
        score -= drop * max(0, 30 - age) / 30
        day = today - dt.timedelta(days=age)
        new_level = _level_for(score, level)
        if level is not None and new_level != level:
            changes.append((day, level, new_level))
        level = new_level
        snapshots.append(
            MaturitySnapshot(
                engagement=engagement,
                as_of=day,
                policy=policy,
                score=score,
                level=level,
                delivery=score,
                technical=score,
                domain=score,
                partnership=score,
                trust=score,
                confidence="medium",
            )
        )
    MaturitySnapshot.objects.bulk_create(snapshots)
    LevelChange.objects.bulk_create(
        LevelChange(engagement=engagement, as_of=day, from_level=old, to_level=new)
        for day, old, new in changes
    )
    Engagement.objects.filter(pk=engagement.pk).update(score=snapshots[-1].score, level=level)
