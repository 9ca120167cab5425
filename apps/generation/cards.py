"""Title cards that look designed: the title wrapped at word boundaries and shrunk until every word fits
inside the margins, in any script (DejaVu for Latin, Cyrillic, Greek and Arabic; a CJK font when the text
needs one), in the sizes platforms want, in the persona's colours when it has any, with alt text that
describes what is on the image.

Layout uses Pillow's raqm engine when present (Arabic shaping and right-to-left order); lines are measured
with the font that draws them, so what is measured is what is drawn."""

from __future__ import annotations

import colorsys
import functools
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps, features

SIZES = {"article": (1200, 630), "square": (1080, 1080), "story": (1080, 1920)}
LATIN_FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
]
LATIN_REGULAR = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
]
CJK_FONTS = [
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # Debian fonts-wqy-zenhei
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),  # Debian fonts-noto-cjk
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
]
WHITE = (255, 255, 255)
# Characters that need a CJK font: Han, kana, Hangul, CJK punctuation and full-width forms.
CJK_RE = re.compile(
    r"[\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
RTL_RE = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# A CJK character is a line-break opportunity on its own; other text breaks at spaces only.
TOKEN_RE = re.compile(
    r"\s+|" + CJK_RE.pattern + r"|[^\s\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+"
)
# Punctuation that must not start a line (kinsoku): it stays with the character before it.
NO_LINE_START = set("、。，．,.!?！？：；:;)]）」』】〉》”’・ー")


@dataclass
class Layout:
    font: ImageFont.FreeTypeFont
    lines: list[str]
    line_height: int


def needs_cjk(text: str) -> bool:
    return bool(CJK_RE.search(text or ""))


def is_rtl(text: str) -> bool:
    return bool(RTL_RE.search(text or ""))


@functools.lru_cache(maxsize=256)
def _font_at(path: str, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size, layout_engine=engine)


def font_path(text: str, *, bold: bool = True) -> str | None:
    """The first installed font that covers the text's script."""
    candidates = (CJK_FONTS if needs_cjk(text) else []) + (LATIN_FONTS if bold else LATIN_REGULAR) + LATIN_FONTS
    for path in candidates:
        if path.exists():
            return str(path)
    return None


def font_for(text: str, size: int, *, bold: bool = True):
    path = font_path(text, bold=bold)
    return _font_at(path, size) if path else ImageFont.load_default(size=size)


def tokens(text: str) -> list[str]:
    """Break opportunities: words (with the spaces after them kept separate) and single CJK characters."""
    out: list[str] = []
    for tok in TOKEN_RE.findall(" ".join((text or "").split())):
        if out and tok[0] in NO_LINE_START and not out[-1].isspace():
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _width(font, text: str) -> float:
    return font.getlength(text)


def wrap(text: str, font, max_width: float) -> list[str] | None:
    """Greedy wrap at break opportunities; None when one unbreakable word is wider than the line."""
    lines: list[str] = []
    current = ""
    for tok in tokens(text):
        if tok.isspace():
            if current:
                current += " "
            continue
        candidate = current + tok
        if _width(font, candidate.rstrip()) <= max_width:
            current = candidate
            continue
        if _width(font, tok) > max_width:
            return None
        if current.strip():
            lines.append(current.rstrip())
        current = tok
    if current.strip():
        lines.append(current.rstrip())
    return lines


def fit(text: str, *, box: tuple[int, int], max_size: int, min_size: int, max_lines: int, bold: bool = True) -> Layout:
    """The largest font size at which the text wraps into the box without breaking a word; at the
    smallest size, extra lines end in an ellipsis after a whole word (never inside one)."""
    width, height = box
    size = max_size
    while True:
        font = font_for(text, size, bold=bold)
        line_height = int(size * 1.22)
        lines = wrap(text, font, width)
        if lines is not None and len(lines) <= max_lines and len(lines) * line_height <= height:
            return Layout(font=font, lines=lines, line_height=line_height)
        if size <= min_size:
            break
        size = max(min_size, int(size * 0.92))
    # Still too long at the smallest size: keep whole words, as many lines as fit, with an ellipsis.
    lines = wrap(text, font, width) or _hard_wrap(text, font, width)
    keep = max(1, min(max_lines, height // line_height))
    if len(lines) > keep:
        lines = lines[:keep]
        last = lines[-1]
        while last and _width(font, last + "…") > width:
            cut = last.rsplit(" ", 1)
            last = cut[0] if len(cut) > 1 else last[:-1]
        lines[-1] = last.rstrip(" ,;:—-") + "…"
    return Layout(font=font, lines=lines, line_height=line_height)


def _hard_wrap(text: str, font, width: float) -> list[str]:
    """Last resort for a single word wider than the card at the smallest size (a URL, a 60-letter
    compound): break it with a hyphen at the edge, never drop letters."""
    lines: list[str] = []
    current = ""
    for char in text:
        if _width(font, current + char + "-") > width and current:
            lines.append(current + ("-" if not current.endswith(" ") else ""))
            current = char.lstrip()
        else:
            current += char
    if current:
        lines.append(current)
    return lines


def _hex(value: str) -> tuple[int, int, int] | None:
    match = re.fullmatch(r"#?([0-9a-fA-F]{6})", (value or "").strip())
    if not match:
        return None
    raw = match.group(1)
    return tuple(int(raw[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def palette(seed: str, colors: list[str] | tuple[str, ...] | None = None) -> tuple[tuple[int, int, int], ...]:
    """(dark, light) background colours: the persona's (hex strings) when given, else from the seed."""
    parsed = [c for c in (_hex(v) for v in (colors or [])) if c]
    if parsed:
        first = parsed[0]
        second = parsed[1] if len(parsed) > 1 else _shade(first, 1.35)
        # Text is white: the darker colour goes where the text is.
        return (first, second) if _luminance(first) <= _luminance(second) else (second, first)
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] / 255
    dark = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.32))
    light = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.08) % 1, 0.45, 0.62))
    return dark, light  # type: ignore[return-value]


