"""Profiles of the slow paths with pyinstrument (pip install '.[bench]'), as text reports.

    python -m bench.profile answer --store DIR [--passes 2]     # warm answers to the dev set
    python -m bench.profile ingest --corpus DIR --store DIR     # graph ingest
    python -m bench.profile build --store DIR                   # the answering index, from scratch

Reports go to OUT/profiles/<what>-<store name>.txt and to stdout.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bench.worker import dev_questions

DEFAULT_OUT = Path("/tmp/dtikg-bench/profiles")


def _profiler():
    try:
        from pyinstrument import Profiler
    except ImportError as exc:
        raise SystemExit("pyinstrument is missing: .venv/bin/pip install -e '.[bench]'") from exc
    return Profiler(interval=0.001)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.profile")
    ap.add_argument("what", choices=["answer", "ingest", "build"])
    ap.add_argument("--store", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    from kg.service import KnowledgeGraph
    store = Path(args.store)
    profiler = _profiler()
    if args.what == "ingest":
        if not args.corpus:
            raise SystemExit("ingest needs --corpus")
        if store.exists():
            shutil.rmtree(store)
        kg = KnowledgeGraph(store)
        profiler.start()
        kg.ingest([args.corpus])
        profiler.stop()
    elif args.what == "build":
        from qa.embedder import embedder_from_config
        from qa.index import build_index
        shutil.rmtree(store / "index", ignore_errors=True)  # vectors too: the build embeds every text
        kg = KnowledgeGraph(store)
        embedder = embedder_from_config()
        profiler.start()
        build_index(kg, embedder)
        profiler.stop()
    else:
        from qa.engine import QAEngine
        kg = KnowledgeGraph(store)
        engine = QAEngine(kg)
        questions = dev_questions()
        for q in questions:  # warm-up, not profiled
            engine.ask(q)
        profiler.start()
        for _ in range(args.passes):
            for q in questions:
                engine.ask(q)
        profiler.stop()
    kg.close()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{args.what}-{store.name}.txt"
    path.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    print(f"profile written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
