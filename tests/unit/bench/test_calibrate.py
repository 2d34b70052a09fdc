"""bench/calibrate.py: the regularisation of each field's model is chosen on the develop part alone, by the
out-of-fold log loss, among a fixed grid."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from bench.calibrate import REGULARISATIONS, log_loss, out_of_fold, regularisation


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
