"""The posts API: list with filters, detail, saving with version conflicts, revisions and diffs,
comments, suggestions, sharing; outsiders get 404 everywhere; pinned query counts."""

from __future__ import annotations

import pytest

from apps.posts import services
from apps.posts.models import Post

from .conftest import TEXT, doc_of

pytestmark = pytest.mark.django_db


def test_create_and_detail(workspace, writer, api_client_for):
    client = api_client_for(writer, workspace)
    response = client.post(
        "/api/v1/posts/",
        {"title": "Via API", "body_html": "<p>Hello <em>there</em></p>", "tags": ["ai", "ai", "news"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft" and data["version"] == 1 and data["tags"] == ["ai", "news"]
    assert data["body_html"] == "<p>Hello <em>there</em></p>" and data["body_text"] == "Hello there"
    assert data["permissions"]["can_edit"] is True and data["transitions"] == ["submit"]
    detail = client.get(f"/api/v1/posts/{data['id']}/")
    assert detail.status_code == 200 and detail.json()["body_json"]["type"] == "doc"


def test_save_with_version_conflict(post, writer, editor, api_client_for):
    mine, theirs = api_client_for(writer), api_client_for(editor)
    first = theirs.patch(f"/api/v1/posts/{post.pk}/", {"version": 1, "body_json": doc_of("Theirs")}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = mine.patch(f"/api/v1/posts/{post.pk}/", {"version": 1, "title": "Mine"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict" and "version 2" in stale.json()["error"]["message"]
    missing = mine.patch(f"/api/v1/posts/{post.pk}/", {"title": "No version"}, format="json")
    assert missing.status_code == 400


def test_list_filters(workspace, writer, editor, make_post, api_client_for):
    a = make_post(title="Alpha about otters")
    b = make_post(title="Beta", user=editor, assignee=writer)
    services.post_submit(post=b, user=editor)
    client = api_client_for(writer, workspace)

    def ids(query):
        response = client.get(f"/api/v1/posts/?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert set(ids("")) == {a.pk, b.pk}
    assert ids("state=in_review") == [b.pk]
    assert ids("state=draft,in_review") == [b.pk, a.pk]
    assert ids("assignee=me") == [b.pk]
    assert ids(f"assignee={writer.pk}") == [b.pk]
    assert ids("assignee=none") == [a.pk]
    assert ids("search=otters") == [a.pk]
    assert ids("search=lazy") == [b.pk, a.pk]  # words of the body
    assert ids("persona=999999") == []
    assert ids("trend=999999") == []


def test_revisions_diff_and_restore(post, writer, api_client_for):
    client = api_client_for(writer)
    client.patch(f"/api/v1/posts/{post.pk}/", {"version": 1, "body_json": doc_of("The slow brown fox")}, format="json")
    revisions = client.get(f"/api/v1/posts/{post.pk}/revisions/").json()["results"]
    assert [r["number"] for r in revisions] == [2, 1]
    one = client.get(f"/api/v1/posts/{post.pk}/revisions/1/").json()
    assert one["body_text"] == TEXT
    diff = client.get(f"/api/v1/posts/{post.pk}/diff/?from=1&to=2").json()
    assert "<del>quick</del>" in diff["body_html"] and "<ins>slow</ins>" in diff["body_html"]
    assert client.get(f"/api/v1/posts/{post.pk}/diff/?from=1").status_code == 400
    assert client.get(f"/api/v1/posts/{post.pk}/revisions/9/").status_code == 404
    restored = client.post(f"/api/v1/posts/{post.pk}/revisions/1/restore/")
    assert restored.status_code == 201 and restored.json()["number"] == 3


def test_comments_and_suggestions(post, writer, editor, api_client_for):
    client = api_client_for(editor)
    url = f"/api/v1/posts/{post.pk}/comments/"
    thread = client.post(url, {"body": "Why?", "quote": "lazy dog", "prefix": "over the "}, format="json")
    assert thread.status_code == 201
    thread = thread.json()
    assert thread["anchor"]["quote"] == "lazy dog" and thread["anchor"]["start"] == TEXT.index("lazy dog")
    reply = api_client_for(writer).post(f"{url}{thread['id']}/replies/", {"body": "Because"}, format="json")
    assert reply.status_code == 201 and reply.json()["parent"] == thread["id"]
    resolved = client.post(f"{url}{thread['id']}/resolve/")
    assert resolved.json()["resolved"] is True and len(resolved.json()["replies"]) == 1
    assert client.post(f"{url}{thread['id']}/reopen/").json()["resolved"] is False
    listing = client.get(url).json()
    assert listing["count"] == 1 and listing["results"][0]["replies"][0]["body"] == "Because"
    edited = client.patch(f"{url}{thread['id']}/", {"body": "Why, exactly?"}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "Why, exactly?"
    assert api_client_for(writer).patch(f"{url}{thread['id']}/", {"body": "x"}, format="json").status_code == 403

    s_url = f"/api/v1/posts/{post.pk}/suggestions/"
    suggestion = client.post(s_url, {"start": 4, "end": 9, "replacement": "speedy"}, format="json")
    assert suggestion.status_code == 201 and suggestion.json()["anchor"]["quote"] == "quick"
    accepted = api_client_for(writer).post(f"{s_url}{suggestion.json()['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    post.refresh_from_db()
    assert post.body_text.startswith("The speedy brown fox")
    assert client.get(f"{s_url}?state=pending").json()["count"] == 0


def test_sharing(post, writer, outsider, api_client_for):
    url = f"/api/v1/posts/{post.pk}/"
    guest = api_client_for(outsider)
    assert guest.get(url).status_code == 404
    owner = api_client_for(writer)
    shared = owner.post(f"{url}shares/", {"user": "outsider", "level": "viewer"}, format="json")
    assert shared.status_code == 201
    # A viewer sees the post (also in the list of their own workspace) but cannot comment or edit.
    detail = guest.get(url)
    assert detail.status_code == 200 and detail.json()["permissions"]["share_level"] == "viewer"
    assert post.pk in [row["id"] for row in guest.get("/api/v1/posts/").json()["results"]]
    assert guest.post(f"{url}comments/", {"body": "hi"}, format="json").status_code == 403
    assert guest.patch(url, {"version": 1, "title": "x"}, format="json").status_code == 403
    assert guest.post(f"{url}transitions/submit/").status_code == 403
    owner.post(f"{url}shares/", {"user": "outsider", "level": "commenter"}, format="json")
    assert guest.post(f"{url}comments/", {"body": "hi"}, format="json").status_code == 201
    assert guest.patch(url, {"version": 1, "title": "x"}, format="json").status_code == 403
    owner.post(f"{url}shares/", {"user": "outsider@example.com", "level": "editor"}, format="json")
    assert guest.patch(url, {"version": 1, "title": "Guest edit"}, format="json").status_code == 200
    assert [s["level"] for s in owner.get(f"{url}shares/").json()] == ["editor"]
    assert guest.post(f"{url}shares/", {"user": "writer", "level": "viewer"}, format="json").status_code == 403
    assert owner.delete(f"{url}shares/{outsider.pk}/").status_code == 204
    assert guest.get(url).status_code == 404


def test_writer_shared_as_editor_can_edit_a_colleagues_post(make_post, editor, writer, api_client_for):
    theirs = make_post(user=editor)
    client = api_client_for(writer)
    assert client.patch(f"/api/v1/posts/{theirs.pk}/", {"version": 1, "title": "x"}, format="json").status_code == 403
    services.post_share(post=theirs, user=editor, target_user=writer, level="editor")
    assert client.patch(f"/api/v1/posts/{theirs.pk}/", {"version": 1, "title": "x"}, format="json").status_code == 200


def _post_endpoints(post) -> list[tuple[str, str]]:
    base = f"/api/v1/posts/{post.pk}"
    thread = services.comment_create(post=post, user=post.author, body="c")
    suggestion = services.suggestion_create(post=post, user=post.author, quote="quick", replacement="fast")
    return [
        ("get", f"{base}/"),
        ("patch", f"{base}/"),
        ("get", f"{base}/revisions/"),
        ("get", f"{base}/revisions/1/"),
        ("post", f"{base}/revisions/1/restore/"),
        ("get", f"{base}/diff/?from=1&to=1"),
        ("get", f"{base}/comments/"),
        ("post", f"{base}/comments/"),
        ("patch", f"{base}/comments/{thread.pk}/"),
        ("delete", f"{base}/comments/{thread.pk}/"),
        ("post", f"{base}/comments/{thread.pk}/replies/"),
        ("post", f"{base}/comments/{thread.pk}/resolve/"),
        ("post", f"{base}/comments/{thread.pk}/reopen/"),
        ("get", f"{base}/suggestions/"),
        ("post", f"{base}/suggestions/"),
        ("post", f"{base}/suggestions/{suggestion.pk}/accept/"),
        ("post", f"{base}/suggestions/{suggestion.pk}/reject/"),
        *[("post", f"{base}/transitions/{action}/") for action in services.TRANSITIONS],
        ("get", f"{base}/shares/"),
        ("post", f"{base}/shares/"),
        ("delete", f"{base}/shares/{post.author_id}/"),
    ]


def test_outsider_gets_404_on_every_endpoint(post, outsider, api_client_for):
    client = api_client_for(outsider)
    for method, url in _post_endpoints(post):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    assert post.pk not in [row["id"] for row in client.get("/api/v1/posts/").json()["results"]]
    # Asking for the post's workspace explicitly does not help either.
    header = client.get("/api/v1/posts/", HTTP_X_WORKSPACE=str(post.workspace_id))
    assert header.status_code == 404


def test_notifications_api(post, writer, editor, api_client_for):
    services.comment_create(post=post, user=editor, body="Look at this")
    client = api_client_for(writer)
    rows = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert rows and rows[0]["kind"] == "post_comment" and rows[0]["read"] is False
    assert client.post(f"/api/v1/notifications/{rows[0]['id']}/read/").json()["read"] is True
    assert api_client_for(editor).post(f"/api/v1/notifications/{rows[0]['id']}/read/").status_code == 404
    # The editorial notifications are apps.notifications' rows now: read-all answers how many it marked.
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


def _make_posts(workspace, writer, editor, n):
    for i in range(n):
        services.post_create(
            workspace=workspace, user=writer if i % 2 else editor, title=f"P{i}", body_json=doc_of("x"), assignee=writer
        )


@pytest.mark.parametrize("count", [3, 12])
def test_list_query_count_is_flat(count, workspace, writer, editor, api_client_for, django_assert_num_queries):
    _make_posts(workspace, writer, editor, count)
    client = api_client_for(writer, workspace)
    # token, token last use, membership, count, page
    with django_assert_num_queries(5):
        response = client.get("/api/v1/posts/")
    assert response.json()["count"] == count


def test_detail_query_count(post, writer, api_client_for, django_assert_num_queries):
    client = api_client_for(writer)
    client.get(f"/api/v1/posts/{post.pk}/")
    # token (its last use was just recorded), post, membership, share grants, approvals setting, approvals
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/posts/{post.pk}/")
    assert response.status_code == 200


def test_direct_state_change_is_not_possible_through_patch(post, writer, api_client_for):
    response = api_client_for(writer).patch(
        f"/api/v1/posts/{post.pk}/", {"version": 1, "state": "published"}, format="json"
    )
    assert response.status_code == 200
    assert Post.objects.get(pk=post.pk).state == "draft"


REL = {
    "from": {"type": None, "tname": None, "item": {"client": 7, "clock": 3}, "assoc": 0},
    "to": {"item": {"client": 7, "clock": 9}, "assoc": -1},
}


@pytest.mark.parametrize(
    "relative",
    ["somewhere", ["from", "to"], {"from": {}}, {"from": 1, "to": 2}, {"from": {"x": "y" * 3000}, "to": {}}],
)
def test_a_comment_with_a_bad_live_anchor_gets_a_clear_error(post, editor, api_client_for, relative):
    url = f"/api/v1/posts/{post.pk}/comments/"
    response = api_client_for(editor).post(
        url, {"body": "Why?", "quote": "lazy dog", "relative": relative}, format="json"
    )
    assert response.status_code == 400
    assert "relative" in str(response.json())
    assert not post.comments.exists()


def test_live_anchors_are_kept_and_returned(post, editor, api_client_for):
    client = api_client_for(editor)
    thread = client.post(
        f"/api/v1/posts/{post.pk}/comments/", {"body": "Why?", "quote": "lazy dog", "relative": REL}, format="json"
    )
    assert thread.status_code == 201 and thread.json()["anchor"]["relative"] == REL
    suggestion = client.post(
        f"/api/v1/posts/{post.pk}/suggestions/",
        {"replacement": "cat", "quote": "lazy dog", "relative": REL},
        format="json",
    )
    assert suggestion.status_code == 201 and suggestion.json()["anchor"]["relative"] == REL
