"""Celery jobs: thin wrappers that take ids, load rows and call one service."""

from celery import shared_task
from django.utils import timezone

from partners.models import Engagement

from . import selectors, services
from .models import Backtest

RECOMPUTE_LIMITS = {"soft_time_limit": 60, "time_limit": 90}


@shared_task(**RECOMPUTE_LIMITS)
def recompute_engagement(engagement_id):
    engagement = Engagement.objects.filter(pk=engagement_id).first()
    if engagement is None:
        return None
    return services.engagement_recompute(engagement=engagement).pk


@shared_task(**RECOMPUTE_LIMITS)
def refresh_partner_facts(partner_ids):
    services.partner_facts_store(partner_ids=partner_ids)
    return len(partner_ids)


@shared_task(soft_time_limit=240, time_limit=300)
def recompute_dirty():
    """Catch up engagements whose evidence changed but whose recompute was lost."""
    ids = list(Engagement.objects.dirty().values_list("pk", flat=True))
    if ids:
        services.engagements_recompute_all(engagement_ids=ids)
    return len(ids)


@shared_task(soft_time_limit=1800, time_limit=2000)
def recompute_all():
    """Nightly: decay moves every score even without new evidence."""
    return services.portfolio_recompute(as_of=timezone.localdate())


@shared_task(soft_time_limit=600, time_limit=660)
def send_due_invitations():
    invited, reminded = services.invitations_send_due()
    return {"invited": invited, "reminded": reminded}


@shared_task(
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_level_change(level_change_id):
    level_change = selectors.level_change_for_notification(level_change_id)
    if level_change is None:
        return 0
    return services.level_change_notify(level_change=level_change)


@shared_task(soft_time_limit=600, time_limit=660)
def run_backtest(backtest_id):
    backtest = (
        Backtest.objects.select_related("policy", "active_policy").filter(pk=backtest_id).first()
    )
    if backtest is None or backtest.is_finished:
        return None
    return services.backtest_execute(backtest=backtest).pk
