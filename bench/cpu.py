"""CPU time by process group (web, worker, PostgreSQL, broker, load generator) from /proc.

On two shared cores a throughput figure says little without where the CPU went; this reads
every process's user and system time before and after a run (Linux only, no extra package).
Processes that exit during the run are not counted.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _group(pid: int, comm: str, cmdline: str) -> str | None:
    if pid == os.getpid():
        return "load generator"
    if comm.startswith("postgres"):
        return "postgresql"
    if comm.startswith("beam"):
        return "rabbitmq"
    if " serve " in f" {cmdline} ":
        return "web (gunicorn)"
    if " worker " in f" {cmdline} " and "service" in cmdline:
        return "worker"
    return None


def snapshot() -> Counter[str]:
    """Seconds of CPU (user + system) so far, by group."""
    totals: Counter[str] = Counter()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        group = _group(int(entry.name), comm, cmdline)
        if group is None:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        totals[group] += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return totals


def per_unit(before: Counter[str], after: Counter[str], units: int) -> dict[str, float]:
    """Milliseconds of CPU per unit of work (e.g. per command), by group."""
    return {
        group: round(1000 * (after[group] - before[group]) / units, 3)
        for group in sorted(after)
        if units and after[group] > before[group]
    }
