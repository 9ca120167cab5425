"""The posts app's editorial notifications, told through apps.notifications: every kind a post's life
makes is stored as the kind and its parameters (no sentence) and rendered when read, in the reader's
language; preferences decide the app and the e-mail; people a post is shared with are guests until the
share ends; the list page's queries do not grow with the rows."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from apps.notifications import services as notifications
from apps.notifications.models import EmailMode, Kind, Notification
from apps.notifications.selectors import notifications_for_user, unread_count
from apps.notifications.texts import PARTIAL_APPROVAL, SHARE_LEVELS, SUGGESTED, SYSTEM_TITLES, TITLES, render_for
from apps.posts import services
from apps.posts.models import PostsSettings, ShareLevel
from tests.factories import doc_of, make_post

pytestmark = pytest.mark.django_db

TITLE = "Café “Ελλάδα” 東京の洪水 👩‍👩‍👧 فيضانات"
POST_KINDS = [kind for kind in Kind if kind.value.startswith(("post_", "suggestion_", "review_", "changes_"))]

# The Russian a translator would write for the new texts (the catalogue is the lead's to fill: the test
# lays these over it, so it proves the words are looked up when read, whatever the catalogue holds today).
RUSSIAN = {
    TITLES[Kind.POST_ASSIGNED]: "%(actor)s назначил(а) вам «%(title)s»",
    TITLES[Kind.POST_SHARED]: "%(actor)s открыл(а) вам «%(title)s» как %(level)s",
    TITLES[Kind.POST_MENTION]: "%(actor)s упомянул(а) вас в «%(title)s»",
    TITLES[Kind.POST_COMMENT]: "%(actor)s прокомментировал(а) «%(title)s»",
    TITLES[Kind.POST_REPLY]: "%(actor)s ответил(а) в «%(title)s»",
    TITLES[Kind.POST_SUGGESTION]: "%(actor)s предложил(а) правку к «%(title)s»",
    TITLES[Kind.SUGGESTION_ACCEPTED]: "%(actor)s принял(а) вашу правку к «%(title)s»",
    TITLES[Kind.SUGGESTION_REJECTED]: "%(actor)s отклонил(а) вашу правку к «%(title)s»",
    TITLES[Kind.REVIEW_REQUESTED]: "%(actor)s отправил(а) «%(title)s» на проверку",
    TITLES[Kind.CHANGES_REQUESTED]: "%(actor)s просит доработать «%(title)s»",
    TITLES[Kind.POST_APPROVED]: "%(actor)s одобрил(а) «%(title)s»",
    TITLES[Kind.REVIEW_REOPENED]: "%(actor)s изменил(а) одобренный пост «%(title)s»: нужна новая проверка",
    TITLES[Kind.POST_SCHEDULED]: "%(actor)s запланировал(а) «%(title)s»",
    TITLES[Kind.POST_PUBLISHED]: "%(actor)s опубликовал(а) «%(title)s»",
    TITLES[Kind.POST_UNPUBLISHED]: "%(actor)s снял(а) с публикации «%(title)s»",
    TITLES[Kind.POST_ARCHIVED]: "%(actor)s отправил(а) в архив «%(title)s»",
    TITLES[Kind.POST_TO_DRAFT]: "%(actor)s вернул(а) «%(title)s» в черновики",
    SYSTEM_TITLES[Kind.POST_PUBLISHED]: "«%(title)s» опубликован по расписанию",
    PARTIAL_APPROVAL: "%(actor)s одобрил(а) «%(title)s» (одобрений: %(approvals)s из %(required)s)",
    SHARE_LEVELS["viewer"]: "читателя",
    SUGGESTED: "«%(old)s» → «%(new)s»",
    "Since the last digest:": "С прошлой сводки:",
    "New for you:": "Для вас:",
}


@pytest.fixture
def russian():
    """The Russian catalogue with the texts above laid over it for the test."""
    catalog = trans_real.translation("ru")._catalog
    catalog._catalogs.insert(0, {str(msgid): text for msgid, text in RUSSIAN.items()})
    catalog._plurals.insert(0, catalog._plurals[0])
    yield
    catalog._catalogs.pop(0)
    catalog._plurals.pop(0)


def _story(workspace, members, outsider):
    """A post's whole life, with everything done while English is active: every post kind is told."""
    writer, editor, publisher = members["writer"], members["editor"], members["publisher"]
    with translation.override("en"):
        post = make_post(workspace=workspace, user=writer, title=TITLE, text="The quick brown fox jumps.")
        post = services.post_update(post=post, user=writer, expected_version=post.version, assignee=editor)
        thread = services.comment_create(post=post, user=editor, body="@publisher «проверь» this 👍🏽")
        services.comment_create(post=post, user=editor, body="Ещё: “brown” → “red”? e\u0301")
        services.comment_reply(thread=thread, user=writer, body="Готово ✓")
        accepted = services.suggestion_create(post=post, user=editor, quote="quick", replacement="швидкий")
        services.suggestion_accept(suggestion=accepted, user=writer)
        rejected = services.suggestion_create(post=post, user=publisher, quote="brown", replacement="קפה")
        services.suggestion_reject(suggestion=rejected, user=writer, note="لا، شكراً")
        services.post_share(post=post, user=writer, target_user=outsider, level=ShareLevel.VIEWER)
        services.post_submit(post=post, user=writer)
        services.post_request_changes(post=post, user=editor, note="Сократите вступление")
        services.post_submit(post=post, user=writer)
        services.post_approve(post=post, user=editor)
        post.refresh_from_db()
        services.post_update(post=post, user=writer, expected_version=post.version, body_json=doc_of("Новый текст."))
        services.post_approve(post=post, user=editor)
        services.post_schedule(post=post, user=publisher, publish_at=timezone.now() + timedelta(hours=1))
        services.post_publish_due(post=post)
        services.post_unpublish(post=post, user=publisher)
        post.refresh_from_db()
        if post.state != "approved":
            services.post_submit(post=post, user=writer)
            services.post_approve(post=post, user=editor)
        services.post_publish(post=post, user=publisher)
        services.post_archive(post=post, user=publisher)
        services.post_back_to_draft(post=post, user=editor)
    return post


