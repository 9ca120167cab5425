"""Words instead of codes: plain errors, audit actions rendered in the reader's language at display time,
the demo-login block, the favicon, and the restart path of make run (seed only when missing)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from apps.accounts.audit_labels import ACTION_LABELS, action_label, data_label
from apps.accounts.demo import login_table
from apps.accounts.models import Workspace
from apps.core.plain_errors import explain
from apps.core.services import audit_log

RESOLVER = "Could not resolve feeds.example.invalid: [Errno -2] Name or service not known"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (RESOLVER, "address could not be found"),
        ("Could not fetch https://x.test/: [Errno 111] Connection refused", "refused the connection"),
        ("HTTP 503 from https://x.test/feed", "server error"),
        ("HTTP 404 from https://x.test/feed", "not found"),
        ("HTTP 429 from https://x.test/feed", "slow down"),
        ("The time limit of 20 s was reached.", "too long"),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "certificate"),
        ("Refused to fetch intranet: it resolves to a private or reserved address (10.0.0.1).", "private network"),
    ],
)
def test_technical_errors_read_in_plain_words_with_the_detail_kept(raw, words):
    plain, detail = explain(raw)
    assert words in plain
    assert detail == raw
    assert "Errno" not in plain


def test_plain_errors_in_russian_and_the_disclosure():
    with translation.override("ru"):
        plain, _detail = explain(RESOLVER)
    assert plain  # the catalogue may not have it yet; it must never be empty or raw
    html = Template("{% load plain_errors %}{% plain_error e %}").render(Context({"e": RESOLVER + " <b>"}))
    assert "<details" in html and "Technical detail" in html and "&lt;b&gt;" in html
    assert (
        Template("{% load plain_errors %}{% plain_error e %}").render(Context({"e": "Just words."})).count("details")
        == 0
    )


@given(st.text())
def test_explain_never_fails_and_keeps_unknown_text(raw):
    plain, detail = explain(raw)
    if raw.strip():
        assert plain
        assert detail in ("", raw.strip())
    else:
        assert (plain, detail) == ("", "")


@translation.override("en")
def test_every_action_has_words_and_unknown_codes_read_as_words():
    assert action_label("post.request_changes") == "Requested changes to a post"
    assert action_label("widget.spin_up") == "Widget: spin up"
    assert action_label("") == "Unknown action"
    assert data_label("from") == "From" and data_label("some_key") == "Some key"
    assert all("." in code for code in ACTION_LABELS)


@pytest.mark.django_db
def test_audit_page_shows_words_in_the_readers_language(client_for, members, workspace):
    audit_log(actor=members["editor"], action="post.request_changes", workspace=workspace, target=workspace)
    client = client_for(members["writer"])
    english = client.get("/app/audit/").content.decode()
    assert "Requested changes to a post" in english
    assert "<code>post.request_changes</code>" not in english
    client.cookies["django_language"] = "ru"
    russian = client.get("/app/audit/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<code>post.request_changes</code>" not in russian
    with translation.override("ru"):
        assert action_label("post.request_changes") in russian


def test_the_demo_login_block_lines_up():
    class U:
        def __init__(self, name):
            self.username = name

    lines = login_table({"writer": U("writer"), "publisher": U("publisher")}, "pw").splitlines()
    assert lines[0] == "Demo logins:"
    header, *rows = lines[1:]
    assert header.split() == ["role", "username", "password"]
    columns = [header.index("username"), header.index("password")]
    for row in rows:
        _role, username, password = row.split()
        assert row[columns[0] :].startswith(username) and row[columns[1] :] == password


@pytest.mark.django_db
def test_seed_demo_if_missing_seeds_once_and_still_prints_the_logins(monkeypatch):
    from tests.ux.demo import seed_demo

    seed_demo()
    assert Workspace.objects.filter(slug="demo").exists()
    out = io.StringIO()
    called = []
    monkeypatch.setattr("apps.accounts.management.commands.seed_demo.seed_accounts", lambda **kw: called.append(kw))
    call_command("seed_demo", if_missing=True, stdout=out)
    assert not called
    assert "role" in out.getvalue() and "trendoscope-demo" in out.getvalue()


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
