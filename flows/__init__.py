"""What runs the application layer (`intake/`): the `intake` command line and the Prefect flows and
deployment. Only `flows.tasks`, `flows.process_claim` and `flows.service` import Prefect; importing
this package, or `flows.cli`, does not.
"""
