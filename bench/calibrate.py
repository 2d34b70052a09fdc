"""Fit the calibration of field confidences (extractors/calibration.py) and report how well calibrated
they are, before and after, on the develop and the scored part of every labelled set.

Usage: python bench/calibrate.py [SET_DIR ...] [--ocr-cache DIR] [--workers N] [--write [--refit FIELD ...]] [--target 0.005]
       python bench/calibrate.py [SET_DIR ...] [--ocr-cache DIR] --shipped   (the shipped models as they are)

SET_DIR (default: `../shared/corpus/{sroie-train,sroie-dev,einvoice-dev}`; add a generated set, e.g.
`.venv/bin/python -m samples.generator corpus --out /tmp/gen9001 --seed 9001 --count 240`) holds
`<id>.<pdf|jpg|png>` with `<id>.json` (bench/accuracy.py's formats). Every document is read once through
the pipeline's stages (`--ocr-cache DIR/<set>`: pages read are kept and reused) and, for each decisive
field its ground truth gives (date, total, currency, care type, beneficiary) and the extraction found
on the file's first proof, a sample is kept: the features of the chosen value (extractors/calibration.py)
and whether it is right.

The split is bench/splits.py's: the models are fitted on the develop part of every set only; the
develop figures are out-of-fold (5-fold cross-validation), the scored part's are the fitted model's on
documents it never saw - only those count. Per field it prints, for the hand-set confidence and the
calibrated one: accuracy of the values found, expected calibration error (ECE: the gap between
confidence and accuracy over 10 equal-width bins, weighted by their share), Brier score, values wrong
at >= 0.8; then the coverage / precision curve (share of values at or above each threshold, and the
share of those that are wrong), and the lowest threshold that keeps wrong values at or under
`--target` (0.5 %) on the develop part's out-of-fold figures, with one wrong value to spare (one more
than found would still be within it; a part of fewer than 1 / target values cannot spare one and is
held to the target as it is) - the value to put under
`[straight_through]` in the rules file - with its coverage and wrong share per set and part. What the
threshold guards is adjudication: a wrong date more than 731 days from the true one (a year misread by
OCR) is held back by `date_out_of_range` whatever its confidence - a request comes after its care and
at most 730 days after it - so it does not count against the threshold; the per-set lines say how many
of the wrong values above it were not held back.

`--write` writes the models fitted on the develop part to extractors/data/calibration.json. A field
with fewer than 5 wrong values to learn from gets no model (its hand-set confidence stays). With
`--refit total` only the named fields' models are replaced (the others stay as last fitted; `about.fitted_on`
says when each was). Skips with
a message when no set is present.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.accuracy import derived_truth, labelled_files, normalise, page_outcomes, set_name_of
from bench.splits import part_of
from extractors.calibration import DOUBTS, FIXED_CAPS, MODEL_FILE, field_features
from extractors.cross_reading import OTHER_READER, OTHER_READER_CAP
from extractors.document import read_proof
from extractors.segment import segment_pages
from validators.rules_file import load_rules

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_SETS = tuple(CORPUS / name for name in ("sroie-train", "sroie-dev", "einvoice-dev"))
FIELDS = ("date", "total", "currency", "care_type", "beneficiary")
MIN_RULE_COUNT = 5  # a rule word seen fewer times on the develop part is no feature of its own
MIN_WRONG = 5  # fewer wrong values than this on the develop part: nothing to learn from, no model
FOLDS = 5
BINS = 10
CONFIDENT = 0.8
CURVE = (0.5, 0.8, 0.9, 0.95, 0.98, 0.99)
HELD_BACK_DAYS = 731  # a date this far from the truth is out of the rules' range (730 days) whenever the request came
GRID = tuple(round(0.5 + i * 0.005, 3) for i in range(100))  # 0.5 .. 0.995
# LogisticRegression's C, strong (few wrong values to learn from): per field, the one of these whose
# out-of-fold predictions on the develop part have the lowest log loss
REGULARISATIONS = (0.03, 0.1, 0.3, 1.0)
LOSS_TOLERANCE = 0.01  # a log loss within 1 % of the lowest is as good (regularisation)
PRIOR_WEIGHT = 2.0  # how many develop values the share over every field counts as, in a class of doubt's cap


@dataclass(frozen=True)
class Sample:
    """One field value found on a labelled document, with its features and whether it is right."""

    set_name: str
    doc_id: str
    part: str
    field: str
    features: dict[str, float]
    right: bool
    hand: float
    held_back: bool = False  # wrong, but another check stops it before adjudication (a date off by years)
    unconfirmed: bool = False  # only the reading the page did not keep found it: its confidence is capped


def samples_of(path: Path, set_name: str, cache: Path | None) -> list[Sample]:
    """The samples of one document: each decisive field its truth gives and the extraction found."""
    read = page_outcomes(path, cache)
    pages = [o.page for o in read[1] if o.page is not None] if read else []
    if not pages:
        return []
    reading = read_proof(segment_pages(pages)[0])
    truth = derived_truth(json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))
    part = part_of(set_name, path.stem)
    out = []
    for name in FIELDS:
        expected, field = truth.get(name), reading.found.fields.get(name)
        if expected is None or field is None:
            continue
        features = field_features(name, field, reading.found.evidence.get(name), reading.proof)
        right = normalise(name, field.value) == normalise(name, str(expected))
        held = not right and name == "date" and held_back_date(field.value, str(expected))
        unconfirmed = OTHER_READER in field.rule
        hand = min(field.confidence, OTHER_READER_CAP) if unconfirmed else field.confidence
        out.append(Sample(set_name, path.stem, part, name, features, right, hand, held, unconfirmed))
    return out


def held_back_date(read: str, true: str) -> bool:
    """A date read more than 731 days from the true one is `date_out_of_range` whenever the request was
    made (care comes before its request, and a request comes at most 730 days after its care: the
    rules' limit): the claim waits for a manager whatever the date's confidence."""
    try:
        return abs((date.fromisoformat(read) - date.fromisoformat(true)).days) > HELD_BACK_DAYS
    except ValueError:
        return False


def read_sets(folders: Sequence[Path], cache: Path | None, workers: int) -> list[Sample]:
    """Every sample of every set present."""
    jobs = []
    for folder in folders:
        if not folder.is_dir():
            print(f"SKIP: no set at {folder}")
            continue
        set_name = set_name_of(folder)
        set_cache = cache / set_name if cache else None
        if set_cache:
            set_cache.mkdir(parents=True, exist_ok=True)
        jobs += [(path, set_name, set_cache) for path in labelled_files(folder)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [s for found in pool.map(lambda job: samples_of(*job), jobs) for s in found]


def feature_names(samples: Sequence[Sample]) -> list[str]:
    """The model's features: every measured one, and the rule words seen often enough."""
    counts: dict[str, int] = defaultdict(int)
    for s in samples:
        for name in s.features:
            counts[name] += 1
    measured = sorted(n for n in counts if not n.startswith(("rule:", "doubt:")))  # "doubt:": for the caps only
    return measured + sorted(n for n, c in counts.items() if n.startswith("rule:") and c >= MIN_RULE_COUNT)


def design(samples: Sequence[Sample], names: Sequence[str]) -> np.ndarray:
    return np.array([[s.features.get(n, 0.0) for n in names] for s in samples], dtype=float)


def labels(samples: Sequence[Sample]) -> np.ndarray:
    return np.array([s.right for s in samples], dtype=int)


def passing(samples: Sequence[Sample]) -> np.ndarray:
    """1 where the value would not mislead adjudication: right, or wrong but held back by another check."""
    return np.array([s.right or s.held_back for s in samples], dtype=int)


def straight_through_scores(p: np.ndarray, samples: Sequence[Sample]) -> np.ndarray:
    """The confidences as the straight-through decision sees them: a date or total the two readers
    disagree on (`+readers_disagree`, validators/straight_through.py) is held back whatever its
    confidence - 0 here, so that thresholds and coverage count it as held back."""
    disagree = np.array([s.features.get("cross_disagree") == 1.0 for s in samples], dtype=bool)
    return np.where(disagree, 0.0, p) if len(p) else p


def fit(x: np.ndarray, y: np.ndarray, c: float):  # -> (mean, scale, LogisticRegression)
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y)
    return mean, scale, model


