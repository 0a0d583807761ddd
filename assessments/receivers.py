"""Reactions to signals: each enqueues a task once the sender's transaction has committed.

Enqueuing inside the transaction could let the worker read rows that are not committed yet;
enqueuing after commit can be lost if the broker is down, which the dirty flag covers for
recomputes. This module imports both `services` and `tasks`; neither imports it.
"""

from django.db import transaction
from django.dispatch import receiver

from partners.signals import contact_email_changed, evidence_changed, organisation_changed

from .services import enqueue, invitations_revoke_for_contact, level_changes_recorded
from .tasks import notify_level_change, recompute_engagement, refresh_partner_facts


@receiver(evidence_changed, dispatch_uid="assessments.recompute_on_evidence")
def recompute_on_evidence(sender, engagement_ids, **kwargs):
    """Enqueue a recompute of each engagement whose evidence changed."""
    for engagement_id in engagement_ids:
        transaction.on_commit(lambda pk=engagement_id: enqueue(recompute_engagement, pk))


@receiver(organisation_changed, dispatch_uid="assessments.refresh_partner_facts")
def refresh_on_organisation_change(sender, partner_ids, **kwargs):
    """Enqueue a refresh of the partners' stored maturity."""
    transaction.on_commit(lambda: enqueue(refresh_partner_facts, list(partner_ids)))


@receiver(level_changes_recorded, dispatch_uid="assessments.notify_on_level_change")
def notify_on_level_change(sender, level_change_ids, **kwargs):
    """Enqueue one notification email per level change."""
    for level_change_id in level_change_ids:
        transaction.on_commit(lambda pk=level_change_id: enqueue(notify_level_change, pk))


@receiver(contact_email_changed, dispatch_uid="assessments.revoke_on_email_change")
def revoke_on_email_change(sender, contact, old_email, new_email, **kwargs):
    """Withdraw the open rating links of a contact whose email changed, in the same
    transaction as the change: a link sent to the old address must not outlive it."""
    invitations_revoke_for_contact(
        contact=contact, reason=f"The contact's email changed from {old_email} to {new_email}"
    )
