"""Fixtures for the posts tests: a post by the writer, with a few words of text."""

from __future__ import annotations

import pytest

from ..factories import doc_of  # noqa: F401 - the posts tests import it from here
from ..factories import make_post as _make_post

TEXT = "The quick brown fox jumps over the lazy dog. Editors love clear sentences."


@pytest.fixture
def make_post(workspace, writer):
    def make(*, user=None, title="A post", text=TEXT, **kwargs):
        return _make_post(workspace=workspace, user=user or writer, title=title, text=text, **kwargs)

    return make


@pytest.fixture
def post(make_post):
    return make_post()
