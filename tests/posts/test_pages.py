"""Editorial pages: list, board, editor, history with diff, sharing, audit log, notifications,
settings; outsiders get 404 on every post page; query counts do not grow with the posts."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse

from apps.accounts.demo import seed_accounts
from apps.posts import demo, services
from apps.posts.models import Post

from .conftest import doc_of

pytestmark = pytest.mark.django_db


def test_list_board_and_detail_render(post, writer, client_for):
    client = client_for(writer)
    assert post.title in client.get(reverse("posts:index")).content.decode()
    board = client.get(reverse("posts:board")).content.decode()
    assert f'data-post-id="{post.pk}"' in board and "board.js" in board
    page = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert 'id="editor"' in page and "post_editor.js" in page and "post-body-json" in page
    assert "Submit for review" in page and "Approve" not in page


def test_editor_sees_review_buttons(post, writer, editor, client_for):
    services.post_submit(post=post, user=writer)
    page = client_for(editor).get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert "Approve" in page and "Request changes" in page and "Publish now" not in page


def test_transition_form_and_refusal_message(post, writer, publisher, client_for):
    client = client_for(publisher)
    response = client.post(reverse("posts:transition", args=[post.pk, "approve"]), follow=True)
    assert "Only editors and admins can approve posts" in response.content.decode()
    response = client_for(writer).post(reverse("posts:transition", args=[post.pk, "submit"]), follow=True)
    post.refresh_from_db()
    assert post.state == "in_review"


def test_history_shows_diff_and_restore(post, writer, client_for):
    services.post_update(post=post, user=writer, expected_version=1, body_json=doc_of("The slow brown fox"))
    client = client_for(writer)
    page = client.get(reverse("posts:history", args=[post.pk])).content.decode()
    assert "<del>quick</del>" in page and "<ins>slow</ins>" in page
    client.post(reverse("posts:revision-restore", args=[post.pk, 1]))
    assert post.revisions.count() == 3
    assert client.get(reverse("posts:revision", args=[post.pk, 1])).status_code == 200


def test_sharing_page(post, writer, outsider, client_for):
    client = client_for(writer)
    client.post(reverse("posts:share", args=[post.pk]), {"user": "outsider", "level": "commenter"})
    assert "outsider" in client.get(reverse("posts:share", args=[post.pk])).content.decode()
    guest = client_for(outsider)
    assert guest.get(reverse("posts:detail", args=[post.pk])).status_code == 200
    client.post(reverse("posts:share", args=[post.pk]), {"remove": "outsider"})
    assert guest.get(reverse("posts:detail", args=[post.pk])).status_code == 404


def test_outsider_gets_404_on_every_post_page(post, outsider, client_for):
    client = client_for(outsider)
    urls = [
        ("get", reverse("posts:detail", args=[post.pk])),
        ("get", reverse("posts:history", args=[post.pk])),
        ("get", reverse("posts:revision", args=[post.pk, 1])),
        ("post", reverse("posts:revision-restore", args=[post.pk, 1])),
        ("get", reverse("posts:share", args=[post.pk])),
        ("post", reverse("posts:share", args=[post.pk])),
        *[("post", reverse("posts:transition", args=[post.pk, action])) for action in services.TRANSITIONS],
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    assert post.title not in client.get(reverse("posts:index")).content.decode()
    assert post.title not in client.get(reverse("posts:board")).content.decode()
    assert post.title not in client.get(reverse("posts:audit")).content.decode()


def test_audit_notifications_settings(post, writer, editor, admin_member, client_for):
    services.post_submit(post=post, user=writer)
    assert "post.submit" in client_for(editor).get(reverse("posts:audit")).content.decode()
    # The old address leads to the one notifications page.
    notifications = client_for(editor).get(reverse("posts:notifications"), follow=True)
    assert notifications.redirect_chain == [(reverse("notifications:index"), 301)]
    assert "submitted" in notifications.content.decode()
    client_for(editor).post(reverse("posts:settings"), {"required_approvals": "2"})
    assert services.required_approvals_for(workspace_id=post.workspace_id) == 1
    client_for(admin_member).post(reverse("posts:settings"), {"required_approvals": "2"})
    assert services.required_approvals_for(workspace_id=post.workspace_id) == 2


def test_new_post_page(workspace, writer, client_for):
    response = client_for(writer).post(reverse("posts:new"), {"title": "Fresh"})
    post = Post.objects.get(title="Fresh")
    assert response.url == reverse("posts:detail", args=[post.pk])


def _bulk(workspace, writer, n):
    for i in range(n):
        services.post_create(
            workspace=workspace, user=writer, title=f"Post {i}", body_json=doc_of("x"), assignee=writer
        )


# Every /app/ page also counts the bell's unread alerts (apps/notifications): one query.
BOARD_QUERIES = 10
# Includes the details form (personas, trends, members, images), the publishing panel (2 queries)
# the publishing app adds to the post page, the generation app's Ask the AI panel (its AI settings)
# and the bell.
DETAIL_QUERIES = 20


@pytest.mark.parametrize("n", [2, 10])
def test_page_query_counts_are_flat(n, workspace, writer, client_for, django_assert_num_queries):
    _bulk(workspace, writer, n)
    client = client_for(writer)
    client.get(reverse("posts:index"))
    # The same ceiling whatever the number of posts (session, user, membership, filters, posts).
    # session, user, membership, personas, trends, members, count, page, workspaces, the bell's unread count
    with django_assert_num_queries(10):
        assert client.get(reverse("posts:index")).status_code == 200
    with django_assert_num_queries(BOARD_QUERIES):
        assert client.get(reverse("posts:board")).status_code == 200
    post = Post.objects.first()
    for _ in range(n):
        services.comment_create(post=post, user=writer, body="c", quote="x")
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(reverse("posts:detail", args=[post.pk])).status_code == 200


def test_admin_changelist_and_actions(post, writer, editor, admin_member, client_for):
    services.post_submit(post=post, user=writer)
    admin_member.is_staff = admin_member.is_superuser = True
    admin_member.save()
    client = client_for(admin_member)
    assert client.get("/admin/posts/post/?state__exact=in_review").status_code == 200
    assert client.get(f"/admin/posts/post/{post.pk}/change/").status_code == 200
    client.post("/admin/posts/post/", {"action": "workflow_approve", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.state == "approved"
    assert Post in admin_site._registry


def test_demo_seed_is_idempotent(db):
    workspace, users, _password = seed_accounts(password="x")
    first = demo.seed(workspace=workspace, users=users)
    second = demo.seed(workspace=workspace, users=users)
    assert [p.pk for p in first] == [p.pk for p in second]
    states = set(Post.objects.filter(workspace=workspace).values_list("state", flat=True))
    assert {"draft", "in_review", "approved", "changes_requested", "published", "archived"} <= states
