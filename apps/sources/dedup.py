"""Near-duplicate detection: MinHash signatures in a datasketch LSH index, candidates verified by
their estimated Jaccard similarity. One index per workspace, cached per process and topped up
from the database, so each ingest only loads the rows added since."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from datasketch import LeanMinHash, MinHashLSH
from django.utils import timezone

from .normalize import NUM_PERM

# 16 bands of 4 rows: pairs above ~0.5 similarity become candidates; verification decides.
LSH_PARAMS = (16, 4)
VERIFY_THRESHOLD = 0.6
WINDOW_DAYS = 7
MAX_INDEXED = 50_000
REBUILD_SECONDS = 600


@dataclass
class NearDuplicateIndex:
    lsh: MinHashLSH = field(default_factory=lambda: MinHashLSH(num_perm=NUM_PERM, params=LSH_PARAMS))
    signatures: dict[int, np.ndarray] = field(default_factory=dict)
    max_id: int = 0
    built_at: float = field(default_factory=time.monotonic)

    def add(self, key: int, signature: list[int] | np.ndarray) -> None:
        if key in self.signatures or len(signature) != NUM_PERM:
            return
        values = np.asarray(signature, dtype=np.uint64)
        self.lsh.insert(key, LeanMinHash(seed=1, hashvalues=values, scheme="legacy"), check_duplication=False)
        self.signatures[key] = values
        self.max_id = max(self.max_id, key)

    def remove(self, key: int) -> None:
        if self.signatures.pop(key, None) is not None:
            self.lsh.remove(key)

    def find(
        self, signature: list[int] | np.ndarray, *, threshold: float = VERIFY_THRESHOLD, before: int | None = None
    ) -> int | None:
        """The earliest indexed item (with a key below `before`) that is a near-duplicate, or None."""
        if len(signature) != NUM_PERM:
            return None
        values = np.asarray(signature, dtype=np.uint64)
        best = None
        for key in self.lsh.query(LeanMinHash(seed=1, hashvalues=values, scheme="legacy")):
            if before is not None and key >= before:
                continue
            similarity = np.count_nonzero(self.signatures[key] == values) / NUM_PERM
            if similarity >= threshold and (best is None or key < best):
                best = key
        return best

    def __len__(self) -> int:
        return len(self.signatures)


_cache: dict[int, NearDuplicateIndex] = {}
_lock = threading.Lock()


@contextlib.contextmanager
def workspace_index(workspace_id: int) -> Iterator[NearDuplicateIndex]:
    """The workspace's index of recent original items (not themselves duplicates), up to date with
    the database, held exclusively for the block (so two batches in one process see each other)."""
    from .models import Item

    with _lock:
        index = _cache.get(workspace_id)
        if index is None or time.monotonic() - index.built_at > REBUILD_SECONDS:
            index = NearDuplicateIndex()
            _cache[workspace_id] = index
        rows = (
            Item.objects.filter(
                workspace_id=workspace_id,
                duplicate_of__isnull=True,
                id__gt=index.max_id,
                fetched_at__gte=timezone.now() - timedelta(days=WINDOW_DAYS),
            )
            .order_by("-id")
            .values_list("id", "minhash")[:MAX_INDEXED]
        )
        for key, signature in rows:
            if signature:
                index.add(key, signature)
            index.max_id = max(index.max_id, key)
        yield index


def forget_workspace(workspace_id: int | None = None) -> None:
    with _lock:
        if workspace_id is None:
            _cache.clear()
        else:
            _cache.pop(workspace_id, None)
