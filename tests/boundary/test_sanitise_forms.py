"""The same values written as JSON logs, CSV, chat, env files, YAML, HTML mail, tickets, prose, Markdown and SQL:
the issue's leak targets hold in every form, decoys survive and every text comes back whole."""

from collections import Counter

import pytest

from doorman.boundary import Sanitiser, rehydrate
from pii_generator import form_records

CHECKSUMMED = {"CARD", "IBAN", "SIN"}
NAMES_AND_PLACES = {"PERSON", "FIRST", "ORG", "STREET", "POSTCODE"}


@pytest.fixture(scope="module")
def outcome():
    sanitiser = Sanitiser()
    seen, leaked, destroyed, broken = Counter(), Counter(), [], []
    for form, record in form_records(60, seed=11):
        result = sanitiser.sanitise_text(record.text)
        out = result.texts[0]
        for kind, values in record.values.items():
            for value in values:
                seen[kind] += 1
                leaked[kind] += value in out
        destroyed += [(form, d) for d in record.decoys if d not in out]
        if rehydrate(out, result.mapping) != record.text:
            broken.append(form)
    return seen, leaked, destroyed, broken


def test_checksum_validated_values_never_leak_in_any_form(outcome):
    seen, leaked, _, _ = outcome
    assert {k: leaked[k] for k in CHECKSUMMED} == dict.fromkeys(CHECKSUMMED, 0)
    assert all(seen[k] >= 60 for k in CHECKSUMMED)


def test_other_structured_values_leak_at_most_one_percent(outcome):
    seen, leaked, _, _ = outcome
    rates = {k: leaked[k] / seen[k] for k in seen if k not in CHECKSUMMED | NAMES_AND_PLACES}
    assert set(rates) >= {"EMAIL", "PHONE", "IP", "IPV6", "SSN", "SECRET", "PASSWORD", "ACCOUNT", "DOB"}
    assert {k: r for k, r in rates.items() if r > 0.01} == {}


def test_names_organisations_and_addresses_leak_at_most_five_percent(outcome):
    seen, leaked, _, _ = outcome
    rates = {k: leaked[k] / seen[k] for k in NAMES_AND_PLACES}
    assert {k: r for k, r in rates.items() if r > 0.05} == {}


def test_every_decoy_survives_and_every_text_round_trips(outcome):
    _, _, destroyed, broken = outcome
    assert destroyed == []
    assert broken == []
