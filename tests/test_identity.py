"""Identity without a browser: roles from verified claims only, the access file read again when
it changes, sign-outs kept on the server, and what the audit log records (sub and issuer,
refusals, cleaned address values, command-line runs)."""

import json
import time

import pytest

from conftest import ROOT
from fsdash import audit, cli, signouts
from fsdash.access.roles import (
    AccessError,
    Identity,
    identity_from_claims,
    load_access,
    scope_for_claims,
)

ACCESS = load_access(ROOT / "config" / "access.toml")
ISSUER = "https://login.example.org/tenant/v2.0"
OID = "5b0c3a1e-0000-4000-8000-000000000001"


def _claims(**claims):
    return {"sub": "subject-1", "iss": ISSUER, **claims}


def test_an_email_gives_a_role_only_when_the_provider_has_verified_it():
    director = "director@example.org"
    assert scope_for_claims(_claims(email=director, email_verified=True), ACCESS).role == "director"
    assert scope_for_claims(_claims(email=director, email_verified="true"), ACCESS).role \
        == "director"                              # some providers send the text "true"
    for unverified in (False, "false", None, 1):
        assert scope_for_claims(_claims(email=director, email_verified=unverified), ACCESS) \
            is None
    assert scope_for_claims(_claims(email=director), ACCESS) is None


def test_preferred_username_never_gives_a_role():
    assert scope_for_claims(_claims(preferred_username="director@example.org"), ACCESS) is None
    assert scope_for_claims(_claims(preferred_username="director@example.org", upn="director@"
                                    "example.org", name="director@example.org"), ACCESS) is None


