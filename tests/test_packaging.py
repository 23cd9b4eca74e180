"""The wheel: installed into a fresh virtual environment, outside the checkout, it builds a hub."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

from conftest import REPO, SITES


def test_the_built_wheel_installs_and_builds_a_hub_with_its_own_theme(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = dist.glob("hubgen-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, capture_output=True, timeout=600)

    where = subprocess.run([str(bin_dir / "python"), "-c",
                            "import hubgen, pathlib; print(pathlib.Path(hubgen.__file__).parent)"],
                           cwd=tmp_path, check=True, capture_output=True, text=True)
    package = Path(where.stdout.strip())
    assert package.is_relative_to(env_dir), "hubgen comes from the wheel, not the checkout"
    assert (package / "themes/default/templates/base.html").is_file()
    assert (package / "themes/default/static/css/hub.css").is_file()

    hub = tmp_path / "my-hub"
    shutil.copytree(SITES / "minimal", hub)
    built = subprocess.run([str(bin_dir / "hubgen"), "build"], cwd=hub, capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert (hub / "public/posts/first-post/index.html").is_file()
    assert (hub / "public/css/hub.css").is_file()
    as_module = subprocess.run([str(bin_dir / "python"), "-m", "hubgen", "--version"], cwd=hub,
                               capture_output=True, text=True)
    assert as_module.returncode == 0
    assert as_module.stdout.startswith("hubgen, version ")
