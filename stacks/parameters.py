"""Outputs: every identifier written to SSM under ``/<project>/<env>/`` and as Terraform outputs."""

from __future__ import annotations

from typing import Any

from cdktf import Fn, TerraformOutput, TerraformResourceLifecycle
from constructs import Construct

from platform_spec.model import EnvironmentSpec
from platform_spec.parameters import layout
from stacks.aws import aws


class Parameters(Construct):
    """Writes ``values`` (relative path -> value) to SSM following :func:`layout`.

    SecureString parameters get a generated initial password (``aws_secretsmanager_random_password``,
    no extra provider) and then ignore value changes, so rotation outside Terraform is not drift.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, values: dict[str, Any]
    ) -> None:
        super().__init__(scope, construct_id)
        for parameter in layout(spec):
            name = parameter.relative.replace("/", "-")
            options: dict[str, Any] = {}
            if parameter.kind == "SecureString":
                password = aws("data_aws_secretsmanager_random_password", "DataAwsSecretsmanagerRandomPassword")(
                    self, f"{name}-initial", password_length=32, exclude_punctuation=True
                )
                value = password.random_password
                options["lifecycle"] = TerraformResourceLifecycle(ignore_changes=["value"])
            else:
                value = values[parameter.relative]
                if isinstance(value, list):
                    value = Fn.join(",", value)
            aws("ssm_parameter", "SsmParameter")(
                self, name, name=parameter.path(spec), type=parameter.kind, value=value,
                description=parameter.description, **options,
            )


def outputs(scope: Construct, values: dict[str, Any]) -> None:
    """Terraform outputs (read by `make inventory` through `terraform output -json`)."""
    for name, value in sorted(values.items()):
        TerraformOutput(scope, name, value=value)
