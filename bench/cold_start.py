"""Cold import of the API handler in a fresh process, as Lambda's INIT does it: from a copy of
the deployment package (app.py, chalicelib/ and every third-party package the import loads),
without bytecode (what `chalice package` ships; /var/task is read-only, so nothing is cached)
and with checked-hash .pyc (`python -m compileall --invalidation-mode checked-hash`, what
infra/artifact.py adds). Beside it, a bare Chalice app that imports boto3, from the same copy.

    python -m bench.cold_start [--runs 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = 'from chalice import Chalice\nimport boto3\napp = Chalice(app_name="bare")\n'
PROBE = (
    "import sys, time; sys.path.insert(0, {path!r}); t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t)"
)
ENV = {"AWS_DEFAULT_REGION": "ap-southeast-1", "AWS_REGION": "ap-southeast-1"}


def third_party_roots() -> list[Path]:
    """The top-level packages of site-packages that `import app` loads."""
    listing = subprocess.run(
        [sys.executable, "-c", "import sys, json, app; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    roots = set()
    for name in json.loads(listing.stdout.strip().splitlines()[-1]):
        top = name.split(".")[0]
        spec = importlib.util.find_spec(top) if top not in roots else None
        origin = Path(spec.origin).resolve() if spec and spec.origin else None
        if origin and site in origin.parents:
            roots.add(origin.parent if origin.name == "__init__.py" else origin)
    return sorted(roots)


def build(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "tests", "node_modules")
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "app.py", target / "app.py")
    shutil.copytree(ROOT / "chalicelib", target / "chalicelib", ignore=ignore)
    for root in third_party_roots():
        if root.is_dir():
            shutil.copytree(root, target / root.name, ignore=ignore)
        else:
            shutil.copy2(root, target / root.name)
    (target / "bare.py").write_text(BARE)


def import_seconds(path: Path, modules: tuple[str, ...], runs: int) -> dict[str, float]:
    """Median seconds of `import module` in a fresh interpreter without site-packages, for each
    module; the modules take turns, so a change in the machine's load hits them alike."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **ENV}
    samples = {module: [] for module in modules}
    for _ in range(runs + 1):  # the first run warms the page cache, not the bytecode
        for module in modules:
            out = subprocess.run(
                [sys.executable, "-S", "-c", PROBE.format(path=str(path), module=module)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            samples[module].append(float(out.stdout.strip().splitlines()[-1]))
    return {module: statistics.median(times[1:]) for module, times in samples.items()}


def measure(runs: int = 7) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="dvc-cold-") as tmp:
        plain, hashed = Path(tmp) / "plain", Path(tmp) / "hashed"
        build(plain)
        shutil.copytree(plain, hashed)
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash",
             str(hashed)],
            check=True,
        )  # fmt: skip
        return {
            variant: import_seconds(path, ("app", "bare"), runs)
            for variant, path in (("no .pyc", plain), ("checked-hash .pyc", hashed))
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    for variant, figures in measure(args.runs).items():
        app, bare = figures["app"] * 1000, figures["bare"] * 1000
        print(
            f"{variant:<18} app {app:6.0f} ms  bare Chalice+boto3 {bare:6.0f} ms  {app / bare:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
