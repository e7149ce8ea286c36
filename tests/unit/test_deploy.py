"""deploy/: the Zero to JupyterHub and dask-gateway values parse, name only the pinned images
of deploy/images.yaml (each built one with its Dockerfile), run only commands that exist
(console scripts of installed packages, importable ``python -m`` modules, the course CLI, or
the base image's shell tools), and size learners from the memory measured here."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from course.grading.exchange import SUBMIT_CLASS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VALUES = ("values.yaml", "dask-gateway.yaml")
SHELL_TOOLS = {"sh", "cp"}  # in every Debian base image


def _load(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


def _walk(node: object, path: str = "") -> Iterator[tuple[str, object]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def images_named(values: dict) -> dict[str, tuple[str, str]]:
    """``path -> (image name, tag)`` for every ``image: {name, tag}`` in a values file."""
    return {path: (node["name"], str(node.get("tag")))
            for path, node in _walk(values)
            if path.split(".")[-1] == "image" and isinstance(node, dict) and "name" in node}


def commands_named(values: dict) -> dict[str, list[str]]:
    """``path -> argv`` for every ``cmd`` or ``command`` in a values file."""
    out = {}
    for path, node in _walk(values):
        if path.split(".")[-1] in ("cmd", "command") and node:
            out[path] = [node] if isinstance(node, str) else list(node)
    return out


def _pins() -> dict[str, str]:
    pins = _load("images.yaml")
    return {**{name: spec["tag"] for name, spec in pins["built"].items()}, **pins["upstream"]}


def _console_scripts() -> set[str]:
    return {ep.name for ep in importlib.metadata.entry_points(group="console_scripts")}


def command_problem(argv: list[str]) -> str | None:
    """Why ``argv`` would not run in the course's images, or None."""
    program = argv[0]
    if program in ("python", "python3"):
        if len(argv) < 3 or argv[1] != "-m":
            return "python must run a module (-m MODULE)"
        module = argv[2]
        if importlib.util.find_spec(module) is None:
            return f"no module {module!r}"
        if module == "course":
            from course.cli import build_parser

            try:
                build_parser().parse_args(argv[3:])
            except SystemExit:
                return f"`course {' '.join(argv[3:])}` is not a course command"
        return None
    if program in SHELL_TOOLS:
        return None if shutil.which(program) else f"{program} is not installed"
    if program in _console_scripts():
        return None
    return f"{program!r} is not a console script of any installed package"


@pytest.mark.parametrize("name", VALUES)
def test_values_parse(name: str) -> None:
    values = _load(name)
    assert isinstance(values, dict) and values, name


@pytest.mark.parametrize("name", VALUES)
def test_every_image_is_pinned_in_images_yaml(name: str) -> None:
    pins = _pins()
    named = images_named(_load(name))
    assert named, f"{name} names no image"
    for path, (image, tag) in named.items():
        assert image in pins, f"{name}: {path} names {image}, which deploy/images.yaml lacks"
        assert tag == pins[image], f"{name}: {path} tags {image}:{tag}, pinned {pins[image]}"
        assert tag not in ("", "None", "latest"), f"{name}: {path} is not pinned"


def test_built_images_have_dockerfiles_from_pinned_bases() -> None:
    pins = _load("images.yaml")
    upstream = pins["upstream"]
    for image, spec in pins["built"].items():
        dockerfile = DEPLOY / spec["dockerfile"]
        assert dockerfile.is_file(), f"{image}: {dockerfile} is missing"
        bases = re.findall(r"^FROM\s+(\S+)", dockerfile.read_text(), re.MULTILINE)
        assert bases == [spec["base"]], (image, bases)
        base, _, tag = spec["base"].rpartition(":")
        assert upstream.get(base) == tag, f"{image}: base {spec['base']} is not pinned"
    named = {image for name in VALUES for image, _ in images_named(_load(name)).values()}
    assert set(pins["built"]) <= named, "a built image nothing uses"


def test_every_command_exists() -> None:
    commands = {f"{name}: {path}": argv for name in VALUES
                for path, argv in commands_named(_load(name)).items()}
    assert {"values.yaml: hub.services.room.command", "values.yaml: singleuser.cmd",
            "values.yaml: singleuser.lifecycleHooks.postStart.exec.command"} <= set(commands)
    for where, argv in commands.items():
        assert command_problem(argv) is None, f"{where} = {argv}: {command_problem(argv)}"


def test_the_command_check_rejects_what_does_not_exist() -> None:
    assert command_problem(["jupyterhub-singleuser"]) is None
    assert command_problem(["python3", "-m", "course", "export", "--out", "g.csv"]) is None
    assert command_problem(["jupyterhub-singleuserx"]) is not None
    assert command_problem(["python3", "-m", "course.room.nothere"]) is not None
    assert command_problem(["python3", "-m", "course", "regrade-everything"]) is not None


def test_the_room_is_a_hub_managed_service() -> None:
    hub = _load("values.yaml")["hub"]
    room = hub["services"]["room"]
    assert room["command"][:3] == ["python3", "-m", "course.room.hub"]
    port = room["url"].rsplit(":", 1)[1]
    assert room["command"][room["command"].index("--port") + 1] == port
    assert {"name": "room", "port": int(port), "targetPort": int(port)} in \
        hub["service"]["extraPorts"]


def test_python_snippets_compile_and_learners_submit_privately() -> None:
    values = _load("values.yaml")
    for key, code in values["hub"]["extraConfig"].items():
        compile(code, f"hub.extraConfig.{key}", "exec")
    learner_config = values["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    compile(learner_config, "nbgrader-config", "exec")
    assert f'c.ExchangeFactory.submit = "{SUBMIT_CLASS}"' in learner_config
    mounts = values["singleuser"]["storage"]["extraVolumeMounts"]
    assert any(m["mountPath"] == "/srv/nbgrader/exchange" for m in mounts)
    assert 'c.Exchange.root = "/srv/nbgrader/exchange"' in learner_config
    for _path, node in _walk(values):  # no password or token written into the values
        if isinstance(node, str):
            assert not re.search(r"://[^/@\s]+:[^/@\s]+@", node), node


def test_a_learner_gets_the_memory_measured_here() -> None:
    """singleuser.memory.guarantee covers a learner after a whole module, as measured by
    deploy/measure_memory.py (deploy/memory.json, resident memory of server + kernel)."""
    measured = json.loads((DEPLOY / "memory.json").read_text())["median_mib"]
    memory = _load("values.yaml")["singleuser"]["memory"]

    def mib(quantity: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)([A-Za-z]*)", quantity).groups()
        return float(number) * {"M": 1e6, "G": 1e9, "Mi": 2**20, "Gi": 2**30}[unit] / 2**20

    assert measured["after_module"]["cell_errors"] == 0
    assert measured["idle"]["total_rss"] < measured["after_module"]["total_rss"]
    assert mib(memory["guarantee"]) >= measured["after_module"]["total_rss"]
    assert mib(memory["limit"]) >= 2 * measured["after_module"]["total_rss"]
