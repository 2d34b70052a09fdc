"""The Prefect flow `process_claim`: one task per stage, pages read concurrently, run named after the claim.

Each task is a thin wrapper over a plain stage function (flows/pipeline.py and below); without a
Prefect server configured it runs in Prefect's ephemeral mode.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows import pipeline
from models import Claim, Document, Upload, UploadReport
from validators.upload import check_uploads


@task(name="check-uploads", cache_policy=NO_CACHE)
def check_uploads_task(paths: list[str]) -> UploadReport:
    return check_uploads(paths)


@task(name="read-page", cache_policy=NO_CACHE, task_run_name="read-page-{upload.index}-{page_no}")
def read_page_task(upload: Upload, page_no: int) -> pipeline.PageOutcome:
    return pipeline.read_page_outcome(upload, page_no)


@task(name="build-document", cache_policy=NO_CACHE)
def build_document_task(upload: Upload, outcomes: list[pipeline.PageOutcome]) -> list[Document]:
    return pipeline.documents_from_outcomes(upload, outcomes)


@task(name="build-claim", cache_policy=NO_CACHE)
def build_claim_task(claim_id: str, report: UploadReport, documents: list[Document], manifest: dict | None,
                     previous_claim: str | None, index_file: str | None, rules_file: str | None, quoted_claim: str | None) -> Claim:
    context = pipeline.request_context(manifest, index_file, rules_file, quoted_claim=quoted_claim)
    return pipeline.build_claim(claim_id, report, documents, context=context, previous=pipeline.load_previous(previous_claim))


@flow(
    name="process_claim",
    flow_run_name="{claim_id}",
    task_runner=ThreadPoolTaskRunner(max_workers=pipeline.worker_count()),
    validate_parameters=False,
)
def process_claim(paths: list[str], claim_id: str, manifest: dict | None = None, previous_claim: str | None = None,
                  index_file: str | None = None, rules_file: str | None = None, quoted_claim: str | None = None) -> Claim:
    """Upload rules -> pages (concurrent OCR) -> documents -> claim checks, for one request.

    `manifest`: what the claimant declared (models.manifest.Manifest as a dict); `previous_claim`: the
    claim.json a reply adds to; `index_file`: documents received so far (duplicates); `rules_file`:
    the insurer's rules (default: INTAKE_RULES or the bundled rules); `quoted_claim`: the claim number
    the request quotes (flagged `unknown_claim` when it is not the claim it joins)."""
    report = check_uploads_task(paths)
    futures = {
        (upload.index, page_no): read_page_task.submit(upload, page_no) for upload, page_no in pipeline.page_jobs(report.accepted)
    }
    documents = [
        document
        for upload in report.accepted
        for document in build_document_task(upload, [futures[(upload.index, n)].result() for n in range(1, upload.page_count + 1)])
    ]
    return build_claim_task(claim_id, report, documents, manifest, previous_claim, index_file, rules_file, quoted_claim)
