import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from assessments import services, tasks
from assessments.models import LevelChange, MaturitySnapshot, ScoringPolicy
from partners.access import LEADERSHIP

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(engagement_a, leader, am):
    leader.email, am.email = "lea@provider.example", "anna@provider.example"
    leader.save()
    am.save()
    return LevelChange.objects.create(
        engagement=engagement_a, from_level=2, to_level=3, as_of=dt.date(2026, 6, 30)
    )


def test_level_change_emails_manager_and_leadership(change):
    assert tasks.notify_level_change(change.pk) == 2
    message = mail.outbox[0]
    assert sorted(message.to) == ["anna@provider.example", "lea@provider.example"]
    assert message.subject == "Acme Logistics: Route planner moved up to Domain expert"
    assert reverse("assessments:engagement_detail", args=[change.engagement_id]) in message.body


def test_notification_for_deleted_change_is_a_no_op(change):
    pk = change.pk
    change.delete()
    assert tasks.notify_level_change(pk) == 0
    assert mail.outbox == []


def test_inactive_leaders_are_not_emailed(change, leader):
    leader.is_active = False
    leader.save()
    Group.objects.get(name=LEADERSHIP)
    tasks.notify_level_change(change.pk)
    assert mail.outbox[0].to == ["anna@provider.example"]


def test_policy_in_use_is_never_edited(engagement_a):
    policy = ScoringPolicy.objects.get(is_active=True)
    services.engagement_recompute(engagement=engagement_a)
    policy.threshold = 55
    services.policy_save(policy=policy, changed=True)
    versions = dict(ScoringPolicy.objects.values_list("version", "threshold"))
    assert versions == {1: 60, 2: 55}
    assert ScoringPolicy.objects.get(is_active=True).version == 2
    assert MaturitySnapshot.objects.get().policy.version == 1


def test_unused_policy_edit_in_place():
    policy = ScoringPolicy.objects.get(is_active=True)
    policy.demotion_band = 5
    services.policy_save(policy=policy, changed=True)
    assert list(ScoringPolicy.objects.values_list("version", "demotion_band")) == [(1, 5)]


def test_policy_weights_must_sum_to_one():
    from django.core.exceptions import ValidationError

    policy = ScoringPolicy.objects.get(is_active=True)
    policy.weight_trust = 0.5
    with pytest.raises(ValidationError, match="must add up to 1"):
        services.policy_save(policy=policy, changed=True)
    assert ScoringPolicy.objects.get().weight_trust == 0.2
