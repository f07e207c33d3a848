"""Operations around the synthesized stacks: Terraform CLI configuration, deploy, drift, inventory."""
