"""What a valid configuration becomes: the typed model, its defaults, and both input forms Pulumi uses."""
import copy
import json
import pickle

import pytest

from stackconfig import (
    AttributeMapping,
    Auth,
    ConfigError,
    Diagnostics,
    DirectionalSync,
    ManagedGroup,
    Scope,
    ScopeFilter,
    Secret,
    Trust,
    load_stack_config,
)


def directions(config):
    return [(sync.source, sync.target) for sync in config.syncs]


def test_tenants_are_read_with_their_defaults(load, stack_values):
    tenants = load(stack_values).tenants
    assert list(tenants) == ["contoso", "fabrikam", "northwind"]
    assert tenants["contoso"].display_name == "Contoso"
    assert tenants["fabrikam"].display_name == "fabrikam"  # defaults to the alias
    assert tenants["contoso"].auth == Auth(method="oidc", client_id="44444444-4444-4444-8444-444444444444")
    assert tenants["contoso"].graph_endpoint is None
    assert tenants["fabrikam"].graph_endpoint == "http://127.0.0.1:18080"  # trailing slash dropped
    assert tenants["northwind"].diagnostics == Diagnostics(
        workspace_id=stack_values["ctsync:tenants"]["northwind"]["diagnostics"]["workspaceId"],
        categories=("AuditLogs", "ProvisioningLogs"),
    )


def test_auth_defaults_to_default_azure_credential(load, stack_values):
    del stack_values["ctsync:tenants"]["contoso"]["auth"]
    assert load(stack_values).tenants["contoso"].auth == Auth(method="default")


def test_tenant_ids_are_canonical_lower_case(load, stack_values):
    stack_values["ctsync:tenants"]["contoso"]["tenantId"] = "ABCDEF01-2345-4678-9ABC-DEF012345678"
    assert load(stack_values).tenants["contoso"].tenant_id == "abcdef01-2345-4678-9abc-def012345678"


def test_client_secret_is_wrapped_and_never_shown(load, stack_values):
    plain = stack_values["ctsync:tenants"]["northwind"]["auth"]["clientSecret"]
    config = load(stack_values)
    secret = config.tenants["northwind"].auth.client_secret
    assert isinstance(secret, Secret) and secret.reveal() == plain
    for text in (repr(config), str(config), repr(secret), str(secret), f"{secret}"):
        assert plain not in text
    assert copy.deepcopy(secret) == secret
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(config.tenants["northwind"])


def test_explicit_bidirectional_and_topology_syncs_expand_sorted(load, stack_values):
    config = load(stack_values)
    assert directions(config) == [
        ("contoso", "fabrikam"),
        ("contoso", "northwind"),
        ("fabrikam", "northwind"),
        ("northwind", "fabrikam"),
    ]


def test_sync_fields_and_defaults(load, stack_values):
    syncs = {(sync.source, sync.target): sync for sync in load(stack_values).syncs}
    assert syncs["contoso", "fabrikam"] == DirectionalSync(
        source="contoso",
        target="fabrikam",
        trust=Trust(mfa=True),
        user_type="Member",
        scope=Scope(groups=("aaaaaaaa-0000-4000-8000-000000000001",)),
        remove_disabled_users=True,
        deletion_threshold=500,
        notification_email=None,
        attribute_mappings=(AttributeMapping(target="companyName", constant="Contoso"),),
        start=True,
    )
    # Both directions of a bidirectional entry carry its settings, with no trust unless asked.
    department = ScopeFilter(attribute="department", operator="EQUALS", values=("Sales",))
    for key in (("fabrikam", "northwind"), ("northwind", "fabrikam")):
        assert syncs[key].scope == Scope(filters=(department,))
        assert syncs[key].trust == Trust(mfa=False, compliant_device=False, hybrid_joined_device=False)
    # Topology defaults apply to every direction the topology makes.
    assert syncs["contoso", "northwind"].scope == Scope(all_users=True)
    assert syncs["contoso", "northwind"].deletion_threshold == 50


