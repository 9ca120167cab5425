"""A guest with a per-post share (django-guardian object permission) sees the post, but not who else is in
the workspace (the assignee select) nor the post's audit history: those are for members only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.posts import services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _assignee_select(body: str) -> str:
    import re

    match = re.search(r'<select id="post-assignee">.*?</select>', body, re.S)
    return match.group(0) if match else ""


DOC = {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Привет, 世界 👋🏽"}]}]}


@pytest.fixture(params=["with-own-workspace", "no-workspace"])
def shared(request, workspace, other_workspace, writer, editor, publisher, admin_member):
    for user, name in ((editor, "Иван Редакторов"), (publisher, "ناشر محمد"), (admin_member, "管理员 王")):
        user.display_name = name
        user.save(update_fields=["display_name"])
    post = services.post_create(workspace=workspace, user=writer, title="Общий пост", body_json=DOC)
    services.post_transition(post=post, user=writer, action="submit", note="Проверьте, пожалуйста")
    guest = UserFactory(username="guest", display_name="Гость 客人")
    if request.param == "with-own-workspace":
        MembershipFactory(workspace=other_workspace, user=guest, role="admin")
    return post, guest


@pytest.mark.parametrize("level", ["viewer", "commenter", "editor"])
def test_guest_sees_no_member_names_or_ids(client_for, writer, shared, editor, publisher, admin_member, level):
    post, guest = shared
    services.post_share(post=post, user=writer, target_user=guest, level=level)
    page = client_for(guest).get(reverse("posts:detail", args=[post.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Привет, 世界" in body  # the post itself is there (also for a guest without a workspace)
    assert _assignee_select(body) == '<select id="post-assignee"><option value="">—</option></select>'
    for member in (editor, publisher, admin_member):
        assert str(member) not in body


def test_members_still_get_the_assignee_select(client_for, writer, shared, editor, admin_member):
    post, _guest = shared
    select = _assignee_select(client_for(writer).get(reverse("posts:detail", args=[post.pk])).content.decode())
    assert f'<option value="{editor.pk}"' in select and f'<option value="{admin_member.pk}"' in select


def test_guest_sees_the_current_assignee_only(client_for, writer, editor, publisher, shared):
    post, guest = shared
    post = services.post_update(post=post, user=writer, expected_version=None, assignee=editor)
    services.post_share(post=post, user=writer, target_user=guest, level="editor")
    select = _assignee_select(client_for(guest).get(reverse("posts:detail", args=[post.pk])).content.decode())
    assert f'<option value="{publisher.pk}"' not in select
    assert f'<option value="{editor.pk}" selected' in select  # the post's own assignee: saving keeps it


def test_guest_sees_no_audit_history(client_for, writer, shared):
    post, guest = shared
    services.post_share(post=post, user=writer, target_user=guest, level="commenter")
    member_page = client_for(writer).get(reverse("posts:history", args=[post.pk])).content.decode()
    assert "Проверьте, пожалуйста" in member_page and "post.share" in member_page
    page = client_for(guest).get(reverse("posts:history", args=[post.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Общий пост" in body and 'id="main"' in body
    assert "Проверьте, пожалуйста" not in body and "post.share" not in body and "Activity" not in body


def _share_message(client, post, login) -> str:
    import re

    response = client.post(reverse("posts:share", args=[post.pk]), {"user": login, "level": "viewer"}, follow=True)
    return re.search(r'<li class="message[^"]*">(.*?)</li>', response.content.decode(), re.S).group(1)


def test_sharing_by_address_does_not_reveal_whether_it_has_an_account(client_for, api_client_for, writer, workspace):
    known = UserFactory(username="known-reader", email="reader@example.com", display_name="Читатель")
    post = services.post_create(workspace=workspace, user=writer, title="Пост", body_json=DOC)
    page = client_for(writer)
    a = _share_message(page, post, "reader@example.com")
    b = _share_message(page, post, "nobody@example.com")
    assert a.replace("reader@example.com", "X") == b.replace("nobody@example.com", "X")
    assert "Читатель" not in a
    api = api_client_for(writer)
    url = f"/api/v1/posts/{post.pk}/shares/"
    answers = [
        api.post(url, {"user": login, "level": "commenter"}, format="json")
        for login in ("READER@example.com", "ghost@example.com")
    ]
    assert [r.status_code for r in answers] == [201, 201]
    assert answers[0].json() == answers[1].json() == {"user": None, "level": "commenter"}
    assert client_for(known).get(reverse("posts:detail", args=[post.pk])).status_code == 200  # it did share
    # Bad input is refused the same way for both.
    bad = [
        api.post(url, {"user": login, "level": "owner"}, format="json").json()
        for login in ("reader@example.com", "x@example.com")
    ]
    assert bad[0] == bad[1]
