"""The offline drafting engine: an extractive draft built from the source material's own sentences,
with quotes and attribution, laid out per format, with the persona's rules applied mechanically."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.language import detect_language
from apps.personas.style import EMOJI_RE, HASHTAG_RE, STOPWORDS, sentences_of, words_of

from .models import DraftFormat, RefineAction
from .providers.base import PersonaBrief, SourceText

QUOTE_RE = re.compile(r"[“\"«]([^”\"»]{25,400})[”\"»]")
RULE_PHRASE_RE = re.compile(r"[“\"«']([^”\"»']{2,120})[”\"»']")
WORDS_PER_SECOND = 2.5


@dataclass
class Sentence:
    text: str
    source: SourceText
    position: int
    score: float = 0.0


@dataclass
class OfflineDraft:
    title: str
    markup: str
    hashtags: list[str] = field(default_factory=list)
    scenes: list[dict] = field(default_factory=list)
    cited: list[SourceText] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _content_words(text: str) -> list[str]:
    return [w for w in words_of(text) if w not in STOPWORDS and len(w) > 2]


def dominant_language(material: list[SourceText]) -> str:
    """The language most of the material is written in (each piece detected on its title and text)."""
    counts: Counter[str] = Counter()
    for src in material:
        code = detect_language(f"{src.title}. {src.text}"[:1500])
        if code:
            counts[code] += 1
    return counts.most_common(1)[0][0] if counts else ""


def in_language(text: str, language: str) -> bool:
    """True unless the detector is sure the sentence is in another language (the hint wins when unsure)."""
    return not language or detect_language(text, hint=language) == language


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def rank_sentences(material: list[SourceText], keywords: list[str], language: str = "") -> list[Sentence]:
    """Sentences of all material in the draft's language, in the order a greedy max-coverage pick takes
    them: each next sentence is the one that adds most not-yet-covered facts, where a content word
    weighs as many sources as mention it (shared facts first) plus the trend's keywords; a tiny early-
    position prior breaks ties. Near-duplicates (the same fact from two sources) are dropped."""
    candidates: list[tuple[Sentence, set[str]]] = []
    df: Counter[str] = Counter()
    seen_text: set[str] = set()
    for src in material:
        df.update(set(_content_words(f"{src.title} {src.text}")))
        for i, text in enumerate(sentences_of(src.text)):
            norm = " ".join(text.lower().split())
            if len(text) < 25 or len(text) > 600 or norm in seen_text or not in_language(text, language):
                continue
            seen_text.add(norm)
            bag = set(_content_words(text))
            if bag:
                candidates.append((Sentence(text=text, source=src, position=i), bag))
    keys = {k.lower() for kw in keywords for k in words_of(kw)}
    weight = {w: float(n) + (2.0 if w in keys else 0.0) for w, n in df.items()}
    covered: set[str] = set()
    chosen: list[tuple[Sentence, set[str]]] = []
    pool = list(candidates)
    while pool and len(chosen) < 24:
        best, best_gain = None, 0.0
        for cand in pool:
            sentence, bag = cand
            gain = sum(weight.get(w, 1.0) for w in bag - covered) / (len(bag) ** 0.5)
            gain += 0.5 / (1 + sentence.position)
            if gain > best_gain:
                best, best_gain = cand, gain
        if best is None:
            break
        pool.remove(best)
        if any(_jaccard(best[1], bag) > 0.5 for _s, bag in chosen):
            continue
        best[0].score = best_gain
        chosen.append(best)
        covered |= best[1]
    return [s for s, _bag in chosen]


def find_quotes(
    material: list[SourceText], limit: int = 2, language: str = "", exclude: set[str] | None = None
) -> list[tuple[str, SourceText]]:
    """Quoted speech in the sources (at most one per source, in the draft's language, not already used in
    the body), else each source's best sentence, always with its source."""
    exclude = exclude or set()
    quotes: list[tuple[str, SourceText]] = []
    seen_sources: set[str] = set()

    def fresh(text: str, src: SourceText, *, excluded: set[str]) -> bool:
        key = src.url or src.source_name or src.title
        return (
            key not in seen_sources
            and not any(text[:60] in used or used[:60] in text for used in excluded)
            and in_language(text, language)
        )

    for src in material:
        for match in QUOTE_RE.finditer(src.text):
            text = match.group(1).strip()
            if fresh(text, src, excluded=set()):
                quotes.append((text, src))
                seen_sources.add(src.url or src.source_name or src.title)
                break
    if len(quotes) < limit:
        for src in material:
            if (src.url or src.source_name or src.title) in seen_sources:
                continue
            # Not a sentence the body already uses (it would be said twice).
            best = [s for s in rank_sentences([src], [], language) if fresh(s.text, src, excluded=exclude)]
            if best:
                quotes.append((best[0].text, src))
                seen_sources.add(src.url or src.source_name or src.title)
            if len(quotes) >= limit:
                break
    return quotes[:limit]


