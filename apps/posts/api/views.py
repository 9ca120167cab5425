"""The posts API: thin views that parse input, call one service or selector, and shape the output."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.selectors import membership_for_request
from apps.core.api.pagination import PageNumberPagination
from apps.core.api.schema import errors
from apps.core.errors import InvalidInput, NotFound
from apps.personas.models import Persona
from apps.trends.models import Trend

from .. import selectors, services
from ..access import post_access
from ..models import MediaAsset, PostState, SuggestionState
from ..services.media import post_image_upload
from ..transitions import TRANSITIONS
from . import serializers as s


def path_id(name: str) -> OpenApiParameter:
    # Positive only: the URL patterns take digits, anything else never reaches these views.
    return OpenApiParameter(name, {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)


POST_ID = path_id("post_id")
LIST_FILTERS = [
    OpenApiParameter("state", OpenApiTypes.STR, description="One state or several separated by commas.",
                     enum=None),
    OpenApiParameter("assignee", OpenApiTypes.STR, description='A user id, "me" or "none".'),
    OpenApiParameter("author", OpenApiTypes.STR, description='A user id or "me".'),
    OpenApiParameter("persona", OpenApiTypes.INT),
    OpenApiParameter("trend", OpenApiTypes.INT),
    OpenApiParameter("tag", OpenApiTypes.STR),
    OpenApiParameter("search", OpenApiTypes.STR, description="Words in the title or text."),
]  # fmt: skip


class PostsAPIView(GenericAPIView):
    filter_backends: list = []
    pagination_class: type[PageNumberPagination] | None = PageNumberPagination

    def post_or_404(self, post_id):
        return selectors.post_for_user(user=self.request.user, pk=post_id)

    def detail_response(self, post, status_code=status.HTTP_200_OK, *, reload: bool = True) -> Response:
        if reload:  # after a write: the related rows and the access may have changed
            post = selectors.post_for_user(user=self.request.user, pk=post.pk)
        context = {
            "access": post_access(user=self.request.user, post=post),
            "required_approvals": services.required_approvals_for(workspace_id=post.workspace_id),
            "approvals": selectors.approvals_for_round(post=post),
        }
        return Response(s.PostDetailSerializer(post, context=context).data, status=status_code)

    def paginated(self, queryset, serializer_class) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


def _related(workspace_id: int, data: dict, *, post=None, user=None) -> dict:
    """Turn ids into objects of the post's workspace (anything else is "not found")."""
    out: dict[str, Any] = {}
    models = {"persona": Persona, "trend": Trend, "featured_media": MediaAsset}
    for name, model in models.items():
        if name in data:
            value = data[name]
            obj = model.objects.filter(workspace_id=workspace_id, pk=value).first() if value else None
            if value and obj is None:
                raise InvalidInput({name: [_("Not found in this workspace.")]})
            out[name] = obj
    if "assignee" in data:
        value = data["assignee"]
        if post is not None and user is not None:
            # A guest editor learns nothing about member ids: one Forbidden for every id.
            services.check_assignee_change(post=post, user=user, assignee_id=value or None)
        assignee = (
            get_user_model().objects.filter(pk=value, memberships__workspace_id=workspace_id).first() if value else None
        )
        if value and assignee is None:
            raise InvalidInput({"assignee": [_("The assignee must be a member of this workspace.")]})
        out["assignee"] = assignee
    return out


class PostListView(PostsAPIView):
    @extend_schema(
        parameters=LIST_FILTERS, responses=errors(s.PostListSerializer(many=True)), operation_id="posts_list"
    )
    def get(self, request):
        membership = membership_for_request(request)
        queryset = selectors.posts_for_user(
            user=request.user, workspace=membership.workspace, filters=request.query_params, membership=membership
        )
        return self.paginated(queryset, s.PostListSerializer)

    @extend_schema(
        request=s.PostCreateSerializer, responses=errors({201: s.PostDetailSerializer}), operation_id="posts_create"
    )
    def post(self, request):
        workspace = membership_for_request(request).workspace
        data = s.PostCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.update(_related(workspace.pk, values))
        post = services.post_create(workspace=workspace, user=request.user, **values)
        return self.detail_response(post, status.HTTP_201_CREATED)


