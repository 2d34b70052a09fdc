"""The review desk over HTTP (FastAPI's test client, real claims made by the service from the sample
requests): access control on every route, each manager action and its trace, locking, CSRF."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from infra.index.store import open_index
from intake.reindex import Reindex
from models import Claim
from review.accounts import Role
from review.app import DeskConfig, create_app
from tests.documents import quarantined
from tests.review_data import PASSWORDS, accounts
from validators.rules_file import load_rules

ACCOUNTS = accounts()


@pytest.fixture
def desk_storage(desk_storage):
    """The copied claims with their index: it lives beside a storage, so a copy starts without one, and
    `intake reindex` rebuilds it from the bucket, as after restoring a bucket."""
    Reindex(desk_storage).run()
    return desk_storage


def desk(storage) -> TestClient:
    return TestClient(create_app(DeskConfig(storage=storage, accounts=ACCOUNTS, secret="s" * 40, rules=load_rules())))


def sign_in(client: TestClient, name: str) -> TestClient:
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login", data={"account": name, "password": PASSWORDS[name], "csrf": token, "next": "/"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    return client


def claims_with(storage, code: str) -> list[Claim]:
    found = []
    for info in storage.list("claims/"):
        if info.key.endswith("/claim.json") and info.key.count("/") == 2:
            claim = Claim.model_validate_json(storage.get_bytes(info.key))
            if any(f.code.value == code for f in claim.all_flags()):
                found.append(claim)
    return sorted(found, key=lambda c: len(c.documents))


def all_claims(storage) -> list[Claim]:
    return [
        Claim.model_validate_json(storage.get_bytes(i.key))
        for i in storage.list("claims/")
        if i.key.endswith("/claim.json") and i.key.count("/") == 2
    ]


class Form:
    """The hidden fields of a claim page: CSRF token, version, first document key."""

    def __init__(self, html: str) -> None:
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
        self.version = re.search(r'name="version" value="([^"]+)"', html).group(1)

    def data(self, **values: str) -> dict[str, str]:
        return {"csrf": self.csrf, "version": self.version, **values}


def open_claim(client: TestClient, claim_id: str) -> Form:
    page = client.get(f"/claims/{claim_id}")
    assert page.status_code == 200
    return Form(page.text)


def events(storage, claim_id: str) -> list[dict]:
    return [json.loads(storage.get_bytes(i.key)) for i in storage.list(f"claims/{claim_id}/review/")]


# -- access ----------------------------------------------------------------------------------------


def every_route(routes):
    """The app's routes, those of the routers it includes (review/routes/, no prefix) among them."""
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's wrapper of an included router
        yield from every_route(included.routes) if included is not None else (route,)


def test_every_route_refuses_anonymous_access(desk_storage):
    client = desk(desk_storage)
    claim = claims_with(desk_storage, "missing_prescription")[0]
    routes = list(every_route(client.app.routes))
    assert {"/login", "/", "/claims/{claim_id}", "/claims/{claim_id}/approve", "/claims/{claim_id}/fields"} <= {
        r.path for r in routes
    }
    for route in routes:
        path = (
            route.path.replace("{claim_id}", claim.claim_id)
            .replace("{index}", "0")
            .replace("{page}", "1")
            .replace("{language}", "en")
        )
        for method in route.methods - {"HEAD"}:
            if path == "/login":
                continue
            answer = client.request(method, path, follow_redirects=False)
            if method == "GET" and not path.startswith("/lang/"):
                assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), path
            elif method == "POST":
                assert answer.status_code == 401, path
            assert claim.claim_id not in answer.text and b"\xff\xd8" not in answer.content[:2]
    assert client.get("/lang/en", follow_redirects=True).url.path == "/login"
    assert client.get("/no-such-page", follow_redirects=False).status_code == 303
    assert client.get(f"/claims/{claim.claim_id}/documents/0/pages/1.jpg", follow_redirects=False).status_code == 303


def test_sign_in_needs_the_right_password_and_the_form_token(desk_storage):
    client = desk(desk_storage)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"account": "marie", "password": "wrong-password", "csrf": token}).status_code == 401
    assert client.post("/login", data={"account": "nobody", "password": "whatever-pw", "csrf": token}).status_code == 401
    assert client.post("/login", data={"account": "marie", "password": PASSWORDS["marie"], "csrf": "forged"}).status_code == 401
    sign_in(client, "marie")
    assert client.get("/").status_code == 200
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    form = Form(client.get(f"/claims/{claims_with(desk_storage, 'missing_prescription')[0].claim_id}").text)
    client.post("/logout", data={"csrf": form.csrf})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_forged_session_cookie_is_refused(desk_storage):
    client = desk(desk_storage)
    client.cookies.set("intake_review", "eyJ1IjoibWFyaWUiLCJyIjoibWFuYWdlciJ9.forged.sig")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_an_operator_reads_but_cannot_act(desk_storage):
    client = sign_in(desk(desk_storage), "olivier")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    page = client.get(f"/claims/{claim.claim_id}")
    assert page.status_code == 200 and 'id="approve"' not in page.text and "Lecture seule" in page.text
    form = Form(page.text)
    answer = client.post(f"/claims/{claim.claim_id}/approve", data=form.data())
    assert answer.status_code == 403
    assert not desk_storage.exists(f"outbox/adjudication/{claim.claim_id}.json") and events(desk_storage, claim.claim_id) == []


