"""Inputs an outside review turned into 500s; each is now a 4xx with the error envelope (API) or a page
that ignores the bad value (HTML): Unicode digits, huge numbers, NUL, deep JSON, OPTIONS without a
serializer, URLs httpx cannot even parse."""

from __future__ import annotations

import json

import pytest

from apps.core.http import FetchError
from apps.core.jsondepth import json_too_deep
from apps.core.params import clamp_int, safe_id, safe_int
from apps.sources.fetching import fetch_url
from tests.core.test_tenancy import _fill, _walk

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["²", "١٢", "٣", "𝟗", "9" * 30, "-1", "1e3", " 7\x00", "０"]


def _envelope(response):
    body = response.json()["error"]
    assert set(body) == {"code", "message", "details"}
    return body


# --- the helper ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["²", "١٢", "𝟗", "0x10", "", None, "9" * 20, "1.5", "+", "--1", True])
def test_safe_int_refuses_what_int_would_choke_on(value):
    assert safe_int(value) is None


def test_safe_int_accepts_plain_numbers():
    assert safe_int("42") == 42 and safe_int(" 7 ") == 7 and safe_int("-3") == -3 and safe_int(5) == 5
    assert safe_id("0") is None and safe_id("12") == 12
    assert clamp_int("²", 14, minimum=1, maximum=30) == 14 and clamp_int("99", 14, minimum=1, maximum=30) == 30


# --- API query parameters ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/posts/?assignee={v}",
        "/api/v1/posts/?author={v}",
        "/api/v1/posts/?persona={v}",
        "/api/v1/posts/?trend={v}",
        "/api/v1/publishing/publications/?channel={v}",
        "/api/v1/publishing/publications/?post={v}",
        "/api/v1/trends/next/?persona={v}",
        "/api/v1/posts/?page={v}",
        "/api/v1/posts/?page_size={v}",
        "/api/v1/sources/?page={v}",
    ],
)
def test_numeric_query_parameters(api_client_for, admin_member, workspace, path, value):
    from urllib.parse import quote

    response = api_client_for(admin_member, workspace).get(path.format(v=quote(value)))
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        _envelope(response)


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "новости\x00", "🧑‍💻\x00"])
@pytest.mark.parametrize("param", ["search", "q", "tag", "state", "ordering"])
def test_nul_in_search_and_tag_is_400(api_client_for, admin_member, workspace, param, value):
    from urllib.parse import quote

    response = api_client_for(admin_member, workspace).get(f"/api/v1/posts/?{param}={quote(value)}")
    assert response.status_code == 400, response.content[:300]
    assert _envelope(response)["code"] == "invalid"


def test_nul_in_a_path_is_a_4xx(api_client_for, admin_member, workspace):
    response = api_client_for(admin_member, workspace).get("/api/v1/workspaces/a%00b/")
    assert 400 <= response.status_code < 500


# --- HTML pages -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(
    "path",
    [
        "/app/trends/next/?persona={v}",
        "/app/audit/?actor={v}",
        "/app/publishing/analytics/?days={v}",
        "/app/publishing/calendar/?month={v}-{v}",
        "/app/posts/?assignee={v}",
        "/app/posts/?author={v}",
    ],
)
def test_numeric_parameters_on_pages(client_for, admin_member, path, value):
    from urllib.parse import quote

    response = client_for(admin_member).get(path.format(v=quote(value)))
    assert response.status_code < 500


# --- bodies -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [250, 5000, 200_000])
def test_deeply_nested_json_is_400(api_client_for, admin_member, workspace, depth):
    body = "[" * depth + "]" * depth
    response = api_client_for(admin_member, workspace).patch("/api/v1/me/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in _envelope(response)["message"]
    nested_object = '{"a":' * depth + "1" + "}" * depth
    response = api_client_for(admin_member, workspace).post(
        "/api/v1/workspaces/", data=nested_object, content_type="application/json"
    )
    assert response.status_code == 400


def test_brackets_inside_strings_do_not_count():
    assert not json_too_deep(json.dumps({"title": "[" * 10_000, "body": '{"\\"' * 500}), limit=5)
    assert json_too_deep("[" * 6 + "]" * 6, limit=5)
    assert not json_too_deep("[" * 5 + "]" * 5, limit=5)


def test_ordinary_nesting_still_parses(api_client_for, admin_member, workspace):
    response = api_client_for(admin_member, workspace).patch(
        "/api/v1/me/", data=json.dumps({"display_name": "Ада [[{{}}]] 李"}), content_type="application/json"
    )
    assert response.status_code == 200


# --- OPTIONS ------------------------------------------------------------------------------------------
def _api_routes() -> list[str]:
    from django.urls import get_resolver

    routes = {
        _fill(route, 1)
        for route, _pattern in _walk(get_resolver().url_patterns)
        if route.lstrip("^").startswith("api/v1/") and "format" not in route
    }
    return sorted(routes)


def test_options_on_every_api_endpoint_is_not_a_500(api_client_for, admin_member, workspace):
    client = api_client_for(admin_member, workspace)
    routes = _api_routes()
    assert len(routes) >= 50
    failures = [f"{path}: {code}" for path in routes if (code := client.options(path).status_code) >= 500]
    assert failures == []


def test_options_describes_what_it_can(api_client_for, admin_member, workspace):
    client = api_client_for(admin_member, workspace)
    for path in ["/api/v1/me/", "/api/v1/auth/token/", "/api/v1/sources/"]:
        response = client.options(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response.json()["name"]


# --- URLs the fetcher cannot parse -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://exa\x01mple.com/",
        "http://exa\nmple.com/",
        "http://xn--zz--.com/",
        "http://0177.0.0.1/",
        "http://.exe/",
        "http://[::1/",
        "http://a..b/",
        "http://" + "a" * 300 + ".com/",
        "http://ex ample.com/",
        "http://example.com:99999/",
        "http://example.com:abc/",
        "http://\u200d.com/",
        "http://☃\u0301.com/",
    ],
)
def test_unparseable_urls_are_a_fetch_error(url):
    with pytest.raises(FetchError):
        fetch_url(url, total_timeout=2, connect_timeout=1)


@pytest.mark.parametrize("url", ["http://exa\x01mple.com/feed", "http://0177.0.0.1/", "http://.exe/", "http://[::1/"])
def test_adding_a_source_with_such_a_url_is_400(api_client_for, admin_member, workspace, url):
    response = api_client_for(admin_member, workspace).post("/api/v1/sources/", {"url": url}, format="json")
    assert 400 <= response.status_code < 500, response.content[:300]
    _envelope(response)


@pytest.mark.postgres
def test_a_value_the_database_refuses_is_400(api_client_for, admin_member, workspace):
    # found by tests/core/test_schemathesis.py: PostgreSQL refuses a +23:42 offset (DataError)
    response = api_client_for(admin_member, workspace).get(
        "/api/v1/fetch-attempts/?started_after=0345-02-12T02%3A05%3A58%2B23%3A42"
    )
    assert response.status_code == 400
    assert _envelope(response)["code"] == "invalid"


@pytest.mark.parametrize("start", ["²", "٣", "9" * 40, "-5", "x"])
def test_an_ordered_list_start_that_is_not_a_number_imports(start):
    from apps.posts.document.body import html_to_document

    doc = html_to_document(f'<ol start="{start}"><li>один 一</li></ol>')
    lists = [n for n in doc["content"] if n["type"] == "orderedList"]
    assert lists and 0 <= lists[0]["attrs"]["start"] <= 10**6
