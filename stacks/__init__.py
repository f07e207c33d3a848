"""CDKTF stacks: the only package that imports cdktf and the AWS provider bindings.

Every ``stacks.<module>`` import runs this first: it installs the bindings' fast path once, so the
stack modules' ordinary ``from cdktf_cdktf_provider_aws.<module> import <Class>`` load one submodule.
"""

from stacks.aws import install_bindings

install_bindings()
