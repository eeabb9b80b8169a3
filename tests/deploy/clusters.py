"""Two throwaway PostgreSQL 15 clusters, a primary and its streaming replica, on unix sockets
in a temp dir (no TCP): what `scripts/with-postgres.sh` does for one, done twice.

The replica is made the way an operator makes one (docs/deployment.md): `pg_basebackup -R`
from the running primary, which copies the data and writes `standby.signal` and
`primary_conninfo`, then started as a hot standby.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PRIMARY_PORT = 55481
REPLICA_PORT = 55482
DATABASE = "dangvien"


@dataclass(frozen=True)
class Pair:
    socket_dir: Path

    def url(self, port: int) -> str:
        return f"postgres://postgres@/{DATABASE}?host={self.socket_dir}&port={port}"

    @property
    def primary_url(self) -> str:
        return self.url(PRIMARY_PORT)

    @property
    def replica_url(self) -> str:
        return self.url(REPLICA_PORT)


def available() -> bool:
    return (PG_BIN / "initdb").is_file() and (PG_BIN / "pg_basebackup").is_file()


def _as_postgres() -> list[str]:
    # initdb and the server refuse to run as root: as root, the clusters belong to postgres.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(args: list[str], log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run(  # noqa: S603 (PostgreSQL's own binaries, our arguments)
            [*_as_postgres(), *args], stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed:\n{log.read_text(errors='replace')}")


def _start(data: Path, port: int, socket_dir: Path) -> None:
    options = (
        f"-p {port} -k {socket_dir} -c listen_addresses='' "
        # Durability is not under test: skip fsync so the clusters start and load fast.
        "-c fsync=off -c full_page_writes=off -c wal_level=replica -c max_wal_senders=4"
    )
    _run(
        [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(data.parent / f"{data.name}.log"),
            "-w",
            "-t",
            "30",
            "-o",
            options,
            "start",
        ],
        socket_dir / "pg_ctl.log",
    )


def _stop(data: Path) -> None:
    if (data / "postmaster.pid").exists():
        subprocess.run(  # noqa: S603 (PostgreSQL's own pg_ctl)
            [*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )


@contextmanager
def primary_and_replica() -> Iterator[Pair]:
    """Both clusters running, with an empty database `dangvien` replicated; both stopped and
    removed afterwards, also when the body fails."""
    root = Path(tempfile.mkdtemp(prefix="dangvien-replica-"))
    primary, replica = root / "primary", root / "replica"
    try:
        if os.geteuid() == 0:
            shutil.chown(root, user="postgres")
        log = root / "setup.log"
        _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(primary),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            log,
        )
        with (primary / "pg_hba.conf").open("a") as hba:
            # Replication connections over the local socket only (initdb's default already
            # has this line with -A trust; written out so the setup does not depend on it).
            hba.write("local replication all trust\n")
        _start(primary, PRIMARY_PORT, root)
        _run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                str(root),
                "-p",
                str(PRIMARY_PORT),
                "-U",
                "postgres",
                DATABASE,
            ],
            log,
        )
        _run(
            [
                str(PG_BIN / "pg_basebackup"),
                "-h",
                str(root),
                "-p",
                str(PRIMARY_PORT),
                "-U",
                "postgres",
                "-D",
                str(replica),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ],
            log,
        )
        _start(replica, REPLICA_PORT, root)
        yield Pair(root)
    finally:
        _stop(replica)
        _stop(primary)
        shutil.rmtree(root, ignore_errors=True)
