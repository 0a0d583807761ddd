"""Workflows of the maturity engine: recomputes, ratings, invitations, notifications."""

import datetime as dt
import logging
import secrets
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partners import access
from partners.access import LEADERSHIP
from partners.models import Contact, Engagement
from partners.services import evidence_bump

from . import selectors
from .engine import backtest as backtest_engine
from .engine import facts, partner_facts, recompute
from .engine.scoring import ANSWER_ITEMS
from .models import (
    AssessmentBarrier,
    AssessmentInvitation,
    Backtest,
    LevelChange,
    PlanItem,
    ScoringPolicy,
    TrustAssessment,
    TrustBarrier,
    hash_token,
)

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = dt.timedelta(days=14)
REMINDER_AFTER = dt.timedelta(days=7)
RATING_DUE_AFTER = dt.timedelta(days=90)
# A contact rates an engagement at most once in this period (issue 16, item 2).
RATING_INTERVAL = dt.timedelta(days=30)
# Bad rating tokens one IP address may try per window before /rate/<token>/ answers 429.
BAD_TOKEN_LIMIT = 20
BAD_TOKEN_WINDOW_SECONDS = 600


# Sent with the `LevelChange` rows a recompute recorded, inside its transaction. The receiver
# (receivers.py) enqueues the notification after commit. Sending a signal instead of calling
# the task keeps this module free of `tasks`, which imports it.
level_changes_recorded = Signal()


def _enqueue_level_notifications(changes):
    if changes:
        level_changes_recorded.send(sender=LevelChange, level_change_ids=[c.pk for c in changes])


def enqueue(task, *args):
    """Send a task, never failing the caller: a broker outage is logged, not raised.

    Lost recomputes are caught up by `recompute_dirty`, since the dirty flag lives in the
    database.
    """
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r; it will be caught up later.", task.name, args)


def engagement_recompute(*, engagement, as_of=None, notify=True):
    """Recompute one engagement's snapshot for `as_of` (default today) and return it.

    The engagement row is locked for the duration, so concurrent recomputes of the same
    engagement serialise and the last one overwrites the day's snapshot.
    """
    as_of = as_of or timezone.localdate()
    policy = selectors.active_policy()
    _, changes = recompute.recompute_batch(
        engagement_ids=[engagement.pk], as_of=as_of, policy=policy
    )
    partner_facts.partner_facts_refresh(engagement_ids=[engagement.pk], policy=policy)
    if notify:
        _enqueue_level_notifications(changes)
    engagement.refresh_from_db(fields=["level", "score", "scored_at", "scored_version"])
    return engagement.snapshots.get(as_of=as_of)


def engagements_recompute_all(
    *,
    as_of=None,
    engagement_ids=None,
    notify=True,
    progress=None,
    timings=None,
    store_facts=True,
):
    """Recompute many engagements set-based, in batches; returns the number recomputed.

    Each batch of `recompute.BATCH_SIZE` engagements costs a fixed number of queries.
    `progress(done, total)` is called after each batch when given; a `recompute.Timings`
    given as `timings` collects the seconds per phase. Each batch also stores the portfolio
    facts of the pages (`engine/facts.py`) unless `store_facts` is False.
    """
    as_of = as_of or timezone.localdate()
    policy = selectors.active_policy()
    every = engagement_ids is None
    if every:
        engagement_ids = Engagement.objects.values_list("pk", flat=True)
    ids = sorted(set(engagement_ids))
    batches = [ids[n : n + recompute.BATCH_SIZE] for n in range(0, len(ids), recompute.BATCH_SIZE)]
    if not batches:
        return 0
    if recompute.can_pipeline():
        results = recompute.recompute_pipelined(
            batches=batches, as_of=as_of, policy=policy, timings=timings, store_facts=store_facts
        )
    else:
        results = (
            recompute.recompute_batch(
                engagement_ids=batch,
                as_of=as_of,
                policy=policy,
                timings=timings,
                store_facts=store_facts,
            )[1]
            for batch in batches
        )
    done = 0
    for batch, changes in zip(batches, results, strict=True):
        if notify:
            _enqueue_level_notifications(changes)
        done += len(batch)
        if progress:
            progress(done, len(ids))
    if store_facts:
        with (timings or recompute.Timings()).phase("partners"):
            partner_facts.partner_facts_refresh(
                engagement_ids=None if every else ids, policy=policy
            )
    return done


