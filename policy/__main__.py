"""The ctsync policy pack: the rules of rules.py served through pulumi-policy, one stack policy each.

Run it with `pulumi preview --policy-pack policy` (docs/operations.md). Every rule is mandatory
unless a policy-pack config lowers it (e.g. {"no-sync-all": "advisory"}).
"""
from pulumi_policy import EnforcementLevel, PolicyConfigSchema, PolicyPack, StackValidationPolicy
from rules import RULES, Resource, Rule


def _policy(rule: Rule) -> StackValidationPolicy:
    def validate(args, report_violation) -> None:
        resources = [Resource(r.resource_type, r.urn, r.props, r.parent.urn if r.parent else None)
                     for r in args.resources if r.resource_type.startswith("ctsync:")]
        for violation in rule.check(resources, args.get_config()):
            report_violation(violation.message, violation.urn)

    return StackValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        config_schema=PolicyConfigSchema(properties=dict(rule.config)) if rule.config else None,
    )


PolicyPack(name="ctsync", enforcement_level=EnforcementLevel.MANDATORY, policies=[_policy(rule) for rule in RULES])
