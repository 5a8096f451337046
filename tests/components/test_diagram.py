"""The Mermaid rendering of a stack's topology (pure: no Pulumi)."""
import pytest

from components.diagram import topology_mermaid
from stackconfig import load_stack_config
from tests.components import stacks
from tests.components.stacks import tenant_id


def rendered(values: dict) -> list[str]:
    return topology_mermaid(load_stack_config(values)).splitlines()


def test_pair_diagram():
    assert rendered(stacks.pair_stack()) == [
        "flowchart LR",
        f'  t0["contoso<br/>{tenant_id(0)}"]',
        f'  t1["fabrikam<br/>{tenant_id(1)}"]',
        '  t0 -->|"Member; trusts MFA"| t1',
        # paused: dotted.
        '  t1 -.->|"Guest; trusts compliant device, hybrid-joined device; paused"| t0',
    ]


def test_mto_members_are_drawn_inside_the_organisation():
    values = stacks.mesh_with_mto_stack(3)
    values["ctsync:tenants"]["extra"] = {"tenantId": tenant_id(9)}
    lines = rendered(values)
    assert lines[:6] == [
        "flowchart LR",
        '  subgraph mto["MTO: Mesh Group"]',
        f'    t1["m0<br/>{tenant_id(0)}<br/>MTO owner"]',
        f'    t2["m1<br/>{tenant_id(1)}"]',
        f'    t3["m2<br/>{tenant_id(2)}"]',
        "  end",
    ]
    assert lines[6] == f'  t0["extra<br/>{tenant_id(9)}"]'
    assert len([line for line in lines if "-->" in line]) == 6


@pytest.mark.parametrize(
    "display_name, label",
    [
        ('Contoso "East"', "Contoso #quot;East#quot; (contoso)"),
        ("<b>Contoso</b>", "#lt;b#gt;Contoso#lt;/b#gt; (contoso)"),
        ("contoso", "contoso"),
    ],
)
def test_names_cannot_break_out_of_a_label(display_name, label):
    values = stacks.pair_stack()
    values["ctsync:tenants"]["contoso"]["displayName"] = display_name
    assert rendered(values)[1] == f'  t0["{label}<br/>{tenant_id(0)}"]'


def test_equal_configs_render_equal_text_whatever_the_declaration_order():
    values = stacks.pair_stack()
    reordered = dict(values, **{"ctsync:sync": list(reversed(values["ctsync:sync"]))})
    reordered["ctsync:tenants"] = dict(reversed(list(values["ctsync:tenants"].items())))
    assert rendered(reordered) == rendered(values)
