"""Adapters to the outside world: storage, settings, adjudication hand-off, deployment files."""
