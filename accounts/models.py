"""API tokens: django-rest-knox stores a digest of each token, never the token itself."""

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A named API token. `digest` (SHA-512) identifies it; `token_key` holds only its first
    15 characters, which knox uses to narrow the lookup."""

    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.user})"


class RetiredApiToken(models.Model):
    """A token of the plain-text kind used before digests, retired when tokens moved to knox.

    It no longer works; the token page tells its owner to create a new one.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created = models.DateTimeField()
    retired_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user}: retired {self.retired_at:%Y-%m-%d}"
