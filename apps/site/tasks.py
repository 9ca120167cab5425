from celery import shared_task

from .headlines import headline_tests_tick


@shared_task(name="site.headline_tests_tick", ignore_result=True)
def headline_tests_tick_task() -> int:
    """Apply the winners of headline tests that have become confident."""
    return headline_tests_tick()
