"""API shapes of the posts app: separate input and output serializers."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import PostState, ShareLevel, SuggestionState
from ..transitions import TRANSITIONS


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="label")


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _user(user) -> dict | None:
    return None if user is None else {"id": user.pk, "username": user.username, "name": user.label}


class PostListSerializer(serializers.Serializer):
    """What lists show. Written out by hand: it runs for every row of every page."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=PostState.choices)
    state_label = serializers.CharField()
    excerpt = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()
    author = UserBriefSerializer(allow_null=True)
    assignee = UserBriefSerializer(allow_null=True)
    persona = RefSerializer(allow_null=True)
    trend = RefSerializer(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    scheduled_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    workspace = serializers.IntegerField()

    def to_representation(self, post) -> dict:
        iso = serializers.DateTimeField().to_representation
        return {
            "id": post.pk,
            "title": post.title,
            "state": post.state,
            "state_label": str(PostState(post.state).label),
            "excerpt": post.excerpt,
            "tags": post.tags or [],
            "language": post.language,
            "author": _user(post.author),
            "assignee": _user(post.assignee),
            "persona": {"id": post.persona.pk, "name": post.persona.name} if post.persona_id else None,
            "trend": {"id": post.trend.pk, "name": post.trend.title} if post.trend_id else None,
            "due_at": iso(post.due_at) if post.due_at else None,
            "scheduled_at": iso(post.scheduled_at) if post.scheduled_at else None,
            "published_at": iso(post.published_at) if post.published_at else None,
            "created_at": iso(post.created_at),
            "updated_at": iso(post.updated_at),
            "version": post.version,
            "workspace": post.workspace_id,
        }


class PermissionsSerializer(serializers.Serializer):
    can_view = serializers.BooleanField()
    can_comment = serializers.BooleanField()
    can_edit = serializers.BooleanField()
    can_decide_suggestions = serializers.BooleanField()
    can_share = serializers.BooleanField()
    share_level = serializers.ChoiceField(choices=ShareLevel.choices, allow_null=True)
    role = serializers.CharField(allow_null=True)


class PostDetailSerializer(PostListSerializer):
    body_json = serializers.JSONField()
    body_html = serializers.CharField()
    body_text = serializers.CharField()
    featured_media = serializers.IntegerField(allow_null=True)
    review_round = serializers.IntegerField()
    required_approvals = serializers.IntegerField()
    approvals = UserBriefSerializer(many=True)
    permissions = PermissionsSerializer()
    transitions = serializers.ListField(child=serializers.ChoiceField(choices=list(TRANSITIONS)))

    def to_representation(self, post) -> dict:
        data = super().to_representation(post)
        context = self.context
        access = context["access"]
        data.update(
            body_json=post.body_json,
            body_html=post.body_html,
            body_text=post.body_text,
            featured_media=post.featured_media_id,
            review_round=post.review_round,
            required_approvals=context.get("required_approvals", 1),
            approvals=[_user(a.user) for a in context.get("approvals", [])],
            permissions=access.as_dict(),
            transitions=access.transitions,
        )
        return data


class PostCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    body_json = serializers.JSONField(required=False, allow_null=True, help_text=_("The Tiptap/ProseMirror document."))
    body_html = serializers.CharField(required=False, allow_blank=True, help_text=_("HTML, used when no document."))
    excerpt = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=30)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    persona = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    trend = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    featured_media = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    assignee = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PostUpdateSerializer(PostCreateSerializer):
    title = serializers.CharField(max_length=300, required=False)
    version = serializers.IntegerField(min_value=1, help_text=_("The version you edited; a stale one gets 409."))


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    excerpt = serializers.CharField()
    author = UserBriefSerializer(allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, revision) -> dict:
        return {
            "number": revision.number,
            "title": revision.title,
            "excerpt": revision.excerpt,
            "author": _user(revision.author),
            "reason": revision.reason,
            "created_at": serializers.DateTimeField().to_representation(revision.created_at),
        }


class RevisionDetailSerializer(RevisionSerializer):
    body_json = serializers.JSONField()
    body_html = serializers.CharField()
    body_text = serializers.CharField()

    def to_representation(self, revision) -> dict:
        data = super().to_representation(revision)
        data.update(body_json=revision.body_json, body_html=revision.body_html, body_text=revision.body_text)
        return data


class DiffSerializer(serializers.Serializer):
    old = serializers.IntegerField()
    new = serializers.IntegerField()
    title_html = serializers.CharField()
    body_html = serializers.CharField(help_text=_("The text with <ins> and <del> marking the changes."))
    inserted_words = serializers.IntegerField()
    deleted_words = serializers.IntegerField()


class AnchorSerializer(serializers.Serializer):
    quote = serializers.CharField()
    start = serializers.IntegerField(allow_null=True)
    end = serializers.IntegerField(allow_null=True)
    lost = serializers.BooleanField()
    relative = serializers.JSONField(
        allow_null=True, help_text=_("The range in the live shared document (Yjs relative positions), if known.")
    )


