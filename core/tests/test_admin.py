import pytest
from django.contrib import admin

from accounts.models import ApiToken
from assessments.models import LevelChange, MaturitySnapshot


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ApiToken, LevelChange, MaturitySnapshot])
def test_rows_written_by_code_are_seen_but_never_added_or_changed_by_hand(model, rf, admin_user):
    model_admin = admin.site._registry[model]
    request = rf.get("/admin/")
    request.user = admin_user
    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
