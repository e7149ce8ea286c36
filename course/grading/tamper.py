"""Notice when a learner's code rebinds what the hidden tests rely on.

A test cell runs in the learner's kernel, after the learner's code. One line in an answer
cell (``builtins.isinstance = lambda *a: True``, ``math.isclose = ...``,
``pandas.DataFrame.equals = ...``, or a notebook global ``len = lambda *a: 10**6``) used to
turn a wrong answer into full points. This module:

1. **plans** what to watch, from the trusted test cells (grader side, before the kernel
   starts): the builtins a test may call (:data:`BUILTINS` and every builtin name a test
   cell loads), every public callable of :data:`BASE_MODULES`, and the ``module.attr`` /
   ``module.Class.method`` chains the test cells write for modules in :data:`ALLOWED`, plus
   :data:`THROUGH_INSTANCES` (methods reached through objects, ``df.equals(...)``, that no
   chain in the source names);
2. **captures** a baseline at kernel start, before any student code: the kernel imports the
   watched modules (with the work folder off ``sys.path``), keeps the watched objects in a
   stash under a random name, and reports a fingerprint of each (its address; for a Python
   function also its code, defaults and closure). The grader keeps the baseline: the kernel
   never holds the reference values it is compared with;
3. **probes** at the top of every test cell, in the same execution as the test: a fresh copy
   of the probe (random names each run) reports the current fingerprints, reaching the
   originals through the stash and using only syntax (``().__class__.__mro__[-1]`` is
   ``object``) instead of names a learner can rebind. It also reports the notebook globals
   that shadow a builtin or module the cell uses, and the identity of the namespace and
   ``__builtins__`` the cell runs in;
4. **compares** grader side (:meth:`Guard.findings`): a changed fingerprint, a shadowing
   global, a missing or doubled report makes the test cell score 0 with status ``tampered``.

In-process checks are not a security boundary: see the README's threat model.
"""

from __future__ import annotations

import ast
import builtins
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

# Builtins hidden tests rely on; watched even when no test cell names them.
BUILTINS = ("isinstance", "type", "len", "abs", "sum", "round", "all", "any", "min", "max",
            "sorted", "set", "list", "dict", "tuple", "str", "int", "float", "bool", "repr",
            "print", "getattr", "hasattr", "id", "callable", "range", "zip", "enumerate", "map",
            "filter", "iter", "next", "__import__")
# Every public callable of these is watched in every notebook.
BASE_MODULES = ("math", "operator", "json", "re")
# Modules whose attributes a test cell may reach (``pd.testing.assert_frame_equal``); other
# modules (the learner's own files, the course package) are never imported by the grader.
ALLOWED = BASE_MODULES + ("pandas", "numpy", "random", "statistics", "decimal", "fractions",
                          "collections", "functools", "itertools", "datetime", "string")
CONVENTIONAL = {"np": "numpy", "pd": "pandas"}
# Reached through instances (``df.equals(other)``), so no ``module.attr`` chain names them.
THROUGH_INSTANCES = {
    "pandas": ("DataFrame.equals", "Series.equals", "Index.equals", "DataFrame.compare",
               "testing.assert_frame_equal", "testing.assert_series_equal"),
    "numpy": ("isclose", "allclose", "array_equal", "testing.assert_allclose",
              "testing.assert_array_equal"),
    # hidden tests draw their cases from a seeded ``random.Random(...)``
    "random": ("Random.seed", "Random.random", "Random.randint", "Random.randrange",
               "Random.uniform", "Random.choice", "Random.choices", "Random.sample",
               "Random.shuffle", "Random.gauss"),
}
SELF = ("stash", "containers", "modules", "print", "stdout", "keep", "globals", "builtins")
SELF_NAMES = {"stash": "the grader's reference objects", "containers": "the grader's modules",
              "modules": "sys.modules", "print": "the grader's print", "stdout": "sys.stdout",
              "keep": "the grader's reference objects", "globals": "the notebook's namespace",
              "builtins": "__builtins__"}
MAX_CHAIN = 4
MAX_LISTED = 8

Target = tuple[str, str, str]  # (kind, container, key)

