"""Outputs: every identifier written to SSM under ``/<project>/<env>/`` and as Terraform outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from cdktf import Fn, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from constructs import Construct

from platform_spec import naming
from platform_spec.model import EnvironmentSpec
from platform_spec.parameters import layout

PASSWORD_LENGTH = 32
SECRET_VERSION = 1
"""``value_wo_version`` of every generated secret: raise it to make Terraform write a fresh password."""

ParameterValue = str | list[str]
"""A parameter's value: one identifier, or a list written as a comma-separated StringList."""


class NodeOutput(TypedDict):
    """One control-plane node of the ``nodes`` output, by node name (what `make inventory` reads)."""

    role: str
    group: str
    zone: str
    private_ip: str
    instance_id: str
    services: list[str]


class NodeGroupOutput(TypedDict):
    """One Auto Scaling node group of the ``node_groups`` output, by group name."""

    asg_name: str
    min_size: float
    max_size: float


OutputValue = str | list[str] | dict[str, str] | dict[str, NodeOutput] | dict[str, NodeGroupOutput]
"""A Terraform output's value."""


def ephemeral_password(scope: Construct, name: str) -> str:
    """An ``ephemeral "aws_secretsmanager_random_password"`` block; returns the reference to its value.

    Ephemeral resources (Terraform >= 1.10) are opened during plan and apply and never stored in plan
    or state. cdktf 0.21 has no construct for them, so the block is added to the stack's JSON as an
    override (Terraform's JSON syntax: a top-level ``ephemeral`` object, like ``resource``).
    """
    TerraformStack.of(scope).add_override(
        f"ephemeral.aws_secretsmanager_random_password.{name}",
        {"password_length": PASSWORD_LENGTH, "exclude_punctuation": True},
    )
    return f"${{ephemeral.aws_secretsmanager_random_password.{name}.random_password}}"


class Parameters(Construct):
    """Writes ``values`` (relative path -> value) to SSM following :func:`layout`.

    SecureString parameters (encrypted with the environment's KMS key) get a generated password that
    never enters the Terraform state or plan: an ephemeral random password written through the
    write-only ``value_wo`` argument (Terraform >= 1.11; hashicorp/aws >= 5.85, docs of
    ``aws_ssm_parameter``). The state keeps only ``value_wo_version``; rotation outside Terraform is
    not drift, and raising :data:`SECRET_VERSION` writes new passwords.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, values: Mapping[str, ParameterValue]
    ) -> None:
        super().__init__(scope, construct_id)
        for parameter in layout(spec):
            name = parameter.relative.replace("/", "-")
            if parameter.kind == "SecureString":
                SsmParameter(
                    self, name, name=parameter.path(spec), type=parameter.kind, description=parameter.description,
                    key_id=naming.environment_key_alias(spec),
                    value_wo=ephemeral_password(self, name), value_wo_version=SECRET_VERSION,
                )
                continue
            given = values[parameter.relative]
            value = given if isinstance(given, str) else Fn.join(",", given)
            SsmParameter(self, name, name=parameter.path(spec), type=parameter.kind, value=value,
                         description=parameter.description)


def outputs(scope: Construct, values: Mapping[str, OutputValue]) -> None:
    """Terraform outputs (read by `make inventory` through `terraform output -json`)."""
    for name, value in sorted(values.items()):
        TerraformOutput(scope, name, value=value)
