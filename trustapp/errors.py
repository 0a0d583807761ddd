"""The branded 403, 404 and 500 pages: each says who is signed in and links home.

403 and 404 render like any page (base.html, the user's menu). The 500 page must render
when the database is what failed, so it uses no context processor and names the user only
if this request had already loaded them.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.functional import LazyObject, empty
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", {"path": request.path}, status=404)


def _loaded_user_name(request):
    """The signed-in user's name if this request already read it, without a query."""
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject):
        user = user._wrapped  # `empty` until something read the user
    if user is None or user is empty or not user.is_authenticated:
        return ""
    return user.get_full_name() or user.get_username()


@requires_csrf_token
def server_error(request):
    page = loader.get_template("500.html").render({"user_name": _loaded_user_name(request)})
    return HttpResponseServerError(page)
