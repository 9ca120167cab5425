"""The site channel: the post becomes a live Wagtail ArticlePage on the public site, updated in place,
and unpublishing takes it off the site."""

import pytest
from django.utils import timezone

from apps.publishing.dispatcher import dispatch_run
from apps.publishing.models import PublicationState
from apps.publishing.services import publication_schedule, publication_unpublish
from apps.site.models import ArticlePage
from apps.site.services import site_publish_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_address(settings):
    # The site's Wagtail Site follows SITE_URL; a platform URL needs a dotted host name.
    settings.SITE_URL = "http://news.example"


def test_site_channel_publishes_an_article_page(
    post, make_channel, publisher, client, django_capture_on_commit_callbacks
):
    site = make_channel("site")
    [publication] = publication_schedule(user=publisher, post=post, channels=[site], due_at=timezone.now())
    dispatch_run(worker="w", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    page = ArticlePage.objects.get(source_post_id=post.pk)
    assert page.live and page.has_unpublished_changes is False
    assert page.revisions.count() == 1
    assert publication.platform_url == page.full_url
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Rivers are rising" in response.content.decode()
    assert "Forecasters expect more rain" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publication_unpublish(user=publisher, publication=publication)
    publication.refresh_from_db()
    assert publication.state == PublicationState.UNPUBLISHED
    page.refresh_from_db()
    assert not page.live
    assert client.get(page.url).status_code == 404
    assert publication.attempt_log.filter(outcome="deleted").exists()


def test_publishing_again_updates_the_same_page_with_a_new_revision(post):
    first = site_publish_post(post_id=post.pk, title="First title", body_html="<p>one</p>")
    second = site_publish_post(post_id=post.pk, title="Second title", body_html="<p>two</p>")
    assert first.pk == second.pk
    assert second.title == "Second title" and "two" in second.body
    assert second.revisions.count() == 2
    assert ArticlePage.objects.filter(source_post_id=post.pk).count() == 1
