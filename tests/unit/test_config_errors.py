"""Every bad input the contract refuses: each row edits the valid BASE config and names the path it expects."""
import re

import pytest

from stackconfig import ConfigError, load_stack_config

DELETE = object()
GROUP = "aaaaaaaa-0000-4000-8000-000000000009"
_SEGMENT = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[\"([^\"]+)\"\]")


def edit(values, path, value):
    """Set (or with DELETE, remove) the value at a config path such as `ctsync:sync[0].scope.groups[0]`."""
    key, rest = re.match(r"^([\w-]+:[\w-]+)(.*)$", path).groups()
    segments = [name or quoted or int(index) for name, index, quoted in _SEGMENT.findall(rest)]
    container, last = values, key
    for segment in [key, *segments][:-1] if segments else []:
        container = container[segment]
    last = segments[-1] if segments else key
    if value is DELETE:
        del container[last]
    elif isinstance(container, list) and last == len(container):
        container.append(value)
    else:
        container[last] = value


def many_tenants(count):
    """`count` extra tenants t0.. with distinct ids, and the MTO listing all of them as members."""
    edits = [(f"ctsync:tenants.t{i}", {"tenantId": f"{i + 1:08x}-0000-4000-8000-000000000000"}) for i in range(count)]
    return edits + [("ctsync:mto.members", [f"t{i}" for i in range(count)])]


def row(id, edits, path, fragment, *, secret=True):
    return pytest.param(edits, path, fragment, secret, id=id)