def predict(fitted, x: np.ndarray) -> np.ndarray:
    mean, scale, model = fitted
    return model.predict_proba((x - mean) / scale)[:, 1]


def capped(p: np.ndarray, samples: Sequence[Sample]) -> np.ndarray:
    """The probabilities as the product gives them: a value only the unkept reading found is capped
    (extractors/cross_reading.py `cap_unconfirmed`)."""
    mask = np.array([s.unconfirmed for s in samples], dtype=bool)
    return np.where(mask, np.minimum(p, OTHER_READER_CAP), p) if len(p) else p


def doubt_matrix(samples: Sequence[Sample]) -> np.ndarray:
    """Which class of doubt (extractors/calibration.py DOUBTS) each sample is in: one column per class."""
    return np.array([[member(s.features) for member in DOUBTS.values()] for s in samples], dtype=bool).reshape(
        len(samples), len(DOUBTS)
    )


def pooled_shares(samples: Sequence[Sample]) -> dict[str, float]:
    """Each class of doubt's right share over every field's develop values (half a right and half a wrong
    value added: a class never seen gets 0.5)."""
    y, member = labels(samples), doubt_matrix(samples)
    return {name: float((y[member[:, j]].sum() + 0.5) / (member[:, j].sum() + 1)) for j, name in enumerate(DOUBTS)}


