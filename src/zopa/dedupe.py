"""Duplicates: exact ones by a content hash, near ones by MinHash LSH whose band hashes live in the database.

- :func:`content_hash` is the sha256 of the normalised cleaned text (Unicode NFKC, case-folded, whitespace
  collapsed), so the same article copied with other line breaks or capitals is the same document.
- :func:`fingerprint` computes a MinHash signature over word shingles and cuts it into LSH bands: the
  signature datasketch 2.0's ``MinHash`` gives (its default "affine32" permutations, seed 1, SHA-1 of each
  shingle), and the bands and rows its LSH picks for a threshold, computed here with NumPy alone, so they
  equal what earlier versions stored (``tests/test_dedupe.py`` checks both against datasketch). Importing
  datasketch imports SciPy's integrator: about 0.7 CPU s at each start of ``zopa``.
  The bands are stored in ``document_bands``; finding the candidates for a new document is one indexed query
  (``zopa.store.documents.documents_sharing_bands``), and only those candidates' signatures are compared, so
  near-duplicate detection grows with the number of candidates, not with the square of the corpus.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

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


_GAUSS_POINTS = 128  # Gauss-Legendre nodes: exact on polynomials of degree <= 255 (bands x rows, num_perm)


@cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimising the chances of a false hit below ``threshold`` plus a miss above
    it, weighted equally (datasketch's ``_optimal_param``; the integrals by Gauss-Legendre quadrature)."""
    nodes, weights = np.polynomial.legendre.leggauss(_GAUSS_POINTS)
    below, above = threshold / 2, (1 - threshold) / 2  # half the width of each interval
    s_below, s_above = below * nodes + below, above * nodes + (1 + threshold) / 2
    best, found = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_hit = below * float(np.dot(weights, _hit(s_below, bands, rows)))
            miss = above * float(np.dot(weights, 1 - _hit(s_above, bands, rows)))
            if 0.5 * false_hit + 0.5 * miss < best:
                best, found = 0.5 * false_hit + 0.5 * miss, (bands, rows)
    return found


def _hit(similarity: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The chance that two documents of this similarity share a band."""
    return np.asarray(1 - (1 - similarity ** float(rows)) ** float(bands))


# datasketch 2.0's "affine32" MinHash: each shingle's SHA-1 (first 4 bytes, little-endian), mixed by the
# MurmurHash3 finalizer, then permuted h -> a * h + b modulo 2^32 with odd a; a and b drawn from NumPy's
# RandomState(1) as datasketch draws them
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(grams: Iterable[bytes], num_perm: int = DEFAULT_NUM_PERM) -> np.ndarray:
    """The MinHash signature (uint32 values) of a set of shingles: all 2^32 - 1 for an empty set."""
    hashed = [int.from_bytes(hashlib.sha1(g).digest()[:4], "little") for g in grams]
    if not hashed:
        return np.full(num_perm, (1 << 32) - 1, dtype=np.uint32)
    hv = np.array(hashed, dtype=np.uint32).reshape(-1, 1)
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    a, b = _permutations(num_perm)
    return np.asarray((hv * a + b).min(axis=0), dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: bytes  # the MinHash hash values (uint64), stored with the document
    bands: tuple[tuple[int, str], ...]  # (band number, hash of that band's rows)


def fingerprint(
    text: str, *, threshold: float = DEFAULT_THRESHOLD, num_perm: int = DEFAULT_NUM_PERM
) -> Fingerprint:
    values = minhash(shingles(text), num_perm).astype(np.uint64)
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
