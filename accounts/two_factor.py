"""Who must, or chose to, sign in with a second factor (TOTP, django-otp).

Staff always must: they reach the admin site. Members of a group named in
TWO_FACTOR_REQUIRED_GROUPS must too. Anyone else who has set up an authenticator app has
opted in, and is asked for a code from then on.
"""

from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_required(user):
    if user.is_staff:
        return True
    groups = settings.TWO_FACTOR_REQUIRED_GROUPS
    return bool(groups) and user.groups.filter(name__in=groups).exists()


def two_factor_needed(user):
    """True when this user's sign-in is complete only after a one-time code."""
    return two_factor_required(user) or user_has_device(user)


def totp_device_start(*, user):
    """An unconfirmed authenticator for `user`, replacing any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
