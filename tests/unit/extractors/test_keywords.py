"""The keyword files (extractors/data/*.toml): each loads into its typed model, and a broken copy is
refused with the file's name and the faulty key."""

from __future__ import annotations

import shutil

import pytest

from extractors import keywords
from extractors.keywords import DATA_DIR, DATA_FILES, DataFileError, load_all, load_data
from models import DocType
from models.errors import ConfigError
from models.manifest import CareType


def test_every_data_file_has_a_model_and_loads():
    assert {p.stem for p in DATA_DIR.glob("*.toml")} == {model.file for model in DATA_FILES}
    loaded = load_all()
    assert all(type(loaded[model.file]) is model for model in DATA_FILES)


def test_the_models_read_the_files_as_they_are():
    assert keywords.CURRENCIES.hints["malaysia"] == "MYR" and keywords.CURRENCIES.ambiguous["$"] == "USD"
    assert keywords.PERIODS.stay_labels.start[0] == "date d'entree" and "sortie" in keywords.PERIODS.stay_labels.to
    assert keywords.TOTALS.labels["net a payer"] == 1.0 and "pour" in keywords.PARTIES.beneficiary.weak_labels
    assert set(keywords.DOC_TYPES.by_type()) == set(DocType) - {DocType.OTHER}
    assert set(keywords.CARE_TYPES.tables()) == {c.value for c in CareType} - {"other"}


@pytest.mark.parametrize("model", DATA_FILES, ids=lambda m: m.file)
def test_a_typo_in_a_key_is_refused_naming_the_file_and_key(tmp_path, model):
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / f"{model.file}.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[typo_section]\nword = "x"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"{model.file}\.toml: .*typo_section: Extra inputs are not permitted") as caught:
        load_data(model, tmp_path)
    assert isinstance(caught.value, ConfigError) and caught.value.code == "invalid_data_file"


@pytest.mark.parametrize(
    ("file", "old", "new", "named"),
    [
        ("sessions", "not_session = [", "not_sesion = [", "not_session: Field required; not_sesion: Extra inputs"),
        ("periods", "[stay_labels]\nfrom = [", "[stay_labels]\nfrom_ = [", "stay_labels.from: Field required"),
        ("totals", '"net a payer" = 1.0', '"net a payer" = "beaucoup"', "labels.net a payer: Input should be a valid number"),
        (
            "parties",
            'weak_labels = ["nom"',
            'weak_labels = [1, "nom"',
            "beneficiary.weak_labels.0: Input should be a valid string",
        ),
    ],
)
def test_a_wrong_key_or_value_is_named(tmp_path, file, old, new, named):
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / f"{file}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    model = next(m for m in DATA_FILES if m.file == file)
    with pytest.raises(DataFileError, match=rf"{file}\.toml: ") as caught:
        load_data(model, tmp_path)
    assert named in str(caught.value)


def test_fold_lowers_and_strips_accents_one_character_per_character():
    import unicodedata

    from extractors.data_files import fold

    def reference(text: str) -> str:
        out = []
        for ch in text:
            base = unicodedata.normalize("NFKD", ch)[:1] or ch
            out.append(base.lower() if len(base.lower()) == 1 else ch)
        return "".join(out)

    texts = [
        "Total TTC 45,30 €",
        "Prénom(s) : Léa ÉLOÏSE",
        "Straße ﬁn İstanbul ǅ Å",
        "\uff21\uff22\uff23\uff11\uff12\uff13",
        "x\u0301y",
        "",
        "ÇA",
    ]
    texts += ["".join(chr(c) for c in range(start, start + 64)) for start in range(0, 0x2500, 64)]
    for text in texts:
        assert fold(text) == reference(text) and len(fold(text)) == len(text)
    assert fold("Réglé PAR Carte") == "regle par carte"
