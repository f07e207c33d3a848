"""Wave 30: Prometheus, Alertmanager and Grafana (kube-prometheus-stack without its operator).

Scrape targets that would only ever be down on this cluster are off, so they cannot hold the health gate
closed with ``TargetDown``: etcd runs on the control-plane hosts with client-certificate TLS that the
chart's ServiceMonitor has no certificates for, and kubespray binds kube-proxy's metrics to
127.0.0.1:10249. Kubelet (10250), node-exporter (9100), controller-manager (10257) and scheduler
(10259; kubespray's sample group_vars bind both to 0.0.0.0) are scraped on the node addresses, which
``network-policies`` allows. Values keys checked in kube-prometheus-stack 88.5.3 values.yaml
(``kubeEtcd.enabled``, ``kubeProxy.enabled``, ``alertmanager.service.port`` 9093).
"""

from __future__ import annotations

from generators.components.charts import KUBE_PROMETHEUS_STACK
from generators.placement import instances, node_selector
from generators.waves import Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import MONITORING

RELEASE = "monitoring"
ALERTMANAGER_SERVICE = f"{RELEASE}-alertmanager"
"""``<fullname>-alertmanager`` (templates/alertmanager/service.yaml), port 9093."""
ALERTMANAGER_PORT = 9093


def values(spec: EnvironmentSpec) -> Doc:
    """Replicas from the environment's availability, on the monitoring nodes."""
    placement = node_selector(spec, "monitoring")
    return {
        "fullnameOverride": RELEASE,
        "crds": {"enabled": False},
        "prometheusOperator": {"enabled": False},
        "kubeEtcd": {"enabled": False},
        "kubeProxy": {"enabled": False},
        "prometheus": {"prometheusSpec": {"replicas": instances(spec), "nodeSelector": placement}},
        "alertmanager": {"alertmanagerSpec": {"replicas": instances(spec), "nodeSelector": placement}},
        "grafana": {"nodeSelector": placement},
    }


COMPONENT = Component(30, "monitoring", "instance", MONITORING, KUBE_PROMETHEUS_STACK,
                      needs=("prometheus-operator",), server_side_apply=True, values=values,
                      creates=("monitoring.coreos.com/Prometheus", "monitoring.coreos.com/Alertmanager",
                               "monitoring.coreos.com/ServiceMonitor", "monitoring.coreos.com/PrometheusRule"))
