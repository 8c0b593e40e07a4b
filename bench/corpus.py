"""`ScaleCorpus.write(folder) -> list[Path]`: a deterministic scale corpus from the seeds.

The 63 provinces × 4 plan years give 252 (province, year) slots. The five seed documents
fill their own slots verbatim; every other slot gets a copy of one seed (its layout kept
line by line) with the province name, years, target percentages, deadline months, local
plan numbers and a few canonical `Sở …` names rewritten. Scale N× is the five seeds plus
the first 5·N − 5 generated documents of a fixed, seed-shuffled slot order, so 1× ⊂ 10× ⊂
50×, and the same random seed always gives the same bytes.

    python -m bench.corpus --scale 10 --out /tmp/dtikg-bench/corpus-10x [--seed 7]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "data"
YEARS = (2022, 2023, 2024, 2025)
DEFAULT_SEED = 20240601

# Issuer codes of a province's own documents: their numbers are renumbered and their dates
# shifted with the plan year. Every other issuer (ministries, government) is national and
# its references are kept verbatim, so one national document keeps one number and date.
LOCAL_ISSUERS = ("UBND", "BCĐ", "BCĐCĐS", "BĐHCĐS", "HĐND", "TU", "BTV")

_REF = re.compile(
    r"(?<!\d)(?P<num>\d{1,5})(?P<rest>(?:/20\d\d)?/[A-ZĐ]{1,5}-(?P<iss1>[A-ZĐa-zđ&]{1,10})"
    r"|-[A-ZĐ]{1,4}/(?P<iss2>[A-ZĐ]{1,5}))"
    r"(?P<date>\s*ngày\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*20\d\d)?")
_RANGE = re.compile(r"\b20\d\d\s*[-–]\s*20\d\d\b")
_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
_MONTH = re.compile(r"(?i)(tháng\s*)(\d{1,2})(\s*/\s*20\d\d)")
_PERCENT = re.compile(r"(?<![\d,./])(\d{1,3}(?:,\d{1,2})?)(\s*%)")


@dataclass(frozen=True)
class Slot:
    """One document of the corpus: which seed it copies and for what province and year."""

    index: int
    province: str
    year: int
    seed_file: str
    generated: bool


def province_names() -> list[str]:
    """The 63 canonical province names of the code list (prov: scheme), sorted."""
    from ontology import codelists
    return sorted(c.label for c in codelists.provinces())


def so_names() -> list[str]:
    """Canonical names of the provincial departments (`Sở …`) in the code list."""
    from ontology import codelists
    return sorted(c.label for c in codelists.agency_types() if c.label.startswith("Sở "))


def _fold_char(c: str) -> str:
    base = "".join(x for x in unicodedata.normalize("NFD", c) if unicodedata.category(x) != "Mn")
    base = base.replace("đ", "d").replace("Đ", "D").lower()
    return base if len(base) == 1 else c.lower()


def fold_same_length(text: str) -> str:
    """Fold NFC text character by character, so indices into the result fit the input."""
    return "".join(_fold_char(c) for c in text)


@dataclass(frozen=True)
class SeedInfo:
    file: str
    province: str
    year: int
    text: str


def read_seeds(seed_dir: Path = SEED_DIR) -> list[SeedInfo]:
    """The five seed documents with the province and plan year the project's reader finds."""
    from ingest.plan import read_plan
    from ingest.text import decode_bytes, split_lines
    out = []
    for path in sorted(seed_dir.glob("*.txt")):
        data = path.read_bytes()
        text = unicodedata.normalize("NFC", decode_bytes(data, path.name))
        plan = read_plan(path.name, split_lines(text))
        if plan.province is None or plan.year is None:
            raise ValueError(f"seed {path.name!r} has no detectable province or year")
        out.append(SeedInfo(path.name, plan.province, plan.year, text))
    if len(out) != 5:
        raise ValueError(f"expected the five seed documents in {seed_dir}, found {len(out)}")
    return out


