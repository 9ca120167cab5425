"""Title cards opened with Pillow: text wraps and shrinks inside the margins in any script, no word is
cut, the platform sizes are right, persona colours are used, and the alt text says what is on the card."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from apps.generation.cards import SIZES, font_path, needs_cjk, palette, render_card, tokens
from apps.generation.providers.offline import OfflineProvider

TITLES = {
    "german": "Vorsichtsmaßnahmenverordnungsentwurf: Bundesgesundheitsministerium verschärft "
    "Infektionsschutzmaßnahmenanpassungsgesetz und Vorsichtsmaßnahmen für Krankenhausbetreiber",
    "russian": "Правительство утвердило достопримечательности и сельскохозяйственные "
    "высокотехнологичные предприятия Новосибирской области",
    "chinese": "国家统计局发布最新数据显示第三季度国内生产总值同比增长百分之四点九，消费市场持续回暖",
    "arabic": "الحكومة تعلن عن خطة جديدة لتطوير البنية التحتية في المدن الكبرى خلال السنوات الخمس المقبلة",
    "emoji_combining": "Café crème 👩‍💻 launches: naïve Zoë’s e\u0301lan for the “über-long” day",
}


def _ink_bbox(png: bytes, background_tolerance: int = 90):
    """Bounding box of pixels much brighter than the gradient behind them (the white text)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # The gradient's brightest point is the light colour; text is white, far above it.
    gray = image.convert("L")
    background_max = max(
        gray.getpixel((x, y))
        for x, y in [(0, 0), (image.width - 1, 0), (0, image.height - 1), (image.width - 1, image.height - 1)]
    )
    threshold = min(250, background_max + background_tolerance)
    mask = gray.point(lambda v: 255 if v >= threshold else 0)
    return image.size, mask.getbbox()


def _words(text: str) -> list[str]:
    return [t for t in tokens(text) if not t.isspace()]


@pytest.mark.parametrize("size", list(SIZES.values()), ids=list(SIZES))
@pytest.mark.parametrize("script", list(TITLES))
def test_title_stays_inside_the_margins_and_keeps_every_word(script, size):
    title = TITLES[script]
    card = render_card(title=title, subtitle="Ada · Weekly briefing", size=size)
    (width, height), bbox = _ink_bbox(card.png)
    assert (width, height) == size
    assert bbox is not None
    left, top, right, bottom = bbox
    m = card.margin
    assert left >= m - 2 and top >= m - 2 and right <= width - m + 2 and bottom <= height - m + 2, (bbox, m)
    # Wrapped at break opportunities only: the lines hold every word, whole and in order.
    joined = " ".join(card.title_lines)
    for word in _words(title):
        assert word in joined, word
    assert not any(line.endswith("-") for line in card.title_lines)
    assert "…" not in joined


def test_the_long_german_compound_is_never_cut():
    card = render_card(title=TITLES["german"], size=SIZES["article"])
    lines_words = [w for line in card.title_lines for w in line.split()]
    assert "Vorsichtsmaßnahmenverordnungsentwurf:" in lines_words
    assert "Vorsichtsmaßnahmen" in lines_words


def test_chinese_uses_a_cjk_font_and_breaks_between_characters():
    if not any("wqy" in p or "CJK" in p for p in [font_path(TITLES["chinese"]) or ""]):
        pytest.skip("no CJK font installed (fonts-wqy-zenhei or fonts-noto-cjk)")
    assert needs_cjk(TITLES["chinese"])
    card = render_card(title=TITLES["chinese"], size=SIZES["square"])
    assert "".join(card.title_lines) == TITLES["chinese"]
    assert not any(line.startswith(("，", "。")) for line in card.title_lines)  # no punctuation opens a line


def test_an_absurdly_long_title_ends_at_a_whole_word_with_an_ellipsis():
    title = " ".join(["Infektionsschutzmaßnahmenanpassungsgesetz"] * 40)
    card = render_card(title=title, size=SIZES["article"])
    (width, height), (left, top, right, bottom) = _ink_bbox(card.png)
    assert right <= width - card.margin + 2 and bottom <= height - card.margin + 2
    assert card.title_lines[-1].endswith("…")
    for line in card.title_lines:
        assert set(line.rstrip("…").split()) <= {"Infektionsschutzmaßnahmenanpassungsgesetz"}


def test_persona_colours_are_used_and_named_in_the_alt_text():
    card = render_card(title="Budget approved", size=SIZES["article"], colors=["#0b3d91", "#5fa8ff"])
    image = Image.open(io.BytesIO(card.png)).convert("RGB")
    corners = [image.getpixel((2, 2)), image.getpixel((image.width - 3, image.height - 3))]
    assert (11, 61, 145) in [tuple(min(255, max(0, c)) for c in px) for px in corners] or any(
        abs(px[0] - 11) + abs(px[1] - 61) + abs(px[2] - 145) < 30 for px in corners
    )
    assert palette("x", ["#0b3d91", "#5fa8ff"])[0] == (11, 61, 145)
    assert "blue" in card.alt_text and "1200×630" in card.alt_text and "Budget approved" in card.alt_text


@pytest.mark.parametrize("bad", [["not-a-colour"], ["#12"], [], None])
def test_bad_persona_colours_fall_back_to_the_title_palette(bad):
    assert palette("Budget approved", bad) == palette("Budget approved")


def test_offline_image_gives_all_three_platform_sizes_with_descriptive_alt_text():
    result = OfflineProvider().image(prompt="", title=TITLES["russian"], subtitle="Ada")
    sizes = [Image.open(io.BytesIO(r.content)).size for r in [result, *result.alternates]]
    assert sorted(sizes) == sorted(SIZES.values())
    for r in [result, *result.alternates]:
        assert r.mime_type == "image/png"
        assert re.search(r"Title card, \d+×\d+: “Правительство", r.alt_text)
        assert "gradient" in r.alt_text and len(r.alt_text) <= 500
