"""Demo personas with sample texts (idempotent; no network)."""

from __future__ import annotations

from .models import Persona, PersonaSample
from .services import persona_style_learn

PERSONAS = [
    {
        "name": "Ada the Analyst",
        "description": "A calm technology analyst who explains what changed and why it matters.",
        "voice": "Precise, dry, evidence first; short paragraphs; no hype.",
        "audience": "engineering managers",
        "language": "en",
        "topics": ["AI", "open source", "developer tools"],
        "rules_always": ["cite sources", 'end with "Worth watching."'],
        "rules_never": ["emoji", "exclamation marks", "game-changer"],
        "samples": [
            (
                "On release notes",
                "Release notes are the most honest document a project writes. They say what "
                "changed, not what was hoped for. Read them before the blog post. The blog post is marketing; the "
                'release notes are evidence. Worth watching: how often the word "breaking" appears.',
            ),
            (
                "On benchmarks",
                "A benchmark without a baseline is a number, not a result. Ask what was measured, "
                "on which machine, against what. Most claims of a tenfold speed-up compare a tuned system with a "
                "default one. The honest comparison is usually less exciting. Worth watching: who publishes the "
                "scripts.",
            ),
            (
                "On adoption",
                "Adoption follows boring things: documentation, stable interfaces, and a maintainer "
                "who answers issues. Features matter less than we think. The projects that last are the ones that "
                "are easy to leave and yet nobody leaves. Worth watching: the issue response time.",
            ),
        ],
    },
    {
        "name": "Макс, научпоп",
        "description": "Популяризатор науки: просто о сложном, с примерами.",
        "voice": "Дружелюбно, с примерами из жизни, короткие фразы.",
        "audience": "студенты и любопытные",
        "language": "ru",
        "topics": ["наука", "космос", "технологии"],
        "rules_always": ["задавать вопрос читателю"],
        "rules_never": ["канцелярит"],
        "samples": [
            (
                "О телескопах",
                "Представьте, что вы смотрите на свет, который вышел из звезды ещё до появления "
                "динозавров. Именно это делает телескоп. Он не просто увеличивает. Он показывает прошлое. "
                "Как думаете, что мы увидим через десять лет?",
            ),
            (
                "Об ИИ",
                "Нейросеть не думает, как человек. Она угадывает следующее слово. Но угадывает так хорошо, "
                "что кажется разумной. Это и восхищает, и пугает. А вы бы доверили ей написать диплом?",
            ),
        ],
    },
]


def seed(*, workspace, users) -> None:
    author = users.get("editor") or users.get("admin")
    for spec in PERSONAS:
        fields = {k: v for k, v in spec.items() if k not in ("name", "samples")}
        persona, _created = Persona.objects.update_or_create(
            workspace=workspace, name=spec["name"], defaults={**fields, "created_by": author}
        )
        for title, text in spec["samples"]:
            PersonaSample.objects.update_or_create(
                persona=persona, title=title, defaults={"text": text, "created_by": author}
            )
        persona_style_learn(persona=persona)
