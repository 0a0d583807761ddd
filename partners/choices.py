"""Enumerations of the relationship register.

Kept free of model imports so that the pure scoring engine (``assessments.engine.scoring``) can read
the event catalogue without touching the ORM.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    EXECUTOR = 1, _("Executor")
    SKILLED_PROVIDER = 2, _("Skilled provider")
    DOMAIN_EXPERT = 3, _("Domain expert")
    TRUSTED_ADVISOR = 4, _("Trusted advisor")


class Dimension(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    TECHNICAL = "technical", _("Technical skill")
    DOMAIN = "domain", _("Domain knowledge")
    PARTNERSHIP = "partnership", _("Partnership")
    TRUST = "trust", _("Trust")


class Impact(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


IMPACT_FACTORS = {Impact.LOW: 0.5, Impact.NORMAL: 1.0, Impact.HIGH: 2.0}


class EventKind(models.TextChoices):
    MILESTONE_DELIVERED = "milestone_delivered", _("Milestone or release delivered as committed")
    INCIDENT_RESOLVED = "incident_resolved", _("Production incident handled well")
    DEADLINE_MISSED = "deadline_missed", _("Committed deadline missed")
    QUALITY_ISSUE = "quality_issue", _("Quality problem found by the client")
    ESCALATION = "escalation", _("Client escalated a problem")
    TECHNICAL_RECOMMENDATION_ADOPTED = (
        "technical_recommendation_adopted",
        _("Client adopted our technical recommendation"),
    )
    ARCHITECTURE_OWNERSHIP = (
        "architecture_ownership",
        _("Given ownership of architecture or technical decisions"),
    )
    TECHNICAL_PRAISE = "technical_praise", _("Client praised our technical work")
    EXPERTISE_ADDED = "expertise_added", _("New relevant skill or certification on the team")
    TECHNICAL_REWORK = "technical_rework", _("Work rejected for technical quality")
    BUSINESS_INSIGHT_SHARED = (
        "business_insight_shared",
        _("Shared an insight about the client's business or users"),
    )
    COMPETITOR_ANALYSIS_SHARED = (
        "competitor_analysis_shared",
        _("Brought competitor or market analysis"),
    )
    DOMAIN_WORKSHOP = "domain_workshop", _("Domain workshop with the client")
    REQUIREMENT_CHALLENGED = (
        "requirement_challenged",
        _("Challenged a requirement with business reasoning, and was heard"),
    )
    DOMAIN_MISUNDERSTANDING = "domain_misunderstanding", _("Misunderstood the client's business")
    STRATEGY_INVITATION = "strategy_invitation", _("Invited to a strategy or roadmap meeting")
    PROPOSAL_ADOPTED = "proposal_adopted", _("Client adopted an idea we initiated")
    ADVICE_REQUESTED = "advice_requested", _("Client asked for advice beyond the contract scope")
    SCOPE_EXPANDED = "scope_expanded", _("Scope of the engagement expanded")
    CONTRACT_EXTENDED = "contract_extended", _("Contract extended or renewed long-term")
    CONTRACT_REDUCED = "contract_reduced", _("Contract shortened or scope reduced")

    @property
    def dimension(self):
        return EVENT_CATALOGUE[self][0]

    @property
    def points(self):
        return EVENT_CATALOGUE[self][1]

    @classmethod
    def of_dimension(cls, dimension):
        """The kinds that count toward `dimension`, in catalogue order."""
        return [kind for kind, (dim, _) in EVENT_CATALOGUE.items() if dim == dimension]


# kind -> (dimension, points), the event catalogue of DESIGN.md.
EVENT_CATALOGUE = {
    EventKind.MILESTONE_DELIVERED: (Dimension.DELIVERY, 2),
    EventKind.INCIDENT_RESOLVED: (Dimension.DELIVERY, 1),
    EventKind.DEADLINE_MISSED: (Dimension.DELIVERY, -3),
    EventKind.QUALITY_ISSUE: (Dimension.DELIVERY, -2),
    EventKind.ESCALATION: (Dimension.DELIVERY, -4),
    EventKind.TECHNICAL_RECOMMENDATION_ADOPTED: (Dimension.TECHNICAL, 3),
    EventKind.ARCHITECTURE_OWNERSHIP: (Dimension.TECHNICAL, 3),
    EventKind.TECHNICAL_PRAISE: (Dimension.TECHNICAL, 2),
    EventKind.EXPERTISE_ADDED: (Dimension.TECHNICAL, 1),
    EventKind.TECHNICAL_REWORK: (Dimension.TECHNICAL, -2),
    EventKind.BUSINESS_INSIGHT_SHARED: (Dimension.DOMAIN, 2),
    EventKind.COMPETITOR_ANALYSIS_SHARED: (Dimension.DOMAIN, 3),
    EventKind.DOMAIN_WORKSHOP: (Dimension.DOMAIN, 2),
    EventKind.REQUIREMENT_CHALLENGED: (Dimension.DOMAIN, 2),
    EventKind.DOMAIN_MISUNDERSTANDING: (Dimension.DOMAIN, -2),
    EventKind.STRATEGY_INVITATION: (Dimension.PARTNERSHIP, 4),
    EventKind.PROPOSAL_ADOPTED: (Dimension.PARTNERSHIP, 4),
    EventKind.ADVICE_REQUESTED: (Dimension.PARTNERSHIP, 3),
    EventKind.SCOPE_EXPANDED: (Dimension.PARTNERSHIP, 3),
    EventKind.CONTRACT_EXTENDED: (Dimension.PARTNERSHIP, 5),
    EventKind.CONTRACT_REDUCED: (Dimension.PARTNERSHIP, -5),
}