def central_title(material: list[SourceText]) -> str:
    """The title of the item most like the others (what the story is about), in the draft's language."""
    items = [m for m in material if m.title and m.item_id is not None] or [m for m in material if m.title]
    if not items:
        return ""
    bags = [set(_content_words(f"{m.title} {m.text}")) for m in items]
    best = max(
        range(len(items)),
        key=lambda i: (sum(_jaccard(bags[i], bags[j]) for j in range(len(items)) if j != i), -i),
    )
    return " ".join(items[best].title.split()).rstrip(".")


def distinct_cited(material: list[SourceText], limit: int = 8) -> list[SourceText]:
    """Each source once: the first piece of material per URL (and per title, for syndicated copies)."""
    out: list[SourceText] = []
    urls: set[str] = set()
    titles: set[str] = set()
    for m in material:
        url = m.url.split("#")[0].rstrip("/").lower()
        title = " ".join(m.title.lower().split())
        if not m.url or url in urls or (title and title in titles):
            continue
        urls.add(url)
        if title:
            titles.add(title)
        out.append(m)
    return out[:limit]


def attribution(src: SourceText) -> str:
    who = src.author or src.source_name or _("the source")
    where = src.source_name if src.author and src.source_name else ""
    label = f"{who}, {where}" if where else who
    return f"[{label}]({src.url})" if src.url else label


def hashtags_for(keywords: list[str], topic: str, limit: int = 3) -> list[str]:
    words = [w for w in (keywords or _content_words(topic)) if w]
    tags: list[str] = []
    for word in words:
        tag = "#" + re.sub(r"\W+", "", word.title())
        if len(tag) > 2 and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
        if len(tags) >= limit:
            break
    return tags


def _sources_section(cited: list[SourceText]) -> list[str]:
    lines = ["## " + _("Sources")]
    for src in cited:
        label = src.title or src.url
        lines.append(
            f"- [{label}]({src.url})" + (f" — {src.source_name}" if src.source_name else "")
            if src.url
            else f"- {label}"
        )
    return lines


def _take(ranked: list[Sentence], used: set[str], n: int) -> list[Sentence]:
    out = [s for s in ranked if s.text not in used][:n]
    used.update(s.text for s in out)
    return out


def _sentence_keyed(title: str, topic: str, ranked: list[Sentence]) -> str:
    return title or topic or (ranked[0].text[:120] if ranked else _("Untitled draft"))


def build_offline_draft(
    *,
    fmt: str,
    title: str,
    topic: str,
    keywords: list[str],
    material: list[SourceText],
    persona: PersonaBrief,
    language: str,
) -> OfflineDraft:
    """language: the persona's (or the one asked for); empty means the material's dominant language.
    Sentences the detector is sure are in another language are left out."""
    language = (language or dominant_language(material) or "en").split("-")[0].lower()
    with translation.override(language):
        return _build(
            fmt=fmt, title=title, topic=topic, keywords=keywords, material=material, persona=persona, language=language
        )


@dataclass
class _Gathered:
    """What a draft is written from: its headline, the ranked sentences and quotes in its language,
    the sources it cites, and the sentences already used (each is said once)."""

    head: str
    topic: str
    keywords: list[str]
    persona: PersonaBrief
    ranked: list[Sentence]
    quotes: list[tuple[str, SourceText]]
    cited: list[SourceText]
    used: set[str] = field(default_factory=set)

    def take(self, n: int) -> list[Sentence]:
        return _take(self.ranked, self.used, n)


