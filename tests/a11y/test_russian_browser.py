"""Every page of the editorial app in Russian shows no string of the English catalogue untranslated.

Logged in with Russian active, the walk (tests/a11y/walk.py) visits every page the axe walk visits plus
a post's, a source's, a trend's, a persona's and a channel's page. On each it collects what a reader
sees: the lines of document.body.innerText, each visible text node, and the title, aria-label and
placeholder attributes. A string that equals a msgid of locale/ru/LC_MESSAGES/django.po or
djangojs.po whose Russian (the msgstr gettext would use: none when empty or fuzzy) differs from it is
shown untranslated, and the test fails on it."""

from __future__ import annotations

import json
import re

import polib
import pytest

from apps.accounts.demo import DEFAULT_PASSWORD
from apps.personas.models import Persona
from apps.posts.models import Post
from apps.publishing.models import Channel
from apps.sources.models import Source
from apps.trends.models import Trend
from tests.conftest import ARTIFACTS, browser_login
from tests.ux.demo import seed_demo

from .walk import ROOT, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATALOGUES = [ROOT / "locale" / "ru" / "LC_MESSAGES" / f"{domain}.po" for domain in ("django", "djangojs")]
HAS_LETTERS = re.compile(r"[^\W\d_]{2,}")
VISIBLE_STRINGS = """() => {
    // Text marked as another language (lang="en": a language's own name, an English trend's keywords)
    // is meant to be as it is.
    const page = document.documentElement.lang;
    const inPageLanguage = (el) => (el.closest("[lang]")?.lang || page) === page;
    // Taken out for the moment innerText is read (a select's innerText lists all its options, hidden or not).
    const foreign = [...document.body.querySelectorAll("[lang]")].filter(
        (el) => el.lang !== page && inPageLanguage(el.parentElement));
    const marks = foreign.map((el) => { const mark = document.createComment(""); el.replaceWith(mark); return [mark, el]; });
    const out = new Set(document.body.innerText.split("\\n"));
    marks.forEach(([mark, el]) => mark.replaceWith(el));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest("script, style, template, noscript")) continue;
        if (parent.checkVisibility && !parent.checkVisibility({checkVisibilityCSS: true})) continue;
        if (!inPageLanguage(parent)) continue;
        out.add(node.textContent);
    }
    for (const el of document.querySelectorAll("[title], [aria-label], [placeholder]")) {
        if (!inPageLanguage(el)) continue;
        for (const name of ["title", "aria-label", "placeholder"]) {
            if (el.hasAttribute(name)) out.add(el.getAttribute(name));
        }
    }
    out.add(document.title);
    return [...out].map(s => s.replace(/\\s+/g, " ").trim()).filter(Boolean);
}"""


def untranslated_msgids() -> dict[str, str]:
    """{English string: where it is declared} for every msgid (and plural) that Russian readers would
    see in English: no msgstr, a fuzzy one, or one that is the English text although it should not be."""
    out: dict[str, str] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            forms = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
            translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if entry.fuzzy or not all(translations):
                translations = []
            for text in forms:
                if not HAS_LETTERS.search(text) or text in translations:
                    continue
                out.setdefault(" ".join(text.split()), f"{path.name}: {entry.occurrences[:1]}")
    return out


@pytest.fixture
def demo(asgi_live_server):
    seed_demo()
    return asgi_live_server.url


def _detail_pages() -> tuple[str, ...]:
    pages = []
    for model, pattern in (
        (Post, "/app/posts/{}/"),
        (Source, "/app/sources/{}/"),
        (Trend, "/app/trends/{}/"),
        (Persona, "/app/personas/{}/"),
        (Channel, "/app/publishing/channels/{}/"),
    ):
        first = model.objects.order_by("pk").values_list("pk", flat=True).first()
        assert first is not None, f"the demo has no {model.__name__}"
        pages.append(pattern.format(first))
    return tuple(pages)


def test_every_page_in_russian_is_translated(demo, chromium):
    english = untranslated_msgids()
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "ru", "url": demo}])
    page = context.new_page()
    page.set_default_timeout(20000)

    def check(page) -> list:
        return sorted({text for text in page.evaluate(VISIBLE_STRINGS) if text in english})

    try:
        browser_login(page, demo, "admin", DEFAULT_PASSWORD)
        visited, failures = walk(page, demo, "ru-untranslated", check=check, start=_detail_pages())
    finally:
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ru-untranslated.json").write_text(
        json.dumps({"visited": visited, "failures": failures}, ensure_ascii=False, indent=1)
    )
    assert len(visited) >= 25, visited
    for detail in _detail_pages():
        assert detail in visited
    assert not failures, json.dumps(
        {path: {text: english[text] for text in found} for path, found in failures.items()},
        ensure_ascii=False,
        indent=1,
    )
