"""factory_boy factories shared by every app's tests."""

import factory
from allauth.account.models import EmailAddress

from apps.accounts.models import Membership, User, Workspace
from apps.accounts.roles import Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.WRITER


def doc_of(*paragraphs: str) -> dict:
    """An editor document of plain paragraphs."""
    return {
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs if p]
        or [{"type": "paragraph"}],
    }


def make_post(
    *,
    workspace,
    user,
    title: str = "A post",
    text: str | tuple[str, ...] = "",
    body_html: str | None = None,
    state=None,
    published_at=None,
    **kwargs,
):
    """A post made the way people make them, through apps.posts.services.post_create (revision 1, the
    body rendered, the audit entry); `state` then puts it straight into a workflow state, as a fixture
    that skips the reviews (with `published_at` for a published one). The body is `text` (one or several paragraphs) or, for marks and markup,
    `body_html` (cleaned into the editor document as a paste would be)."""
    from apps.posts.models import Post
    from apps.posts.services import post_create

    paragraphs = (text,) if isinstance(text, str) else text
    body = {"body_html": body_html} if body_html is not None else {"body_json": doc_of(*paragraphs)}
    post = post_create(workspace=workspace, user=user, title=title, **body, **kwargs)
    if state is not None and state != post.state:
        Post.objects.filter(pk=post.pk).update(state=state, published_at=published_at)
        post.refresh_from_db()
    return post
