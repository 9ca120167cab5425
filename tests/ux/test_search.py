"""Search across posts: PostgreSQL full-text in each post's language (stems, websearch syntax), a
substring match on both databases (SQLite: the substring match alone)."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.posts import selectors, services
from tests.posts.conftest import doc_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(workspace, writer):
    def make(title, text, language="en"):
        return services.post_create(
            workspace=workspace, user=writer, title=title, body_json=doc_of(text), language=language
        )

    return {
        "en": make("Scheduling across platforms", "We published three explainers this week."),
        "ru": make("Новости редакции", "Мы опубликовали статьи о выборах.", "ru"),
        "cjk": make("数据新闻 📊", "表格和图表 with café́ combining marks"),
        "other": make("Unrelated", "Nothing to see."),
    }


def _titles(writer, workspace, search):
    return {p.title for p in selectors.posts_for_user(user=writer, workspace=workspace, filters={"search": search})}


def test_substring_search_on_every_database(posts, writer, workspace):
    assert _titles(writer, workspace, "platforms") == {"Scheduling across platforms"}
    assert _titles(writer, workspace, "数据") == {"数据新闻 📊"}
    assert _titles(writer, workspace, "редакц") == {"Новости редакции"}
    assert _titles(writer, workspace, "no such words anywhere") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")
def test_full_text_search_stems_in_the_posts_language(posts, writer, workspace):
    # "publishing" shares the English stem of "published"; "статья" the Russian stem of "статьи".
    assert _titles(writer, workspace, "publishing") == {"Scheduling across platforms"}
    assert _titles(writer, workspace, "статья") == {"Новости редакции"}
    assert _titles(writer, workspace, "explainer -platforms") == set()
    assert _titles(writer, workspace, '"three explainers"') == {"Scheduling across platforms"}
