"""The collector settings of a batch (`asylon demo`) end with the batch, even when it fails:
a long-lived process that ran one (the worker, a shell) keeps the collector it had."""

import gc

import pytest

from asylon.core import collector


@pytest.fixture
def collector_state():
    threshold = gc.get_threshold()
    yield threshold
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_a_batch_collects_young_objects_less_often_and_restores_the_threshold(collector_state):
    with collector.batch():
        assert gc.get_threshold()[0] == collector.BATCH_THRESHOLD
        assert gc.get_freeze_count() > 0  # what was loaded before the batch is out of sight
    assert gc.get_threshold() == collector_state


def test_a_failing_batch_restores_the_threshold(collector_state):
    with pytest.raises(RuntimeError), collector.batch():
        raise RuntimeError("the seeding failed")
    assert gc.get_threshold() == collector_state