def _gather(*, title, topic, keywords, material, persona, language) -> _Gathered:
    if not material and topic:
        material = [SourceText(title=topic, text=topic)]
    ranked = rank_sentences(material, keywords or _content_words(topic)[:5], language)
    central = central_title([m for m in material if in_language(m.title, language)])
    head = central or _sentence_keyed(title, topic, ranked)
    quotes = find_quotes(
        [m for m in material if m.item_id is not None] or material,
        language=language,
        exclude={s.text for s in ranked[:10]},
    )
    # A quoted sentence is said once, as the quote with its attribution, not again in the body.
    ranked = [s for s in ranked if not any(q[:60] in s.text for q, _src in quotes)]
    # Sources the draft can draw on (not one whose every sentence is in another language), each once.
    usable = {id(s.source) for s in ranked} | {id(src) for _q, src in quotes}
    cited = distinct_cited([m for m in material if id(m) in usable]) or distinct_cited(material)
    return _Gathered(
        head=head, topic=topic, keywords=keywords, persona=persona, ranked=ranked, quotes=quotes, cited=cited
    )


def _thread_lines(g: _Gathered) -> list[str]:
    posts = [f"{g.head}. " + _("A thread:")]
    for s in g.take(5):
        posts.append(s.text)
    for text, src in g.quotes[:1]:
        posts.append(f"“{text[:200]}” — {src.author or src.source_name or _('the source')}")
    if g.cited:
        posts.append(_("Read more:") + " " + g.cited[0].url)
    total = len(posts)
    return [f"{i}/{total} {_shorten(p, 270)}\n" for i, p in enumerate(posts, 1)]


def _newsletter_lines(g: _Gathered) -> list[str]:
    greeting = _("Hi %(audience)s,") % {"audience": g.persona.audience or _("there")}
    lines = [greeting, "", _("This week's big story: %(title)s.") % {"title": g.head}, ""]
    lines += ["## " + _("The big story"), " ".join(s.text for s in g.take(3)), ""]
    quick = g.take(4)
    if quick:
        lines += ["## " + _("Quick hits")] + [f"- {s.text}" for s in quick] + [""]
    for text, src in g.quotes[:1]:
        lines += ["## " + _("Quote of the week"), f"> “{text}”", f"> — {attribution(src)}", ""]
    if g.cited:
        lines += ["## " + _("Read more")] + [f"- [{m.title or m.url}]({m.url})" for m in g.cited] + [""]
    lines += [_("Until next time,"), g.persona.name or _("The editors")]
    return lines


def _video_scenes(g: _Gathered) -> list[dict]:
    head, keywords = g.head, g.keywords
    scenes = [_scene(1, _("Hook"), f"{head}.", _("Title card over fast b-roll: %(t)s") % {"t": head}, head)]
    for i, s in enumerate(g.take(4), 2):
        kw = next((k for k in keywords if k.lower() in s.text.lower()), keywords[0] if keywords else head)
        scenes.append(
            _scene(
                i,
                _("Beat %(n)s") % {"n": i - 1},
                s.text,
                _("B-roll illustrating “%(k)s”; lower third with the source (%(s)s)")
                % {"k": kw, "s": s.source.source_name or s.source.title},
                _shorten(s.text, 60),
            )
        )
    for text, src in g.quotes[:1]:
        scenes.append(
            _scene(
                len(scenes) + 1,
                _("Quote"),
                f"“{text}” — {src.author or src.source_name}",
                _("Quote card with attribution"),
                _shorten(text, 60),
            )
        )
    scenes.append(
        _scene(
            len(scenes) + 1,
            _("Close"),
            _("Follow for more on %(t)s.") % {"t": g.topic or head},
            _("End card with handle and link"),
            _("Follow for more"),
        )
    )
    return scenes


def _video_script_lines(scenes: list[dict]) -> list[str]:
    lines: list[str] = []
    for sc in scenes:
        lines += [
            f"## {_('Scene')} {sc['number']} — {sc['label']} ({sc['duration_seconds']} s)",
            f"{_('Shot')}: {sc['shot']}",
            "",
            f"{_('Narration')}: {sc['narration']}",
            "",
        ]
    total = sum(sc["duration_seconds"] for sc in scenes)
    lines.append(_("Running time: about %(s)s seconds.") % {"s": total})
    return lines


