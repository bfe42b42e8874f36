"""References are taken in order, per prefix, and no number is ever given to two records."""

import pytest
from django.db import transaction

from asylon.registry.references import next_reference, next_references

pytestmark = pytest.mark.django_db


def test_numbers_follow_on_per_prefix():
    assert next_references("AAA-MV", 3) == ["AAA-MV-000001", "AAA-MV-000002", "AAA-MV-000003"]
    assert next_reference("AAA-RST") == "AAA-RST-000001"
    assert next_references("AAA-MV", 2) == ["AAA-MV-000004", "AAA-MV-000005"]
    assert next_references("AAA-MV", 0) == []
    assert next_reference("AAA-MV") == "AAA-MV-000006"


def test_a_record_rolled_back_gives_its_number_back_and_no_number_is_given_twice():
    with transaction.atomic():
        first = next_reference("AAA-INC")
        try:
            with transaction.atomic():
                next_reference("AAA-INC")
                raise RuntimeError("the record failed")
        except RuntimeError:
            pass
        again = next_reference("AAA-INC")
    assert (first, again) == ("AAA-INC-000001", "AAA-INC-000002")
    assert next_reference("AAA-INC") == "AAA-INC-000003"