# The probe: a fresh copy opens every test cell. It reads no global or builtin name (a
# learner can rebind those): ``type``, ``object.__repr__``, ``dict.get`` and the function type
# come from literals; the watched objects from the stash captured before the learner's code.
PROBE = '''
def {fn}(stash, here, targets, marker, keep=None):
    T = ().__class__.__class__
    ident = ().__class__.__mro__[-1].__repr__
    get = {{}}.__class__.get
    item = {{}}.__class__.__getitem__
    F = T(here)
    mro = T.__dict__["__mro__"].__get__
    space_of = T.__dict__["__dict__"].__get__
    missing = []

    def addr(obj):
        return ident(obj).rpartition(" at ")[2][:-1]

    def fp(obj):
        if obj is missing:
            return "-"
        text = addr(obj)
        if T(obj) is F:
            text = text + "/" + addr(obj.__code__) + "/" + addr(obj.__defaults__)
            text = text + "/" + addr(obj.__kwdefaults__)
            for cell in obj.__closure__ or ():
                try:
                    text = text + "/" + addr(cell.cell_contents)
                except:
                    text = text + "/-"
        return text

    def lookup(kind, where, key):
        if kind == "ns":
            return get(here.__globals__, key, missing)
        if kind == "module":
            return get(item(stash, "modules"), where, missing)
        if kind == "self":
            if where == "stash":
                return stash
            if where == "globals":
                return here.__globals__
            if where == "builtins":
                return here.__builtins__
            return item(stash, where)
        obj, space = item(item(stash, "containers"), where)
        if kind == "type":
            return T(obj)
        if kind == "space":
            return obj if key == "object" else space
        if space is not None:
            return get(space, key, missing)
        for klass in mro(obj):
            found = space_of(klass)
            if key in found:
                return found[key]
        return missing

    out = []
    for kind, where, key in targets:
        found = lookup(kind, where, key)
        if keep is not None and found is not missing:
            keep.append(found)
        out.append(fp(found))
    stream = item(stash, "stdout")
    stream.write(marker + " " + "|".join(out) + "\\n")
    stream.flush()
'''

# Runs once, first, before any cell of the notebook: imports and stashes the watched modules
# (the work folder, where a learner's ``pandas.py`` could sit, is off sys.path meanwhile).
CAPTURE = '''
def {cap}(paths, explicit, base, names, marker, stash_name):
    import importlib
    import json
    import os
    import sys
    saved = list(sys.path)
    work = os.getcwd()
    sys.path[:] = [p for p in saved if p not in ("", ".", work)]
    containers = {{}}
    try:
        for path in paths:
            parts = path.split(".")
            try:
                obj = importlib.import_module(parts[0])
                for depth in range(1, len(parts)):
                    try:
                        obj = getattr(obj, parts[depth])
                    except AttributeError:
                        obj = importlib.import_module(".".join(parts[:depth + 1]))
            except Exception:
                continue
            if isinstance(obj, type(sys)):
                containers[path] = (obj, vars(obj))
            elif isinstance(obj, type):
                containers[path] = (obj, None)
    finally:
        sys.path[:] = saved
    targets = []
    for name in base:
        if name in containers:
            space = vars(containers[name][0])
            targets += [("attr", name, key) for key in sorted(space)
                        if not key.startswith("_") and callable(space[key])]
    for where, key in explicit:
        if where in containers and ("attr", where, key) not in targets:
            targets.append(("attr", where, key))
    for where, (obj, space) in containers.items():
        if space is not None:
            targets += [("module", where, ""), ("type", where, ""), ("space", where, "dict")]
        targets.append(("space", where, "object"))
    targets += [("ns", "", name) for name in names]
    targets += [("self", what, "") for what in {self!r}]
    stash = {{"containers": containers, "modules": sys.modules, "print": print,
             "stdout": sys.stdout, "keep": []}}
    globals()[stash_name] = stash
    try:
        get_ipython().user_ns_hidden[stash_name] = stash
    except Exception:
        pass
    print(marker + "-targets", json.dumps(targets), flush=True)
    {fn}(stash, (lambda: 0), tuple(targets), marker, stash["keep"])


{cap}({paths!r}, {explicit!r}, {base!r}, {names!r}, {marker!r}, {stash!r})
del {cap}, {fn}
'''


def _name() -> str:
    return "_" + secrets.choice("abcdefghijklmnopqrstuvwxyz") + secrets.token_hex(8)


