"""Inventory items written and read back through DynamoDB (moto) with the boto3 serializer helper:
every value comes back as the Python value that was written, in the attribute type DynamoDB
documents for it (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cfct_backup_automation.dynamo import from_item, to_item
from moto import mock_aws

ITEM: dict[str, Any] = {
    "accountId": "111122223333",
    "leaseExpires": 1_795_000_000,
    "ratio": 0.25,
    "pending": False,
    "offboardedAt": None,
    "gaps": ["us-east-1:vault-missing", "global:role-missing"],
    "grants": {"eu-west-1": "g-1", "us-east-1": "g-2"},
}


@pytest.fixture
def ddb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="inv",
            KeySchema=[{"AttributeName": "accountId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "accountId", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def test_item_round_trips_with_its_python_types(ddb: Any) -> None:
    ddb.put_item(TableName="inv", Item=to_item(ITEM))
    raw = ddb.get_item(TableName="inv", Key=to_item({"accountId": "111122223333"}))["Item"]
    assert raw["pending"] == {"BOOL": False}  # a bool is BOOL, not the number 0
    assert raw["leaseExpires"] == {"N": "1795000000"}
    assert raw["offboardedAt"] == {"NULL": True}
    back = from_item(raw)
    assert back == ITEM
    assert type(back["leaseExpires"]) is int and type(back["ratio"]) is float


def test_string_set_reads_as_a_sorted_list(ddb: Any) -> None:
    ddb.put_item(
        TableName="inv", Item={"accountId": {"S": "1"}, "regions": {"SS": ["us-east-1", "eu-west-1"]}}
    )
    raw = ddb.get_item(TableName="inv", Key={"accountId": {"S": "1"}})["Item"]
    assert from_item(raw)["regions"] == ["eu-west-1", "us-east-1"]
