"""Notifications: telling the people who can act when something went wrong, in the app (the bell and
/app/notifications/) and by e-mail (right away or in a digest), each person choosing per kind.

How another app reports an event (call it from a task or after commit; it writes rows and queues the
e-mails on commit; repeats of one event collapse while unread):

    from apps.notifications.services import channel_needs_reconnect, generation_failed,
        publication_problem, source_failing

    channel_needs_reconnect(channel=channel, reason="refresh token revoked")   # publishing: OAuth/401
    publication_problem(publication=publication, unconfirmed=False)            # publishing dispatcher
    source_failing(source=source, hours=8, since=source.last_success_at)       # sources beat task
    generation_failed(job=job)                                                 # generation

The app stands just above accounts (tests/architecture/test_house.py FLOORS), so it imports none of
the apps that report to it: they hand it their objects and it reads plain attributes. Rows keep the
kind and its parameters; the words are rendered when read, in the reader's language (texts.py)."""
