"""A small population with known ages and sexes on the reporting date."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import member

from asylon.registry import services

ON = date(2013, 3, 31)


@pytest.fixture
def population(clerk, site_a, unit_a):
    reg = {"registered_on": date(2012, 2, 18)}
    first = services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        arrival_date=date(2012, 2, 18),
        members=[
            member(**reg),  # M 1980: 18-59
            member("SPOUSE", given_name="Parvaneh", sex="F", date_of_birth=date(1985, 6, 1), **reg),
            member("CHILD", given_name="Sara", sex="F", date_of_birth=date(2010, 5, 5), **reg),  # 0-4
            # 11 on the reporting date, 12 the day after: the age is taken as of the date.
            member("CHILD", given_name="Reza", date_of_birth=date(2001, 4, 1), **reg),
            member("CHILD", given_name="Nima", date_of_birth=date(1995, 3, 31), **reg),  # 18 that day
        ],
    )
    second = services.register_household(
        actor=clerk,
        site=site_a,
        arrival_date=date(2013, 1, 10),
        members=[
            member(
                given_name="Mahin",
                sex="F",
                date_of_birth=date(1950, 7, 1),
                dob_precision="YEAR",
                specific_needs=["ER-NF", "SM-CI"],
                registered_on=date(2013, 1, 10),
            ),
            member("RELATIVE", given_name="Ara", sex="X", date_of_birth=None, registered_on=date(2013, 1, 12)),
        ],
    )
    # Registered after the reporting date: not in the population on that date.
    services.register_household(
        actor=clerk, site=site_a, members=[member(given_name="Later", registered_on=date(2013, 5, 1))]
    )
    return first, second
