"""Random numbers that belong to things: every lead, rep and week owns its numbers by address.

A replication's root key comes from its `SeedSequence` child. Each thing that needs randomness
gets a 64-bit key derived from its parent's key and its own name or position (a channel by its
name, a week, a lead within its channel's week, a rep, an outbound week), and its numbers are
read by a fixed index: a lead's fit is always its number `FIT`, attempt k of visit v always the
same number. So no decision consumes a number another decision would have used, and a changed
branch moves nothing else: two scenarios run on the same seed share their numbers lead by lead
(common random numbers that really pair). Naming channels by name means inserting a channel
never shifts another channel's leads.

The generator is SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
generators", OOPSLA 2014) read by index: number i of key K is mix64(K + (i + 1) * GAMMA), the
i-th output of the SplitMix64 sequence seeded with K. It passes BigCrush as a sequence, and read
by index it is a counter-based generator in the sense of Salmon et al. ("Parallel random numbers:
as easy as 1, 2, 3", SC 2011): numpy evaluates it for any array of keys and indices at once,
which a `SeedSequence` per lead (16-22 us each) could not.
"""

from __future__ import annotations

import hashlib
from typing import Any, overload

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)  # the golden-ratio Weyl increment of SplitMix64
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(k) for k in (30, 27, 31, 11))
_ONE = np.uint64(1)
_S32, _LOW32 = np.uint64(32), np.uint64(0xFFFFFFFF)
_TO_UNIT = 2.0**-53
_TO_UNIT_32 = 2.0**-32


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function (a bijection of 64-bit words), on a copy of `z`."""
    z = np.array(z, dtype=np.uint64, copy=True)
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def derive(key: np.ndarray | int, index: np.ndarray | int) -> np.ndarray:
    """Word `index` of each `key` (broadcasting): a child key or the bits of one number."""
    k = np.asarray(key, dtype=np.uint64)
    i = np.asarray(index, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return mix64(k + (i + _ONE) * GAMMA)


def uniforms(key: np.ndarray | int, index: np.ndarray | int) -> np.ndarray:
    """Uniforms on the open interval (0, 1): number `index` of each `key` (broadcasting)."""
    bits = derive(key, index) >> _S11
    return (bits.astype(np.float64) + 0.5) * _TO_UNIT


def uniform_pairs(key: np.ndarray, index: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
    """Two uniforms on (0, 1) from each word, its high and low 32 bits: half the work for bulk
    draws where 32-bit resolution (2.3e-10) is ample."""
    bits = derive(key, index)
    high = ((bits >> _S32).astype(np.float64) + 0.5) * _TO_UNIT_32
    low = ((bits & _LOW32).astype(np.float64) + 0.5) * _TO_UNIT_32
    return high, low


_MASK = (1 << 64) - 1
_GAMMA_INT, _M1_INT, _M2_INT = int(GAMMA), int(_M1), int(_M2)


def name_key(text: str) -> int:
    """A stable 64-bit key for a name (the same on every machine and Python version)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def child(key: int, name: str) -> int:
    """The key of a named part of `key` (a mechanism, a channel)."""
    return int(derive(key, name_key(name)))


def root_key(replication_seed: np.random.SeedSequence) -> int:
    """The replication's root key, from its SeedSequence child."""
    return int(replication_seed.generate_state(1, np.uint64)[0])


class Lead:
    """The fixed address of each of a lead's numbers. New fields take new indices; an index,
    once given, keeps its meaning (changing one would re-randomise every saved comparison).

    The attribute fields are read in pairs (`lead_fields`): word f // 2 carries field f in its
    high (even f) or low (odd f) 32 bits.
    """

    CREATED = 0  # arrival time within the week
    JUNK = 1
    JUNK_TYPE = 2
    FIT = 3
    FIT_NOISE = 4  # how wrongly the CRM sees the fit
    READY = 5  # already in market on arrival
    TO_MARKET = 6  # time until the account comes into market
    WINDOW = 7  # how long it stays in market
    COLD = 8  # when the lead stops engaging
    BUDGET = 9
    AUTHORITY = 10
    HAND_RAISE = 11  # arrives by asking for a demo
    ANONYMOUS = 12  # how many anonymous touches came before it
    WIN = 13  # the deal's win uniform
    AMOUNT = 14  # the deal's size
    CYCLE = 15  # the deal's cycle time
    SEGMENT = 16  # 16, 17, 18: touch counts before, in and after its time in market
    IN_MARKET = 19  # sales-sourced leads: in market when prospected
    FIELDS = 20

    TOUCH = 1 << 24  # touch k of segment s: word TOUCH + (s << 20) + k = (spacing, kind)
    TOUCH_CHANNEL = 2 << 24  # touch k of segment s: TOUCH_CHANNEL + (s << 20) + k
    ANON = 3 << 24  # anonymous touch k: word ANON + k = (time, channel)
    VISIT = 4 << 24  # MQL visit v, field f: VISIT + (v << 12) + f (see Visit)


