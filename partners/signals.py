from django.dispatch import Signal

# Sent inside the transaction that changed an engagement's evidence (events logged, edited,
# deleted or imported; ratings submitted), after evidence_version was bumped. Receivers get
# `engagement_ids` and must defer any work to transaction.on_commit. This is how
# `assessments` learns about new evidence without `partners` importing it.
evidence_changed = Signal()

# Sent inside the transaction that changed a contact's email, with `contact`, `old_email` and
# `new_email`. `assessments` withdraws the rating links that went to the old address.
contact_email_changed = Signal()

# Sent inside the transaction that changed what a partner's organisation level rests on
# without new evidence: a contact added or made (or no longer) a product owner, an
# engagement's status changed. Receivers get `partner_ids` and must defer any work to
# transaction.on_commit; `assessments` refreshes those partners' stored maturity.
organisation_changed = Signal()
