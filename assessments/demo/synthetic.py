"""Synthetic portfolios for benchmarks and scale tests, written with bulk inserts.

Deterministic for a given seed and `as_of`. Not used by the product itself.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from partners.access import ACCOUNT_MANAGERS
from partners.choices import EventKind, Impact, Level
from partners.models import Contact, Engagement, EngagementEvent, Partner

from ..models import (
    AssessmentBarrier,
    MaturitySnapshot,
    ScoringPolicy,
    TrustAssessment,
    TrustBarrier,
)

KINDS = list(EventKind)
IMPACTS = [Impact.LOW, Impact.NORMAL, Impact.NORMAL, Impact.NORMAL, Impact.HIGH]
CHUNK = 5000


def _bulk(model, rows):
    for start in range(0, len(rows), CHUNK):
        model.objects.bulk_create(rows[start : start + CHUNK])


def _manager(prefix):
    user, _ = get_user_model().objects.get_or_create(username=f"{prefix}-am")
    user.groups.add(Group.objects.get(name=ACCOUNT_MANAGERS))
    return user


@transaction.atomic
def build_portfolio(
    *,
    engagements,
    events_per_engagement=0,
    assessments_per_engagement=0,
    snapshot_days=0,
    as_of=None,
    seed=1,
    prefix="synthetic",
    account_manager=None,
    disputed_share=0.0,
    engagements_per_partner=10,
    contacts_per_partner=2,
):
    """Create `engagements` engagements (10 per partner, 2 product owners per partner unless
    told otherwise) with events, client assessments and daily snapshots spread over the year
    before `as_of`. Each engagement's raters take turns through its partner's contacts. About
    `disputed_share` of the events are disputed by the client. Returns the new engagement ids."""
    rng = random.Random(seed)
    as_of = as_of or timezone.localdate()
    manager = account_manager or _manager(prefix)
    start = as_of - dt.timedelta(days=400)
    partner_count = max(1, -(-engagements // engagements_per_partner))
    _bulk(
        Partner,
        [
            Partner(
                name=f"{prefix} partner {n}", slug=f"{prefix}-partner-{n}", industry="Synthetic"
            )
            for n in range(partner_count)
        ],
    )
    partners = list(Partner.objects.filter(slug__startswith=f"{prefix}-partner-").order_by("pk"))
    _bulk(
        Contact,
        [
            Contact(
                partner=p,
                name=f"PO {k} of {p.name}",
                email=f"po{k}@{p.slug}.example",
                is_product_owner=True,
            )
            for p in partners
            for k in range(contacts_per_partner)
        ],
    )
    contacts = {}
    for contact in Contact.objects.filter(partner__in=partners).order_by("pk"):
        contacts.setdefault(contact.partner_id, []).append(contact.pk)
    _bulk(
        Engagement,
        [
            Engagement(
                partner=partners[n // engagements_per_partner],
                name=f"{prefix} engagement {n}",
                account_manager=manager,
                started_on=start,
            )
            for n in range(engagements)
        ],
    )
    rows = list(
        Engagement.objects.filter(partner__in=partners)
        .order_by("pk")
        .values_list("pk", "partner_id")
    )
    _bulk(
        EngagementEvent,
        [
            EngagementEvent(
                engagement_id=pk,
                kind=rng.choice(KINDS),
                impact=rng.choice(IMPACTS),
                occurred_on=as_of - dt.timedelta(days=rng.randrange(365)),
                title=f"Event {i}",
                client_status=_client_status(rng, disputed_share),
            )
            for pk, _ in rows
            for i in range(events_per_engagement)
        ],
    )
    tz = timezone.get_current_timezone()
    # Random dates bypass the 30-day rule of `assessment_submit` on purpose: these portfolios
    # only time the engine, which scores whatever ratings exist.
    _bulk(
        TrustAssessment,
        [
            TrustAssessment(
                engagement_id=pk,
                side=TrustAssessment.Side.CLIENT,
                rater_contact_id=contacts[partner_id][
                    (k * assessments_per_engagement + i) % len(contacts[partner_id])
                ],
                submitted_at=dt.datetime.combine(
                    as_of - dt.timedelta(days=rng.randrange(365)), dt.time(10), tzinfo=tz
                ),
                **{
                    item: rng.randint(2, 5)
                    for item in (
                        "credibility",
                        "reliability",
                        "intimacy",
                        "technical",
                        "domain",
                        "advice",
                    )
                },
                self_orientation=rng.randint(1, 3),
            )
            for k, (pk, partner_id) in enumerate(rows)
            for i in range(assessments_per_engagement)
        ],
    )
    _barriers([pk for pk, _ in rows], rng)
    if snapshot_days:
        _snapshots([pk for pk, _ in rows], snapshot_days, as_of, rng)
    return [pk for pk, _ in rows]


def _client_status(rng, disputed_share):
    # No draw without disputes, so that the portfolios of a given seed stay as they were.
    if disputed_share and rng.random() < disputed_share:
        return EngagementEvent.ClientStatus.DISPUTED
    return EngagementEvent.ClientStatus.UNREVIEWED


def _barriers(engagement_ids, rng):
    """One or two barriers on about half of the client ratings."""
    codes = [code for code in TrustBarrier.values if code != TrustBarrier.NOTHING]
    ratings = TrustAssessment.objects.filter(engagement_id__in=engagement_ids).values_list(
        "pk", flat=True
    )
    _bulk(
        AssessmentBarrier,
        [
            AssessmentBarrier(assessment_id=pk, code=code)
            for pk in ratings
            if rng.random() < 0.5
            for code in rng.sample(codes, rng.randint(1, 2))
        ],
    )


def _snapshots(ids, days, as_of, rng):
    policy = ScoringPolicy.objects.get(is_active=True)
    batch, latest = [], []
    for pk in ids:
        score = rng.uniform(20, 80)
        for n in range(days - 1, -1, -1):
            score = min(100, max(0, score + rng.uniform(-1.5, 1.5)))
            level = Level.EXECUTOR + int(score // 25) if score < 100 else Level.TRUSTED_ADVISOR
            batch.append(
                MaturitySnapshot(
                    engagement_id=pk,
                    as_of=as_of - dt.timedelta(days=n),
                    policy=policy,
                    score=score,
                    level=min(level, 4),
                    delivery=score,
                    technical=score,
                    domain=score,
                    partnership=score,
                    trust=score,
                    trust_quotient=3.0,
                    rater_count=2,
                    event_count=10,
                    assessment_count=2,
                    confidence="medium",
                    explanation={},
                )
            )
            if len(batch) >= CHUNK:
                MaturitySnapshot.objects.bulk_create(batch)
                batch = []
        latest.append(Engagement(pk=pk, score=score, level=min(level, 4)))
    MaturitySnapshot.objects.bulk_create(batch)
    Engagement.objects.bulk_update(latest, ["score", "level"], batch_size=CHUNK)


SNAPSHOTS_SQL = """
INSERT INTO assessments_maturitysnapshot (
    engagement_id, as_of, policy_id, score, level, delivery, technical, domain, partnership,
    trust, trust_quotient, rater_count, event_count, assessment_count, confidence,
    explanation, computed_at)