BAD_INPUTS = [
    # unknown tenant aliases, wherever one is named
    row("sync from unknown", [("ctsync:sync[0].from", "contso")], "ctsync:sync[0].from", "did you mean 'contoso'?"),
    row("sync to unknown", [("ctsync:sync[0].to", "tailspin")], "ctsync:sync[0].to", '"tailspin" is not a tenant declared'),
    row("topology hub unknown", [("ctsync:topology.hub", "contosso")], "ctsync:topology.hub", "not a tenant declared"),
    row("topology member unknown", [("ctsync:topology.members[0]", "x")], "ctsync:topology.members[0]", "not a tenant"),
    row("mto owner unknown", [("ctsync:mto.owner", "x")], "ctsync:mto.owner", "not a tenant declared"),
    row("mto member unknown", [("ctsync:mto.members[1]", "nortwind")], "ctsync:mto.members[1]", "'northwind'"),
    # GUIDs
    row("malformed tenant id", [("ctsync:tenants.contoso.tenantId", "contoso.onmicrosoft.com")],
        "ctsync:tenants.contoso.tenantId", "is not a tenant id (GUID)"),
    row("nil tenant id", [("ctsync:tenants.contoso.tenantId", "00000000-0000-0000-0000-000000000000")],
        "ctsync:tenants.contoso.tenantId", "the nil GUID is not a tenant id"),
    row("tenant id under two aliases", [("ctsync:tenants.fabrikam.tenantId", "11111111-1111-4111-8111-111111111111".upper())],
        "ctsync:tenants.fabrikam.tenantId", "already declared as 'contoso'"),
    row("missing tenant id", [("ctsync:tenants.contoso.tenantId", DELETE)], "ctsync:tenants.contoso.tenantId", "is required"),
    row("client id not a GUID", [("ctsync:tenants.contoso.auth.clientId", "my-app")],
        "ctsync:tenants.contoso.auth.clientId", "is not an application (client) id (GUID)"),
    row("scope group not a GUID", [("ctsync:sync[0].scope.groups[0]", "Sales")], "ctsync:sync[0].scope.groups[0]",
        '"Sales" is not an object id (GUID); use the group\'s object id from Entra ID'),
    row("scope user nil", [("ctsync:sync[0].scope.users", ["00000000-0000-0000-0000-000000000000"])],
        "ctsync:sync[0].scope.users[0]", "nil GUID"),
    row("scope group listed twice", [("ctsync:sync[0].scope.groups[1]", "AAAAAAAA-0000-4000-8000-000000000001")],
        "ctsync:sync[0].scope.groups[1]", "listed twice (first at [0])"),
    # directions
    row("sync to itself", [("ctsync:sync[0].to", "contoso")], "ctsync:sync[0].to", "from contoso to itself"),
    row("direction declared twice", [("ctsync:sync[2]", {"from": "contoso", "to": "fabrikam", "scope": {"allUsers": True}})],
        "ctsync:sync[2]", "contoso -> fabrikam is already declared by ctsync:sync[0]"),
    row("direction also by bidirectional", [("ctsync:sync[2]", {"from": "northwind", "to": "fabrikam", "scope": {"allUsers": True}})],
        "ctsync:sync[2]", "northwind -> fabrikam is already declared by ctsync:sync[1] (bidirectional)"),
    row("direction also by topology", [("ctsync:sync[2]", {"from": "contoso", "to": "northwind", "scope": {"allUsers": True}})],
        "ctsync:sync[2]", "contoso -> northwind is already declared by ctsync:topology (hubAndSpoke, hubToSpokes)"),
    row("topology hub as spoke", [("ctsync:topology.members[1]", "contoso")], "ctsync:topology.members[1]", "is the hub"),
    row("topology without direction", [("ctsync:topology.direction", DELETE)], "ctsync:topology.direction", "is required"),
    row("mesh with one member", [("ctsync:topology", {"kind": "mesh", "members": ["fabrikam"], "defaults": {"scope": {"allUsers": True}}})],
        "ctsync:topology.members", "needs at least 2 tenants"),
    row("mesh with a hub", [("ctsync:topology.kind", "mesh"), ("ctsync:topology.direction", DELETE), ("ctsync:topology.members[1]", "contoso")],
        "ctsync:topology.hub", "only used with kind hubAndSpoke"),
    row("topology defaults with from", [("ctsync:topology.defaults.from", "fabrikam")],
        "ctsync:topology.defaults.from", "is decided by the topology"),
    row("topology defaults validated", [("ctsync:topology.defaults.userType", "Owner")],
        "ctsync:topology.defaults.userType", '"Owner" is not a valid choice'),
    row("topology kind unknown", [("ctsync:topology.kind", "star")], "ctsync:topology.kind", "not a valid choice"),
    # unknown keys
    row("unknown ctsync key", [("ctsync:tenant", {})], "ctsync:tenant", "did you mean 'ctsync:tenants'?"),
    row("unknown tenant key", [("ctsync:tenants.contoso.tenantID", "x")], "ctsync:tenants.contoso.tenantID",
        "unknown key; did you mean 'tenantId'?"),
    row("unknown sync key", [("ctsync:sync[0].trsut", {})], "ctsync:sync[0].trsut", "did you mean 'trust'?"),
    row("unknown scope key", [("ctsync:sync[0].scope.group", [])], "ctsync:sync[0].scope.group", "did you mean 'groups'?"),
    row("unknown key, no suggestion", [("ctsync:mto.zzz", 1)], "ctsync:mto.zzz", "allowed keys: displayName, description, owner, members, templates"),
    # auth and endpoints
    row("client secret not a pulumi secret", [], "ctsync:tenants.northwind.auth.clientSecret",
        "pulumi config set --secret --path 'ctsync:tenants.northwind.auth.clientSecret' <value>", secret=False),
    row("client id missing for clientSecret", [("ctsync:tenants.northwind.auth.clientId", DELETE)],
        "ctsync:tenants.northwind.auth.clientId", "is required with auth method clientSecret"),
    row("client id missing for oidc", [("ctsync:tenants.contoso.auth.clientId", DELETE)],
        "ctsync:tenants.contoso.auth.clientId", "is required with auth method oidc"),
    row("client id missing for certificate",
        [("ctsync:tenants.contoso.auth.method", "certificate"),
         ("ctsync:tenants.contoso.auth.certificatePath", "./certs/contoso.pem"),
         ("ctsync:tenants.contoso.auth.clientId", DELETE)],
        "ctsync:tenants.contoso.auth.clientId", "is required with auth method certificate"),
    row("certificate path missing", [("ctsync:tenants.contoso.auth.method", "certificate")],
        "ctsync:tenants.contoso.auth.certificatePath", "is required with auth method certificate"),
    row("client secret for oidc", [("ctsync:tenants.contoso.auth.clientSecret", "x")],
        "ctsync:tenants.contoso.auth.clientSecret", "is not used by auth method oidc"),
    row("unknown auth method", [("ctsync:tenants.contoso.auth.method", "password")],
        "ctsync:tenants.contoso.auth.method", '"password" is not a valid choice'),
    row("emulator without endpoint", [("ctsync:tenants.fabrikam.graphEndpoint", DELETE)],
        "ctsync:tenants.fabrikam.graphEndpoint", "is required with auth method emulator"),
    row("http endpoint off loopback", [("ctsync:tenants.fabrikam.graphEndpoint", "http://graph.fabrikam.com")],
        "ctsync:tenants.fabrikam.graphEndpoint", "uses http on a host that is not loopback"),
    row("endpoint with a path", [("ctsync:tenants.contoso.graphEndpoint", "https://graph.microsoft.com/v1.0")],
        "ctsync:tenants.contoso.graphEndpoint", "leave out any path"),
    row("endpoint without scheme", [("ctsync:tenants.contoso.graphEndpoint", "graph.microsoft.com")],
        "ctsync:tenants.contoso.graphEndpoint", "is not an http(s) URL"),
    row("authority host over http", [("ctsync:tenants.contoso.authorityHost", "http://127.0.0.1:18443")],
        "ctsync:tenants.contoso.authorityHost", "is not https"),
    row("authority host with a path", [("ctsync:tenants.contoso.authorityHost", "https://login.microsoftonline.com/common")],
        "ctsync:tenants.contoso.authorityHost", "must be a scheme and host only"),
    row("authority host of the emulator method", [("ctsync:tenants.fabrikam.authorityHost", "https://127.0.0.1:18443")],
        "ctsync:tenants.fabrikam.authorityHost", "is not used by auth method emulator"),
    row("unknown cloud", [("ctsync:tenants.contoso.cloud", "azureGermany")],
        "ctsync:tenants.contoso.cloud", '"azureGermany" is not a valid choice'),
    row("token file for a client secret", [("ctsync:tenants.northwind.auth.tokenFile", "/tmp/token")],
        "ctsync:tenants.northwind.auth.tokenFile", "is not used by auth method clientSecret"),
    row("alias unusable", [('ctsync:tenants["tail spin"]', {"tenantId": "66666666-6666-4666-8666-666666666666"})],
        'ctsync:tenants["tail spin"]', "is not a usable alias"),
    # sync settings
    row("negative deletion threshold", [("ctsync:sync[0].deletionThreshold", -1)],
        "ctsync:sync[0].deletionThreshold", "must be a whole number >= 0, got -1"),
    row("non-numeric deletion threshold", [("ctsync:sync[0].deletionThreshold", "lots")],
        "ctsync:sync[0].deletionThreshold", 'got "lots"'),
    row("boolean deletion threshold", [("ctsync:sync[0].deletionThreshold", True)],
        "ctsync:sync[0].deletionThreshold", "got true"),
    row("user type", [("ctsync:sync[0].userType", "member")], "ctsync:sync[0].userType", "did you mean 'Member'?"),
    row("trust flag not boolean", [("ctsync:sync[0].trust.mfa", "yes")], "ctsync:sync[0].trust.mfa", "must be true or false"),
    row("empty scope", [("ctsync:sync[0].scope", {})], "ctsync:sync[0].scope", "selects nobody"),
    row("missing scope", [("ctsync:sync[0].scope", DELETE)], "ctsync:sync[0].scope", "is required"),
    row("allUsers beside groups", [("ctsync:sync[0].scope.allUsers", True)], "ctsync:sync[0].scope.allUsers", "not both"),
    row("group ids for two sources", [("ctsync:sync[1].scope.groups", [GROUP])], "ctsync:sync[1].scope.groups",
        "sync from fabrikam, northwind"),
    row("filter operator", [("ctsync:sync[1].scope.filters[0].operator", "CONTAINS")],
        "ctsync:sync[1].scope.filters[0].operator", '"CONTAINS" is not a valid choice'),
    row("filter operator case", [("ctsync:sync[1].scope.filters[0].operator", "not_equals")],
        "ctsync:sync[1].scope.filters[0].operator", "did you mean 'NOT EQUALS'?"),
    row("valueless operator with values", [("ctsync:sync[1].scope.filters[0].operator", "IS NULL")],
        "ctsync:sync[1].scope.filters[0].values", "IS NULL takes no values"),
    row("operator without values", [("ctsync:sync[1].scope.filters[0].values", [])],
        "ctsync:sync[1].scope.filters[0].values", "EQUALS needs at least one value"),
    row("mapping with source and constant", [("ctsync:sync[0].attributeMappings[0].source", "companyName")],
        "ctsync:sync[0].attributeMappings[0]", "has source and constant"),
    row("mapping with neither", [("ctsync:sync[0].attributeMappings[0].constant", DELETE)],
        "ctsync:sync[0].attributeMappings[0]", "needs a source, a constant or an expression"),
    row("expression with a misspelt function", [("ctsync:sync[0].attributeMappings[0]",
                                                 {"target": "displayName", "expression": 'Jion(" ", [givenName], [surname])'})],
        "ctsync:sync[0].attributeMappings[0].expression", "did you mean 'Join'?"),
    row("expression cut short", [("ctsync:sync[0].attributeMappings[0]", {"target": "displayName", "expression": "ToUpper([surname]"})],
        "ctsync:sync[0].attributeMappings[0].expression", "the expression ends too early (at character 18"),
    row("expression with too few arguments", [("ctsync:sync[0].attributeMappings[0]", {"target": "mail", "expression": "Append([mail])"})],
        "ctsync:sync[0].attributeMappings[0].expression", "Append takes 2 argument(s), got 1"),
    row("mapping flow", [("ctsync:sync[0].attributeMappings[0].flow", "onCreate")], "ctsync:sync[0].attributeMappings[0].flow",
        "is not a valid choice"),
    row("remove with a source", [("ctsync:sync[0].attributeMappings[0].remove", True)], "ctsync:sync[0].attributeMappings[0]",
        "also sets constant"),
    row("mapping of userType", [("ctsync:sync[0].attributeMappings[0].target", "userType")],
        "ctsync:sync[0].attributeMappings[0].target", "set the sync's userType instead"),
    # Graph's attribute names are case-insensitive, and so is the provider's check: refused here,
    # before the first write, not by the provider after writes under --skip-preview
    row("every target object action off", [("ctsync:sync[0].targetObjectActions", {"create": False, "update": False, "delete": False})],
        "ctsync:sync[0].targetObjectActions", "turns every action off"),
    row("target object action misspelt", [("ctsync:sync[0].targetObjectActions", {"delete": False, "updat": True})],
        "ctsync:sync[0].targetObjectActions.updat", "did you mean 'update'?"),
    row("unmanaged attribute also declared", [("ctsync:sync[0].unmanagedAttributes", ["department", "CompanyName"])],
        "ctsync:sync[0].unmanagedAttributes[1]", '"CompanyName" is also declared under attributeMappings'),
    row("unmanaged attribute listed twice", [("ctsync:sync[0].unmanagedAttributes", ["department", "Department"])],
        "ctsync:sync[0].unmanagedAttributes[1]", "is listed twice"),
    row("mapping of UserType", [("ctsync:sync[0].attributeMappings[0].target", "UserType")],
        "ctsync:sync[0].attributeMappings[0].target", "set the sync's userType instead"),
    row("mapping of the matching attribute in capitals", [("ctsync:sync[0].attributeMappings[0].target", "ALTERNATIVESECURITYIDS")],
        "ctsync:sync[0].attributeMappings[0].target", "Entra fixes the matching attribute"),
    row("expression with an unknown escape", [("ctsync:sync[0].attributeMappings[0]", {"target": "displayName", "expression": 'Append([surname], "\\q")'})],
        "ctsync:sync[0].attributeMappings[0].expression", "has an escape Graph does not know"),
    row("expression nested 3,000 deep", [("ctsync:sync[0].attributeMappings[0]",
                                          {"target": "displayName", "expression": "ToUpper(" * 3000 + "[surname]" + ")" * 3000})],
        "ctsync:sync[0].attributeMappings[0].expression", "functions nest more than 64 deep"),
    row("notification email", [("ctsync:sync[0].notificationEmail", "ops")], "ctsync:sync[0].notificationEmail",
        "is not an email address"),
    row("managed group without name", [("ctsync:sync[0].scope.managedGroup", {"membershipRule": "user.department -eq \"Sales\""})],
        "ctsync:sync[0].scope.managedGroup.displayName", "is required"),
    row("diagnostics workspace", [("ctsync:tenants.northwind.diagnostics.workspaceId", "law-identity")],
        "ctsync:tenants.northwind.diagnostics.workspaceId", "is not the ARM resource id"),
    row("diagnostics category", [("ctsync:tenants.northwind.diagnostics.categories", ["AuditLogs", "SigninLogs"])],
        "ctsync:tenants.northwind.diagnostics.categories[1]", "did you mean 'SignInLogs'?"),
    # group provisioning: groups come into scope by assignment only
    row("groups with filters alone", [("ctsync:sync[1].provisionGroups", True)], "ctsync:sync[1].provisionGroups",
        "this scope assigns no group"),
    row("groups with allUsers", [("ctsync:topology.defaults.provisionGroups", True)], "ctsync:topology.defaults.provisionGroups",
        "scope by groups or managedGroup"),
    row("provisionGroups not a boolean", [("ctsync:sync[0].provisionGroups", "yes please")], "ctsync:sync[0].provisionGroups",
        "must be true or false"),
    # deletion safety: prevention off takes an acknowledgement
    row("threshold off unacknowledged", [("ctsync:sync[0].deletionThreshold", 0)], "ctsync:sync[0].deletionThreshold",
        "set allowUnlimitedDeletions: true beside it"),
    row("acknowledgement with a threshold", [("ctsync:topology.defaults.allowUnlimitedDeletions", True)],
        "ctsync:topology.defaults.allowUnlimitedDeletions", "but deletionThreshold is 50"),
    # MTO
    row("mto owner as member", [("ctsync:mto.members[0]", "contoso")], "ctsync:mto.members[0]", "is the owner"),
    row("mto member twice", [("ctsync:mto.members[2]", "fabrikam")], "ctsync:mto.members[2]", "listed twice"),
    row("mto over 100 tenants", many_tenants(100), "ctsync:mto.members", "makes 101 tenants with the owner"),
    row("mto member role", [("ctsync:mto.members[0]", {"tenant": "fabrikam", "role": "admin"})], "ctsync:mto.members[0].role",
        "is not a valid choice"),
    row("mto member entry key", [("ctsync:mto.members[0]", {"tenant": "fabrikam", "rol": "owner"})], "ctsync:mto.members[0].rol",
        "did you mean 'role'?"),
    row("template apply level", [("ctsync:mto.templates", {"identitySync": {"applyTo": ["allPartners"]}})],
        "ctsync:mto.templates.identitySync.applyTo[0]", "is not a valid choice"),
    row("template key", [("ctsync:mto.templates", {"identitySync": {"userSyncInbnd": True}})],
        "ctsync:mto.templates.identitySync.userSyncInbnd", "did you mean 'userSyncInbound'?"),
    # contoso -> fabrikam trusts MFA (BASE); a template that does not, for both MTO tenants, contradicts it
    row("template against a sync", [("ctsync:mto.templates", {"partnerConfiguration": {"trust": {"mfa": False}}})],
        "ctsync:sync[0].trust.mfa", "ctsync:mto.templates.partnerConfiguration.trust.mfa is false"),
    # shapes and JSON
    row("sync not a list", [("ctsync:sync", {"from": "contoso"})], "ctsync:sync", "must be a list, got an object"),
    row("section not JSON", [("ctsync:topology", "{kind: mesh")], "ctsync:topology", "is not valid JSON"),
    row("no tenants", [("ctsync:tenants", DELETE), ("ctsync:sync", DELETE), ("ctsync:topology", DELETE), ("ctsync:mto", DELETE)],
        "ctsync:tenants", "is required"),
]