# ------------------------------------------------------------------ reading test cells
@dataclass
class CellNames:
    """What one test cell reads: names it loads without binding them, and dotted chains."""

    loads: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)
    chains: list[list[str]] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted path

    @property
    def free(self) -> set[str]:
        return self.loads - self.bound


def _chain(node: ast.Attribute) -> list[str] | None:
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    parts.append(current.id)
    return parts[::-1]


def imports_of(tree: ast.AST) -> dict[str, str]:
    """``import x.y as z`` / ``from x import y as z``: local name -> dotted path."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    found[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def read_cell(source: str) -> CellNames:
    """Names and chains of a plain-Python cell (empty for a cell that does not parse)."""
    names = CellNames()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return names
    names.imports = imports_of(tree)
    names.bound |= set(names.imports)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (names.loads if isinstance(node.ctx, ast.Load) else names.bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.bound.add(node.name)
        elif isinstance(node, ast.arg):
            names.bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.bound.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            chain = _chain(node)
            if chain:
                names.chains.append(chain)
    return names


def _allowed(dotted: str) -> bool:
    return dotted.split(".")[0] in ALLOWED


# ------------------------------------------------------------------ the plan
@dataclass
class Plan:
    """What the kernel captures at start, derived from the trusted cells only."""

    containers: list[str]
    explicit: list[tuple[str, str]]
    names: list[str]
    aliases: dict[str, set[str]]  # notebook name -> dotted paths it may legitimately hold


def plan(test_sources: Sequence[str], trusted_sources: Sequence[str] = ()) -> Plan:
    """Derive the watch list from the test cells (as sent, i.e. instrumented) and other
    trusted (locked) cells. Only modules in :data:`ALLOWED` are ever imported."""
    cells = [read_cell(s) for s in test_sources]
    aliases: dict[str, set[str]] = {m: {m} for m in ALLOWED}
    for short, module in CONVENTIONAL.items():
        aliases.setdefault(short, set()).add(module)
    for source in [*trusted_sources, *test_sources]:
        try:
            found = imports_of(ast.parse(source))
        except SyntaxError:
            continue
        for local, dotted in found.items():
            if _allowed(dotted):
                aliases.setdefault(local, set()).add(dotted)
    containers: set[str] = {"builtins", *BASE_MODULES}
    explicit: set[tuple[str, str]] = {("builtins", n) for n in BUILTINS}
    roots: set[str] = set()
    builtin_names = set(vars(builtins))
    names: set[str] = set()
    for cell in cells:
        for dotted in cell.imports.values():
            if _allowed(dotted):
                roots.add(dotted.split(".")[0])
        for chain in cell.chains:
            for dotted in aliases.get(chain[0], ()):
                full = dotted.split(".") + chain[1:]
                roots.add(full[0])
                for depth in range(1, min(len(full), MAX_CHAIN)):
                    containers.add(".".join(full[:depth]))
                    explicit.add((".".join(full[:depth]), full[depth]))
        for name in cell.free:
            if name in builtin_names:
                explicit.add(("builtins", name))
                names.add(name)
            elif name in aliases:
                names.add(name)
    for root in roots:
        for extra in THROUGH_INSTANCES.get(root, ()):
            full = [root, *extra.split(".")]
            for depth in range(1, len(full)):
                containers.add(".".join(full[:depth]))
                explicit.add((".".join(full[:depth]), full[depth]))
    for name in names:
        for dotted in aliases.get(name, ()):
            parts = dotted.split(".")
            containers.add(dotted)  # a module: ``module`` target; else dropped at capture
            if len(parts) > 1:
                containers.add(".".join(parts[:-1]))
                explicit.add((".".join(parts[:-1]), parts[-1]))
    ordered = sorted(containers, key=lambda c: (c.count("."), c))
    return Plan(ordered, sorted(explicit), sorted(names),
                {k: v for k, v in aliases.items() if k in names})


# ------------------------------------------------------------------ kernel side <-> grader
@dataclass
class Guard:
    """One notebook run: random names, the plan, and (after capture) the grader's baseline."""

    plan: Plan
    marker: str = field(default_factory=lambda: "course-probe-" + secrets.token_hex(12))
    stash: str = field(default_factory=_name)
    fn: str = field(default_factory=_name)
    targets: list[Target] = field(default_factory=list)
    baseline: dict[Target, str] = field(default_factory=dict)
    pending: dict[int, list[Target]] = field(default_factory=dict)

    def capture_code(self) -> str:
        """The first code the kernel runs: stash the originals, report the baseline."""
        cap = _name()
        return (PROBE.format(fn=self.fn) + CAPTURE.format(
            cap=cap, fn=self.fn, self=SELF, paths=self.plan.containers,
            explicit=self.plan.explicit, base=BASE_MODULES, names=self.plan.names,
            marker=self.marker, stash=self.stash))

    def read_capture(self, text: str) -> None:
        """Keep the baseline the capture printed; raise ``ValueError`` if it is unusable."""
        targets: list[Target] | None = None
        prints = []
        for line in text.splitlines():
            if line.startswith(self.marker + "-targets "):
                raw = json.loads(line.split(" ", 1)[1])
                targets = [(str(k), str(w), str(n)) for k, w, n in raw]
            elif line.startswith(self.marker + " "):
                prints.append(line.split(" ", 1)[1].split("|"))
        if targets is None or len(prints) != 1 or len(prints[0]) != len(targets):
            raise ValueError("the kernel did not report its starting state")
        self.targets = targets
        self.baseline = dict(zip(targets, prints[0], strict=True))

    def prefix(self, index: int, code: str) -> str:
        """``code`` (an instrumented test cell) opened by a fresh probe."""
        free = read_cell(code).free
        wanted = [t for t in self.targets if t[0] != "ns"]
        wanted += [t for t in self.targets if t[0] == "ns" and t[2] in free]
        self.pending[index] = wanted
        call = f"{self.fn}({self.stash}, (lambda: 0), {tuple(wanted)!r}, {self.marker!r})"
        return PROBE.format(fn=self.fn) + f"\n{call}\ndel {self.fn}\n" + code

    def take_report(self, texts: list[str]) -> tuple[list[str], list[list[str]]]:
        """Split stream texts into (texts without probe lines, the reports found)."""
        kept, reports = [], []
        for text in texts:
            lines = []
            for line in text.splitlines(True):
                at = line.find(self.marker + " ")
                if at >= 0:
                    reports.append(line[at + len(self.marker) + 1:].rstrip("\n").split("|"))
                else:
                    lines.append(line)
            kept.append("".join(lines))
        return kept, reports

    def _references(self, name: str) -> set[str]:
        refs = set()
        if name in vars(builtins):
            refs.add(self.baseline.get(("attr", "builtins", name), "-"))
        for dotted in self.plan.aliases.get(name, ()):
            refs.add(self.baseline.get(("module", dotted, ""), "-"))
            where, _, key = dotted.rpartition(".")
            refs.add(self.baseline.get(("attr", where, key), "-"))
        at_start = self.baseline.get(("ns", "", name), "-")
        refs.add(at_start)
        return refs - {"-"}

    def findings(self, index: int, reports: list[list[str]], cell: str) -> list[str]:
        """What changed before test cell ``index`` (named ``cell``): ``[]`` when nothing."""
        wanted = self.pending.pop(index, [])
        if len(reports) != 1 or len(reports[0]) != len(wanted):
            return [f"the rebinding check did not report before test cell {cell} (its probe "
                    "or the grader's reference objects were removed, replaced or imitated)"]
        rebound, shadowed = [], []
        for target, now in zip(wanted, reports[0], strict=True):
            kind, where, key = target
            if kind == "ns":
                if now != "-" and now not in self._references(key):
                    shadowed.append(key)
                continue
            before = self.baseline.get(target, "-")
            if before != "-" and now != before:
                rebound.append(describe(target))
        found = []
        if rebound:
            found.append(f"rebound before test cell {cell}: {_listed(rebound)}")
        if shadowed:
            found.append(f"shadowed by a notebook global before test cell {cell}: "
                         f"{_listed(shadowed)}")
        return found


def describe(target: Target) -> str:
    """A target as a learner would write it."""
    kind, where, key = target
    if kind == "attr":
        return f"{where}.{key}"
    if kind == "module":
        return f"sys.modules[{where!r}]"
    if kind == "type":
        return f"type({where})"
    if kind == "space":
        return where if key == "object" else f"vars({where})"
    if kind == "self":
        return SELF_NAMES.get(where, where)
    return key


def _listed(items: list[str]) -> str:
    shown = items[:MAX_LISTED]
    more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return ", ".join(shown) + more
