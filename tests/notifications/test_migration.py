"""The move of the posts app's notifications into apps.notifications (posts 0006): migrated backwards to
where posts.Notification still exists, rows are made there, and forwards they become post kinds with
their read state, dates and words people wrote; backwards again they come back as English sentences."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from apps.notifications.texts import render_for
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, make_post

BEFORE = [("posts", "0005_email_share"), ("notifications", "0002_post_kinds_and_guests")]
AFTER = [("posts", "0006_notifications_move_to_notifications_app")]
MOVE = import_module("apps.posts.migrations.0006_notifications_move_to_notifications_app")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_rows_move_forwards_and_back():
    workspace = WorkspaceFactory()
    writer = UserFactory(username="w", display_name="Вера")
    editor = UserFactory(username="e", display_name="")
    guest = UserFactory(username="g")
    MembershipFactory(workspace=workspace, user=writer, role="writer")
    MembershipFactory(workspace=workspace, user=editor, role="editor")
    post = make_post(workspace=workspace, user=writer, title="Наводнения “2026”", text="x")
    created = timezone.now() - dt.timedelta(days=3)
    try:
        old_apps = _migrate(BEFORE)
        Old = old_apps.get_model("posts", "Notification")
        common = {"workspace_id": workspace.pk, "post_id": post.pk, "url": f"/app/posts/{post.pk}/"}
        rows = [
            Old(
                recipient_id=writer.pk,
                actor_id=editor.pk,
                kind="comment",
                **common,
                message=f"e commented on “{post.title}”: Привет 👋🏽 e\u0301",
                read_at=created,
            ),
            Old(
                recipient_id=writer.pk,
                actor_id=editor.pk,
                kind="workflow.request_changes",
                **common,
                message=f"e requested changes to “{post.title}”. Короче, пожалуйста.",
            ),
            Old(
                recipient_id=guest.pk,
                actor_id=writer.pk,
                kind="shared",
                **common,
                message=f"Вера shared “{post.title}” with you as commenter.",
            ),
            Old(
                recipient_id=editor.pk,
                actor_id=None,
                kind="workflow.publish",
                **common,
                message=f"“{post.title}” was published as scheduled.",
            ),
            Old(recipient_id=editor.pk, actor_id=writer.pk, kind="something.unknown", **common, message="?"),
        ]
        Old.objects.bulk_create(rows)
        Old.objects.update(created_at=created)

        new_apps = _migrate(AFTER)
        New = new_apps.get_model("notifications", "Notification")
        moved = {row.kind: row for row in New.objects.filter(key__startswith=f"post:{post.pk}:")}
        assert sorted(moved) == ["changes_requested", "post_comment", "post_published", "post_shared"]
        comment = moved["post_comment"]
        assert comment.read_at == created and comment.created_at == created and comment.last_at == created
        assert comment.params == {"post": post.pk, "title": post.title, "actor": "e", "excerpt": "Привет 👋🏽 e\u0301"}
        assert comment.emailed_at == created and not comment.guest  # mailed by the old task: never again
        assert moved["changes_requested"].read_at is None
        assert moved["changes_requested"].params["note"] == "Короче, пожалуйста."
        assert moved["post_shared"].guest and moved["post_shared"].params["level"] == "commenter"
        assert moved["post_shared"].params["actor"] == "Вера"
        assert moved["post_published"].params["actor"] == ""
        with translation.override("en"):
            assert (
                render_for(moved["post_published"], language="en").title == f"“{post.title}” was published as scheduled"
            )

        old_apps = _migrate(BEFORE)
        Old = old_apps.get_model("posts", "Notification")
        back = {row.kind: row for row in Old.objects.all()}
        assert sorted(back) == ["comment", "shared", "workflow.publish", "workflow.request_changes"]
        assert back["comment"].message == f"e commented on “{post.title}”: Привет 👋🏽 e\u0301"
        assert back["comment"].read_at == created
        assert not old_apps.get_model("notifications", "Notification").objects.filter(kind="post_comment").exists()
    finally:
        _migrate(_leaf_nodes())


def _leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@given(
    title=st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="“”"), max_size=40),
    body=st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="“”"), min_size=1, max_size=80)
    .map(str.strip)
    .filter(bool),
)
def test_the_words_people_wrote_are_recovered_from_any_title(title, body):
    for kind, template in (("comment", "x commented on “{t}”: {b}"), ("mention", "x mentioned you on “{t}”: {b}")):
        assert MOVE.recovered(kind, template.format(t=title, b=body), title) == {"excerpt": body[:200]}
    suggestion = f"x suggested a change to “{title}”: “{body}” → “новое”"
    assert MOVE.recovered("suggestion", suggestion, title) == {"old": body[:80], "new": "новое"}
