"""Shared by the emulator tests: credentials inside an account of the emulated organization."""

import boto3

HOME, DR = "us-east-1", "us-west-2"


def session(account: str) -> boto3.Session:
    """A session in `account`, through the role Organizations creates in every new account."""
    creds = boto3.client("sts", region_name=HOME).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="test"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
