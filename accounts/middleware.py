"""Session lifetimes and the second sign-in factor, checked on every request."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
TWO_FACTOR_PENDING = "two_factor_pending"
# Writing the session on every request would cost a query each; a minute's precision is
# plenty for an idle timeout of hours.
LAST_SEEN_PRECISION = 60


class SessionLifetimeMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT seconds, or signed in longer than
    SESSION_COOKIE_AGE seconds ago however busy it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and SIGNED_IN_AT not in request.session:
            # Signed in before these stamps existed: their lifetime starts now.
            request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = time.time()
        elif request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session[SIGNED_IN_AT]
            last_seen = request.session.get(LAST_SEEN, signed_in_at)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - signed_in_at > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif now - last_seen > LAST_SEEN_PRECISION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def _open_paths():
    """Paths a signed-in user may reach before the second factor: to give it, or leave."""
    return (
        reverse("two_factor_setup"),
        reverse("two_factor_verify"),
        reverse("logout"),
        f"/{settings.STATIC_URL.lstrip('/')}",
    )


class TwoFactorMiddleware:
    """A user who needs a second factor and has not given it this session reaches nothing
    but the pages that ask for it: staff cannot open the admin site, nor anyone else a page,
    on a password alone.

    Whether a user needs it (accounts.two_factor) is decided once, at sign-in, and kept in
    the session, so that pages cost no extra query; staff are checked on every request, so
    that a user made staff mid-session is asked too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and (request.session.get(TWO_FACTOR_PENDING) or user.is_staff)
            and not user.is_verified()
            and not request.path.startswith(_open_paths())
        ):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