def portfolio_recompute(*, as_of=None):
    """The nightly run: every engagement, then the dashboard's month-end rung counts."""
    as_of = as_of or timezone.localdate()
    done = engagements_recompute_all(as_of=as_of)
    facts.rung_history_refresh(today=as_of)
    return done


def partner_facts_store(*, partner_ids):
    """Refresh the stored maturity of these partners after a change that recomputes no
    engagement (a product owner named, an engagement closed): `engine/partner_facts.py`."""
    partner_facts.partner_facts_refresh(policy=selectors.active_policy(), partner_ids=partner_ids)


def history_rebuild(*, engagement_ids=None, days, until=None, progress=None):
    """Snapshots for each of the last `days` days, oldest first, so trends have history; then
    the portfolio facts of the last day and the month-end rung counts."""
    dates = recompute.days_back(days=days, until=until)
    for n, day in enumerate(dates, start=1):
        engagements_recompute_all(
            as_of=day, engagement_ids=engagement_ids, notify=False, store_facts=False
        )
        if progress:
            progress(n, len(dates))
    ids = (
        Engagement.objects.values_list("pk", flat=True)
        if engagement_ids is None
        else engagement_ids
    )
    policy = selectors.active_policy()
    facts.facts_refresh(engagement_ids=ids, as_of=dates[-1], policy=policy)
    partner_facts.partner_facts_refresh(engagement_ids=engagement_ids, policy=policy)
    facts.rung_history_refresh(today=timezone.localdate())
    return len(dates)


def _validate_answers(answers, recommend):
    errors = {}
    for item in ANSWER_ITEMS:
        value = answers.get(item)
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[item] = "Choose a value from 1 to 5."
    if recommend is not None and (not isinstance(recommend, int) or not 0 <= recommend <= 10):
        errors["recommend"] = "Choose a value from 0 to 10."
    if errors:
        raise ValidationError(errors)


def _validate_barriers(barriers):
    unknown = sorted(set(barriers) - set(TrustBarrier.values))
    if unknown:
        raise ValidationError({"barriers": f"Unknown barrier: {', '.join(unknown)}."})
    if TrustBarrier.NOTHING in barriers and len(set(barriers)) > 1:
        raise ValidationError(
            {"barriers": "“Nothing holds me back” cannot be chosen together with a barrier."}
        )


@transaction.atomic
def assessment_submit(
    *,
    engagement,
    side,
    answers,
    rater_contact=None,
    rater_user=None,
    comment="",
    recommend=None,
    submitted_at=None,
    invitation=None,
    barriers=(),
) -> TrustAssessment:
    """Save a rating and mark the engagement for recompute.

    A client rating needs the rater's contact, which must belong to the engagement's partner,
    and must be at least 30 days from that contact's other ratings of the engagement, before or
    after it (backfills with explicit dates too). An invitation is locked, checked (not used,
    not expired, for this engagement) and marked used in the same transaction, so a link can
    never be answered twice. `barriers` are `TrustBarrier` codes; they are stored with the
    rating and never change the score.
    """
    _validate_answers(answers, recommend)
    _validate_barriers(barriers)
    if invitation is not None:
        invitation = AssessmentInvitation.objects.select_for_update().get(pk=invitation.pk)
        invitation.refuse_use()
        if invitation.engagement_id != engagement.pk:
            raise ValidationError("This rating link is for another engagement.")
        rater_contact = invitation.contact
    client_side = side == TrustAssessment.Side.CLIENT
    if client_side and (rater_contact is None or rater_contact.partner_id != engagement.partner_id):
        raise ValidationError("A client rating must come from a contact of the partner.")
    submitted_at = submitted_at or timezone.now()
    engagement.refuse_evidence_on(timezone.localtime(submitted_at).date())
    if client_side:
        _refuse_rating_too_soon(engagement=engagement, contact=rater_contact, at=submitted_at)
    assessment = TrustAssessment(
        engagement=engagement,
        side=side,
        rater_contact=rater_contact,
        rater_user=rater_user,
        comment=comment,
        recommend=recommend,
        submitted_at=submitted_at,
        **{item: answers[item] for item in ANSWER_ITEMS},
    )
    assessment.full_clean()
    assessment.save()
    AssessmentBarrier.objects.bulk_create(
        AssessmentBarrier(assessment=assessment, code=code) for code in sorted(set(barriers))
    )
    if invitation is not None:
        invitation.used_at = timezone.now()
        invitation.assessment = assessment
        invitation.save(update_fields=["used_at", "assessment"])
    evidence_bump(engagement_ids=[engagement.pk])
    return assessment