class DocumentRewriter:
    """Rewrites one seed's text for another province and year, keeping its layout."""

    def __init__(self, seed: SeedInfo, province: str, year: int, rng: random.Random,
                 departments: list[str]):
        self.seed = seed
        self.province = province
        self.delta = year - seed.year
        self.rng = rng
        self.numbers: dict[str, str] = {}
        self.percents: dict[str, str] = {}
        months = list(range(1, 13))
        shuffled = months[:]
        rng.shuffle(shuffled)
        self.months = dict(zip(months, shuffled))
        pool = departments[:]
        rng.shuffle(pool)
        self.swaps: dict[str, str] = {}
        for a, b in zip(pool[0:6:2], pool[1:6:2]):  # three swapped pairs per document
            self.swaps[a] = b
            self.swaps[b] = a
        names = sorted(self.swaps, key=len, reverse=True)
        self._swap_re = re.compile("|".join(re.escape(n) for n in names) + r"(?![\wÀ-ỹ])") if names else None
        self._province_re = re.compile(rf"\b{re.escape(fold_same_length(seed.province))}\b")

    # ---------------------------------------------------------------- pieces
    def _new_number(self, number: str) -> str:
        if number not in self.numbers:
            n = int(number)
            self.numbers[number] = str(self.rng.randint(max(1, n // 3), n * 3 + 30))
        return self.numbers[number]

    def _new_percent(self, value: str) -> str:
        if value not in self.percents:
            if "," in value:
                whole, frac = value.split(",")
                v = float(f"{whole}.{frac}") + self.rng.choice((-1.5, -0.5, 0.5, 1.5))
                v = min(max(v, 0.5), 99.5)
                new = f"{v:.{len(frac)}f}".replace(".", ",")
            else:
                v = int(value)
                if v == 100 and self.rng.random() < 0.75:
                    new = value
                else:
                    v = min(max(v + self.rng.choice((-15, -10, -5, 5, 10, 15)), 1), 100)
                    new = str(v).zfill(len(value)) if value.startswith("0") else str(v)
            self.percents[value] = new
        return self.percents[value]

    def _shift_year(self, m: re.Match) -> str:
        year = int(m.group(0))
        s, e = m.start(), m.end()
        text = m.string
        if s > 0 and text[s - 1] == "/" and e < len(text) and text[e] == "/":
            return m.group(0)  # the year inside a number such as 12/2022/TT-BTTTT
        if abs(year - self.seed.year) > 2:
            return m.group(0)  # periods and horizons (2016, 2030) stay as they are
        return str(year + self.delta)

    def _free(self, text: str) -> str:
        """Rewrites a stretch of text that holds no national reference and no year range."""
        def month(m: re.Match) -> str:
            n = int(m.group(2))
            new = self.months.get(n, n)
            return m.group(1) + (str(new).zfill(len(m.group(2)))) + m.group(3)
        text = _MONTH.sub(month, text)
        text = _YEAR.sub(self._shift_year, text)
        text = _PERCENT.sub(lambda m: self._new_percent(m.group(1)) + m.group(2), text)
        if self._swap_re is not None:
            text = self._swap_re.sub(lambda m: self.swaps[m.group(0)], text)
        return self._rename_province(text)

    def _rename_province(self, text: str) -> str:
        folded = fold_same_length(text)
        out, last = [], 0
        for m in self._province_re.finditer(folded):
            original = text[m.start():m.end()]
            new = self.province.upper() if original.isupper() else self.province
            out += [text[last:m.start()], new]
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    # ---------------------------------------------------------------- whole line
    def line(self, line: str) -> str:
        protected: list[tuple[int, int, str]] = []
        for m in _REF.finditer(line):
            issuer = m.group("iss1") or m.group("iss2") or ""
            if issuer in LOCAL_ISSUERS:
                protected.append((m.start(), m.start("rest"), self._new_number(m.group("num"))))
            else:
                protected.append((m.start(), m.end(), m.group(0)))
        for m in _RANGE.finditer(line):
            if not any(s < m.end() and m.start() < e for s, e, _ in protected):
                protected.append((m.start(), m.end(), m.group(0)))
        protected.sort()
        out, last = [], 0
        for s, e, replacement in protected:
            out += [self._free(line[last:s]), replacement]
            last = e
        out.append(self._free(line[last:]))
        return "".join(out)

    def rewrite(self) -> str:
        return "\n".join(self.line(line) for line in self.seed.text.split("\n"))


class ScaleCorpus:
    """The N× corpus: the five seeds plus 5·N − 5 generated documents, written as .txt."""

    def __init__(self, scale: int, seed: int = DEFAULT_SEED, seed_dir: Path = SEED_DIR):
        if not 1 <= scale <= 50:
            raise ValueError(f"scale must be within 1..50, got {scale!r}")
        self.scale = scale
        self.seed = seed
        self.seeds = read_seeds(seed_dir)

    def slots(self) -> list[Slot]:
        taken = {(s.province, s.year) for s in self.seeds}
        free = [(p, y) for p in province_names() for y in YEARS if (p, y) not in taken]
        random.Random(self.seed).shuffle(free)
        out = [Slot(i, s.province, s.year, s.file, False) for i, s in enumerate(self.seeds)]
        for i, (province, year) in enumerate(free[: 5 * self.scale - 5]):
            seed = self.seeds[i % len(self.seeds)]
            out.append(Slot(len(out), province, year, seed.file, True))
        return out

    def texts(self) -> list[tuple[str, Slot, bytes]]:
        """(file name, slot, UTF-8 bytes) for every document, in slot order."""
        by_file = {s.file: s for s in self.seeds}
        departments = so_names()
        out = []
        for slot in self.slots():
            seed = by_file[slot.seed_file]
            if not slot.generated:
                out.append((slot.seed_file, slot, (SEED_DIR / slot.seed_file).read_bytes()))
                continue
            rng = random.Random(f"{self.seed}:{slot.province}:{slot.year}")
            text = DocumentRewriter(seed, slot.province, slot.year, rng, departments).rewrite()
            data = text.encode("utf-8")
            name = f"{slot.index:03d}_{hashlib.sha1(data).hexdigest()[:16]}.txt"
            out.append((name, slot, data))
        return out

    def write(self, folder: str | Path) -> list[Path]:
        """Writes the documents and a manifest.json (not ingested: only .txt/.md are)."""
        folder = Path(folder)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        paths, manifest = [], []
        for name, slot, data in self.texts():
            path = folder / name
            path.write_bytes(data)
            paths.append(path)
            manifest.append({"file": name, "province": slot.province, "year": slot.year,
                             "layout_of": slot.seed_file, "generated": slot.generated,
                             "bytes": len(data)})
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                              encoding="utf-8")
        return paths


def corpus_digest(folder: str | Path) -> str:
    """sha256 over the names and bytes of the corpus's .txt files."""
    h = hashlib.sha256()
    for path in sorted(Path(folder).glob("*.txt")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def verify(folder: str | Path) -> list[str]:
    """Problems found by reading every document back with the project's reader: the
    province it detects must be the slot's, and the items must match its seed's counts."""
    from ingest.pipeline import DocumentReader
    from ingest.records import ItemKind
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    reader = DocumentReader()
    seeds: dict[str, dict] = {}
    problems = []
    for entry in manifest:
        doc = reader.read_path(folder / entry["file"])
        counts = {k.value: doc.count(k) for k in ItemKind}
        if not entry["generated"]:
            seeds[entry["file"]] = counts
        if doc.plan.province != entry["province"]:
            problems.append(f"{entry['file']}: province {doc.plan.province!r}, want {entry['province']!r}")
        if doc.plan.year not in (entry["year"], None):
            problems.append(f"{entry['file']}: year {doc.plan.year}, want {entry['year']}")
        entry["counts"] = counts
    for entry in manifest:
        want = seeds.get(entry["layout_of"])
        if entry["generated"] and want is not None and entry["counts"] != want:
            problems.append(f"{entry['file']} ({entry['province']} {entry['year']}, layout of "
                            f"{entry['layout_of']}): items {entry['counts']} vs seed {want}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", required=True)
    ap.add_argument("--verify", action="store_true", help="read every document back and compare")
    args = ap.parse_args(argv)
    paths = ScaleCorpus(args.scale, args.seed).write(args.out)
    print(f"{len(paths)} documents, {sum(p.stat().st_size for p in paths)} bytes, "
          f"sha256 {corpus_digest(args.out)[:16]} in {args.out}")
    if args.verify:
        problems = verify(args.out)
        for p in problems:
            print("!", p)
        print(f"verify: {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
