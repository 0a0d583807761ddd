from django.contrib import admin
from knox.models import AuthToken

from core.admin import ReadOnlyModelAdmin

from .models import ApiToken

# knox registers its own token model, which accounts.ApiToken replaces (KNOX_TOKEN_MODEL).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    """Staff see and revoke (delete) tokens; the digest is all there is to see of a token."""

    list_display = ["name", "user", "created", "expiry"]
    list_filter = ["created"]
    search_fields = ["name", "user__username"]
    fields = ["name", "user", "created", "expiry"]
    readonly_fields = fields
