"""docker/Dockerfile: the runtime image installs what the content studio's media need (issue 15)."""

import re
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "docker" / "Dockerfile"


def _runtime_apt_packages() -> set[str]:
    text = DOCKERFILE.read_text()
    runtime = text[text.index("AS runtime") :]
    packages: set[str] = set()
    for command in re.findall(r"apt-get install ([^&]+)", runtime.replace("\\\n", " ")):
        packages.update(word for word in command.split() if not word.startswith("-"))
    return packages


def test_runtime_image_installs_fonts_espeak_and_ffmpeg():
    packages = _runtime_apt_packages()
    # Latin/Cyrillic/Greek/Arabic title cards, CJK title cards, complex-script layout for Pillow.
    assert {"fonts-dejavu-core", "fonts-wqy-zenhei", "libraqm0", "libfribidi0"} <= packages
    # Offline narration, and the MP3 (and video) encodings.
    assert {"espeak-ng", "ffmpeg"} <= packages


def test_the_fonts_the_image_installs_are_the_ones_the_title_cards_look_for():
    from apps.generation import cards

    paths = {str(p) for p in cards.LATIN_FONTS + cards.CJK_FONTS}
    assert any(p.startswith("/usr/share/fonts/truetype/dejavu/") for p in paths)  # fonts-dejavu-core
    assert any(p.startswith("/usr/share/fonts/truetype/wqy/") for p in paths)  # fonts-wqy-zenhei
