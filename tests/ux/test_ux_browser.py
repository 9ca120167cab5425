"""Issue 19 in Chromium: layouts that hold (long words, a phone, the board, a dark theme), feedback
after each transition and refusal, the keyboard (skip link, board moves, editor shortcuts), the audit
log in words in the reader's language, and a favicon. Screenshots at 390 and 1366 px go to
test-artifacts/ux-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.accounts.demo import DEFAULT_PASSWORD
from apps.accounts.models import Workspace
from apps.accounts.roles import Role
from apps.core.services import audit_log
from apps.posts import services
from apps.posts.models import Post, PostState
from apps.trends.models import Trend
from tests.conftest import ARTIFACTS, browser_login
from tests.ux.demo import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "Ж" * 150 + "x" * 150  # 300 characters, no break opportunity
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def demo(asgi_live_server):
    """The demo workspace, plus a draft with a 300-character unbroken title and an audit entry."""
    seed_demo()
    workspace = Workspace.objects.get(slug="demo")
    writer = workspace.memberships.get(role=Role.WRITER).user
    long_post = services.post_create(workspace=workspace, user=writer, title=LONG_TITLE)
    draft = services.post_create(workspace=workspace, user=writer, title="Keyboard move 键盘 ✍️")
    audit_log(actor=writer, action="post.request_changes", workspace=workspace, target=long_post, data={"from": "x"})
    return {"url": asgi_live_server.url, "long": long_post, "draft": draft, "workspace": workspace}


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def _login(page, base, role="writer"):
    browser_login(page, base, role, DEFAULT_PASSWORD)


def test_long_titles_wrap_and_pages_fit_a_phone_and_a_desktop(demo, page):
    base, long_post = demo["url"], demo["long"]
    _login(page, base)
    pages = {
        "dashboard": "/app/",
        "posts": "/app/posts/",
        "post": f"/app/posts/{long_post.pk}/",
        "board": "/app/posts/board/",
        "audit": "/app/audit/",
        "sources": "/app/sources/",
        "trends": "/app/trends/",
        "shortcuts": "/app/shortcuts/",
    }
    for size_name, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        for name, path in pages.items():
            page.goto(base + path)
            page.screenshot(path=str(ARTIFACTS / f"ux-{name}-{size_name}.png"), full_page=True)
            assert _fits(page), f"{name} at {size_name} px scrolls sideways"
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/app/posts/{long_post.pk}/")
    heading = page.locator("#post-title-heading").bounding_box()
    assert heading["width"] <= DESKTOP["width"]
    assert page.locator("#post-title-heading").evaluate("el => el.scrollWidth <= el.clientWidth + 1")


def test_title_limit_is_visible_as_you_type(demo, page):
    base = demo["url"]
    _login(page, base)
    page.goto(f"{base}/app/posts/new/")
    title = page.locator("#id_title")
    # Counted as the browser's maxlength counts (UTF-16 units: the emoji and its skin tone are 4).
    title.fill("Привет 👋🏽")
    expect(page.locator("#id_title-count")).to_have_text("11 / 300 characters")
    title.fill("y" * 300)
    expect(page.locator("#id_title-count")).to_have_class("char-count full")
    page.goto(f"{base}/app/posts/{demo['draft'].pk}/")
    expect(page.locator("#post-title-count")).to_contain_text("/ 300 characters")


def test_board_fits_explains_refusals_and_moves_from_the_keyboard(demo, page):
    base, draft = demo["url"], demo["draft"]
    _login(page, base)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/app/posts/board/")
    assert _fits(page), "the board must scroll inside its frame, not the page"
    scroller = page.locator("#board-scroll")
    if scroller.evaluate("el => el.scrollWidth > el.clientWidth"):
        expect(page.locator("#board-scroll-hint")).to_be_visible()
        expect(page.locator("#board-frame")).to_have_class("board-frame more-right")
    # A column collapses from its header button (and stays collapsed after a reload).
    archived = page.locator('.board-column[data-state="archived"]')
    archived.locator(".column-toggle").click()
    expect(archived).to_have_class("board-column collapsed")
    page.reload()
    expect(page.locator('.board-column[data-state="archived"]')).to_have_class("board-column collapsed")
    page.screenshot(path=str(ARTIFACTS / "ux-board-collapsed-1366.png"), full_page=True)

    # Draft → Published is no workflow step: the board says so, and where a draft can go.
    card = page.locator(f'.board-card[data-post-id="{draft.pk}"]')
    card.drag_to(page.locator('.board-column[data-state="published"]'))
    status = page.locator("#board-status")
    expect(status).to_contain_text("from Draft straight to Published")
    expect(status).to_contain_text("In review")
    expect(status).to_have_class("board-status error")

    # The keyboard: Alt+→ on a focused card moves it to the next column (Draft → In review).
    card.locator("a").focus()
    page.keyboard.press("Alt+ArrowRight")
    expect(page.locator('.board-column[data-state="in_review"]')).to_contain_text("Keyboard move")
    expect(status).to_contain_text("moved to In review")
    assert Post.objects.get(pk=draft.pk).state == PostState.IN_REVIEW
    # The next column is Changes requested, which a writer may not ask for: the server's reason shows.
    page.locator(f'.board-card[data-post-id="{draft.pk}"] a').focus()
    page.keyboard.press("Alt+ArrowRight")
    expect(status).to_contain_text("was not moved")
    expect(status).to_contain_text("Only editors and admins can request changes")
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / "ux-board-refusal-390.png"), full_page=True)
    assert _fits(page)


def test_the_boards_trend_filter_is_a_searchable_picker(demo, page):
    base = demo["url"]
    trend = Trend.objects.filter(workspace=demo["workspace"]).order_by("id").last()
    assert trend is not None
    _login(page, base)
    page.goto(f"{base}/app/posts/board/")
    picker = page.locator("#f-trend-search")
    expect(picker).to_be_visible()
    expect(page.locator("#f-trend")).to_be_hidden()
    picker.fill(trend.title[:12])
    option = page.locator("#f-trend-options li", has_text=trend.title[:12]).first
    expect(option).to_be_visible()
    picker.press("ArrowDown")
    picker.press("Enter")
    assert page.locator("#f-trend").input_value() == str(trend.pk)
    picker.fill("no such trend at all ∅")
    expect(page.locator("#f-trend-options")).to_contain_text("No match")


def test_workflow_transitions_say_what_happened(demo, page):
    base, draft = demo["url"], demo["draft"]
    _login(page, base)
    page.goto(f"{base}/app/posts/{draft.pk}/")
    page.click('button[data-transition="submit"]')
    expect(page.locator(".messages .message.success")).to_contain_text("Done: the post is now In review.")
    assert Post.objects.get(pk=draft.pk).state == PostState.IN_REVIEW


def test_keyboard_skip_link_focus_and_current_page(demo, page):
    base = demo["url"]
    _login(page, base)
    page.goto(f"{base}/app/posts/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the skip link shows when focused"
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    expect(page.locator('.sidebar a[aria-current="page"]')).to_have_text("Posts")
    expect(page.locator('.posts-subnav a[aria-current="page"]')).to_have_text("List")


def test_editor_shortcuts_save_and_comment(demo, page):
    base, draft = demo["url"], demo["draft"]
    _login(page, base)
    page.goto(f"{base}/app/posts/{draft.pk}/")
    surface = page.locator("#editor .ProseMirror")
    expect(surface).to_have_attribute("contenteditable", "true")  # the live document has synced
    surface.click()
    page.keyboard.type("Ünïcødé حرف text")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).not_to_have_text("Version 1")
    page.keyboard.press("Control+Alt+m")
    expect(page.locator("#comment-body")).to_be_focused()
    page.goto(f"{base}/app/shortcuts/")
    for words in ("Ctrl", "Alt", "Bold", "Italic", "Submit the post for review", "next column"):
        expect(page.locator("main")).to_contain_text(words)


def test_dark_theme_follows_the_system(demo, chromium):
    context = chromium.new_context(viewport=DESKTOP, color_scheme="dark")
    page = context.new_page()
    try:
        _login(page, demo["url"])
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 21, 28)", background
        page.goto(f"{demo['url']}/app/posts/board/")
        page.screenshot(path=str(ARTIFACTS / "ux-board-dark-1366.png"), full_page=True)
        page.goto(f"{demo['url']}/app/posts/{demo['draft'].pk}/")
        page.screenshot(path=str(ARTIFACTS / "ux-post-dark-1366.png"), full_page=True)
    finally:
        context.close()


def test_favicon_and_no_404_on_pages(demo, page):
    base = demo["url"]
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    _login(page, base)
    for path in ("/app/", "/app/posts/", "/"):
        page.goto(base + path)
    response = page.request.get(f"{base}/favicon.ico")
    assert response.status == 200 and "svg" in response.headers["content-type"]
    assert not missing, missing


def test_audit_log_in_words_in_the_readers_language(demo, chromium):
    for language, label in (("en", "Requested changes to a post"), ("ru", None)):
        context = chromium.new_context(viewport=DESKTOP)
        context.add_cookies([{"name": "django_language", "value": language, "url": demo["url"]}])
        page = context.new_page()
        try:
            _login(page, demo["url"])
            page.goto(f"{demo['url']}/app/audit/")
            table = page.locator("table.audit-table")
            expect(table).not_to_contain_text("post.request_changes")
            if label:
                expect(table).to_contain_text(label)
            page.screenshot(path=str(ARTIFACTS / f"ux-audit-{language}-1366.png"), full_page=True)
        finally:
            context.close()


def test_word_count_and_reading_time_in_the_editor(demo, page):
    base, draft = demo["url"], demo["draft"]
    _login(page, base)
    page.goto(f"{base}/app/posts/{draft.pk}/")
    counter = page.locator("#word-count")
    surface = page.locator("#editor .ProseMirror")
    expect(surface).to_have_attribute("contenteditable", "true")  # the live document has synced
    surface.click()
    page.keyboard.type("One two three четыре")
    expect(counter).to_contain_text("4 words")
    expect(counter).to_contain_text("about 1 minute to read")
