"""Duplicates: exact ones by a content hash, near ones by MinHash LSH whose band hashes live in the database.

- :func:`content_hash` is the sha256 of the normalised cleaned text (Unicode NFKC, case-folded, whitespace
  collapsed), so the same article copied with other line breaks or capitals is the same document.
- :func:`fingerprint` computes a MinHash signature (datasketch) over word shingles and cuts it into LSH bands.
  The bands are stored in ``document_bands``; finding the candidates for a new document is one indexed query
  (``zopa.store.documents.documents_sharing_bands``), and only those candidates' signatures are compared, so
  near-duplicate detection grows with the number of candidates, not with the square of the corpus.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash

DEFAULT_NUM_PERM = 128
DEFAULT_THRESHOLD = 0.8
SHINGLE_WORDS = 3
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form two copies of one article share: NFKC, case-folded, single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(normalise(text))
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


@cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) balancing misses and false hits around ``threshold`` (as datasketch)."""
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: bytes  # the MinHash hash values (uint64), stored with the document
    bands: tuple[tuple[int, str], ...]  # (band number, hash of that band's rows)


def fingerprint(
    text: str, *, threshold: float = DEFAULT_THRESHOLD, num_perm: int = DEFAULT_NUM_PERM
) -> Fingerprint:
    minhash = MinHash(num_perm=num_perm)
    grams = shingles(text)
    if grams:
        minhash.update_batch(list(grams))
    values = np.asarray(minhash.hashvalues, dtype=np.uint64)
    bands, rows = lsh_params(threshold, num_perm)
    keyed = tuple(
        (band, hashlib.blake2b(values[band * rows : (band + 1) * rows].tobytes(), digest_size=16).hexdigest())
        for band in range(bands)
    )
    return Fingerprint(signature=values.tobytes(), bands=keyed)


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures (same number of permutations)."""
    a = np.frombuffer(signature_a, dtype=np.uint64)
    b = np.frombuffer(signature_b, dtype=np.uint64)
    if a.shape != b.shape or a.size == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(a.size)
