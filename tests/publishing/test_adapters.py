"""Each adapter against the local platform server: the real endpoints, and the failure classes."""

import pytest
from django.core import mail

from apps.publishing.adapters import AmbiguousError, PermanentError, RetryableError, adapter_for
from apps.publishing.crypto import credentials_decrypt
from apps.publishing.models import Publication, Subscriber
from apps.publishing.services import post_content

pytestmark = pytest.mark.django_db


def _publication(post, channel, parts=None):
    adapter = adapter_for(channel)
    content = post_content(post=post)
    rendered = adapter.render(content=content)
    assert rendered.ok, rendered.errors
    frozen = {
        "parts": parts or rendered.parts,
        "media": rendered.media,
        "title": content.title,
        "html": content.html,
        "text": content.text,
        "excerpt": content.excerpt,
        "link": adapter.link_for(content),
        "tags": content.tags,
    }
    return Publication.objects.create(
        workspace=post.workspace,
        post=post,
        channel=channel,
        due_at=post.created_at,
        next_attempt_at=post.created_at,
        content=frozen,
    )


def test_credentials_are_encrypted_at_rest(make_channel):
    channel = make_channel("x")
    assert "good-token" not in channel.credentials_encrypted
    assert credentials_decrypt(token=channel.credentials_encrypted) == {"access_token": "good-token"}