def test_a_post_without_the_session_csrf_token_changes_nothing(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    form = open_claim(client, claim.claim_id)
    answer = client.post(f"/claims/{claim.claim_id}/approve", data={"version": form.version, "csrf": "not-the-token"})
    assert answer.status_code == 403
    assert not desk_storage.exists(f"outbox/adjudication/{claim.claim_id}.json") and events(desk_storage, claim.claim_id) == []


# -- the queue -------------------------------------------------------------------------------------


def test_the_queue_lists_claims_to_review_oldest_first_with_filters_and_counts(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    page = client.get("/").text
    listed = re.findall(r'class="claim-link">([^<]+)<', page)
    expected = claims_with(desk_storage, "missing_prescription")
    assert sorted(listed) == sorted(c.claim_id for c in expected)
    created = {c.claim_id: c.created_at for c in expected}
    assert [created[c] for c in listed] == sorted(created[c] for c in listed)
    assert f"Ordonnance manquante ({len(expected)})" in page and 'value="missing_prescription"' in page
    assert re.findall(r'class="claim-link">', client.get("/?flag=not_covered").text) == []
    emailed = [c for c in expected if c.channel and c.channel.value == "email"]
    assert len(emailed) == 1
    assert len(re.findall(r'class="claim-link">', client.get("/?channel=extranet").text)) == len(expected) - 1
    assert len(re.findall(r'class="claim-link">', client.get("/?channel=email").text)) == 1
    assert len(re.findall(r'class="claim-link">', client.get("/?view=all").text)) == 4
    # the search: claim number, beneficiary, file name; case and accents ignored
    assert re.findall(r'class="claim-link">([^<]+)<', client.get("/?q=KINÉ").text) == [emailed[0].claim_id]
    assert re.findall(r'class="claim-link">([^<]+)<', client.get("/?q=" + emailed[0].claim_id[-6:].lower()).text) == [
        emailed[0].claim_id
    ]
    assert re.findall(r'class="claim-link">', client.get("/?q=nobody-by-that-name").text) == []
    # amount, beneficiary and files received (documents + refused files) per claim
    row = re.search(r'<tr>\s*<td><a href="/claims/' + emailed[0].claim_id + r".*?</tr>", page, re.S).group(0)
    assert "262.50 EUR" in row and re.search(r'class="file-count">2<', row)


def listed(page: str) -> list[str]:
    return re.findall(r'class="claim-link">([^<]+)<', page)


def test_the_queue_sorts_and_pages_from_the_index(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claims = {c.claim_id: c for c in claims_with(desk_storage, "missing_prescription")}
    totals = {row.claim_id: row.total_eur for row in open_index(desk_storage).queue(per_page=500).rows}
    assert set(totals) == set(claims) and all(totals.values())
    by_amount = listed(client.get("/?sort=amount").text)
    assert [totals[c] for c in by_amount] == sorted(totals.values(), reverse=True)
    assert [totals[c] for c in listed(client.get("/?sort=-amount").text)] == sorted(totals.values())
    oldest_first = listed(client.get("/").text)
    assert listed(client.get("/?sort=-age").text) == oldest_first[::-1]
    assert listed(client.get("/?sort=nonsense&page=x").text) == oldest_first  # the defaults
    page = client.get("/?sort=amount&page=9").text  # past the end: the last page
    assert listed(page) == by_amount and 'value="amount" selected' in page
    assert "Page 1 sur 1 · 3 demande(s)" in page and 'id="page-next"' not in page


def test_fifty_claims_a_page_with_links_that_keep_the_filters(desk_storage):
    index = open_index(desk_storage)
    real = index.queue().rows[0]
    created = max(r.created_at for r in index.queue(per_page=500).rows)
    extra = [  # rows only (the bucket does not hold these claims): the queue reads nothing else
        replace(real, claim_id=f"CLM-20991231-{n:06d}", created_at=created + timedelta(minutes=n + 1), version=f"x.{n}")
        for n in range(60)
    ]
    index.put_claims(extra)
    client = sign_in(desk(desk_storage), "marie")
    first = client.get("/?channel=extranet").text
    assert len(listed(first)) == 50 and "Page 1 sur 2 · 62 demande(s)" in first
    assert 'href="/?view=to_review&amp;channel=extranet&amp;page=2" rel="next"' in first and 'id="page-prev"' not in first
    second = client.get("/?channel=extranet&page=2").text
    assert len(listed(second)) == 12 and listed(second)[-1] == "CLM-20991231-000059"
    assert 'href="/?view=to_review&amp;channel=extranet&amp;page=1" rel="prev"' in second and 'id="page-next"' not in second
    assert not set(listed(first)) & set(listed(second))
    newest = client.get("/?channel=extranet&sort=-age").text
    assert (
        listed(newest)[0] == "CLM-20991231-000059"
        and 'href="/?view=to_review&amp;channel=extranet&amp;sort=-age&amp;page=2"' in newest
    )


def test_a_claim_page_keeps_its_view_for_previous_and_next(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    everything = listed(client.get("/?view=all").text)
    middle = client.get(f"/claims/{everything[1]}?view=all").text
    assert f'href="/claims/{everything[0]}?view=all" id="prev-claim"' in middle
    assert f'href="/claims/{everything[2]}?view=all" id="next-claim"' in middle


def test_a_claim_the_index_lost_still_opens_and_is_indexed_again(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    index = open_index(desk_storage)
    index.clear_claims()  # the index lost (or never had) every claim
    assert listed(client.get("/").text) == []
    assert client.get(f"/claims/{claim.claim_id}").status_code == 200
    assert listed(client.get("/").text) == [claim.claim_id] and index.claim(claim.claim_id).view == "to_review"


def test_the_english_toggle(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    assert "À traiter" in client.get("/").text
    client.get("/lang/en?next=/")
    assert "To review" in client.get("/").text


# -- a claim ---------------------------------------------------------------------------------------


def test_the_claim_page_shows_pages_boxes_fields_and_flags(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[-1]  # the receipt whose total is read with low confidence
    page = client.get(f"/claims/{claim.claim_id}").text
    assert page.count('<figure class="page"') == sum(len(d.pages) for d in claim.documents)
    assert "box field low" in page and 'class="field-row low"' in page
    assert "Pièce manquante" in page and 'name="flag" value="missing_prescription:-:0:1"' in page
    image = client.get(f"/claims/{claim.claim_id}/documents/1/pages/1.jpg")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg" and image.content[:2] == b"\xff\xd8"
    words = client.get(f"/claims/{claim.claim_id}/documents/1/pages/1.json").json()
    info = claim.documents[1].pages[0]
    assert (words["width"], words["height"]) == (info.width, info.height) and len(words["words"]) >= 5
    assert client.get(f"/claims/{claim.claim_id}/documents/7/pages/1.jpg").status_code == 404
    assert client.get("/claims/CLM-1/documents/0/pages/1.jpg").status_code == 404
    assert client.get("/claims/..%2F..%2Fetc/documents/0/pages/1.jpg").status_code == 404


def test_correcting_a_low_confidence_total_then_approving(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[-1]
    receipt = min((d for d in claim.documents if "total" in d.fields), key=lambda d: d.fields["total"].confidence)
    form = open_claim(client, claim.claim_id)
    document = f"{receipt.file}#0"
    answer = client.post(
        f"/claims/{claim.claim_id}/field",
        data=form.data(document=document, field="total", value="648,00"),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert 'value="648.00"' in page and "Champ corrigé" in page and page.count('class="audit-row"') == 1
    label = json.loads(desk_storage.get_bytes(f"labels/corrections/{claim.claim_id}/000001.json"))
    assert (label["field"], label["machine_value"], label["corrected_value"]) == (
        "total",
        receipt.fields["total"].value,
        "648.00",
    )
    assert label["original"] == f"claims/{claim.claim_id}/originals/{receipt.file}" and desk_storage.exists(label["original"])
    form = Form(page)
    flag = re.search(r'name="flag" value="([^"]+)"', page).group(1)
    client.post(f"/claims/{claim.claim_id}/dismiss", data=form.data(flag=flag, reason="ordonnance vue au dossier papier"))
    form = open_claim(client, claim.claim_id)
    answer = client.post(f"/claims/{claim.claim_id}/approve", data=form.data(note="ok"), follow_redirects=False)
    assert answer.status_code == 303
    handed = Claim.model_validate_json(desk_storage.get_bytes(f"outbox/adjudication/{claim.claim_id}.json"))
    assert handed.status.value == "ready" and handed.review.decision.value == "approved" and handed.review.decided_by == "marie"
    total = next(d for d in handed.documents if d.file == receipt.file).fields["total"]
    assert (total.value, total.confidence, total.rule) == ("648.00", 1.0, "review")
    assert [c.field for c in handed.review.corrections] == ["total"]
    assert [d.code for d in handed.review.dismissed_flags] == ["missing_prescription"] and handed.all_flags() == []
    trail = events(desk_storage, claim.claim_id)
    assert [e["action"] for e in trail] == ["correct_field", "dismiss_flag", "approve"] and {e["by"] for e in trail} == {"marie"}
    assert trail[0]["before"] == receipt.fields["total"].value and trail[0]["after"] == "648.00"
    closed = client.get(f"/claims/{claim.claim_id}").text
    assert 'id="approve"' not in closed and 'id="decision"' in closed
    assert client.post(f"/claims/{claim.claim_id}/reject", data=Form(closed).data(reason="non")).status_code == 403


def test_a_wrong_value_is_refused_with_a_message_and_nothing_recorded(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    form = open_claim(client, claim.claim_id)
    document = f"{claim.documents[0].file}#0"
    answer = client.post(f"/claims/{claim.claim_id}/field", data=form.data(document=document, field="date", value="31/02/2026"))
    assert answer.status_code == 400 and "31/02/2026 : ce jour n&#39;existe pas" in answer.text
    assert 'value="31/02/2026"' in answer.text and 'aria-invalid="true"' in answer.text  # what was typed is kept
    answer = client.post(f"/claims/{claim.claim_id}/field", data=form.data(document=document, field="date", value="hier"))
    assert answer.status_code == 400 and "JJ/MM/AAAA" in answer.text and 'value="hier"' in answer.text
    answer = client.post(
        f"/claims/{claim.claim_id}/field", data=form.data(document="autre.pdf#0", field="date", value="01/02/2026")
    )
    assert answer.status_code == 400
    assert events(desk_storage, claim.claim_id) == [] and desk_storage.list("labels/") == []


def test_two_managers_on_one_claim_do_not_overwrite_each_other(desk_storage):
    marie, paul = sign_in(desk(desk_storage), "marie"), sign_in(desk(desk_storage), "paul")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    document = f"{claim.documents[0].file}#0"
    seen_by_marie, seen_by_paul = open_claim(marie, claim.claim_id), open_claim(paul, claim.claim_id)
    assert (
        marie.post(
            f"/claims/{claim.claim_id}/field",
            data=seen_by_marie.data(document=document, field="total", value="2,65"),
            follow_redirects=False,
        ).status_code
        == 303
    )
    stale = paul.post(f"/claims/{claim.claim_id}/field", data=seen_by_paul.data(document=document, field="total", value="9,99"))
    assert stale.status_code == 409 and "a changé" in stale.text
    approve = seen_by_paul.data(note="vue en agence", confirm="yes")
    assert paul.post(f"/claims/{claim.claim_id}/approve", data=approve).status_code == 409
    trail = events(desk_storage, claim.claim_id)
    assert [(e["by"], e["after"]) for e in trail] == [("marie", "2.65")]
    assert not desk_storage.exists(f"outbox/adjudication/{claim.claim_id}.json")


def test_changing_a_document_type_runs_the_checks_again(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[-1]  # an invoice and a receipt
    receipt = next(d for d in claim.documents if d.doc_type.value == "receipt")
    form = open_claim(client, claim.claim_id)
    client.post(f"/claims/{claim.claim_id}/doctype", data=form.data(document=f"{receipt.file}#0", doc_type="prescription"))
    page = client.get(f"/claims/{claim.claim_id}").text
    assert "missing_prescription" not in page and "Type changé" in page


def test_asking_the_claimant_then_rejecting(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    page = client.get(f"/claims/{claim.claim_id}").text
    draft = re.search(r'<textarea name="text"[^>]*>([^<]*)</textarea>', page).group(1)
    assert "ordonnance" in draft.lower() and claim.claim_id in page
    form = Form(page)
    answer = client.post(
        f"/claims/{claim.claim_id}/request",
        data=form.data(subject="Votre demande", text=draft + "\nMerci."),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    sent = [json.loads(desk_storage.get_bytes(i.key)) for i in desk_storage.list(f"outbox/claimant/{claim.claim_id}/")]
    assert len(sent) == 1 and sent[0]["kind"] == "request_proofs" and sent[0]["text"].endswith("Merci.")
    assert "En attente du demandeur (1)" in client.get("/").text
    form = open_claim(client, claim.claim_id)
    assert client.post(f"/claims/{claim.claim_id}/reject", data=form.data(reason=" ")).status_code == 400
    answer = client.post(
        f"/claims/{claim.claim_id}/reject", data=form.data(reason="Ordonnance jamais reçue."), follow_redirects=False
    )
    assert answer.status_code == 303
    assert len(desk_storage.list(f"outbox/claimant/{claim.claim_id}/")) == 2
    assert not desk_storage.exists(f"outbox/adjudication/{claim.claim_id}.json")
    assert "Décidées (1)" in client.get("/").text


def test_a_non_ascii_csrf_token_is_refused_not_a_server_error(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    assert client.post("/logout", data={"csrf": "é"}).status_code == 403
    anonymous = desk(desk_storage)
    anonymous.get("/login")
    assert anonymous.post("/login", data={"account": "marie", "password": PASSWORDS["marie"], "csrf": "é"}).status_code == 401


# -- sessions that end, sign-in under attack, caps ---------------------------------------------------


def test_a_cookie_copied_before_sign_out_is_dead_after_it(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    page = client.get(f"/claims/{claim.claim_id}").text
    form, flag = Form(page), re.search(r'name="flag" value="([^"]+)"', page).group(1)
    copied = client.cookies.get("intake_review")
    thief = desk(desk_storage)  # another desk process over the same storage, with the copied cookie
    thief.cookies.set("intake_review", copied)
    assert thief.get("/", follow_redirects=False).status_code == 200
    assert client.post("/logout", data={"csrf": form.csrf}, follow_redirects=False).status_code == 303
    assert thief.get("/", follow_redirects=False).status_code == 303
    answer = thief.post(f"/claims/{claim.claim_id}/dismiss", data=form.data(flag=flag, reason="replayed"), follow_redirects=False)
    assert answer.status_code == 401 and events(desk_storage, claim.claim_id) == []
    assert desk_storage.list("state/review-sessions/") == []


def test_a_manager_sees_their_sessions_and_signs_out_everywhere(desk_storage):
    at_work, at_home, paul = (
        sign_in(desk(desk_storage), "marie"),
        sign_in(desk(desk_storage), "marie"),
        sign_in(desk(desk_storage), "paul"),
    )
    page = at_work.get("/sessions")
    assert page.status_code == 200 and page.text.count('class="session-row"') == 2 and page.text.count("cette session") == 1
    assert 'id="my-sessions"' in at_work.get("/").text
    answer = at_work.post(
        "/sessions/end-all",
        data={"csrf": Form(at_work.get(f"/claims/{claims_with(desk_storage, 'missing_prescription')[0].claim_id}").text).csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert (
        at_work.get("/", follow_redirects=False).status_code == 303
        and at_home.get("/", follow_redirects=False).status_code == 303
    )
    assert paul.get("/", follow_redirects=False).status_code == 200
    assert at_home.post("/sessions/end-all", data={"csrf": "x"}).status_code == 401


def test_an_account_removed_or_its_password_changed_loses_its_sessions(desk_storage, tmp_path):
    from review.accounts import AccountsFile, account_entry

    path = tmp_path / "reviewers.toml"
    pauls = account_entry("paul", Role.MANAGER, PASSWORDS["paul"])
    path.write_text(account_entry("marie", Role.MANAGER, PASSWORDS["marie"]) + pauls)
    app = create_app(
        DeskConfig(storage=desk_storage, accounts=AccountsFile(path, check_seconds=0), secret="s" * 40, rules=load_rules())
    )
    marie, paul = sign_in(TestClient(app), "marie"), sign_in(TestClient(app), "paul")
    new_password = account_entry("marie", Role.MANAGER, "a new password for marie")
    path.write_text(new_password + pauls)
    assert marie.get("/", follow_redirects=False).status_code == 303  # password changed
    assert paul.get("/", follow_redirects=False).status_code == 200
    path.write_text(new_password)
    assert paul.get("/", follow_redirects=False).status_code == 303  # account removed
    assert desk_storage.list("state/review-sessions/") == []


def login_attempt(client: TestClient, name: str, password: str):
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    return client.post("/login", data={"account": name, "password": password, "csrf": token})


def test_sign_in_is_rate_limited_per_account_name_and_per_address(desk_storage):
    from review.app import SignInLimits

    config = DeskConfig(
        storage=desk_storage,
        accounts=ACCOUNTS,
        secret="s" * 40,
        rules=load_rules(),
        limits=SignInLimits(per_address=6, per_name=3),
    )
    client = TestClient(create_app(config))
    assert [login_attempt(client, "marie", "wrong-password").status_code for _ in range(3)] == [401, 401, 401]
    limited = login_attempt(client, "marie", PASSWORDS["marie"])
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60 and "Trop de tentatives" in limited.text
    assert login_attempt(client, "paul", "wrong-password").status_code == 401
    assert login_attempt(client, "olivier", "wrong-password").status_code == 401
    assert login_attempt(client, "nobody", "wrong-password").status_code == 429  # the address's 7th attempt


# -- nobody can lock a manager out by guessing her name from elsewhere (issue 22, defect 7) ----------
class Clock:
    """The sign-in limits' clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guarded_desk(storage, clock: Clock):
    """The desk with the default sign-in limits on a clock the test moves."""
    return create_app(DeskConfig(storage=storage, accounts=ACCOUNTS, secret="s" * 40, rules=load_rules(), clock=clock))


def browser(app, address: str) -> TestClient:
    """A browser of its own (cookies) at a client address."""
    return TestClient(app, client=(address, 50000))


def sign_out(client: TestClient) -> TestClient:
    """Signs out (the browser keeps its known-device cookie)."""
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/sessions").text).group(1)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    return client


def test_guesses_on_a_managers_name_from_elsewhere_do_not_lock_her_out(desk_storage):
    clock = Clock()
    app = guarded_desk(desk_storage, clock)
    attacker = browser(app, "203.0.113.7")
    assert [login_attempt(attacker, "marie", "wrong-password").status_code for _ in range(6)] == [401] * 6
    for _ in range(5):  # then one guess a minute, to keep a lock going
        clock.now += 60
        assert login_attempt(attacker, "marie", "wrong-password").status_code == 401
    assert sign_in(browser(app, "192.0.2.10"), "marie").get("/").status_code == 200  # her own address, a new browser
    # the attacker's own pair stays locked: even the right password from there is refused
    assert login_attempt(attacker, "marie", PASSWORDS["marie"]).status_code == 401
    assert app.state.auth.locked("marie", "203.0.113.7") and not app.state.auth.locked("marie", "192.0.2.10")


def test_a_known_device_signs_in_while_many_addresses_guess_her_name(desk_storage):
    clock = Clock()
    app = guarded_desk(desk_storage, clock)
    marie = sign_out(sign_in(browser(app, "192.0.2.10"), "marie"))  # her browser: now a known device of hers
    clock.now += 61
    answers = [login_attempt(browser(app, f"198.51.100.{i}"), "marie", "wrong-password").status_code for i in range(12)]
    assert answers == [401] * 10 + [429] * 2  # 12 a minute from 12 addresses: the per-name limit
    assert sign_in(marie, "marie").get("/").status_code == 200  # her known device is not held back
    limited = login_attempt(browser(app, "192.0.2.10"), "marie", PASSWORDS["marie"])  # a new browser is, for a minute
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    device = marie.cookies.get("intake_device")  # HttpOnly, sent to /login only, naming neither account nor password
    assert device and "marie" not in device and PASSWORDS["marie"] not in device
    stored = next(cookie for cookie in marie.cookies.jar if cookie.name == "intake_device")
    assert stored.path == "/login" and stored.has_nonstandard_attr("HttpOnly") and stored.expires


def test_a_known_device_is_locked_after_its_own_wrong_guesses(desk_storage):
    app = guarded_desk(desk_storage, Clock())
    marie = sign_out(sign_in(browser(app, "192.0.2.10"), "marie"))
    assert [login_attempt(marie, "marie", "wrong-password").status_code for _ in range(5)] == [401] * 5
    assert login_attempt(marie, "marie", PASSWORDS["marie"]).status_code == 401  # that device's pair is locked
    assert sign_in(browser(app, "192.0.2.10"), "marie").get("/").status_code == 200  # not her account


def test_guessing_one_name_from_many_addresses_is_slowed_to_the_per_name_limit(desk_storage):
    clock = Clock()
    app = guarded_desk(desk_storage, clock)
    olivier = sign_out(sign_in(browser(app, "198.51.100.1"), "olivier"))  # a known device of another account
    clock.now += 61
    first = [login_attempt(browser(app, f"198.51.100.{i}"), "marie", "wrong-password") for i in range(2, 22)]
    assert [a.status_code for a in first] == [401] * 10 + [429] * 10  # 10 checked a minute, whatever the number of addresses
    assert all(1 <= int(a.headers["retry-after"]) <= 60 for a in first[10:])
    assert login_attempt(olivier, "marie", "wrong-password").status_code == 429  # a device of olivier is not one of marie
    clock.now += 61
    assert login_attempt(browser(app, "198.51.100.30"), "marie", "wrong-password").status_code == 401  # the next minute's


def test_a_huge_account_name_is_refused_and_never_recorded(desk_storage):
    client = desk(desk_storage)
    for i in range(3):
        assert login_attempt(client, f"{i}" + "x" * 60_000, "whatever-pw").status_code == 401
    assert len(client.app.state.auth.failures) == 0
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"account": "x" * 900_000, "password": "p", "csrf": token}).status_code == 413


def test_an_oversize_reason_or_correction_is_refused_and_nothing_recorded(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    page = client.get(f"/claims/{claim.claim_id}").text
    form, flag = Form(page), re.search(r'name="flag" value="([^"]+)"', page).group(1)
    answer = client.post(f"/claims/{claim.claim_id}/dismiss", data=form.data(flag=flag, reason="r" * 2001))
    assert answer.status_code == 400 and "Texte trop long" in answer.text
    document = f"{claim.documents[0].file}#0"
    answer = client.post(f"/claims/{claim.claim_id}/field", data=form.data(document=document, field="issuer", value="v" * 2001))
    assert answer.status_code == 400 and "Texte trop long" in answer.text
    answer = client.post(f"/claims/{claim.claim_id}/request", data=form.data(subject="Votre demande", text="t" * 2001))
    assert answer.status_code == 400
    assert client.post(f"/claims/{claim.claim_id}/dismiss", data=form.data(flag=flag, reason="r" * 900_000)).status_code == 413
    assert events(desk_storage, claim.claim_id) == [] and desk_storage.list(f"outbox/claimant/{claim.claim_id}/") == []
    answer = client.post(
        f"/claims/{claim.claim_id}/dismiss", data=form.data(flag=flag, reason="r" * 2000), follow_redirects=False
    )
    assert answer.status_code == 303  # exactly at the cap


# -- the whole case: declaration, e-mail, files, messages ------------------------------------------


def test_the_declaration_and_what_each_consistency_flag_compares(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "multiple_beneficiaries")[0]
    page = client.get(f"/claims/{claim.claim_id}").text
    assert 'id="declaration"' in page and "Claire Dubois" in page and "30.00 EUR" in page and "Pharmacie" in page
    flag = next(f for f in claim.all_flags() if f.code.value == "multiple_beneficiaries")
    assert flag.details["declared"] == "Claire Dubois" and flag.details["read"] in page.replace("&#39;", "'")
    assert "Bénéficiaires différents" in page and "Déclaré" in page and "Lu sur les justificatifs" in page


def test_an_email_claim_shows_its_sender_subject_and_text(desk_storage):
    from tests.review_data import EMAIL_SENDER, EMAIL_SUBJECT

    client = sign_in(desk(desk_storage), "marie")
    claim = next(c for c in claims_with(desk_storage, "missing_prescription") if c.received_message)
    page = client.get(f"/claims/{claim.claim_id}").text
    assert EMAIL_SENDER[1] in page and EMAIL_SENDER[0] in page and EMAIL_SUBJECT in page and "kinésithérapie" in page
    assert "Aucune déclaration" in page


def test_originals_and_refused_files_download_as_attachments(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = next(c for c in claims_with(desk_storage, "missing_prescription") if c.rejected_files)
    page = client.get(f"/claims/{claim.claim_id}").text
    scan = quarantined(desk_storage, claim.claim_id, "scan.gif").name
    assert (
        f'href="/claims/{claim.claim_id}/originals/kine.pdf"' in page
        and f'href="/claims/{claim.claim_id}/quarantine/{scan}"' in page
    )
    for path, name in ((f"originals/{claim.documents[0].file}", claim.documents[0].file), (f"quarantine/{scan}", "scan.gif")):
        answer = client.get(f"/claims/{claim.claim_id}/{path}")
        assert answer.status_code == 200, path
        assert answer.headers["content-type"] == "application/octet-stream"
        assert answer.headers["content-disposition"].startswith(f'attachment; filename="{name}"')
        assert answer.headers["x-content-type-options"] == "nosniff" and "sandbox" in answer.headers["content-security-policy"]
    assert answer.content == desk_storage.get_bytes(f"quarantine/{claim.claim_id}/{scan}")
    assert "Format non accepté" in page
    for path in (
        "originals/absent.pdf",
        "originals/..%2Fclaim.json",
        f"quarantine/{scan}.reason.json",
        "quarantine/kine.pdf",
        "quarantine/scan.gif",
    ):
        assert client.get(f"/claims/{claim.claim_id}/{path}").status_code == 404, path
    assert sign_in(desk(desk_storage), "olivier").get(f"/claims/{claim.claim_id}/quarantine/{scan}").status_code == 200


def test_a_value_typed_again_records_nothing_and_the_banner_names_the_claim(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[-1]
    document = claim.documents[0]
    form = open_claim(client, claim.claim_id)
    answer = client.post(
        f"/claims/{claim.claim_id}/field",
        follow_redirects=True,
        data=form.data(document=f"{document.file}#0", field="total", value=document.fields["total"].value),
    )
    assert "Valeur inchangée : rien n&#39;a été enregistré." in answer.text and "Champ corrigé" not in answer.text
    assert events(desk_storage, claim.claim_id) == []
    form = open_claim(client, claim.claim_id)
    blocked = client.post(f"/claims/{claim.claim_id}/approve", data=form.data(note=""), follow_redirects=False)
    assert blocked.status_code == 400 and "La demande a des anomalies bloquantes ouvertes" in blocked.text  # missing_prescription
    assert events(desk_storage, claim.claim_id) == []
    answer = client.post(
        f"/claims/{claim.claim_id}/approve", data=form.data(note="vue en agence", confirm="yes"), follow_redirects=False
    )
    following = client.get(answer.headers["location"]).text
    assert f"Demande {claim.claim_id} approuvée" in following
    assert (
        re.search(r'id="claim-id">([^<]+)<', following).group(1) != claim.claim_id
    )  # the next claim, the banner naming this one


def test_a_claim_with_nothing_to_ask_offers_no_empty_draft(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "not_covered")[0]  # ready: nothing missing
    page = client.get(f"/claims/{claim.claim_id}").text
    assert 'id="nothing-to-ask"' in page and "points suivants" not in page
    asking = client.get(f"/claims/{claims_with(desk_storage, 'missing_prescription')[0].claim_id}").text
    assert 'id="nothing-to-ask"' not in asking and "ordonnance" in asking


def test_an_english_claimants_draft_and_rejection_hold_no_french(desk_storage):
    """The claimant declared English: the draft asking for proofs and the rejection are in English only,
    whatever the desk's language (French here); the other language is added on request."""
    from models.manifest import Manifest
    from tests.unit.review.review_claims import put_claim

    claim = next(c for c in claims_with(desk_storage, "missing_prescription") if c.declared is not None)
    declared = claim.declared.model_copy(update={"language": "en"})
    put_claim(desk_storage, claim.model_copy(update={"declared": Manifest.model_validate(declared.model_dump())}))
    client = sign_in(desk(desk_storage), "marie")
    page = client.get(f"/claims/{claim.claim_id}").text
    subject = re.search(r'name="subject" value="([^"]*)"', page).group(1)
    draft = re.search(r'<textarea name="text"[^>]*>([^<]*)</textarea>', page).group(1)
    assert subject == f"Your reimbursement request {claim.claim_id}: documents needed"
    assert draft.startswith("Hello,") and "prescription" in draft
    french = {"Bonjour", "Votre", "demande", "ordonnance", "Merci", "Cordialement", "pièces", "nous"}
    assert not french & set(re.findall(r"\w+", html.unescape(subject + draft)))
    both = client.get(f"/claims/{claim.claim_id}?both=1").text
    assert "Bonjour," in re.search(r'<textarea name="text"[^>]*>([^<]*)</textarea>', both).group(1)

    form = open_claim(client, claim.claim_id)
    client.post(f"/claims/{claim.claim_id}/reject", data=form.data(reason="The care is not covered abroad."))
    (message,) = [json.loads(desk_storage.get_bytes(i.key)) for i in desk_storage.list(f"outbox/claimant/{claim.claim_id}/")]
    assert message["subject"] == f"Your reimbursement request {claim.claim_id}"
    assert "The care is not covered abroad." in message["text"] and not french & set(re.findall(r"\w+", message["text"]))


def test_the_queue_colours_flags_by_severity_shows_age_replies_and_euros_and_sorts_by_header(desk_storage):
    from tests.unit.review.review_claims import put_claim

    client = sign_in(desk(desk_storage), "marie")
    page = client.get("/?view=all").text
    assert re.search(r'class="badge sev-error" title="bloquant">Ordonnance manquante<', page)
    assert re.search(r'class="badge sev-warning" title="[^"]+">', page)  # the declared total that differs
    assert re.search(r'class="muted age">\d+ (min|h|j)<', page)
    every = [
        Claim.model_validate_json(desk_storage.get_bytes(i.key))
        for i in desk_storage.list("claims/")
        if i.key.count("/") == 2 and i.key.endswith("/claim.json")
    ]
    foreign = next(c for c in every if any(d.fields.get("currency") and d.fields["currency"].value != "EUR" for d in c.documents))
    row = re.search(r'<tr>\s*<td><a href="/claims/' + foreign.claim_id + r".*?</tr>", page, re.S).group(0)
    assert " USD" in row and re.search(r'class="eur">≈ \d+\.\d{2} EUR<', row), row  # the US pharmacy: dollars
    euro_row = re.search(r'<tr>\s*<td><a href="/claims/(?!' + foreign.claim_id + r").*?</tr>", page, re.S).group(0)
    assert 'class="eur"' not in euro_row  # nothing to convert
    # the headers sort: the amount, largest first, then smallest first
    assert 'id="sort-amount"' in page and "view=all&amp;sort=amount" in page
    by_amount = client.get("/?view=all&sort=amount").text
    assert "view=all&amp;sort=-amount" in by_amount and "▼" in by_amount
    # a claim the claimant replied to is marked, with the date of the reply
    waiting = claims_with(desk_storage, "missing_prescription")[0]
    put_claim(desk_storage, waiting.model_copy(update={"replies": ("2026-12-01T09:30:00+00:00",)}))
    client.get(f"/claims/{waiting.claim_id}")  # opening it brings its queue row up to date
    queue = client.get("/").text
    row = re.search(r'<tr>\s*<td><a href="/claims/' + waiting.claim_id + r".*?</tr>", queue, re.S).group(0)
    assert "réponse reçue le 01/12/2026" in row


def test_a_duplicate_links_to_the_earlier_claim_and_a_missing_or_unreadable_form_is_worded_as_such(desk_storage):
    from models import Flag, FlagCode, Severity
    from models.manifest import Channel
    from tests.unit.review.review_claims import put_claim

    client = sign_in(desk(desk_storage), "marie")
    emailed = next(c for c in claims_with(desk_storage, "missing_prescription") if c.channel and c.channel.value == "email")
    assert "demande par e-mail sans formulaire" in client.get(f"/claims/{emailed.claim_id}").text
    first, second = [c for c in claims_with(desk_storage, "missing_prescription") if c.claim_id != emailed.claim_id][:2]
    duplicate = Flag(
        code=FlagCode.DUPLICATE_DOCUMENT,
        severity=Severity.WARNING,
        message="facture.pdf : document identique à facture.pdf déjà reçu dans la demande " + second.claim_id + ".",
        file="facture.pdf",
        details={"earlier_claim_id": second.claim_id, "earlier_file": "facture.pdf", "match": "identical"},
    )
    put_claim(
        desk_storage, first.model_copy(update={"flags": (*first.flags, duplicate), "declared": None, "channel": Channel.EXTRANET})
    )
    page = client.get(f"/claims/{first.claim_id}").text
    assert f'<a href="/claims/{second.claim_id}" class="earlier-claim">Ouvrir la demande {second.claim_id}</a>' in page
    assert "Aucun formulaire n&#39;accompagnait ce dépôt sur l&#39;extranet" in page and "sans formulaire" not in page
    unreadable = Flag(code=FlagCode.INVALID_MANIFEST, severity=Severity.WARNING, message="m", file="manifest.json")
    put_claim(desk_storage, first.model_copy(update={"flags": (unreadable,), "declared": None, "channel": Channel.EXTRANET}))
    page = client.get(f"/claims/{first.claim_id}").text
    assert "Le formulaire envoyé avec la demande n&#39;a pas pu être lu" in page


def test_the_audit_trail_shows_the_claimants_reply_with_its_files_and_a_long_message_folded(desk_storage):
    from datetime import UTC, datetime

    from intake.claim_store import ClaimStore
    from models.claim import ReceivedMessage

    client = sign_in(desk(desk_storage), "marie")
    claim = next(c for c in claims_with(desk_storage, "missing_prescription") if c.received_message is None)
    form = open_claim(client, claim.claim_id)
    text = "Bonjour,\n\nMerci d'envoyer l'ordonnance.\n\n" + "Détail. " * 40
    client.post(f"/claims/{claim.claim_id}/request", data=form.data(subject="Votre demande", text=text))
    replied = datetime.now(UTC)
    prescription = claim.documents[0].model_copy(update={"file": "ordonnance-scan.pdf"})
    answer = ReceivedMessage.of("Claire Dubois", "claire@example.org", "Re: Votre demande", "Voici l'ordonnance demandée.")
    answered = claim.model_copy(
        update={"documents": (*claim.documents, prescription), "replies": (replied.isoformat(),), "received_message": answer}
    )
    ClaimStore(desk_storage).write(answered, None, replied)  # as the intake writes a reply's claim: the version before kept
    page = client.get(f"/claims/{claim.claim_id}").text
    audit = page[page.index('id="audit"') :]
    rows = re.findall(r'<tr class="audit-row[^"]*">(.*?)</tr>', audit, re.S)
    assert "Réponse reçue" in rows[0] and "fichiers reçus : ordonnance-scan.pdf" in rows[0] and "le demandeur" in rows[0]
    assert "<details><summary>Bonjour,…</summary>" in rows[1]  # the message sent, folded under its first line
    # the reply on the page: its date, its e-mail and its file, linked to the document's card
    replies = page[page.index('id="replies"') : page.index("</section>", page.index('id="replies"'))]
    assert "Réponse reçue le" in replies and "par e-mail" in replies and "Re: Votre demande" in replies
    assert f'<a href="#doc-{len(answered.documents) - 1}">ordonnance-scan.pdf</a>' in replies
    assert 'id="email"' not in page  # an extranet request: the reply's e-mail is not taken for the request's


def test_dates_show_in_the_desks_language_and_a_derived_euro_total_is_read_only(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    every = [
        Claim.model_validate_json(desk_storage.get_bytes(i.key))
        for i in desk_storage.list("claims/")
        if i.key.count("/") == 2 and i.key.endswith("/claim.json")
    ]
    foreign = next(c for c in every if any("total_eur" in d.fields for d in c.documents))
    document = next(d for d in foreign.documents if "total_eur" in d.fields and "date" in d.fields)
    year, month, day = document.fields["date"].value.split("-")
    page = client.get(f"/claims/{foreign.claim_id}").text
    assert f'value="{day}/{month}/{year}"' in page  # French: 31/12/2026
    assert re.search(r"Reçue le \d{2}/\d{2}/\d{4} \d{2}:\d{2}", page)  # the time of receipt too
    row = re.search(r'<tr class="field-row[^"]*" data-field="\d+-total_eur">(.*?)</tr>', page, re.S).group(1)
    assert "readonly" in row and 'type="submit"' not in row and "calculé (taux BCE)" in row
    # the date typed back as shown is no change
    form = open_claim(client, foreign.claim_id)
    key = f"{document.file}#{document.part or 0}"
    answer = client.post(
        f"/claims/{foreign.claim_id}/field",
        data=form.data(document=key, field="date", value=f"{day}/{month}/{year}"),
        follow_redirects=True,
    )
    assert "Valeur inchangée" in answer.text
    client.get("/lang/en?next=/")
    assert f'value="{year}-{month}-{day}"' in client.get(f"/claims/{foreign.claim_id}").text  # English: ISO


def test_page_pictures_are_rendered_ahead_by_the_background_job(desk_storage):
    import time

    from review.page_view import PageCache
    from review.prerender import Prerenderer
    from review.store import ReviewStore

    for info in desk_storage.list("cache/pages/"):
        desk_storage.delete(info.key)
    store, pages = ReviewStore(desk_storage, load_rules()), PageCache(desk_storage)
    first, second = claims_with(desk_storage, "missing_prescription")[:2]
    expected = sum(len(d.pages) for d in first.documents)
    job = Prerenderer(store, pages, head=0)
    assert job.render_claim(first.claim_id) == expected and job.render_claim(first.claim_id) == 0  # cached once
    assert all(pages.cached(d.sha256, p.page) for d in first.documents for p in d.pages)

    job = Prerenderer(store, pages, head=0, interval=600).start()  # no queue pass: only the claims opened
    try:
        job.soon(second.claim_id)
        deadline = time.monotonic() + 120
        while not all(pages.cached(d.sha256, p.page) for d in second.documents for p in d.pages):
            assert time.monotonic() < deadline, "the opened claim's pages were not rendered"
            time.sleep(0.2)
    finally:
        job.close()
    # a pass: the newest claim to review (just written) and the oldest (the queue's head), one each here
    for info in desk_storage.list("cache/pages/"):
        desk_storage.delete(info.key)
    to_review = store.index.queue("to_review", sort="age").rows
    assert len(to_review) >= 3
    by_id = {c.claim_id: c for c in all_claims(desk_storage)}
    oldest, middle, newest = (by_id[row.claim_id] for row in (to_review[0], to_review[1], to_review[-1]))

    def rendered(claim) -> bool:
        return all(pages.cached(d.sha256, p.page) for d in claim.documents for p in d.pages)

    job = Prerenderer(store, pages, head=1, interval=600).start()
    try:
        deadline = time.monotonic() + 180
        while not (rendered(newest) and rendered(oldest)):
            assert time.monotonic() < deadline, "the queue's newest and oldest claims were not rendered ahead"
            time.sleep(0.2)
        assert not rendered(middle), "a pass renders the ends of the queue, not the whole of it"
    finally:
        job.close()


def test_after_a_correction_the_page_comes_back_where_the_manager_was(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    last = len(claim.documents) - 1
    document = claim.documents[last]
    form = open_claim(client, claim.claim_id)
    key = f"{document.file}#{document.part or 0}"
    answer = client.post(
        f"/claims/{claim.claim_id}/field", data=form.data(document=key, field="total", value="1,23"), follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"#doc-{last}")
    form = open_claim(client, claim.claim_id)
    flag_key = re.search(r'name="flag" value="([^"]+)"', client.get(f"/claims/{claim.claim_id}").text).group(1)
    answer = client.post(
        f"/claims/{claim.claim_id}/dismiss", data=form.data(flag=html.unescape(flag_key), reason="vue"), follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("#flags")


def test_a_documents_one_form_saves_its_fields_and_a_wrong_value_stays_typed_in_its_input(desk_storage):
    client = sign_in(desk(desk_storage), "marie")
    claim = claims_with(desk_storage, "missing_prescription")[0]
    document = claim.documents[0]
    key = f"{document.file}#{document.part or 0}"
    page = client.get(f"/claims/{claim.claim_id}").text
    assert page.count('class="save-fields"') == len(claim.documents) and 'name="value:total"' in page
    form = open_claim(client, claim.claim_id)
    wrong = client.post(
        f"/claims/{claim.claim_id}/fields", data=form.data(document=key, **{"value:total": "2,65", "value:date": "31/02/2026"})
    )
    assert wrong.status_code == 400 and 'value="31/02/2026"' in wrong.text and "aria-invalid" in wrong.text
    assert events(desk_storage, claim.claim_id) == []  # nothing recorded, not even the total that fitted
    answer = client.post(
        f"/claims/{claim.claim_id}/fields",
        data=form.data(document=key, **{"value:total": "2,65", "value:date": "01/10/2026"}),
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("#doc-0")
    assert sorted((e["field"], e["after"]) for e in events(desk_storage, claim.claim_id)) == [
        ("date", "2026-10-01"),
        ("total", "2.65"),
    ]


def test_a_declaration_that_cannot_be_read_is_worded_for_the_manager_not_in_the_parsers_words(desk_storage):
    """An extranet form whose total is a word and whose care type is not one offered: the claim page says which
    fields and what is wrong with each, in the desk's language - not pydantic's text, never the value sent."""
    from intake.service_pass import run_pass
    from tests.review_data import SAMPLES

    desk_storage.put_bytes("inbox/extranet/badform/facture.pdf", (SAMPLES / "pharmacy" / "invoice.pdf").read_bytes())
    desk_storage.put_bytes(
        "inbox/extranet/badform/manifest.json", json.dumps({"total_declared": "trente", "care_types": ["massage"]}).encode()
    )
    run_pass(desk_storage)
    claim = claims_with(desk_storage, "invalid_manifest")[0]
    client = sign_in(desk(desk_storage), "marie")
    page = client.get(f"/claims/{claim.claim_id}").text
    assert "total déclaré : nombre attendu" in page and "types de soins : valeur hors de la liste proposée" in page
    assert 'class="muted refused-reason"' in page  # the refused form's row says it in words too
    client.get(f"/lang/en?next=/claims/{claim.claim_id}")
    page = client.get(f"/claims/{claim.claim_id}").text
    assert "declared total: a number was expected" in page and "care types: a value outside the list offered" in page
    for text in (page, client.get("/?view=all").text):
        assert "Input should" not in text and "trente" not in text and "massage" not in text
