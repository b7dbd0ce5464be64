"""How much of a KPI's spread comes from not knowing the inputs, and which inputs matter most.

Two questions a planner asks once some inputs are ranges:

1. *Would more research on the inputs narrow the forecast?* `split_variance` compares the KPI's
   spread with the inputs drawn against its spread with every input held at its centre, both run
   with the same replication seeds. What the centred run still shows is the funnel's own chance
   (process noise); the extra spread of the drawn run is the input uncertainty.
2. *Which input should we pin down first?* `rank_drivers` is "contribution to variance" as
   @RISK and Crystal Ball users know it: standardised regression coefficients (SRC) of the KPI
   on the drawn inputs, squared and normalised to 100%. Because each input draws from its own
   independent stream, SRC_i² estimates the share of the KPI's variance that input i explains
   linearly, and the regression's R² says how much of the spread this linear picture covers.

Pure numpy, so the engine, the CLI and the app can all use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_MIN_RELIABLE = 100


@dataclass(frozen=True)
class VarianceSplit:
    """One KPI's variance across replications, split into input uncertainty and process noise.

    `process_variance + input_variance == total_variance`, so the two parts can be shown as one
    bar. A quantity that cannot be estimated (fewer than two usable replications) is NaN.
    """

    total_variance: float
    process_variance: float
    input_variance: float
    input_share: float


def split_variance(with_inputs: np.ndarray, at_centre: np.ndarray) -> VarianceSplit:
    """Split a KPI's variance using a run with inputs drawn and a run with inputs at their centres.

    `with_inputs[i]` and `at_centre[i]` are replication i of the two runs, made with the same seed,
    so the process noise is common to both (common random numbers) and the difference in spread
    is down to the inputs: input share = max(0, 1 - var(centre) / var(drawn)).

    Why clip at zero: the two variances are estimates; when the inputs barely matter the centred
    run can come out a little wider by chance, and a negative share would mean nothing. The ratio
    of two sample variances is noisy (relative standard error about 2/sqrt(n) for independent
    normal samples, less with common random numbers), so a few dozen replications give the share
    to within roughly ±0.2-0.3.

    NaN values (a KPI undefined in some replication, e.g. a rate with no denominator) are left
    out: pairwise when the arrays line up by replication, so both variances see the same seeds.
    """
    drawn = np.asarray(with_inputs, dtype=float).ravel()
    centre = np.asarray(at_centre, dtype=float).ravel()
    if drawn.shape == centre.shape:
        keep = np.isfinite(drawn) & np.isfinite(centre)
        drawn, centre = drawn[keep], centre[keep]
    else:
        drawn, centre = drawn[np.isfinite(drawn)], centre[np.isfinite(centre)]

    if drawn.size < 2:
        return VarianceSplit(math.nan, math.nan, math.nan, math.nan)
    total = float(np.var(drawn, ddof=1))
    if centre.size < 2:
        return VarianceSplit(total, math.nan, math.nan, math.nan)
    process = float(np.var(centre, ddof=1))
    # No spread with the inputs drawn: nothing to attribute to them.
    share = 0.0 if total <= 0.0 else max(0.0, 1.0 - process / total)
    input_part = share * total
    return VarianceSplit(
        total_variance=total,
        process_variance=total - input_part,
        input_variance=input_part,
        input_share=share,
    )


@dataclass(frozen=True)
class Contribution:
    """One input's standardised regression coefficient and its share of the explained variance."""

    path: str
    coefficient: float
    share: float


@dataclass(frozen=True)
class DriverRanking:
    """The uncertain inputs of one KPI, largest contribution first.

    `r_squared` is the fit of the linear regression the ranking rests on: a low value means most
    of the KPI's spread is process noise or non-linear effects that the shares do not describe.
    It is NaN when no regression could be fitted. `n` counts the replications used (rows with a
    NaN anywhere are left out). `reliable` is False when the ranking should not be trusted, and
    `note` then says why and what to do; `note` may also carry advice when `reliable` is True.
    """

    kpi: str
    contributions: list[Contribution]
    r_squared: float
    n: int
    reliable: bool
    note: str


