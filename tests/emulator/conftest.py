"""Fixtures for the emulator's own tests: moto with the emulator installed, a fresh state each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from cfct_backup.emulator import clock, install

REGION = "us-east-1"


@pytest.fixture
def aws() -> Iterator[None]:
    install()
    clock.reset()
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield
    clock.reset()
