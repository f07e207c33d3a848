"""Wave 0: the EBS CSI driver (volumes for the gp3 StorageClass)."""

from __future__ import annotations

from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """The controller's region."""
    return {"controller": {"region": spec.aws.region}}


COMPONENT = Component(0, "ebs-csi-driver", "storage", "kube-system",
                      Chart("https://kubernetes-sigs.github.io/aws-ebs-csi-driver", "aws-ebs-csi-driver", "2.38.1"),
                      values=values)
