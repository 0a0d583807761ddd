import pytest

from partners import access

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(engagement_a, engagement_b, client_a, client_b):
    return engagement_a, engagement_b


@pytest.mark.parametrize(
    ("persona", "visible", "changeable"),
    [
        ("am", {"a", "b"}, {"a"}),
        ("other_am", {"a", "b"}, {"b"}),
        ("leader", {"a", "b"}, {"a", "b"}),
        ("staff", {"a", "b"}, {"a", "b"}),
        ("client_a", {"a"}, set()),
        ("client_b", {"b"}, set()),
    ],
)
def test_engagement_scoping(request, portfolio, persona, visible, changeable):
    user = request.getfixturevalue(persona)
    names = {portfolio[0].pk: "a", portfolio[1].pk: "b"}
    assert {names[e.pk] for e in access.visible_engagements(user)} == visible
    assert {names[e.pk] for e in access.changeable_engagements(user)} == changeable


def test_team_member_may_change(engagement_a, other_am):
    engagement_a.team.add(other_am)
    assert access.can_change_engagement(other_am, engagement_a) is True


def test_client_sees_only_own_partner(portfolio, client_a, partner_a):
    assert list(access.visible_partners(client_a)) == [partner_a]
    assert {c.partner_id for c in access.visible_contacts(client_a)} == {partner_a.pk}


def test_anonymous_and_roleless_see_nothing(portfolio, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    nobody = django_user_model.objects.create_user("nobody")
    for user in (AnonymousUser(), nobody):
        assert not access.visible_engagements(user).exists()
        assert not access.visible_partners(user).exists()
        assert not access.changeable_engagements(user).exists()


def test_personas_use_the_real_role_names():
    from partners.tests import personas

    assert (personas.ACCOUNT_MANAGERS, personas.LEADERSHIP, personas.CLIENT_PRODUCT_OWNERS) == (
        access.ACCOUNT_MANAGERS,
        access.LEADERSHIP,
        access.CLIENT_PRODUCT_OWNERS,
    )


def test_password_reset_sends_email(client, am):
    from django.core import mail
    from django.urls import reverse

    response = client.post(reverse("password_reset"), {"email": am.email}, follow=True)
    assert "Check your email" in response.text
    assert mail.outbox[0].subject == "Reset your Trustapp password"
    assert "/accounts/reset/" in mail.outbox[0].body


def test_malformed_session_cookie_is_no_session(client, am):
    from django.urls import reverse

    client.cookies["sessionid"] = "abc\x00defghijklmnop"
    response = client.get(reverse("assessments:partner_list"))
    assert response.status_code == 302


def test_malformed_api_token_is_refused(client):
    response = client.get("/api/v1/partners/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Invalid token."}
