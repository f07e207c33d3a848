"""Release logic on top of the renderers and stacks: environment diffs, promotion along the chain,
the Alertmanager health gate and the change window."""
