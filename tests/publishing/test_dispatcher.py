"""Scheduling and delivery: claims, retries, unconfirmed sends, crashed workers, rate limits, breaker."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.errors import Conflict, Forbidden, InvalidInput
from apps.posts.models import PostState
from apps.publishing import ratelimit
from apps.publishing.dispatcher import backoff_delay, dispatch_batch, dispatch_claim, dispatch_run
from apps.publishing.models import AttemptOutcome, Publication, PublicationState
from apps.publishing.services import (
    publication_cancel,
    publication_reschedule,
    publication_resolve_unconfirmed,
    publication_schedule,
)
from apps.site.models import TrackedLink

pytestmark = pytest.mark.django_db


def run(worker="w1"):
    return dispatch_run(worker=worker, budget_seconds=5)


def run_once(worker="w1"):
    """One pass over the due rows: a row that failed is not taken again in the same call, whatever
    its backoff (dispatch_run keeps going for rows due within two seconds)."""
    return dispatch_batch(worker=worker, limit=50, adapters={})


def test_schedule_now_delivers_and_marks_the_post_published(
    post, make_channel, publisher, fake, django_capture_on_commit_callbacks
):
    webhook = make_channel("webhook")
    with django_capture_on_commit_callbacks(execute=True):
        [publication] = publication_schedule(user=publisher, post=post, channels=[webhook])
    # scheduling "now" kicked the dispatcher (eager Celery in tests)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert publication.platform_id.startswith("hook-")
    assert publication.attempt_log.get().outcome == AttemptOutcome.OK
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED


def test_future_publication_waits_for_its_time(post, make_channel, publisher, fake):
    webhook = make_channel("webhook")
    [publication] = publication_schedule(
        user=publisher, post=post, channels=[webhook], due_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert run() == 0
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    assert run() == 1
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED


def test_only_publishers_schedule_and_only_approved_posts(make_post, make_channel, writer, publisher):
    webhook = make_channel("webhook")
    post = make_post()
    with pytest.raises(Forbidden):
        publication_schedule(user=writer, post=post, channels=[webhook])
    draft = make_post(state=PostState.DRAFT, title="Draft")
    with pytest.raises(Conflict):
        publication_schedule(user=publisher, post=draft, channels=[webhook])


def test_text_that_cannot_fit_is_refused_at_scheduling(post, make_channel, publisher):
    discord = make_channel("discord")
    with pytest.raises(InvalidInput) as caught:
        publication_schedule(user=publisher, post=post, channels=[discord], overrides={str(discord.pk): "x" * 2100})
    assert "discord channel" in caught.value.message_dict
    assert not Publication.objects.exists()


def test_same_post_twice_to_a_channel_is_a_conflict(post, make_channel, publisher):
    webhook = make_channel("webhook")
    publication_schedule(user=publisher, post=post, channels=[webhook], due_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(Conflict):
        publication_schedule(user=publisher, post=post, channels=[webhook])


def test_429_retries_after_retry_after_and_5xx_backs_off(post, make_channel, publisher, fake):
    webhook = make_channel("webhook")
    [publication] = publication_schedule(user=publisher, post=post, channels=[webhook], due_at=timezone.now())
    fake.inject("/hook", "429:30")
    before = timezone.now()
    run_once()
    publication.refresh_from_db()
    assert publication.state == PublicationState.PENDING
    assert publication.attempts == 1
    assert publication.next_attempt_at >= before + dt.timedelta(seconds=30)
    attempt = publication.attempt_log.get()
    assert (attempt.outcome, attempt.status_code) == (AttemptOutcome.RETRY, 429)
    fake.inject("/hook", "500")
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    run_once()
    publication.refresh_from_db()
    assert publication.state == PublicationState.PENDING and publication.attempts == 2
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    run_once()
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED and publication.attempts == 3
    assert list(publication.attempt_log.values_list("outcome", flat=True)) == ["ok", "retry", "retry"]


def test_backoff_grows_with_jitter_and_honours_retry_after():
    delays = [backoff_delay(attempt=n) for n in range(1, 6)]
    assert 1.0 <= delays[0] <= 2.0
    assert 8.0 <= delays[3] <= 16.0
    assert backoff_delay(attempt=1, retry_after=60) >= 60


def test_a_refused_token_holds_the_publication_until_the_channel_is_reconnected(post, make_channel, publisher, fake):
    x = make_channel("x")  # a pasted token: nothing to renew it with
    [publication] = publication_schedule(user=publisher, post=post, channels=[x], due_at=timezone.now())
    fake.inject("/2/tweets", "expired")
    run()
    publication.refresh_from_db()
    # Nothing was sent: the row waits (pending, marked) instead of failing, and the channel says why.
    assert publication.state == PublicationState.PENDING
    assert "expired" in publication.last_error and "reconnect" in publication.last_error
    x.refresh_from_db()
    assert x.needs_reconnect and "expired" in x.last_error  # shown on the channel list
    run()
    assert publication.attempt_log.count() == 1  # held: no new attempt while it needs reconnecting


def test_other_4xx_fail_at_once_with_the_platform_message(post, make_channel, publisher, fake):
    x = make_channel("x")
    [publication] = publication_schedule(user=publisher, post=post, channels=[x], due_at=timezone.now())
    fake.inject("/2/tweets", "400")
    run()
    publication.refresh_from_db()
    assert publication.state == PublicationState.FAILED
    assert "bad request injected" in publication.last_error
    x.refresh_from_db()
    assert "bad request injected" in x.last_error and x.consecutive_failures == 1  # shown on the channel list


def test_ambiguous_send_on_non_idempotent_platform_becomes_unconfirmed(post, make_channel, publisher, fake):
    discord = make_channel("discord")
    [publication] = publication_schedule(user=publisher, post=post, channels=[discord], due_at=timezone.now())
    fake.inject("/api/webhooks", "timeout")
    run()
    publication.refresh_from_db()
    assert publication.state == PublicationState.UNCONFIRMED
    assert len(fake.discord_messages) == 1  # it did arrive; nobody re-sent it
    run()
    assert len(fake.discord_messages) == 1
    # A person checks and says it arrived.
    publication_resolve_unconfirmed(
        user=publisher, publication=publication, delivered=True, url="https://discord.test/m/1"
    )
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED


def test_ambiguous_send_on_idempotent_platform_is_retried_with_the_same_key(post, make_channel, publisher, fake):
    webhook = make_channel("webhook")
    [publication] = publication_schedule(user=publisher, post=post, channels=[webhook], due_at=timezone.now())
    fake.inject("/hook", "reset")
    run()  # the answer is lost; the retry (1-2 s later, within the same run) carries the same key
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert list(publication.attempt_log.values_list("outcome", flat=True)) == ["ok", "retry"]
    key = str(publication.idempotency_key)
    assert fake.webhook_requests[key] == 2 and fake.webhook_keys[key] == 1


def test_crashed_worker_rows_are_reclaimed_or_left_unconfirmed(make_post, make_channel, publisher, fake):
    webhook, discord = make_channel("webhook"), make_channel("discord")
    p1, p2 = make_post(title="one"), make_post(title="two")
    [hook_pub] = publication_schedule(user=publisher, post=p1, channels=[webhook], due_at=timezone.now())
    [disc_pub] = publication_schedule(user=publisher, post=p2, channels=[discord], due_at=timezone.now())
    claimed = dispatch_claim(worker="dead", limit=10)
    assert set(claimed.ids) == {hook_pub.pk, disc_pub.pk}
    # "dead" marked the discord row sending (the request may be out) and then died; leases lapse.
    Publication.objects.filter(pk=disc_pub.pk).update(state=PublicationState.SENDING)
    Publication.objects.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    handled = dispatch_batch(worker="alive", limit=10)
    assert handled == 2
    hook_pub.refresh_from_db()
    disc_pub.refresh_from_db()
    assert hook_pub.state == PublicationState.PUBLISHED
    assert disc_pub.state == PublicationState.UNCONFIRMED
    assert disc_pub.attempt_log.get().outcome == AttemptOutcome.UNKNOWN
    assert not fake.discord_messages  # never blindly re-sent


def test_claims_skip_rows_locked_by_another_worker(make_post, make_channel, publisher):
    webhook = make_channel("webhook")
    for i in range(5):
        publication_schedule(user=publisher, post=make_post(title=f"p{i}"), channels=[webhook], due_at=timezone.now())
    first = dispatch_claim(worker="a", limit=3)
    second = dispatch_claim(worker="b", limit=10)
    assert len(first.ids) == 3 and len(second.ids) == 2
    assert not set(first.ids) & set(second.ids)


def test_cancel_reschedule_and_embargo(post, make_channel, publisher, fake):
    webhook = make_channel("webhook")
    later = timezone.now() + dt.timedelta(hours=2)
    [publication] = publication_schedule(
        user=publisher, post=post, channels=[webhook], due_at=timezone.now(), not_before=later
    )
    assert publication.next_attempt_at == later  # the embargo wins over the due time
    publication_reschedule(user=publisher, publication=publication, due_at=timezone.now(), not_before=None)
    publication.refresh_from_db()
    assert publication.not_before is None and publication.next_attempt_at <= timezone.now()
    publication_cancel(user=publisher, publication=publication)
    assert run() == 0
    assert not fake.webhook_keys
    with pytest.raises(Conflict):
        publication_reschedule(user=publisher, publication=publication, due_at=later)


def test_embargo_is_checked_again_at_send_time(post, make_channel, publisher, fake):
    webhook = make_channel("webhook")
    [publication] = publication_schedule(
        user=publisher,
        post=post,
        channels=[webhook],
        due_at=timezone.now(),
        not_before=timezone.now() + dt.timedelta(hours=1),
    )
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())  # e.g. edited in the admin
    run()
    publication.refresh_from_db()
    assert publication.state == PublicationState.PENDING and not fake.webhook_keys


def test_token_bucket_limits_a_channel(make_post, make_channel, publisher, fake):
    discord = make_channel("discord", rate_per_minute=60, rate_burst=2)
    for i in range(4):
        publication_schedule(user=publisher, post=make_post(title=f"p{i}"), channels=[discord], due_at=timezone.now())
    dispatch_batch(worker="w", limit=10)
    assert len(fake.discord_messages) == 2  # the burst; the rest wait for tokens
    pending = Publication.objects.filter(state=PublicationState.PENDING)
    assert pending.count() == 2
    assert all(p.next_attempt_at > timezone.now() for p in pending)
    assert not any(p.attempts for p in pending)  # postponing is not an attempt


def test_token_bucket_is_atomic_in_redis():
    if ratelimit.client() is None:
        pytest.skip("needs Redis")
    results = [ratelimit.bucket_take(key="t", per_second=0.001, burst=3)[0] for _ in range(5)]
    assert results == [1, 1, 1, 0, 0]
    ratelimit.bucket_take(key="t", per_second=0.001, burst=3, count=-2)  # give two back
    granted, wait = ratelimit.bucket_take(key="t", per_second=0.001, burst=3, count=5)
    assert granted == 2 and wait > 100


def test_circuit_breaker_opens_after_repeated_failures(post, make_channel, publisher, fake):
    if ratelimit.client() is None:
        pytest.skip("needs Redis")
    webhook = make_channel("webhook")
    for _ in range(ratelimit.BREAKER_THRESHOLD):
        ratelimit.breaker_failure(channel_id=webhook.pk)
    assert ratelimit.breaker_state(channel_id=webhook.pk) == "open"
    [publication] = publication_schedule(user=publisher, post=post, channels=[webhook], due_at=timezone.now())
    run()
    publication.refresh_from_db()
    assert publication.state == PublicationState.PENDING and publication.attempts == 0
    assert not fake.webhook_keys
    ratelimit.client().delete(f"{ratelimit.key_prefix()}breaker:open:{webhook.pk}")
    assert ratelimit.breaker_state(channel_id=webhook.pk) == "half-open"
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    run()  # the probe goes through and closes the breaker
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert ratelimit.breaker_state(channel_id=webhook.pk) == "closed"


def test_every_platform_end_to_end_through_the_dispatcher(
    make_channel, make_post, publisher, fake, django_capture_on_commit_callbacks
):
    make_channel("site")
    channels = [
        make_channel(p)
        for p in ("webhook", "wordpress", "mastodon", "telegram", "discord", "bluesky", "x", "linkedin", "newsletter")
    ]
    post = make_post()
    publications = publication_schedule(user=publisher, post=post, channels=channels, due_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run()
    states = {
        p.channel.platform: p.state
        for p in Publication.objects.filter(pk__in=[p.pk for p in publications]).select_related("channel")
    }
    assert set(states.values()) == {PublicationState.PUBLISHED}, states
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    # the link in a social post is the site's tracked short link, leading on with that platform's UTM
    toot = next(iter(fake.statuses.values()))["content"]
    code = toot.rsplit("/l/", 1)[1].split()[0]
    assert "utm_source=mastodon" in TrackedLink.objects.get(code=code).target_url
