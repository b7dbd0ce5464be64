"""Attribution (mechanism 11): credit revenue and pipeline to channels by eight models.

Touch paths stay flat numpy arrays (grouped by lead, sorted by time); a credited lead's path is
its touches up to the credited event. Every model's weights are normalised per lead, so each
model's credits sum to the amount it credits; influence (any touch of a channel) may add up to
more. Sales-sourced deals are credited to the sales-outbound source in every model.
"""

from __future__ import annotations

import numpy as np

from sim.model.codes import CREATION, CREATION_DEMO
from sim.model.columns import rows_of_ranges
from sim.model.recorder import ATTRIBUTION_MODELS

M = {name: i for i, name in enumerate(ATTRIBUTION_MODELS)}


def credit(
    touch_time: np.ndarray,
    touch_kind: np.ndarray,
    touch_channel: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    event_time: np.ndarray,
    opp_time: np.ndarray,
    amount: np.ndarray,
    event_week: np.ndarray,
    sales_sourced: np.ndarray,
    n_channels: int,
    n_weeks: int,
    half_life_hours: float,
) -> np.ndarray:
    """Credit per (event week, channel, model) for the given leads' events."""
    out = np.zeros((n_weeks, n_channels, len(ATTRIBUTION_MODELS)))
    if len(start) == 0:
        return out
    lead, idx = rows_of_ranges(start, end)
    keep = touch_time[idx] <= event_time[lead] + 1e-9
    idx, lead = idx[keep], lead[keep]
    n_leads = len(start)
    count = np.bincount(lead, minlength=n_leads)
    first_pos = np.cumsum(count) - count
    pos = np.arange(len(idx)) - first_pos[lead]
    t, kind, chan = touch_time[idx], touch_kind[idx], touch_channel[idx]

    is_first = pos == 0
    is_last = pos == count[lead] - 1
    is_creation = (kind == CREATION) | (kind == CREATION_DEMO)
    before_opp = t <= opp_time[lead] + 1e-9
    opp_pos = np.bincount(lead, weights=before_opp, minlength=n_leads) - 1
    is_opp = pos == opp_pos[lead]

    def roles(*pairs: tuple[np.ndarray, float], rest: float) -> np.ndarray:
        w = np.zeros(len(idx))
        special = np.zeros(len(idx), bool)
        for mask, share in pairs:
            w += share * mask
            special |= mask
        others = ~special
        n_others = np.bincount(lead, weights=others, minlength=n_leads)
        w += np.where(others, rest / np.maximum(n_others[lead], 1), 0.0)
        return w

    weights = {
        "first_touch": is_first.astype(float),
        "last_touch": is_last.astype(float),
        "linear": np.ones(len(idx)),
        "u_shaped": roles((is_first, 0.4), (is_creation, 0.4), rest=0.2),
        "w_shaped": roles((is_first, 0.3), (is_creation, 0.3), (is_opp, 0.3), rest=0.1),
        "full_path": roles(
            (is_first, 0.225), (is_creation, 0.225), (is_opp, 0.225), (is_last, 0.225), rest=0.1
        ),
        "time_decay": 0.5 ** ((event_time[lead] - t) / half_life_hours),
    }
    sales = sales_sourced[lead]
    for name, w in weights.items():
        w = np.where(sales, is_creation.astype(float), w)
        total = np.bincount(lead, weights=w, minlength=n_leads)
        share = w / total[lead]
        _accumulate(out, event_week[lead], chan, M[name], share * amount[lead])

    # Influence: each channel touching the path gets the whole amount once (not sales outbound).
    pair = np.unique(lead * n_channels + chan)
    u_lead, u_chan = pair // n_channels, pair % n_channels
    m = u_chan != n_channels - 1
    _accumulate(out, event_week[u_lead[m]], u_chan[m], M["influence"], amount[u_lead[m]])
    return out


def _accumulate(
    out: np.ndarray, week: np.ndarray, channel: np.ndarray, model: int, value: np.ndarray
) -> None:
    n_weeks, n_channels, _ = out.shape
    flat = np.bincount(week * n_channels + channel, weights=value, minlength=n_weeks * n_channels)
    out[:, :, model] += flat.reshape(n_weeks, n_channels)