def test_webhook_signs_and_sends_idempotency_key(post, make_channel, fake):
    channel = make_channel("webhook")
    publication = _publication(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    request = fake.requests[-1]
    assert request["headers"]["Idempotency-Key"] == str(publication.idempotency_key)
    assert fake.webhook_keys[str(publication.idempotency_key)] == 1
    assert result.platform_id.startswith("hook-")
    # A repeat with the same key is answered from the target's record, not applied twice.
    adapter_for(channel).send(publication=publication, content=publication.content)
    assert fake.webhook_keys[str(publication.idempotency_key)] == 1


def test_wordpress_create_and_delete(post, make_channel, fake):
    channel = make_channel("wordpress")
    publication = _publication(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    assert int(result.platform_id) in fake.wp_posts
    assert fake.wp_posts[int(result.platform_id)]["title"] == post.title
    publication.platform_id = result.platform_id
    adapter_for(channel).delete(publication=publication)
    assert not fake.wp_posts


def test_wordpress_wrong_password_is_permanent(post, make_channel):
    channel = make_channel("wordpress")
    channel.credentials_encrypted = __import__("apps.publishing.crypto", fromlist=["x"]).credentials_encrypt(
        secrets={"app_password": "nope"}
    )
    publication = _publication(post, channel)
    with pytest.raises(PermanentError, match="not currently logged in"):
        adapter_for(channel).send(publication=publication, content=publication.content)


def test_mastodon_reads_the_instance_limit_and_threads(make_post, make_channel, fake):
    fake.mastodon_limit = 120
    post = make_post(excerpt="", body_text=" ".join(f"Point {i} of the story is here." for i in range(10)))
    channel = make_channel("mastodon")
    adapter = adapter_for(channel)
    assert adapter.limit() == 120
    publication = _publication(post, channel)
    assert len(publication.content["parts"]) > 1
    result = adapter.send(publication=publication, content=publication.content)
    ids = result.extra["ids"]
    assert len(ids) == len(publication.content["parts"])
    assert fake.statuses[ids[1]]["in_reply_to_id"] == ids[0]
    keys = [r["headers"].get("Idempotency-Key") for r in fake.requests if r["path"] == "/api/v1/statuses"]
    assert keys == [f"{publication.idempotency_key}:{i}" for i in range(len(ids))]
    publication.platform_id, publication.result = ids[0], {"ids": ids}
    metrics = adapter.metrics(publication=publication)
    assert (metrics.likes, metrics.reposts, metrics.replies) == (5, 2, 1)
    adapter.delete(publication=publication)
    assert not fake.statuses


def test_telegram_photo_caption_and_429(post, make_channel, fake):
    channel = make_channel("telegram")
    publication = _publication(post, channel)
    publication.content["media"] = ["https://img.test/a.jpg"]
    adapter = adapter_for(channel)
    result = adapter.send(publication=publication, content=publication.content)
    assert fake.tg_messages[-1]["method"] == "sendPhoto"
    assert fake.tg_messages[-1]["caption"] == publication.content["parts"][0]
    assert result.url == f"https://t.me/newsroom/{result.platform_id}"
    fake.inject("/bot", "429:7")
    publication.result = {}
    with pytest.raises(RetryableError) as caught:
        adapter.send(publication=publication, content=publication.content)
    assert caught.value.retry_after == 7


def test_telegram_long_text_with_photo_sends_photo_then_text(post, make_channel, fake):
    channel = make_channel("telegram")
    publication = _publication(post, channel)
    publication.content.update(media=["https://img.test/a.jpg"], parts=["word " * 300])
    adapter_for(channel).send(publication=publication, content=publication.content)
    assert [m["method"] for m in fake.tg_messages] == ["sendPhoto", "sendMessage"]
    assert "caption" not in fake.tg_messages[0]


def test_discord_send_delete_and_too_long(post, make_channel, fake):
    channel = make_channel("discord")
    publication = _publication(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    assert result.url.endswith(f"/{result.platform_id}")
    assert fake.requests[-1]["query"] == {"wait": ["true"]}
    publication.platform_id = result.platform_id
    adapter_for(channel).delete(publication=publication)
    assert not fake.discord_messages
    with pytest.raises(PermanentError, match="Invalid Form Body"):
        adapter_for(channel).send(publication=publication, content={"parts": ["x" * 2001]})


def test_bluesky_facets_threads_and_expired_session(make_post, make_channel, fake):
    make_channel("site")  # so posts have a public link
    post = make_post(excerpt="", body_text=" ".join(f"Fact {i}: the river rose again today." for i in range(14)))
    channel = make_channel("bluesky")
    publication = _publication(post, channel)
    assert len(publication.content["parts"]) >= 2
    adapter = adapter_for(channel)
    adapter.session()
    fake.bsky_expired_jwts.add("jwt-1")  # the cached session's token has expired
    result = adapter.send(publication=publication, content=publication.content)
    assert fake.bsky_sessions == 2
    records = list(fake.bsky_records.values())
    assert records[1]["reply"]["root"]["uri"] == result.platform_id
    last = records[-1]
    link_facets = [f for f in last.get("facets", []) if f["features"][0]["$type"].endswith("#link")]
    tag_facets = [f for f in last.get("facets", []) if f["features"][0]["$type"].endswith("#tag")]
    assert link_facets and tag_facets
    start, end = tag_facets[0]["index"]["byteStart"], tag_facets[0]["index"]["byteEnd"]
    assert last["text"].encode()[start:end].decode().startswith("#")
    publication.platform_id, publication.result = result.platform_id, result.extra
    assert adapter.metrics(publication=publication).likes == 7
    adapter.delete(publication=publication)
    assert not fake.bsky_records


def test_x_thread_reply_chain_metrics_and_expired_token(make_post, make_channel, fake):
    post = make_post(excerpt="", body_text=" ".join(f"Update {i}: 日本語 text mixed in here." for i in range(15)))
    channel = make_channel("x")
    publication = _publication(post, channel)
    parts = publication.content["parts"]
    assert len(parts) > 1
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    tweets = [fake.tweets[i] for i in result.extra["ids"]]
    assert "reply" not in tweets[0]
    assert tweets[1]["reply"]["in_reply_to_tweet_id"] == result.extra["ids"][0]
    publication.platform_id = result.platform_id
    assert adapter_for(channel).metrics(publication=publication).views == 321
    fake.inject("/2/tweets", "expired")
    publication.result = {}
    with pytest.raises(PermanentError, match="expired"):
        adapter_for(channel).send(publication=publication, content=publication.content)


def test_linkedin_post_little_text_and_metrics(post, make_channel, fake):
    channel = make_channel("linkedin")
    publication = _publication(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    assert result.platform_id.startswith("urn:li:share:")
    body = fake.linkedin_posts[result.platform_id]
    assert "{hashtag|\\#|Climate}" in body["commentary"]
    assert fake.requests[-1]["headers"]["X-Restli-Protocol-Version"] == "2.0.0"
    publication.platform_id = result.platform_id
    assert adapter_for(channel).metrics(publication=publication).likes == 12
    adapter_for(channel).delete(publication=publication)
    assert not fake.linkedin_posts


def test_failure_classes(post, make_channel, fake):
    channel = make_channel("discord")
    publication = _publication(post, channel)
    adapter = adapter_for(channel)
    fake.inject("/api/webhooks", "500")
    with pytest.raises(RetryableError):
        adapter.send(publication=publication, content=publication.content)
    fake.inject("/api/webhooks", "timeout")
    with pytest.raises(AmbiguousError, match="timed out"):
        adapter.send(publication=publication, content=publication.content)
    fake.inject("/api/webhooks", "reset")
    with pytest.raises(AmbiguousError):
        adapter.send(publication=publication, content=publication.content)
    fake.inject("/api/webhooks", "400")
    with pytest.raises(PermanentError, match="bad request injected"):
        adapter.send(publication=publication, content=publication.content)


def test_connection_refused_is_retryable(post, make_channel, fake):
    channel = make_channel("webhook", config={"url": "http://127.0.0.1:9/hook"})
    publication = _publication(post, channel)
    with pytest.raises(RetryableError, match="connection failed"):
        adapter_for(channel).send(publication=publication, content=publication.content)


def test_newsletter_mails_active_subscribers_with_unsubscribe_link(post, make_channel, workspace):
    Subscriber.objects.create(workspace=workspace, email="a@example.com")
    Subscriber.objects.create(workspace=workspace, email="gone@example.com", unsubscribed_at=post.created_at)
    channel = make_channel("newsletter")
    publication = _publication(post, channel)
    adapter_for(channel).send(publication=publication, content=publication.content)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    message = mail.outbox[0]
    assert message.subject == post.title
    assert "/app/publishing/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/app/publishing/unsubscribe/")


def test_channels_cannot_point_at_private_addresses(settings, workspace, publisher):
    from apps.core.errors import InvalidInput
    from apps.publishing.services import channel_create

    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(InvalidInput, match="private or reserved"):
        channel_create(
            user=publisher,
            workspace=workspace,
            name="Internal",
            platform="webhook",
            config={"url": "http://10.0.0.5/hook"},
        )


@pytest.mark.parametrize("platform", ["webhook", "wordpress", "discord"])
def test_a_channel_whose_address_turns_private_is_refused_when_sending(settings, post, make_channel, fake, platform):
    # Saved while its name resolved to a public address; by the time of sending it resolves to a
    # private one (DNS rebinding, or an internal name): the connection itself is refused.
    channel = make_channel(platform)
    publication = _publication(post, channel)
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    sent_before = len(fake.requests)
    with pytest.raises(PermanentError, match="private or reserved"):
        adapter_for(channel).send(publication=publication, content=publication.content)
    assert len(fake.requests) == sent_before
