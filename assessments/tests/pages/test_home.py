"""/ sends each role to the page it starts from."""

import pytest


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("leader", "/dashboard/"),
        ("am", "/engagements/mine/"),
        ("client_a", "/rate/"),
        ("staff", "/partners/"),
    ],
)
def test_home_redirects_by_role(db, client, request, persona, target):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, target)


def test_home_asks_strangers_to_sign_in(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")
