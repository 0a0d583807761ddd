"""CSV import of events in the browser: upload → preview → confirm → summary.

Nothing is saved before confirm. The parsed rows wait in the session between the preview and
the confirm (a hidden field would make a 50,000-row file a multi-megabyte form), and confirm
checks them again, since engagements may have changed in between.
"""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import access, imports, selectors
from .decorators import provider_required
from .forms import EventImportForm

SESSION_KEY = "events_import"
PREVIEW_ROWS = 10
ERRORS_SHOWN = 200


def _scope(request, pk):
    """The engagement an import is limited to (404/403 via access), or None for all."""
    return access.get_changeable_engagement(request.user, pk) if pk else None


def _import_url(engagement):
    if engagement is None:
        return reverse("partners:events_import")
    return reverse("partners:event_import", args=[engagement.pk])


def _page(request, template, engagement, **context):
    context.update(engagement=engagement, import_url=_import_url(engagement))
    return render(request, f"partners/{template}", context)


@provider_required
def events_import(request, pk=None):
    engagement = _scope(request, pk)
    form = EventImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        kinds = imports.kind_catalogue()
        return _page(request, "import_form.html", engagement, form=form, kinds=kinds)
    rows = form.cleaned_data["file"]
    outcome = imports.csv_check(user=request.user, rows=rows, engagement=engagement)
    import_id = None
    if outcome.ok:
        import_id = uuid.uuid4().hex
        request.session[SESSION_KEY] = {
            "id": import_id,
            "engagement": engagement and engagement.pk,
            "rows": rows,
        }
    return _preview(request, engagement, outcome, rows[:PREVIEW_ROWS], import_id)


def _preview(request, engagement, outcome, sample, import_id):
    errors = outcome.error_lines(ERRORS_SHOWN)
    context = {"outcome": outcome, "sample": sample, "errors": errors, "import_id": import_id}
    return _page(request, "import_preview.html", engagement, **context)


@require_POST
@provider_required
def events_import_confirm(request, pk=None):
    engagement = _scope(request, pk)
    pending = request.session.get(SESSION_KEY) or {}
    stale = not pending or pending.get("id") != request.POST.get("import_id")
    if stale or pending.get("engagement") != (engagement and engagement.pk):
        messages.error(request, "That preview is no longer available; upload the file again.")
        return redirect(_import_url(engagement))
    # Claim the rows before the import runs, so that a second click finds nothing to import.
    del request.session[SESSION_KEY]
    request.session.save()
    rows = [imports.CsvRow(*row) for row in pending["rows"]]
    outcome = imports.csv_import(user=request.user, rows=rows, engagement=engagement)
    if not outcome.ok:
        return _preview(request, engagement, outcome, rows[:PREVIEW_ROWS], None)
    return _page(request, "import_done.html", engagement, outcome=outcome)


@provider_required
def events_import_template(request, pk=None):
    engagement = _scope(request, pk)
    example = engagement or selectors.first_changeable_engagement(user=request.user)
    response = HttpResponse(
        imports.template_csv(example_engagement=example), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="trustapp-events.csv"'
    return response