def _podcast_lines(g: _Gathered) -> list[str]:
    host = g.persona.name or _("Host")
    lines = ["## " + _("Intro"), f"{host}: " + _("Welcome back. Today: %(t)s.") % {"t": g.head}, ""]
    for n, chunk in enumerate([g.take(2), g.take(2)], 1):
        if not chunk:
            continue
        lines += ["## " + _("Segment %(n)s") % {"n": n}, f"{host}: " + " ".join(s.text for s in chunk), ""]
    for text, src in g.quotes[:1]:
        lines += [
            f"{host}: " + _("As %(who)s put it:") % {"who": src.author or src.source_name or _("one source")},
            f"> “{text}”",
            "",
        ]
    lines += ["## " + _("Outro"), f"{host}: " + _("That's it for today. Links are in the show notes."), ""]
    if g.cited:
        lines += _sources_section(g.cited)
    return lines


def _article_lines(g: _Gathered) -> list[str]:
    """Lede, the facts, what people said, the rest; no stock headings."""
    lines = [" ".join(s.text for s in g.take(2)), ""]
    body = g.take(3)
    if body:
        lines += [" ".join(s.text for s in body), ""]
    for text, src in g.quotes:
        if text in g.used:
            continue
        g.used.add(text)
        lines += [f"> “{text}”", f"> — {attribution(src)}", ""]
    more = g.take(3)
    if more:
        lines += [" ".join(s.text for s in more), ""]
    if g.cited:
        lines += _sources_section(g.cited)
    return lines


def _build(*, fmt, title, topic, keywords, material, persona, language="") -> OfflineDraft:
    g = _gather(title=title, topic=topic, keywords=keywords, material=material, persona=persona, language=language)
    tags = hashtags_for(keywords, topic or g.head)
    scenes: list[dict] = []
    if fmt == DraftFormat.THREAD:
        lines = _thread_lines(g)
    elif fmt == DraftFormat.NEWSLETTER:
        lines = _newsletter_lines(g)
    elif fmt == DraftFormat.VIDEO_SCRIPT:
        scenes = _video_scenes(g)
        lines = _video_script_lines(scenes)
    elif fmt == DraftFormat.PODCAST_SCRIPT:
        lines = _podcast_lines(g)
    else:
        lines = _article_lines(g)
    if not "".join(lines).strip():
        lines = _outline(g.head, topic, keywords, persona)
    markup = "\n".join(lines).strip() + "\n"
    draft = OfflineDraft(title=_shorten(g.head, 200), markup=markup, hashtags=tags, scenes=scenes, cited=g.cited)
    return apply_persona_rules(draft, persona, fmt=fmt)


def _outline(head: str, topic: str, keywords: list[str], persona: PersonaBrief) -> list[str]:
    """No source says anything about the topic yet: an honest outline to write from, not invented facts."""
    terms = keywords or _content_words(topic)[:4] or [head]
    lines = [
        _("%(topic)s: no source in this workspace covers it yet, so this is an outline to write from.")
        % {"topic": head},
        "",
    ]
    lines += ["## " + _("What to find out")]
    lines += [
        f"- {q}"
        for q in (
            _("What happened, and when?"),
            _("Who is involved, and what do they say (on the record)?"),
            _("Why does it matter to %(audience)s?") % {"audience": persona.audience or _("our readers")},
        )
    ]
    lines += ["", "## " + _("Angles")] + [f"- {_('What changes for %(term)s?') % {'term': t}}" for t in terms[:3]]
    lines += ["", "## " + _("Sources to check")] + [f"- {_('Primary documents and data about %(t)s') % {'t': head}}"]
    return lines


def _scene(number: int, label: str, narration: str, shot: str, on_screen: str) -> dict:
    seconds = max(3, round(len(narration.split()) / WORDS_PER_SECOND))
    return {
        "number": number,
        "label": label,
        "narration": narration,
        "shot": shot,
        "on_screen_text": on_screen,
        "duration_seconds": seconds,
    }


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _rule_phrases(rule: str) -> list[str]:
    quoted = RULE_PHRASE_RE.findall(rule)
    if quoted:
        return [q.strip() for q in quoted if q.strip()]
    words = rule.strip().rstrip(".").split()
    # A short rule without quotes ("clickbait", "game-changer") names the banned words themselves.
    return [" ".join(words)] if 0 < len(words) <= 2 else []


