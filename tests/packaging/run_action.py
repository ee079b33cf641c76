#!/usr/bin/env python3
"""Run a composite action's steps (action.yml) the way the GitHub runner does, on this machine:
each `run:` with `bash --noprofile --norc -eo pipefail`, `${{ inputs.* }}`, `${{ github.* }}`
and `${{ steps.*.outputs.* }}` substituted, fresh GITHUB_OUTPUT/GITHUB_ENV files per step,
GITHUB_PATH lines put on PATH for the later steps. Prints a JSON report: each step's exit
code, stdout and outputs, and the action's outputs.

    python3 run_action.py ACTION_DIR WORKSPACE [name=value ...]    (inputs; needs PyYAML)
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def main():
    action_dir, workspace = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    given = dict(arg.split("=", 1) for arg in sys.argv[3:])
    action = yaml.safe_load((action_dir / "action.yml").read_text())
    assert action["runs"]["using"] == "composite", action["runs"]
    unknown = set(given) - set(action["inputs"])
    assert not unknown, f"no such inputs: {unknown}"
    inputs = {name: str(given.get(name, spec.get("default", "")))
              for name, spec in action["inputs"].items()}
    temp = Path(tempfile.mkdtemp(prefix="fake-runner-"))
    context = {"github.action_path": str(action_dir), "github.workspace": str(workspace)}
    context.update({f"inputs.{k}": v for k, v in inputs.items()})

    def expand(text):
        def value(match):
            key = match.group(1)
            if key not in context and not key.startswith("steps."):
                raise SystemExit(f"unsupported expression: {match.group(0)}")
            return context.get(key, "")
        return EXPRESSION.sub(value, str(text))

    env = dict(os.environ, CI="true", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(workspace),
               GITHUB_ACTION_PATH=str(action_dir), RUNNER_TEMP=str(temp), RUNNER_OS="Linux",
               GITHUB_REPOSITORY="example/deployment", GITHUB_SHA="0" * 40,
               GITHUB_PATH=str(temp / "path"), GITHUB_STEP_SUMMARY=str(temp / "summary"))
    report = {"steps": []}
    for index, step in enumerate(action["runs"]["steps"]):
        assert "run" in step and step.get("shell") == "bash", f"step {index}: only bash run steps"
        files = {name: temp / f"{name.lower()}-{index}" for name in ("GITHUB_OUTPUT", "GITHUB_ENV")}
        for path in files.values():
            path.write_text("")
        script = temp / f"step-{index}.sh"
        script.write_text(expand(step["run"]))
        step_env = dict(env, **{k: str(v) for k, v in files.items()},
                        **{k: expand(v) for k, v in step.get("env", {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workspace, env=step_env, capture_output=True, text=True)
        outputs = dict(line.split("=", 1) for line in files["GITHUB_OUTPUT"].read_text().splitlines() if line)
        env.update(dict(line.split("=", 1) for line in files["GITHUB_ENV"].read_text().splitlines() if line))
        if Path(env["GITHUB_PATH"]).exists():  # later steps see added folders first
            added = Path(env["GITHUB_PATH"]).read_text().split()
            env["PATH"] = os.pathsep.join(reversed(added)) + os.pathsep + os.environ["PATH"]
        if "id" in step:
            context.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs.items()})
        report["steps"].append({"name": step.get("name"), "exit_code": done.returncode,
                                "stdout": done.stdout, "stderr": done.stderr, "outputs": outputs})
        if done.returncode != 0:
            break
    report["outputs"] = {name: expand(spec["value"]) for name, spec in action.get("outputs", {}).items()}
    report["exit_code"] = report["steps"][-1]["exit_code"]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
