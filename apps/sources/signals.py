"""Signals other apps may connect to (in their AppConfig.ready) without the sources app knowing them."""

from django.dispatch import Signal

# Sent after commit with sender=Source, workspace_id=int, item_ids=list[int] (newly inserted items only).
items_ingested = Signal()
