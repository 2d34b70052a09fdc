"""bench/calibrate.py: the regularisation of each field's model is chosen on the develop part alone, by the
out-of-fold log loss, among a fixed grid; the classes of doubt's caps are their right shares on it."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from bench.calibrate import (
    LOSS_TOLERANCE,
    PRIOR_WEIGHT,
    REGULARISATIONS,
    Sample,
    class_caps,
    doubt_matrix,
    feature_names,
    log_loss,
    out_of_fold,
    pooled_shares,
    regularisation,
    set_left_out_lines,
    shipped_report,
    with_caps,
)
from extractors.calibration import DOUBTS, FIXED_CAPS

PRIOR = {
    "guess": 0.8,
    "readers_disagree": 0.9,
    "lookalike": 0.75,
    "order_guess": 0.5,
    "cents_unread": 0.5,
    "table_row": 0.5,
    "label_unread": 0.5,
}
assert list(PRIOR) == list(DOUBTS)  # a prior per class of doubt, in its order


def test_log_loss_rewards_confident_right_and_punishes_confident_wrong():
    y = np.array([1, 1, 0])
    assert log_loss(np.array([0.99, 0.99, 0.01]), y) < log_loss(np.array([0.6, 0.6, 0.4]), y)
    assert log_loss(np.array([1.0, 1.0, 1.0]), y) > 4  # clipped, not infinite


def test_the_regularisation_is_the_grids_lowest_out_of_fold_log_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] + 0.3 * rng.normal(size=400) > -1.5).astype(int)  # mostly right, the first feature says when not
    member = np.zeros((400, len(PRIOR)), dtype=bool)
    chosen = regularisation(x, y, member, PRIOR)
    assert chosen in REGULARISATIONS
    losses = {c: log_loss(out_of_fold(x, y, c, member, PRIOR), y) for c in REGULARISATIONS}
    assert losses[chosen] <= min(losses.values()) * (1 + LOSS_TOLERANCE)
    # the strongest regularisation among those as good
    assert all(c >= chosen for c, loss in losses.items() if loss <= min(losses.values()) * (1 + LOSS_TOLERANCE))


def test_a_class_of_doubts_cap_is_its_right_share_shrunk_towards_every_fields():
    y = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0])
    guess = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0], dtype=bool)  # 6 right of 9
    member = np.stack([guess, *[np.zeros(12, dtype=bool)] * (len(PRIOR) - 1)], axis=1)
    caps = class_caps(y, member, PRIOR)
    assert caps["guess"] == pytest.approx((6 + PRIOR_WEIGHT * 0.8) / (9 + PRIOR_WEIGHT), abs=1e-4)
    assert caps["readers_disagree"] == pytest.approx(0.9)  # never seen in this field: the pooled share
    p = np.array([0.99] * 12)
    capped = with_caps(p, member, caps)
    assert (capped[guess] == caps["guess"]).all() and (capped[~guess] == 0.99).all()


def test_the_pooled_share_of_a_class_never_seen_is_a_coin_toss():
    samples = [Sample("s", f"d{i}", "develop", "total", {"certainty": 1.0}, True, 0.9) for i in range(4)]
    assert doubt_matrix(samples).shape == (4, len(PRIOR)) and not doubt_matrix(samples).any()
    assert pooled_shares(samples) == dict.fromkeys(PRIOR, 0.5)
    guessed = [*samples, Sample("s", "g", "develop", "date", {"certainty": 0.3}, False, 0.3)]
    assert pooled_shares(guessed)["guess"] == pytest.approx(0.5 / 2)


def sample(set_name: str, part: str, x: float, right: bool) -> Sample:
    return Sample(set_name, f"{set_name}-{x}", part, "total", {"lead": x}, right, 0.5)


def test_each_set_left_out_is_scored_by_a_model_fitted_on_the_others():
    rng = np.random.default_rng(1)
    samples = []
    for set_name in ("alpha", "beta", "gamma"):
        for i in range(120):
            x = float(rng.normal())
            samples.append(sample(set_name, "scored" if i % 5 == 0 else "develop", x, x > -1.2))
    lines = set_left_out_lines(samples, 0.3, 0.9, PRIOR)
    assert [line.split()[0] for line in lines] == ["alpha", "beta", "gamma"]
    assert all("left out  n  120" in line and "at or above 0.9" in line for line in lines)
    # a set alone has nothing else to learn from: no line
    assert set_left_out_lines([s for s in samples if s.set_name == "alpha"], 0.3, 0.9, PRIOR) == []


def test_a_total_with_a_lookalike_rival_is_in_its_class_of_doubt_and_not_a_feature_of_the_model():
    alike = Sample("s", "a", "develop", "total", {"certainty": 1.0, "doubt:lookalike": 1.0}, False, 0.9)
    assert doubt_matrix([alike]).tolist() == [[name == "lookalike" for name in PRIOR]]
    assert "doubt:lookalike" not in feature_names([alike])


def test_a_fitted_cap_never_exceeds_a_fixed_one():
    y = np.ones(12, dtype=int)  # every guessed order right on this part: still a coin toss for the product
    member = np.stack([np.full(12, name in FIXED_CAPS) for name in PRIOR], axis=1)
    caps = class_caps(y, member, PRIOR)
    assert caps["order_guess"] == caps["cents_unread"] == caps["table_row"] == caps["label_unread"] == 0.5


def test_the_shipped_models_are_scored_as_they_are(capsys):
    sure = {"hand": 1.0, "certainty": 1.0, "ocr": 1.0, "rule:label_right": 1.0}
    samples = [
        Sample("alpha", "a", "develop", "total", sure, True, 1.0),
        Sample("alpha", "b", "scored", "total", {**sure, "cross_disagree": 1.0}, False, 1.0),  # held back
        Sample("alpha", "c", "develop", "date", {**sure, "rule:order_guess": 1.0}, False, 1.0),  # capped at 0.5
    ]
    shipped_report(samples, {"total": 0.925, "date": 0.86})
    out = capsys.readouterr().out
    assert "## total: the shipped model" in out and "## date: the shipped model" in out
    assert "alpha          scored   n    1:   0.0 % at or above 0.925, 0 wrong" in out  # disagreeing: held back
    assert "alpha          develop  n    1:   0.0 % at or above 0.86" in out  # the guessed order: not kept