SELECT e.id, %(today)s::date - d, %(policy)s, w.score, LEAST(4, 1 + FLOOR(w.score / 25))::int,
       w.score, w.score, w.score, w.score, w.score, 3.0, 2, 10, 2, 'medium', '{}', NOW()
FROM partners_engagement e
CROSS JOIN generate_series(0, %(days)s - 1) AS d
CROSS JOIN LATERAL (SELECT 50 + 45 * SIN(e.id * 0.7 + d / 45.0) AS score) AS w
WHERE e.id = ANY(%(ids)s)
"""
LEVEL_CHANGES_SQL = """
INSERT INTO assessments_levelchange (engagement_id, from_level, to_level, as_of, snapshot_id,
                                     created_at)
SELECT engagement_id, previous, level, as_of, id, NOW() FROM (
    SELECT id, engagement_id, as_of, level,
           LAG(level) OVER (PARTITION BY engagement_id ORDER BY as_of) AS previous
    FROM assessments_maturitysnapshot WHERE engagement_id = ANY(%(ids)s)
) AS days
WHERE previous <> level
"""
CURRENT_SQL = """
UPDATE partners_engagement AS e SET score = s.score, level = s.level
FROM assessments_maturitysnapshot AS s
WHERE s.engagement_id = e.id AND s.as_of = %(today)s AND e.id = ANY(%(ids)s)
"""


def history_in_sql(ids, *, days, today):
    """Daily snapshots and the level changes they imply, generated by PostgreSQL.

    Row-by-row ORM inserts would spend half an hour on 3.65 million snapshots; here each
    engagement's score follows a smooth wave through the rungs instead of a random walk.
    """
    params = {
        "ids": list(ids),
        "days": days,
        "policy": ScoringPolicy.objects.get(is_active=True).pk,
        "today": today,
    }
    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOTS_SQL, params)
        cursor.execute(LEVEL_CHANGES_SQL, params)
        cursor.execute(CURRENT_SQL, params)
    analyze_tables()


def analyze_tables():
    """Statistics for freshly written rows, in every table: without them PostgreSQL would
    choose plans no real database would use (with no statistics on partners, a filter by
    industry was planned for one partner of a thousand, and the dashboard's movers took
    55 ms instead of 2)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
