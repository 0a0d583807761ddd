"""The partner page: how trust between individuals has grown into trust between organisations.

One load of the organisation facts (``selectors.organisation_facts``) feeds the rung, the
stage, its sentence and the relationship map, so that they can never disagree; the page costs
the same dozen queries for two contacts as for two hundred.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from partners import selectors as register
from partners.models import Engagement, display_name

from .. import selectors
from ..engine.organisation import Stage, lower_median_of_counts
from ..models import MaturitySnapshot, TrustAssessment
from . import attention, charts

TREND_DAYS = 365


def _provider_people(engagements, memberships):
    """{engagement id: [user, ...]}: the account manager first, then the team by name."""
    team = defaultdict(list)
    for membership in memberships:
        team[membership.engagement_id].append(membership.user)
    return {
        e.pk: [e.account_manager]
        + sorted((u for u in team[e.pk] if u.pk != e.account_manager_id), key=display_name)
        for e in engagements
    }


def _contact_rows(contacts, engagements, people, facts, *, trust_threshold, stale_since):
    rated_by = defaultdict(list)
    for engagement in engagements:
        for contact_id in facts.raters.get(engagement.pk, ()):
            rated_by[contact_id].append(engagement)
    rows = []
    for contact in contacts:
        rating = facts.ratings.get(contact.pk)
        trust = rating.trust if rating else None
        rated = rated_by[contact.pk]
        bonds = {u.pk: u for e in rated for u in people[e.pk]}
        rows.append(
            {
                "contact": contact,
                "trust": trust,
                "trusted": trust is not None and trust >= trust_threshold,
                "last_rating_at": contact.last_rating_at,
                "stale": contact.last_rating_at is None or contact.last_rating_at < stale_since,
                "engagements": rated,
                "people": sorted(bonds.values(), key=display_name),
            }
        )
    rows.sort(key=lambda row: (row["trust"] is None, -(row["trust"] or 0), row["contact"].name))
    return rows


def _people_rows(engagements, people, contact_rows):
    """Each provider person on an open engagement with the contacts they work with."""
    open_engagements = [e for e in engagements if e.status != Engagement.Status.CLOSED]
    by_user, theirs = {}, defaultdict(list)
    for engagement in open_engagements:
        for user in people[engagement.pk]:
            by_user[user.pk] = user
            theirs[user.pk].append(engagement)
    rows = []
    for pk, user in by_user.items():
        counterparts = [
            row for row in contact_rows if any(e in theirs[pk] for e in row["engagements"])
        ]
        trusted = [row["contact"] for row in counterparts if row["trusted"]]
        rows.append(
            {
                "user": user,
                "engagements": theirs[pk],
                "counterparts": [row["contact"] for row in counterparts],
                "trusted": trusted,
            }
        )
    return sorted(rows, key=lambda row: (bool(row["trusted"]), display_name(row["user"])))


def _engagement_words(covered, rated):
    if covered == rated == 1:
        return "on its one rated engagement"
    if covered == rated == 2:
        return "across both rated engagements"
    if covered == rated:
        return f"across all {rated} rated engagements"
    return f"on {covered} of {rated} rated engagements"


def stage_sentence(maturity, contact_rows, facts, engagements):
    """The stage in words, and what the organisation stage still needs (or None)."""
    trusted = [row["contact"] for row in contact_rows if row["trusted"]]
    if maturity.stage == Stage.NONE:
        if not contact_rows or all(row["trust"] is None for row in contact_rows):
            return "No client contact has rated us in the last 12 months.", None
        return "Nobody at the client trusts us enough yet.", None
    if maturity.stage == Stage.INDIVIDUAL:
        return f"Trust rests with 1 person: {trusted[0].name}", None
    trusted_ids = {c.pk for c in trusted}
    rated = [e for e in engagements if e.pk in facts.active]
    uncovered = [e for e in rated if not facts.raters[e.pk] & trusted_ids]
    owners = sum(c.is_product_owner for c in trusted)
    who = (
        f"Trusted by {owners} of {maturity.product_owners} product owners"
        if owners == len(trusted)
        else f"Trusted by {len(trusted)} people, {owners} of {maturity.product_owners} "
        "product owners among them,"
    )
    sentence = f"{who} {_engagement_words(len(rated) - len(uncovered), len(rated))}"
    if maturity.stage == Stage.ORGANISATION:
        return sentence, None
    missing = []
    if len(trusted) < maturity.product_owners / 2:
        missing.append(f"at least half of the {maturity.product_owners} product owners")
    if uncovered:
        missing.append("a trusted person on " + ", ".join(e.name for e in uncovered))
    return sentence, "The organisation stage needs " + " and ".join(missing) + "."


def organisation_trend(partner, *, today):
    """A year of the organisation score (mean) and rung (lower median) of the partner's
    active engagements, from their daily snapshots, as the engagement trend chart."""
    start = today - dt.timedelta(days=TREND_DAYS - 1)
    points = organisation_points(partner, start=start, end=today)
    changes = [
        (day, before, level)
        for (_, _, before), (day, _, level) in zip(points, points[1:], strict=False)
        if level != before
    ]
    return charts.trend_chart(points=points, changes=changes, start=start, end=today)


def organisation_points(partner, *, start, end):
    """[(day, mean score, lower-median rung)] of the partner's active engagements' snapshots,
    oldest first. Summed per day and rung in the database: a few rows a day rather than one
    per engagement and day (18,250 for 50 engagements)."""
    rows = (
        MaturitySnapshot.objects.filter(
            engagement__partner=partner,
            engagement__status=Engagement.Status.ACTIVE,
            as_of__gte=start,
            as_of__lte=end,
        )
        .values_list("as_of", "level")
        .annotate(total=Sum("score"), n=Count("pk"))
        .order_by("as_of", "level")
    )
    days = defaultdict(dict)
    totals = defaultdict(float)
    for day, level, total, n in rows:
        days[day][level] = n
        totals[day] += total
    return [
        (day, totals[day] / sum(counts.values()), lower_median_of_counts(counts))
        for day, counts in days.items()
    ]


def partner_context(*, partner):
    today = timezone.localdate()
    policy = selectors.active_policy()
    facts = selectors.organisation_facts(
        partner_ids=[partner.pk], as_of=today, window_days=policy.window_days
    )[partner.pk]
    maturity = facts.maturity(trust_threshold=policy.trust_threshold)
    engagements = list(register.partner_engagements(partner=partner))
    for engagement in engagements:  # reversed once, shown once per contact who rated it
        engagement.url = engagement.get_absolute_url()
    memberships = Engagement.team.through.objects.filter(
        engagement__partner=partner
    ).select_related("user")
    people = _provider_people(engagements, memberships)
    contacts = partner.contacts.select_related("user").annotate(
        last_rating_at=Max("assessments__submitted_at", filter=Q(assessments__side="client"))
    )
    contact_rows = _contact_rows(
        contacts,
        engagements,
        people,
        facts,
        trust_threshold=policy.trust_threshold,
        stale_since=attention.stale_since(today),
    )
    sentence, stage_next = stage_sentence(maturity, contact_rows, facts, engagements)
    ratings = selectors.latest_client_ratings(
        TrustAssessment.objects.filter(engagement__partner=partner),
        as_of=today,
        window_days=policy.window_days,
    )
    return {
        "partner": partner,
        "maturity": maturity,
        "stage_label": Stage(maturity.stage).label,
        "stage_sentence": sentence,
        "stage_next": stage_next,
        "trend_chart": organisation_trend(partner, today=today),
        "engagements": engagements,
        "contact_rows": contact_rows,
        "unbonded": sum(not row["people"] for row in contact_rows),
        "people_rows": _people_rows(engagements, people, contact_rows),
        "barriers": selectors.barrier_counts(ratings),
        "policy": policy,
    }