def class_caps(y: np.ndarray, member: np.ndarray, prior: dict[str, float]) -> dict[str, float]:
    """Each class of doubt's cap for one field: its right share among the field's values, shrunk towards
    the share over every field (`prior`) by PRIOR_WEIGHT values - a class the field has seen a few times
    is mostly the pooled share -, never above the class's fixed cap (extractors/calibration.py FIXED_CAPS)."""
    caps = {}
    for j, name in enumerate(DOUBTS):
        inside = member[:, j]
        share = float((y[inside].sum() + PRIOR_WEIGHT * prior[name]) / (inside.sum() + PRIOR_WEIGHT))
        caps[name] = round(min(share, FIXED_CAPS.get(name, 1.0)), 4)  # a fixed cap is never exceeded
    return caps


def with_caps(p: np.ndarray, member: np.ndarray, caps: dict[str, float]) -> np.ndarray:
    """The probabilities, each at most the caps of its classes of doubt."""
    out = p.copy()
    for j, name in enumerate(DOUBTS):
        out = np.where(member[:, j], np.minimum(out, caps[name]), out)
    return out


def out_of_fold(x: np.ndarray, y: np.ndarray, c: float, member: np.ndarray, prior: dict[str, float]) -> np.ndarray:
    """Each develop sample's probability from a model (and caps) fitted without it (stratified folds)."""
    from sklearn.model_selection import StratifiedKFold

    folds = max(2, min(FOLDS, int(min(np.bincount(y, minlength=2)))))
    p = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(x, y):
        caps = class_caps(y[train], member[train], prior)
        p[test] = with_caps(predict(fit(x[train], y[train], c), x[test]), member[test], caps)
    return p


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-(y * np.log(q) + (1 - y) * np.log(1 - q)).mean())


def regularisation(x: np.ndarray, y: np.ndarray, member: np.ndarray, prior: dict[str, float]) -> float:
    """The smallest C of REGULARISATIONS (the strongest regularisation) whose out-of-fold probabilities'
    log loss on the develop part is within LOSS_TOLERANCE of the lowest: with a few wrong values to learn
    from, a lower loss by less than that is noise, and the simpler model is the safer one on unseen
    documents (the scored part plays no part in the choice)."""
    losses = {c: log_loss(out_of_fold(x, y, c, member, prior), y) for c in REGULARISATIONS}
    best = min(losses.values())
    return min(c for c, loss in losses.items() if loss <= best * (1 + LOSS_TOLERANCE))


def ece(p: np.ndarray, y: np.ndarray) -> float:
    """Expected calibration error over equal-width bins."""
    if not len(p):
        return 0.0
    bins = np.minimum((p * BINS).astype(int), BINS - 1)
    return float(
        sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).sum() for b in range(BINS) if (bins == b).any()) / len(p)
    )


def above(p: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float, int]:
    """(coverage, wrong share among those kept, wrong count) at threshold t."""
    kept = p >= t
    if not kept.any():
        return 0.0, 0.0, 0
    wrong = int((1 - y[kept]).sum())
    return float(kept.mean()), wrong / int(kept.sum()), wrong


