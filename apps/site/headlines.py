"""Headline A/B tests: create one for an article, decide it by click-through, apply the winner."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput
from apps.core.services import audit_log
from apps.posts.document import clean_text

from .choices import HeadlineTestMethod, HeadlineTestState
from .models import ArticlePage, HeadlineTest, HeadlineVariant, HomePage
from .stats import Arm, Decision, decide

MAX_VARIANTS = 6


@dataclass
class Evaluation:
    test: HeadlineTest
    variants: list[HeadlineVariant]
    decision: Decision

    @property
    def leader(self) -> HeadlineVariant | None:
        return self.variants[self.decision.leader] if self.decision.leader is not None else None


def _clean_headlines(headlines: list[str]) -> list[str]:
    out: list[str] = []
    for raw in headlines:
        text = " ".join(clean_text(raw or "").split())[:255]
        if text and text not in out:
            out.append(text)
    if len(out) < 2:
        raise InvalidInput(_("A test needs at least two different headlines."))
    if len(out) > MAX_VARIANTS:
        raise InvalidInput(_("At most %(n)s headlines per test.") % {"n": MAX_VARIANTS})
    return out


@transaction.atomic
def headline_test_create(
    *,
    user,
    page: ArticlePage,
    headlines: list[str],
    method: str = HeadlineTestMethod.ZTEST,
    confidence_level: float = 0.95,
    min_impressions: int = 200,
    auto_apply: bool = True,
) -> HeadlineTest:
    """Start a test on a live article of the user's workspace; the article's own title is the first
    variant unless it is among those given."""
    home = HomePage.objects.ancestor_of(page).first()
    workspace_id = home.workspace_id if home is not None else None
    if workspace_id is None:
        raise InvalidInput(_("This article does not belong to a workspace's site."))
    require_capability(user=user, workspace=workspace_id, capability=Capability.PUBLISH)
    if method not in HeadlineTestMethod.values:
        raise InvalidInput(_("Unknown method."))
    if not 0.5 <= confidence_level < 1:
        raise InvalidInput(_("The confidence must be between 50 % and 99.9 %."))
    cleaned = _clean_headlines([page.title, *headlines])
    try:
        with transaction.atomic():
            test = HeadlineTest.objects.create(
                workspace_id=workspace_id,
                page=page,
                method=method,
                confidence_level=confidence_level,
                min_impressions=max(1, int(min_impressions)),
                auto_apply=auto_apply,
                original_title=page.title,
                created_by=user,
            )
    except IntegrityError as exc:
        raise Conflict(_("This article already has a running headline test.")) from exc
    HeadlineVariant.objects.bulk_create(
        [HeadlineVariant(test=test, position=i, headline=h) for i, h in enumerate(cleaned)]
    )
    audit_log(actor=user, action="site.headline_test.create", target=test, data={"headlines": cleaned})
    return test


def headline_test_evaluate(*, test: HeadlineTest) -> Evaluation:
    variants = list(test.variants.order_by("position"))
    arms = [Arm(impressions=v.impressions, clicks=v.clicks) for v in variants]
    decision = decide(arms, method=test.method, level=test.confidence_level, min_impressions=test.min_impressions)
    return Evaluation(test=test, variants=variants, decision=decision)


@transaction.atomic
def _apply(*, test: HeadlineTest, variant: HeadlineVariant, confidence: float, actor=None) -> HeadlineTest:
    test = HeadlineTest.objects.select_for_update().get(pk=test.pk)
    if test.state != HeadlineTestState.RUNNING:
        raise Conflict(_("This test is over."))
    page = ArticlePage.objects.get(pk=test.page_id)
    if page.title != variant.headline:
        page.title = variant.headline
        revision = page.save_revision(log_action=True)
        if page.live:
            revision.publish()
    test.state = HeadlineTestState.FINISHED
    test.winner = variant
    test.confidence = confidence
    test.finished_at = timezone.now()
    test.save(update_fields=["state", "winner", "confidence", "finished_at"])
    audit_log(
        actor=actor,
        action="site.headline_test.apply",
        target=test,
        data={"headline": variant.headline, "confidence": round(confidence, 4)},
    )
    return test


def headline_test_apply(*, user, test: HeadlineTest, variant_id: int | None = None) -> HeadlineTest:
    """Apply the leader (or the chosen variant) as the article's title and end the test."""
    require_capability(user=user, workspace=test.workspace_id, capability=Capability.PUBLISH)
    test = HeadlineTest.objects.get(pk=test.pk)
    if test.state != HeadlineTestState.RUNNING:
        raise Conflict(_("This test is over."))
    evaluation = headline_test_evaluate(test=test)
    chosen = evaluation.leader
    if variant_id is not None:
        chosen = next((v for v in evaluation.variants if v.pk == variant_id), None)
    if chosen is None:
        raise InvalidInput(_("There is no headline to apply yet."))
    return _apply(test=test, variant=chosen, confidence=evaluation.decision.confidence, actor=user)


@transaction.atomic
def headline_test_stop(*, user, test: HeadlineTest) -> HeadlineTest:
    """End the test keeping the article's original title."""
    require_capability(user=user, workspace=test.workspace_id, capability=Capability.PUBLISH)
    test = HeadlineTest.objects.select_for_update().get(pk=test.pk)
    if test.state != HeadlineTestState.RUNNING:
        raise Conflict(_("This test is over."))
    test.state = HeadlineTestState.STOPPED
    test.finished_at = timezone.now()
    test.save(update_fields=["state", "finished_at"])
    audit_log(actor=user, action="site.headline_test.stop", target=test)
    return test


def headline_tests_tick() -> int:
    """The beat tick: apply the winner of every running, auto-applied test that has become confident."""
    applied = 0
    for test in HeadlineTest.objects.filter(state=HeadlineTestState.RUNNING, auto_apply=True):
        evaluation = headline_test_evaluate(test=test)
        if evaluation.decision.significant and evaluation.leader is not None:
            try:
                _apply(test=test, variant=evaluation.leader, confidence=evaluation.decision.confidence)
            except Conflict:
                continue
            applied += 1
    return applied
