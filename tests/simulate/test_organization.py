"""The organization description: the default example, the derived configuration, clear errors."""

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cfct_backup.organization import (
    OrganizationError,
    OrganizationIds,
    config_parameters,
    load_organization,
    parse_organization,
    placeholder_ids,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "organization.yaml"


def test_default_example_has_the_conventional_roles_and_nested_protected_ous():
    org = load_organization(EXAMPLE)
    assert org.role_account("log_archive").name == "Log Archive"
    assert org.role_account("audit").name == "Audit"
    assert org.role_account("bunker").name == "Backup Bunker"
    assert org.role_account("key_vault").name == "Key Vault"
    assert org.management.id == "123456789012"
    assert org.protected_paths == ("Workloads:Prod", "Workloads:Dev")
    assert org.ou("Workloads:Prod").parent == "Workloads"
    assert not org.ou("Sandbox").protected
    assert org.home_region == "us-east-1" and org.dr_region == "us-west-2"
    assert org.governed_regions == ("us-east-1", "us-west-2")
    in_scope = sorted(a.name for a in org.accounts if org.in_scope(a))
    assert in_scope == ["Orders Dev", "Orders Prod"]
    assert org.vend is not None and org.vend.ou == "Workloads:Prod"


def test_config_parameters_use_the_real_ids_and_nested_org_paths():
    org = load_organization(EXAMPLE)
    ids = OrganizationIds(
        org_id="o-abcdefghij",
        root_id="r-ab12",
        accounts={a.name: f"{i:012d}" for i, a in enumerate((org.management, *org.accounts), start=1)},
        ous={ou.path: f"ou-ab12-{i:08d}" for i, ou in enumerate(org.ous)},
    )
    params = config_parameters(org, ids)
    assert params["/cfct-backup/accounts/bunker"] == ("String", ids.accounts["Backup Bunker"])
    assert params["/cfct-backup/accounts/management"] == ("String", ids.accounts["Management"])
    assert params["/cfct-backup/regions/governed"] == ("StringList", "us-east-1,us-west-2")
    assert params["/cfct-backup/protected-ous/paths"] == ("StringList", "Workloads:Prod,Workloads:Dev")
    prod, dev, workloads = ids.ous["Workloads:Prod"], ids.ous["Workloads:Dev"], ids.ous["Workloads"]
    assert params["/cfct-backup/protected-ous/ids"] == ("StringList", f"{prod},{dev}")
    assert params["/cfct-backup/protected-ous/org-paths"][1].split(",") == [
        f"o-abcdefghij/r-ab12/{workloads}/{prod}/",
        f"o-abcdefghij/r-ab12/{workloads}/{dev}/",
    ]
    assert params["/cfct-backup/alert-email"] == ("String", "backup-alerts@example.com")


def test_placeholder_ids_are_stable_and_distinct():
    org = load_organization(EXAMPLE)
    a, b = placeholder_ids(org), placeholder_ids(org)
    assert a == b
    assert len(set(a.accounts.values())) == len(a.accounts)
    assert all(len(v) == 12 and v.isdigit() for v in a.accounts.values())
    assert a.accounts["Management"] == "123456789012"


BASE = """
management: {name: M, email: m@example.com}
regions: {home: us-east-1, dr: us-west-2}
alert_email: a@example.com
organizational_units:
  - name: Core
    accounts:
      - {name: Log Archive, email: l@example.com}
      - {name: Audit, email: au@example.com}
      - {name: Backup Bunker, email: b@example.com}
      - {name: Key Vault, email: k@example.com}
  - name: Apps
    protected: true
"""


def test_pinned_ids_are_kept_and_used_by_plan_stand_ins():
    org = load_organization(EXAMPLE)
    assert org.ou("Workloads:Prod").id == "ou-wl01-prod0001"
    assert org.account("Playground").id == "111122223333"
    ids = placeholder_ids(org)
    assert ids.ous["Workloads:Prod"] == "ou-wl01-prod0001"
    assert ids.accounts["Playground"] == "111122223333"


def test_minimal_description_defaults_governed_regions_and_roles():
    org = parse_organization(BASE, "org.yaml")
    assert org.governed_regions == ("us-east-1", "us-west-2")
    assert org.roles["bunker"] == "Backup Bunker"
    assert org.protected_paths == ("Apps",)


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (BASE.replace("dr: us-west-2", "dr: us-east-1"), "regions.dr", "must differ"),
        (BASE.replace("m@example.com", "not-an-email"), "management.email", "email"),
        (
            BASE.replace("{name: M, email: m@example.com}", "{name: M, email: m@example.com, id: 12345}"),
            "management.id",
            "quoted",
        ),
        (BASE.replace("    protected: true\n", ""), "organizational_units", "protected"),
        (BASE.replace("name: Apps", "name: Root"), "organizational_units[1].name", "Root"),
        (
            BASE.replace("      - {name: Key Vault, email: k@example.com}\n", ""),
            "roles.key_vault",
            "Key Vault",
        ),
        (BASE + "colour: blue\n", "colour", "unknown field"),
        (BASE + "vend: {name: New, email: n@example.com, ou: Missing}\n", "vend.ou", "Missing"),
        (
            BASE.replace(
                "name: Apps\n    protected: true",
                "name: Apps\n    protected: true\n    accounts: [{name: Audit, email: x@example.com}]",
            ),
            "account 'Audit'",
            "twice",
        ),
        ("regions: [\n", "line", "YAML"),
        (BASE.replace("name: Apps", "name: Apps\n    id: ou-bad"), "organizational_units[1].id", "OU ID"),
    ],
)
def test_errors_name_the_file_and_the_field(text, where, fragment):
    with pytest.raises(OrganizationError) as info:
        parse_organization(text, "org.yaml")
    message = str(info.value)
    assert re.match(r"^org\.yaml(:\d+)?: ", message), message  # file, and line when known
    assert where in message
    assert fragment in message


def test_role_account_in_a_protected_ou_is_refused():
    text = BASE.replace("  - name: Apps\n    protected: true\n", "").replace(
        "  - name: Core\n", "  - name: Core\n    protected: true\n"
    )
    with pytest.raises(OrganizationError, match="must not sit in a protected OU"):
        parse_organization(text, "org.yaml")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(OrganizationError, match="cannot read"):
        load_organization(tmp_path / "nope.yaml")


_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "management",
        "regions",
        "alert_email",
        "roles",
        "organizational_units",
        "vend",
        "identity_center",
        "name",
        "email",
        "id",
        "home",
        "dr",
        "governed",
        "accounts",
        "children",
        "protected",
        "ou",
    ]
)
_shaped = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_keys, children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_json, _shaped))
def test_any_input_loads_or_fails_with_the_loaders_own_error(data):
    text = yaml.safe_dump(data)
    try:
        parse_organization(text, "fuzz.yaml")
    except OrganizationError as exc:
        assert re.match(r"^fuzz\.yaml(:\d+)?: ", str(exc)), str(exc)