def threshold(p: np.ndarray, y: np.ndarray, target: float) -> tuple[float, bool]:
    """The lowest threshold of the grid keeping wrong values at or under `target` even with one more
    wrong value above it than the develop part shows, and True; the spare error guards against a
    threshold that holds by the luck of a small sample (2 wrong among 446 is 0.45 %, under 0.5 %, and
    the next wrong value found would break it). A part too small to spare one (fewer than 1 / `target`
    values) gets the lowest threshold keeping them at or under `target` as they are, and False (1.0:
    none does)."""
    spared = next((t for t in GRID if (above(p, y, t)[2] + 1) <= target * int((p >= t).sum())), None)
    if spared is not None or len(p) * target >= 1:
        return (spared if spared is not None else 1.0), True
    return next((t for t in GRID if above(p, y, t)[1] <= target), 1.0), False


def threshold_line(t: float, spared: bool, target: float, how: str) -> str:
    spare = "with one wrong value to spare" if spared else f"too few values to spare one (fewer than {1 / target:.0f})"
    return f"  threshold keeping wrong <= {target * 100:.1f} % ({how}; {spare}): {t}"


def summary(p: np.ndarray, y: np.ndarray) -> str:
    if not len(p):
        return "n 0"
    wrong_confident = int(((p >= CONFIDENT) & (y == 0)).sum())
    brier = float(((p - y) ** 2).mean())
    return (
        f"n {len(p):4d}  right {y.mean() * 100:5.1f} %  ECE {ece(p, y):.3f}  Brier {brier:.3f}"
        f"  wrong at >= {CONFIDENT}: {wrong_confident} ({wrong_confident / len(p) * 100:.1f} %)"
    )


def curve(p: np.ndarray, y: np.ndarray) -> str:
    cells = []
    for t in CURVE:
        coverage, wrong, _ = above(p, y, t)
        cells.append(f">={t}: {coverage * 100:.0f} % kept, {wrong * 100:.1f} % wrong")
    return " | ".join(cells)


def per_set_lines(samples: Sequence[Sample], p: np.ndarray, t: float) -> list[str]:
    """Coverage and wrong share at the threshold, per set and part, and over all sets."""
    out = []
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, s in enumerate(samples):
        groups[(s.set_name, s.part)].append(i)
        groups[("(all sets)", s.part)].append(i)
    y, ok = labels(samples), passing(samples)
    for (set_name, part), idx in sorted(groups.items()):
        coverage, wrong, count = above(p[idx], y[idx], t)
        slipping = above(p[idx], ok[idx], t)[2]
        out.append(
            f"    {set_name:14s} {part:8s} n {len(idx):4d}: {coverage * 100:5.1f} % at or above {t}, {count} wrong ({wrong * 100:.1f} %),"
            f" {slipping} of them not held back"
        )
    return out


def model_entry(fitted, names: Sequence[str], develop: Sequence[Sample], t: float, caps: dict[str, float]) -> dict:
    mean, scale, model = fitted
    return {
        "caps": caps,
        "features": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "develop_samples": len(develop),
        "develop_wrong": int(sum(not s.right for s in develop)),
        "suggested_threshold": t,
    }


def shipped_lines(samples: Sequence[Sample], p: np.ndarray, computed: float, shipped: float | None) -> list[str]:
    """The per-set figures at the threshold the rules file ships, when it is not the one just computed
    (what adjudication gets today)."""
    if shipped is None or shipped == computed:
        return []
    return [f"  at the shipped threshold ({shipped}, validators/rules/default.toml):", *per_set_lines(samples, p, shipped)]