class PostDetailView(PostsAPIView):
    @extend_schema(parameters=[POST_ID], responses=errors(s.PostDetailSerializer), operation_id="posts_retrieve")
    def get(self, request, post_id):
        return self.detail_response(self.post_or_404(post_id), reload=False)

    @extend_schema(
        parameters=[POST_ID],
        request=s.PostUpdateSerializer,
        responses=errors(s.PostDetailSerializer),
        operation_id="posts_partial_update",
        description=_("Save changes. Send the version you edited; if someone saved since, the answer is 409."),
    )
    def patch(self, request, post_id):
        post = self.post_or_404(post_id)
        data = s.PostUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        values.update(_related(post.workspace_id, values, post=post, user=request.user))
        post = services.post_update(post=post, user=request.user, expected_version=version, **values)
        return self.detail_response(post)


class RevisionListView(PostsAPIView):
    @extend_schema(
        parameters=[POST_ID], responses=errors(s.RevisionSerializer(many=True)), operation_id="posts_revisions_list"
    )
    def get(self, request, post_id):
        post = self.post_or_404(post_id)
        return self.paginated(selectors.revisions_for_post(post=post), s.RevisionSerializer)


class RevisionDetailView(PostsAPIView):
    @extend_schema(
        parameters=[POST_ID, path_id("number")],
        responses=errors(s.RevisionDetailSerializer),
        operation_id="posts_revisions_retrieve",
    )
    def get(self, request, post_id, number):
        post = self.post_or_404(post_id)
        return Response(s.RevisionDetailSerializer(selectors.revision_for_post(post=post, number=number)).data)


class RevisionRestoreView(PostsAPIView):
    @extend_schema(
        parameters=[POST_ID, path_id("number")],
        request=None,
        responses=errors({201: s.RevisionSerializer}),
        operation_id="posts_revisions_restore",
    )
    def post(self, request, post_id, number):
        post = self.post_or_404(post_id)
        revision = selectors.revision_for_post(post=post, number=number)
        created = services.revision_restore(post=post, user=request.user, revision=revision)
        return Response(s.RevisionSerializer(created).data, status=status.HTTP_201_CREATED)


class DiffView(PostsAPIView):
    @extend_schema(
        parameters=[
            POST_ID,
            OpenApiParameter("from", OpenApiTypes.INT, required=True, description="Older revision number."),
            OpenApiParameter("to", OpenApiTypes.INT, required=True, description="Newer revision number."),
        ],
        responses=errors(s.DiffSerializer),
        operation_id="posts_diff",
    )
    def get(self, request, post_id):
        post = self.post_or_404(post_id)
        old, new = request.query_params.get("from"), request.query_params.get("to")
        if not (old and new):
            raise InvalidInput({"from": [_("Give two revision numbers: ?from=1&to=2.")]})
        diff = selectors.revision_diff(post=post, old=old, new=new)
        return Response(
            {
                "old": diff.old.number,
                "new": diff.new.number,
                "title_html": diff.title.html,
                "body_html": diff.body.html,
                "inserted_words": diff.body.inserted_words + diff.title.inserted_words,
                "deleted_words": diff.body.deleted_words + diff.title.deleted_words,
            }
        )


class CommentListView(PostsAPIView):
    @extend_schema(
        parameters=[POST_ID, OpenApiParameter("resolved", OpenApiTypes.BOOL, description="false: open only.")],
        responses=errors(s.CommentSerializer(many=True)),
        operation_id="posts_comments_list",
    )
    def get(self, request, post_id):
        post = self.post_or_404(post_id)
        include_resolved = request.query_params.get("resolved", "true").lower() not in ("false", "0", "no")
        return self.paginated(
            selectors.comment_threads(post=post, include_resolved=include_resolved), s.CommentSerializer
        )

    @extend_schema(
        parameters=[POST_ID],
        request=s.CommentCreateSerializer,
        responses=errors({201: s.CommentSerializer}),
        operation_id="posts_comments_create",
        description=_("Open a thread on a range of the text: give start/end offsets into body_text or the quote."),
    )
    def post(self, request, post_id):
        post = self.post_or_404(post_id)
        data = s.CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(post=post, user=request.user, **data.validated_data)
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


COMMENT_PARAMS = [POST_ID, path_id("comment_id")]


