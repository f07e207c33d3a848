# Thin wrapper: bootstraps the toolchain once, then calls the Python CLI.
# Usage: make synth ENV=staging | make test | make bench   (ENV: dev, staging, prod, a,b or all)

SHELL := /bin/bash
ENV ?= all
PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export TF_CLI_CONFIG_FILE := $(CURDIR)/.cache/terraform.rc
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1

.PHONY: help venv node tools synth check test test-fast lint bench spec-reference clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

# --- bootstrap (each step runs only when its inputs change) -------------------------------
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.cache/terraform.rc: ops/terraform_rc.py | $(VENV)/.installed
	$(PY) -m ops.terraform_rc

venv: $(VENV)/.installed ## Create the virtualenv with the pinned Python packages
node: node_modules/.installed ## Install the pinned cdktf CLI (npm)
tools: venv node .cache/terraform.rc

# --- main job ---------------------------------------------------------------------------
synth: tools ## Synthesize Terraform JSON (and GitOps files) for ENV into cdktf.out/
	$(PY) -m generators synth --env $(ENV)

check: venv ## Validate the environment specs only
	$(PY) -m generators check --env $(ENV)

spec-reference: venv ## Regenerate the README's spec reference (docs/spec-reference.md)
	$(PY) -m generators spec-reference --output docs/spec-reference.md

# --- quality ----------------------------------------------------------------------------
test: tools ## Run the whole test suite (unit, snapshots, real tools, e2e)
	$(PY) -m pytest

test-fast: venv ## Unit and snapshot tests only
	$(PY) -m pytest -m "not tools and not e2e"

lint: venv ## ruff
	$(PY) -m ruff check .

bench: tools ## Measure synth speed (fast vs eager bindings) and peak memory
	$(PY) scripts/bench.py

clean: ## Remove build output (keeps the virtualenv and caches)
	rm -rf cdktf.out

# --- deploying (python -m ops; honours AWS_* incl. AWS_ENDPOINT_URL; exit 0 ok, 2 changes/drift, 1 error) ---
.PHONY: bootstrap deploy apply-terraform plan drift inventory destroy unlock
OPS := $(PY) -m ops
CONFIRM ?=
LOCK_ID ?=
INVENTORY_ROOT ?= $(CURDIR)

bootstrap: tools ## Create ENV's state bucket + lock table (the <env>-state stack, local state in .state/)
	$(OPS) bootstrap --env $(ENV)

deploy: tools ## Synth + `cdktf deploy ENV --auto-approve` (needs `make bootstrap` once)
	$(OPS) deploy --env $(ENV)

apply-terraform: tools ## Deploy ENV with plain terraform init/apply on the synthesized JSON (no cdktf CLI)
	$(OPS) deploy --env $(ENV) --engine terraform

plan: tools ## terraform plan -detailed-exitcode for ENV (exit 2 = changes)
	$(OPS) plan --env $(ENV)

drift: tools ## Summarize what changed outside Terraform in ENV; non-zero exit on drift
	$(OPS) drift --env $(ENV)

inventory: tools ## Write ansible/inventory/ENV/hosts.ini and ansible/group_vars/ENV.yml from the outputs
	$(OPS) inventory --env $(ENV) --root "$(INVENTORY_ROOT)"

destroy: tools ## Destroy ENV's platform stack (prod: CONFIRM=prod)
	$(OPS) destroy --env $(ENV) --confirm "$(CONFIRM)"

unlock: tools ## Release a stale state lock: make unlock ENV=dev LOCK_ID=<id from the lock message>
	$(OPS) unlock --env $(ENV) --lock-id "$(LOCK_ID)"

# --- environment diff, promotion, pipeline files (generators/diff.py, promote.py, pipelines.py) --
.PHONY: diff diff-changes promote pipelines

diff: tools ## Semantic diff of two environments: make diff A=staging B=prod (table + reports/diff-A-B.md)
	$(PY) -m generators diff --a "$(A)" --b "$(B)"

diff-changes: tools ## What this branch changes per environment vs REF (default origin/main, else main): reports/changes.md
	$(PY) -m generators diff-changes $(if $(REF),--ref "$(REF)")

promote: tools ## Promote a release: make promote FROM=dev TO=staging [TAG=v1.4.0] (order, tag, health gate, diff)
	$(PY) -m generators promote --from "$(FROM)" --to "$(TO)" $(if $(TAG),--tag "$(TAG)")

pipelines: venv ## Regenerate .github/workflows/*.yml and atlantis.yaml from the specs
	$(PY) -m generators pipelines

# --- GitOps (k8s/ + argocd/ from the specs; never loads cdktf/jsii) ------------------------
.PHONY: gitops
gitops: venv ## Write k8s/base, k8s/overlays/ENV and argocd/ for ENV (validated; no cdktf, < 1 s)
	$(PY) -m generators gitops --env $(ENV)
