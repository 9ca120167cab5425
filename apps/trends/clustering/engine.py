"""Online story clustering over plain records (no Django): single pass in time order, mini-batched.

Each batch is vectorized (hashed TF-IDF), compared with the centroids of the clusters still alive in the
time window by one sparse product (the CSR x CSC product walks the shared features, which is an inverted
index over the pruned centroids), then with the batch's own new clusters; an item joins the most similar
centroid above the threshold or starts a cluster. Clusters whose centroids converge are merged."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from scipy import sparse

from .text import guess_language
from .vectors import (
    N_FEATURES,
    NEUTRAL_FEATURES,
    DocumentFrequencies,
    anchor_counts,
    number_features,
    term_counts,
    tfidf_matrix,
)


@dataclass(slots=True)
class Record:
    id: int
    title: str
    text: str = ""
    published_at: float = 0.0  # seconds since the epoch
    source: int = 0
    duplicate_of: int | None = None
    language: str = ""
    embedding: np.ndarray | None = None  # unit vector from the workspace's embedding provider


@dataclass(slots=True)
class Params:
    threshold: float = 0.25
    merge_threshold: float = 0.5
    window_hours: float = 72.0
    centroid_terms: int = 64
    chunk_size: int = 1000
    # Clusters told in different scripts (Russian / English) merge when their language-neutral words
    # (numbers, Latin names inside Russian text) agree at least this much; 0 disables the pass.
    cross_lingual_threshold: float = 0.45
    # Dense + sparse: an item and a centroid that both have embeddings compare by
    # dense_weight * cosine(embeddings) + (1 - dense_weight) * cosine(TF-IDF), against a threshold that
    # depends on the item's length in words: piecewise linear in log(words) through these
    # (words, threshold) anchors (chosen on the dev halves of the real sets, see benchmarks/RESULTS.md).
    dense_weight: float = 0.5
    # Consolidation: clusters merge when their centroids' blended similarity (embedding share from
    # dense_weights at the shorter cluster's mean length) reaches merge_dense_threshold, or, when
    # merge_dense_thresholds is given, its value at that length (same interpolation); 0 and () disable the pass.
    merge_dense_threshold: float = 0.0
    merge_dense_thresholds: tuple[tuple[float, float], ...] = ()
    # The consolidation threshold rises by merge_size_slope * log(size of the smaller cluster), up to
    # merge_size_cap: a fragment's centroid is noisy and joins its story at a low similarity, while two
    # clusters of many items each have steady centroids, and if those only half agree they are two stories.
    merge_size_slope: float = 0.0
    merge_size_cap: float = 1.0
    # No chains in one pass: a cluster that has just been absorbed takes no further merge partners (its
    # other pairs scored its own centroid, not the merged one's); the next pass scores the merged cluster.
    # Without it a fragment close to two stories joins them both, and so joins the stories.
    merge_no_chain: bool = False
    dense_thresholds: tuple[tuple[float, float], ...] = ((8.0, 0.45), (30.0, 0.45), (300.0, 0.45))
    # Second chance at the end of each chunk (Clusterer._reassign): an item moves to another cluster, at
    # least as large as its own, that scores better than its own does without it.
    reassign: bool = False

    # The embedding's share by length, same interpolation (a static embedding averages an article's
    # words into its topic, which look-alike events share; the words keep them apart).
    dense_weights: tuple[tuple[float, float], ...] = ()
    # Names and numbers: an item of at least anchor_min_words words (a full article) joins a cluster only
    # when the cosine of their anchor vectors (TF-IDF over capitalized and numeric tokens) reaches
    # anchor_threshold; 0 words disables the check. Clusters keep anchor_terms anchor features.
    anchor_min_words: float = 0.0
    anchor_threshold: float = 0.0
    anchor_terms: int = 32
    # The anchor threshold above is for one item against one item; a centroid of n items is less noisy, so
    # two reports of one event agree more as their clusters grow (and so do two look-alike events). With
    # anchor_cohesion c (the mean anchor cosine of two reports of one event) the threshold for clusters of
    # sizes a and b is anchor_threshold * f(a) * f(b), f(n) = sqrt(n / (1 + (n - 1) c)) (the cosine of an
    # n-item centroid with its event's, relative to one item's); 0 keeps it fixed.
    anchor_cohesion: float = 0.0
    # > 0: the anchors weigh in instead of gating: a gated item's margin gains anchor_weight * (anchor cosine -
    # its threshold), so a close report in other words can outweigh a few names it does not share.
    anchor_weight: float = 0.0
    # Numbers that disagree: a gated item with numbers, none of which a cluster of at least number_min_size
    # members has in half of them or more (while it has such core numbers), loses number_penalty of margin.
    number_penalty: float = 0.0
    number_min_size: int = 3
    number_core: float = 0.5

    def anchor_threshold_for(self, a, b) -> np.ndarray:
        if not self.anchor_cohesion:
            return np.full(np.broadcast(np.asarray(a), np.asarray(b)).shape, self.anchor_threshold)
        c = self.anchor_cohesion

        def f(n) -> np.ndarray:
            n = np.maximum(np.asarray(n, dtype=np.float64), 1.0)
            return np.sqrt(n / (1.0 + (n - 1.0) * c))

        return self.anchor_threshold * f(a) * f(b)

    def threshold_for(self, words: np.ndarray) -> np.ndarray:
        return _interpolate(self.dense_thresholds, words)

    def weight_for(self, words: np.ndarray) -> np.ndarray:
        if not self.dense_weights:
            return np.full(np.shape(words), self.dense_weight)
        return _interpolate(self.dense_weights, words)

    def merge_threshold_for(self, words: np.ndarray) -> np.ndarray:
        if not self.merge_dense_thresholds:
            return np.full(np.shape(words), self.merge_dense_threshold)
        return _interpolate(self.merge_dense_thresholds, words)

    @property
    def consolidates(self) -> bool:
        return self.merge_dense_threshold > 0 or bool(self.merge_dense_thresholds)


def _interpolate(anchors: tuple[tuple[float, float], ...], words: np.ndarray) -> np.ndarray:
    xs = np.log([max(w, 1.0) for w, _v in anchors])
    ys = np.array([v for _w, v in anchors])
    return np.interp(np.log(np.maximum(np.asarray(words, dtype=np.float64), 1.0)), xs, ys)


class Cluster:
    __slots__ = (
        "key",
        "sums",
        "size",
        "first_seen",
        "last_seen",
        "members",
        "alive",
        "cyrillic",
        "_vector",
        "dense",
        "dense_n",
        "anchors",
        "_anchor_vector",
        "words",
        "numbers",
    )

    def __init__(self, key: int, first_seen: float, last_seen: float):
        self.key = key
        self.sums: dict[int, float] = {}
        self.size = 0
        self.cyrillic = 0
        self.first_seen = first_seen
        self.last_seen = last_seen
        self.members: list[int] = []
        self.alive = True
        self._vector: tuple[np.ndarray, np.ndarray] | None = None
        self.dense: np.ndarray | None = None  # sum of the members' embeddings
        self.dense_n = 0
        self.anchors: dict[int, float] = {}  # sum of the members' anchor vectors
        self._anchor_vector: tuple[np.ndarray, np.ndarray] | None = None
        self.words = 0.0  # the members' lengths in words, summed
        self.numbers: dict[int, float] = {}  # how many members have each number

    def core_numbers(self, share: float, min_size: int) -> set[int]:
        return _core_numbers(self.numbers, self.size, share) if self.size >= min_size else set()

    def mean_words(self) -> float:
        return self.words / self.size if self.size else 0.0

    def add_anchors(self, indices: np.ndarray, values: np.ndarray) -> None:
        anchors = self.anchors
        for f, v in zip(indices.tolist(), values.tolist(), strict=True):
            anchors[f] = anchors.get(f, 0.0) + v
        self._anchor_vector = None

    def stored_centroid(self, n: int, n_anchors: int) -> dict[int, float]:
        """What a trend stores: its top n terms, plus its top anchors under negative keys (-1 - feature) and
        its numbers' member counts (NUMBERS_KEY - feature)."""
        out = self.top_terms(n)
        if self.anchors and n_anchors:
            out.update({-1 - f: v for f, v in _top(self.anchors, n_anchors).items()})
        if self.numbers:
            out.update({NUMBERS_KEY - f: v for f, v in _top(self.numbers, NUMBER_TERMS).items()})
        if self.words:
            out[WORDS_KEY] = round(self.mean_words(), 1)
        return out

    def add_dense(self, vector: np.ndarray | None) -> None:
        if vector is None:
            return
        if self.dense is None or self.dense.shape != vector.shape:
            self.dense, self.dense_n = np.array(vector, dtype=np.float32), 1
        else:
            self.dense += vector
            self.dense_n += 1

    def dense_mean(self) -> np.ndarray | None:
        return None if self.dense is None or not self.dense_n else self.dense / self.dense_n

    def subtract_vector(self, indices: np.ndarray, values: np.ndarray) -> None:
        _subtract(self.sums, indices, values)
        self._vector = None

    def subtract_anchors(self, indices: np.ndarray, values: np.ndarray) -> None:
        _subtract(self.anchors, indices, values)
        self._anchor_vector = None

    def add_vector(self, indices: np.ndarray, values: np.ndarray) -> None:
        sums = self.sums
        for f, v in zip(indices.tolist(), values.tolist(), strict=True):
            sums[f] = sums.get(f, 0.0) + v
        self._vector = None

    def absorb(self, other: Cluster) -> None:
        sums = self.sums
        for f, v in other.sums.items():
            sums[f] = sums.get(f, 0.0) + v
        anchors = self.anchors
        for f, v in other.anchors.items():
            anchors[f] = anchors.get(f, 0.0) + v
        self._anchor_vector = None
        numbers = self.numbers
        for f, v in other.numbers.items():
            numbers[f] = numbers.get(f, 0.0) + v
        self.size += other.size
        self.words += other.words
        self.cyrillic += other.cyrillic
        self.members.extend(other.members)
        if other.dense is not None:
            if self.dense is None or self.dense.shape != other.dense.shape:
                self.dense, self.dense_n = other.dense.copy(), other.dense_n
            else:
                self.dense += other.dense
                self.dense_n += other.dense_n
        self.first_seen = min(self.first_seen, other.first_seen)
        self.last_seen = max(self.last_seen, other.last_seen)
        self._vector = None

    def top_terms(self, n: int) -> dict[int, float]:
        return _top(self.sums, n)

    def vector(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The pruned, L2-normalized centroid as (sorted feature indices, values); cached until it changes."""
        if self._vector is None:
            self._vector = _unit(self.top_terms(n))
        return self._vector

    def anchor_vector(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if self._anchor_vector is None:
            self._anchor_vector = _unit(_top(self.anchors, n))
        return self._anchor_vector


# Under this key a stored centroid keeps its members' mean length in words (anchor keys are -1 - feature),
# and under NUMBERS_KEY - feature how many members have each of its NUMBER_TERMS most frequent numbers.
WORDS_KEY = -(1 << 40)
NUMBERS_KEY = -(1 << 41)
NUMBER_TERMS = 16


def _subtract(sums: dict[int, float], indices: np.ndarray, values: np.ndarray) -> None:
    for f, v in zip(indices.tolist(), values.tolist(), strict=True):
        left = sums.get(f, 0.0) - v
        if left > 1e-9:
            sums[f] = left
        else:
            sums.pop(f, None)


def _loo_cosine(indices: np.ndarray, values: np.ndarray, top: tuple[dict[int, float], float]) -> float:
    """Cosine of a member's vector with its cluster's pruned centroid (`top`: unnormalized sums and their
    squared norm) once the member's own share on that support is taken out: leave-one-out, so a member is not
    scored against itself."""
    sums, norm2 = top
    dot = own2 = 0.0
    for f, x in zip(indices.tolist(), values.tolist(), strict=True):
        w = sums.get(f)
        if w is not None:
            dot += x * w
            own2 += x * x
    left2 = norm2 - 2.0 * dot + own2
    return (dot - own2) / left2**0.5 if left2 > 1e-12 else 0.0


def _top(sums: dict[int, float], n: int) -> dict[int, float]:
    if len(sums) <= n:
        return dict(sums)
    keys = np.fromiter(sums.keys(), dtype=np.int64, count=len(sums))
    vals = np.fromiter(sums.values(), dtype=np.float64, count=len(sums))
    top = np.argpartition(-vals, n - 1)[:n]
    return dict(zip(keys[top].tolist(), vals[top].tolist(), strict=True))


def _unit(top: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    idx = np.fromiter(top.keys(), dtype=np.int32, count=len(top))
    val = np.fromiter(top.values(), dtype=np.float64, count=len(top))
    order = np.argsort(idx)
    idx, val = idx[order], val[order]
    norm = float(np.sqrt((val * val).sum())) or 1.0
    return idx, val / norm


@dataclass
class _Chunk:
    """One chunk's records and what scoring them needs: TF-IDF and anchor rows, embeddings (zero rows where
    missing), lengths in words and the per-item thresholds and embedding shares."""

    records: list[Record]
    vectors: sparse.csr_matrix
    anchors: sparse.csr_matrix | None
    times: np.ndarray
    emb: np.ndarray
    has_e: np.ndarray
    words: np.ndarray
    dense_threshold: np.ndarray
    weights: np.ndarray
    gated: np.ndarray  # long items with names or numbers: those weigh in (Params.anchor_*)
    numbers: list[set[int]] = field(default_factory=list)  # each item's numbers (features)

    def row(self, matrix: sparse.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = matrix.indptr[i], matrix.indptr[i + 1]
        return matrix.indices[a:b], matrix.data[a:b]

    def join(self, i: int, cluster: Cluster) -> None:
        r = self.records[i]
        cluster.add_vector(*self.row(self.vectors, i))
        if self.anchors is not None:
            cluster.add_anchors(*self.row(self.anchors, i))
        if self.has_e[i]:
            cluster.add_dense(self.emb[i])
        cluster.size += 1
        cluster.words += float(self.words[i])
        if self.numbers:
            for f in self.numbers[i]:
                cluster.numbers[f] = cluster.numbers.get(f, 0.0) + 1.0
        if _is_russian(r):
            cluster.cyrillic += 1
        cluster.members.append(r.id)
        cluster.first_seen = min(cluster.first_seen, r.published_at)
        cluster.last_seen = max(cluster.last_seen, r.published_at)

    def leave(self, i: int, cluster: Cluster) -> None:
        """Undo join (the cluster's first/last seen stay: they bound the window, a little wide is harmless)."""
        r = self.records[i]
        cluster.subtract_vector(*self.row(self.vectors, i))
        if self.anchors is not None:
            cluster.subtract_anchors(*self.row(self.anchors, i))
        if self.has_e[i] and cluster.dense is not None and cluster.dense_n:
            cluster.dense -= self.emb[i]
            cluster.dense_n -= 1
        cluster.size -= 1
        cluster.words -= float(self.words[i])
        if self.numbers:
            for f in self.numbers[i]:
                left = cluster.numbers.get(f, 0.0) - 1.0
                if left > 0:
                    cluster.numbers[f] = left
                else:
                    cluster.numbers.pop(f, None)
        if _is_russian(r):
            cluster.cyrillic -= 1
        cluster.members.remove(r.id)


def _core_numbers(counts: dict[int, float], size: float, share: float) -> set[int]:
    """The numbers at least `share` of a cluster's (or in-chunk group's) `size` members have."""
    need = share * size
    return {f for f, v in counts.items() if v >= need}


def _groups_disagree(nums: set[int], group_numbers: list[dict[int, float]], sizes: np.ndarray, p: Params) -> np.ndarray:
    """1 for each in-chunk group of at least number_min_size members whose core numbers the item misses."""
    out = np.zeros(len(sizes))
    for g in np.flatnonzero(sizes >= p.number_min_size).tolist():
        core = _core_numbers(group_numbers[g], float(sizes[g]), p.number_core)
        if core and nums.isdisjoint(core):
            out[g] = 1.0
    return out


def _is_russian(r: Record) -> bool:
    return (r.language or guess_language(r.title or r.text[:200])) == "ru"


@dataclass
class BatchResult:
    assignments: dict[int, int] = field(default_factory=dict)  # record id -> cluster key
    similarities: dict[int, float] = field(default_factory=dict)
    duplicates: set[int] = field(default_factory=set)  # record ids that followed their original
    created: set[int] = field(default_factory=set)  # keys of new clusters that survived the batch
    merged: dict[int, int] = field(default_factory=dict)  # absorbed key -> surviving key
    touched: set[int] = field(default_factory=set)  # surviving keys that changed


class Clusterer:
    """Holds the live clusters and document frequencies; feed it batches with add()."""

    def __init__(self, params: Params | None = None, df: DocumentFrequencies | None = None):
        self.params = params or Params()
        self.df = df or DocumentFrequencies()
        self.clusters: dict[int, Cluster] = {}
        self.labels: dict[int, int] = {}
        self._forward: dict[int, int] = {}
        self._new_keys = itertools.count(-1, -1)

    # --- state ----------------------------------------------------------------------------------
    def load_cluster(
        self,
        *,
        key: int,
        centroid: dict[int, float],
        size: int,
        first_seen: float,
        last_seen: float,
        cyrillic: int = 0,
        embedding: np.ndarray | None = None,
        embedded: int = 0,
    ) -> None:
        """Restore a stored cluster (a trend) from its pruned centroid and its members' mean embedding
        (over `embedded` members)."""
        cluster = Cluster(key, first_seen, last_seen)
        for f, v in centroid.items():
            f = int(f)
            if f >= 0:
                cluster.sums[f] = float(v)
            elif f == WORDS_KEY:
                cluster.words = float(v) * size
            elif f <= NUMBERS_KEY:
                cluster.numbers[NUMBERS_KEY - f] = float(v)
            else:
                cluster.anchors[-1 - f] = float(v)
        cluster.size = size
        cluster.cyrillic = cyrillic
        if embedding is not None and embedded > 0:
            cluster.dense = np.asarray(embedding, dtype=np.float32) * embedded
            cluster.dense_n = embedded
        self.clusters[key] = cluster

    def resolve(self, key: int) -> int:
        while key in self._forward:
            key = self._forward[key]
        return key

    def label_of(self, record_id: int) -> int | None:
        key = self.labels.get(record_id)
        return None if key is None else self.resolve(key)

    def final_labels(self) -> dict[int, int]:
        return {rid: self.resolve(key) for rid, key in self.labels.items()}

    def _matrix(self, clusters: list[Cluster], *, anchors: bool = False) -> sparse.csr_matrix:
        n = self.params.anchor_terms if anchors else self.params.centroid_terms
        parts = [c.anchor_vector(n) if anchors else c.vector(n) for c in clusters]
        indptr = np.zeros(len(parts) + 1, dtype=np.int64)
        if parts:
            indptr[1:] = np.cumsum([p[0].size for p in parts])
            idx = np.concatenate([p[0] for p in parts])
            val = np.concatenate([p[1] for p in parts])
        else:
            idx, val = np.zeros(0, dtype=np.int32), np.zeros(0)
        return sparse.csr_matrix((val, idx, indptr), shape=(len(parts), N_FEATURES))

    # --- clustering -----------------------------------------------------------------------------
    def add(self, records: list[Record]) -> BatchResult:
        result = BatchResult()
        records = sorted(records, key=lambda r: (r.published_at, r.id))
        batch_ids = {r.id for r in records}
        originals, followers = [], []
        for r in records:
            dup = r.duplicate_of
            if dup is not None and (dup in self.labels or dup in batch_ids) and dup != r.id:
                followers.append(r)
            else:
                originals.append(r)
        docs = [term_counts(r.title, r.text) for r in originals]
        self.df.add_documents(docs)
        vectors = tfidf_matrix(docs, self.df)
        anchor_vectors = (
            tfidf_matrix([anchor_counts(r.title, r.text) for r in originals], self.df)
            if self.params.anchor_min_words > 0
            else None
        )
        times = np.array([r.published_at for r in originals], dtype=np.float64)
        touched: set[int] = set()
        size = max(1, self.params.chunk_size)
        for start in range(0, len(originals), size):
            stop = min(start + size, len(originals))
            chunk = self._chunk_inputs(
                originals[start:stop],
                vectors[start:stop],
                None if anchor_vectors is None else anchor_vectors[start:stop],
                times[start:stop],
            )
            touched |= self._add_chunk(chunk, result)
            touched |= self._merge(touched)
            if self.params.reassign:
                touched |= self._reassign(chunk, result)
        for r in followers:
            key = self.label_of(r.duplicate_of) if r.duplicate_of is not None else None
            if key is None:
                continue
            self.labels[r.id] = key
            cluster = self.clusters[key]
            cluster.members.append(r.id)
            cluster.last_seen = max(cluster.last_seen, r.published_at)
            result.duplicates.add(r.id)
            result.similarities[r.id] = 1.0
            touched.add(key)
        # (a new cluster whose items all moved on in the second chance is gone)
        result.touched = {k for k in (self.resolve(k) for k in touched) if self.clusters[k].alive}
        result.created = {k for k in result.touched if k in result.created}
        result.assignments = {r.id: self.resolve(self.labels[r.id]) for r in records if r.id in self.labels}
        result.merged = {k: self.resolve(k) for k in self._forward}
        return result

    def _add_chunk(self, chunk: _Chunk, result: BatchResult) -> set[int]:
        """Assign one chunk. Scores against the live clusters do not change inside a chunk (its items join
        them after the loop), so they come from one sparse product and one dense matmul for the whole chunk;
        only the chunk's own new groups are scored item by item, from the items' dot products with the
        earlier items of the chunk summed per group (np.bincount), sparse and dense alike."""
        p = self.params
        window = p.window_hours * 3600.0
        records, vectors, anchors, times = chunk.records, chunk.vectors, chunk.anchors, chunk.times
        active = self._active(float(times[0]))
        n = vectors.shape[0]
        emb, has_e = chunk.emb, chunk.has_e
        dense_threshold, weights, threshold, gated = chunk.dense_threshold, chunk.weights, p.threshold, chunk.gated
        dim = emb.shape[1]
        any_gated = bool(gated.any())

        # Best live cluster per item, for the whole chunk at once.
        live_kind = np.full(n, -1, dtype=np.int64)
        live_index = np.zeros(n, dtype=np.int64)
        live_score = np.zeros(n, dtype=np.float64)
        live_margin = np.zeros(n, dtype=np.float64)
        if active:
            margin, score = self._live_scores(chunk, active)
            k = margin.argmax(axis=1)
            rows = np.arange(n)
            live_margin = margin[rows, k]
            live_score = score[rows, k]
            live_index = k
            live_kind = np.where(live_margin >= 0.0, 0, -1)
            del margin, score

        pairwise = (vectors @ vectors.T).tocsr()
        pairwise.sort_indices()
        # (an empty matrix without embeddings: item_dense is then never true)
        pair_dense = emb @ emb.T if dim else np.zeros((0, 0), dtype=np.float64)
        pair_anchor = (anchors @ anchors.T).toarray() if any_gated and anchors is not None else None
        group_anorm2 = np.zeros(n, dtype=np.float64)  # |sum of members' anchor vectors|^2
        group = np.full(n, -1, dtype=np.int64)  # index of the chunk-new group each item started or joined
        group_norm2 = np.zeros(n, dtype=np.float64)  # |sum of members' TF-IDF vectors|^2
        group_dnorm2 = np.zeros(n, dtype=np.float64)  # |sum of members' embeddings|^2
        group_last = np.zeros(n, dtype=np.float64)
        group_size = np.zeros(n, dtype=np.float64)
        group_numbers: list[dict[int, float]] = []  # per group: how many members have each number
        n_groups = 0
        choice: list[tuple[int, int, float]] = []  # (kind 0=existing 1=new, index, similarity)
        w_ptr, w_idx, w_val = pairwise.indptr, pairwise.indices, pairwise.data
        for i in range(n):
            t_i = times[i]
            best_kind, best_index = int(live_kind[i]), int(live_index[i])
            best_sim = float(live_score[i]) if best_kind == 0 else 0.0
            best_margin = float(live_margin[i]) if best_kind == 0 else 0.0
            item_dense = bool(has_e[i])
            g = n_groups
            sums = None
            dsums = None
            asums = None
            if pair_anchor is not None and g:
                asums = np.bincount(group[:i][group[:i] >= 0], weights=pair_anchor[i, :i][group[:i] >= 0], minlength=g)
            if g:
                labels_before = group[:i]
                mine = labels_before >= 0
                a, b = w_ptr[i], w_ptr[i + 1]
                cols = w_idx[a:b]
                earlier = cols < i
                sparse_g = np.zeros(g, dtype=np.float64)
                if earlier.any():
                    cols, vals = cols[earlier], w_val[a:b][earlier]
                    labels = group[cols]
                    keep = labels >= 0
                    if keep.any():
                        sums = np.bincount(labels[keep], weights=vals[keep], minlength=g)
                        sparse_g = sums / np.sqrt(group_norm2[:g])
                if item_dense:
                    dsums = np.bincount(labels_before[mine], weights=pair_dense[i, :i][mine], minlength=g)
                    dn2 = group_dnorm2[:g]
                    g_has = dn2 > 0
                    dense_g = np.where(g_has, dsums / np.sqrt(np.where(g_has, dn2, 1.0)), 0.0)
                    weight_i = float(weights[i])
                    combined = weight_i * dense_g + (1.0 - weight_i) * sparse_g
                    margin = np.where(g_has, combined - dense_threshold[i], sparse_g - threshold)
                    score = np.where(g_has, combined, sparse_g)
                else:
                    margin, score = sparse_g - threshold, sparse_g
                if gated[i]:
                    an2 = group_anorm2[:g]
                    anchor_g = np.where(an2 > 0, asums / np.sqrt(np.where(an2 > 0, an2, 1.0)), 0.0)
                    needed_g = p.anchor_threshold_for(1, group_size[:g])
                    if p.anchor_weight:
                        margin = margin + p.anchor_weight * (anchor_g - needed_g)
                    else:
                        margin[anchor_g < needed_g] = -1.0
                if chunk.numbers and gated[i] and chunk.numbers[i]:
                    margin = margin - p.number_penalty * _groups_disagree(
                        chunk.numbers[i], group_numbers, group_size[:g], p
                    )
                margin[group_last[:g] < t_i - window] = -1.0
                k = int(margin.argmax())
                if margin[k] >= best_margin and (best_kind < 0 or margin[k] > best_margin):
                    best_kind, best_index, best_sim, best_margin = 1, k, float(score[k]), float(margin[k])
            if best_kind == 0:
                choice.append((0, best_index, best_sim))
                continue
            if best_kind == 1:
                dot = float(sums[best_index]) if sums is not None else 0.0
                group_norm2[best_index] += 2.0 * dot + 1.0
                group_last[best_index] = float(t_i)
                group_size[best_index] += 1
                group[i] = best_index
                if chunk.numbers:
                    counts = group_numbers[best_index]
                    for f in chunk.numbers[i]:
                        counts[f] = counts.get(f, 0.0) + 1.0
                choice.append((1, best_index, best_sim))
            else:
                best_index = group[i] = n_groups
                n_groups += 1
                group_norm2[best_index] = 1.0
                group_last[best_index] = float(t_i)
                group_size[best_index] = 1
                group_numbers.append(dict.fromkeys(chunk.numbers[i], 1.0) if chunk.numbers else {})
                choice.append((1, best_index, 1.0))
            if pair_anchor is not None:
                adot = float(asums[best_index]) if asums is not None and best_index < len(asums) else 0.0
                group_anorm2[best_index] += 2.0 * adot + float(pair_anchor[i, i])
            if item_dense:
                ddot = float(dsums[best_index]) if dsums is not None and best_index < len(dsums) else 0.0
                group_dnorm2[best_index] += 2.0 * ddot + float(pair_dense[i, i])
        touched: set[int] = set()
        new_clusters: dict[int, Cluster] = {}
        for i, (kind, index, sim) in enumerate(choice):
            r = records[i]
            if kind == 0:
                cluster = active[index]
            else:
                found = new_clusters.get(index)
                if found is None:
                    found = new_clusters[index] = Cluster(next(self._new_keys), r.published_at, r.published_at)
                    self.clusters[found.key] = found
                    result.created.add(found.key)
                cluster = found
            chunk.join(i, cluster)
            self.labels[r.id] = cluster.key
            result.similarities[r.id] = sim
            touched.add(cluster.key)
        return touched

    def _active(self, start: float) -> list[Cluster]:
        horizon = start - self.params.window_hours * 3600.0
        return [c for c in self.clusters.values() if c.alive and c.last_seen >= horizon]

    def _chunk_inputs(self, records: list[Record], vectors, anchors, times: np.ndarray) -> _Chunk:
        p = self.params
        n = vectors.shape[0]
        # Dense side: the chunk's embeddings (rows of zeros where missing).
        dims = {r.embedding.shape[0] for r in records if r.embedding is not None}
        dim = max(dims) if dims else 0
        has_e = np.array([r.embedding is not None and r.embedding.shape[0] == dim for r in records], dtype=bool)
        emb = np.zeros((n, dim), dtype=np.float32)
        if dim and has_e.any():
            rows_e = np.flatnonzero(has_e)
            emb[rows_e] = np.stack([e for i in rows_e.tolist() if (e := records[i].embedding) is not None])
            # A zero vector is a provider's "no signal" (a text in a script its model does not read).
            has_e &= np.einsum("ij,ij->i", emb, emb) > 0
        words = np.array([len(f"{r.title} {r.text[:6000]}".split()) for r in records], dtype=np.float64)
        gated = (
            (words >= p.anchor_min_words) & (np.diff(anchors.indptr) > 0)
            if anchors is not None
            else np.zeros(n, dtype=bool)
        )
        chunk = _Chunk(
            records, vectors, anchors, times, emb, has_e, words, p.threshold_for(words), p.weight_for(words), gated
        )
        if p.number_penalty:
            chunk.numbers = [number_features(r.title, r.text) for r in records]
        return chunk

    def _live_scores(self, chunk: _Chunk, active: list[Cluster]) -> tuple[np.ndarray, np.ndarray]:
        """(margin over the item's threshold, similarity) of every chunk item with every live cluster: one sparse
        product and one dense matmul; a margin of -1 where the anchors disagree or the cluster is out of the window."""
        p = self.params
        sparse_live = (chunk.vectors @ self._matrix(active).T).toarray()
        margin = sparse_live - p.threshold
        score = sparse_live
        emb, has_e = chunk.emb, chunk.has_e
        dim = emb.shape[1]
        if dim:
            live_dense = np.zeros((len(active), dim), dtype=np.float32)
            with_dense = [
                j for j, c in enumerate(active) if c.dense is not None and c.dense_n and c.dense.shape[0] == dim
            ]
            if with_dense:
                live_dense[with_dense] = np.stack([cast(np.ndarray, active[j].dense) for j in with_dense])
            norms = np.linalg.norm(live_dense, axis=1)
            live_has = norms > 0
            live_dense[live_has] /= norms[live_has, None]
            if live_has.any() and has_e.any():
                w = chunk.weights[:, None]
                combined = w * (emb @ live_dense.T) + (1.0 - w) * sparse_live
                blended = has_e[:, None] & live_has[None, :]
                margin = np.where(blended, combined - chunk.dense_threshold[:, None], margin)
                score = np.where(blended, combined, score)
        if chunk.anchors is not None and chunk.gated.any():
            anchor_live = (chunk.anchors @ self._matrix(active, anchors=True).T).toarray()
            needed = p.anchor_threshold_for(1, np.array([c.size for c in active], dtype=np.float64))
            if p.anchor_weight:
                margin = np.where(
                    chunk.gated[:, None], margin + p.anchor_weight * (anchor_live - needed[None, :]), margin
                )
            else:
                margin[chunk.gated[:, None] & (anchor_live < needed[None, :])] = -1.0
        if chunk.numbers:
            margin -= p.number_penalty * self._numbers_disagree(chunk, active)
        last_seen = np.array([c.last_seen for c in active], dtype=np.float64)
        margin[last_seen[None, :] < (chunk.times - p.window_hours * 3600.0)[:, None]] = -1.0
        return margin, score

    def _numbers_disagree(self, chunk: _Chunk, active: list[Cluster]) -> np.ndarray:
        """(items x clusters) 1 where a gated item's numbers miss all of a cluster's core numbers."""
        p = self.params
        out = np.zeros((len(chunk.records), len(active)))
        cores = [c.core_numbers(p.number_core, p.number_min_size) for c in active]
        with_core = [j for j, core in enumerate(cores) if core]
        for i, nums in enumerate(chunk.numbers):
            if nums and chunk.gated[i]:
                for j in with_core:
                    if nums.isdisjoint(cores[j]):
                        out[i, j] = 1.0
        return out

    def _reassign(self, chunk: _Chunk, result: BatchResult) -> set[int]:
        """Second chance at the end of a chunk: each of its items is scored again against the clusters as they
        now are (its own cluster without itself), and moves where another cluster scores better. An item that started a cluster before its story's cluster had formed, or joined a
        fragment's centroid while it was one item, goes where it belongs. Returns the changed keys."""
        active = self._active(float(chunk.times[0]))
        if not active:
            return set()
        margin, score = self._live_scores(chunk, active)
        position = {c.key: j for j, c in enumerate(active)}
        own = np.array([position.get(self.resolve(self.labels[r.id]), -1) for r in chunk.records], dtype=np.int64)
        stay = self._own_margins(chunk, [active[j] if j >= 0 else None for j in own.tolist()])
        rows = np.arange(len(own))
        margin[rows[own >= 0], own[own >= 0]] = -np.inf
        best = margin.argmax(axis=1)
        best_margin = margin[rows, best]
        # Only towards a cluster at least as large as the item's own: a member of a large cluster scores low
        # against it without itself (a short item shares few words with any centroid), and moving it to a
        # fragment that happens to share them would split the story (titles only: recall 0.85 -> 0.84).
        sizes = np.array([c.size for c in active], dtype=np.float64)
        upward = sizes[best] >= sizes[np.maximum(own, 0)]
        moves = (own >= 0) & upward & (best_margin >= 0.0) & (best_margin > stay)
        changed: set[int] = set()
        for i in np.flatnonzero(moves).tolist():
            source, target = active[own[i]], active[best[i]]
            chunk.leave(i, source)
            chunk.join(i, target)
            self.labels[chunk.records[i].id] = target.key
            result.similarities[chunk.records[i].id] = float(score[i, best[i]])
            changed |= {source.key, target.key}
            if source.size <= 0:
                source.alive, source.sums = False, {}
        return changed

    def _own_margins(self, chunk: _Chunk, owners: list[Cluster | None]) -> np.ndarray:
        """Each item's margin with its own cluster, leave-one-out (-1 for an item alone in its cluster)."""
        p = self.params
        out = np.full(len(owners), -1.0)
        tops: dict[int, tuple[tuple[dict[int, float], float], tuple[dict[int, float], float]]] = {}
        for i, c in enumerate(owners):
            if c is None or c.size <= 1:
                continue
            if c.key not in tops:
                top_terms, top_anchors = c.top_terms(p.centroid_terms), _top(c.anchors, p.anchor_terms)
                tops[c.key] = (
                    (top_terms, sum(v * v for v in top_terms.values())),
                    (top_anchors, sum(v * v for v in top_anchors.values())),
                )
            terms, anchors = tops[c.key]
            anchor_gap = 0.0
            if chunk.gated[i] and chunk.anchors is not None:
                anchor_gap = _loo_cosine(*chunk.row(chunk.anchors, i), anchors) - float(
                    p.anchor_threshold_for(1, c.size - 1)
                )
                if anchor_gap < 0 and not p.anchor_weight:
                    continue
            sparse_sim = _loo_cosine(*chunk.row(chunk.vectors, i), terms)
            out[i] = sparse_sim - p.threshold
            if chunk.has_e[i] and c.dense is not None and c.dense_n > 1:
                e = chunk.emb[i].astype(np.float64)
                dot, own2 = float(e @ c.dense), float(e @ e)
                left2 = float(c.dense @ c.dense) - 2.0 * dot + own2
                if left2 > 1e-12:
                    w = float(chunk.weights[i])
                    dense_sim = (dot - own2) / left2**0.5
                    out[i] = w * dense_sim + (1.0 - w) * sparse_sim - float(chunk.dense_threshold[i])
            out[i] += p.anchor_weight * anchor_gap
            nums = chunk.numbers[i] if chunk.numbers else None
            if nums and chunk.gated[i] and c.size - 1 >= p.number_min_size:
                need = p.number_core * (c.size - 1)
                core = [f for f, v in c.numbers.items() if v - (f in nums) >= need]
                if core and nums.isdisjoint(core):
                    out[i] -= p.number_penalty
        return out

    def _merge(self, touched: set[int]) -> set[int]:
        """Merge touched clusters into live clusters whose centroids have converged (union-find)."""
        keys = list(dict.fromkeys(k for k in (self.resolve(k) for k in touched) if self.clusters[k].alive))
        if not keys:
            return set()
        changed = set(keys)
        # Without chains a pass merges each cluster once; the merged clusters are scored again, with their
        # new centroids, until nothing more converges (a few rounds at most).
        for _round in range(4 if self.params.merge_no_chain else 1):
            pairs = self._merge_pairs(keys)
            survivors = self._apply_merges(pairs) if pairs else set()
            changed |= survivors
            keys = [k for k in survivors if self.clusters[k].alive]
            if not keys:
                break
        return {self.resolve(k) for k in changed}

    def _merge_pairs(self, keys: list[int]) -> list[tuple[float, int, int]]:
        p = self.params
        newest = max(self.clusters[k].last_seen for k in keys)
        horizon = newest - p.window_hours * 3600.0
        active = [c for c in self.clusters.values() if c.alive and c.last_seen >= horizon]
        overlap = (self._matrix([self.clusters[k] for k in keys]) @ self._matrix(active).T).tocoo()
        strong = overlap.data >= p.merge_threshold
        pairs = [
            (float(v), keys[r], active[c].key)
            for r, c, v in zip(
                overlap.row[strong].tolist(), overlap.col[strong].tolist(), overlap.data[strong].tolist(), strict=True
            )
            if keys[r] != active[c].key and self._close_in_time(keys[r], active[c].key)
        ]
        if p.consolidates:
            pairs += self._dense_pairs(keys, active, overlap)
        if p.anchor_min_words > 0:
            pairs = [(sim, x, y) for sim, x, y in pairs if self._anchors_agree(x, y)]
        if p.cross_lingual_threshold > 0:
            # Across scripts only the Latin names and numbers can be shared, so their cosine stays low however
            # large the clusters grow: the one-item threshold, not the size-aware one.
            pairs += [
                (sim, x, y)
                for sim, x, y in self._cross_lingual_pairs(keys, active, overlap)
                if p.anchor_min_words <= 0 or self._anchors_agree(x, y, sized=False)
            ]
        return pairs

    def _apply_merges(self, pairs: list[tuple[float, int, int]]) -> set[int]:
        """Merge the pairs, most similar first; returns the surviving keys."""
        parent: dict[int, int] = {}

        def find(k: int) -> int:
            while parent.get(k, k) != k:
                k = parent[k]
            return k

        for _sim, x, y in sorted(pairs, reverse=True):
            rx, ry = find(x), find(y)
            if rx == ry:
                continue
            if self.params.merge_no_chain and (rx != x or ry != y):
                continue
            survivor, absorbed = self._survivor(rx, ry)
            parent[absorbed] = survivor
        survivors = set()
        for absorbed in list(parent):
            survivor = find(absorbed)
            a, s = self.clusters[absorbed], self.clusters[survivor]
            s.absorb(a)
            a.alive = False
            a.sums = {}
            self._forward[absorbed] = survivor
            survivors.add(survivor)
        return survivors

    def _dense_pairs(self, keys: list[int], active: list[Cluster], overlap) -> list[tuple[float, int, int]]:
        """Pairs of clusters (both with embeddings) whose combined centroid similarity — the same blend of
        embedding and TF-IDF cosines items are assigned by — reaches merge_dense_threshold."""
        p = self.params
        touched = [self.clusters[k] for k in keys]
        dims = {c.dense.shape[0] for c in touched if c.dense is not None and c.dense_n}
        if len(dims) != 1 or not active:
            return []
        dim = dims.pop()

        def unit(clusters: list[Cluster]) -> tuple[np.ndarray, np.ndarray]:
            m = np.zeros((len(clusters), dim), dtype=np.float32)
            ok = np.zeros(len(clusters), dtype=bool)
            for j, c in enumerate(clusters):
                if c.dense is not None and c.dense_n and c.dense.shape[0] == dim:
                    norm = float(np.linalg.norm(c.dense))
                    if norm > 0:
                        m[j], ok[j] = c.dense / norm, True
            return m, ok

        t_m, t_ok = unit(touched)
        a_m, a_ok = unit(active)
        # The shorter cluster's mean length decides the embedding's share and the threshold.
        words = np.minimum.outer(
            np.array([c.mean_words() for c in touched], dtype=np.float64),
            np.array([c.mean_words() for c in active], dtype=np.float64),
        )
        weight = p.weight_for(words).astype(np.float32)
        combined = weight * (t_m @ a_m.T)
        if overlap.nnz:
            np.add.at(
                combined,
                (overlap.row, overlap.col),
                (1.0 - weight[overlap.row, overlap.col]) * overlap.data.astype(np.float32),
            )
        combined[~t_ok, :] = 0.0
        combined[:, ~a_ok] = 0.0
        needed = p.merge_threshold_for(words)
        if p.merge_size_slope:
            sizes = np.minimum.outer(
                np.array([c.size for c in touched], dtype=np.float64),
                np.array([c.size for c in active], dtype=np.float64),
            )
            needed = np.minimum(needed + p.merge_size_slope * np.log(np.maximum(sizes, 1.0)), p.merge_size_cap)
        rows, cols = np.nonzero(combined >= needed)
        return [
            (float(combined[r, c]), keys[r], active[c].key)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
            if keys[r] != active[c].key and self._close_in_time(keys[r], active[c].key)
        ]

    def _cross_lingual_pairs(self, keys: list[int], active: list[Cluster], overlap) -> list[tuple[float, int, int]]:
        """Pairs of a mostly-Russian and a mostly-English cluster whose language-neutral features (numbers
        and Latin-script names, which Russian news keeps as they are) agree. Scored on the Russian side's
        neutral features: cosine on that support times the share of its neutral weight the other covers, so
        one shared company name is not enough and the numbers of the event decide."""
        pairs: list[tuple[float, int, int]] = []
        threshold = self.params.cross_lingual_threshold
        key_ru = np.array([self.clusters[k].cyrillic * 2 > self.clusters[k].size for k in keys], dtype=bool)
        active_ru = np.array([c.cyrillic * 2 > c.size for c in active], dtype=bool)
        if not (key_ru.any() or active_ru.any()):
            return pairs  # one script only: nothing to bridge (the common case, kept free)
        mixed = key_ru[overlap.row] != active_ru[overlap.col]
        candidates: dict[int, list[int]] = {}
        for r, c in zip(overlap.row[mixed].tolist(), overlap.col[mixed].tolist(), strict=True):
            candidates.setdefault(r, []).append(c)
        for r, cols in candidates.items():
            x = self.clusters[keys[r]]
            x_ru = x.cyrillic * 2 > x.size
            best: tuple[float, int | None] = (0.0, None)
            for c in cols:
                y = active[c]
                if y.key == x.key or (y.cyrillic * 2 > y.size) == x_ru or not self._close_in_time(x.key, y.key):
                    continue
                ru, en = (x, y) if x_ru else (y, x)
                score = _neutral_agreement(ru.sums, en.sums)
                if score > best[0]:
                    best = (score, y.key)
            score, other = best
            if other is not None and score >= threshold:
                pairs.append((score, x.key, other))
        return pairs

    def _anchors_agree(self, x: int, y: int, *, sized: bool = True) -> bool:
        """Two clusters of long items merge only when their names and numbers agree (as items join)."""
        p = self.params
        cx, cy = self.clusters[x], self.clusters[y]
        if min(cx.mean_words(), cy.mean_words()) < p.anchor_min_words or not (cx.anchors and cy.anchors):
            return True
        (ix, vx), (iy, vy) = cx.anchor_vector(p.anchor_terms), cy.anchor_vector(p.anchor_terms)
        _common, ax, ay = np.intersect1d(ix, iy, assume_unique=True, return_indices=True)
        needed = float(p.anchor_threshold_for(cx.size, cy.size)) if sized else p.anchor_threshold
        return float(vx[ax] @ vy[ay]) >= needed

    def _close_in_time(self, x: int, y: int) -> bool:
        cx, cy = self.clusters[x], self.clusters[y]
        gap = max(cx.first_seen, cy.first_seen) - min(cx.last_seen, cy.last_seen)
        return gap <= self.params.window_hours * 3600.0

    def _survivor(self, x: int, y: int) -> tuple[int, int]:
        """Stored clusters (positive keys) outlive new ones; then the larger; then the older key."""
        cx, cy = self.clusters[x], self.clusters[y]
        rank_x = (x > 0, cx.size, -abs(x))
        rank_y = (y > 0, cy.size, -abs(y))
        return (x, y) if rank_x >= rank_y else (y, x)


def _neutral_agreement(ru: dict[int, float], en: dict[int, float]) -> float:
    anchors = {f: v for f, v in ru.items() if f in NEUTRAL_FEATURES}
    if len(anchors) < 2:
        return 0.0
    total = sum(v * v for v in anchors.values())
    dot = restricted = covered = 0.0
    for f, v in anchors.items():
        w = en.get(f, 0.0)
        if w:
            dot += v * w
            restricted += w * w
            covered += v * v
    if not dot:
        return 0.0
    return dot / (total**0.5 * restricted**0.5) * (covered / total)


def cluster_records(records: list[Record], params: Params | None = None) -> dict[int, int]:
    """Cluster records from scratch; returns record id -> cluster key."""
    clusterer = Clusterer(params)
    clusterer.add(records)
    return clusterer.final_labels()


def cluster_all_pairs(records: list[Record], params: Params | None = None, block: int = 512) -> dict[int, int]:
    """The brute-force baseline: every item is compared with every earlier item in the time window
    (dense all-pairs cosine); it joins its nearest neighbour's cluster above the threshold."""
    p = params or Params()
    records = sorted(records, key=lambda r: (r.published_at, r.id))
    df = DocumentFrequencies()
    docs = [term_counts(r.title, r.text) for r in records]
    df.add_documents(docs)
    vectors = tfidf_matrix(docs, df)
    times = np.array([r.published_at for r in records])
    window = p.window_hours * 3600.0
    labels = np.full(len(records), -1, dtype=np.int64)
    next_label = 0
    for start in range(0, len(records), block):
        stop = min(start + block, len(records))
        lo = int(np.searchsorted(times, times[start] - window, side="left"))
        sims = (vectors[start:stop] @ vectors[lo:stop].T).toarray()
        for i in range(start, stop):
            row = sims[i - start, : i - lo]
            row = np.where(times[lo:i] >= times[i] - window, row, 0.0)
            j = int(row.argmax()) if row.size else -1
            if j >= 0 and row[j] >= p.threshold:
                labels[i] = labels[lo + j]
            else:
                labels[i] = next_label
                next_label += 1
    return {r.id: int(label) for r, label in zip(records, labels, strict=True)}
