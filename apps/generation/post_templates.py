"""The starter post templates a workspace can add with one click (then edit like its own)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import DraftFormat, TemplateKind

STARTERS = [
    {
        "kind": TemplateKind.LISTICLE,
        "name": _("Listicle"),
        "format": DraftFormat.ARTICLE,
        "description": _("A numbered list of the story's key points."),
        "prompt": "Write a listicle: a one-sentence intro, then 5-7 numbered points, each a bold claim followed by "
        "one or two sentences of evidence from the sources, and a one-line takeaway.",
        "structure": "Intro sentence.\n\n## 1. First point\n\n## 2. Second point\n\n## 3. Third point\n\n## The takeaway",
    },
    {
        "kind": TemplateKind.EXPLAINER,
        "name": _("Explainer"),
        "format": DraftFormat.ARTICLE,
        "description": _("What happened, why it matters, what comes next."),
        "prompt": "Write an explainer for readers new to the subject: what happened, the background they need, "
        "why it matters, what people are saying (one attributed quote), and what to watch next.",
        "structure": "## What happened\n\n## The background\n\n## Why it matters\n\n## What they're saying\n\n"
        "## What's next",
    },
    {
        "kind": TemplateKind.BREAKING,
        "name": _("Breaking news"),
        "format": DraftFormat.ARTICLE,
        "description": _("The fact first, short paragraphs, updated as it develops."),
        "prompt": "Write a breaking-news story: the single new fact in the first sentence, who/what/when/where in the "
        "first paragraph, short paragraphs, only confirmed facts with attribution, and an 'This story is "
        "developing' line at the end.",
        "structure": "Lede: the new fact.\n\n## What we know\n\n## What we don't know yet\n\nThis story is developing.",
    },
    {
        "kind": TemplateKind.NEWSLETTER,
        "name": _("Newsletter issue"),
        "format": DraftFormat.NEWSLETTER,
        "description": _("A greeting, the big story, quick hits and links."),
        "prompt": "Write a newsletter issue: a friendly one-line greeting, the big story in three paragraphs, "
        "three quick hits as bullets, a quote of the week, links to read more, and a sign-off.",
        "structure": "Hello,\n\n## The big story\n\n## Quick hits\n\n- \n\n## Quote of the week\n\n## Read more\n\n"
        "Until next time.",
    },
    {
        "kind": TemplateKind.THREAD,
        "name": _("Thread"),
        "format": DraftFormat.THREAD,
        "description": _("5-8 short posts for a social thread."),
        "prompt": "Write a social thread of 5-8 posts, each under 270 characters and numbered 'n/N', the first "
        "a hook, the last a link to the main source.",
        "structure": "1/ Hook\n\n2/ \n\n3/ \n\n4/ \n\n5/ Source:",
    },
]
