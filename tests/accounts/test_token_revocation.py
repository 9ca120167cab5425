"""A password change or reset revokes every bearer token of the user, whichever way it happens:
allauth's pages, allauth's headless API, the Django admin, or code calling set_password()."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Новый-пароль-密码-🔑-ok"
ME = "/api/v1/me/"


def _bearer(user) -> APIClient:
    _token, key = ApiToken.issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(ME).status_code == 200
    return client


def _headless_session(username, password) -> APIClient:
    response = APIClient().post(
        "/_allauth/app/v1/auth/login", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    assert client.get(ME).status_code == 200
    return client


def _assert_revoked(user, *clients) -> None:
    assert not ApiToken.objects.filter(user=user).exists()
    for client in clients:
        response = client.get(ME)
        assert response.status_code == 401, response.content


def test_allauth_password_change_page_revokes_tokens(writer, password):
    bearer = _bearer(writer)
    browser = Client()
    browser.force_login(writer)
    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content
    writer.refresh_from_db()
    assert writer.check_password(NEW_PASSWORD)
    _assert_revoked(writer, bearer)


def test_allauth_password_reset_by_mail_revokes_tokens_and_headless_sessions(writer, password):
    bearer = _bearer(writer)
    headless = _headless_session("writer", password)
    browser = Client()
    assert browser.post("/accounts/password/reset/", {"email": writer.email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    response = browser.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = browser.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content
    writer.refresh_from_db()
    assert writer.check_password(NEW_PASSWORD)
    _assert_revoked(writer, bearer, headless)


def test_headless_password_change_revokes_tokens(writer, password):
    bearer = _bearer(writer)
    headless = _headless_session("writer", password)
    response = headless.post(
        "/_allauth/app/v1/account/password/change",
        {"current_password": password, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code in (200, 401), response.content
    writer.refresh_from_db()
    assert writer.check_password(NEW_PASSWORD)
    _assert_revoked(writer, bearer)


def test_headless_password_reset_revokes_tokens(writer, password):
    bearer = _bearer(writer)
    client = APIClient()
    response = client.post("/_allauth/app/v1/auth/password/request", {"email": writer.email}, format="json")
    assert response.status_code == 200, response.content
    key = re.search(r"/accounts/password/reset/key/(\S+)/", mail.outbox[-1].body).group(1)
    response = client.post(
        "/_allauth/app/v1/auth/password/reset", {"key": key, "password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code in (200, 401), response.content
    writer.refresh_from_db()
    assert writer.check_password(NEW_PASSWORD)
    _assert_revoked(writer, bearer)


def test_admin_set_password_revokes_tokens(writer):
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    bearer = _bearer(writer)
    admin = Client()
    admin.force_login(staff)
    response = admin.post(
        f"/admin/accounts/user/{writer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    writer.refresh_from_db()
    assert writer.check_password(NEW_PASSWORD)
    _assert_revoked(writer, bearer)


def test_set_password_in_code_revokes_tokens_but_only_of_that_user(writer, editor):
    bearer = _bearer(writer)
    other = _bearer(editor)
    writer.set_password(NEW_PASSWORD)
    writer.save()
    _assert_revoked(writer, bearer)
    assert other.get(ME).status_code == 200


def test_set_unusable_password_revokes_tokens(writer):
    bearer = _bearer(writer)
    writer.set_unusable_password()
    writer.save()
    _assert_revoked(writer, bearer)


def test_saving_other_fields_or_rehashing_on_login_keeps_tokens(writer, password):
    bearer = _bearer(writer)
    writer.display_name = "Ёжик 🦔"
    writer.save()
    assert writer.check_password(password)  # may re-hash with the current hasher: not a password change
    assert bearer.get(ME).status_code == 200