def test_every_post_kind_is_stored_as_parameters_and_read_in_the_readers_language(
    workspace, members, outsider, russian
):
    post = _story(workspace, members, outsider)
    rows = {row.kind: row for row in Notification.objects.filter(key__startswith=f"post:{post.pk}:")}
    assert sorted(rows) == sorted(POST_KINDS)
    for kind, row in rows.items():
        stored = json.dumps(row.params, ensure_ascii=False)
        # No sentence was stored: only names, ids and the words people wrote.
        assert not any(word in stored for word in ("commented", "submitted", "published", "assigned")), kind
        assert row.params["title"] == TITLE and row.params["post"] == post.pk
        english, russian_text = render_for(row, language="en").title, render_for(row, language="ru").title
        assert TITLE in english and TITLE in russian_text, kind
        assert english != russian_text, kind
        assert "«" in russian_text and "“" + TITLE not in russian_text, kind
    assert render_for(rows[Kind.POST_COMMENT], language="en").title == f"{members['editor']} commented on “{TITLE}”"
    assert (
        render_for(rows[Kind.POST_COMMENT], language="ru").title == f"{members['editor']} прокомментировал(а) «{TITLE}»"
    )
    assert render_for(rows[Kind.POST_SHARED], language="ru").title.endswith("как читателя")
    # The words people wrote stay as written, in any script.
    assert render_for(rows[Kind.POST_MENTION], language="ru").detail == "@publisher «проверь» this 👍🏽"
    assert render_for(rows[Kind.CHANGES_REQUESTED], language="en").detail == "Сократите вступление"
    assert render_for(rows[Kind.SUGGESTION_REJECTED], language="en").detail == "لا، شكراً"
    assert render_for(rows[Kind.POST_SUGGESTION], language="ru").detail in ("«quick» → «швидкий»", "«brown» → «קפה»")
    # The system's own publication names nobody.
    published = Notification.objects.filter(kind=Kind.POST_PUBLISHED, params__actor="").first()
    assert published is not None
    assert render_for(published, language="ru").title == f"«{TITLE}» опубликован по расписанию"


