"""Prompts sent to the model. PROMPT_VERSION is recorded on every job (provenance): bump it when
the wording changes so drafts can be traced to the prompt that made them."""

from __future__ import annotations

from .models import RefineAction
from .providers.base import PersonaBrief, SourceText

PROMPT_VERSION = "2026-11.1"
MAX_MATERIAL_CHARS = 12_000

FORMAT_INSTRUCTIONS = {
    "article": "Write a news article: a two-sentence lede, then sections with '## ' headings, at least one "
    "direct quote from the sources as a '> ' blockquote followed by '> — Name, Source', and a '## Sources' list.",
    "thread": "Write a social media thread of 5-8 posts. Start each post on its own paragraph with 'n/N '. "
    "Each post at most 270 characters. End with a link to the main source.",
    "newsletter": "Write a newsletter issue: a greeting, '## The big story', '## Quick hits' as '- ' bullets, "
    "a quote as a '> ' blockquote with attribution, '## Read more' links, and a sign-off.",
    "video_script": "Write a short video script as scenes. For each scene a heading '## Scene n — label (d s)', "
    "a 'Shot: ...' line describing what is on screen, and a 'Narration: ...' line. 45-90 seconds in total.",
    "podcast_script": "Write a podcast script for one host: '## Intro', two '## Segment n' parts and '## Outro'. "
    "Lines start with the host's name and a colon. Quote sources by name.",
}
REFINE_INSTRUCTIONS = {
    "shorter": "Make the text about 40% shorter. Keep the facts, quotes and links.",
    "longer": "Make the text about 50% longer with more context and explanation. Do not invent facts.",
    "formal": "Rewrite the text in a more formal register.",
    "casual": "Rewrite the text in a more casual, conversational register.",
    "persona": "Rewrite the text in the persona's voice described above, following all its rules.",
    "translate": "Translate the text into {language}. Keep the markup (##, >, -) and links unchanged.",
    "grammar": "Fix spelling, grammar and punctuation only. Change nothing else.",
}
LANGUAGE_NAMES = {"en": "English", "ru": "Russian"}


def persona_block(persona: PersonaBrief) -> str:
    lines = [f"You write as the persona “{persona.name or 'Editor'}”."]
    if persona.description:
        lines.append(f"About the persona: {persona.description}")
    if persona.voice:
        lines.append(f"Voice and tone: {persona.voice}")
    if persona.audience:
        lines.append(f"Audience: {persona.audience}")
    if persona.topics:
        lines.append("Topics: " + ", ".join(persona.topics))
    if persona.rules_always:
        lines.append("Always: " + "; ".join(persona.rules_always))
    if persona.rules_never:
        lines.append("Never: " + "; ".join(persona.rules_never))
    if persona.phrases:
        lines.append("Characteristic phrases you may use: " + "; ".join(persona.phrases[:8]))
    if persona.avg_sentence_length:
        lines.append(f"Typical sentence length: about {persona.avg_sentence_length:.0f} words.")
    return "\n".join(lines)


def material_block(material: list[SourceText]) -> str:
    parts, budget = [], MAX_MATERIAL_CHARS
    for n, src in enumerate(material, 1):
        head = (
            f"[{n}] {src.title}"
            + (f" — {src.author}" if src.author else "")
            + (f" ({src.source_name})" if src.source_name else "")
            + (f" <{src.url}>" if src.url else "")
        )
        body = src.text[: max(0, min(2500, budget))]
        budget -= len(body)
        parts.append(f"{head}\n{body}")
        if budget <= 0:
            break
    return "\n\n".join(parts)


def draft_prompts(
    *,
    fmt: str,
    persona: PersonaBrief,
    language: str,
    title: str,
    topic: str,
    material: list[SourceText],
    template: dict | None = None,
) -> tuple[str, str]:
    system = (
        persona_block(persona)
        + "\n\nWrite only from the provided sources; never invent quotes, numbers or names. Attribute every quote."
        + "\nUse plain text with this markup only: '## ' headings, '> ' quotes, '- ' bullets, [text](url) links."
        + f"\nWrite in {LANGUAGE_NAMES.get(language, language)}."
    )
    subject = title or topic
    user = f"Format: {FORMAT_INSTRUCTIONS.get(fmt, FORMAT_INSTRUCTIONS['article'])}\n\n"
    if template:
        user += f"Template “{template.get('name', '')}”: {template.get('prompt', '')}\n"
        if template.get("structure"):
            user += "Follow this structure (fill in every part):\n" + template["structure"] + "\n"
        user += "\n"
    user += f"Subject: {subject}\n\n"
    user += "Sources:\n" + (material_block(material) if material else "(none: write from the subject alone, no quotes)")
    return system, user


def refine_prompts(
    *,
    action: str,
    persona: PersonaBrief,
    target_language: str,
    text: str,
    instruction: str = "",
    history: list[str] | None = None,
    material: list[SourceText] | None = None,
) -> tuple[str, str]:
    system = persona_block(persona) + "\n\nYou are editing an existing draft. Return only the revised text."
    if action != RefineAction.CUSTOM:
        wanted = REFINE_INSTRUCTIONS[action].format(language=LANGUAGE_NAMES.get(target_language, target_language))
        return system, f"{wanted}\n\nText:\n{text}"
    system += (
        "\nApply exactly the change the editor asks for and keep everything else word for word."
        "\nKeep the markup ('## ' headings, '> ' quotes, '- ' bullets, [text](url) links)."
        "\nQuote only from the sources below; never invent quotes, numbers or names."
    )
    user = f"The editor asks: {instruction}\n\n"
    if history:
        user += "Earlier requests in this conversation (already applied or declined):\n"
        user += "\n".join(f"- {h}" for h in history[-6:]) + "\n\n"
    if material:
        user += "Sources:\n" + material_block(material) + "\n\n"
    return system, user + f"Text:\n{text}"
