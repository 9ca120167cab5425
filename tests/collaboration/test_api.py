"""The live editor's session endpoint: who may join, whether they may edit, and 404 for outsiders."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_session_for_the_author_editors_readers_and_outsiders(
    post, writer, editor, publisher, outsider, api_client_for, django_assert_max_num_queries
):
    url = f"/api/v1/collaboration/posts/{post.pk}/session/"
    client = api_client_for(writer)
    with django_assert_max_num_queries(8):
        data = client.get(url).json()
    assert data["can_edit"] is True
    assert data["websocket_path"] == f"/ws/posts/{post.pk}/doc/"
    assert data["user"]["name"] and data["user"]["color"].startswith("#")

    assert api_client_for(editor).get(url).json()["can_edit"] is True
    reader = api_client_for(publisher).get(url).json()
    assert reader["can_edit"] is False and reader["read_only_reason"]
    assert api_client_for(outsider).get(url).status_code == 404
    assert api_client_for(writer).get("/api/v1/collaboration/posts/999999/session/").status_code == 404


def test_shared_viewer_reads_and_shared_editor_edits(post, writer, outsider, api_client_for):
    from apps.posts.models import Post
    from apps.posts.services.posts import post_share

    url = f"/api/v1/collaboration/posts/{post.pk}/session/"
    post_share(post=post, user=writer, target_user=outsider, level="viewer")
    assert api_client_for(outsider).get(url).json()["can_edit"] is False
    post_share(post=Post.objects.get(pk=post.pk), user=writer, target_user=outsider, level="editor")
    assert api_client_for(outsider).get(url).json()["can_edit"] is True
