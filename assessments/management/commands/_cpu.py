"""Where a benchmark's CPU time went: this Python process, and the local PostgreSQL server."""

import os
from pathlib import Path


def postgres_cpu_seconds():
    """CPU seconds the local PostgreSQL server's processes have used so far, its exited
    backends included (the children's times the postmaster has collected); None where no
    such process is visible (a remote server, or no /proc)."""
    total, seen = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :]
        if name != "postgres":
            continue
        seen = True
        # utime, stime, cutime, cstime: fields 14 to 17 of proc(5), 12 to 15 after the name.
        total += sum(int(value) for value in fields.split()[11:15])
    return total / os.sysconf("SC_CLK_TCK") if seen else None


class CpuMeter:
    """CPU seconds of this process (all its threads) and of PostgreSQL between start() and
    the properties' reading."""

    def start(self):
        self._python, self._postgres = os.times(), postgres_cpu_seconds()
        return self

    @property
    def python(self):
        now = os.times()
        return (now.user - self._python.user) + (now.system - self._python.system)

    @property
    def postgres(self):
        now = postgres_cpu_seconds()
        return None if now is None or self._postgres is None else now - self._postgres

    def summary(self):
        """ "Python 2.61 s, PostgreSQL 2.95 s of CPU: at least 2.78 s on 2 cores"."""
        cores = os.cpu_count() or 1
        python, postgres = self.python, self.postgres
        if postgres is None:
            return f"Python {python:.2f} s of CPU (PostgreSQL's not visible here)"
        return (
            f"Python {python:.2f} s, PostgreSQL {postgres:.2f} s of CPU: at least "
            f"{(python + postgres) / cores:.2f} s on {cores} cores"
        )
