"""Storage settings from INTAKE_* variables; the S3 secret never shows."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from infra.storage import LocalStorage, StorageSettings, open_storage
from models.errors import ConfigError, ExitCode

SECRET = "s3cr3t-Do-Not-Print"
VARIABLES = (
    "INTAKE_STORAGE",
    "INTAKE_ROOT",
    "INTAKE_S3_ENDPOINT",
    "INTAKE_S3_ACCESS_KEY",
    "INTAKE_S3_SECRET_KEY",
    "INTAKE_S3_SECURE",
    "INTAKE_BUCKET",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_a_local_folder(monkeypatch, tmp_path):
    settings = StorageSettings()
    assert settings.storage == "local" and str(settings.root) == "intake-data" and settings.bucket == "intake"
    monkeypatch.chdir(tmp_path)
    storage = open_storage()
    assert isinstance(storage, LocalStorage) and storage.root == tmp_path / "intake-data"


def test_local_root_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "data"))
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", "http://example.invalid/")  # another concern's variable
    storage = open_storage()
    assert storage.root == tmp_path / "data" and storage.root.is_dir()


def test_s3_variables_are_read_and_the_secret_never_shown(monkeypatch):
    monkeypatch.setenv("INTAKE_STORAGE", "s3")
    monkeypatch.setenv("INTAKE_S3_ENDPOINT", "minio.internal:9000")
    monkeypatch.setenv("INTAKE_S3_ACCESS_KEY", "intake-service")
    monkeypatch.setenv("INTAKE_S3_SECRET_KEY", SECRET)
    monkeypatch.setenv("INTAKE_S3_SECURE", "false")
    monkeypatch.setenv("INTAKE_BUCKET", "claims-bucket")
    settings = StorageSettings()
    assert (settings.storage, settings.s3_endpoint, settings.s3_secure, settings.bucket) == (
        "s3",
        "minio.internal:9000",
        False,
        "claims-bucket",
    )
    assert settings.s3_secret_key.get_secret_value() == SECRET
    shown = [repr(settings), str(settings), settings.describe(), settings.model_dump_json(), str(settings.model_dump())]
    assert all(SECRET not in text for text in shown)
    assert settings.describe() == "S3 bucket claims-bucket at http://minio.internal:9000"


def test_s3_without_its_variables_is_refused_without_echoing_secrets(monkeypatch):
    monkeypatch.setenv("INTAKE_STORAGE", "s3")
    monkeypatch.setenv("INTAKE_S3_SECRET_KEY", SECRET)
    with pytest.raises(ValidationError) as caught:
        StorageSettings()
    assert "INTAKE_S3_ENDPOINT" in str(caught.value) and "INTAKE_S3_ACCESS_KEY" in str(caught.value)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("name, value", [("INTAKE_STORAGE", "ftp"), ("INTAKE_S3_SECURE", "maybe")])
def test_a_bad_value_is_refused_without_echoing_secrets(monkeypatch, name, value):
    monkeypatch.setenv("INTAKE_S3_SECRET_KEY", SECRET)
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        StorageSettings()
    assert name.removeprefix("INTAKE_").lower() in str(caught.value) and SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"INTAKE_STORAGE": "s3", "INTAKE_S3_ENDPOINT": "minio:9000"},
            "INTAKE_STORAGE=s3 needs INTAKE_S3_ACCESS_KEY, INTAKE_S3_SECRET_KEY",
        ),
        ({"INTAKE_STORAGE": "ftp"}, "INTAKE_STORAGE: Input should be 'local' or 's3'"),
        ({"INTAKE_S3_SECURE": "perhaps"}, "INTAKE_S3_SECURE: Input should be a valid boolean, unable to interpret input"),
    ],
)
def test_invalid_settings_are_a_configuration_error_naming_the_variable_not_its_value(monkeypatch, variables, message):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("INTAKE_S3_SECRET_KEY_UNUSED", "never-shown")
    with pytest.raises(ConfigError) as raised:
        open_storage()
    assert raised.value.exit_code == ExitCode.CONFIG
    assert raised.value.message == f"the storage settings are invalid: {message}"
