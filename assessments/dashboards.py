"""Portfolio pages: the account manager's engagements and the leadership dashboard."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from partners import access
from partners.decorators import role_required

from . import portfolio
from .my_engagements import my_engagements_context


@require_safe
@role_required(access.is_account_manager)
def my_engagements(request):
    context = my_engagements_context(user=request.user, params=request.GET)
    return render(request, "assessments/my_engagements.html", context)


@require_safe
@role_required(access.is_leadership)
def dashboard(request):
    context = portfolio.dashboard_context(user=request.user, params=request.GET)
    return render(request, "assessments/dashboard.html", context)


@require_safe
@role_required(access.is_leadership)
def dashboard_export(request):
    """The dashboard table with the same filters, every row (not only the page), as CSV."""
    lines = portfolio.csv_lines(user=request.user, params=request.GET)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"trustapp-portfolio-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
