"""Wave 0: the EBS CSI driver (volumes for the gp3 StorageClass), its controller under its IRSA identity.

Pin: chart ``aws-ebs-csi-driver`` 2.64.0 (driver 1.64.0), checked in kubernetes-sigs/aws-ebs-csi-driver
(tag helm-chart-aws-ebs-csi-driver-2.64.0; charts/aws-ebs-csi-driver/Chart.yaml at 429e202e, 2026-08-19).
Values keys checked in that chart's values.yaml: ``controller.region``,
``controller.serviceAccount.{create,name,annotations}`` (default name ``ebs-csi-controller-sa``).
"""

from __future__ import annotations

from generators.components.identities import service_account_values
from generators.waves import Chart, Component, Doc
from platform_spec.addons import EBS_CSI_DRIVER
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """The controller's region and service account."""
    return {"controller": {"region": spec.aws.region,
                           "serviceAccount": service_account_values(spec, EBS_CSI_DRIVER)}}


COMPONENT = Component(0, "ebs-csi-driver", "storage", EBS_CSI_DRIVER.namespace,
                      Chart("https://kubernetes-sigs.github.io/aws-ebs-csi-driver", "aws-ebs-csi-driver", "2.64.0"),
                      values=values)
