"""Wave 30: the data passwords from SSM, each where it is needed and nowhere else.

In ``data`` (this component): one Secret per store in the format that store reads (CloudNativePG: a
``kubernetes.io/basic-auth`` Secret for ``bootstrap.initdb.secret``; Redis: the password key named by
``redisSecret``; RabbitMQ: the default-user Secret of ``secretBackend.externalSecret``). In ``apps``
(``workload_secret``, in the overlay): one Secret per workload with only the passwords of
the stores that workload declares.
"""

from __future__ import annotations

from collections.abc import Sequence

from generators.components.data_stores import POSTGRESQL, RABBITMQ, REDIS, STORES, Store, credentials_secret
from generators.components.secrets import external_secret
from generators.kustomize import component_files, shared_overlay
from generators.waves import Component, Doc, Files
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS, DATA
from plumbing.yaml_io import dump_all

NAME = "data-secrets"
PASSWORD = "password"


def password_key(store: Store) -> str:
    """Key of a store's password in a workload's credentials Secret (``POSTGRES_PASSWORD``, ...)."""
    return f"{store.env_prefix}_PASSWORD"


def _store_secret(store: Store) -> Doc:
    keys = {PASSWORD: store.parameter}
    if store is POSTGRESQL:
        # CloudNativePG bootstrap.initdb.secret: a basic-auth Secret with username and password
        # (cloudnative-pg.io/documentation, "Bootstrap": "secret ... of type kubernetes.io/basic-auth").
        template = {"type": "kubernetes.io/basic-auth",
                    "data": {"username": store.user, "password": "{{ .password }}"}}
        return external_secret(store.secret, DATA, keys, template)
    if store is RABBITMQ:
        # RabbitMQ Cluster Operator v2.21.1 docs/examples/external-admin-secret-credentials: the default-user
        # Secret format (Service Binding spec) the operator reads through secretBackend.externalSecret.
        conf = f"default_user = {store.user}\ndefault_pass = {{{{ .password }}}}\n"
        template = {"type": "Opaque", "data": {
            "default_user.conf": conf, "username": store.user, "password": "{{ .password }}",
            "host": store.host, "port": str(store.port), "provider": "rabbitmq", "type": "rabbitmq",
        }}
        return external_secret(store.secret, DATA, keys, template)
    assert store is REDIS  # redisSecret {name, key}: the key holds the password as is
    return external_secret(store.secret, DATA, keys)


def workload_secret(workload: Workload) -> Doc | None:
    """The ExternalSecret of one workload's passwords (``None`` when it uses no data store). Rendered in this
    component's overlay (the environment's workloads only), a wave before the workloads, so the Secrets exist
    when the apps' PreSync hook checks them."""
    if not workload.data_stores:
        return None
    stores = [STORES[name] for name in workload.data_stores]
    return external_secret(credentials_secret(workload.name), APPS,
                           {password_key(store): store.parameter for store in stores})


def base(workloads: Sequence[Workload]) -> Files:
    """One ExternalSecret per store, in ``data``."""
    return component_files(f"k8s/base/{NAME}", {f"{store.name}.yaml": _store_secret(store)
                                                for store in STORES.values()})


def overlay(spec: EnvironmentSpec) -> Files:
    """The stores' Secrets plus one Secret per workload of the environment that uses a store."""
    secrets = [secret for secret in map(workload_secret, spec.workloads) if secret is not None]
    return shared_overlay(spec, NAME, files={"workloads.yaml": dump_all(secrets)}, resources=["workloads.yaml"])


COMPONENT = Component(30, NAME, "instance", DATA, needs=("cluster-secret-store",), base=base, overlay=overlay)
