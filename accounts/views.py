"""Two-factor setup and sign-in, and the throttled password-reset form."""

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .client_ip import client_ip
from .forms import OneTimeCodeForm
from .middleware import TWO_FACTOR_PENDING
from .two_factor import totp_device_start, two_factor_required


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return settings.LOGIN_REDIRECT_URL


def _qr_code_data_uri(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _verified(request, device):
    django_otp.login(request, device)
    request.session[TWO_FACTOR_PENDING] = False
    return redirect(_next_url(request))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Adds an authenticator app: scan the code, confirm with one code from the app.

    Replacing an app needs a code from the current one first: a password alone must not
    let anyone swap in their own authenticator.
    """
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if request.method == "POST" and device is not None:
        form = OneTimeCodeForm(request.POST, device=device)
        if form.is_valid():
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, "Two-factor sign-in is on: you will be asked for a code.")
            return _verified(request, device)
    else:
        device = totp_device_start(user=request.user)
        form = OneTimeCodeForm(device=device)
    context = {
        "form": form,
        "qr_code": _qr_code_data_uri(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "required": two_factor_required(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app set up earlier."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("two_factor_setup")
    form = OneTimeCodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        return _verified(request, device)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/two_factor_verify.html", context)


def _over_rate(key, rate):
    """Counts one request against `key`; True once more than the rate's count were made in
    its period. A fixed window in the shared cache, so every web process counts together."""
    count, period = rate.split("/")
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[period]
    cache.add(key, 0, timeout=seconds)
    return cache.incr(key) > int(count)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password-reset form, limited per client address and per email address.

    Both counts go up whether or not an account has the address, and the answer is the
    same "check your email" page (or, past the limit, the same refusal), so the form never
    tells whether an email address is known.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        rate = settings.PASSWORD_RESET_RATE
        over_ip = _over_rate(f"password-reset:ip:{client_ip(self.request)}", rate)
        over_email = _over_rate(f"password-reset:email:{email}", rate)
        if over_ip or over_email:
            return render(self.request, "registration/password_reset_throttled.html", status=429)
        return super().form_valid(form)
