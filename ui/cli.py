"""The `dtikg` command line: ingest, index, ask, stats, sparql, export, serve.

Calls of ../shared/qa/CONTRACT.md are kept exactly; messages for users are Vietnamese
and no traceback reaches the terminal.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from ingest.errors import DtikgError


def _kg(args, read_only: bool = False):
    from kg.service import KnowledgeGraph
    return KnowledgeGraph(args.store, endpoint=getattr(args, "endpoint", None), read_only=read_only)


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_ingest(args) -> int:
    kg = _kg(args)
    paths = args.paths or [str(Path(__file__).resolve().parents[1] / "data")]
    outcomes = kg.ingest(paths, progress=not args.quiet)
    failed = 0
    for o in outcomes:
        if o.ok:
            names = {"indicator": "chỉ tiêu", "sub_item": "chỉ tiêu thành phần", "task": "nhiệm vụ", "duty": "trách nhiệm tổ chức thực hiện",
                     "info_item": "mục thông tin chung", "team": "đoàn kiểm tra"}
            counts = ", ".join(f"{v} {names.get(k, k)}" for k, v in o.counts.items() if v)
            print(f"✓ {o.file}: {counts or 'không có mục nào'}")
            for w in o.warnings:
                print(f"  ! {w}")
        else:
            failed += 1
            print(f"✗ {o.file}: {o.message}", file=sys.stderr)
    if any(o.ok for o in outcomes):  # the last step: the answering index of the graph as it now is
        from qa.embedder import embedder_from_config
        from qa.index import build_index
        _print_index(build_index(kg, embedder_from_config(), progress=not args.quiet))
    kg.close()
    if not outcomes:
        from ingest.converters import SUPPORTED_SUFFIXES
        print(f"Không có tệp nào để nạp ({', '.join(SUPPORTED_SUFFIXES)}).", file=sys.stderr)
        return 1
    return 1 if failed == len(outcomes) else 0


def cmd_index(args) -> int:
    from qa.embedder import embedder_from_config
    from qa.index import build_index
    kg = _kg(args)
    _print_index(build_index(kg, embedder_from_config(), progress=not args.quiet))
    kg.close()
    return 0


def _print_index(summary) -> None:
    if summary.built:
        print(f"✓ Chỉ mục hỏi đáp: {summary.items} mục tra cứu ({summary.embedded} mục mới được nhúng), "
              f"{summary.concepts} nhóm chỉ tiêu cùng nghĩa giữa các tỉnh, {summary.seconds:.1f} giây")
    else:
        print("✓ Chỉ mục hỏi đáp đã khớp với các văn bản trong kho, không cần xây lại")


def _engine(args):
    """The engine over the store, which is first brought up to date if it can be written: the
    default store built from data/ on first use, a missing or stale index built."""
    from qa.embedder import embedder_from_config
    from qa.engine import QAEngine
    from qa.index import ensure_index
    kg = _kg(args)
    if kg.is_ready and not kg.is_current and not kg.read_only:
        print("Kho được dựng bằng phiên bản đọc văn bản cũ hơn: đang đọc lại các văn bản…", file=sys.stderr)
    kg.ensure_built(progress=False)
    embedder = embedder_from_config()
    ensure_index(kg, embedder, progress=True)
    return QAEngine(kg, embedder=embedder)


def _day(text: str):
    from qa.normalize import parse_day
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_ask(args) -> int:
    engine = _engine(args)
    if args.jsonl:
        stream = sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8", errors="replace")
        for line in stream:
            _print_json(engine.ask(line.rstrip("\n"), as_of=args.as_of))
        return 0
    answer = engine.ask(args.question or "", as_of=args.as_of)
    if args.json:
        _print_json(answer)
    else:
        if answer.get("interpretation"):
            print(f"(Câu hỏi được hiểu là: {answer['interpretation']})")
        print(answer["answer"])
    return 0


def cmd_stats(args) -> int:
    kg = _kg(args)
    kg.ensure_built(progress=False)
    stats = kg.stats()
    if args.json:
        _print_json(stats)
    else:
        print(f"Số bộ ba (triple): {stats['triples']}")
        for d in stats["documents"]:
            print(f"- {d['file']} ({d['province']}): {d['indicators']} chỉ tiêu, {d['sub_items']} chỉ tiêu "
                  f"thành phần, {d['tasks']} nhiệm vụ, {d['info_items']} mục thông tin chung, {d['teams']} đoàn "
                  f"kiểm tra, {d['assignments']} phân công, {d['legal_references']} văn bản viện dẫn")
    return 0


def cmd_sparql(args) -> int:
    from kg.sparql import run_readonly
    kg = _kg(args)
    kg.ensure_built(progress=False)
    text = Path(args.query[1:]).read_text(encoding="utf-8") if args.query.startswith("@") else args.query
    result = run_readonly(kg.store, text, timeout=args.timeout, row_limit=args.limit)
    _print_json(result)
    return 0


def cmd_export(args) -> int:
    kg = _kg(args)
    kg.ensure_built(progress=False)
    data = kg.export(args.format)
    if args.output:
        Path(args.output).write_text(data, encoding="utf-8")
        print(f"Đã ghi {args.output}")
    else:
        sys.stdout.write(data)
    return 0


def cmd_serve(args) -> int:
    from ui.app import serve
    return serve(host=args.host, port=args.port, store=args.store, auth=args.auth)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dtikg", description="Đồ thị tri thức và hỏi đáp về kế hoạch chuyển đổi số.")
    p.add_argument("--verbose", action="store_true", help="ghi nhật ký chi tiết ra stderr")
    sub = p.add_subparsers(dest="command", required=True)

    def store_opt(sp):
        sp.add_argument("--store", default=os.environ.get("DTIKG_STORE"),
                        help="thư mục kho dữ liệu (mặc định: DTIKG_STORE hoặc .dtikg/store)")
        sp.add_argument("--endpoint", default=None, help="URL truy vấn của một máy chủ SPARQL 1.1 (thay kho nhúng)")

    sp = sub.add_parser("ingest", help="nạp tệp hoặc thư mục vào kho")
    sp.add_argument("paths", nargs="*")
    sp.add_argument("--quiet", action="store_true")
    store_opt(sp)
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("index", help="xây lại chỉ mục hỏi đáp của kho (bước cuối của ingest) nếu đã cũ")
    sp.add_argument("--quiet", action="store_true")
    store_opt(sp)
    sp.set_defaults(func=cmd_index)

    sp = sub.add_parser("ask", help="hỏi một câu bằng tiếng Việt")
    sp.add_argument("question", nargs="?")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--jsonl", metavar="FILE", help="đọc mỗi dòng một câu hỏi ('-' là stdin)")
    sp.add_argument("--as-of", type=_day, default=None, metavar="NGÀY",
                    help="trả lời theo tên gọi cơ quan, tỉnh tại ngày này (01/7/2025 hoặc 2025-07-01); "
                         "mặc định: hôm nay. Trước 01/3/2025 chưa áp dụng việc sắp xếp bộ máy năm 2025")
    store_opt(sp)
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("stats", help="thống kê theo văn bản nguồn")
    sp.add_argument("--json", action="store_true")
    store_opt(sp)
    sp.set_defaults(func=cmd_stats)

    sp = sub.add_parser("sparql", help="chạy một truy vấn SPARQL chỉ đọc (hoặc @tệp.rq)")
    sp.add_argument("query")
    sp.add_argument("--timeout", type=float, default=10.0)
    sp.add_argument("--limit", type=int, default=1000)
    store_opt(sp)
    sp.set_defaults(func=cmd_sparql)

    sp = sub.add_parser("export", help="xuất toàn bộ đồ thị")
    sp.add_argument("--format", choices=["ttl", "jsonld", "nt"], default="ttl")
    sp.add_argument("--output", "-o")
    store_opt(sp)
    sp.set_defaults(func=cmd_export)

    sp = sub.add_parser("serve", help="chạy giao diện web")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=7860)
    sp.add_argument("--auth", default=os.environ.get("DTIKG_AUTH"), help="user:password (bắt buộc khi không phải loopback)")
    store_opt(sp)
    sp.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("qa.engine").setLevel(logging.CRITICAL)
    try:
        return args.func(args)
    except DtikgError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"Lỗi: tham số không hợp lệ ({exc}).", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: never a traceback for users
        if args.verbose:
            raise
        print(f"Lỗi không mong đợi: {type(exc).__name__}. Chạy lại với --verbose để xem chi tiết.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