def test_a_stable_identifier_or_a_group_gives_a_role(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(f'[sign_in]\nid_claim = "oid"\n[[users]]\nid = "{OID}"\nrole = "analyst"\n'
                    '[[groups]]\ngroup = "0f1e-group-id"\nrole = "cabinet"\n')
    access = load_access(path)
    assert scope_for_claims(_claims(oid=OID, email="x@example.org"), access).role == "analyst"
    assert scope_for_claims(_claims(oid=OID.upper()), access) is None    # matched exactly
    assert scope_for_claims(_claims(groups=["0f1e-group-id"]), access).role == "cabinet"
    assert scope_for_claims(_claims(oid=""), access) is None


def test_who_is_the_verified_email_else_the_stable_identifier_else_the_subject():
    assert identity_from_claims(_claims(email="A@example.org", email_verified=True), ACCESS) \
        == Identity("a@example.org", "subject-1", ISSUER)
    assert identity_from_claims(_claims(email="a@example.org", oid=OID), ACCESS).who == OID
    assert identity_from_claims(_claims(email="a@example.org"), ACCESS).who == "subject-1"


@pytest.mark.parametrize("text, message", [
    ('[sign_in]\nid_claim = "preferred_username"\n', "id_claim = 'preferred_username' is a claim"),
    ('[sign_in]\ngroup_claim = "email"\n', "group_claim = 'email' is a claim"),
    ('[[users]]\nid = "x"\nrole = "director"\n', "user 1 is named by id, but"),
    ('[[users]]\nrole = "director"\n', "user 1 needs an email or an id"),
    ('[[users]]\nemail = ""\nrole = "director"\n', "user 1 has an empty email or id"),
    ('[[groups]]\ngroup = "g"\nrole = "boss"\n', "group 'g': unknown role 'boss'"),
    ('[[users]\n', "not valid TOML"),
])
def test_an_access_file_that_could_give_a_role_loosely_is_refused_by_name(tmp_path, text,
                                                                          message):
    path = tmp_path / "access.toml"
    path.write_text(text)
    with pytest.raises(AccessError, match=f"{path}: .*{message}"):
        load_access(path)


def test_the_access_file_is_read_again_when_it_changes(tmp_path, monkeypatch):
    path = tmp_path / "access.toml"
    monkeypatch.setenv("FSDASH_ACCESS", str(path))
    leaver = _claims(email="leaver@example.org", email_verified=True)
    path.write_text('[[users]]\nemail = "leaver@example.org"\nrole = "analyst"\n')
    assert scope_for_claims(leaver, load_access()).role == "analyst"
    path.write_text('[[users]]\nemail = "leaver@example.org"\nrole = "cabinet"\n')   # same size
    assert scope_for_claims(leaver, load_access()).role == "cabinet"
    path.write_text("")
    assert scope_for_claims(leaver, load_access()) is None


def test_a_sign_out_refuses_that_sign_in_only_and_is_forgotten_when_its_token_expires():
    now = int(time.time())
    first = _claims(iat=now, exp=now + 3600, nonce="n1")
    again = _claims(iat=now + 60, exp=now + 3660, nonce="n2")
    stale = _claims(iat=now - 7200, exp=now - 3600, nonce="n0")
    signouts.sign_out(stale)
    signouts.sign_out(first)
    assert signouts.signed_out(first) and not signouts.signed_out(again)
    assert not signouts.signed_out(stale)                       # expired: refused anyway
    kept = signouts.signouts_path().read_text()
    assert kept.count("\n") == 1 and "subject-1" not in kept    # digests, nothing readable
    assert signouts.signouts_path().parent == audit.log_path().parent


def _entries():
    return [json.loads(line) for line in audit.log_path().read_text().splitlines()]


def test_entries_carry_sub_and_issuer_and_refusals_are_recorded():
    identity = identity_from_claims(_claims(email="s@example.org", email_verified=False), ACCESS)
    audit.record_refusal(identity, "no role")
    audit.record(ACCESS.scope("director", (), Identity("d@example.org", "sub-d", ISSUER)),
                 "Overview", "view", {"area": "EAST"})
    refusal, view = _entries()[-2:]
    assert (refusal["who"], refusal["sub"], refusal["iss"], refusal["role"], refusal["action"],
            refusal["details"]) == ("subject-1", "subject-1", ISSUER, "none", "refused",
                                    {"reason": "no role"})
    assert (view["who"], view["sub"], view["iss"]) == ("d@example.org", "sub-d", ISSUER)


def test_a_long_address_value_with_control_characters_is_logged_cut_and_clean():
    crafted = "FS02\n{\"forged\": 1}\r\x1b[31m\x00\u202e" + "x" * 5000
    audit.record(ACCESS.scope("director"), "Team caseloads", "refused", {"team": crafted})
    logged = _entries()[-1]["details"]["team"]
    assert logged.startswith('FS02{"forged": 1}[31mx')
    assert len(logged) < 250 and logged.endswith("(cut from 5,021 characters)")
    assert not any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 or c == "\u202e" for c in logged)
    assert len(audit.log_path().read_text().splitlines()) == len(_entries())


def test_summary_and_pack_runs_are_recorded_with_the_operating_system_user(known_store,
                                                                          tmp_path):
    assert cli.main(["summary", "--db", str(known_store), "--as-at", "2020-03-31",
                     "--role", "team_manager:FS01"]) == 0
    out = tmp_path / "pack.pdf"
    assert cli.main(["pack", "--db", str(known_store), "--as-at", "2020-03-31", "--role",
                     "cabinet", "--sections", "overview", "--out", str(out)]) == 0
    summary, pack = _entries()[-2:]
    assert (summary["who"], summary["role"], summary["page"], summary["details"]) == (
        audit.os_user(), "team_manager", "fsdash summary (command line)",
        {"as_at": "2020-03-31", "area": "all", "teams": "FS01"})
    assert (pack["who"], pack["role"], pack["page"]) == (audit.os_user(), "cabinet",
                                                         "fsdash pack (command line)")
    assert pack["details"]["file"] == str(out) and pack["details"]["format"] == "pdf"
