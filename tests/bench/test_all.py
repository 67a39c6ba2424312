"""``python -m bench.all`` writes where it is told and leaves the committed figures alone.

Results go to ``--results DIR`` (default: a new temporary folder), the API benchmarks are
pointed at ``--port``, and ``docs/PERFORMANCE.md`` is rewritten only with ``--write-doc`` after
a run of every step.  Nothing heavy runs here: dry runs, rendering, and one catch-up of 200
events.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import all as bench_all
from bench.common import COMMITTED_RESULTS

DOC = bench_all.DOC


def _snapshot() -> dict[Path, tuple[bytes, int]]:
    """Content and modification time of the document and of every committed result."""
    paths = [DOC, *sorted(COMMITTED_RESULTS.iterdir())]
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


@pytest.fixture(autouse=True)
def committed_figures_untouched() -> Iterator[None]:
    """Every test here leaves the document and bench/results/ exactly as they were."""
    before = _snapshot()
    yield
    after = _snapshot()
    for path, (content, _) in before.items():
        if after.get(path, (None,))[0] != content:
            path.write_bytes(content)  # put it back before failing
    assert after == before, "docs/PERFORMANCE.md or bench/results/ was rewritten"


def test_a_partial_run_never_rewrites_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        bench_all.main(["--only", "catchup", "--write-doc", "--dry-run"])
    assert refused.value.code == 2
    with pytest.raises(SystemExit) as refused:
        bench_all.main(["--only", "catchup,city", "--write-doc"])
    assert refused.value.code == 2
    assert "partial --only run never rewrites" in capsys.readouterr().err


def test_a_dry_run_sends_every_benchmark_to_the_folder_and_the_port(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench_all.main(["--dry-run", "--results", str(tmp_path), "--port", "8123"])
    commands = [line for line in capsys.readouterr().out.splitlines() if line.startswith("$ ")]
    modules = [line.split()[3] for line in commands]
    assert modules == [
        "bench.api_commands",
        "bench.catchup",
        "bench.city",
        "bench.rebuild",
        "bench.as_of",
        "bench.api_load",
        "bench.web_pages",
        "bench.web_load",
    ]
    assert all(f"--results {tmp_path}" in line for line in commands)
    serving = [line for line in commands if "--port 8123" in line]
    assert [line.split()[3] for line in serving] == [
        "bench.api_commands",
        "bench.api_load",
        "bench.web_pages",
        "bench.web_load",
    ]
    assert list(tmp_path.iterdir()) == []


def test_without_a_folder_the_results_go_to_a_new_temporary_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench_all.main(["--dry-run", "--only", "catchup"])
    out = capsys.readouterr().out
    folder = Path(out.split("results go to ", 1)[1].split()[0])
    try:
        assert folder.is_dir() and folder.name.startswith("canxie-bench-")
        assert folder.resolve() != COMMITTED_RESULTS.resolve()
        assert f"--results {folder}" in out
    finally:
        shutil.rmtree(folder)


def test_rendering_writes_only_the_document_named(tmp_path: Path) -> None:
    results = shutil.copytree(COMMITTED_RESULTS, tmp_path / "results")
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text(
        f"# title\n\nintro\n\n{bench_all.BEGIN}\nold table\n{bench_all.END}\n\n## after\n",
        encoding="utf-8",
    )
    bench_all.main(["--render-only", "--results", str(results)])
    assert "old table" in doc.read_text(encoding="utf-8")  # not asked: nothing written
    bench_all.main(["--render-only", "--results", str(results), "--write-doc", "--doc", str(doc)])
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# title\n\nintro\n\n") and text.endswith("\n\n## after\n")
    assert "old table" not in text and "| 1. API commands, hosted" in text
    assert "| 8. web: first load of the heaviest page" in text
    assert sorted(p.name for p in results.iterdir()) == sorted(
        p.name for p in COMMITTED_RESULTS.iterdir()
    )


def test_render_only_needs_the_folder_to_render() -> None:
    with pytest.raises(SystemExit) as refused:
        bench_all.main(["--render-only"])
    assert refused.value.code == 2


@pytest.mark.hosted
def test_a_small_run_writes_its_results_and_table_into_the_folder(tmp_path: Path) -> None:
    bench_all.main(["--only", "catchup", "--events", "200", "--results", str(tmp_path)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catchup.json", "performance.md"]
    table = (tmp_path / "performance.md").read_text(encoding="utf-8")
    assert "2. catch-up, all 12 read models vs raw" in table