class CommentDetailView(PostsAPIView):
    @extend_schema(
        parameters=COMMENT_PARAMS,
        request=s.CommentBodySerializer,
        responses=errors(s.CommentSerializer),
        operation_id="posts_comments_update",
    )
    def patch(self, request, post_id, comment_id):
        post = self.post_or_404(post_id)
        comment = selectors.comment_for_user(user=request.user, post=post, pk=comment_id)
        data = s.CommentBodySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_update(comment=comment, user=request.user, body=data.validated_data["body"])
        return Response(s.CommentSerializer(comment).data)

    @extend_schema(parameters=COMMENT_PARAMS, responses=errors({204: None}), operation_id="posts_comments_destroy")
    def delete(self, request, post_id, comment_id):
        post = self.post_or_404(post_id)
        comment = selectors.comment_for_user(user=request.user, post=post, pk=comment_id)
        services.comment_delete(comment=comment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentReplyView(PostsAPIView):
    @extend_schema(
        parameters=COMMENT_PARAMS,
        request=s.CommentBodySerializer,
        responses=errors({201: s.CommentSerializer}),
        operation_id="posts_comments_reply",
    )
    def post(self, request, post_id, comment_id):
        post = self.post_or_404(post_id)
        thread = selectors.comment_for_user(user=request.user, post=post, pk=comment_id)
        data = s.CommentBodySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.comment_reply(thread=thread, user=request.user, body=data.validated_data["body"])
        return Response(s.CommentSerializer(reply).data, status=status.HTTP_201_CREATED)


class CommentStateView(PostsAPIView):
    action_name = "resolve"

    def post(self, request, post_id, comment_id):
        post = self.post_or_404(post_id)
        comment = selectors.comment_for_user(user=request.user, post=post, pk=comment_id)
        service = services.comment_resolve if self.action_name == "resolve" else services.comment_reopen
        thread = service(comment=comment, user=request.user)
        thread = selectors.comment_threads(post=post).get(pk=thread.pk)
        return Response(s.CommentSerializer(thread).data)


class CommentResolveView(CommentStateView):
    action_name = "resolve"

    @extend_schema(
        parameters=COMMENT_PARAMS,
        request=None,
        responses=errors(s.CommentSerializer),
        operation_id="posts_comments_resolve",
    )
    def post(self, request, post_id, comment_id):
        return super().post(request, post_id, comment_id)


class CommentReopenView(CommentStateView):
    action_name = "reopen"

    @extend_schema(
        parameters=COMMENT_PARAMS,
        request=None,
        responses=errors(s.CommentSerializer),
        operation_id="posts_comments_reopen",
    )
    def post(self, request, post_id, comment_id):
        return super().post(request, post_id, comment_id)


class SuggestionListView(PostsAPIView):
    @extend_schema(
        parameters=[POST_ID, OpenApiParameter("state", OpenApiTypes.STR, enum=SuggestionState.values)],
        responses=errors(s.SuggestionSerializer(many=True)),
        operation_id="posts_suggestions_list",
    )
    def get(self, request, post_id):
        post = self.post_or_404(post_id)
        queryset = selectors.suggestions_for_post(post=post, state=request.query_params.get("state"))
        return self.paginated(queryset, s.SuggestionSerializer)

    @extend_schema(
        parameters=[POST_ID],
        request=s.SuggestionCreateSerializer,
        responses=errors({201: s.SuggestionSerializer}),
        operation_id="posts_suggestions_create",
    )
    def post(self, request, post_id):
        post = self.post_or_404(post_id)
        data = s.SuggestionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = services.suggestion_create(post=post, user=request.user, **data.validated_data)
        return Response(s.SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)


SUGGESTION_PARAMS = [POST_ID, path_id("suggestion_id")]


class SuggestionAcceptView(PostsAPIView):
    @extend_schema(
        parameters=SUGGESTION_PARAMS,
        request=None,
        responses=errors(s.SuggestionSerializer),
        operation_id="posts_suggestions_accept",
    )
    def post(self, request, post_id, suggestion_id):
        post = self.post_or_404(post_id)
        suggestion = selectors.suggestion_for_user(user=request.user, post=post, pk=suggestion_id)
        return Response(
            s.SuggestionSerializer(services.suggestion_accept(suggestion=suggestion, user=request.user)).data
        )


class SuggestionRejectView(PostsAPIView):
    @extend_schema(
        parameters=SUGGESTION_PARAMS,
        request=s.NoteSerializer,
        responses=errors(s.SuggestionSerializer),
        operation_id="posts_suggestions_reject",
    )
    def post(self, request, post_id, suggestion_id):
        post = self.post_or_404(post_id)
        suggestion = selectors.suggestion_for_user(user=request.user, post=post, pk=suggestion_id)
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.suggestion_reject(suggestion=suggestion, user=request.user, **data.validated_data)
        return Response(s.SuggestionSerializer(result).data)


class TransitionView(PostsAPIView):
    @extend_schema(
        parameters=[
            POST_ID,
            OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(TRANSITIONS)),
        ],
        request=s.TransitionInputSerializer,
        responses=errors(s.PostDetailSerializer),
        operation_id="posts_transition",
        description=_(
            "Move the post through the workflow. 403 with a message when your role may not; 409 when the "
            "post's state does not allow it. schedule needs publish_at."
        ),
    )
    def post(self, request, post_id, action):
        post = self.post_or_404(post_id)
        if action not in TRANSITIONS:
            raise NotFound(_("Unknown workflow action."))
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if v is not None}
        post = services.post_transition(post=post, user=request.user, action=action, **values)
        return self.detail_response(post)


