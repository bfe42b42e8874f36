"""Shared fixtures: sites, users of every role, and a household registered through the service."""

from __future__ import annotations

from datetime import date

import hypothesis
import pytest
from django.utils import translation

from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.registry import services
from asylon.registry.models import Site

# Property tests check what the code does, not how fast: on a loaded machine Hypothesis's
# per-example deadline and its too-slow health check would fail them for the load alone.
hypothesis.settings.register_profile("asylon", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow])
hypothesis.settings.load_profile("asylon")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 takes a quarter of a second a hash by design; tests that need it put it back
    (tests/accounts/test_login.py logs in against an Argon2 hash)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks (imports, alert deliveries) run at once, inside the call that enqueues them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The API's rate limits are off: tests call it faster than any client; tests/core/test_api_throttling.py
    # sets tiny rates to prove them.
    settings.ASYLON_API_RATE_USER = settings.ASYLON_API_RATE_ANON = None


@pytest.fixture(autouse=True)
def _own_signing_keys(settings, tmp_path):
    """Every test signs protection documents with keys of its own, outside the checkout."""
    settings.ASYLON_KEY_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, tmp_path):
    """Each test's database starts empty, so it gets its own checkpoint file as well: a
    checkpoint left by another test's trail would read as a trail cut short."""
    settings.ASYLON_AUDIT_CHECKPOINTS = tmp_path / "audit-checkpoints.log"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test's database: a count kept for user 3 ("my work (2)") must not
    reach the next test's user 3."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A page request leaves its user's language active in the thread, as Django's locale
    middleware does; a test that follows must not write its alerts in Arabic for that."""
    yield
    translation.deactivate()


@pytest.fixture
def site_a(db) -> Site:
    return Site.objects.create(code="AAA", name="Site A", host_country="IQ", designation="TTL")


@pytest.fixture
def site_b(db) -> Site:
    return Site.objects.create(code="BBB", name="Site B", host_country="IQ", designation="REFUGEE_CAMP")


@pytest.fixture
def make_user(db, site_a):
    def make(role: str = Role.REGISTRATION_CLERK, *, sites=None, username: str | None = None):
        user = create_user(
            actor=None,
            username=username or f"{role}-{len(sites or [site_a])}-{id(sites)}",
            role=role,
            sites=sites or [site_a],
            password="correct horse battery staple",
        ).user
        return user

    return make


@pytest.fixture
def clerk(make_user):
    return make_user(Role.REGISTRATION_CLERK, username="clerk")


@pytest.fixture
def protection_officer(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="protection")


# Officers the movements and resettlement suites act as: two protection officers (a chain
# assessment is approved by a second one) and a resettlement officer.
@pytest.fixture
def po(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="po-one")


@pytest.fixture
def po2(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="po-two")


@pytest.fixture
def rso(make_user):
    return make_user(Role.RESETTLEMENT_OFFICER, username="rso")


@pytest.fixture
def unit_a(db, site_a):
    from asylon.registry.models import Location

    block = Location.objects.create(site=site_a, kind="BLOCK", name="Block 1")
    return Location.objects.create(site=site_a, kind="UNIT", name="T01", parent=block)


def member(relationship: str = "PA", **extra) -> dict:
    data = {
        "relationship": relationship,
        "given_name": "Dariush",
        "fathers_name": "Kamran",
        "family_name": "Tehranifar",
        "sex": "M",
        "date_of_birth": date(1980, 3, 1),
        "nationality": "IR",
        "country_of_origin": "IR",
    }
    data.update(extra)
    return data


@pytest.fixture
def household(clerk, site_a, unit_a):
    return services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        arrival_date=date(2012, 2, 18),
        members=[
            member(),
            member("SPOUSE", given_name="Parvaneh", sex="F"),
            member("CHILD", given_name="Sara", sex="F", date_of_birth=date(2010, 5, 5)),
        ],
    )
