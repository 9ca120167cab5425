"""Operations tasks (imported by CoreConfig.ready): the scheduled backup (beat entry "core-backup",
every BACKUP_INTERVAL_HOURS when set, keeping BACKUP_KEEP archives)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from .backup import run_backup

logger = logging.getLogger(__name__)


@shared_task(
    name="core.backup", ignore_result=True, acks_late=False, soft_time_limit=6 * 3600, time_limit=6 * 3600 + 60
)
def scheduled_backup() -> str:
    location, removed = run_backup(keep=settings.BACKUP_KEEP)
    logger.info("backup written to %s (%d old archive(s) removed)", location, len(removed))
    return location
