"""The partners' organisation maturity, stored after every recompute (``PartnerFacts``).

The partner list and the dashboard's partners view sort, filter and count every visible
partner by organisation rung, score and stage. Computing that per request meant loading the
ratings of the whole portfolio (``selectors.organisation_facts``), so the pages slowed down
as it grew. Here it is computed once per recompute, by the same selectors and rules the
partner page uses live, and upserted one row per partner; each client contact's latest
rating (``LatestRating``) is stored alongside for the dashboard's barriers. Four queries and
three writes per batch of partners, however many engagements they hold.
"""

from django.utils import timezone

from partners.models import Engagement, Partner

from .. import selectors
from ..models import LatestRating, PartnerFacts
from .organisation import STAGE_ORDER

BATCH_SIZE = 500
STORED = (
    "facts_on",
    "level",
    "score",
    "stage",
    "stage_rank",
    "trusted_people",
    "product_owners",
    "engagements",
)


def partner_facts_refresh(*, policy, engagement_ids=None, partner_ids=None, today=None):
    """Store today's maturity of the partners of ``engagement_ids``, or of ``partner_ids``
    (of every partner when neither is given, which covers partners without engagements).

    Today's, whatever day a recompute was of: the pages show today's maturity, and the rung
    rests on the engagements' current levels. Two refreshes that race both compute from
    committed rows; the last write holds.
    """
    today = today or timezone.localdate()
    if partner_ids is not None:
        partners = Partner.objects.filter(pk__in=list(partner_ids)).values_list("pk", flat=True)
    elif engagement_ids is None:
        partners = Partner.objects.values_list("pk", flat=True)
    else:
        partners = (
            Engagement.objects.filter(pk__in=list(engagement_ids))
            .values_list("partner_id", flat=True)
            .distinct()
        )
    ids = sorted(set(partners))
    for start in range(0, len(ids), BATCH_SIZE):
        _refresh_batch(ids[start : start + BATCH_SIZE], today, policy)


def _refresh_batch(ids, today, policy):
    facts = selectors.organisation_facts(
        partner_ids=ids, as_of=today, window_days=policy.window_days
    )
    rows = []
    for pk, one in facts.items():
        maturity = one.maturity(trust_threshold=policy.trust_threshold)
        rows.append(
            PartnerFacts(
                partner_id=pk,
                facts_on=today,
                level=maturity.level,
                score=maturity.score,
                stage=maturity.stage,
                stage_rank=STAGE_ORDER[maturity.stage],
                trusted_people=maturity.trusted_people,
                product_owners=maturity.product_owners,
                engagements=maturity.engagements,
            )
        )
    PartnerFacts.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["partner"], update_fields=list(STORED)
    )
    latest = [
        LatestRating(
            contact_id=contact,
            assessment_id=rating.assessment_id,
            engagement_id=rating.engagement_id,
        )
        for one in facts.values()
        for contact, rating in one.ratings.items()
    ]
    LatestRating.objects.filter(engagement__partner_id__in=ids).exclude(
        contact_id__in=[row.contact_id for row in latest]
    ).delete()
    LatestRating.objects.bulk_create(
        latest,
        update_conflicts=True,
        unique_fields=["contact"],
        update_fields=["assessment", "engagement"],
    )