def set_left_out_lines(samples: Sequence[Sample], c: float, t: float, prior: dict[str, float]) -> list[str]:
    """Each set, both parts, scored by a model fitted on the other sets' develop parts only, at threshold t:
    what a source the models never learnt from gets (its own kinds of wrong values unknown to them)."""
    out = []
    for held in sorted({s.set_name for s in samples}):
        train = [s for s in samples if s.part == "develop" and s.set_name != held]
        test = [s for s in samples if s.set_name == held]
        if int((1 - labels(train)).sum()) < 2 or not test:
            continue
        names = feature_names(train)
        caps = class_caps(labels(train), doubt_matrix(train), prior)
        p = predict(fit(design(train, names), labels(train), c), design(test, names))
        p = straight_through_scores(capped(with_caps(p, doubt_matrix(test), caps), test), test)
        coverage, wrong, _ = above(p, labels(test), t)
        slipping = above(p, passing(test), t)[2]
        confident = int(((p >= CONFIDENT) & (labels(test) == 0)).sum())
        out.append(
            f"    {held:14s} left out  n {len(test):4d}: {coverage * 100:5.1f} % at or above {t}, wrong {wrong * 100:.1f} %,"
            f" {slipping} not held back; wrong at >= {CONFIDENT}: {confident}"
        )
    return out


def calibrate_field(
    name: str, samples: Sequence[Sample], target: float, prior: dict[str, float], shipped: float | None = None
) -> tuple[dict | None, float]:
    """Fit and report one field: its model entry (None: too few wrong values to learn from, the hand-set
    confidence stays) and the threshold keeping wrong values at or under `target` on the develop part
    (`prior`: each class of doubt's share over every field; `shipped`: the rules file's threshold, also
    reported when it differs)."""
    develop = [s for s in samples if s.part == "develop"]
    scored = [s for s in samples if s.part == "scored"]
    y_dev, y_sc = labels(develop), labels(scored)
    print(
        f"\n## {name}: develop {len(develop)} values ({int((1 - y_dev).sum())} wrong), scored {len(scored)} ({int((1 - y_sc).sum())} wrong)"
    )
    hand_dev, hand_sc = np.array([s.hand for s in develop]), np.array([s.hand for s in scored])
    print(f"  hand-set   develop {summary(hand_dev, y_dev)}")
    print(f"  hand-set   scored  {summary(hand_sc, y_sc)}")
    if not len(develop):
        return None, 1.0
    if int((1 - y_dev).sum()) < MIN_WRONG:
        print(f"  no model: fewer than {MIN_WRONG} wrong values on the develop part; the hand-set confidence stays")
        print(f"  curve develop: {curve(hand_dev, y_dev)}")
        print(f"  curve scored:  {curve(hand_sc, y_sc)}")
        t, spared = threshold(straight_through_scores(hand_dev, develop), passing(develop), target)
        print(threshold_line(t, spared, target, "develop, hand-set"))
        both = [*develop, *scored]
        scores = straight_through_scores(np.concatenate([hand_dev, hand_sc]), both)
        print("\n".join([*per_set_lines(both, scores, t), *shipped_lines(both, scores, t, shipped)]))
        return None, t
    names = feature_names(develop)
    x_dev, x_sc = design(develop, names), design(scored, names)
    member_dev = doubt_matrix(develop)
    c = regularisation(x_dev, y_dev, member_dev, prior)
    oof = capped(out_of_fold(x_dev, y_dev, c, member_dev, prior), develop)
    fitted, caps = fit(x_dev, y_dev, c), class_caps(y_dev, member_dev, prior)
    p_sc = capped(with_caps(predict(fitted, x_sc), doubt_matrix(scored), caps), scored) if len(scored) else np.zeros(0)
    print(
        f"  regularisation C = {c} (smallest within 1 % of the lowest out-of-fold log loss on the develop part, among {REGULARISATIONS})"
    )
    print(f"  caps of the classes of doubt (right share on the develop part, shrunk towards every field's): {caps}")
    print(f"  calibrated develop {summary(oof, y_dev)}  (out of fold)")
    print(f"  calibrated scored  {summary(p_sc, y_sc)}")
    print(f"  curve develop: {curve(oof, y_dev)}")
    print(f"  curve scored:  {curve(p_sc, y_sc)}")
    t, spared = threshold(straight_through_scores(oof, develop), passing(develop), target)
    held = sum(s.held_back for s in develop)
    disagree = sum(s.features.get("cross_disagree") == 1.0 for s in develop)
    how = f"develop, out of fold; {held} wrong dates held back by date_out_of_range not counted; {disagree} values the readers disagree on held back"
    print(threshold_line(t, spared, target, how))
    both = [*develop, *scored]
    scores = straight_through_scores(np.concatenate([oof, p_sc]), both)
    print("\n".join([*per_set_lines(both, scores, t), *shipped_lines(both, scores, t, shipped)]))
    used = shipped if shipped is not None else t
    print(f"  each set left out of the fit (the others' develop parts fit it; both its parts scored; threshold {used}):")
    print("\n".join(set_left_out_lines(both, c, used, prior)))
    return {**model_entry(fitted, names, develop, t, caps), "regularisation": c}, t


