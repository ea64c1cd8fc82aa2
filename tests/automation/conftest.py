"""Fixtures of the automation tests: one emulated organization per test module."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from cfct_backup_automation.runtime import Runtime
from moto import mock_aws

from .emulated_org import DR, HOME, MOTO_CONFIG, REGIONS, Org, build_org, install_emulator

__all__ = ["DR", "HOME", "REGIONS", "Org"]


@pytest.fixture(scope="module")
def org() -> Iterator[Org]:
    install_emulator()
    env = {"AWS_DEFAULT_REGION": HOME, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with mock_aws(config=MOTO_CONFIG):
            yield build_org()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def rt(org: Org) -> Runtime:
    org.sleeps.clear()
    org.events()  # start each test with an empty capture queue
    return org.runtime()
