"""In Chromium: the rendered article with its meta tags, image, audio and JSON-LD; a reader's list view
and open counted for their headline; a publisher starting a headline test, reading its figures and
chart, and applying the winner."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from apps.site.models import ArticlePage, HeadlineTest, HeadlineVariant
from apps.site.services import site_publish_post
from tests.conftest import ARTIFACTS, browser_login

from .conftest import ALT, EXCERPT, TITLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def _run(fn, **kwargs):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, **kwargs).result()


def test_article_meta_and_ab_test_page(asgi_live_server, page, chromium, settings, post_with_media, members):
    settings.SITE_URL = asgi_live_server.url
    article = _run(
        site_publish_post,
        post_id=post_with_media.pk,
        title=post_with_media.title,
        excerpt=post_with_media.excerpt,
        body_html=post_with_media.body_html,
        tags=post_with_media.tags,
        author_name="Анна Петрова",
    )
    url = article.full_url
    assert url.startswith(asgi_live_server.url + "/newsroom/articles/")

    # The article as a reader sees it.
    page.goto(url)
    expect(page.locator("h1")).to_have_text(TITLES["ru"])
    assert page.locator('meta[property="og:title"]').get_attribute("content") == TITLES["ru"]
    assert page.locator('meta[property="og:url"]').get_attribute("content") == url
    assert page.locator('meta[property="og:description"]').get_attribute("content") == EXCERPT
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == "summary_large_image"
    assert page.locator('meta[property="og:image:alt"]').get_attribute("content") == ALT
    image = page.locator("figure.featured img")
    expect(image).to_have_attribute("alt", ALT)
    # (media files are served by the storage or the front server, not by this test server)
    assert image.get_attribute("src") == page.locator('meta[property="og:image"]').get_attribute("content")
    expect(page.locator("audio[controls]")).to_have_count(1)
    expect(page.locator("p.excerpt")).to_have_text(EXCERPT)
    ld = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert ld["@type"] == "NewsArticle" and ld["headline"] == TITLES["ru"] and ld["image"][0]["caption"] == ALT
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site_article.png"), full_page=True)

    # A publisher starts a headline test from the site page.
    browser_login(page, asgi_live_server.url, "publisher")
    page.goto(f"{asgi_live_server.url}/app/site/")
    expect(page.locator("h1")).to_have_text("Public site")
    page.get_by_role("link", name="Test headlines").click()
    page.fill("#headline-0", TITLES["zh"])
    page.fill("#headline-1", TITLES["mix"])
    page.select_option("#confidence", "0.95")
    page.fill("#min_impressions", "3")
    page.get_by_role("button", name="Start the test").click()
    expect(page.locator(".verdict")).to_contain_text("No views yet")
    test = HeadlineTest.objects.get(page=article)
    variants = list(test.variants.order_by("position"))
    assert [v.headline for v in variants] == [TITLES["ru"], TITLES["zh"], TITLES["mix"]]

    # A reader (a real browser's User-Agent) views the list and opens the article from it.
    reader_context = chromium.new_context(user_agent=CHROME)
    reader = reader_context.new_page()
    reader.goto(f"{asgi_live_server.url}/newsroom/articles/")
    teaser = reader.locator("article.teaser h3 a").first
    shown = teaser.text_content()
    assert shown in {v.headline for v in variants}
    teaser.click()
    expect(reader.locator("h1")).to_have_text(shown)
    cookie = next(c for c in reader_context.cookies() if c["name"] == "tv_id")
    assert cookie["httpOnly"] and len(cookie["value"]) == 32
    reader_context.close()
    counted = HeadlineVariant.objects.get(test=test, headline=shown)
    assert (counted.impressions, counted.clicks) == (1, 1)

    # Figures come in; the page shows them, the chart and the confidence; the publisher applies the leader.
    for variant, (views, opens) in zip(variants, [(400, 20), (400, 60), (400, 22)], strict=True):
        HeadlineVariant.objects.filter(pk=variant.pk).update(impressions=views, clicks=opens)
    page.reload()
    expect(page.locator(".verdict")).to_contain_text("leads with confidence")
    expect(page.locator("svg.ab-chart")).to_be_visible()
    expect(page.locator("tr.leader")).to_contain_text(TITLES["zh"])
    confidence = float(page.locator("[data-testid=confidence]").text_content())
    assert confidence > 0.95
    page.screenshot(path=str(ARTIFACTS / "site_ab_test.png"), full_page=True)
    page.get_by_role("button", name="Apply the leader now").click()
    expect(page.locator(".verdict")).to_contain_text("won and is now the article's title")
    assert ArticlePage.objects.get(pk=article.pk).title == TITLES["zh"]
    page.goto(url)
    expect(page.locator("h1")).to_have_text(TITLES["zh"])
