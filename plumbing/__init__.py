"""Plumbing with no knowledge of the platform: paths, the YAML emitter, the atomic writer of
generated files, and the validation of Kubernetes manifests against shipped schemas."""