def test_every_sync_field_is_read(load, stack_values):
    stack_values["ctsync:sync"][0].update(
        trust={"mfa": True, "compliantDevice": True, "hybridJoinedDevice": True},
        userType="Guest",
        removeDisabledUsers=False,
        deletionThreshold=0,
        allowUnlimitedDeletions=True,
        notificationEmail="identity-ops@contoso.com",
        attributeMappings=[{"target": "department", "source": "department"}],
        start=False,
        scope={
            "users": ["BBBBBBBB-0000-4000-8000-000000000001"],
            "managedGroup": {"displayName": "ctsync-sales", "membershipRule": 'user.department -eq "Sales"'},
            "filters": [
                {"attribute": "accountEnabled", "operator": "IS TRUE"},
                {"attribute": "employeeId", "operator": "Greater_Than", "values": [1000]},
            ],
        },
    )
    sync = load(stack_values).syncs[0]
    assert sync.trust == Trust(mfa=True, compliant_device=True, hybrid_joined_device=True)
    assert (sync.user_type, sync.remove_disabled_users, sync.deletion_threshold, sync.start) == ("Guest", False, 0, False)
    assert sync.allow_unlimited_deletions is True
    assert sync.notification_email == "identity-ops@contoso.com"
    assert sync.attribute_mappings == (AttributeMapping(target="department", source="department"),)
    assert sync.scope == Scope(
        users=("bbbbbbbb-0000-4000-8000-000000000001",),
        managed_group=ManagedGroup(display_name="ctsync-sales", membership_rule='user.department -eq "Sales"'),
        filters=(
            ScopeFilter(attribute="accountEnabled", operator="IS TRUE"),
            ScopeFilter(attribute="employeeId", operator="Greater_Than", values=("1000",)),
        ),
    )


@pytest.mark.parametrize(
    "scope, sync_all",
    [
        (Scope(all_users=True), True),
        (Scope(filters=(ScopeFilter("department", "EQUALS", ("Sales",)),)), True),
        (Scope(groups=("g",), filters=(ScopeFilter("department", "EQUALS", ("Sales",)),)), False),
        (Scope(managed_group=ManagedGroup("ctsync-sales")), False),
    ],
    ids=["allUsers", "filters alone", "groups narrowed by filters", "managed group"],
)
def test_scope_sync_all_follows_assignment(scope, sync_all):
    assert scope.sync_all is sync_all and not scope.is_empty


def test_mto(load, stack_values):
    mto = load(stack_values).mto
    assert (mto.display_name, mto.owner, mto.members) == ("Contoso Group", "contoso", ("fabrikam", "northwind"))


def test_json_strings_read_like_objects(load, stack_values):
    """Pulumi hands structured config to programs and to providers' configure() as JSON text."""
    as_json = {key: json.dumps(value) if key.startswith("ctsync:") else value for key, value in stack_values.items()}
    assert load(as_json) == load(stack_values)


def test_other_namespaces_and_extra_keys_are_left_alone(stack_values):
    stack_values["ctsync:emulatorPort"] = "18080"
    config = load_stack_config(stack_values, secret_paths=["ctsync:tenants"], extra_keys=["emulatorPort"])
    assert set(config.tenants) == {"contoso", "fabrikam", "northwind"}


def test_optional_sections_may_be_absent(load, stack_values):
    for key in ("ctsync:sync", "ctsync:topology", "ctsync:mto"):
        del stack_values[key]
    config = load(stack_values)
    assert (config.syncs, config.pairs, config.mto) == ((), (), None)


def test_null_means_not_given(load, stack_values):
    stack_values["ctsync:tenants"]["contoso"]["displayName"] = None
    stack_values["ctsync:sync"][0]["trust"] = None
    config = load(stack_values)
    assert config.tenants["contoso"].display_name == "contoso"
    assert config.syncs[0].trust == Trust()


