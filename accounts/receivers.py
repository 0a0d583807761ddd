"""Sign-in bookkeeping and the revocation of API tokens when a password changes."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .middleware import LAST_SEEN, SIGNED_IN_AT, TWO_FACTOR_PENDING
from .models import ApiToken
from .two_factor import two_factor_needed


@receiver(user_logged_in, dispatch_uid="accounts_session_stamps")
def stamp_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[TWO_FACTOR_PENDING] = two_factor_needed(user)


# A password changes through User.save() on every path (reset form, admin, set_password
# followed by save, manage.py changepassword), so the save is where it is noticed: the new
# hash differs from the stored one. Saves that name their fields without "password" (the
# last_login update at each sign-in) are skipped without a query.
@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts_password_watch")
def notice_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._password_changed = False
    if raw or instance.pk is None or (update_fields and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts_password_revokes_tokens")
def revoke_tokens_on_password_change(sender, instance, created, **kwargs):
    if getattr(instance, "_password_changed", False):
        with transaction.atomic():
            ApiToken.objects.filter(user=instance).delete()
