"""Every attribution model (DOMAIN.md mechanism 11) on hand-built touch paths with credits worked
out by hand: first touch, last touch, linear, U-shaped (40/40/20: first touch, lead creation,
the rest), W-shaped (30/30/30/10: + the touch that opened the opportunity), full path (22.5 x 4
/ 10: + the last touch), time decay (halving per half-life before the credited event) and
influence (each channel on the path gets the whole amount once; sales outbound never does).

Exact arithmetic, no randomness: a credit off by a cent fails. Would fail with the cut-off at
the credited event removed (the touch after the close would take the last touch), with the
creation touch not given its role, or with sales-sourced deals credited along their path
(each tried).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.attribution import M, credit
from sim.model.codes import ANONYMOUS, CREATION, CREATION_DEMO, FIRST_ENGAGEMENT

N_CHANNELS, SALES, N_WEEKS = 6, 5, 3  # channel 5 is sales outbound, the last, as in the engine
ENGAGE = FIRST_ENGAGEMENT

# (time in hours, kind, channel) per touch, grouped by lead
PATH_A = [  # marketing lead: two anonymous touches, a form, three engagements, one after close
    (0.0, ANONYMOUS, 0),
    (1.0, ANONYMOUS, 1),
    (2.0, CREATION, 2),
    (3.0, ENGAGE, 3),
    (4.0, ENGAGE, 1),  # the last touch before the opportunity opened at t = 4
    (5.0, ENGAGE, 4),  # the last touch before the close at t = 6
    (7.0, ENGAGE, 3),  # after the close: earns nothing
]
PATH_B = [  # a sales-sourced deal: its creation is the outbound touch, after an ad view
    (9.0, ANONYMOUS, 0),
    (10.0, CREATION, SALES),
]
PATH_C = [  # a demo request creates the lead; credited at its opportunity (a pipeline credit)
    (0.0, CREATION_DEMO, 2),
    (1.0, ENGAGE, 0),
    (2.0, ENGAGE, 2),
]
#        amount, event (close or opening), opportunity opened, week of the event, sales-sourced
LEADS = [(1000.0, 6.0, 4.0, 1, False), (500.0, 11.0, 10.0, 0, True), (200.0, 2.0, 2.0, 1, False)]
HALF_LIFE = 1.0

c = 1000.0
EXPECTED_A = {  # credit per channel 0..4 of lead A (sales outbound gets none)
    "first_touch": [c, 0, 0, 0, 0],
    "last_touch": [0, 0, 0, 0, c],
    "linear": [c / 6, 2 * c / 6, c / 6, c / 6, c / 6],
    # first 0.4 (ch 0), creation 0.4 (ch 2), 0.2 over the other four touches (1, 3, 4, 5)
    "u_shaped": [400, 2 * 50, 400, 50, 50],
    # + the opportunity touch (4, ch 1) 0.3 each; 0.1 over touches 1, 3, 5
    "w_shaped": [300, 300 + c / 30, 300, c / 30, c / 30],
    # + the last touch (5, ch 4) 0.225 each; 0.1 over touches 1, 3
    "full_path": [225, 225 + 50, 225, 50, 225],
    # weights 2^-(6 - t) for t = 0..5, summing to 63/64
    "time_decay": [c / 63, c * 18 / 63, c * 4 / 63, c * 8 / 63, c * 32 / 63],
    "influence": [c, c, c, c, c],
}
c = 200.0
EXPECTED_C = {  # channels 0..4 of lead C; first touch and creation are the same touch
    "first_touch": [0, 0, c, 0, 0],
    "last_touch": [0, 0, c, 0, 0],
    "linear": [c / 3, 0, 2 * c / 3, 0, 0],
    "u_shaped": [0.1 * c, 0, 0.9 * c, 0, 0],  # 0.8 on the creating touch, 0.1 on each other
    "w_shaped": [0.1 * c, 0, 0.9 * c, 0, 0],  # 0.6 creating, 0.3 the opportunity touch (last)
    "full_path": [0.1 * c, 0, 0.9 * c, 0, 0],  # 0.45 creating, 0.45 opportunity = last touch
    "time_decay": [c * 2 / 7, 0, c * 5 / 7, 0, 0],  # weights 1/4, 1/2, 1
    "influence": [c, 0, c, 0, 0],
}


def credits() -> np.ndarray:
    paths = [PATH_A, PATH_B, PATH_C]
    time, kind, channel = (np.array([t[i] for p in paths for t in p]) for i in range(3))
    lengths = np.array([len(p) for p in paths])
    end = np.cumsum(lengths)
    amount, event, opened, week, sales = (np.array([x[i] for x in LEADS]) for i in range(5))
    return credit(
        time,
        kind.astype(np.int8),
        channel.astype(np.int16),
        end - lengths,
        end,
        event,
        opened,
        amount,
        week.astype(int),
        sales.astype(bool),
        N_CHANNELS,
        N_WEEKS,
        HALF_LIFE,
    )


@pytest.mark.parametrize("model", list(EXPECTED_A))
def test_each_model_credits_the_hand_built_paths_as_worked_out(model: str) -> None:
    out = credits()[:, :, M[model]]
    # week 1: leads A and C; the sales channel earns nothing there
    np.testing.assert_allclose(
        out[1, :SALES], np.add(EXPECTED_A[model], EXPECTED_C[model]), rtol=1e-12, atol=1e-9
    )
    assert out[1, SALES] == 0.0
    # week 0: the sales-sourced deal, all of it to sales outbound in every model; its ad view
    # makes it marketing-influenced, and sales outbound earns no influence
    week_0 = [500, 0, 0, 0, 0, 0] if model == "influence" else [0, 0, 0, 0, 0, 500]
    np.testing.assert_allclose(out[0], week_0, atol=1e-9)
    assert not out[2].any(), "no event in week 2"


def test_every_model_but_influence_shares_out_exactly_the_amount() -> None:
    out = credits()
    for model, m in M.items():
        totals = out[:, :, m].sum(axis=1)
        if model == "influence":
            np.testing.assert_allclose(totals, [500.0, 5 * 1000.0 + 2 * 200.0, 0.0])
        else:
            np.testing.assert_allclose(totals, [500.0, 1200.0, 0.0], rtol=1e-12)
