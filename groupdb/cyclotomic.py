"""Exact cyclotomic numbers, and their reduction modulo a split prime.

Character values of a finite group G lie in Z[ζ_e], e = exp(G). Two exact tools:

* :class:`Cyclotomic` — an element of Q(ζ_m) as a rational polynomial in ζ_m reduced
  modulo the cyclotomic polynomial Φ_m (python-flint). Canonical for fixed m, so equality
  is exact; values with different m are compared in Q(ζ_lcm).
* reduction modulo a prime p ≡ 1 (mod e): ζ_e ↦ w, w of multiplicative order e in F_p,
  is a ring map Z[ζ_e] → F_p. Running it over all φ(e) primitive roots w proves an
  identity x = 0 exactly whenever every complex conjugate of x is smaller than p
  in absolute value (then the norm of x, a multiple of p^φ(e) if x ≠ 0 vanished mod
  every prime above p, would be too small). That is how whole character tables are
  certified quickly with integer matrix products (see groupdb.characters).

Example
-------
>>> z3 = Cyclotomic.root_of_unity(3)
>>> z3 + z3**2 == Cyclotomic.integer(-1)
True
>>> str(z3.conjugate())
'ζ3^2'
"""
from __future__ import annotations

import cmath
from fractions import Fraction
from functools import lru_cache
from math import gcd

import numpy as np
from flint import fmpq, fmpq_poly, fmpz_poly


@lru_cache(maxsize=None)
def cyclotomic_polynomial(m: int) -> fmpq_poly:
    """Φ_m as a rational polynomial (cached)."""
    return fmpq_poly(list(fmpz_poly.cyclotomic(m).coeffs()))


def _lcm(a: int, b: int) -> int:
    return a * b // gcd(a, b)