@pytest.mark.parametrize(
    "endpoint, settings",
    [
        ("https://graph.microsoft.us", {"cloud": "usGovernment"}),
        ("https://graph.microsoft.com", {}),
        ("https://graph-proxy.contoso.com", {"allowCustomGraphEndpoint": True}),
        ("http://localhost:18080", {}),
        ("http://127.0.0.2:9000", {}),
        ("http://[::1]:18080", {}),
        ("https://127.0.0.1:18443", {"cloud": "china"}),
    ],
)
def test_accepted_graph_endpoints(load, stack_values, endpoint, settings):
    stack_values["ctsync:tenants"]["contoso"].update(graphEndpoint=endpoint, **settings)
    assert load(stack_values).tenants["contoso"].graph_endpoint == endpoint


@pytest.mark.parametrize("endpoint, cloud", [
    ("https://graph.microsoft.us", None),  # the token is for graph.microsoft.com
    ("https://graph.microsoft.com", "china"),
    ("https://graph-proxy.contoso.com", None),
])
def test_a_graph_endpoint_outside_the_tenants_cloud_needs_saying_so(load, stack_values, endpoint, cloud):
    stack_values["ctsync:tenants"]["contoso"].update(graphEndpoint=endpoint, **({"cloud": cloud} if cloud else {}))
    with pytest.raises(ConfigError) as raised:
        load(stack_values)
    [problem] = raised.value.problems
    assert problem.path == "ctsync:tenants.contoso.graphEndpoint"
    assert "is not the Graph of cloud" in problem.message and "allowCustomGraphEndpoint: true" in problem.fix


@pytest.mark.parametrize("value,expected", [(None, False), (True, True), ("true", True), (False, False)])
def test_delete_taken_over_is_an_opt_in_flag(stack_values, value, expected):
    values = {**stack_values} if value is None else {**stack_values, "ctsync:deleteTakenOver": value}
    assert load_stack_config(values, secret_paths=["ctsync:tenants"]).delete_taken_over is expected


def test_delete_taken_over_must_be_a_boolean(stack_values):
    with pytest.raises(ConfigError) as error:
        load_stack_config({**stack_values, "ctsync:deleteTakenOver": "yes"}, secret_paths=["ctsync:tenants"])
    assert [p.path for p in error.value.problems] == ["ctsync:deleteTakenOver"]


def test_provision_groups_is_off_unless_asked(load, stack_values):
    assert {sync.provision_groups for sync in load(stack_values).syncs} == {False}
    stack_values["ctsync:sync"][0]["provisionGroups"] = True
    [sync] = [s for s in load(stack_values).syncs if (s.source, s.target) == ("contoso", "fabrikam")]
    assert sync.provision_groups is True


def test_mto_templates_roles_and_description(load, stack_values):
    from stackconfig import IdentitySyncTemplate, PartnerTemplate

    stack_values["ctsync:mto"] = {
        "displayName": "Contoso Group", "description": "all of us", "owner": "contoso",
        "members": [{"tenant": "fabrikam", "role": "owner"}, "northwind"],
        "templates": {
            "partnerConfiguration": {"trust": {"mfa": True}, "automaticRedemption": {"inbound": True, "outbound": True}},
            "identitySync": {"userSyncInbound": True, "applyTo": ["newPartners"]},
        },
    }
    # Every sync between MTO tenants must then trust MFA as the template does.
    for entry in stack_values["ctsync:sync"]:
        entry["trust"] = {"mfa": True}
    stack_values["ctsync:topology"]["defaults"]["trust"] = {"mfa": True}
    mto = load(stack_values).mto
    assert (mto.description, mto.members, mto.co_owners) == ("all of us", ("fabrikam", "northwind"), ("fabrikam",))
    assert [mto.role_of(alias) for alias in mto.tenants] == ["owner", "owner", "member"]
    assert mto.partner_template == PartnerTemplate(trust=Trust(mfa=True), inbound_redemption=True, outbound_redemption=True)
    assert mto.identity_sync_template == IdentitySyncTemplate(user_sync_inbound=True, apply_to=("newPartners",))


def test_an_mto_without_templates_has_none(load, stack_values):
    mto = load(stack_values).mto
    assert (mto.partner_template, mto.identity_sync_template, mto.description, mto.co_owners) == (None, None, "", ())



