"""What a running generation keeps outside its row: the text so far (for a browser that connects in the
middle of a run) and the cancel flag. Its live events are in apps.generation.events."""

from __future__ import annotations

from django.core.cache import cache

from .models import GenerationJob

PARTIAL_TTL = 3600


def partial_key(job_id: int) -> str:
    return f"generation:partial:{job_id}"


def partial_store(job_id: int, text: str) -> None:
    """The text so far, for a browser that connects in the middle of a run."""
    cache.set(partial_key(job_id), text, PARTIAL_TTL)


def partial_get(job_id: int) -> str | None:
    return cache.get(partial_key(job_id))


def cancel_requested(job_id: int) -> bool:
    """Read from the job row (not a cache key) so a stale flag can never cancel a later job."""
    return GenerationJob.objects.filter(pk=job_id, cancel_requested=True).exists()


def job_flags_clear(job_id: int) -> None:
    """Forget the partial text an earlier attempt of this job left (a retry streams the draft afresh)."""
    cache.delete(partial_key(job_id))
