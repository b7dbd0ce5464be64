import numpy as np
import pytest

from sim.brand import geometric_adstock, hill


def test_adstock_of_a_spend_pulse_decays_geometrically():
    """A single pulse S at week 3 leaves S * theta^(t-3) afterwards: the closed form."""
    spend = np.zeros(20)
    spend[3] = 1000.0
    theta = 0.7
    adstock = geometric_adstock(spend, theta)
    weeks = np.arange(20)
    expected = np.where(weeks >= 3, 1000.0 * theta ** (weeks - 3.0), 0.0)
    np.testing.assert_allclose(adstock, expected, rtol=1e-12)


def test_adstock_of_constant_spend_reaches_its_steady_state():
    adstock = geometric_adstock(np.full(200, 50.0), 0.8)
    assert adstock[-1] == pytest.approx(50.0 / (1 - 0.8))


def test_adstock_rejects_theta_of_one():
    with pytest.raises(ValueError, match="theta"):
        geometric_adstock(np.ones(3), 1.0)


def test_hill_is_half_at_half_saturation_and_monotone():
    assert hill(40.0, 2.0, 40.0) == pytest.approx(0.5)
    values = hill(np.linspace(0, 500, 50), 1.5, 40.0)
    assert values[0] == 0.0
    assert np.all(np.diff(values) > 0)
    assert values[-1] < 1.0
