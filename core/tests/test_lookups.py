import pytest
from django.db.models import F

from core.lookups import AnyOf
from partners.models import Engagement
from partners.tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def test_any_of_selects_the_rows_of_the_ids_given(partner_a):
    engagements = EngagementFactory.create_batch(4, partner=partner_a)
    wanted = [engagements[0].pk, engagements[2].pk, 10**9]

    chosen = Engagement.objects.filter(AnyOf(F("pk"), wanted))

    assert sorted(chosen.values_list("pk", flat=True)) == wanted[:2]
    assert not Engagement.objects.filter(AnyOf(F("pk"), [])).exists()
    assert Engagement.objects.exclude(AnyOf(F("pk"), wanted)).count() == 2
