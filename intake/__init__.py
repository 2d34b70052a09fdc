"""The application layer, free of Prefect: one request through the stages into one claim
(`intake.request.process_request`), the claim store that is the only writer of `claims/<id>/`
(`intake.claim_store`), the storage inbox and its passes (`intake.inbox`, `intake.service_pass`),
e-mail parsing, the declaration, and the hand-off to adjudication. The command line, the Prefect
flows (`flows/`) and the tests all run these same functions.
"""
