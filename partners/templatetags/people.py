"""`{{ user|display_name }}`: how the pages name a person."""

from django import template

from partners.models import display_name as person_display_name

register = template.Library()


@register.filter
def display_name(user):
    return person_display_name(user)
