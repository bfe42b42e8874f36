import pytest


@pytest.fixture(autouse=True)
def _own_signing_keys(settings, tmp_path):
    """Each test signs with keys of its own, kept outside the data dir as in production."""
    settings.ASYLON_KEY_DIR = tmp_path / "keys"
