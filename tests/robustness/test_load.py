"""Load: 20 concurrent clients send 200 questions in all to `/ask` of `dtikg serve` running in
its own process on loopback, through Gradio's plain HTTP API (POST, then read the event
stream). Zero errors, every answer the same as asked alone, latency percentiles, and the
server's memory (VmRSS) before and after: under 10 % growth after a warm-up round."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

CLIENTS = 20
QUESTIONS_PER_ROUND = 200
WARM_UP = 100


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _ask(http: httpx.Client, question: str) -> dict:
    posted = http.post("gradio_api/call/ask", json={"data": [question]})
    posted.raise_for_status()
    event = None
    with http.stream("GET", f"gradio_api/call/ask/{posted.json()['event_id']}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(f"server error: {line[5:].strip()[:200]}")
                (answer,) = json.loads(line[5:])
                return answer
    raise RuntimeError(f"no answer (last event {event!r})")


def _round(url: str, questions: list[str]) -> tuple[list[float], list[tuple[str, dict | None, str | None]]]:
    """Every question once, shared out over CLIENTS threads that start together."""
    latencies: list[float] = []
    results: list[tuple[str, dict | None, str | None]] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(share: list[str]) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            start.wait()
            for question in share:
                began = time.perf_counter()
                try:
                    answer, error = _ask(http, question), None
                except Exception as exc:  # counted, reported below
                    answer, error = None, f"{type(exc).__name__}: {exc}"[:300]
                with lock:
                    latencies.append(time.perf_counter() - began)
                    results.append((question, answer, error))

    threads = [threading.Thread(target=client, args=(questions[n::CLIENTS],)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return latencies, results


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


@pytest.mark.slow
def test_twenty_clients_two_hundred_questions(load_server, shared_qa, reliability_log, artifacts):
    url, pid = load_server
    pool = [q["q"] for q in json.loads((shared_qa / "dev.json").read_text(encoding="utf-8"))]
    pool += [q["q"] for q in json.loads((Path(__file__).parents[1] / "qa" / "heldout.json").read_text(encoding="utf-8"))]
    questions = [pool[n % len(pool)] for n in range(QUESTIONS_PER_ROUND)]
    with httpx.Client(base_url=url, timeout=120) as http:
        alone = {q: _ask(http, q) for q in pool}  # each question asked alone, one at a time
    rss_start = _rss_kib(pid)
    _, warm = _round(url, questions[:WARM_UP])
    assert [e for _, _, e in warm if e] == []
    rss_before = _rss_kib(pid)
    began = time.perf_counter()
    latencies, results = _round(url, questions)
    wall = time.perf_counter() - began
    rss_after = _rss_kib(pid)
    errors = [(q, e) for q, _, e in results if e]
    differing = [q for q, a, e in results if not e and a != alone[q]]
    p50, p95 = _percentile(latencies, 50), _percentile(latencies, 95)
    growth = (rss_after - rss_before) / rss_before
    figures = {"clients": CLIENTS, "questions": len(results), "distinct_questions": len(pool), "errors": len(errors),
               "answers_differing_from_alone": len(differing), "wall_seconds": round(wall, 2),
               "throughput_per_second": round(len(results) / wall, 1), "p50_ms": round(p50 * 1000),
               "p95_ms": round(p95 * 1000), "max_ms": round(max(latencies) * 1000),
               "rss_mib_start": round(rss_start / 1024, 1), "rss_mib_after_warmup": round(rss_before / 1024, 1),
               "rss_mib_after": round(rss_after / 1024, 1), "rss_growth_percent": round(100 * growth, 2)}
    (artifacts / "robustness-load.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(figures)
    reliability_log.append({"group": "tải", "case": f"{CLIENTS} máy khách đồng thời, {len(results)} câu hỏi tới /ask "
                                                    f"(sau khi hỏi riêng từng câu một lần và một vòng khởi động {WARM_UP} câu)", "outcome": figures})
    assert errors == [], errors[:3]
    assert len(results) == QUESTIONS_PER_ROUND and differing == [], differing[:3]
    assert growth < 0.10, figures
