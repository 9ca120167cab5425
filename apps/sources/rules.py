"""The team's filter rules: validating a pattern when a rule is saved, and deciding for an arriving
item whether a rule drops it (and saying why). Regular expressions run under the `regex` module's
timeout and are probed for catastrophic backtracking before they are accepted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import regex
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput

from .models import FilterRule, RuleAction, RuleField, Source

logger = logging.getLogger(__name__)

MAX_PATTERN = 500
MAX_REGEX = 300
REGEX_TIMEOUT = 0.05  # seconds per item and rule
MATCH_TEXT_CHARS = 20000
# Inputs that make a backtracking pattern such as (a+)+$ or (\w|\d)*x take exponential time.
_PROBES = ("a" * 4000 + "!", "0" * 4000 + "x", " " * 4000 + "\x00", "ab" * 2000 + "\n", "<" * 2000 + "a")
_SCRIPTS_WITHOUT_SPACES = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")


class RuleSubject(Protocol):
    """What a rule reads of an item: an arriving NormalizedItem or a stored Item."""

    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def canonical_url(self) -> str: ...
    @property
    def guid(self) -> str: ...


Matcher = Callable[[RuleSubject], bool]


def _terms(pattern: str) -> list[str]:
    return [t.strip() for t in pattern.split(",") if t.strip()]


def validate_pattern(field: str, pattern: str) -> str:
    """The pattern as stored, or InvalidInput saying what is wrong with it."""
    pattern = (pattern or "").strip()
    if not pattern:
        raise InvalidInput(_("Enter what the rule matches."))
    if len(pattern) > MAX_PATTERN:
        raise InvalidInput(_("The pattern is too long (at most %(n)s characters).") % {"n": MAX_PATTERN})
    if field == RuleField.REGEX:
        if len(pattern) > MAX_REGEX:
            raise InvalidInput(_("The expression is too long (at most %(n)s characters).") % {"n": MAX_REGEX})
        try:
            compiled = regex.compile(pattern, regex.IGNORECASE | regex.V0)
        except (regex.error, OverflowError, RecursionError) as exc:
            raise InvalidInput(_("This is not a valid regular expression: %(error)s") % {"error": exc}) from exc
        for probe in _PROBES:
            try:
                compiled.search(probe, timeout=REGEX_TIMEOUT * 2)
            except TimeoutError:
                raise InvalidInput(
                    _("This expression takes too long on some texts (nested repetition such as (a+)+). Simplify it.")
                ) from None
        return pattern
    if field not in RuleField.values:
        raise InvalidInput(_("Choose what the rule matches on."))
    terms = _terms(pattern)
    if not terms:
        raise InvalidInput(_("Enter at least one value."))
    if field == RuleField.LANGUAGE:
        terms = [t.lower() for t in terms]
        if any(not regex.fullmatch(r"[a-z]{2,3}", t) for t in terms):
            raise InvalidInput(_("Enter language codes such as en, ru, zh."))
    if field == RuleField.DOMAIN:
        terms = [t.lower().removeprefix("www.").strip(".") for t in terms]
        if any(not regex.fullmatch(r"[\w.-]{1,253}", t) for t in terms):
            raise InvalidInput(_("Enter domains such as example.com."))
    return ", ".join(terms)


@dataclass
class CompiledRule:
    rule: FilterRule
    keep: bool
    matcher: Matcher

    def matches(self, item: RuleSubject) -> bool:
        return self.matcher(item)


def _keyword_matcher(pattern: str) -> Matcher:
    parts: list[str] = []
    for term in _terms(pattern):
        escaped = regex.escape(term)
        # Words are whole words; terms in scripts written without spaces match anywhere.
        parts.append(escaped if _SCRIPTS_WITHOUT_SPACES.search(term) else rf"(?<!\w){escaped}(?!\w)")
    compiled = regex.compile("|".join(parts), regex.IGNORECASE | regex.V0)
    return lambda item: bool(compiled.search(f"{item.title}\n{item.text[:MATCH_TEXT_CHARS]}"))


def _regex_matcher(rule: FilterRule) -> Matcher:
    compiled = regex.compile(rule.pattern, regex.IGNORECASE | regex.V0)

    def match(item: RuleSubject) -> bool:
        try:
            return bool(compiled.search(f"{item.title}\n{item.text[:MATCH_TEXT_CHARS]}", timeout=REGEX_TIMEOUT))
        except TimeoutError:
            logger.warning("filter rule %s timed out on item %s", rule.pk, item.guid[:100])
            return False

    return match


def _host(item: RuleSubject) -> str:
    host = (urlsplit(item.url or item.canonical_url).hostname or "").lower()
    return host.removeprefix("www.")


def compile_rule(rule: FilterRule) -> CompiledRule | None:
    matcher: Matcher
    try:
        if rule.field == RuleField.KEYWORDS:
            matcher = _keyword_matcher(rule.pattern)
        elif rule.field == RuleField.REGEX:
            matcher = _regex_matcher(rule)
        elif rule.field == RuleField.LANGUAGE:
            codes = {t.lower() for t in _terms(rule.pattern)}
            matcher = lambda item: item.language.lower() in codes  # noqa: E731
        elif rule.field == RuleField.AUTHOR:
            names = {t.casefold().lstrip("@") for t in _terms(rule.pattern)}
            matcher = lambda item: item.author.casefold().lstrip("@") in names  # noqa: E731
        elif rule.field == RuleField.DOMAIN:
            domains = [t.lower() for t in _terms(rule.pattern)]
            matcher = lambda item: any(_host(item) == d or _host(item).endswith("." + d) for d in domains)  # noqa: E731
        else:
            return None
    except regex.error:
        return None
    return CompiledRule(rule=rule, keep=rule.action == RuleAction.KEEP, matcher=matcher)


def rules_for_source(source: Source) -> list[CompiledRule]:
    """The enabled rules that apply to the source: the workspace's and its own."""
    rules = FilterRule.objects.filter(workspace_id=source.workspace_id, enabled=True).filter(
        Q(source__isnull=True) | Q(source_id=source.pk)
    )
    return [c for c in (compile_rule(r) for r in rules.order_by("id")) if c is not None]


def rule_verdict(rules: list[CompiledRule], item: RuleSubject) -> tuple[FilterRule, str] | None:
    """(the rule that drops the item, why) or None to keep it. A drop rule that matches wins; when
    keep rules apply, an item has to match one of them."""
    for compiled in rules:
        if not compiled.keep and compiled.matches(item):
            rule = compiled.rule
            return rule, _("Dropped by rule %(rule)s (#%(id)s)") % {"rule": rule, "id": rule.pk}
    keeps = [c for c in rules if c.keep]
    if keeps and not any(c.matches(item) for c in keeps):
        rule = keeps[0].rule
        names = "; ".join(str(c.rule) for c in keeps)[:300]
        return rule, _("Dropped: matched none of the keep rules (%(rules)s)") % {"rules": names}
    return None
