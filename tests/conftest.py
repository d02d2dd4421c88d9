"""Shared fixtures: Hypothesis profiles and one strict build of the site per test run (with or without xdist)."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

ROOT = Path(__file__).resolve().parents[1]

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=400, deadline=None)
# tests/docs/test_planted_bug.py only needs the planted bugs to fail: a failing example is reported as found, not
# shrunk to the smallest one (shrinking was about 0.6 s of that run's 3.6 s of tests).
settings.register_profile(
    "planted", max_examples=40, deadline=None, database=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Small tensors: more threads only add overhead on a 2-core machine shared by the test processes, which use one
# torch thread each (pytest_configure). The processes a run starts (pytest-xdist workers, the background builds and
# their notebook kernels, scripts run as subprocesses) inherit OMP_NUM_THREADS=1 too: while the site builds, eight
# or so of them run at once, with no core to spare for a second OpenMP thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")

WORKERS = 2  # pytest-xdist workers for the whole suite: one per core of the machine


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which turns -n into its workers
def pytest_cmdline_main(config) -> None:
    """The whole suite (``make test``, no paths given) runs in :data:`WORKERS` pytest-xdist workers.

    Tests are handed out one at a time in collection order, but the tests of one ``xdist_group`` (tests sharing a
    fixture that does heavy work once) go together to one worker (``--dist loadgroup``, see
    :func:`pytest_xdist_make_scheduler`; not reordered by group size, so the tests that wait for the site build
    stay last). Paths given by hand, ``-n``, ``--dist``, ``--pdb`` or ``-p no:xdist`` run as asked (``-n 0``: in
    this process).
    """
    if (
        config.pluginmanager.hasplugin("xdist")
        and not hasattr(config, "workerinput")
        and config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and config.option.numprocesses is None
        and config.option.dist == "no"
        and not config.option.usepdb
    ):
        config.option.numprocesses = WORKERS
        config.option.dist = "loadgroup"
        config.option.loadscopereorder = False


@dataclass(frozen=True)
class BuiltSite:
    """The site built once with ``mkdocs build --strict``."""

    directory: Path
    output: str  # everything MkDocs printed
    returncode: int


# Started by BackgroundBuild: waits until the file named by the second argument exists (if one is named), runs the
# build (the arguments after the second), then writes its return code to the file named by the first argument,
# complete or not at all, so that any test process can wait for it.
RUN_AND_RECORD = (
    "import os, subprocess, sys, time\n"
    "while sys.argv[2] and not os.path.exists(sys.argv[2]): time.sleep(0.2)\n"
    "code = subprocess.call(sys.argv[3:])\n"
    "open(sys.argv[1] + '.part', 'w').write(str(code)); os.replace(sys.argv[1] + '.part', sys.argv[1])"
)


class BackgroundBuild:
    """One ``mkdocs build --strict`` per test run, in the background, shared by every test process of the run.

    Everything lives in one directory of the run (:func:`run_directory`): the built site (``site``), MkDocs' output
    (``build.log``), the process id (``pid``) and, when the build is over, its return code (``returncode``). The
    first process to claim the directory (``started``, created with O_EXCL) starts the build; with pytest-xdist the
    other workers find it claimed and wait for the same return code file. The build runs in a session of its own,
    so that the end of the run can stop it and its kernels (:func:`stop_builds`).
    """

    def __init__(self, directory: Path, after: BackgroundBuild | None = None, **env: str) -> None:
        self.directory = directory
        self.after = after  # a build this one waits for: two builds at once only slow each other and the tests
        self.site = directory / "site"
        self.log = directory / "build.log"
        self.returncode = directory / "returncode"
        self.env = env

    def start_once(self) -> None:
        """Start the build unless a process of this run has started it already."""
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(self.directory / "started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **self.env)
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(self.site)]
        with open(self.log, "w", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", RUN_AND_RECORD, str(self.returncode),
                 str(self.after.returncode) if self.after else "", *command],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        _processes.append((process, self.returncode))  # kept until the run ends: a Popen collected running warns
        (self.directory / "pid").write_text(str(process.pid), encoding="utf-8")

    def result(self, timeout: float = 900) -> BuiltSite:
        """Wait for the build (started by this process or another one of the run) and return what it made."""
        deadline = time.monotonic() + timeout
        while not self.returncode.exists():
            if not (self.directory / "started").exists():
                raise RuntimeError(f"the build in {self.directory} was never started")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the build in {self.directory} took more than {timeout} s")
            time.sleep(0.1)
        returncode = int(self.returncode.read_text(encoding="utf-8"))
        return BuiltSite(self.site, self.log.read_text(encoding="utf-8"), returncode)


_processes: list[tuple[subprocess.Popen, Path]] = []  # the builds this process started, and their return code files
RUN_DIRECTORY = pytest.StashKey[Path]()


def pytest_configure(config) -> None:
    """The run's directory for the background builds: made here, or the controller's under pytest-xdist.

    A process that runs tests uses one torch thread; the pytest-xdist controller runs none and does not import
    torch (about 1.4 s of CPU).
    """
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        config.stash[RUN_DIRECTORY] = Path(tempfile.mkdtemp(prefix="interview-site-"))
    else:
        config.stash[RUN_DIRECTORY] = Path(workerinput["interview_run_directory"])
    if workerinput is not None or not getattr(config.option, "numprocesses", None):
        import torch

        torch.set_num_threads(1)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """pytest-xdist: every worker uses the controller's directory, so a build is started once per run."""
    node.workerinput["interview_run_directory"] = str(node.config.stash[RUN_DIRECTORY])