def _shade(rgb, factor: float):
    return tuple(min(255, int(c * factor)) for c in rgb)


def _luminance(rgb) -> float:
    r, g, b = (c / 255 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def colour_name(rgb) -> str:
    """A plain colour word for alt text."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    if v < 0.15:
        return _("black")
    if s < 0.15:
        return _("grey") if v < 0.85 else _("white")
    names = [
        (0.04, _("red")),
        (0.11, _("orange")),
        (0.18, _("yellow")),
        (0.45, _("green")),
        (0.54, _("teal")),
        (0.72, _("blue")),
        (0.83, _("purple")),
        (0.96, _("pink")),
        (1.01, _("red")),
    ]
    name = next(n for limit, n in names if h < limit)
    return (_("dark %(c)s") % {"c": name}) if v < 0.45 else name


def alt_text(*, title: str, subtitle: str, label: str, size: tuple[int, int], colors) -> str:
    dark, light = colors
    text = _("Title card, %(w)s×%(h)s: “%(title)s” in white bold type on a %(dark)s to %(light)s gradient") % {
        "w": size[0],
        "h": size[1],
        "title": title.strip()[:200],
        "dark": colour_name(dark),
        "light": colour_name(light),
    }
    if label:
        text += _(", labelled “%(label)s”") % {"label": label[:80]}
    if subtitle:
        text += _(", with the line “%(subtitle)s”") % {"subtitle": subtitle.strip()[:160]}
    return (text + _(", and the Trendoscope wordmark."))[:500]


@dataclass
class Card:
    png: bytes
    alt_text: str
    title_lines: list[str]
    margin: int
    size: tuple[int, int]


def render_card(
    *, title: str, subtitle: str = "", size: tuple[int, int] = SIZES["article"], label: str = "", colors=None
) -> Card:
    """Draw the card; every line of text stays inside the margins."""
    width, height = size
    title = " ".join((title or "").split()) or "Trendoscope"
    dark, light = palette(title, colors)
    image = _gradient(size, dark, light)
    draw = ImageDraw.Draw(image)
    margin = max(24, min(width, height) // 14)
    inner_w = width - 2 * margin
    small_size = max(14, min(width, height) // 40)
    small = font_for(label + subtitle + "Trendoscope", small_size, bold=False)
    footer_h = int(small_size * 1.6)
    y = margin
    if label:
        lab = fit(label.upper(), box=(inner_w, small_size * 2), max_size=small_size, min_size=10, max_lines=1)
        _draw_lines(draw, lab, margin, y, inner_w, fill=WHITE)
        y += int(small_size * 2.2)
    sub_layout = None
    if subtitle:
        sub_layout = fit(
            subtitle,
            box=(inner_w, int(height * 0.2)),
            max_size=int(small_size * 1.3),
            min_size=max(10, small_size // 2),
            max_lines=3,
            bold=False,
        )
    sub_h = (len(sub_layout.lines) * sub_layout.line_height + small_size) if sub_layout else 0
    title_box_h = height - margin - footer_h - y - sub_h - small_size
    portrait = height > width * 1.3
    layout = fit(
        title,
        box=(inner_w, max(small_size * 2, title_box_h)),
        max_size=max(28, (width // 11) if portrait else (width // 14)),
        min_size=max(14, width // 48),
        max_lines=8 if portrait else 5,
    )
    if portrait:  # a story card: the title block sits in the middle third
        block = len(layout.lines) * layout.line_height + sub_h
        y = max(y, (height - block) // 2)
    _draw_lines(draw, layout, margin, y, inner_w, fill=WHITE)
    y += len(layout.lines) * layout.line_height
    if sub_layout:
        y += small_size
        _draw_lines(draw, sub_layout, margin, y, inner_w, fill=(235, 235, 235))
    foot_left, _t, _r, foot_bottom = draw.textbbox((0, 0), "Trendoscope", font=small)
    draw.text((margin - foot_left, height - margin - foot_bottom), "Trendoscope", font=small, fill=WHITE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return Card(
        png=buffer.getvalue(),
        alt_text=alt_text(title=title, subtitle=subtitle, label=label, size=size, colors=(dark, light)),
        title_lines=layout.lines,
        margin=margin,
        size=size,
    )


def _gradient(size: tuple[int, int], dark, light) -> Image.Image:
    """A diagonal gradient, dark at the top left (behind the title) to light at the bottom right."""
    ramp = Image.linear_gradient("L")
    gradient = ImageChops.add(ramp.resize(size), ramp.rotate(90).resize(size), scale=2)
    return Image.composite(Image.new("RGB", size, light), Image.new("RGB", size, dark), gradient)


def _draw_lines(draw, layout: Layout, x: int, y: int, width: int, *, fill) -> None:
    for line in layout.lines:
        rtl = is_rtl(line)
        left, top, right, _bottom = draw.textbbox((0, 0), line, font=layout.font)
        # Place by the ink's box: no glyph overhang past the margin, right-aligned for RTL scripts.
        dx = (x + width - right) if rtl else (x - left)
        draw.text((dx, y), line, font=layout.font, fill=fill)
        y += layout.line_height


def image_fit(content: bytes, size: tuple[int, int], *, quality: int = 85) -> tuple[bytes, str, str]:
    """A model's image cropped to fill `size` (centre kept), downscaled with Lanczos and optimized: a
    progressive JPEG, or a PNG when it has transparency. Returns (bytes, mime type, extension)."""
    with Image.open(io.BytesIO(content)) as source:
        source.load()
        has_alpha = source.mode in ("RGBA", "LA") or (source.mode == "P" and "transparency" in source.info)
        image = source.convert("RGBA" if has_alpha else "RGB")
    fitted = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    out = io.BytesIO()
    if has_alpha:
        fitted.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png", "png"
    fitted.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue(), "image/jpeg", "jpg"
