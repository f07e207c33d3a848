"""Commands that act on a deployed environment: bootstrap, deploy, plan, drift, inventory, destroy, unlock.

Each honours the standard AWS variables (``AWS_ENDPOINT_URL`` included) and ``CDKTF_OUTDIR``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import click

from cli.environments import lock_id_argument, one
from cli.errors import reported
from platform_spec.model import EnvironmentSpec
from plumbing.exit_codes import ExitCode
from plumbing.paths import PROJECT_ROOT


def _environment_command(name: str, help_text: str,
                         operation: Callable[[ModuleType, EnvironmentSpec], ExitCode]) -> click.Command:
    """A subcommand taking only ENV and running one operation of ``ops.commands`` on it."""

    @click.command(name, help=help_text)
    @click.argument("env", metavar="ENV")
    @reported
    def command(env: str) -> ExitCode:
        from ops import commands

        return operation(commands, one(env))

    return command


bootstrap = _environment_command(
    "bootstrap", "As an administrator, apply ENV's bootstrap stack (ENV-bootstrap: state bucket, lock table, "
    "KMS key, GitHub OIDC provider, deploy and plan roles, permissions boundary; local state in .state/).",
    lambda commands, spec: commands.bootstrap(spec))
plan = _environment_command(
    "plan", "terraform plan of ENV: exit 0 without changes, 3 with changes.",
    lambda commands, spec: commands.plan(spec))
drift = _environment_command(
    "drift", "Summarize what changed outside Terraform in ENV: exit 3 on drift.",
    lambda commands, spec: commands.drift_report(spec))



@click.command()
@click.argument("env", metavar="ENV")
@click.option("--engine", type=click.Choice(["cdktf", "terraform"]), default="cdktf", show_default=True,
              help="`cdktf deploy`, or plain terraform init/apply of the same JSON")
@reported
def deploy(env: str, engine: str) -> ExitCode:
    """Synthesize and deploy ENV's platform stack (needs `bootstrap` once)."""
    from ops import commands

    return commands.deploy(one(env), "terraform" if engine == "terraform" else "cdktf")




@click.command()
@click.argument("env", metavar="ENV")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT,
              show_default="the project", help="directory to write ansible/ under")
@reported
def inventory(env: str, root: Path) -> ExitCode:
    """Write ansible/inventory/ENV/hosts.ini and ansible/group_vars/ENV.yml from the outputs."""
    from ops import commands

    return commands.inventory(one(env), root)


@click.command()
@click.argument("env", metavar="ENV")
@click.option("--confirm", default="", metavar="ENV", help="the environment's name; required for production")
@reported
def destroy(env: str, confirm: str) -> ExitCode:
    """Destroy ENV's platform stack (keeps the state bucket and lock table)."""
    from ops import commands

    return commands.destroy(one(env), confirm)


@click.command()
@click.argument("env", metavar="ENV")
@click.option("--lock-id", required=True, help="the LOCK_ID printed by the locked command")
@reported
def unlock(env: str, lock_id: str) -> ExitCode:
    """Release a stale state lock of ENV."""
    from ops import commands

    return commands.unlock(one(env), lock_id_argument(lock_id))


@click.command()
@click.argument("env", metavar="ENV")
@click.option("--parameter", help="only the ExternalSecrets reading this parameter (e.g. data/redis-password)")
@click.option("--context", help="kubectl context of ENV's cluster (default: the current context)")
@click.option("--dry-run", is_flag=True, help="annotate the rendered documents offline (local mode)")
@reported
def resync(env: str, parameter: str | None, context: str | None, dry_run: bool) -> ExitCode:
    """Refresh ENV's ExternalSecrets now (External Secrets' force-sync annotation) after a parameter changed."""
    import time

    from ops.secrets_resync import resync as run_resync

    chosen, output = run_resync(one(env), str(int(time.time())), parameter, context, dry_run)
    click.echo(output, nl=False)
    where = "rendered documents (dry run)" if dry_run else "cluster"
    click.echo(f"force-sync: {len(chosen)} ExternalSecret(s) of {env} annotated in the {where}: "
               + ", ".join(f"{t.namespace}/{t.name}" for t in chosen), err=True)
    return ExitCode.OK


@click.command()
@click.argument("env", metavar="ENV")
@reported
def delegation(env: str) -> ExitCode:
    """Check that ENV's parent zone delegates to the name servers ENV publishes: exit 3 and print the
    dns.delegations entry to add when it does not (run with ENV's account credentials)."""
    from ops.delegation import report
    from platform_spec.loader import load_all

    code, message = report(one(env), load_all().values())
    click.echo(message)
    return code


COMMANDS = (bootstrap, deploy, plan, drift, inventory, destroy, unlock, resync, delegation)