class Cyclotomic:
    """Exact element of Q(ζ_m), ζ_m = exp(2πi/m).

    Parameters
    ----------
    m : int
        The cyclotomic field Q(ζ_m) the value is written in (not necessarily its conductor).
    poly : fmpq_poly or list of rationals
        Coefficients of a polynomial in ζ_m (lowest degree first); reduced modulo Φ_m.

    Examples
    --------
    >>> i = Cyclotomic.root_of_unity(4)
    >>> i * i == -1
    True
    >>> Cyclotomic.from_pairs([[1, 1], [3, -1]], 8) ** 2 == 2   # (ζ8 - ζ8^3)^2 = 2
    True
    """

    __slots__ = ("m", "poly")

    def __init__(self, m: int, poly) -> None:
        if m < 1:
            raise ValueError("m must be positive")
        if not isinstance(poly, fmpq_poly):
            poly = fmpq_poly([fmpq(Fraction(c).numerator, Fraction(c).denominator) for c in poly])
        self.m = m
        self.poly = poly % cyclotomic_polynomial(m) if poly.degree() >= _phi(m) else poly

    # construction -----------------------------------------------------------
    @classmethod
    def integer(cls, n) -> "Cyclotomic":
        return cls(1, fmpq_poly([n]))

    @classmethod
    def root_of_unity(cls, m: int, k: int = 1) -> "Cyclotomic":
        """ζ_m^k."""
        k %= m
        return cls(m, fmpq_poly([0] * k + [1]))

    @classmethod
    def from_pairs(cls, pairs, m: int) -> "Cyclotomic":
        """Σ c ζ_m^k from [[k, c], ...] (groupdb's storage form); a plain int is accepted."""
        if isinstance(pairs, int):
            return cls.integer(pairs)
        coeffs = [0] * m
        for k, c in pairs:
            coeffs[k % m] += c
        return cls(m, fmpq_poly(coeffs))

    # arithmetic ---------------------------------------------------------------
    def lift(self, m: int) -> "Cyclotomic":
        """The same number written in Q(ζ_m); m must be a multiple of self.m."""
        if m == self.m:
            return self
        if m % self.m:
            raise ValueError(f"Q(ζ{self.m}) is not a subfield of Q(ζ{m})")
        step = m // self.m
        coeffs = self.poly.coeffs()
        lifted = [0] * (step * (len(coeffs) - 1) + 1) if coeffs else []
        for j, c in enumerate(coeffs):
            lifted[j * step] = c
        return Cyclotomic(m, fmpq_poly(lifted))

    def _common(self, other) -> tuple["Cyclotomic", "Cyclotomic"]:
        if not isinstance(other, Cyclotomic):
            other = Cyclotomic.integer(other)
        m = _lcm(self.m, other.m)
        return self.lift(m), other.lift(m)

    def __add__(self, other):
        a, b = self._common(other)
        return Cyclotomic(a.m, a.poly + b.poly)

    __radd__ = __add__

    def __neg__(self):
        return Cyclotomic(self.m, -self.poly)

    def __sub__(self, other):
        a, b = self._common(other)
        return Cyclotomic(a.m, a.poly - b.poly)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        a, b = self._common(other)
        return Cyclotomic(a.m, a.poly * b.poly)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, (int, Fraction, fmpq)):
            return Cyclotomic(self.m, self.poly / fmpq(Fraction(other).numerator, Fraction(other).denominator))
        return self * other.inverse()

    def __pow__(self, n: int):
        if n < 0:
            return self.inverse() ** (-n)
        result = Cyclotomic.integer(1).lift(self.m)
        base = self
        while n:
            if n & 1:
                result = result * base
            base = base * base
            n >>= 1
        return result

    def galois(self, a: int) -> "Cyclotomic":
        """The Galois conjugate σ_a: ζ_m ↦ ζ_m^a (a coprime to m)."""
        if gcd(a, self.m) != 1:
            raise ValueError(f"{a} is not coprime to {self.m}")
        coeffs = [0] * self.m
        for j, c in enumerate(self.poly.coeffs()):
            coeffs[(j * a) % self.m] += c
        return Cyclotomic(self.m, fmpq_poly(coeffs))

    def conjugate(self) -> "Cyclotomic":
        """Complex conjugate (ζ ↦ ζ^{-1})."""
        return self.galois(self.m - 1) if self.m > 2 else self

    def norm(self) -> Fraction:
        """Field norm from Q(ζ_m) to Q (product of all Galois conjugates)."""
        result = Cyclotomic.integer(1)
        for a in range(1, self.m + 1):
            if gcd(a, self.m) == 1:
                result = result * self.galois(a)
        return result.to_fraction()

    def inverse(self) -> "Cyclotomic":
        if self.is_zero():
            raise ZeroDivisionError("inverse of zero")
        # x^{-1} = (product of the other conjugates) / norm
        rest = Cyclotomic.integer(1)
        for a in range(2, self.m + 1):
            if gcd(a, self.m) == 1:
                rest = rest * self.galois(a)
        return rest / self.norm()

    # predicates and conversions -------------------------------------------------
    def is_zero(self) -> bool:
        return self.poly.degree() < 0

    def is_rational(self) -> bool:
        return self.poly.degree() <= 0

    def is_algebraic_integer(self) -> bool:
        """Integral coefficients in the power basis, which is an integral basis of Z[ζ_m]."""
        return all(c.denominator == 1 for c in self.poly.coeffs())

    def to_fraction(self) -> Fraction:
        if not self.is_rational():
            raise ValueError(f"{self} is not rational")
        coeffs = self.poly.coeffs()
        if not coeffs:
            return Fraction(0)
        c = coeffs[0]
        return Fraction(int(c.numerator), int(c.denominator))

    def __int__(self) -> int:
        f = self.to_fraction()
        if f.denominator != 1:
            raise ValueError(f"{self} is not an integer")
        return int(f.numerator)

    def __complex__(self) -> complex:
        z = cmath.exp(2j * cmath.pi / self.m)
        return complex(sum(float(c) * z**j for j, c in enumerate(self.poly.coeffs())))

    def __eq__(self, other) -> bool:
        if isinstance(other, (int, Fraction)):
            other = Cyclotomic(1, fmpq_poly([fmpq(Fraction(other).numerator, Fraction(other).denominator)]))
        if not isinstance(other, Cyclotomic):
            return NotImplemented
        a, b = self._common(other)
        return a.poly == b.poly

    __hash__ = None  # equality is exact across fields; no canonical hash is kept

    def root_of_unity_form(self) -> tuple[int, int, int] | None:
        """(sign, d, k) with self = sign·ζ_d^k and gcd(k, d) = 1 (d minimal), or None."""
        z = complex(self)
        if abs(abs(z) - 1) > 1e-9:
            return None
        # any root of unity in Q(ζ_m) has order dividing lcm(2, m)
        n = _lcm(2, self.m)
        k = round(cmath.phase(z) / (2 * cmath.pi) * n) % n
        if self != Cyclotomic.root_of_unity(n, k):
            return None
        g = gcd(k, n)
        d, k = n // g, k // g
        if d % 2 == 0 and (d // 2) % 2 == 1 and d > 2:
            # ζ_d with d = 2·odd is −ζ_{d/2}^{?}: prefer the odd conductor with a sign
            half = d // 2
            kk = (k + half) % d  # −ζ_d^k = ζ_d^{k + d/2}
            g2 = gcd(kk, d)
            return (-1, d // g2, kk // g2)
        return (1, d, k)

    def __str__(self) -> str:
        if self.is_rational():
            return str(self.to_fraction())
        form = self.root_of_unity_form()
        if form is not None:
            sign, d, k = form
            text = f"ζ{d}" if k == 1 else f"ζ{d}^{k}"
            return ("-" if sign < 0 else "") + text
        terms = []
        for j, c in enumerate(self.poly.coeffs()):
            if c == 0:
                continue
            c = Fraction(int(c.numerator), int(c.denominator))
            if j == 0:
                terms.append(str(c))
                continue
            root = f"ζ{self.m}" if j == 1 else f"ζ{self.m}^{j}"
            if c == 1:
                terms.append(root)
            elif c == -1:
                terms.append("-" + root)
            else:
                terms.append(f"{c}{root}")
        return "+".join(terms).replace("+-", "-")

    def __repr__(self) -> str:
        return f"Cyclotomic({self})"


def _phi(m: int) -> int:
    result, n, p = m, m, 2
    while p * p <= n:
        if n % p == 0:
            while n % p == 0:
                n //= p
            result -= result // p
        p += 1
    if n > 1:
        result -= result // n
    return result


euler_phi = _phi


# ---------------------------------------------------------------------------
# Reduction modulo a split prime
# ---------------------------------------------------------------------------
def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in (2, 3, 5, 7, 11, 13, 17):  # deterministic below 3.4e14
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


@lru_cache(maxsize=None)
def split_prime(m: int, above: int) -> int:
    """Smallest prime p > above with p ≡ 1 (mod m): Z[ζ_m] → F_p is then defined."""
    p = (above // m + 1) * m + 1
    while not _is_prime(p):
        p += m
    return p


@lru_cache(maxsize=None)
def primitive_root_of_unity(p: int, m: int) -> int:
    """An element of multiplicative order exactly m in F_p (requires m | p − 1)."""
    if (p - 1) % m:
        raise ValueError(f"{m} does not divide {p} - 1")
    primes = [q for q in range(2, m + 1) if m % q == 0 and _is_prime(q)]
    for g in range(2, p):
        w = pow(g, (p - 1) // m, p)
        if all(pow(w, m // q, p) != 1 for q in primes):
            return w
    raise ArithmeticError("no primitive root found")  # pragma: no cover


def unit_exponents(m: int) -> list[int]:
    """The a in [1, m] coprime to m: the Galois group of Q(ζ_m)."""
    return [a for a in range(1, m + 1) if gcd(a, m) == 1]


def matmul_mod(a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    """(a @ b) mod p for int64 residues, exact: float64 BLAS while the sums stay below 2^53."""
    n = a.shape[-1]
    if (p - 1) ** 2 * n < 2**53:
        return np.rint(np.asarray(a, dtype=np.float64) @ np.asarray(b, dtype=np.float64)).astype(np.int64) % p
    return (np.asarray(a, dtype=object) @ np.asarray(b, dtype=object) % p).astype(np.int64)


def centered(x: np.ndarray, p: int) -> np.ndarray:
    """Residues mod p mapped to (−p/2, p/2]."""
    x = np.asarray(x, dtype=np.int64) % p
    return np.where(x > p // 2, x - p, x)
