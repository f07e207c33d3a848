"""Outputs: every identifier written to SSM under ``/<project>/<env>/`` and as Terraform outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from cdktf import Fn, TerraformOutput, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_secretsmanager_random_password import DataAwsSecretsmanagerRandomPassword
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from constructs import Construct

from platform_spec.model import EnvironmentSpec
from platform_spec.parameters import layout

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


class Parameters(Construct):
    """Writes ``values`` (relative path -> value) to SSM following :func:`layout`.

    SecureString parameters get a generated initial password (``aws_secretsmanager_random_password``,
    no extra provider) and then ignore value changes, so rotation outside Terraform is not drift.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, values: Mapping[str, ParameterValue]
    ) -> None:
        super().__init__(scope, construct_id)
        for parameter in layout(spec):
            name = parameter.relative.replace("/", "-")
            lifecycle = None
            if parameter.kind == "SecureString":
                password = DataAwsSecretsmanagerRandomPassword(
                    self, f"{name}-initial", password_length=32, exclude_punctuation=True
                )
                value = password.random_password
                lifecycle = TerraformResourceLifecycle(ignore_changes=["value"])
            else:
                given = values[parameter.relative]
                value = given if isinstance(given, str) else Fn.join(",", given)
            SsmParameter(
                self, name, name=parameter.path(spec), type=parameter.kind, value=value,
                description=parameter.description, lifecycle=lifecycle,
            )


def outputs(scope: Construct, values: Mapping[str, OutputValue]) -> None:
    """Terraform outputs (read by `make inventory` through `terraform output -json`)."""
    for name, value in sorted(values.items()):
        TerraformOutput(scope, name, value=value)