class ShareListView(PostsAPIView):
    pagination_class = None  # a post is shared with a handful of people

    @extend_schema(
        parameters=[POST_ID], responses=errors(s.ShareSerializer(many=True)), operation_id="posts_shares_list"
    )
    def get(self, request, post_id):
        post = self.post_or_404(post_id)
        return Response(s.ShareSerializer(selectors.post_shares(post=post), many=True).data)

    @extend_schema(
        parameters=[POST_ID],
        request=s.ShareInputSerializer,
        responses=errors({201: s.ShareSerializer}),
        operation_id="posts_shares_create",
    )
    def post(self, request, post_id):
        post = self.post_or_404(post_id)
        data = s.ShareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        level = data.validated_data["level"]
        # By e-mail address the answer is the same whether or not it has an account (user: null).
        target = services.post_share_by_login(
            post=post, user=request.user, login=data.validated_data["user"], level=level
        )
        return Response(s.ShareSerializer({"user": target, "level": level}).data, status=status.HTTP_201_CREATED)


class ShareDetailView(PostsAPIView):
    @extend_schema(
        parameters=[POST_ID, path_id("user_id")],
        responses=errors({204: None}),
        operation_id="posts_shares_destroy",
    )
    def delete(self, request, post_id, user_id):
        post = self.post_or_404(post_id)
        target = get_user_model().objects.filter(pk=user_id).first()
        if target is None:
            raise NotFound(_("Unknown user."))
        services.post_unshare(post=post, user=request.user, target_user=target)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailShareDetailView(PostsAPIView):
    @extend_schema(
        parameters=[POST_ID, path_id("share_id")],
        responses=errors({204: None}),
        operation_id="posts_email_shares_destroy",
    )
    def delete(self, request, post_id, share_id):
        post = self.post_or_404(post_id)
        services.email_share_remove(post=post, user=request.user, share_id=share_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


STATES = PostState.values


def _image_out(asset: MediaAsset) -> dict[str, Any]:
    data = asset.data or {}
    return {
        "id": asset.pk,
        "src": selectors.media_asset_path(asset=asset),
        "alt_text": asset.alt_text,
        "mime_type": asset.mime_type,
        "size": asset.size,
        "width": data.get("width"),
        "height": data.get("height"),
        "created_at": asset.created_at,
    }


class PostImageListView(PostsAPIView):
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = None

    @extend_schema(
        parameters=[POST_ID], responses=errors(s.ImageSerializer(many=True)), operation_id="posts_images_list"
    )
    def get(self, request, post_id):
        post = self.post_or_404(post_id)
        return Response([_image_out(asset) for asset in selectors.post_images(user=request.user, post=post)])

    @extend_schema(
        parameters=[POST_ID],
        request={"multipart/form-data": s.ImageUploadSerializer},
        responses=errors({201: s.ImageSerializer}, conflict=False),
        operation_id="posts_images_upload",
        description=_("Upload an image for the post's text (JPEG, PNG, GIF or WebP, with its alt text)."),
    )
    def post(self, request, post_id):
        post = self.post_or_404(post_id)
        data = s.ImageUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asset = post_image_upload(
            post=post, user=request.user, upload=data.validated_data["file"], alt_text=data.validated_data["alt_text"]
        )
        return Response(_image_out(asset), status=status.HTTP_201_CREATED)


class PostSourceItemListView(PostsAPIView):
    pagination_class = None

    @extend_schema(
        parameters=[POST_ID, OpenApiParameter("q", OpenApiTypes.STR, description="Words in the item's title or text.")],
        responses=errors(s.SourceCardSerializer(many=True), conflict=False),
        operation_id="posts_source_items_list",
    )
    def get(self, request, post_id):
        post = self.post_or_404(post_id)
        items = selectors.post_source_items(user=request.user, post=post, q=request.query_params.get("q", ""))
        return Response(
            [{**selectors.source_item_card(item=item), "published_at": item.published_at} for item in items]
        )
