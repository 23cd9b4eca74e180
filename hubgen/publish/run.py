"""Choosing a publish target and shipping a built site to it."""

from __future__ import annotations

from collections.abc import Callable

from hubgen.build import BuildResult
from hubgen.build.output import not_built
from hubgen.config import Config
from hubgen.errors import UsageError
from hubgen.publish.git import publish_git
from hubgen.publish.hosts import publish_host
from hubgen.publish.report import PublishReport
from hubgen.publish.rsync import publish_rsync
from hubgen.publish.targets import (
    GitTarget,
    HostTarget,
    RsyncTarget,
    Target,
    default_target_name,
)
from hubgen.wording import did_you_mean

__all__ = ["PublishReport", "choose_target", "not_built", "publish"]

_EXAMPLE = ('add one to {file}, e.g. publish: {{pages: {{type: git, repository: '
            '"https://github.com/org/site.git"}}}}')


def choose_target(targets: dict[str, Target], name: str | None, config: Config) -> Target:
    """The target to publish to: the one named, else `publish.default`, else the only one.

    Raises UsageError when there is no target, the name is unknown, or there
    are several targets and no default.
    """
    file = config.path.name   # hubgen.yaml, or the file --config named
    if not targets:
        raise UsageError(f"{file} has no publish targets; {_EXAMPLE.format(file=file)}")
    names = ", ".join(targets)
    if name is not None:
        if name in targets:
            return targets[name]
        guess = did_you_mean(name, targets, then=" ")
        raise UsageError(f"unknown publish target '{name}'; {guess}{file} has: {names}")
    default = default_target_name(config)
    if default in targets:
        return targets[default]
    if len(targets) == 1:
        return next(iter(targets.values()))
    raise UsageError(f"{file} has several publish targets ({names}) and no default; "
                     f"name one (hubgen publish {next(iter(targets))}) or set publish.default")


def publish(target: Target, result: BuildResult, *, dry_run: bool,
            log: Callable[[str], None]) -> PublishReport:
    """Ship the files the build wrote to the target; with `dry_run`, only tell what would
    change. Other files of the output folder are not shipped: the report names them.

    Raises PublishError (a HubgenError) with a one-line message when git or rsync fail.
    """
    if isinstance(target, HostTarget):
        return publish_host(target, result, dry_run=dry_run, log=log)
    # The output folder a publish reads, also when a dry run built elsewhere.
    left_out = not_built(result.config.resolve(result.config.output), result.outputs)
    if isinstance(target, GitTarget):
        report = publish_git(target, result, dry_run=dry_run, log=log, left_out=left_out)
    elif isinstance(target, RsyncTarget):
        report = publish_rsync(target, result, dry_run=dry_run, log=log)
    else:
        raise TypeError(f"unknown publish target {target!r}")
    report.left_out = left_out
    return report
