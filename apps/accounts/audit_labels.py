"""Human labels for audit actions. The log stores the action code and its parameters (`post.approve`,
{"from": "in_review", "to": "approved"}); the sentence is made when the page is shown, in the reader's
language, so an entry written by an English request reads in Russian for a Russian reader."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "ai_settings.update": _("Changed the AI settings"),
    "channel.create": _("Added a channel"),
    "channel.delete": _("Deleted a channel"),
    "channel.update": _("Changed a channel"),
    "comment.create": _("Commented"),
    "comment.delete": _("Deleted a comment"),
    "comment.reopen": _("Reopened a comment"),
    "comment.reply": _("Replied to a comment"),
    "comment.resolve": _("Resolved a comment"),
    "generation.cancel": _("Cancelled a draft generation"),
    "generation.finish": _("Finished generating a draft"),
    "generation.refine_start": _("Started refining a draft"),
    "generation.start": _("Started generating a draft"),
    "membership.add": _("Added a member"),
    "membership.decline": _("Declined an invitation"),
    "membership.invite": _("Invited someone"),
    "membership.remove": _("Removed a member"),
    "membership.revoke_invitation": _("Revoked an invitation"),
    "membership.set_role": _("Changed a member's role"),
    "persona.create": _("Created a persona"),
    "persona.delete": _("Deleted a persona"),
    "persona.sample_add": _("Added a writing sample"),
    "persona.sample_delete": _("Deleted a writing sample"),
    "persona.style_relearn": _("Relearned a persona's style"),
    "persona.update": _("Changed a persona"),
    "post.approve": _("Approved a post"),
    "post.archive": _("Archived a post"),
    "post.create": _("Created a post"),
    "post.image_upload": _("Uploaded an image into a post"),
    "post.publish": _("Published a post"),
    "post.request_changes": _("Requested changes to a post"),
    "post.restore": _("Restored a revision"),
    "post.review_reopened": _("Reopened a post's review"),
    "post.schedule": _("Scheduled a post"),
    "post.share": _("Shared a post by link"),
    "post.share_email": _("Shared a post by e-mail"),
    "post.share_email_accept": _("Opened a post shared by e-mail"),
    "post.submit": _("Submitted a post for review"),
    "post.to_draft": _("Moved a post back to draft"),
    "post.unpublish": _("Unpublished a post"),
    "post.unshare": _("Stopped sharing a post by link"),
    "post.unshare_email": _("Stopped sharing a post by e-mail"),
    "post.update": _("Edited a post"),
    "posts.settings": _("Changed the posts settings"),
    "publication.cancel": _("Cancelled a publication"),
    "publication.deleted": _("Deleted a publication"),
    "publication.reschedule": _("Rescheduled a publication"),
    "publication.resolve": _("Resolved a publication"),
    "publication.schedule": _("Scheduled a publication"),
    "publication.unpublish": _("Unpublished a publication"),
    "source.create": _("Added a source"),
    "source.delete": _("Deleted a source"),
    "source.fetch_now": _("Fetched a source now"),
    "source.pause": _("Paused a source"),
    "source.resume": _("Resumed a source"),
    "source.update": _("Changed a source"),
    "subscriber.add": _("Added a subscriber"),
    "subscriber.remove": _("Removed a subscriber"),
    "subscriber.unsubscribe": _("A subscriber unsubscribed"),
    "suggestion.accept": _("Accepted a suggestion"),
    "suggestion.create": _("Suggested a change"),
    "suggestion.reject": _("Rejected a suggestion"),
    "trends.settings_updated": _("Changed the trend settings"),
    "trends.topic_created": _("Added a topic"),
    "trends.topic_deleted": _("Deleted a topic"),
    "workspace.create": _("Created the workspace"),
}

DATA_LABELS = {
    "from": _("From"),
    "to": _("To"),
    "note": _("Note"),
    "role": _("Role"),
    "email": _("E-mail"),
    "title": _("Title"),
    "publish_at": _("Publish at"),
    "number": _("Revision"),
    "revision": _("Revision"),
}


def action_label(code: str) -> str:
    """The action in words; an unknown code reads as its words ("thing.do_it" → "Thing: do it")."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    subject, _dot, verb = (code or "").partition(".")
    if not verb:
        return subject.replace("_", " ").capitalize() or gettext("Unknown action")
    return f"{subject.replace('_', ' ').capitalize()}: {verb.replace('_', ' ').replace('.', ' ')}"


def data_label(key: str) -> str:
    label = DATA_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()
