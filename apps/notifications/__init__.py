"""Notifications: telling people what happened to their posts (comments, mentions, review steps) and,
to those who can act, what went wrong, in the app (the bell, live, and /app/notifications/) and by
e-mail (right away or in a digest, in the recipient's language), each person choosing per kind.

How another app reports an event (call it from a task or after commit; it writes rows and queues the
e-mails on commit; repeats of one event collapse while unread):

    from apps.notifications.services import channel_needs_reconnect, generation_failed, post_activity,
        publication_problem, source_failing

    post_activity(kind=Kind.POST_COMMENT, post=post, actor=user, recipients=[post.author],
                  about=f"comment:{comment.pk}", params={"excerpt": body[:200]})   # posts (apps/posts/alerts.py)
    channel_needs_reconnect(channel=channel, reason="refresh token revoked")   # publishing: OAuth/401
    publication_problem(publication=publication, unconfirmed=False)            # publishing dispatcher
    source_failing(source=source, hours=8, since=source.last_success_at)       # sources beat task
    generation_failed(job=job)                                                 # generation

The app stands just above accounts (tests/architecture/test_house.py FLOORS), so it imports none of
the apps that report to it: they hand it their objects and it reads plain attributes. Rows keep the
kind and its parameters; the words are rendered when read, in the reader's language (texts.py)."""
