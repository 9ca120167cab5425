"""The workflow: every role x transition through the API (allowed and refused with a clear 403),
state conflicts, two-approval workspaces, notifications, the audit log and the hooks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.core.errors import Conflict, Forbidden
from apps.core.models import AuditEntry
from apps.notifications.models import Kind, Notification
from apps.notifications.texts import render
from apps.posts import hooks, services
from apps.posts.models import Post, PostsSettings
from apps.posts.signals import post_transitioned

pytestmark = pytest.mark.django_db

SOURCE = {
    "submit": "draft",
    "approve": "in_review",
    "request_changes": "in_review",
    "schedule": "approved",
    "publish": "approved",
    "unpublish": "published",
    "archive": "published",
    "to_draft": "changes_requested",
}
TARGET = {
    "submit": "in_review",
    "approve": "approved",
    "request_changes": "changes_requested",
    "schedule": "scheduled",
    "publish": "published",
    "unpublish": "approved",
    "archive": "archived",
    "to_draft": "draft",
}
# Who may do what on a post the writer wrote.
ALLOWED = {
    "submit": {"writer", "editor", "admin"},
    "approve": {"editor", "admin"},
    "request_changes": {"editor", "admin"},
    "schedule": {"publisher", "admin"},
    "publish": {"publisher", "admin"},
    "unpublish": {"publisher", "admin"},
    "archive": {"publisher", "admin"},
    "to_draft": {"writer", "editor", "admin"},
}
REFUSAL_WORDS = {
    "submit": "own posts",
    "approve": "Only editors and admins can approve",
    "request_changes": "Only editors and admins can request changes",
    "schedule": "Only publishers and admins can schedule",
    "publish": "Only publishers and admins can publish",
    "unpublish": "Only publishers and admins can unpublish",
    "archive": "Only publishers and admins can archive",
    "to_draft": "own posts back to draft",
}
CASES = [(action, role) for action in SOURCE for role in ("writer", "editor", "publisher", "admin")]


@pytest.mark.parametrize(("action", "role"), CASES)
def test_role_by_transition(action, role, post, members, api_client_for):
    Post.objects.filter(pk=post.pk).update(state=SOURCE[action])
    client = api_client_for(members[role], post.workspace)
    body = {"publish_at": (timezone.now() + timedelta(days=1)).isoformat()} if action == "schedule" else {}
    response = client.post(f"/api/v1/posts/{post.pk}/transitions/{action}/", body, format="json")
    post.refresh_from_db()
    if role in ALLOWED[action]:
        assert response.status_code == 200, response.content
        assert response.json()["state"] == TARGET[action] == post.state
        assert AuditEntry.objects.filter(action=f"post.{action}", target_id=str(post.pk), actor=members[role]).exists()
    else:
        assert response.status_code == 403, response.content
        message = response.json()["error"]["message"]
        assert REFUSAL_WORDS[action] in message
        assert post.state == SOURCE[action]


def test_writer_cannot_submit_a_colleagues_post(make_post, editor, writer):
    theirs = make_post(user=editor)
    with pytest.raises(Forbidden, match="only your own posts"):
        services.post_submit(post=theirs, user=writer)


def test_wrong_state_is_a_conflict(post, editor, api_client_for):
    response = api_client_for(editor).post(f"/api/v1/posts/{post.pk}/transitions/approve/", {}, format="json")
    assert response.status_code == 409
    assert "draft" in response.json()["error"]["message"]
    response = api_client_for(editor).post(f"/api/v1/posts/{post.pk}/transitions/fly/", {}, format="json")
    assert response.status_code == 404


def test_schedule_needs_a_future_time(post, publisher):
    Post.objects.filter(pk=post.pk).update(state="approved")
    post.refresh_from_db()
    with pytest.raises(Exception, match="future"):
        services.post_schedule(post=post, user=publisher, publish_at=timezone.now() - timedelta(minutes=1))
    when = timezone.now() + timedelta(hours=2)
    services.post_schedule(post=post, user=publisher, publish_at=when)
    post.refresh_from_db()
    assert post.state == "scheduled" and post.scheduled_at == when
    assert services.post_publish_due(post=post) is True
    post.refresh_from_db()
    assert post.state == "published" and post.published_at is not None


def test_full_cycle_notifies_and_emails(
    post, writer, editor, publisher, admin_member, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_submit(post=post, user=writer)
    assert {n.recipient for n in Notification.objects.filter(kind=Kind.REVIEW_REQUESTED)} == {editor, admin_member}
    assert {m.to[0] for m in mail.outbox} == {editor.email, admin_member.email}
    with django_capture_on_commit_callbacks(execute=True):
        services.post_request_changes(post=post, user=editor, note="Tighten the intro")
    note = Notification.objects.get(kind=Kind.CHANGES_REQUESTED)
    assert note.recipient == writer and render(note).detail == "Tighten the intro"
    services.post_submit(post=post, user=writer)
    services.post_approve(post=post, user=editor)
    assert Notification.objects.filter(kind=Kind.POST_APPROVED, recipient=publisher).exists()
    services.post_publish(post=post, user=publisher)
    post.refresh_from_db()
    assert post.state == "published" and post.review_round == 2


def test_two_approvals(post, writer, editor, admin_member, api_client_for):
    PostsSettings.objects.create(workspace=post.workspace, required_approvals=2)
    services.post_submit(post=post, user=writer)
    first = api_client_for(editor).post(f"/api/v1/posts/{post.pk}/transitions/approve/", {}, format="json")
    assert first.status_code == 200 and first.json()["state"] == "in_review"
    assert [a["username"] for a in first.json()["approvals"]] == ["editor"]
    again = api_client_for(editor).post(f"/api/v1/posts/{post.pk}/transitions/approve/", {}, format="json")
    assert again.status_code == 409
    second = api_client_for(admin_member).post(f"/api/v1/posts/{post.pk}/transitions/approve/", {}, format="json")
    assert second.json()["state"] == "approved"
    # A new review round needs two approvals again.
    services.post_request_changes(post=post, user=editor)
    services.post_submit(post=post, user=writer)
    services.post_approve(post=post, user=editor)
    post.refresh_from_db()
    assert post.state == "in_review"


def test_editors_cannot_approve_their_own_post(make_post, editor):
    own = make_post(user=editor)
    services.post_submit(post=own, user=editor)
    with pytest.raises(Forbidden, match="your own post"):
        services.post_approve(post=own, user=editor)


def test_workspace_setting_requires_admin(workspace, editor, admin_member):
    with pytest.raises(Forbidden):
        services.posts_settings_update(workspace=workspace, user=editor, required_approvals=2)
    assert (
        services.posts_settings_update(workspace=workspace, user=admin_member, required_approvals=2).required_approvals
        == 2
    )


def test_hooks_run_in_the_transaction_and_signal_after_commit(post, writer, django_capture_on_commit_callbacks):
    seen, signalled = [], []

    def hook(**kwargs):
        seen.append((kwargs["action"], kwargs["from_state"], kwargs["to_state"]))

    def receiver(sender, **kwargs):
        signalled.append(kwargs["action"])

    hooks.register("transition", hook)
    post_transitioned.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.post_transition(post=post, user=writer, action="submit")
            assert signalled == []
        assert seen == [("submit", "draft", "in_review")]
        assert signalled == ["submit"]

        def failing(**kwargs):
            raise RuntimeError("snapshot failed")

        hooks.register("transition", failing)
        with pytest.raises(RuntimeError):
            services.post_transition(post=post, user=writer, action="to_draft")
        post.refresh_from_db()
        assert post.state == "in_review"
    finally:
        for registered in [h for h in hooks.get_hooks("transition") if h is hook or h.__name__ == "failing"]:
            hooks.unregister("transition", registered)
        post_transitioned.disconnect(receiver)


def test_archived_posts_are_read_only(post, publisher, writer):
    services.post_archive(post=post, user=publisher)
    with pytest.raises(Forbidden, match="Archived"):
        services.post_update(post=post, user=writer, expected_version=1, title="x")
    with pytest.raises(Conflict):
        services.post_archive(post=post, user=publisher)