@pytest.mark.parametrize("edits, path, fragment, secret", BAD_INPUTS)
def test_bad_input_is_refused_with_its_path_alone(stack_values, edits, path, fragment, secret):
    for edit_path, value in edits:
        edit(stack_values, edit_path, value)
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack_values, secret_paths=("ctsync:tenants",) if secret else ())
    # One edit, one problem: a bad value must not set off a cascade of follow-on complaints.
    assert [problem.path for problem in caught.value.problems] == [path]
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")


def test_enough_distinct_bad_inputs():
    assert len({param.id for param in BAD_INPUTS}) >= 30


def test_every_problem_is_reported_at_once(stack_values):
    edits = {
        "ctsync:tenants.contoso.tenantId": "not-a-guid",
        "ctsync:tenants.fabrikam.graphEndpoint": "http://graph.example.com",
        "ctsync:topology.hub": "contosso",
        "ctsync:sync[0].scope.groups[0]": "Sales",
        "ctsync:sync[1].deletionThreshold": -5,
        "ctsync:mto.members[0]": "contoso",
    }
    for path, value in edits.items():
        edit(stack_values, path, value)
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack_values, secret_paths=("ctsync:tenants",))
    problems = caught.value.problems
    assert [problem.path for problem in problems] == [
        "ctsync:tenants.contoso.tenantId",
        "ctsync:tenants.fabrikam.graphEndpoint",
        "ctsync:topology.hub",
        "ctsync:sync[0].scope.groups[0]",
        "ctsync:sync[1].deletionThreshold",
        "ctsync:mto.members[0]",
    ]
    assert str(caught.value).splitlines() == [str(problem) for problem in problems]


@pytest.mark.parametrize(
    "path",
    ["ctsync:tenants.northwind.auth.clientSecret", "ctsync:tenants.contoso.auth.clientSecret"],
    ids=["plain-text secret", "secret under another method"],
)
def test_a_client_secret_never_appears_in_the_message(stack_values, path):
    secret = stack_values["ctsync:tenants"]["northwind"]["auth"]["clientSecret"]
    edit(stack_values, path, secret)
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack_values, secret_paths=())
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value.problems)


def test_unreadable_tenants_do_not_make_every_alias_unknown(stack_values):
    stack_values["ctsync:tenants"] = '{"contoso": '
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack_values, secret_paths=("ctsync:tenants",))
    assert [problem.path for problem in caught.value.problems] == ["ctsync:tenants"]
    assert "line 1 column 13" in str(caught.value)


def test_an_mto_of_exactly_100_tenants_is_accepted(stack_values):
    for path, value in many_tenants(99):
        edit(stack_values, path, value)
    mto = load_stack_config(stack_values, secret_paths=("ctsync:tenants",)).mto
    assert len(mto.members) + 1 == 100