def apply_persona_rules(draft: OfflineDraft, persona: PersonaBrief, *, fmt: str) -> OfflineDraft:
    """Apply what can be applied mechanically; note the rest (the OpenAI-compatible provider gets all
    rules in its prompt)."""
    markup = draft.markup
    for rule in persona.rules_never:
        low = rule.lower()
        if "emoji" in low:
            markup = EMOJI_RE.sub("", markup)
        elif "exclamation" in low or "восклиц" in low:
            markup = markup.replace("!", ".")
        elif "hashtag" in low or "хэштег" in low or "хештег" in low:
            markup = HASHTAG_RE.sub("", markup)
            draft.hashtags = []
        else:
            for phrase in _rule_phrases(rule):
                markup = _drop_sentences_with(markup, phrase)
    for rule in persona.rules_always:
        low = rule.lower()
        quoted = RULE_PHRASE_RE.findall(rule)
        if "hashtag" in low or "хэштег" in low:
            if not draft.hashtags:
                draft.hashtags = hashtags_for(persona.topics, draft.title)
            if fmt == "thread" and draft.hashtags:
                markup = markup.rstrip() + " " + " ".join(draft.hashtags) + "\n"
        elif ("source" in low or "cite" in low or "link" in low or "источник" in low) and draft.cited:
            if _("Sources") not in markup and fmt not in ("thread", "video_script"):
                markup = markup.rstrip() + "\n\n" + "\n".join(_sources_section(draft.cited)) + "\n"
        elif quoted:
            for phrase in quoted:
                if phrase.lower() not in markup.lower():
                    markup = markup.rstrip() + "\n\n" + phrase + "\n"
        elif "question" in low or "вопрос" in low:
            markup = markup.rstrip() + "\n\n" + _("What do you think?") + "\n"
        else:
            draft.notes.append(rule)
    draft.markup = markup
    return draft


def _drop_sentences_with(markup: str, phrase: str) -> str:
    pattern = re.compile(re.escape(phrase), re.IGNORECASE)
    out: list[str] = []
    for line in markup.split("\n"):
        if not pattern.search(line) or line.startswith("#"):
            out.append(pattern.sub("", line) if line.startswith("#") else line)
            continue
        kept = [s for s in re.split(r"(?<=[.!?])\s+", line) if not pattern.search(s)]
        if kept:
            out.append(" ".join(kept))
    return "\n".join(out)


# --- refinements ---------------------------------------------------------------------------------

FORMAL_SWAPS = [
    (r"\bcan't\b", "cannot"),
    (r"\bwon't\b", "will not"),
    (r"\bdon't\b", "do not"),
    (r"\bdoesn't\b", "does not"),
    (r"\bisn't\b", "is not"),
    (r"\baren't\b", "are not"),
    (r"\bit's\b", "it is"),
    (r"\bthat's\b", "that is"),
    (r"\bthey're\b", "they are"),
    (r"\bwe're\b", "we are"),
    (r"\byou're\b", "you are"),
    (r"\bI'm\b", "I am"),
    (r"\bgonna\b", "going to"),
    (r"\bwanna\b", "want to"),
    (r"\bkinda\b", "somewhat"),
    (r"\bawesome\b", "excellent"),
    (r"\bstuff\b", "material"),
    (r"\ba lot of\b", "a great deal of"),
    (r"\blots of\b", "many"),
    (r"\bok\b", "acceptable"),
    (r"\bget\b", "obtain"),
    (r"\bbig\b", "significant"),
    (r"\bbut\b", "however,"),
]
CASUAL_SWAPS = [
    (r"\bcannot\b", "can't"),
    (r"\bwill not\b", "won't"),
    (r"\bdo not\b", "don't"),
    (r"\bdoes not\b", "doesn't"),
    (r"\bis not\b", "isn't"),
    (r"\bare not\b", "aren't"),
    (r"\bit is\b", "it's"),
    (r"\bthat is\b", "that's"),
    (r"\bthey are\b", "they're"),
    (r"\bwe are\b", "we're"),
    (r"\bhowever,?\s*", "but "),
    (r"\btherefore,?\s*", "so "),
    (r"\bfurthermore,?\s*", "also, "),
    (r"\bmoreover,?\s*", "plus, "),
    (r"\butili[sz]e\b", "use"),
    (r"\bapproximately\b", "about"),
    (r"\bcommence\b", "start"),
    (r"\bsubsequently\b", "later"),
    (r"\bobtain\b", "get"),
    (r"\bsignificant\b", "big"),
]
TYPOS = {
    "teh": "the",
    "recieve": "receive",
    "seperate": "separate",
    "definately": "definitely",
    "occured": "occurred",
    "untill": "until",
    "wich": "which",
    "alot": "a lot",
    "thier": "their",
    "becuase": "because",
    "adress": "address",
    "goverment": "government",
    "enviroment": "environment",
    "tommorow": "tomorrow",
    "accomodate": "accommodate",
}


