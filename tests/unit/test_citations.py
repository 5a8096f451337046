"""Every citation in the repository points at something a user who clones it can follow: no
reference document outside the repository, and every `docs/graph-notes.md#section` exists."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Written in pieces, so that this file does not match what it looks for.
OUTSIDE = re.compile("|".join([r"graph-api\.md", "pulumi" + "-notes", "reference" + " §", r"§\d", r"\.\./shared"]))
NOTES = "docs/graph-notes.md"
CITED = re.compile(re.escape(NOTES) + r"((?:#[a-z-]+)(?:(?:, | to )#[a-z-]+)*)")


def tracked_text_files() -> list[Path]:
    """The repository's text files, this one excepted (it names what it looks for)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    paths = [ROOT / line for line in listed.stdout.splitlines() if line]
    return [p for p in paths if p.suffix in {".py", ".md", ".sh", ".yml", ".yaml", ".go", ".txt"} and p.is_file()
            and p.resolve() != Path(__file__).resolve()]


def test_no_citation_points_outside_the_repository():
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in tracked_text_files()
             for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1) if OUTSIDE.search(line)]
    assert found == []


def test_every_cited_section_of_the_graph_notes_exists():
    headings = {"#" + re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
                for h in re.findall(r"^## (.+)$", (ROOT / NOTES).read_text(), flags=re.M)}
    cited = {anchor for p in tracked_text_files() for group in CITED.findall(p.read_text(errors="replace"))
             for anchor in re.findall(r"#[a-z-]+", group)}
    assert cited, "the code cites the notes"
    assert cited - headings == set()
