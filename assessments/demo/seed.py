"""The demo portfolio behind `manage.py seed_demo`.

Each engagement follows a story (an archetype) that decides how often good and bad events
happen per dimension and how its client product owners answer. Randomness is seeded by the
engagement's name, so the same day always gives the same data.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from partners.access import ACCOUNT_MANAGERS, CLIENT_PRODUCT_OWNERS, LEADERSHIP
from partners.choices import Dimension, EventKind
from partners.models import Contact, Engagement, EngagementEvent, Partner

from .. import services
from ..engine.scoring import ANSWER_ITEMS
from ..models import (
    AssessmentBarrier,
    AssessmentInvitation,
    TrustAssessment,
    TrustBarrier,
    hash_token,
)

PASSWORD = "trustapp-demo"
CREDENTIALS = [
    ("admin", "staff (Django admin)"),
    ("lena", "leadership"),
    ("anna", "account manager"),
    ("ben", "account manager"),
    ("chloe", "account manager"),
    ("nora", "client product owner at Northwind Logistics"),
    ("omar", "client product owner at Helios Energy"),
]
USERS = {
    "admin": ("Ada", "Admin", None),
    "lena": ("Lena", "Fischer", LEADERSHIP),
    "anna": ("Anna", "Berg", ACCOUNT_MANAGERS),
    "ben": ("Ben", "Okafor", ACCOUNT_MANAGERS),
    "chloe": ("Chloé", "Martin", ACCOUNT_MANAGERS),
    "nora": ("Nora", "Lindqvist", CLIENT_PRODUCT_OWNERS),
    "omar": ("Omar", "Haddad", CLIENT_PRODUCT_OWNERS),
}
PARTNERS = [
    ("Northwind Logistics", "Logistics", "https://northwind.example"),
    ("Helios Energy", "Energy", "https://helios.example"),
    ("Aurora Health", "Healthcare", "https://aurora-health.example"),
    ("Cobalt Bank", "Banking", "https://cobalt.example"),
    ("Meridian Retail", "Retail", "https://meridian.example"),
    ("Quanta Insurance", "Insurance", "https://quanta.example"),
    ("Vela Mobility", "Automotive", "https://vela.example"),
    ("Lumen Media", "Media", "https://lumen.example"),
    ("Terra Agritech", "Agriculture", "https://terra.example"),
]
CLIENT_LOGINS = {"Northwind Logistics": "nora", "Helios Energy": "omar"}
# What holds each client back (TrustBarrier codes): a different mix per partner, so that
# the partner pages and the dashboard show different barriers and hints.
BARRIER_MIX = {
    "Northwind Logistics": ("internal_perception", "unclear_strategy"),
    "Helios Energy": ("losing_control", "past_experience", "team_continuity"),
    "Aurora Health": ("provider_domain", "past_experience"),
    "Cobalt Bank": ("nothing",),
    "Meridian Retail": ("unclear_strategy", "nothing"),
    "Quanta Insurance": ("provider_skills", "team_continuity"),
    "Vela Mobility": ("nothing", "internal_perception"),
    "Lumen Media": ("team_continuity", "losing_control", "provider_skills"),
    "Terra Agritech": ("provider_domain", "provider_skills", "past_experience"),
}


@dataclass(frozen=True)
class Story:
    """How an engagement behaves: positive events per month by dimension (early, late half of
    the year), negative events per month, and client answers (early, late)."""

    positive: dict
    negative: float
    answers: tuple
    late_answers: tuple | None = None
    late_positive: dict | None = None
    late_negative: float | None = None
    raters: int = 2
    last_rating_days_ago: int = 20
    self_answers: tuple | None = None


#                C  R  I  S  T  D  A
STRONG = (5, 5, 4, 1, 5, 5, 5)
GOOD = (4, 5, 4, 2, 5, 3, 3)
EXPERT = (5, 5, 4, 2, 5, 5, 3)
WEAK = (3, 3, 2, 3, 3, 2, 1)
SOURING = (3, 2, 2, 4, 3, 3, 2)

D, T, DOM, P = (Dimension.DELIVERY, Dimension.TECHNICAL, Dimension.DOMAIN, Dimension.PARTNERSHIP)
STORIES = {
    "advisor": Story(
        {D: 3, T: 2, DOM: 2, P: 1.5}, 0.2, STRONG, raters=3, self_answers=(5, 5, 5, 1, 5, 5, 5)
    ),
    "expert": Story({D: 3, T: 2, DOM: 2, P: 0.2}, 0.3, EXPERT, self_answers=STRONG),
    "skilled": Story({D: 3, T: 2, DOM: 0.2, P: 0.1}, 0.3, GOOD, raters=1, self_answers=EXPERT),
    "executor": Story({D: 1, T: 0.3, DOM: 0, P: 0}, 0.8, WEAK, raters=1),
    "rising": Story(
        {D: 1, T: 0.3, DOM: 0.1, P: 0},
        0.5,
        WEAK,
        late_answers=EXPERT,
        late_positive={D: 3, T: 3, DOM: 2.5, P: 0.3},
        late_negative=0.1,
    ),
    "falling": Story(
        {D: 3, T: 2, DOM: 2, P: 1.5},
        0.1,
        STRONG,
        late_answers=SOURING,
        late_positive={D: 0.5, T: 0.3, DOM: 0.2, P: 0},
        late_negative=2.5,
        raters=3,
        self_answers=STRONG,
    ),
    "stale": Story({D: 2, T: 1.5, DOM: 0.5, P: 0}, 0.3, GOOD, last_rating_days_ago=200),
}
ENGAGEMENTS = [
    ("Northwind Logistics", "Route optimisation platform", "anna", "advisor"),
    ("Northwind Logistics", "Warehouse mobile app", "anna", "skilled"),
    ("Helios Energy", "Grid analytics", "ben", "expert"),
    ("Helios Energy", "Customer portal", "anna", "falling"),
    ("Aurora Health", "Patient scheduling", "chloe", "rising"),
    ("Aurora Health", "Lab results integration", "chloe", "executor"),
    ("Cobalt Bank", "Mobile banking", "ben", "advisor"),
    ("Cobalt Bank", "Fraud detection", "ben", "stale"),
    ("Meridian Retail", "E-commerce replatforming", "anna", "expert"),
    ("Quanta Insurance", "Claims automation", "chloe", "skilled"),
    ("Vela Mobility", "Fleet telematics", "ben", "rising"),
    ("Lumen Media", "Streaming backend", "chloe", "falling"),
    ("Terra Agritech", "Field sensor network", "anna", "executor"),
    ("Terra Agritech", "Yield forecasting", "chloe", "stale"),
]
TITLES = {
    EventKind.MILESTONE_DELIVERED: "Release {n} shipped on the committed date",
    EventKind.INCIDENT_RESOLVED: "Night incident {n} resolved within the SLA",
    EventKind.DEADLINE_MISSED: "Sprint {n} commitment slipped a week",
    EventKind.QUALITY_ISSUE: "Regression found by the client in UAT round {n}",
    EventKind.ESCALATION: "Product director escalated delay {n}",
    EventKind.TECHNICAL_RECOMMENDATION_ADOPTED: "Client adopted our caching proposal #{n}",
    EventKind.ARCHITECTURE_OWNERSHIP: "Asked to own the architecture decision record {n}",
    EventKind.TECHNICAL_PRAISE: "CTO praised the migration work (note {n})",
    EventKind.EXPERTISE_ADDED: "Team member certified (#{n})",
    EventKind.TECHNICAL_REWORK: "Pull request set {n} rejected in review",
    EventKind.BUSINESS_INSIGHT_SHARED: "Shared user research insight {n}",
    EventKind.COMPETITOR_ANALYSIS_SHARED: "Competitor teardown {n} presented",
    EventKind.DOMAIN_WORKSHOP: "Domain workshop {n} with the business team",
    EventKind.REQUIREMENT_CHALLENGED: "Challenged requirement {n} with usage data",
    EventKind.DOMAIN_MISUNDERSTANDING: "Misread business rule {n}",
    EventKind.STRATEGY_INVITATION: "Invited to roadmap session {n}",
    EventKind.PROPOSAL_ADOPTED: "Our product idea {n} made the roadmap",
    EventKind.ADVICE_REQUESTED: "Asked for advice on vendor choice {n}",
    EventKind.SCOPE_EXPANDED: "Scope extended with workstream {n}",
    EventKind.CONTRACT_EXTENDED: "Contract renewed for two years",
    EventKind.CONTRACT_REDUCED: "Team reduced by two people",
}


def seed_users():
    users = {}
    for username, (first, last, group) in USERS.items():
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@trustapp.example",
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()
        if group:
            user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


@transaction.atomic
def seed_portfolio(users):
    today = timezone.localdate()
    partners = {}
    for name, industry, website in PARTNERS:
        partners[name], _ = Partner.objects.get_or_create(
            name=name,
            defaults={
                "slug": name.lower().replace(" ", "-"),
                "industry": industry,
                "website": website,
            },
        )
        _seed_contacts(partners[name], users)
    engagements = []
    for partner_name, name, manager, story in ENGAGEMENTS:
        engagement, created = Engagement.objects.get_or_create(
            partner=partners[partner_name],
            name=name,
            defaults={
                "account_manager": users[manager],
                "started_on": today - dt.timedelta(days=420),
                "description": f"{name} for {partner_name}.",
            },
        )
        if created:
            teammate = next(u for k, u in users.items() if k in ("anna", "ben") and k != manager)
            engagement.team.add(teammate)
            _seed_evidence(engagement, STORIES[story], users[manager], today)
        engagements.append(engagement)
    return engagements


def _seed_contacts(partner, users):
    slug = partner.slug
    for n, (first, title) in enumerate(
        (
            ("Product", "Product owner"),
            ("Platform", "Head of platform"),
            ("Digital", "Digital director"),
        )
    ):
        contact, _ = Contact.objects.get_or_create(
            partner=partner,
            email=f"{first.lower()}.owner@{slug}.example",
            defaults={"name": f"{first} Owner", "title": title, "is_product_owner": n < 3},
        )
        login = CLIENT_LOGINS.get(partner.name)
        if n == 0 and login and contact.user_id is None:
            contact.user = users[login]
            contact.name = users[login].get_full_name()
            contact.save()


def _seed_evidence(engagement, story, manager, today):
    rng = random.Random(f"{engagement.partner.name}/{engagement.name}")
    events, n = [], 0
    for days_ago in range(364, -1, -1):
        late = days_ago < 150
        positive = story.late_positive if late and story.late_positive else story.positive
        negative = (
            story.late_negative if late and story.late_negative is not None else story.negative
        )
        for dimension, per_month in [*positive.items(), (None, negative)]:
            if rng.random() >= per_month / 30:
                continue
            pool = (
                [kind for kind in EventKind.of_dimension(dimension) if kind.points > 0]
                if dimension
                else [kind for kind in EventKind if kind.points < 0]
            )
            kind = rng.choice(pool)
            n += 1
            events.append(
                EngagementEvent(
                    engagement=engagement,
                    kind=kind,
                    occurred_on=today - dt.timedelta(days=days_ago),
                    title=TITLES[kind].format(n=n),
                    logged_by=manager,
                    impact=rng.choice(["normal", "normal", "normal", "high", "low"]),
                )
            )
    EngagementEvent.objects.bulk_create(events)
    _seed_ratings(engagement, story, manager, today, rng)
    Engagement.objects.filter(pk=engagement.pk).update(evidence_version=1)


def _at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _seed_ratings(engagement, story, manager, today, rng):
    contacts = list(engagement.partner.contacts.order_by("pk"))[: story.raters]
    ratings = []
    # Written directly (bulk), not through `assessment_submit`; each contact rates every 45
    # days, so the demo keeps the 30-day rule of one rating per contact and engagement.
    for days_ago in range(story.last_rating_days_ago + 270, story.last_rating_days_ago - 1, -45):
        answers = story.late_answers if story.late_answers and days_ago < 150 else story.answers
        for k, contact in enumerate(contacts):
            jitter = [min(5, max(1, a + rng.choice((0, 0, 0, -1, 1)))) for a in answers]
            ratings.append(
                TrustAssessment(
                    engagement=engagement,
                    side="client",
                    rater_contact=contact,
                    submitted_at=_at(today - dt.timedelta(days=days_ago + k)),
                    recommend=min(10, max(0, 2 * jitter[6] + rng.choice((-1, 0, 0)))),
                    comment="" if rng.random() < 0.7 else "Good collaboration, keep us informed.",
                    **dict(zip(ANSWER_ITEMS, jitter, strict=True)),
                )
            )
    if story.self_answers:
        ratings.append(
            TrustAssessment(
                engagement=engagement,
                side="provider",
                rater_user=manager,
                submitted_at=_at(today - dt.timedelta(days=30)),
                **dict(zip(ANSWER_ITEMS, story.self_answers, strict=True)),
            )
        )
    TrustAssessment.objects.bulk_create(ratings)
    _seed_barriers(engagement, [r for r in ratings if r.side == "client"])
    if contacts and story.last_rating_days_ago < 120:
        AssessmentInvitation.objects.create(
            engagement=engagement,
            contact=contacts[0],
            created_by=manager,
            sent_to=contacts[0].email,
            token_hash=hash_token(f"demo-{engagement.pk}-{rng.random()}"),
            sent_at=timezone.now() - dt.timedelta(days=2),
            expires_at=timezone.now() + dt.timedelta(days=12),
        )


def _seed_barriers(engagement, ratings):
    """One or two barriers of the partner's mix on three ratings of four; "nothing" alone."""
    # A random stream of its own, so that the ratings above stay as they always were.
    rng = random.Random(f"{engagement.partner.name}/{engagement.name}/barriers")
    mix = BARRIER_MIX.get(engagement.partner.name, ())
    barriers = []
    for rating in ratings:
        if not mix or rng.random() < 0.25:
            continue
        codes = set(rng.sample(mix, min(len(mix), rng.randint(1, 2))))
        if TrustBarrier.NOTHING in codes:
            codes = {TrustBarrier.NOTHING}
        barriers += [AssessmentBarrier(assessment=rating, code=code) for code in sorted(codes)]
    AssessmentBarrier.objects.bulk_create(barriers)


def rebuild_history(engagements, *, days, progress=None):
    return services.history_rebuild(
        engagement_ids=[e.pk for e in engagements], days=days, progress=progress
    )