def _swap(text: str, swaps: list[tuple[str, str]]) -> str:
    for pattern, repl in swaps:

        def keep_case(m, repl=repl):
            word = m.group(0)
            return repl[:1].upper() + repl[1:] if word[:1].isupper() else repl

        text = re.sub(pattern, keep_case, text, flags=re.IGNORECASE)
    return text


def refine_offline(*, action: str, text: str, persona: PersonaBrief, material: list[SourceText]) -> str:
    """Rewrite markup for one refinement action without a model."""
    if action == RefineAction.SHORTER:
        return _shorter(text)
    if action == RefineAction.LONGER:
        return _longer(text, material)
    if action == RefineAction.FORMAL:
        return EMOJI_RE.sub("", _swap(text, FORMAL_SWAPS)).replace("!", ".")
    if action == RefineAction.CASUAL:
        return _swap(text, CASUAL_SWAPS)
    if action == RefineAction.GRAMMAR:
        return fix_grammar(text)
    if action == RefineAction.PERSONA:
        draft = OfflineDraft(title="", markup=text)
        result = apply_persona_rules(draft, persona, fmt=DraftFormat.ARTICLE).markup
        if persona.avg_sentence_length and persona.avg_sentence_length < 14:
            result = re.sub(r",\s+(and|but|so|which)\s+", lambda m: ". " + m.group(1).capitalize() + " ", result)
        if persona.phrases and not any(p.lower() in result.lower() for p in persona.phrases):
            result = result.rstrip() + "\n\n" + persona.phrases[0].capitalize() + ".\n"
        return result
    if action == RefineAction.SPLIT:
        return split_long_sentences(text)
    if action == RefineAction.DEDUPE:
        return remove_repetition(text)
    if action == RefineAction.REORDER:
        return lead_with_strongest(text)
    raise ValueError(action)


# What an editor's own words ask for, for the rule-based engine (English and Russian). Anything else needs a model.
OFFLINE_INTENTS = [
    ("split", r"split|break up|long sentences|разбей|раздели|длинные предложения"),
    ("dedupe", r"repeat|repetit|duplicate|redundan|повтор|дубл"),
    ("reorder", r"reorder|rearrange|re-order|move .* (up|first|top)|lead with|strongest|переставь|порядок|в начало"),
    ("shorter", r"short|trim|cut|concise|brief|tighten|condense|короче|сократи|сжато|кратк"),
    ("grammar", r"grammar|typo|spelling|punctuation|грамматик|опечат|орфограф|пунктуац"),
]


# Sentence ends: Latin/Cyrillic punctuation before a space, CJK full stops with or without one.
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])\s*")


def offline_action_for(instruction: str) -> str:
    """The rule-based action an instruction asks for ("shorter", "split", ...), or "" when it needs a model."""
    text = (instruction or "").lower()
    for action, pattern in OFFLINE_INTENTS:
        if re.search(pattern, text):
            return action
    return ""


def _is_prose(line: str) -> bool:
    return bool(line.strip()) and not re.match(r"^\s*(#|>|[-*•] |\d+[.)] |```)", line)