def rank_drivers(
    kpi: str,
    draws: dict[str, np.ndarray],
    values: np.ndarray,
    min_reliable: int = DEFAULT_MIN_RELIABLE,
) -> DriverRanking:
    """Rank the uncertain inputs by their contribution to the variance of one KPI.

    `draws[path][i]` is the value input `path` took in replication i and `values[i]` the KPI in
    that replication. The inputs and the KPI are z-scored and the KPI regressed on the inputs by
    least squares; the coefficients are the SRCs (the KPI's change, in its standard deviations,
    per standard deviation of the input). share_i = SRC_i² / Σ SRC_j², the Crystal Ball
    normalisation, so the shares add up to 100% of what the regression explains.

    Inputs that did not vary (a count that always rounded to the same number) are left out: they
    cannot explain anything and would make the regression singular. With fewer usable
    replications than inputs + 2 no regression is fitted and the ranking is empty.
    """
    y = np.asarray(values, dtype=float).ravel()
    paths = list(draws)
    columns = [np.asarray(draws[p], dtype=float).ravel() for p in paths]
    for path, col in zip(paths, columns, strict=True):
        if col.shape != y.shape:
            raise ValueError(f"input '{path}' has {col.size} draws but the KPI has {y.size} values")

    x = np.column_stack(columns) if columns else np.empty((y.size, 0))
    rows = np.isfinite(y) & np.all(np.isfinite(x), axis=1)
    x, y = x[rows], y[rows]
    n = int(y.size)
    notes: list[str] = []
    if n < min_reliable:
        notes.append(
            f"Only {n} replications: below about {min_reliable} the ranking is noise; run more."
        )

    def result(contribs: list[Contribution], r2: float, ok: bool) -> DriverRanking:
        return DriverRanking(kpi, contribs, r2, n, ok and n >= min_reliable, " ".join(notes))

    if not paths:
        notes.append("No uncertain inputs to rank.")
        return result([], 0.0, False)

    # With fewer than two rows nothing can vary: treat every input as kept, so the note says the
    # replications are too few rather than that the inputs were constant.
    sd_x = x.std(axis=0) if n >= 2 else np.ones(len(paths))
    varying = sd_x > 0
    constant = [p for p, v in zip(paths, varying, strict=True) if not v]
    if constant:
        notes.append(f"Left out (did not vary): {', '.join(constant)}.")
    kept = [p for p, v in zip(paths, varying, strict=True) if v]

    if n < len(kept) + 2:
        notes.append(
            f"{n} usable replications cannot rank {len(kept)} inputs: "
            f"run at least {max(min_reliable, len(kept) + 2)}."
        )
        return result([], math.nan, False)
    sd_y = float(y.std())
    if sd_y == 0.0:
        notes.append("The KPI does not vary across replications: no input drives it.")
        return result([], math.nan, False)
    if not kept:
        notes.append("None of the inputs varied.")
        return result([], 0.0, False)

    xz = (x[:, varying] - x[:, varying].mean(axis=0)) / sd_x[varying]
    yz = (y - y.mean()) / sd_y
    coef, _, rank, _ = np.linalg.lstsq(xz, yz, rcond=None)
    residual = yz - xz @ coef
    r_squared = max(0.0, 1.0 - float(residual @ residual) / float(yz @ yz))
    if r_squared < 0.5:
        notes.append(
            f"The inputs explain only {r_squared:.0%} of this KPI's variance (R² {r_squared:.2f}): "
            "the rest is process noise or effects a linear fit misses."
        )
    ok = True
    if rank < len(kept):
        notes.append("Some inputs move together exactly; their shares cannot be told apart.")
        ok = False

    squares = coef**2
    total = float(squares.sum())
    contribs = [
        Contribution(path, float(c), float(s) / total if total > 0 else 0.0)
        for path, c, s in zip(kept, coef, squares, strict=True)
    ]
    contribs.sort(key=lambda c: -c.share)  # stable: ties keep document order
    return result(contribs, r_squared, ok)


__all__ = [
    "Contribution",
    "DriverRanking",
    "VarianceSplit",
    "rank_drivers",
    "split_variance",
]
