"""``exp`` and ``log`` built from IEEE-754 basic operations, so that they give the same bits on every CPU.

NumPy picks its ``exp``, ``log`` and ``power`` loops by CPU: on AVX-512 machines its own SIMD code, elsewhere
the C library's; compiled code (numba) calls the C library. The two differ in the last bit now and then, which
is enough for two engines of one model to pick different offers at a near tie. These functions use only
``+ - * /``, ``floor``, ``frexp`` and ``ldexp`` (each exact or correctly rounded by IEEE-754) in one fixed
order, with fdlibm's polynomials (Sun Microsystems, 1993: ``e_exp.c``, ``e_log.c``), so a NumPy engine (the
array functions) and a compiled one (the scalar functions, compiled by numba) agree to the last bit on any
CPU. Both are within one unit in the last place of the true value (``tests/test_bdm.py`` checks against
``math``).

Inputs: ``exp`` takes any float (``-inf`` gives 0; below ``-745.13`` the result is 0, above ``709.78`` it is
``inf``); ``log`` takes ``x >= 0`` (``log(0) = -inf``).
"""

from __future__ import annotations

import math

import numpy as np

_LN2_HI = 6.93147180369123816490e-01  # ln 2 in two parts: k * _LN2_HI is exact for |k| < 2**11
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_EXP_MAX = 7.09782712893383973096e02
_EXP_MIN = -7.45133219101941108420e02
_P1 = 1.66666666666666019037e-01
_P2 = -2.77777777770155933842e-03
_P3 = 6.61375632143793436117e-05
_P4 = -1.65339022054652515390e-06
_P5 = 4.13813679705723846039e-08
_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
_SQRT_HALF = 0.70710678118654757


# 2**k for every k with 2**k a double (k = -1074 ... 1023): y * 2**k rounds once, as ldexp(y, k) does
_POW2 = np.ldexp(1.0, np.arange(-1074, 1024))
_POW2_MIN, _POW2_MAX = -1074, 1023


def exp_scalar(x: float) -> float:
    """``e**x`` for one float (compiled by numba for the kernels; plain Python here)."""
    if x != x:
        return x
    if x > _EXP_MAX:
        return math.inf
    if x < _EXP_MIN:
        return 0.0
    # x = k ln2 + r with |r| <= ln2 / 2; e**r from fdlibm's rational approximation
    k = math.floor(x * _INV_LN2 + 0.5)
    hi = x - k * _LN2_HI
    lo = k * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    if k > _POW2_MAX:  # only just below the overflow threshold
        return math.ldexp(y, k)
    return y * _POW2[k - _POW2_MIN]


def log_scalar(x: float) -> float:
    """Natural logarithm of one float ``x >= 0``."""
    if x != x or x < 0.0:
        return math.nan
    if x == 0.0:
        return -math.inf
    if x == math.inf:
        return x
    # x = 2**k m with sqrt(1/2) <= m < sqrt(2); log(m) = log(1 + f) from fdlibm's series in s = f / (2 + f)
    m, k = math.frexp(x)
    if m < _SQRT_HALF:
        m = m * 2.0
        k = k - 1
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    big_r = t2 + t1
    hfsq = 0.5 * f * f
    return k * _LN2_HI - ((hfsq - (s * (hfsq + big_r) + k * _LN2_LO)) - f)


def _horner(z: np.ndarray, coefs: tuple[float, ...]) -> np.ndarray:
    """``c0 + z (c1 + z (c2 + ...))`` in a new array, each step the scalar code's operation."""
    acc = z * coefs[-1]
    for c in coefs[-2:0:-1]:
        acc += c
        acc *= z
    acc += coefs[0]
    return acc


def exp(x: np.ndarray) -> np.ndarray:
    """:func:`exp_scalar` of every element (a new float64 array), with NumPy's array operations."""
    x = np.asarray(x, dtype=float)
    inside = (x >= _EXP_MIN) & (x <= _EXP_MAX)
    whole = bool(inside.all())
    xc = x if whole else np.where(inside, x, 0.0)
    k = xc * _INV_LN2
    k += 0.5
    np.floor(k, out=k)
    hi = k * _LN2_HI
    np.subtract(xc, hi, out=hi)
    lo = k * _LN2_LO
    r = hi - lo
    t = r * r
    c = _horner(t, (_P1, _P2, _P3, _P4, _P5))
    c *= t
    np.subtract(r, c, out=c)
    num = r
    num *= c  # r is not needed again
    den = np.subtract(2.0, c, out=c)
    num /= den
    np.subtract(lo, num, out=num)
    num -= hi
    y = np.subtract(1.0, num, out=num)
    ki = k.astype(np.int64)
    big = ki > _POW2_MAX
    if big.any():
        y[big] = np.ldexp(y[big], ki[big])
        ki[big] = 0
    ki -= _POW2_MIN
    y *= _POW2.take(ki)
    if not whole:
        np.copyto(y, 0.0, where=x < _EXP_MIN)
        np.copyto(y, np.inf, where=x > _EXP_MAX)
        np.copyto(y, x, where=np.isnan(x))
    return y


def log(x: np.ndarray) -> np.ndarray:
    """:func:`log_scalar` of every element (a new float64 array), with NumPy's array operations."""
    x = np.asarray(x, dtype=float)
    normal = (x > 0.0) & (x < np.inf)
    whole = bool(normal.all())
    m, k = np.frexp(x if whole else np.where(normal, x, 1.0))
    low = m < _SQRT_HALF
    m += m * low  # doubled where low (exact)
    kf = k.astype(float)
    kf -= low
    f = m
    f -= 1.0
    s = f + 2.0
    np.divide(f, s, out=s)
    z = s * s
    w = z * z
    t1 = _horner(w, (0.0, _LG2, _LG4, _LG6))  # w (LG2 + w (LG4 + w LG6)); + 0.0 is exact
    t2 = _horner(w, (_LG1, _LG3, _LG5, _LG7))
    t2 *= z
    big_r = t2
    big_r += t1
    hfsq = f * 0.5
    hfsq *= f
    inner = big_r
    inner += hfsq  # hfsq + R
    inner *= s
    lo = kf * _LN2_LO
    inner += lo
    np.subtract(hfsq, inner, out=inner)
    inner -= f
    out = kf
    out *= _LN2_HI
    out -= inner
    if not whole:
        np.copyto(out, -np.inf, where=x == 0.0)
        np.copyto(out, np.inf, where=x == np.inf)
        np.copyto(out, np.nan, where=~((x >= 0.0) | (x == np.inf)))  # negative or NaN
    return out


_NOTICED: set[str] = set()


def compile_notice(dispatcher: object, what: str, *, seconds: int) -> None:
    """Say once per process, on standard error, that numba is about to compile ``dispatcher`` for this machine
    (no cached copy yet): the first run then takes ``seconds`` longer, later ones load it from the cache."""
    import os
    import sys

    if what in _NOTICED:
        return
    _NOTICED.add(what)
    try:
        index = dispatcher._cache._cache_file._index_path  # type: ignore[attr-defined]
    except AttributeError:  # not a cached numba dispatcher
        return
    if not os.path.exists(index):
        print(
            f"zopa: compiling {what} for this machine (once, about {seconds} s; later runs load it from the "
            "cache)",
            file=sys.stderr,
        )
