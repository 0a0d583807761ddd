from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from partners import access
from partners.choices import Level
from partners.decorators import role_required


@role_required(access.is_account_manager)
def my_engagements(request):
    engagements = (
        access.changeable_engagements(request.user)
        .select_related("partner")
        .order_by("partner__name", "name")
    )
    page = Paginator(engagements, 50).get_page(request.GET.get("page"))
    return render(request, "assessments/my_engagements.html", {"page": page})


@role_required(access.is_leadership)
def dashboard(request):
    counts = dict(
        access.visible_engagements(request.user)
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    rungs = [
        {"label": rung.label, "value": rung.value, "count": counts.get(rung.value, 0)}
        for rung in Level
    ]
    engagements = (
        access.visible_engagements(request.user)
        .select_related("partner", "account_manager")
        .order_by("-score", "pk")
    )
    page = Paginator(engagements, 50).get_page(request.GET.get("page"))
    return render(request, "assessments/dashboard.html", {"rungs": rungs, "page": page})
