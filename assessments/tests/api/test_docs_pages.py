"""The API documentation pages have a language, a main landmark and a way back to the app."""

import pytest


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_docs_have_lang_a_landmark_and_link_back(client, am, url):
    client.force_login(am)

    page = client.get(url).content.decode()

    assert '<html lang="en">' in page
    assert page.count('<main id="main">') == 1
    assert '<a href="/">← Back to Trustapp</a>' in page
    assert '<a href="/accounts/api-token/">Your API token</a>' in page
