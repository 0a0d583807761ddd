from django.db import transaction
from django.dispatch import receiver

from partners.signals import evidence_changed


@receiver(evidence_changed, dispatch_uid="assessments.recompute_on_evidence")
def recompute_on_evidence(sender, engagement_ids, **kwargs):
    """Enqueue a recompute once the evidence change has committed.

    Enqueuing inside the transaction could let the worker read the old evidence; enqueuing
    after commit can be lost if the broker is down, which the dirty flag covers.
    """
    from .services import enqueue
    from .tasks import recompute_engagement

    for engagement_id in engagement_ids:
        transaction.on_commit(lambda pk=engagement_id: enqueue(recompute_engagement, pk))
