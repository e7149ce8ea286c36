"""``--cluster`` tells a dask-gateway cluster name from a Dask scheduler address."""

from __future__ import annotations

import pytest

from course.grading.gateway import is_cluster_name


@pytest.mark.parametrize("value", ["course.4f2c0d6e8a1b4c3d9e7f", "ed4648788b4c4f47b06c67209ed800b4"])
def test_a_gateway_cluster_name_goes_to_the_gateway(value: str) -> None:
    assert is_cluster_name(value)


@pytest.mark.parametrize("value", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "tls://[::1]:8786",
                                   "inproc://10.0.0.5/1/2", "localhost:8786", ""])
def test_a_scheduler_address_goes_to_the_scheduler(value: str) -> None:
    assert not is_cluster_name(value)


def test_an_open_client_is_not_a_name() -> None:
    assert not is_cluster_name(object())