# pytest-xdist 3.8.0 marks a grouped test by appending "@group" to its node id, which pytest 9.2 no longer lets it
# change (pytest-dev/pytest-xdist#1386, open): its loadgroup scheduler then spreads a group over the workers.
# Instead, the workers write each grouped test's group to a file of the run, which the scheduler below reads.
GROUPS_FILE = "xdist-groups.json"


def record_groups(config, items) -> None:
    """A worker: write ``{node id: group}`` for the collected tests with an ``xdist_group`` mark."""
    groups = {}
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if names:
            groups[item.nodeid] = "_".join(names)
    path = run_directory(config) / GROUPS_FILE
    part = path.with_name(f"{path.name}.{config.workerinput['workerid']}")
    part.write_text(json.dumps(groups), encoding="utf-8")
    os.replace(part, path)  # every worker collects the same tests: any complete copy will do


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: xdist's scheduler, with the groups the workers wrote (:func:`record_groups`)."""
    if config.option.dist != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class FileGroupScheduling(LoadGroupScheduling):
        @functools.cached_property
        def groups(self) -> dict[str, str]:  # read once every worker has collected (and written the file)
            path = run_directory(config) / GROUPS_FILE
            return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

        def _split_scope(self, nodeid: str) -> str:
            return self.groups.get(nodeid) or super()._split_scope(nodeid)

    return FileGroupScheduling(config, log)


def run_directory(config) -> Path:
    """The directory this run's background builds share (one per run, whatever the number of workers)."""
    return config.stash[RUN_DIRECTORY]


def site_build(config) -> BackgroundBuild:
    """The strict build of the site, as CI builds it (notebooks executed afresh)."""
    return BackgroundBuild(run_directory(config) / "main")


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected what will not run
def pytest_collection_modifyitems(session, config, items) -> None:
    """Start the site build early if any selected test needs it, and run those tests last; record the groups."""
    needs_site = [item for item in items if "built_site" in getattr(item, "fixturenames", ())]
    items[:] = [item for item in items if item not in needs_site] + needs_site
    if needs_site and not config.option.collectonly:
        site_build(config).start_once()
    if hasattr(config, "workerinput"):
        record_groups(config, items)


@pytest.fixture(scope="session")
def built_site(pytestconfig) -> BuiltSite:
    """The site built exactly as CI builds it (strict, notebooks executed afresh)."""
    return site_build(pytestconfig).result()


def stop_builds(directory: Path) -> None:
    """Stop the background builds under ``directory`` that are still running (and their kernels)."""
    for pid_file in directory.glob("*/pid"):
        if not (pid_file.parent / "returncode").exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.killpg(int(pid_file.read_text(encoding="utf-8")), signal.SIGKILL)


def pytest_sessionfinish(session, exitstatus) -> None:
    """Stop the builds and remove what they made when the run is over (the controller, under pytest-xdist).

    A pytest-xdist worker only waits for the builds it started that have recorded their return code: they are
    exiting (the worker would otherwise warn that they still run); the controller stops the others.
    """
    worker = getattr(session.config, "workerinput", None) is not None
    if not worker:
        stop_builds(run_directory(session.config))
    for process, returncode in _processes:
        if not worker or returncode.exists():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
    if not worker:
        shutil.rmtree(run_directory(session.config), ignore_errors=True)
