from django.template import Context, Template

from partners.models import display_name
from partners.tests.factories import UserFactory


def test_display_name_is_the_full_name_or_else_the_username(db):
    named = UserFactory.build(username="anna", first_name="Anna", last_name="Manager")
    unnamed = UserFactory.build(username="ben")
    assert display_name(named) == "Anna Manager"
    assert display_name(unnamed) == "ben"


def test_templates_name_people_with_the_same_rule(db):
    template = Template("{% load people %}{{ user|display_name }}")
    user = UserFactory.build(username="chloe", first_name="Chloé")
    assert template.render(Context({"user": user})) == "Chloé"
