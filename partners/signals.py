from django.dispatch import Signal

# Sent inside the transaction that changed an engagement's evidence (events logged, edited,
# deleted or imported; ratings submitted), after evidence_version was bumped. Receivers get
# `engagement_ids` and must defer any work to transaction.on_commit. This is how
# `assessments` learns about new evidence without `partners` importing it.
evidence_changed = Signal()