def test_the_page_and_the_api_render_for_the_reader(workspace, members, outsider, client_for, russian):
    _story(workspace, members, outsider)
    writer = members["writer"]
    client = client_for(writer)
    english = client.get(reverse("notifications:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{members['editor']} requested changes to" in english
    client.cookies["django_language"] = "ru"
    russian_page = client.get(reverse("notifications:index")).content.decode()
    assert "просит доработать" in russian_page and "requested changes to" not in russian_page
    rows = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]
    assert any(row["title"].startswith(f"{members['editor']} просит доработать") for row in rows)


def test_an_approval_that_waits_for_a_second_reviewer_says_so(workspace, members, russian):
    PostsSettings.objects.create(workspace=workspace, required_approvals=2)
    writer, editor = members["writer"], members["editor"]
    post = make_post(workspace=workspace, user=writer, title="Две подписи", text="x")
    services.post_submit(post=post, user=writer)
    services.post_approve(post=post, user=editor)
    row = Notification.objects.get(kind=Kind.POST_APPROVED, recipient=writer)
    assert render_for(row, language="en").title == f"{editor} approved “Две подписи” (1 of 2 approvals)"
    assert render_for(row, language="ru").title == f"{editor} одобрил(а) «Две подписи» (одобрений: 1 из 2)"


def test_a_guest_hears_about_a_shared_post_until_the_share_ends(workspace, members, outsider):
    writer, editor = members["writer"], members["editor"]
    post = make_post(workspace=workspace, user=writer, title="Shared", text="x")
    services.post_share(post=post, user=writer, target_user=outsider, level=ShareLevel.COMMENTER)
    services.comment_create(post=post, user=outsider, body="@writer привет")
    services.comment_create(post=post, user=editor, body="@outsider see this")
    told = notifications_for_user(user=outsider)
    assert {row.kind for row in told} == {Kind.POST_SHARED, Kind.POST_MENTION}
    assert all(row.guest for row in told) and unread_count(user=outsider) == 2
    services.post_unshare(post=post, user=writer, target_user=outsider)
    assert unread_count(user=outsider) == 0
    # Someone else's post in the workspace never reaches them.
    other = make_post(workspace=workspace, user=editor, title="Private", text="x")
    services.comment_create(post=other, user=editor, body="@outsider no")
    assert unread_count(user=outsider) == 0
    # The members' rows about the post stay.
    assert Notification.objects.filter(recipient=writer, kind=Kind.POST_COMMENT).exists()


def test_preferences_decide_the_app_and_the_email(workspace, members, django_capture_on_commit_callbacks):
    writer, editor = members["writer"], members["editor"]
    post = make_post(workspace=workspace, user=writer, title="Prefs", text="x")
    notifications.preference_set(user=writer, kind=Kind.POST_COMMENT, in_app=False, email=EmailMode.OFF)
    notifications.preference_set(user=writer, kind=Kind.POST_MENTION, in_app=False, email=EmailMode.IMMEDIATE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, user=editor, body="plain comment")
    assert not Notification.objects.filter(recipient=writer).exists() and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, user=editor, body="@writer look")
    mention = Notification.objects.get(recipient=writer, kind=Kind.POST_MENTION)
    assert not mention.in_app and unread_count(user=writer) == 0
    assert [m.to for m in mail.outbox] == [[writer.email]] and "mentioned you" in mail.outbox[0].subject
    # By default a comment waits for the digest and a review request is e-mailed right away.
    notifications.preference_set(user=writer, kind=Kind.POST_COMMENT, in_app=True, email=EmailMode.DIGEST)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, user=editor, body="for the digest")
        services.post_submit(post=post, user=writer)
    assert {m.to[0] for m in mail.outbox} == {editor.email, members["admin"].email}
    mail.outbox.clear()
    assert notifications.digests_send() == 1
    assert "for the digest" in mail.outbox[0].body


def test_the_email_is_in_the_recipients_language(workspace, members, django_capture_on_commit_callbacks, russian):
    writer, editor = members["writer"], members["editor"]
    writer.language = "ru"
    writer.save(update_fields=["language"])
    post = make_post(workspace=workspace, user=writer, title="Наводнения", text="x")
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, user=editor, body="@writer 你好")
        services.comment_create(post=post, user=writer, body="@editor hello")
    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[writer.email].subject == f"[Trendoscope] {editor} упомянул(а) вас в «Наводнения»"
    assert "Для вас:" in by_person[writer.email].body and "你好" in by_person[writer.email].body
    assert by_person[editor.email].subject == f"[Trendoscope] {writer} mentioned you on “Наводнения”"


@pytest.mark.parametrize("n", [3, 12])
def test_the_list_page_queries_do_not_grow(n, workspace, members, client_for, django_assert_num_queries):
    writer, editor = members["writer"], members["editor"]
    post = make_post(workspace=workspace, user=writer, title="Counted", text="x")
    for i in range(n):
        services.comment_create(post=post, user=editor, body=f"comment {i} ✓")
    client = client_for(writer)
    client.get(reverse("notifications:index"))
    # session, user, membership, workspaces (switcher), the page's count and rows, the bell's count
    with django_assert_num_queries(7):
        response = client.get(reverse("notifications:index"))
    assert response.status_code == 200 and response.content.decode().count('class="alert-row') == n
