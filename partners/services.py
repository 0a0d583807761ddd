"""Writes of the relationship register: keyword-only, validated, transactional."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from core.errors import RowErrors

from . import access
from .models import Contact, Engagement, EngagementEvent, Partner, display_name
from .signals import contact_email_changed, evidence_changed, organisation_changed

logger = logging.getLogger(__name__)

PARTNER_FIELDS = ("name", "industry", "website", "notes")
CONTACT_FIELDS = ("name", "email", "title", "is_product_owner", "user")
# The team is many-to-many: `engagement_update` sets it after the save.
ENGAGEMENT_FIELDS = tuple(field for field in Engagement.DETAIL_FIELDS if field != "team")
EVENT_FIELDS = ("kind", "occurred_on", "title", "impact", "notes")
# Changing what an event says happened moves the score: it needs a reason in the history.
EVENT_SCORED_FIELDS = ("kind", "occurred_on", "impact")
REASON_REQUIRED = "Say why: the reason is kept in the engagement's history."


def _unique_slug(name, *, exclude_pk=None):
    base = slugify(name)[:180] or "partner"
    slug, n = base, 2
    taken = Partner.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(instance, fields, data):
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


@transaction.atomic
def partner_create(*, name, industry="", website="", notes="") -> Partner:
    partner = Partner(name=name, industry=industry, website=website, notes=notes)
    partner.slug = _unique_slug(name)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def partner_update(*, partner, data) -> Partner:
    """Update the given fields; the slug stays stable so that links keep working."""
    _apply(partner, PARTNER_FIELDS, data)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def contact_create(*, partner, name, email, title="", is_product_owner=False, user=None) -> Contact:
    contact = Contact(
        partner=partner,
        name=name,
        email=email.strip().lower(),
        title=title,
        is_product_owner=is_product_owner,
        user=user,
    )
    contact.full_clean()
    contact.save()
    if is_product_owner:
        _organisation_changed(partner.pk)
    return contact


def _organisation_changed(*partner_ids):
    organisation_changed.send(sender=Partner, partner_ids=sorted(set(partner_ids)))


@transaction.atomic
def contact_update(*, contact, data) -> Contact:
    """Update a contact. An email change is recorded in the history and withdraws the rating
    links sent to the old address (receivers in `assessments`)."""
    old_email, old_owner = (
        Contact.objects.filter(pk=contact.pk).values_list("email", "is_product_owner").first()
    )
    _apply(contact, CONTACT_FIELDS, data)
    contact.email = contact.email.strip().lower()
    contact.full_clean()
    if old_email != contact.email:
        contact._change_reason = f"Email changed from {old_email} to {contact.email}"
    contact.save()
    if old_email != contact.email:
        contact_email_changed.send(
            sender=Contact, contact=contact, old_email=old_email, new_email=contact.email
        )
    if old_owner != contact.is_product_owner:
        _organisation_changed(contact.partner_id)
    return contact


@transaction.atomic
def engagement_create(
    *,
    partner,
    name,
    account_manager,
    started_on,
    description="",
    ends_on=None,
    contract_type=Engagement.ContractType.TIME_AND_MATERIAL,
    status=Engagement.Status.ACTIVE,
    team=(),
) -> Engagement:
    engagement = Engagement(
        partner=partner,
        name=name,
        account_manager=account_manager,
        started_on=started_on,
        description=description,
        ends_on=ends_on,
        contract_type=contract_type,
        status=status,
    )
    engagement.full_clean()
    engagement.save()
    engagement.team.set(team)
    return engagement


def _refuse_reassignment(*, engagement, data, user):
    manager_changes = (
        "account_manager" in data and data["account_manager"].pk != engagement.account_manager_id
    )
    team_changes = "team" in data and {u.pk for u in data["team"]} != set(
        engagement.team.values_list("pk", flat=True)
    )
    if (manager_changes or team_changes) and not access.can_reassign_engagement(user, engagement):
        raise PermissionDenied(
            "Only the account manager or leadership may change the account manager and team."
        )


@transaction.atomic
def engagement_update(*, engagement, data, user=None) -> Engagement:
    """Update the editable fields only: the scores and versions that a concurrent recompute or
    event may have moved since `engagement` was loaded are never written back.

    With `user` (every page and API call), a change of account manager or team by anyone but
    the account manager, leadership or staff raises PermissionDenied, nothing saved.
    """
    if user is not None:
        _refuse_reassignment(engagement=engagement, data=data, user=user)
    if "team" in data:
        # The history keeps fields, not the team (many-to-many): a change says so in words.
        before = set(engagement.team.values_list("pk", flat=True))
        if before != {member.pk for member in data["team"]}:
            names = sorted(display_name(m) for m in data["team"]) or ["nobody"]
            engagement._change_reason = "Team changed to " + ", ".join(names)
    old_status = engagement.status
    _apply(engagement, ENGAGEMENT_FIELDS, data)
    engagement.full_clean()
    fields = [f for f in ENGAGEMENT_FIELDS if f in data]
    if fields:
        engagement.save(update_fields=fields)
    elif hasattr(engagement, "_change_reason"):
        # A team-only change saves no field, so no history entry would be written.
        Engagement.history.bulk_history_create([engagement], update=True, default_user=user)
    if "team" in data:
        engagement.team.set(data["team"])
    if engagement.status != old_status:  # the organisation rung counts active engagements
        _organisation_changed(engagement.partner_id)
    return engagement


def evidence_bump(*, engagement_ids):
    """Mark engagements dirty in the caller's transaction and announce the change.

    The F() update is atomic in the database, so concurrent writers never lose a bump.
    """
    engagement_ids = sorted(set(engagement_ids))
    if not engagement_ids:
        return
    Engagement.objects.filter(pk__in=engagement_ids).update(
        evidence_version=F("evidence_version") + 1
    )
    evidence_changed.send(sender=Engagement, engagement_ids=engagement_ids)


@transaction.atomic
def event_log(
    *, engagement, kind, occurred_on, title, logged_by, impact="normal", notes=""
) -> EngagementEvent:
    """Record an engagement event and mark the engagement for recompute.

    Refuses (ValidationError, nothing saved) an event dated in the future, before the
    engagement started, or on a closed engagement.
    """
    event = EngagementEvent(
        engagement=engagement,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        impact=impact,
        notes=notes,
        logged_by=logged_by,
    )
    event.full_clean()
    engagement.refuse_evidence_on(occurred_on)
    event.save()
    evidence_bump(engagement_ids=[engagement.pk])
    return event


@transaction.atomic
def event_update(*, event, data, reason="") -> EngagementEvent:
    """Update an event. Changing its kind, date or impact needs a `reason`, kept in the
    history; without one, ValidationError and nothing saved."""
    stored = EngagementEvent.objects.filter(pk=event.pk).values(*EVENT_SCORED_FIELDS).first()
    _apply(event, EVENT_FIELDS, data)
    scored_change = any(str(getattr(event, f)) != str(stored[f]) for f in EVENT_SCORED_FIELDS)
    if scored_change and not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    event.full_clean()
    event.engagement.refuse_evidence_on(event.occurred_on)
    event._change_reason = reason.strip()
    event.save()
    evidence_bump(engagement_ids=[event.engagement_id])
    return event


@transaction.atomic
def event_delete(*, event, user, reason):
    """Delete an event, keeping who, when and why in its history.

    A reason is required. A negative event, or one older than 30 days, may be deleted only by
    the engagement's account manager or leadership (PermissionDenied otherwise).
    """
    if not access.can_delete_event(user, event):
        raise PermissionDenied(
            "A negative event, or one older than 30 days, can be deleted only by the "
            "engagement's account manager or leadership."
        )
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    engagement_id = event.engagement_id
    event._change_reason = reason.strip()
    event._history_user = user
    event.delete()
    evidence_bump(engagement_ids=[engagement_id])


REVIEW_STATUSES = (
    EngagementEvent.ClientStatus.CONFIRMED,
    EngagementEvent.ClientStatus.DISPUTED,
)


@transaction.atomic
def event_review(*, event, contact, status, comment="") -> EngagementEvent:
    """Record a client product owner's review of an event: confirmed or disputed.

    Only a product owner of the event's partner may review (PermissionDenied otherwise); an
    unknown status is refused (ValidationError, nothing saved). The latest review counts: it
    replaces any earlier one. The engagement is marked for recompute, since a disputed event
    weighs `disputed_event_weight`. A dispute emails the account manager after commit.
    """
    event = EngagementEvent.objects.select_related(
        "engagement__partner", "engagement__account_manager"
    ).get(pk=event.pk)
    engagement = event.engagement
    if not contact.is_product_owner or contact.partner_id != engagement.partner_id:
        raise PermissionDenied("Only a product owner of this partner may review its events.")
    if status not in REVIEW_STATUSES:
        raise ValidationError({"status": "Choose confirmed or disputed."})
    event.client_status = status
    event.client_comment = comment.strip()
    event.client_reviewed_by = contact
    event.client_reviewed_at = timezone.now()
    event.full_clean(exclude=["engagement", "logged_by", "client_reviewed_by"])
    event.save(
        update_fields=[
            "client_status",
            "client_comment",
            "client_reviewed_by",
            "client_reviewed_at",
        ]
    )
    evidence_bump(engagement_ids=[engagement.pk])
    if event.is_disputed:
        transaction.on_commit(lambda: _dispute_notify(event=event, contact=contact))
    return event


def _dispute_notify(*, event, contact):
    engagement = event.engagement
    manager_email = engagement.account_manager.email
    if not manager_email:
        return
    context = {
        "event": event,
        "engagement": engagement,
        "contact": contact,
        "link": settings.SITE_URL + engagement.get_absolute_url() + "#timeline",
    }
    subject = f"{engagement.partner.name} disputes an event of {engagement.name}"
    body = render_to_string("partners/email/event_disputed.txt", context)
    try:
        send_mail(subject, body, None, [manager_email])
    except OSError:
        # The review is saved either way; the dispute also shows on the dashboard.
        logger.exception("Could not email the dispute of event %s.", event.pk)


BULK_BATCH_SIZE = 1000


def _bulk_events(*, rows, logged_by):
    """Build unsaved events from row dicts and validate each; returns (events, errors)."""
    events, errors, refusals = [], {}, {}
    for position, row in enumerate(rows):
        fields = {field: row[field] for field in EVENT_FIELDS if field in row}
        event = EngagementEvent(engagement=row["engagement"], logged_by=logged_by, **fields)
        events.append(event)
        try:
            # The engagements were loaded (and access-checked) by the caller; excluding the
            # foreign keys spares one existence query per row.
            event.full_clean(exclude=["engagement", "logged_by"])
        except ValidationError as error:
            errors[position] = error
            continue
        # Large imports repeat (engagement, day) pairs; each pair is judged once.
        key = (event.engagement.pk, event.occurred_on)
        if key not in refusals:
            refusals[key] = _evidence_refusal(event.engagement, event.occurred_on)
        if refusals[key] is not None:
            errors[position] = refusals[key]
    return events, errors


def _evidence_refusal(engagement, day):
    try:
        engagement.refuse_evidence_on(day)
    except ValidationError as error:
        return error
    return None


def events_bulk_check(*, rows):
    """The errors `events_bulk_log` would refuse `rows` with: {position: ValidationError}.

    Each row is a dict with `engagement` (an Engagement the caller may change) and the event
    fields. Runs no query, so a preview can show every row's problems before any save.
    """
    return _bulk_events(rows=rows, logged_by=None)[1]


@transaction.atomic
def events_bulk_log(*, rows, logged_by) -> list[EngagementEvent]:
    """Record many events at once, all or nothing, and mark their engagements for recompute.

    Raises RowErrors (nothing saved) when any row breaks a rule of `event_log`. Costs one
    INSERT per BULK_BATCH_SIZE rows and one UPDATE; each affected engagement is bumped once,
    so it is recomputed once, not once per row.
    """
    events, errors = _bulk_events(rows=rows, logged_by=logged_by)
    if errors:
        raise RowErrors(errors)
    EngagementEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)
    _record_import(events=events, logged_by=logged_by)
    evidence_bump(engagement_ids=[event.engagement_id for event in events])
    return events


def _record_import(*, events, logged_by):
    """One history entry per engagement for the whole batch, not one per row: a 50,000-row
    import stays one INSERT per 1,000 rows and reads as one change in the history."""
    counts, engagements = {}, {}
    for event in events:
        counts[event.engagement_id] = counts.get(event.engagement_id, 0) + 1
        engagements[event.engagement_id] = event.engagement
    for engagement_id, engagement in engagements.items():
        engagement._change_reason = f"Imported {counts[engagement_id]:,} events"
    Engagement.history.bulk_history_create(
        list(engagements.values()), update=True, default_user=logged_by
    )
