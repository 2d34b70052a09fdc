"""Checks that turn files and documents into flags; no Prefect, no I/O beyond reading inputs."""
