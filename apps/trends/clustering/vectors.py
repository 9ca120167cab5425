"""Hashed TF-IDF vectors: stems are hashed into a fixed feature space (no vocabulary to store or grow),
document frequencies live in one int32 array that can be saved with the workspace."""

from __future__ import annotations

import zlib
from collections import Counter
from functools import lru_cache

import mmh3
import numpy as np
from scipy import sparse

from .text import TOKEN_PATTERN, normalize_token

N_FEATURES = 1 << 20
TITLE_WEIGHT = 2
MAX_BODY_TOKENS = 80

_feature_cache: dict[str, int] = {}


def feature_of(stem: str) -> int:
    feature = _feature_cache.get(stem)
    if feature is None:
        feature = mmh3.hash(stem, 0, signed=False) % N_FEATURES  # MurmurHash3 x86 32-bit of the UTF-8
        if len(_feature_cache) < 1_000_000:
            _feature_cache[stem] = feature
    return feature


# Features of language-neutral stems (numbers, Latin-script words): what Russian and English reports of
# one event share. Filled as tokens are first seen; used by the cross-lingual merge.
NEUTRAL_FEATURES: set[int] = set()


@lru_cache(maxsize=500_000)
def token_feature(token: str) -> int:
    """Feature of one lower-cased raw token (-1 for a stop word): one cache lookup per token."""
    stem = normalize_token(token)
    if not stem:
        return -1
    feature = feature_of(stem)
    if stem.isascii():
        NEUTRAL_FEATURES.add(feature)
    return feature


def features_of(text: str) -> list[int]:
    return [f for f in map(token_feature, TOKEN_PATTERN.findall(text.lower())) if f >= 0]


def term_counts(title: str, text: str) -> Counter:
    """Feature counts of one document: title words count TITLE_WEIGHT times, the body's first words once."""
    counts: Counter = Counter(features_of(text)[:MAX_BODY_TOKENS])
    for feature in features_of(title):
        counts[feature] += TITLE_WEIGHT
    return counts


# Anchors: the names and numbers of a text (capitalized or numeric tokens, in the text's own case), in the same
# feature space. Two look-alike events (two earthquakes, two rehab check-ins) share their topic words and their
# embedding's topic; their people, places and figures differ.
MAX_ANCHOR_TOKENS = 400


def anchor_counts(title: str, text: str) -> Counter:
    """Feature counts of a document's names and numbers: tokens that start with a capital letter or a digit
    (stop words, such as a capitalized sentence-initial "The", drop out), from the title and the body's start."""
    counts: Counter = Counter()
    for part in (title, text):
        tokens = TOKEN_PATTERN.findall(part or "")
        for token in tokens[:MAX_ANCHOR_TOKENS]:
            if token[0].isupper() or token[0].isdigit():
                feature = token_feature(token.lower())
                if feature >= 0:
                    counts[feature] += 1
    return counts


class DocumentFrequencies:
    """How many documents contained each hashed feature; gives the IDF weights."""

    def __init__(self, counts: np.ndarray | None = None, n_docs: int = 0):
        self.counts = counts if counts is not None else np.zeros(N_FEATURES, dtype=np.int32)
        self.n_docs = n_docs

    def add_documents(self, docs: list[Counter]) -> None:
        features = np.fromiter((f for doc in docs for f in doc), dtype=np.int64)
        if features.size:
            self.counts += np.bincount(features, minlength=N_FEATURES).astype(np.int32)
        self.n_docs += len(docs)

    def idf(self, features: np.ndarray) -> np.ndarray:
        df = self.counts[features].astype(np.float64)
        return np.log((self.n_docs + 1.0) / (df + 1.0)) + 1.0

    def to_bytes(self) -> bytes:
        return zlib.compress(self.counts.tobytes(), 3)

    @classmethod
    def from_bytes(cls, data: bytes | memoryview | None, n_docs: int) -> DocumentFrequencies:
        if not data:
            return cls(n_docs=0)
        counts = np.frombuffer(zlib.decompress(bytes(data)), dtype=np.int32).copy()
        if counts.size != N_FEATURES:
            return cls(n_docs=0)
        return cls(counts, n_docs)


def tfidf_matrix(docs: list[Counter], df: DocumentFrequencies) -> sparse.csr_matrix:
    """Rows are L2-normalized sublinear TF-IDF vectors of the documents."""
    indptr = [0]
    indices: list[int] = []
    tf: list[int] = []
    for doc in docs:
        indices.extend(doc.keys())
        tf.extend(doc.values())
        indptr.append(len(indices))
    idx = np.asarray(indices, dtype=np.int64)
    data = (1.0 + np.log(np.asarray(tf, dtype=np.float64))) * df.idf(idx) if idx.size else np.zeros(0)
    matrix = sparse.csr_matrix(
        (data, idx.astype(np.int32), np.asarray(indptr, dtype=np.int64)), shape=(len(docs), N_FEATURES)
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def number_features(title: str, text: str) -> set[int]:
    """The features of a document's numbers (tokens that start with a digit), from the title and the body's start."""
    out: set[int] = set()
    for part in (title, text):
        for token in TOKEN_PATTERN.findall(part or "")[:MAX_ANCHOR_TOKENS]:
            if token[0].isdigit():
                feature = token_feature(token.lower())
                if feature >= 0:
                    out.add(feature)
    return out
