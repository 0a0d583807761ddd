import pytest

from partners import services
from partners.models import Engagement
from partners.tests.factories import log_event

pytestmark = pytest.mark.django_db


def test_engagement_update_never_writes_back_scores(engagement_a, am):
    stale = Engagement.objects.get(pk=engagement_a.pk)
    log_event(engagement_a, am)
    Engagement.objects.filter(pk=engagement_a.pk).update(score=71.5, level=3)
    services.engagement_update(engagement=stale, data={"name": "Route planner 2"})
    engagement_a.refresh_from_db()
    assert (engagement_a.name, engagement_a.evidence_version) == ("Route planner 2", 1)
    assert (engagement_a.score, engagement_a.level) == (71.5, 3)
