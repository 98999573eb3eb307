"""Story clustering: the same wire story syndicated by many outlets is one story.

Identity comes in two steps. The canonical URL catches one article reached by several links;
near-duplicate *text* catches the same story under another outlet's headline, boilerplate and
URL. For the second we sign each article's word 5-shingles with MinHash (datasketch) and cut the
signature into LSH bands: two articles sharing any band are the same story. With 6 bands of
5 rows, texts whose shingle sets overlap by Jaccard 0.8 are caught 91 % of the time per pair
(0.9: > 99 %), unrelated texts (< 0.3) almost never (< 0.02 %).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from datasketch import MinHash

__all__ = ["DEFAULT_CLUSTER_POLICY", "ClusterPolicy", "band_keys", "story_signature"]

_WORD = re.compile(r"\w+")
#: The permutations' seed: fixed, so signatures stay comparable across processes and restarts.
_SEED = 7


@dataclass(frozen=True)
class ClusterPolicy:
    bands: int = 6
    rows: int = 5
    shingle_words: int = 5
    #: Stories older than this start a new cluster (the design's 72 h default).
    window_seconds: float = 72 * 3600.0
    #: Texts shorter than this many words are not clustered by text (too little to compare).
    min_words: int = 25

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows


DEFAULT_CLUSTER_POLICY = ClusterPolicy()


def story_signature(text: str, policy: ClusterPolicy = DEFAULT_CLUSTER_POLICY) -> MinHash | None:
    """MinHash of the text's word shingles, or None when the text is too short to compare."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < policy.min_words:
        return None
    size = policy.shingle_words
    shingles = {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}
    template = _template(policy.num_perm)
    signature = MinHash(
        num_perm=policy.num_perm,
        seed=_SEED,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    signature.update_batch(list(shingles))
    return signature


@cache
def _template(num_perm: int) -> MinHash:
    """An empty MinHash whose permutations every signature reuses (drawing them anew took
    0.3 ms per article)."""
    return MinHash(num_perm=num_perm, seed=_SEED)


def band_keys(signature: MinHash, policy: ClusterPolicy = DEFAULT_CLUSTER_POLICY) -> list[bytes]:
    """One short digest per LSH band; articles sharing any digest are one story."""
    values = signature.hashvalues
    keys = []
    for band in range(policy.bands):
        chunk = values[band * policy.rows : (band + 1) * policy.rows].tobytes()
        keys.append(bytes([band]) + hashlib.blake2b(chunk, digest_size=8).digest())
    return keys
