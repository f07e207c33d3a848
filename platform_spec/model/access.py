"""Who may reach the environment: the release pipeline and, in dev only, developers."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from platform_spec.model.base import SpecModel


class ReleasePipeline(SpecModel):
    github_repository: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    """`owner/repo` whose GitHub Actions may assume the deploy and plan roles through OIDC."""
    create_oidc_provider: bool = True
    """Create the account's GitHub OIDC provider; of the environments sharing an AWS account exactly one does
    (false in the others)."""
    default_branch: str = Field(default="main", pattern=r"^[A-Za-z0-9._/-]+$")
    """The repository's default branch: the weekly drift check runs there with the read-only plan role."""


class Access(SpecModel):
    developers_may_assume: bool = False
    """Whether developers may assume this environment's developer role (dev only)."""
    developer_principals: list[str] = Field(default_factory=list, max_length=20)
    """IAM principal ARNs (at most 20) allowed to assume the developer role."""
    release_pipeline: ReleasePipeline
    """The release pipeline, the only way into staging and prod."""

    @field_validator("developer_principals")
    @classmethod
    def _principals_are_arns(cls, value: list[str]) -> list[str]:
        for arn in value:
            if not re.fullmatch(r"arn:aws:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)", arn):
                raise ValueError(f"{arn!r} is not an IAM principal ARN (arn:aws:iam::<account>:role/<name>)")
        return value

    @model_validator(mode="after")
    def _developers_need_principals(self) -> Access:
        if self.developers_may_assume and not self.developer_principals:
            raise ValueError("developer_principals: required when developers_may_assume is true")
        if self.developer_principals and not self.developers_may_assume:
            raise ValueError("developer_principals: must be empty when developers_may_assume is false")
        return self
