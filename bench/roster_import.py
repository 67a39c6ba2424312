"""Importing a large roster file: time and peak memory of ``canxie roster import``.

Writes a valid CSV (and optionally .xlsx) of N persons, provisions a fresh store (SQLite, or a
scratch PostgreSQL database), then runs the real command in a child process so its peak RSS
is the import's own.  The import is run twice: the second run must import nothing.

    .venv/bin/python bench/roster_import.py --rows 50000 --backend both --xlsx
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregates.identifiers import Sex, make_resident_id
from aggregates.provenance import Provenance
from bench.common import add_results_option, results_folder, scratch_database, write_results
from service.roster.imports import COLUMNS

DISTRICT = "410102"
#: The Chinese header of every column the rows fill (no service needs, no registration date).
HEADER = [
    headers[0]
    for field, headers in COLUMNS.items()
    if field not in ("service_needs", "registered_on")
]


def rows(count: int) -> Iterator[list[Any]]:
    """Valid, distinct persons spread over 10 townships x 20 villages."""
    for n in range(count):
        born = date(1940, 1, 1) + timedelta(days=n // 500)
        sex = Sex.MALE if n % 2 else Sex.FEMALE
        rid = make_resident_id("410102", born, n % 500, sex)
        category, grade = 1 + n % 7, 1 + n % 4
        village = f"{DISTRICT}{1 + n % 10:03d}{1 + (n // 10) % 20:03d}"
        hardship = n % 17 == 0
        yield [
            f"残疾人{n}",
            "男" if sex is Sex.MALE else "女",
            born.isoformat(),
            rid,
            f"{rid}{category}{grade}",
            category,
            grade,
            f"H{n // 3:06d}",
            "户主" if n % 3 == 0 else "子女",
            village,
            f"第{n % 200}号院{n % 50}号",
            f"139{n:08d}",
            "是" if hardship else "否",
            "低保" if hardship else "",
        ]


def write_csv(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows(count))


def write_xlsx(path: Path, count: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for values in rows(count):
        sheet.append(values)
    book.save(path)


@contextmanager
def store(backend: str, folder: Path) -> Iterator[dict[str, str]]:
    """The environment of a fresh store with the district in it."""
    from workers.runtime import Runtime
    from workers.settings import Settings

    with scratch_database() if backend == "postgresql" else nullcontext(None) as url:
        env = {"CANXIE_DATA_DIR": str(folder / "data")}
        if url:
            env["CANXIE_DATABASE_URL"] = url
        runtime = Runtime.open(Settings.from_environ(env))
        runtime.tenancy.provision()
        runtime.tenancy.create_district(DISTRICT, "中原区", Provenance(actor="bench"))
        runtime.close()
        yield env


def run_import(env: dict[str, str], path: Path) -> dict[str, Any]:
    """One run of the command in a child process: wall time, peak RSS, its report."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("CANXIE_")}
    child_env.update(env)
    script = (
        "import resource, sys\n"
        "from service.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    print(f'PEAK_RSS_KB={rss}', file=sys.stderr)\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script, "roster", "import", DISTRICT, str(path), "--json"],
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    peak = next(
        int(line.split("=")[1])
        for line in done.stderr.splitlines()
        if line.startswith("PEAK_RSS_KB=")
    )
    return {
        "wall_seconds": round(wall, 2),
        "import_seconds": report["seconds"],
        "rows_per_second": round(report["rows"] / report["seconds"]) if report["seconds"] else 0,
        "peak_rss_mib": round(peak / 1024, 1),
        "imported": report["imported"],
        "unchanged": report["unchanged"],
        "errors": len(report["errors"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--xlsx", action="store_true", help="also import the same rows as .xlsx")
    add_results_option(parser)
    args = parser.parse_args()
    folder = results_folder(args.results)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results: dict[str, Any] = {"rows": args.rows, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [folder / "roster.csv"]
        write_csv(files[0], args.rows)
        if args.xlsx:
            files.append(folder / "roster.xlsx")
            write_xlsx(files[1], args.rows)
        for path in files:
            size = round(path.stat().st_size / 2**20, 1)
            for backend in backends:
                with store(backend, folder / f"{backend}-{path.suffix[1:]}") as env:
                    first = run_import(env, path)
                    second = run_import(env, path)
                run = {
                    "backend": backend,
                    "file": path.suffix[1:],
                    "file_mib": size,
                    "first": first,
                    "again": second,
                }
                results["runs"].append(run)
                print(json.dumps(run, ensure_ascii=False), flush=True)
    print(f"(parent peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB)")
    print(write_results(folder, "roster_import", results))


if __name__ == "__main__":
    main()
