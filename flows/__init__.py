"""How the stages are chained: `pipeline` (plain Python) and `process_claim` (the Prefect flow).

Importing this package does not import Prefect; only `flows.process_claim` does.
"""
