"""Uncertainty from counts: Wilson intervals, multinomial bootstrap, permutation nulls."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np


def wilson_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions ``successes / trials``.

    Parameters
    ----------
    successes, trials : array-like
        Counts (may be weighted, hence float); NaN bounds where ``trials == 0``.
    confidence : float, default 0.95

    Returns
    -------
    low, high : ndarray

    Notes
    -----
    With ``z = Phi^-1(1 - alpha/2)`` and ``p = k/m``: centre ``(p + z^2/(2m)) / (1 + z^2/m)``,
    half-width ``z sqrt(p(1-p)/m + z^2/(4m^2)) / (1 + z^2/m)``. Unlike the normal interval it
    stays inside [0, 1] and does not collapse to a point at 0/m, which matters for small groups.
    """
    k = np.asarray(successes, dtype=np.float64)
    m = np.asarray(trials, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        p = k / m
        denom = 1 + z**2 / m
        centre = (p + z**2 / (2 * m)) / denom
        half = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / denom
    ok = m > 0
    # at 0/m and m/m the bound is exactly 0 or 1; floating point leaves ~1e-17 otherwise
    low = np.where(ok, np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
    high = np.where(ok, np.where(k >= m, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    return low, high


def bootstrap_counts(counts: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Resample per-group confusion counts by multinomial draws, keeping each group's size.

    Parameters
    ----------
    counts : ndarray, shape (K, 4)
        Confusion counts per group (weighted counts are resampled with the row count of the
        group and the weighted cell shares).
    n_resamples : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float64, shape (n_resamples, K, 4)

    Notes
    -----
    Drawing ``Multinomial(n_g, counts_g / n_g)`` per group is the stratified row bootstrap of
    docs/methods.md §9.6 without touching rows: O(B K) instead of O(B n).
    """
    n = counts.sum(-1)
    sizes = np.rint(n).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n[:, None] > 0, counts / np.where(n > 0, n, 1.0)[:, None], 0.25)
    p = p / p.sum(-1, keepdims=True)
    draws = rng.multinomial(sizes, p, size=(n_resamples, len(sizes)))
    return draws.astype(np.float64)


def permute_counts(counts: np.ndarray, n_resamples: int, rng: np.random.Generator,
                   within_label: bool = False) -> np.ndarray:
    """Confusion counts after shuffling group labels, drawn without touching rows.

    Parameters
    ----------
    counts : ndarray, shape (K, 4)
        Integer confusion counts per group (weighted counts are rounded).
    n_resamples : int
    rng : numpy.random.Generator
    within_label : bool, default False
        Shuffle only among rows with the same true label (the null of error-rate criteria).

    Returns
    -------
    ndarray of float64, shape (n_resamples, K, 4)

    Notes
    -----
    Shuffling group labels keeps each group's size and the pooled cell totals; the cells a group
    receives then follow a multivariate hypergeometric law, drawn here group by group and cell by
    cell as conditional hypergeometric draws, vectorised over resamples.
    """
    cells = np.rint(counts).astype(np.int64)
    if not within_label:
        return _deal(cells, n_resamples, rng)
    out = np.empty((n_resamples,) + cells.shape)
    out[..., :2] = _deal(cells[:, :2], n_resamples, rng)
    out[..., 2:] = _deal(cells[:, 2:], n_resamples, rng)
    return out


def _deal(cells: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    k, c = cells.shape
    sizes = cells.sum(1)
    remaining = np.tile(cells.sum(0), (n_resamples, 1))
    out = np.zeros((n_resamples, k, c))
    for g in range(k - 1):
        need = np.full(n_resamples, sizes[g])
        for j in range(c - 1):
            good = remaining[:, j]
            bad = remaining[:, j + 1:].sum(1)
            take = _hypergeometric(rng, good, bad, need)
            out[:, g, j] = take
            remaining[:, j] -= take
            need = need - take
        out[:, g, c - 1] = need
        remaining[:, c - 1] -= need
    out[:, k - 1, :] = remaining
    return out


def _hypergeometric(rng, good, bad, nsample):
    # numpy refuses nsample == 0 with empty urns in some versions; those draws are 0 anyway.
    ok = (nsample > 0) & (good > 0)
    result = np.zeros_like(nsample)
    if ok.any():
        result[ok] = rng.hypergeometric(good[ok], bad[ok], nsample[ok])
    # when the other colours are exhausted, every draw is of this colour
    return np.where(ok, result, 0)


def percentile_interval(samples: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the first axis, ignoring NaN resamples."""
    alpha = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low, high = np.nanquantile(samples, [alpha, 1 - alpha], axis=0)
    return low, high