def split_long_sentences(text: str, *, max_words: int = 20) -> str:
    """Sentences over max_words split at a clause boundary (a semicolon, or a comma before and/but/which...)."""
    joints = r";\s+|,\s+(?=(?:and|but|so|which|while|because|и|но|а|однако|поэтому|который|которая|которые)\b)"

    def split_sentence(sentence: str) -> str:
        if len(sentence.split()) <= max_words:
            return sentence
        parts = [p.strip() for p in re.split(joints, sentence) if p.strip()]
        if len(parts) < 2:
            return sentence
        out = []
        for n, part in enumerate(parts):
            part = part[:1].upper() + part[1:]
            if n < len(parts) - 1 and part[-1:] not in ".!?…":
                part += "."
            out.append(part)
        return " ".join(out)

    lines = []
    for line in text.split("\n"):
        if _is_prose(line):
            parts = [p for p in SENTENCE_SPLIT_RE.split(line.strip()) if p]
            split = [split_sentence(p) for p in parts]
            if split != parts:
                line = " ".join(p.strip() for p in split)
        lines.append(line)
    return "\n".join(lines)


def remove_repetition(text: str) -> str:
    """Sentences said before (the same words, case and punctuation aside) dropped; a paragraph left empty goes."""
    seen: set[tuple[str, ...]] = set()
    lines = []
    for line in text.split("\n"):
        if not _is_prose(line):
            lines.append(line)
            continue
        kept = []
        sentences = [p for p in SENTENCE_SPLIT_RE.split(line.strip()) if p]
        for sentence in sentences:
            key = tuple(words_of(sentence))
            if key and key in seen:
                continue
            seen.add(key)
            kept.append(sentence)
        if len(kept) == len(sentences):
            lines.append(line)  # nothing dropped: the line as it was (CJK sentences keep their spacing)
        elif kept:
            lines.append(" ".join(s.strip() for s in kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def lead_with_strongest(text: str) -> str:
    """The paragraph that shares the most content words with the rest of the text moved to the top."""
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    prose = [i for i, b in enumerate(blocks) if _is_prose(b)]
    if len(prose) < 2:
        return text
    words = [set(_content_words(b)) for b in blocks]

    def centrality(i: int) -> int:
        return sum(len(words[i] & words[j]) for j in prose if j != i)

    best = max(prose, key=lambda i: (centrality(i), -i))
    if best == prose[0]:
        return text
    first = prose[0]
    order = blocks[:first] + [blocks[best]] + [b for i, b in enumerate(blocks[first:], first) if i != best]
    return "\n\n".join(order) + "\n"


def fix_grammar(text: str) -> str:
    def fix_line(line: str) -> str:
        line = re.sub(r"[ \t]{2,}", " ", line)
        for wrong, right in TYPOS.items():
            line = re.sub(rf"\b{wrong}\b", right, line, flags=re.IGNORECASE)
        line = re.sub(r"\b(\w+)(\s+\1\b)+", r"\1", line, flags=re.IGNORECASE)
        line = re.sub(r"\s+([,.;:!?])", r"\1", line)
        line = re.sub(r"([,;:])(?=[^\s\d/])", r"\1 ", line)
        line = re.sub(r"\bi\b", "I", line)
        line = re.sub(r"(^|[.!?]\s+)([a-zа-яё])", lambda m: m.group(1) + m.group(2).upper(), line)
        stripped = line.rstrip()
        if stripped and not stripped.startswith(("#", "-", ">", "*")) and stripped[-1].isalnum() and len(stripped) > 40:
            line = stripped + "."
        return line

    return "\n".join(fix_line(line) for line in text.split("\n"))


def _shorter(text: str) -> str:
    out: list[str] = []
    list_items = 0
    for line in text.split("\n"):
        if line.startswith(("#", ">")) or not line.strip():
            out.append(line)
            list_items = 0
            continue
        if re.match(r"^\s*[-*•] ", line):
            list_items += 1
            if list_items <= 3:
                out.append(line)
            continue
        sentences = re.split(r"(?<=[.!?])\s+", line.strip())
        keep = max(1, round(len(sentences) * 0.6))
        out.append(" ".join(sentences[:keep]))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def _longer(text: str, material: list[SourceText]) -> str:
    present = text.lower()
    extra = [s.text for s in rank_sentences(material, []) if s.text.lower()[:60] not in present][:3]
    if extra:
        return text.rstrip() + "\n\n## " + _("More context") + "\n" + " ".join(extra) + "\n"
    points = [s for s in sentences_of(re.sub(r"^[#>-].*$", "", text, flags=re.M)) if len(s) > 30][:3]
    if not points:
        return text
    summary = "\n".join(f"- {p}" for p in points)
    return text.rstrip() + "\n\n## " + _("Key points") + "\n" + summary + "\n"
