"""Required proofs: which proofs the rules file asks of this request, and a `missing_<proof>` flag for
each one no legible document provides (an illegible document is a missing proof, named in the flag)."""

from __future__ import annotations

from collections.abc import Iterable

from models import Document, Flag, FlagCode
from models.document_kinds import UNKNOWN_KIND
from validators.flag_wording import make_flag
from validators.request_facts import RequestFacts, usable
from validators.rules_file import Condition, Proof, Rules

BOOLEAN_CONDITIONS = ("abroad", "planned", "posted", "renewal", "first_request", "student", "hospitalisation")


def provides(proof: Proof, documents: Iterable[Document]) -> bool:
    """Whether these documents satisfy the proof."""
    documents = list(documents)
    if proof.doc_types and sum(1 for d in documents if d.doc_type in proof.doc_types) >= proof.count:
        return True
    for document in documents:
        if document.doc_type not in proof.field_doc_types:
            continue
        if proof.fields_all and all(name in document.fields for name in proof.fields_all):
            return True
        if any(all(name in document.fields for name in group) for group in proof.fields_any):
            return True
    return False


def applies(condition: Condition, facts: RequestFacts, rules: Rules) -> bool:
    """Every condition given in the requirement's `when` holds for this request."""
    if condition.care_types and not facts.care_types.intersection(condition.care_types):
        return False
    if condition.relates_to and facts.relates_to not in condition.relates_to:
        return False
    for name in BOOLEAN_CONDITIONS:
        wanted = getattr(condition, name)
        if wanted is not None and bool(getattr(facts, name)) != wanted:
            return False
    legible = facts.legible()
    return not any(provides(rules.proofs[name], legible) for name in condition.lacking)


def required_proofs(facts: RequestFacts, rules: Rules) -> list[str]:
    """Names of the proofs this request needs, in rules-file order, each once."""
    names: dict[str, None] = {}
    for requirement in rules.requirements:
        if applies(requirement.when, facts, rules):
            names.update(dict.fromkeys(requirement.requires))
    return list(names)


def _illegible_candidates(proof: Proof, documents: Iterable[Document]) -> list[Flag]:
    """Illegibility flags of documents that may have been this proof (its type, or unrecognised)."""
    kinds = {*proof.doc_types, *proof.field_doc_types, UNKNOWN_KIND}
    return [f for d in documents if not usable(d) and d.doc_type in kinds for f in d.flags if f.code is FlagCode.ILLEGIBLE]


def missing_flag(name: str, proof: Proof, illegible: list[Flag]) -> Flag:
    """The flag asking for one proof; it names the illegible pages that could not stand for it."""
    code = FlagCode(f"missing_{name}") if f"missing_{name}" in FlagCode._value2member_map_ else FlagCode.MISSING_PROOF
    details = {"proof": name}
    if illegible:
        details["illegible"] = ", ".join(f"{f.file} page {f.page}" for f in illegible)
    return make_flag(
        code, details=details, variant="illegible" if illegible else None, label_fr=proof.label_fr, label_en=proof.label_en
    )


def missing_proof_flags(facts: RequestFacts, rules: Rules) -> list[Flag]:
    """One flag per required proof that no legible document provides."""
    legible = facts.legible()
    flags = []
    for name in required_proofs(facts, rules):
        proof = rules.proofs[name]
        if not provides(proof, legible):
            flags.append(missing_flag(name, proof, _illegible_candidates(proof, facts.documents)))
    return flags
