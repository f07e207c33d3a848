"""Kubernetes labels, annotations and taints shared by the renderers, the inventory and Ansible.

Defined once here: the inventory labels nodes with the same keys the workloads select, the
overlays add the environment label the admission policies require, and so on.
"""

from __future__ import annotations

NODE_GROUP_LABEL = "sesacthon.io/node-group"
"""Node label naming the node group; workloads select their group with it."""
ROLE_LABEL = "sesacthon.io/role"
"""Node label naming the node's role (control-plane, api, worker, infra)."""
SPOT_TAINT_KEY = "sesacthon.io/spot"
"""Label and ``NoSchedule`` taint of Spot nodes; only workloads that tolerate it land there."""

ENV_LABEL = "sesacthon.io/env"
"""Label every workload and Argo CD object of an environment carries (added by the overlay)."""
KIND_LABEL = "sesacthon.io/kind"
"""Workload kind (``api`` or ``worker``): selects the APIs for ingress, scraping and hooks."""
LAYER_LABEL = "sesacthon.io/layer"
"""Wave-plan layer of an Argo CD Application (namespaces, operator, instance, apps, ...)."""
CLUSTER_NAME_LABEL = "sesacthon.io/cluster-name"
"""Label of an Argo CD cluster secret matched by the ApplicationSet's cluster generator."""
CLUSTER_SERVER_ANNOTATION = "sesacthon.io/cluster-server"
"""Annotation recording the API server a generated root Application was rendered for."""
PURPOSE_ANNOTATION = "sesacthon.io/purpose"
"""Annotation describing what a namespace holds."""
HOOK_LABEL = {"sesacthon.io/hook": "validation"}
"""Label of the PreSync/PostSync validation Job pods."""

NAME_LABEL = "app.kubernetes.io/name"
"""Recommended label: the workload's name (Deployment selector)."""
PART_OF = {"app.kubernetes.io/part-of": "sesacthon"}
"""Recommended label on every object the platform generates."""
