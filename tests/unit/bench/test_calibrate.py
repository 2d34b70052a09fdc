"""bench/calibrate.py: the regularisation of each field's model is chosen on the develop part alone, by the
out-of-fold log loss, among a fixed grid."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from bench.calibrate import REGULARISATIONS, Sample, log_loss, out_of_fold, regularisation, set_left_out_lines


def test_log_loss_rewards_confident_right_and_punishes_confident_wrong():
    y = np.array([1, 1, 0])
    assert log_loss(np.array([0.99, 0.99, 0.01]), y) < log_loss(np.array([0.6, 0.6, 0.4]), y)
    assert log_loss(np.array([1.0, 1.0, 1.0]), y) > 4  # clipped, not infinite


def test_the_regularisation_is_the_grids_lowest_out_of_fold_log_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] + 0.3 * rng.normal(size=400) > -1.5).astype(int)  # mostly right, the first feature says when not
    chosen = regularisation(x, y)
    assert chosen in REGULARISATIONS
    losses = {c: log_loss(out_of_fold(x, y, c), y) for c in REGULARISATIONS}
    assert losses[chosen] == min(losses.values())


def sample(set_name: str, part: str, x: float, right: bool) -> Sample:
    return Sample(set_name, f"{set_name}-{x}", part, "total", {"lead": x}, right, 0.5)


def test_each_set_left_out_is_scored_by_a_model_fitted_on_the_others():
    rng = np.random.default_rng(1)
    samples = []
    for set_name in ("alpha", "beta", "gamma"):
        for i in range(120):
            x = float(rng.normal())
            samples.append(sample(set_name, "scored" if i % 5 == 0 else "develop", x, x > -1.2))
    lines = set_left_out_lines(samples, 0.3, 0.9)
    assert [line.split()[0] for line in lines] == ["alpha", "beta", "gamma"]
    assert all("left out  n  120" in line and "at or above 0.9" in line for line in lines)
    # a set alone has nothing else to learn from: no line
    assert set_left_out_lines([s for s in samples if s.set_name == "alpha"], 0.3, 0.9) == []
