"""A private PostgreSQL cluster for tests that stop the database under a running Lotse.

The shared server (LOTSE_TEST_POSTGRES_URL) must never be stopped: other tests and
other people use it. This is a cluster of its own, made with Debian's
postgresql-common tools, which need root (CI runs as root):

    cluster = PgCluster.create()          # pg_createcluster <version> lotse_resilience_<pid>
    url = cluster.create_database()       # postgresql+asyncpg://…@127.0.0.1:<port>/<db>
    cluster.stop()                        # pg_ctlcluster … stop -m fast: the outage
    cluster.start()
    cluster.drop()                        # pg_dropcluster --stop

The version is the newest in /usr/lib/postgresql, as deploy/test.sh picks it. The
name carries this process's id, so that two test runs on one machine never share
(or drop) each other's cluster; clusters left by runs that died are dropped by
the next `create`. fsync is off: the machine does not crash in these tests, the
database only stops, and every commit still goes through the WAL.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.cli import free_port

PREFIX = "lotse_resilience"
ROLE = PASSWORD = "lotse_resilience"
VERSIONS = Path("/usr/lib/postgresql")
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_lsclusters", "runuser")
#: Small and quick: a handful of connections, no fsync, little shared memory.
SETTINGS = ("fsync=off", "full_page_writes=off", "shared_buffers=16MB", "max_connections=60")


class ClusterUnavailable(Exception):
    """This machine cannot make a private cluster; the message says why."""


def installed_version() -> str:
    """The newest PostgreSQL major version installed (as deploy/test.sh picks it)."""
    try:
        versions = [p.name for p in VERSIONS.iterdir() if p.name.isdigit()]
    except FileNotFoundError:
        versions = []
    if not versions:
        raise ClusterUnavailable(f"no PostgreSQL in {VERSIONS} (deploy/setup.sh --test)")
    return max(versions, key=int)


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    # psql as postgres in a directory it may not read warns; /tmp it may.
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, cwd="/tmp", check=False
    )
    if result.returncode != 0:
        raise ClusterUnavailable(
            f"`{' '.join(args)}` failed ({result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )
    return result


def _clusters() -> list[tuple[str, str, bool]]:
    """(version, name, online) of every cluster on this machine."""
    lines = _run("pg_lsclusters", "-h").stdout.splitlines()
    return [
        (fields[0], fields[1], fields[3] == "online")
        for fields in (line.split() for line in lines)
        if len(fields) >= 4
    ]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_stale() -> None:
    """Drop the clusters of earlier runs whose process is gone."""
    pattern = re.compile(rf"{PREFIX}_(\d+)")
    for version, name, _online in _clusters():
        match = pattern.fullmatch(name)
        if match and not _pid_alive(int(match.group(1))):
            _run("pg_dropcluster", "--stop", version, name)


@dataclass
class PgCluster:
    version: str
    name: str
    port: int

    @classmethod
    def create(cls) -> PgCluster:
        """A new cluster, started, with a role that logs in over TCP with a password."""
        if os.geteuid() != 0:
            raise ClusterUnavailable("making a PostgreSQL cluster needs root (CI runs as root)")
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise ClusterUnavailable(f"missing {', '.join(missing)} (postgresql-common)")
        version = installed_version()
        drop_stale()
        cluster = cls(version, f"{PREFIX}_{os.getpid()}", free_port())
        options = [arg for setting in SETTINGS for arg in ("-o", setting)]
        _run("pg_createcluster", "-p", str(cluster.port), *options, version, cluster.name)
        try:
            cluster.start()
            # Debian's pg_hba.conf lets host connections from 127.0.0.1 in by password.
            cluster.psql(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
        except BaseException:
            cluster.drop()
            raise
        return cluster

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{ROLE}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the postgres superuser (over the cluster's Unix socket)."""
        return _run(
            "runuser", "-u", "postgres", "--",
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-p", str(self.port), "-d", database, "-c", sql,
        ).stdout  # fmt: skip

    @property
    def online(self) -> bool:
        return any(v == self.version and n == self.name and up for v, n, up in _clusters())

    def start(self) -> None:
        if not self.online:
            _run("pg_ctlcluster", self.version, self.name, "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` ends every session (their transactions roll back),
        `immediate` is as if it crashed (recovery on the next start)."""
        _run("pg_ctlcluster", self.version, self.name, "stop", "-m", mode)

    def create_database(self) -> str:
        """A new empty database owned by the test role; its URL."""
        name = f"lotse_{os.urandom(4).hex()}"
        self.psql(f'CREATE DATABASE "{name}" OWNER {ROLE}')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self.start()
        self.psql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def drop(self) -> None:
        """Stop and remove the cluster with its data (never raises)."""
        subprocess.run(
            ["pg_dropcluster", "--stop", self.version, self.name],
            capture_output=True,
            timeout=120,
            check=False,
        )