def shipped_report(samples: Sequence[Sample], thresholds: dict[str, float]) -> None:
    """The shipped models (extractors/data/calibration.json, fitted earlier) on these sets as the product reads
    them today, fitting nothing: what changed in the reading moves these figures, not a new fit."""
    from extractors.calibration import default_calibration

    calibration = default_calibration()
    about = json.loads(MODEL_FILE.read_text(encoding="utf-8")).get("about", {})
    for name, model in calibration.models.items():
        field = [s for s in samples if s.field == name]
        if not field:
            continue
        p = capped(np.array([model.probability(s.features) for s in field]), field)
        y = labels(field)
        fitted = about.get("fitted_on", {}).get(name, about.get("built_on", "?"))
        print(f"\n## {name}: the shipped model (fitted {fitted})")
        for part in ("develop", "scored"):
            idx = [i for i, s in enumerate(field) if s.part == part]
            print(f"  shipped    {part:8s}{summary(p[idx], y[idx])}")
        if name in thresholds:
            print(f"  at the shipped threshold ({thresholds[name]}, validators/rules/default.toml):")
            print("\n".join(per_set_lines(field, straight_through_scores(p, field), thresholds[name])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", type=Path, nargs="*", default=list(DEFAULT_SETS))
    parser.add_argument("--ocr-cache", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help=f"write the fitted models to {MODEL_FILE}")
    parser.add_argument("--target", type=float, default=0.005, help="wrong share kept at or above the threshold")
    parser.add_argument(
        "--refit", nargs="+", choices=FIELDS, help="with --write: replace only these fields' models, keep the others as written"
    )
    parser.add_argument("--shipped", action="store_true", help="score the shipped models as they are, fitting nothing")
    args = parser.parse_args()
    samples = read_sets(args.sets, args.ocr_cache, args.workers)
    if not samples:
        print("SKIP: no labelled set present (../shared/corpus or the folders given)")
        return 0
    if args.shipped:
        shipped_report(samples, load_rules().straight_through.thresholds())
        return 0
    sets = sorted({s.set_name for s in samples})
    print(f"{len(samples)} values from {', '.join(sets)}; models fitted on the develop part only (bench/splits.py)")
    models, thresholds = {}, {}
    shipped = load_rules().straight_through.thresholds()
    prior = pooled_shares([s for s in samples if s.part == "develop"])
    print(f"classes of doubt, right share over every field's develop values: {prior}")
    for name in FIELDS:
        entry, thresholds[name] = calibrate_field(
            name, [s for s in samples if s.field == name], args.target, prior, shipped.get(name)
        )
        if entry is not None:
            models[name] = entry
    print("\nthresholds for the rules file's [straight_through] table (develop part):")
    print("\n".join(f"{name} = {value}" for name, value in thresholds.items()))
    if args.write:
        refit = args.refit or list(FIELDS)
        kept = json.loads(MODEL_FILE.read_text(encoding="utf-8")) if args.refit and MODEL_FILE.exists() else {"fields": {}}
        written = {name: entry for name, entry in kept["fields"].items() if name not in refit}
        written.update({name: entry for name, entry in models.items() if name in refit})
        before = kept.get("about", {})
        fitted_on = {name: before.get("fitted_on", {}).get(name, before.get("built_on")) for name in written}
        fitted_on.update({name: date.today().isoformat() for name in refit if name in written})
        about = {
            "built_by": "bench/calibrate.py",
            "built_on": date.today().isoformat(),
            "fitted_on": fitted_on,  # each field's model's last fit (--refit replaces some only)
            "sets": sets,
            "target_wrong": args.target,
            "rule_words_min_count": MIN_RULE_COUNT,
        }
        MODEL_FILE.write_text(json.dumps({"about": about, "fields": written}, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {MODEL_FILE} ({', '.join(f'{n} refitted' if n in refit else f'{n} kept' for n in written)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
