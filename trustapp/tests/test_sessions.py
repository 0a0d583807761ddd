import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_malformed_session_cookie_is_no_session(client, am):
    client.cookies["sessionid"] = "abc\x00defghijklmnop"
    response = client.get(reverse("assessments:partner_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_real_session_still_signs_in(client, am):
    client.force_login(am)
    assert client.get(reverse("assessments:partner_list")).status_code == 200
