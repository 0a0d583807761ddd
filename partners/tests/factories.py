import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from partners import services
from partners.models import Contact, Engagement, EngagementEvent, Partner

# The day the API tests and the root conftest's `world` run on, and who they run as.
TODAY = dt.date(2026, 6, 30)
PERSONAS = ("anonymous", "am", "other_am", "leader", "staff", "client_a", "client_b")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.name))
    industry = "Retail"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.LazyAttribute(lambda c: f"{slugify(c.name)}@client.example")
    is_product_owner = True


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Engagement {n}")
    account_manager = factory.SubFactory(UserFactory)
    started_on = dt.date(2024, 1, 1)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementEvent

    engagement = factory.SubFactory(EngagementFactory)
    kind = "milestone_delivered"
    occurred_on = dt.date(2025, 6, 1)
    title = factory.Sequence(lambda n: f"Event {n}")


def log_event(engagement, user, **overrides):
    """An event logged through the service, as a person would log it."""
    data = {
        "engagement": engagement,
        "kind": "milestone_delivered",
        "occurred_on": TODAY,
        "title": "Release 2.4 shipped",
        "logged_by": user,
    }
    return services.event_log(**{**data, **overrides})
