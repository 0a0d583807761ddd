"""Admin pieces every app uses."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows that code writes, never people: staff see them, and may delete them where the
    model allows, but never add or change one by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
