"""Content-Security-Policy without 'unsafe-inline', Permissions-Policy, on pages and API
docs alike. (Every page of the authorization matrix is checked there, per persona.)"""

import pytest

pytestmark = pytest.mark.django_db

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header):
    pairs = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in pairs}


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/docs/", "/no-such-page/"])
def test_every_page_carries_the_strict_policy(client, url):
    response = client.get(url)

    assert directives(response["Content-Security-Policy"]) == STRICT_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_only_redoc_may_apply_inline_styles_and_its_scripts_stay_strict(client):
    policy = directives(client.get("/api/redoc/")["Content-Security-Policy"])

    assert policy == {
        **STRICT_POLICY,
        "style-src": "'self' 'unsafe-inline'",
        "worker-src": "'self' blob:",
    }


def test_permissions_policy_turns_off_device_features(client):
    policy = client.get("/accounts/login/")["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_no_template_has_inline_styles_scripts_or_handlers():
    import re
    from pathlib import Path

    from django.conf import settings

    inline = re.compile(r"\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=", re.IGNORECASE)
    comments = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        if inline.search(comments.sub("", path.read_text()))
    ]

    assert offenders == []
