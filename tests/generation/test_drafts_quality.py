"""Offline drafts a person could edit into a post: one language, no stock headings, each source once, a
headline from the most central item, sentences chosen for coverage (apps.generation.drafting)."""

from __future__ import annotations

import re

import pytest

from apps.core.language import detect_language
from apps.generation.drafting import build_offline_draft, central_title, dominant_language, rank_sentences
from apps.generation.providers.base import PersonaBrief, SourceText
from apps.personas.style import sentences_of

EN_1 = SourceText(
    title="City council approves new transit budget after long debate",
    text=(
        "The city council approved a new transit budget on Tuesday after a six-hour debate. "
        "The budget adds forty new electric buses and extends night service on three lines. "
        "“This is the biggest investment in public transport in a decade,” said Mayor Lena Ortiz. "
        "Opposition members argued the plan relies on optimistic fare revenue."
    ),
    url="https://news.example.com/transit-budget",
    source_name="Example News",
    item_id=1,
)
EN_2 = SourceText(
    title="Transit budget passes: forty electric buses and longer night service",
    text=(
        "Forty electric buses will join the fleet next year under the transit budget the council passed. "
        "Night service on three lines will run until 2 a.m., officials said. "
        "The council vote was 7 to 4."
    ),
    url="https://daily.example.org/buses",
    source_name="Daily Example",
    item_id=2,
)
DE_MIXED = SourceText(
    title="Stadtrat beschließt Verkehrshaushalt",
    text=(
        "Der Stadtrat hat am Dienstag nach einer sechsstündigen Debatte einen neuen Verkehrshaushalt beschlossen. "
        "Vierzig neue Elektrobusse sollen im nächsten Jahr in Betrieb gehen und der Nachtverkehr wird verlängert. "
        "The council vote was reported by several outlets as seven to four."
    ),
    url="https://zeitung.example.de/haushalt",
    source_name="Beispiel Zeitung",
    item_id=3,
)
DUPLICATE_URL = SourceText(
    title="City council approves new transit budget after long debate",
    text="The city council approved a new transit budget on Tuesday after a six-hour debate.",
    url="https://news.example.com/transit-budget",
    source_name="Example News (syndicated)",
    item_id=4,
)


def _draft(material, *, language="", persona=None, fmt="article"):
    return build_offline_draft(
        fmt=fmt,
        title="transit budget council",
        topic="",
        keywords=["transit", "budget"],
        material=material,
        persona=persona or PersonaBrief(),
        language=language,
    )


def _running_sentences(markup: str) -> list[str]:
    lines = [
        line.lstrip("> ").strip("“”")
        for line in markup.split("\n")
        if line.strip() and not line.startswith(("#", "- ", "> —"))
    ]
    return sentences_of(" ".join(lines))


@pytest.mark.django_db(databases=[])
def test_an_english_draft_from_mixed_material_has_no_german_sentence():
    draft = _draft([EN_1, DE_MIXED, EN_2], language="en")
    sentences = [s for s in _running_sentences(draft.markup) if len(s.split()) >= 4]
    assert sentences
    assert {detect_language(s) for s in sentences} == {"en"}
    body = draft.markup.split("## Sources")[0]  # a citation keeps its source's own title
    assert "Stadtrat" not in body and "Elektrobusse" not in body


@pytest.mark.django_db(databases=[])
def test_without_a_persona_language_the_material_decides():
    german = [
        DE_MIXED,
        SourceText(
            title="Elektrobusse für die Stadt",
            text="Die neuen Elektrobusse werden im Frühjahr geliefert. Der Nachtverkehr fährt bis zwei Uhr.",
            url="https://b.example.de/busse",
            item_id=5,
        ),
    ]
    assert dominant_language(german + [EN_1]) == "de"
    draft = _draft(german + [EN_1])
    assert all(detect_language(s) == "de" for s in _running_sentences(draft.markup) if len(s.split()) >= 4)


@pytest.mark.django_db(databases=[])
def test_no_stock_headings_and_each_source_cited_once():
    first = _draft([EN_1, EN_2, DUPLICATE_URL], language="en")
    second = _draft([EN_2, EN_1], language="en")
    for draft in (first, second):
        assert "Why it matters" not in draft.markup and "What happened" not in draft.markup
        urls = re.findall(r"\]\((https?://[^)]+)\)", draft.markup.split("## Sources")[-1])
        assert len(urls) == len(set(urls)) and urls
    # The same quote is said once, with its attribution, not again in the body.
    assert first.markup.count("biggest investment in public transport") == 1
    sentences = [" ".join(s.lower().split()) for s in _running_sentences(first.markup)]
    assert len(sentences) == len(set(sentences))


@pytest.mark.django_db(databases=[])
def test_headline_is_the_most_central_items_title():
    odd = SourceText(title="Weather: sunny weekend ahead", text="Sunshine is expected.", item_id=9)
    assert central_title([odd, EN_1, EN_2]) in {EN_1.title, EN_2.title}
    assert _draft([odd, EN_1, EN_2], language="en").title in {EN_1.title, EN_2.title}


@pytest.mark.django_db(databases=[])
def test_sentences_are_picked_for_coverage_not_position():
    # The first sentences of the two items say the same thing; coverage takes a new fact second.
    ranked = rank_sentences([EN_1, EN_2], ["transit"], "en")
    top_two = [s.text for s in ranked[:2]]
    assert not ("approved a new transit budget" in top_two[0] and "the transit budget the council passed" in top_two[1])
    words = set(" ".join(top_two).lower().split())
    assert {"buses", "night"} & words


@pytest.mark.django_db(databases=[])
@pytest.mark.parametrize(
    "text",
    [
        "Правительство утвердило новый бюджет на транспорт. Город закупит сорок электробусов.",
        "市议会批准了新的交通预算。城市将购买四十辆电动公交车。",
        "وافق مجلس المدينة على ميزانية جديدة للنقل. ستشتري المدينة أربعين حافلة كهربائية.",
        "Café 👩‍💻 naïve e\u0301lan: the council approved the budget today after a long debate.",
    ],
)
def test_drafts_in_other_scripts_do_not_crash_and_keep_the_language(text):
    source = SourceText(title=text.split(".")[0][:80], text=text, url="https://x.example/1", item_id=1)
    draft = _draft([source])
    assert draft.markup.strip()
    assert draft.title


@pytest.mark.django_db
def test_job_language_is_the_personas_else_the_items(writer, workspace, item, persona):
    from apps.generation.services import generation_start

    item.language = "de"
    item.save(update_fields=["language"])
    assert generation_start(user=writer, workspace=workspace, item=item, with_image=False).language == "de"
    assert (
        generation_start(user=writer, workspace=workspace, item=item, persona=persona, with_image=False).language
        == "en"
    )
