import pytest

pytestmark = pytest.mark.django_db


def test_malformed_api_token_is_refused(client):
    response = client.get("/api/v1/partners/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Invalid token."}


def test_a_valid_token_signs_in(api, am):
    assert api(am).get("/api/v1/partners/").status_code == 200
