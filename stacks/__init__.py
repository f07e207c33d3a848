"""CDKTF stacks: the only package that imports cdktf and the AWS provider bindings."""

from stacks.aws import configure_jsii

configure_jsii()
