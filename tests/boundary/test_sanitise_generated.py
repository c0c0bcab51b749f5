"""Recall and decoys on Faker-made records: checksum types never leak, decoys always survive."""

import pytest

from doorman.boundary import Sanitiser, rehydrate
from pii_generator import records


@pytest.fixture(scope="module")
def sanitiser():
    return Sanitiser()


def test_generated_records_leak_no_structured_value_and_keep_every_decoy(sanitiser):
    leaks, destroyed = [], []
    for record in records(60, seed=7):
        result = sanitiser.sanitise_text(record.text)
        out = result.texts[0]
        for kind, values in record.values.items():
            leaks += [(kind, v) for v in values if v in out]
        destroyed += [d for d in record.decoys if d not in out]
        assert rehydrate(out, result.mapping) == record.text
    assert leaks == []
    assert destroyed == []