def test_a_template_that_writes_no_trust_agrees_with_any_sync(load, stack_values):
    """BASE's syncs between MTO tenants trust differently; a template without trust leaves it to them."""
    stack_values["ctsync:mto"]["templates"] = {"partnerConfiguration": {"automaticRedemption": {"inbound": True}}}
    template = load(stack_values).mto.partner_template
    assert (template.trust, template.inbound_redemption, template.outbound_redemption) == (None, True, None)


def test_mappings_take_expressions_flows_defaults_and_removals(load, stack_values):
    stack_values["ctsync:sync"][0]["attributeMappings"] = [
        {"target": "displayName", "expression": 'Join(" ", [givenName], ToUpper([surname]))', "flow": "objectAddOnly"},
        {"target": "department", "source": "department", "default": "Unassigned"},
        {"target": "mobilePhone", "remove": True},
    ]
    [sync] = [s for s in load(stack_values).syncs if (s.source, s.target) == ("contoso", "fabrikam")]
    assert [m.as_dict() for m in sync.attribute_mappings] == [
        {"target": "displayName", "expression": 'Join(" ", [givenName], ToUpper([surname]))', "flow": "objectAddOnly"},
        {"target": "department", "source": "department", "default": "Unassigned"},
        {"target": "mobilePhone", "remove": True},
    ]



CLOUD_CONNECTIONS = {
    # cloud, authorityHost -> Graph endpoint, token scope, authority azure-identity is given
    "global by default": (None, None, "https://graph.microsoft.com", "https://graph.microsoft.com/.default", None),
    "US Government": ("usGovernment", None, "https://graph.microsoft.us", "https://graph.microsoft.us/.default",
                      "https://login.microsoftonline.us"),
    "China": ("china", None, "https://microsoftgraph.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default",
              "https://login.chinacloudapi.cn"),
    "a private authority": (None, "https://127.0.0.1:18443", "https://graph.microsoft.com",
                            "https://graph.microsoft.com/.default", "https://127.0.0.1:18443"),
}


@pytest.mark.parametrize("cloud,authority,endpoint,scope,signs_in_at", CLOUD_CONNECTIONS.values(), ids=CLOUD_CONNECTIONS.keys())
def test_a_cloud_brings_its_graph_endpoint_scope_and_sign_in_host(load, stack_values, cloud, authority, endpoint, scope,
                                                                  signs_in_at):
    from providers.graph.connection import connections_for

    entry = stack_values["ctsync:tenants"]["contoso"]
    entry.update({"cloud": cloud} if cloud else {})
    entry.update({"authorityHost": authority} if authority else {})
    [connection] = [c for c in connections_for(load(stack_values).tenants.values()).values() if c.alias == "contoso"]
    assert (connection.endpoint, connection.scope, connection.authority_host) == (endpoint, scope, signs_in_at)


def test_a_token_file_is_taken_by_oidc(load, stack_values):
    stack_values["ctsync:tenants"]["contoso"]["auth"]["tokenFile"] = "/var/run/secrets/azure/token"
    assert load(stack_values).tenants["contoso"].auth.token_file == "/var/run/secrets/azure/token"


def test_unmanaged_attributes_are_left_to_the_admin_center(load, stack_values):
    stack_values["ctsync:sync"][0]["unmanagedAttributes"] = ["department", "*"]
    sync = next(s for s in load(stack_values).syncs if (s.source, s.target) == ("contoso", "fabrikam"))
    assert sync.unmanaged_attributes == ("department", "*")
    assert all(s.unmanaged_attributes == () for s in load(stack_values).syncs if s is not sync and s.source != "contoso")


@pytest.mark.parametrize("actions, flow_types", [
    (None, "Add, Update, Delete"),
    ({"delete": False}, "Add, Update"),
    ({"create": False, "delete": False}, "Update"),
])
def test_target_object_actions_become_the_user_mappings_flow_types(load, stack_values, actions, flow_types):
    if actions is not None:
        stack_values["ctsync:sync"][0]["targetObjectActions"] = actions
    sync = next(s for s in load(stack_values).syncs if (s.source, s.target) == ("contoso", "fabrikam"))
    assert sync.target_object_actions.flow_types == flow_types
