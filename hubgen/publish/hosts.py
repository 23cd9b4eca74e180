"""Netlify and Cloudflare Pages: hosts that deploy the output folder themselves.

The build already wrote `_headers` and `_redirects` into the folder (see
`hubgen.hostfiles`); publishing to these targets reports what the build
changed and prints the command that uploads the folder.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from hubgen.build import BuildResult
from hubgen.build.output import read_manifest, stale_files
from hubgen.plan.planner import HOST_FILES
from hubgen.plan.urls import output_file
from hubgen.publish.report import PublishReport
from hubgen.publish.targets import HostTarget

LABELS = {"netlify": "Netlify", "cloudflare": "Cloudflare Pages"}


def _shown_folder(output: Path, root: Path) -> str:
    """The output folder as the deploy command should name it, from the hub's folder."""
    try:
        return output.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return str(output)


def deploy_command(target: HostTarget, output: Path, root: Path) -> str:
    """The command that uploads the folder to the host, run from the hub's folder."""
    folder = _shown_folder(output, root)
    if target.kind == "netlify":
        args = ["netlify", "deploy", f"--dir={folder}", "--prod"]
        if target.site:
            args.append(f"--site={target.site}")
    else:
        args = ["wrangler", "pages", "deploy", folder]
        if target.project:
            args.append(f"--project-name={target.project}")
    return shlex.join(args)


def publish_host(target: HostTarget, result: BuildResult, *, dry_run: bool,
                 log: Callable[[str], None]) -> PublishReport:
    """Report the build's changes to the folder and how to hand it to the host.

    A dry run builds elsewhere: it is compared with the output folder, which the
    deploy command names.
    """
    label = LABELS[target.kind]
    folder_path = result.config.resolve(result.config.output) if dry_run else result.output
    command = deploy_command(target, folder_path, result.config.root)
    ours = {route.output for route in result.plan.of_kind("hostfile")}
    outputs = set(result.outputs)
    theirs = [name for name in map(output_file, HOST_FILES)
              if name not in ours and name in outputs]
    if theirs:
        log(f"Using the site's own {' and '.join(theirs)} from static/.")
    log(f"{label} deploys the folder itself: {command}")
    folder = _shown_folder(folder_path, result.config.root)
    report = PublishReport(target.name, target.kind, shipped=False)
    if dry_run:
        report.added, report.updated, report.removed = _changes(folder_path, result)
        report.detail = f"a build would leave {folder}/ ready for {label}; deploy it with: " \
                        f"{command}"
    else:
        # The build rewrites the folder in place and does not tell new files from changed
        # ones, so everything it wrote is counted as updated.
        report.updated = list(result.report.written)
        report.removed = list(result.report.removed)
        report.detail = f"{folder}/ is ready for {label}; deploy it with: {command}"
    return report


def _changes(folder: Path, result: BuildResult) -> tuple[list[str], list[str], list[str]]:
    """What a build into `folder` would add, update and remove, from one made elsewhere."""
    previous = read_manifest(folder)
    added, updated = [], []
    for name in sorted(result.outputs):
        old = folder / name
        if not old.is_file():
            added.append(name)
        elif old.read_bytes() != (result.output / name).read_bytes():
            updated.append(name)
    return added, updated, stale_files(previous, result.outputs)
