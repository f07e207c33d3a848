# Thin wrapper: bootstraps the toolchain once, then calls the `sesacthon` CLI (cli/; run as `python -m cli`,
# so the checkout's own code runs even where several checkouts share an installation).
# Usage: make synth ENV=staging | make test | make lint | make bench   (ENV: dev, staging, prod, a,b or all)
#
# Every variable a user sets (ENV, A, B, FROM, TO, TAG, REF, CONFIRM, LOCK_ID, PARAMETER, INVENTORY_ROOT) reaches
# the CLI through the environment, quoted as one argument after `--`: whatever it contains is never run by the
# shell nor read as an option; the CLI then refuses anything but a plain name (ENV, A, B, FROM, TO) or a
# valid Git ref (TAG, REF). A `$` in them is refused before Make expands it (Make would run `$(shell ...)`).

SHELL := /bin/bash
ENV ?= all
A ?=
B ?=
FROM ?=
TO ?=
TAG ?=
REF ?=
CONFIRM ?=
LOCK_ID ?=
PARAMETER ?=
INVENTORY_ROOT ?= $(CURDIR)
USER_VARIABLES := ENV A B FROM TO TAG REF CONFIRM LOCK_ID PARAMETER INVENTORY_ROOT
GIVEN_VARIABLES := $(foreach name,$(USER_VARIABLES),$(if $(filter command environment,$(firstword $(origin $(name)))),$(name)))
UNSAFE_VARIABLES := $(strip $(foreach name,$(GIVEN_VARIABLES),$(if $(findstring $$,$(value $(name))),$(name))))
ifneq ($(UNSAFE_VARIABLES),)
$(error $(firstword $(UNSAFE_VARIABLES)) contains '$$', which Make would expand; allowed: plain names and Git refs)
endif
export ENV A B FROM TO TAG REF CONFIRM LOCK_ID PARAMETER INVENTORY_ROOT
# TAG= given explicitly empty on the command line is refused by the CLI, not taken as "no tag".
TAG_OPTION = $(if $(or $(TAG),$(findstring command line,$(origin TAG))),--tag "$$TAG")
PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .cache/checkov
CLI := $(PY) -m cli
export TF_CLI_CONFIG_FILE := $(CURDIR)/.cache/terraform.rc
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1

.PHONY: help venv node checkov tools synth check test test-fast lint bench spec-reference clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

# --- bootstrap (each step runs only when its inputs change) -------------------------------
# requirements*.txt carry hashes: pip installs them in hash-checking mode.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON_BOOT) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.cache/terraform.rc: ops/terraform_rc.py | $(VENV)/.installed
	$(PY) -m ops.terraform_rc

venv: $(VENV)/.installed ## Create the virtualenv: pinned packages and the `sesacthon` CLI (editable)
node: node_modules/.installed ## Install the pinned cdktf CLI and pyright (npm)
checkov: $(CHECKOV_VENV)/.installed ## Install checkov in its own virtualenv (its pins clash with the project's)
tools: venv node checkov .cache/terraform.rc

# --- main job ---------------------------------------------------------------------------
synth: tools ## Synthesize Terraform JSON for ENV into cdktf.out/, then its GitOps and the pipeline files
	$(CLI) synth -- "$$ENV"

check: venv ## Validate the environment specs only
	$(CLI) check -- "$$ENV"

spec-reference: venv ## Regenerate the README's spec reference (docs/spec-reference.md)
	$(CLI) spec-reference --output docs/spec-reference.md

# --- quality ----------------------------------------------------------------------------
test: lint ## Lint, then run the whole test suite (unit, snapshots, real tools, e2e)
	$(PY) -m pytest

test-fast: venv ## Unit and snapshot tests only
	$(PY) -m pytest -m "not tools and not e2e"

lint: tools ## ruff, the import-layer contracts (import-linter) and the type checker (pyright)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	npx --no-install pyright

bench: tools ## Measure synth speed (fast vs eager bindings) and peak memory
	$(PY) scripts/bench.py

clean: ## Remove build output (keeps the virtualenv and caches)
	rm -rf cdktf.out

# --- deploying (honours AWS_* incl. AWS_ENDPOINT_URL; exit codes: see `sesacthon --help`) ---
.PHONY: bootstrap deploy apply-terraform plan drift inventory destroy unlock resync delegation

bootstrap: tools ## As an administrator, apply ENV's bootstrap stack: state backend, KMS key, OIDC, deploy/plan roles
	$(CLI) bootstrap -- "$$ENV"

deploy: tools ## Synth + `cdktf deploy ENV --auto-approve` (needs `make bootstrap` once)
	$(CLI) deploy -- "$$ENV"

apply-terraform: tools ## Deploy ENV with plain terraform init/apply on the synthesized JSON (no cdktf CLI)
	$(CLI) deploy --engine terraform -- "$$ENV"

plan: tools ## terraform plan of ENV (exit 3 = changes)
	$(CLI) plan -- "$$ENV"

drift: tools ## Summarize what changed outside Terraform in ENV; exit 3 on drift
	$(CLI) drift -- "$$ENV"

inventory: tools ## Write ansible/inventory/ENV/hosts.ini and ansible/group_vars/ENV.yml from the outputs
	$(CLI) inventory --root "$$INVENTORY_ROOT" -- "$$ENV"

destroy: tools ## Destroy ENV's platform stack (prod: CONFIRM=prod)
	$(CLI) destroy --confirm "$$CONFIRM" -- "$$ENV"

delegation: venv ## Does ENV's parent zone delegate to ENV's published name servers? exit 3 + the spec entry if not
	$(CLI) delegation "$$ENV"

unlock: tools ## Release a stale state lock: make unlock ENV=dev LOCK_ID=<id from the lock message>
	$(CLI) unlock --lock-id "$$LOCK_ID" -- "$$ENV"

resync: venv ## Refresh ENV's ExternalSecrets after an SSM parameter changed (force-sync): make resync ENV=dev [PARAMETER=data/redis-password]
	$(CLI) resync $${PARAMETER:+--parameter "$$PARAMETER"} -- "$$ENV"

# --- environment diff, promotion, pipeline files (release/, generators/) --------------------
.PHONY: diff diff-changes promote pipelines

diff: tools ## Semantic diff of two environments: make diff A=staging B=prod (table + reports/diff-A-B.md)
	$(CLI) diff -- "$$A" "$$B"

diff-changes: tools ## What this branch changes per environment vs REF (default origin/main, else main): reports/changes.md
	$(CLI) diff-changes $${REF:+--ref "$$REF"}

promote: tools ## Promote a release: make promote FROM=dev TO=staging [TAG=v1.4.0] (order, tag, health gate, diff)
	$(CLI) promote $(TAG_OPTION) -- "$$FROM" "$$TO"

pipelines: venv ## Regenerate .github/workflows/*.yml and atlantis.yaml from the specs
	$(CLI) pipelines

# --- GitOps (k8s/ + argocd/ from the specs; never loads cdktf/jsii) ------------------------
.PHONY: gitops
gitops: venv ## Write k8s/base, k8s/overlays/ENV and argocd/ for ENV (validated; no cdktf, < 1 s)
	$(CLI) gitops -- "$$ENV"