def rating_submit(*, engagement, user, answers, invitation=None, **details) -> TrustAssessment:
    """Save a rating from whoever gives it, deciding its side and rater.

    Through a rating link: a client rating by the invited contact. From a client product
    owner: a client rating as their own contact. From provider staff who may change the
    engagement: a self-assessment (side provider). Anyone else is refused. `details`
    (recommend, comment) go to `assessment_submit` as they are.
    """
    if invitation is not None:  # whoever holds the link rates as the invited contact
        side, contact, user = TrustAssessment.Side.CLIENT, None, None
    elif access.is_client(user):
        side, contact = TrustAssessment.Side.CLIENT, Contact.objects.filter(user=user).first()
    elif access.can_change_engagement(user, engagement):
        side, contact = TrustAssessment.Side.PROVIDER, None
    else:
        raise PermissionDenied("You may only self-assess engagements you may change.")
    return assessment_submit(
        engagement=engagement,
        side=side,
        answers=answers,
        rater_contact=contact,
        rater_user=user,
        invitation=invitation,
        **details,
    )


def _refuse_rating_too_soon(*, engagement, contact, at):
    """One contact, one engagement: one client rating per 30 days, so a single rater cannot
    outvote the others by rating again and again."""
    # Locking the contact serialises concurrent submissions of the same contact, so twenty
    # parallel requests cannot all pass the check before any of them is saved.
    Contact.objects.select_for_update().filter(pk=contact.pk).first()
    near = (
        TrustAssessment.objects.filter(
            engagement=engagement,
            rater_contact=contact,
            side=TrustAssessment.Side.CLIENT,
            submitted_at__gt=at - RATING_INTERVAL,
            submitted_at__lt=at + RATING_INTERVAL,
        )
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    if near is not None:
        rated_on = timezone.localtime(near).date()
        again = rated_on + RATING_INTERVAL
        raise ValidationError(
            f"You rated this on {rated_on:%d %b %Y}; you can rate again from {again:%d %b %Y}."
        )


def _rating_email(*, invitation, raw_token, reminder):
    link = settings.SITE_URL + reverse("assessments:rate", args=[raw_token])
    context = {
        "invitation": invitation,
        "link": link,
        "reminder": reminder,
        "provider": settings.TRUSTAPP_PROVIDER_NAME,
    }
    subject = (
        f"{'Reminder: ' if reminder else ''}How is your collaboration with "
        f"{settings.TRUSTAPP_PROVIDER_NAME} on {invitation.engagement.name}?"
    )
    body = render_to_string("assessments/email/invitation.txt", context)
    return subject, body


def _provider_sender():
    """DEFAULT_FROM_EMAIL's address under the provider's name, so the client sees who asks."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((settings.TRUSTAPP_PROVIDER_NAME, address))


def _send_invitation(*, invitation, raw_token, reminder=False):
    subject, body = _rating_email(invitation=invitation, raw_token=raw_token, reminder=reminder)
    send_mail(subject, body, _provider_sender(), [invitation.sent_to])


def _deliver(*, invitation, raw_token, reminder=False):
    """Email one invitation; a failure is logged and recorded on the invitation, never raised,
    so one bad address (or header) cannot stop the others. True when sent."""
    now = timezone.now()
    try:
        _send_invitation(invitation=invitation, raw_token=raw_token, reminder=reminder)
    except Exception:
        logger.exception("Could not email rating invitation %s.", invitation.pk)
        invitation.send_failed_at = now
        AssessmentInvitation.objects.filter(pk=invitation.pk).update(send_failed_at=now)
        return False
    sent = {"reminded_at": now} if reminder else {"sent_at": now}
    invitation.send_failed_at = None
    for field, value in sent.items():
        setattr(invitation, field, value)
    AssessmentInvitation.objects.filter(pk=invitation.pk).update(send_failed_at=None, **sent)
    return True


def _refuse_invitations(*, engagement, contacts):
    if engagement.status == Engagement.Status.CLOSED:
        raise ValidationError("This engagement is closed; it takes no new ratings.")
    if any(contact.partner_id != engagement.partner_id for contact in contacts):
        raise ValidationError("The contact does not belong to this engagement's partner.")


def open_invitation(*, engagement, contact):
    return AssessmentInvitation.objects.filter(
        engagement=engagement,
        contact=contact,
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


def _invitation_new(*, engagement, contact, created_by):
    raw_token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = AssessmentInvitation(
        engagement=engagement,
        contact=contact,
        token_hash=hash_token(raw_token),
        created_by=created_by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        sent_to=contact.email,
    )
    invitation._history_user = created_by
    invitation.save()
    return invitation, raw_token


def _token_renew(*, invitation):
    raw_token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(raw_token)
    invitation.exchanged_at = None
    invitation.sent_to = invitation.contact.email
    invitation._change_reason = "New link sent as a reminder"
    invitation.save(update_fields=["token_hash", "exchanged_at", "sent_to"])
    return raw_token


def invitations_create(*, engagement, contacts, created_by):
    """Ask several contacts for a rating, all or nothing. Returns (created, reminded): lists of
    invitations.

    A contact who already has an open invitation to this engagement is reminded instead (a
    fresh link for the same invitation): never two open invitations for one contact. The
    emails go out after the commit, each in its own try (a failed send is recorded on the
    invitation and shown on the invite page).
    """
    _refuse_invitations(engagement=engagement, contacts=contacts)
    created, reminded, outbox = [], [], []
    with transaction.atomic():
        # Locking the contacts serialises two requests inviting the same person, so both
        # cannot find "no open invitation" and create one each.
        list(Contact.objects.select_for_update().filter(pk__in=[c.pk for c in contacts]))
        for contact in contacts:
            invitation = open_invitation(engagement=engagement, contact=contact)
            if invitation is not None:
                outbox.append((invitation, _token_renew(invitation=invitation), True))
                reminded.append(invitation)
            else:
                invitation, raw_token = _invitation_new(
                    engagement=engagement, contact=contact, created_by=created_by
                )
                outbox.append((invitation, raw_token, False))
                created.append(invitation)
        transaction.on_commit(lambda: _deliver_all(outbox))
    return created, reminded


def _deliver_all(outbox):
    for invitation, raw_token, reminder in outbox:
        _deliver(invitation=invitation, raw_token=raw_token, reminder=reminder)


def invitation_create(*, engagement, contact, created_by):
    """Ask one contact for a rating (or remind them of their open invitation). Returns
    (invitation, raw_token); the email goes out after the commit.

    Only the token's SHA-256 is stored; the raw token exists in the email alone.
    """
    _refuse_invitations(engagement=engagement, contacts=[contact])
    with transaction.atomic():
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        invitation = open_invitation(engagement=engagement, contact=contact)
        reminder = invitation is not None
        if reminder:
            raw_token = _token_renew(invitation=invitation)
        else:
            invitation, raw_token = _invitation_new(
                engagement=engagement, contact=contact, created_by=created_by
            )
        transaction.on_commit(
            lambda: _deliver(invitation=invitation, raw_token=raw_token, reminder=reminder)
        )
    return invitation, raw_token


@transaction.atomic
def invitation_remind(*, invitation):
    """Email a fresh link for an open invitation (after the commit); the old link stops
    working. Refused (ValidationError) when the invitation is no longer open."""
    invitation = AssessmentInvitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.refuse_use()
    raw_token = _token_renew(invitation=invitation)
    transaction.on_commit(
        lambda: _deliver(invitation=invitation, raw_token=raw_token, reminder=True)
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation, reason=""):
    """Withdraw an open invitation: its link answers 410 from now on."""
    invitation = AssessmentInvitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.refuse_use()
    now = timezone.now()
    invitation.revoked_at = now
    invitation.expires_at = min(invitation.expires_at, now)
    invitation._change_reason = reason
    invitation.save(update_fields=["revoked_at", "expires_at"])
    return invitation


def invitations_revoke_for_contact(*, contact, reason):
    """Withdraw every open invitation of a contact (their email changed: the links went to an
    address that is no longer theirs)."""
    open_invitations = AssessmentInvitation.objects.filter(
        contact=contact, used_at__isnull=True, revoked_at__isnull=True
    )
    for invitation in open_invitations:
        invitation_revoke(invitation=invitation, reason=reason)


def invitation_renew_token(*, invitation):
    """A fresh token for a reminder: the old link stops working, the new one is emailed."""
    raw_token = _token_renew(invitation=invitation)
    _deliver(invitation=invitation, raw_token=raw_token, reminder=True)
    return raw_token


def invitation_exchange(*, invitation):
    """Mark the link as opened: from now on the token alone no longer opens the form (the
    visitor's session does). Refused when already opened, used, expired or withdrawn."""
    invitation.refuse_use()
    opened = AssessmentInvitation.objects.filter(
        pk=invitation.pk, exchanged_at__isnull=True
    ).update(exchanged_at=timezone.now())
    if not opened:
        raise ValidationError("This rating link has already been opened in another browser.")


def rating_link_blocked(*, address):
    """True when `address` tried too many bad rating tokens in the current window."""
    return cache.get(f"bad-rating-token:{address}", 0) >= BAD_TOKEN_LIMIT


def rating_link_refused(*, address):
    """Count one bad rating token from `address`; the window starts at the first one."""
    key = f"bad-rating-token:{address}"
    if not cache.add(key, 1, timeout=BAD_TOKEN_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=BAD_TOKEN_WINDOW_SECONDS)


def invitations_send_due(*, now=None):
    """Invite product owners who have not rated an active engagement in 90 days; remind after
    7 days. Returns (invited, reminded). Safe to run twice: an open invitation blocks a new one
    and `reminded_at` blocks a second reminder.
    """
    now = now or timezone.now()
    invited = 0
    for engagement, contact in selectors.due_invitation_pairs(now=now, due_after=RATING_DUE_AFTER):
        try:
            invitation_create(engagement=engagement, contact=contact, created_by=None)
        except ValidationError:
            logger.exception("Could not invite %s to rate engagement %s.", contact, engagement)
            continue
        invited += 1
    reminded = 0
    due_reminders = AssessmentInvitation.objects.select_related("engagement", "contact").filter(
        used_at__isnull=True,
        reminded_at__isnull=True,
        expires_at__gt=now,
        sent_at__lte=now - REMINDER_AFTER,
    )
    for invitation in due_reminders:
        with transaction.atomic():
            locked = (
                AssessmentInvitation.objects.select_for_update(skip_locked=True)
                .filter(pk=invitation.pk, reminded_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            invitation_renew_token(invitation=invitation)
        reminded += 1
    return invited, reminded


def level_change_notify(*, level_change):
    """Email the account manager and leadership about a level change."""
    engagement = level_change.engagement
    users = get_user_model().objects.filter(groups__name=LEADERSHIP, is_active=True)
    recipients = {u.email for u in users if u.email}
    if engagement.account_manager.email:
        recipients.add(engagement.account_manager.email)
    if not recipients:
        return 0
    direction = "moved up" if level_change.is_promotion else "moved down"
    subject = (
        f"{engagement.partner.name}: {engagement.name} {direction} to "
        f"{level_change.get_to_level_display()}"
    )
    link = settings.SITE_URL + engagement.get_absolute_url()
    context = {
        "change": level_change,
        "engagement": engagement,
        "link": link,
        "direction": direction,
    }
    body = render_to_string("assessments/email/level_change.txt", context)
    send_mail(subject, body, None, sorted(recipients))
    return len(recipients)


@transaction.atomic
def policy_save(*, policy, changed):
    """Save a scoring policy; a version already used by snapshots is never edited in place.

    Saving changes to a used version creates a new version with the changes. Activating a
    policy deactivates the others (exactly one is active).
    """
    from .models import MaturitySnapshot, ScoringPolicy

    used = changed and MaturitySnapshot.objects.filter(policy_id=policy.pk).exists()
    if used or not changed:
        policy.pk = None
        policy.version = (
            ScoringPolicy.objects.select_for_update()
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
    if policy.is_active:
        ScoringPolicy.objects.exclude(pk=policy.pk).filter(is_active=True).update(is_active=False)
    policy.full_clean(exclude=["version"])
    policy.save()
    return policy


PLAN_ITEM_FIELDS = ("title", "dimension", "owner_side", "owner_user", "owner_contact", "due_on")


@transaction.atomic
def plan_item_create(*, engagement, title, created_by, **fields) -> PlanItem:
    """Add a step to the engagement's plan to the next rung. Plans never change the score."""
    item = PlanItem(engagement=engagement, title=title, created_by=created_by)
    for name in PLAN_ITEM_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_item_update(*, item, data) -> PlanItem:
    """Edit, complete or drop a plan item (provider side); `done_at` follows the status."""
    for name in (*PLAN_ITEM_FIELDS, "status"):
        if name in data:
            setattr(item, name, data[name])
    _stamp_done(item)
    item.full_clean()
    item.save()
    return item


def _stamp_done(item):
    if item.status == PlanItem.Status.DONE:
        item.done_at = item.done_at or timezone.now()
    else:
        item.done_at = None


@transaction.atomic
def plan_item_client_update(*, item, contact, done=False, comment=None) -> PlanItem:
    """A client product owner marks a client-side item done and/or comments on an item.

    PermissionDenied unless `contact` is a product owner of the engagement's partner;
    ValidationError when marking a provider-side or closed item done.
    """
    item = PlanItem.objects.select_for_update().select_related("engagement").get(pk=item.pk)
    if not contact.is_product_owner or contact.partner_id != item.engagement.partner_id:
        raise PermissionDenied("Only a product owner of this partner may update its plan.")
    if done:
        if item.owner_side != PlanItem.OwnerSide.CLIENT:
            raise ValidationError("Only the provider can complete a provider-side item.")
        if item.status != PlanItem.Status.OPEN:
            raise ValidationError("This item is no longer open.")
        item.status = PlanItem.Status.DONE
        _stamp_done(item)
    if comment is not None:
        item.client_comment = comment.strip()
    item.full_clean()
    item.save(update_fields=["status", "done_at", "client_comment"])
    return item


def _next_policy_version():
    latest = ScoringPolicy.objects.select_for_update().order_by("-version").first()
    return (latest.version if latest else 0) + 1


@transaction.atomic
def policy_draft_create(*, values, created_by):
    """Save a draft policy (inactive) with the next version number and the given parameters.

    Raises ValidationError for parameters out of bounds or weights that do not add up to 1.
    """
    policy = ScoringPolicy(**values, is_active=False, created_by=created_by)
    policy.version = _next_policy_version()
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def policy_activate(*, policy, activated_by):
    """Make ``policy`` the only active one and record who did it.

    Snapshots keep the policy that scored them; the caller enqueues `recompute_all` after
    commit so that today's snapshots follow the new rule.
    """
    policy = ScoringPolicy.objects.select_for_update().get(pk=policy.pk)
    ScoringPolicy.objects.exclude(pk=policy.pk).filter(is_active=True).update(is_active=False)
    policy.is_active = True
    policy.activated_by = activated_by
    policy.activated_at = timezone.now()
    policy.save(update_fields=["is_active", "activated_by", "activated_at"])
    return policy


def backtest_create(*, policy, start, end, step_days=7, created_by=None):
    """A queued back-test of ``policy`` against the policy active now."""
    backtest = Backtest(
        policy=policy,
        active_policy=selectors.active_policy(),
        start=start,
        end=end,
        step_days=step_days,
        created_by=created_by,
    )
    backtest.full_clean()
    backtest.save()
    return backtest


def backtest_execute(*, backtest, engagement_ids=None):
    """Run a back-test, storing its progress on the row as it goes; a failure is recorded
    on the row (status failed, the error) and raised."""
    if engagement_ids is None:
        engagement_ids = Engagement.objects.values_list("pk", flat=True)
    Backtest.objects.filter(pk=backtest.pk).update(status=Backtest.Status.RUNNING, progress=0)
    shown = 0

    def progress(done, total):
        nonlocal shown
        percent = 99 * done // total  # 100 once the results are stored
        if percent != shown:
            shown = percent
            Backtest.objects.filter(pk=backtest.pk).update(progress=percent)

    try:
        return backtest_engine.run(
            backtest=backtest, engagement_ids=list(engagement_ids), progress=progress
        )
    except Exception as error:
        Backtest.objects.filter(pk=backtest.pk).update(
            status=Backtest.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise


def backtest_run(*, policy, start, end, step_days=7, engagement_ids=None, created_by=None):
    """Simulate every engagement (or ``engagement_ids``) from ``start`` to ``end`` under
    ``policy`` and under the active policy; stores and returns the `Backtest` with one
    `BacktestResult` per engagement. Never writes snapshots or level changes."""
    backtest = backtest_create(
        policy=policy, start=start, end=end, step_days=step_days, created_by=created_by
    )
    return backtest_execute(backtest=backtest, engagement_ids=engagement_ids)
