"""What a loaded catalogue shares between its models, to stay small at a thousand deals.

A build holds the whole catalogue, and forked workers copy every memory page of it they touch,
so each object saved is saved more than once (issue 13: 1,000 deals, peak memory 768 MB at most).
Sharing is safe only for what never changes: these tests pin both the sharing and its safety.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.model.load import load_catalogue
from generator.model.outcomes import Reading
from test_load import REPO


@pytest.fixture(scope="module")
def readings():
    catalogue = load_catalogue([REPO / "deals"], jobs=1)
    return [r for d in catalogue.deals for o in d.outcomes for r in o.readings]


def test_loaded_models_given_the_same_fields_share_one_record_of_them(readings):
    records = {id(r.__pydantic_fields_set__) for r in readings}
    kinds = {frozenset(r.__pydantic_fields_set__) for r in readings}
    assert len(records) == len(kinds) < len(readings)


def test_a_copy_with_a_change_leaves_the_shared_record_alone(readings):
    first, second = [r for r in readings if "commentary" not in r.__pydantic_fields_set__][:2]
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    changed = first.model_copy(update={"commentary": "Revised."})
    assert "commentary" in changed.__pydantic_fields_set__
    assert "commentary" not in second.__pydantic_fields_set__
    assert "commentary" not in first.__pydantic_fields_set__


def test_a_number_written_alike_in_two_places_is_one_object():
    one = Reading.model_validate({"date": "2020-03-31", "value": "71.2"})
    two = Reading.model_validate({"date": "2021-03-31", "value": " 71.2 "})
    assert one.value is two.value


def test_numbers_equal_in_value_but_written_differently_keep_how_they_were_written():
    # 1.0 and 1.00 are equal Decimals; a shared object keyed by value would print one as the other.
    values = [Reading.model_validate({"date": "2020-03-31", "value": text}).value for text in ("1.0", "1.00", "1", "1,000.0")]
    assert [str(v) for v in values] == ["1.0", "1.00", "1", "1000.0"]
    assert values[0] == values[1] == values[2] == Decimal(1)