def _anchor(item) -> dict | None:
    if not item.anchor_quote:
        return None
    return {
        "quote": item.anchor_quote,
        "start": item.anchor_start,
        "end": item.anchor_end,
        "lost": item.anchor_lost,
        "relative": item.anchor_relative,
    }


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    author = UserBriefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]  # a field, not Field.parent
    body = serializers.CharField()
    author = UserBriefSerializer(allow_null=True)
    anchor = AnchorSerializer(allow_null=True)
    resolved = serializers.BooleanField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = UserBriefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    replies = ReplySerializer(many=True)

    def to_representation(self, comment) -> dict:
        iso = serializers.DateTimeField().to_representation
        is_root = comment.parent_id is None
        return {
            "id": comment.pk,
            "parent": comment.parent_id,
            "body": comment.body,
            "author": _user(comment.author),
            "anchor": _anchor(comment) if is_root else None,
            "resolved": comment.resolved_at is not None,
            "resolved_at": iso(comment.resolved_at) if comment.resolved_at else None,
            "resolved_by": _user(comment.resolved_by) if comment.resolved_by_id else None,
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "replies": [
                {
                    "id": r.pk,
                    "body": r.body,
                    "author": _user(r.author),
                    "created_at": iso(r.created_at),
                    "updated_at": iso(r.updated_at),
                }
                for r in (comment.replies.all() if is_root else [])
            ],
        }


class RangeInputSerializer(serializers.Serializer):
    start = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    end = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    quote = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    prefix = serializers.CharField(required=False, allow_blank=True, max_length=200)
    suffix = serializers.CharField(required=False, allow_blank=True, max_length=200)
    relative = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=_('Where the range is in the live shared document: {"from": …, "to": …}, Yjs relative positions.'),
    )


class CommentCreateSerializer(RangeInputSerializer):
    body = serializers.CharField(max_length=10_000)


class CommentBodySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = UserBriefSerializer(allow_null=True)
    anchor = AnchorSerializer(allow_null=True)
    replacement = serializers.CharField()
    note = serializers.CharField()
    state = serializers.ChoiceField(choices=SuggestionState.choices)
    decided_by = UserBriefSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, suggestion) -> dict:
        iso = serializers.DateTimeField().to_representation
        return {
            "id": suggestion.pk,
            "author": _user(suggestion.author),
            "anchor": _anchor(suggestion),
            "replacement": suggestion.replacement,
            "note": suggestion.note,
            "state": suggestion.state,
            "decided_by": _user(suggestion.decided_by) if suggestion.decided_by_id else None,
            "decided_at": iso(suggestion.decided_at) if suggestion.decided_at else None,
            "created_at": iso(suggestion.created_at),
        }


class SuggestionCreateSerializer(RangeInputSerializer):
    replacement = serializers.CharField(allow_blank=True, max_length=10_000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class TransitionInputSerializer(NoteSerializer):
    publish_at = serializers.DateTimeField(required=False, allow_null=True, help_text=_("For schedule."))


class ShareSerializer(serializers.Serializer):
    user = UserBriefSerializer(allow_null=True, help_text=_("Null when shared by e-mail address."))
    level = serializers.ChoiceField(choices=ShareLevel.choices)
    email = serializers.EmailField(
        required=False, help_text=_("For a share by e-mail address: the address as typed (listed only).")
    )
    share_id = serializers.IntegerField(
        required=False, help_text=_("For a share by e-mail address: its id, to stop it (listed only).")
    )
    state = serializers.ChoiceField(
        choices=[("invited", "invited")],
        required=False,
        help_text=_("For a share by e-mail address: always “invited” (it does not tell whether it has an account)."),
    )

    def to_representation(self, entry) -> dict:
        out = {"user": _user(entry["user"]), "level": entry["level"]}
        if "email" in entry:
            out.update(email=entry["email"], share_id=entry["share_id"], state=entry["state"])
        return out


class ShareInputSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=254, help_text=_("Username or e-mail."))
    level = serializers.ChoiceField(choices=ShareLevel.choices)


class ImageSerializer(serializers.Serializer):
    """An image of the post, with the address its text uses for it."""

    id = serializers.IntegerField()
    src = serializers.CharField(help_text=_("The image's stable address, for an image node's src."))
    alt_text = serializers.CharField()
    mime_type = serializers.CharField()
    size = serializers.IntegerField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class ImageUploadSerializer(serializers.Serializer):
    # The file's own checks (size, kind, that it is an image) are the service's.
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    alt_text = serializers.CharField(max_length=500, allow_blank=True, trim_whitespace=True)


class SourceCardSerializer(serializers.Serializer):
    """A source item as a quote card shows it: the attributes of a sourceQuote node."""

    itemId = serializers.IntegerField()  # noqa: N815 (the node attribute's own name)
    url = serializers.CharField()
    title = serializers.CharField()
    # The metaclass takes declared fields off the class, so this does not shadow Field.source at run time.
    source = serializers.CharField()  # type: ignore[assignment]
    excerpt = serializers.CharField()
    published_at = serializers.DateTimeField()