def lead_fields(keys: np.ndarray, fields: tuple[int, ...]) -> dict[int, np.ndarray]:
    """The lead fields asked for, one array each (words shared by two fields are read once)."""
    out: dict[int, np.ndarray] = {}
    for word in sorted({f // 2 for f in fields}):
        high, low = uniform_pairs(keys, word)
        out[2 * word], out[2 * word + 1] = high, low
    return {f: out[f] for f in fields}


class Visit:
    """The words of one MQL visit (one hand-off and its attempts): word w of visit v is word
    visit_base(v) + w of the lead. Each word carries several numbers (`thirds`, `halves`), so a
    visit costs a few hashes however many decisions it takes."""

    DECIDE = 0  # thirds: the rep follows it up, the rep it is routed to, how many attempts
    REVIEW = 1  # thirds: the reviewer catches it as junk, as poor fit; the discovery call's length
    ATTEMPT = 2  # word ATTEMPT + a, halves: attempt a connects; the attempt's handling time


_BITS_21 = (1 << 21) - 1
_BITS_32 = (1 << 32) - 1
_TO_UNIT_21 = 2.0**-21


def word(key: int, index: int) -> int:
    """`derive(key, index)` for one plain key and index, in plain Python (bit-identical)."""
    z = (key + (index + 1) * _GAMMA_INT) & _MASK
    z = ((z ^ (z >> 30)) * _M1_INT) & _MASK
    z = ((z ^ (z >> 27)) * _M2_INT) & _MASK
    return z ^ (z >> 31)


def word_halves(key: int, index: int) -> tuple[float, float]:
    """`halves(word(key, index))` in one call (the per-attempt numbers)."""
    z = (key + (index + 1) * _GAMMA_INT) & _MASK
    z = ((z ^ (z >> 30)) * _M1_INT) & _MASK
    z = ((z ^ (z >> 27)) * _M2_INT) & _MASK
    z ^= z >> 31
    return ((z >> 32) + 0.5) * _TO_UNIT_32, ((z & _BITS_32) + 0.5) * _TO_UNIT_32


@overload
def thirds(w: int) -> tuple[float, float, float]: ...
@overload
def thirds(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
def thirds(w: Any) -> Any:
    """Three uniforms on (0, 1) from one word, 21 bits each (resolution 5e-7): of one word, or
    of uint64 words in numpy (exact either way, so the two agree bit for bit)."""
    return (
        ((w >> 43) + 0.5) * _TO_UNIT_21,
        (((w >> 22) & _BITS_21) + 0.5) * _TO_UNIT_21,
        (((w >> 1) & _BITS_21) + 0.5) * _TO_UNIT_21,
    )


@overload
def halves(w: int) -> tuple[float, float]: ...
@overload
def halves(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
def halves(w: Any) -> Any:
    """Two uniforms on (0, 1) from one word, 32 bits each (as `uniform_pairs`): of one word, or
    of uint64 words in numpy (exact either way)."""
    return ((w >> 32) + 0.5) * _TO_UNIT_32, ((w & _BITS_32) + 0.5) * _TO_UNIT_32


def touch_word(segment: np.ndarray, k: np.ndarray, base: int = Lead.TOUCH) -> np.ndarray:
    return base + (np.asarray(segment, np.int64) << 20) + np.asarray(k, np.int64)


def visit_base(visit: int) -> int:
    """The index of a visit's word 0 (see Visit)."""
    return Lead.VISIT + (visit << 12)
