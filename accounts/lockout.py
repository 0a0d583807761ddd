"""The page django-axes shows when a username and address are locked out of signing in."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def locked_out(request, original_response=None, credentials=None):
    # Every attempt during a lockout starts the cool-off again (axes'
    # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends a cool-off from now.
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    context = {"until": until, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)
