"""/api/v1/partners/ carries each partner's organisation maturity, read-only."""

import pytest

from assessments.tests.factories import AssessmentFactory
from partners.models import Engagement
from partners.tests.factories import EngagementFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_partners_carry_their_maturity(api, am, world):
    Engagement.objects.filter(pk=world.engagement_a.pk).update(level=3, score=64.5)
    AssessmentFactory(
        engagement=world.engagement_a,
        rater_contact=world.contact_a,
        credibility=5,
        reliability=5,
        intimacy=4,
        self_orientation=1,
    )

    response = api(am).get(f"/api/v1/partners/{world.partner_a.pk}/")

    assert response.status_code == 200
    assert response.json()["maturity"] == {
        "level": 3,
        "score": 64.5,
        "stage": "individual",
        "trusted_people": 1,
        "product_owners": 2,
        "engagements": 1,
    }


def test_maturity_is_read_only(api, am, world):
    response = api(am).patch(
        f"/api/v1/partners/{world.partner_a.pk}/",
        {"notes": "Key account", "maturity": {"stage": "organisation"}},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["notes"] == "Key account"
    assert response.json()["maturity"]["stage"] == "none"


@pytest.mark.parametrize("extra", [2, 20])
def test_partner_list_queries_do_not_grow(api, am, world, extra, django_assert_max_num_queries):
    for partner in PartnerFactory.create_batch(extra):
        EngagementFactory(partner=partner, score=50.0)
    client = api(am)

    # Authentication, the page and its count, then the policy and four maturity reads.
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/partners/?page_size=200")

    assert response.status_code == 200
    assert len(response.json()["results"]) == extra + 2
