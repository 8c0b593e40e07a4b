"""Scanned PDFs and page images → `Document`: poppler's `pdftoppm` renders, the `tesseract` CLI reads.

One page at a time (a grey image in a temporary folder, deleted once the page is read): the
page is straightened (the angle at which its rows of ink line up), its ruled tables are found
in the image (rules: long dark runs across; column lines: pixel columns dark over the whole
height between two rules; a cell with no rule above it is merged with the one above) and
their lines erased; one tesseract run then reads the page with its tables blanked and every
inked cell on its own (TSV word boxes), so a cell's words never run into its neighbour's.
Words outside tables make printed lines in reading order (a two-column block such as the quốc
hiệu left column first). Without ruling lines, a line whose spaced-out parts read as column
headers (TT | Chỉ tiêu | Đơn vị chủ trì …) gives the columns, the gaps of the lines below fix
their edges, and a row starts where the first column holds a number or a roman numeral.
Tables come out as the text-layer PDF converter makes them: a `Table` a page, one converted
line a row (cells joined by a tab), a repeated header row marked `header`, the first rows after
a page break `after_break`. Numbers OCR misreads ("HI." for "III.", a lone "7" lost) are mended
only where the numbers before and after agree, each with a warning. Every line has its page
and the mean confidence of its words (0-1). Nothing here knows a file or a province.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import IngestError
from ..text import clean_line, squash
from .layout import Line, Page, RawTable, Segment, assemble, column, drop_running_lines

DPI = 300
LANG = "vie"
PAGE_TIMEOUT = 120.0  # seconds for rendering, or reading, one page; an A4 page takes 1-3 s in all
MAX_PAGES = 1000
MAX_PIXELS = 50_000_000  # a bigger page (a poster at 300 dpi) is rendered or scaled down to this: memory stays bounded
MAX_SKEW = 3.0  # degrees a scanned page may lean and still be straightened
MAX_PAGE_INCHES = 17.0  # the long side of an A3 sheet, with a margin: a resolution saying more is not the page's
# tesseract's page segmentation: "a single uniform block of text" (psm 4, "a single column",
# and psm 3, automatic, drop a lone row number beside a wide gap; on plain text all three agree)
PSM = 6
MEDIA_PDF = "application/pdf"
INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-vie poppler-utils"

_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"))
_LANG = re.compile(r"^[A-Za-z_]+(?:\+[A-Za-z_]+)*$")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*[.)]?$")
_ROMAN = re.compile(r"^[IVXL]{1,6}[.)]?$")
_RULE_MARKS = "|[]{}¦_"  # what tesseract makes of a ruling line it meets
# A heading's roman numeral as OCR may read it ("HI." for "III.", "11." for "II."), then capitals.
_ROMAN_READ = re.compile(r"^([IVXLHl1|!]{1,6})\s*\.\s*(?=\S)")
_ROMAN_WORD = re.compile(r"^([IVXLHl1|!]{1,6})\.(.*)$")
_VALID_ROMAN = re.compile(r"^(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_NUMBERING_GAP = re.compile(r"^((?:[IVXL]{1,6}|\d{1,2})\.)(?=[^\W\d_])")  # "I.NHẬN", "1.Tập": the space OCR lost
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


def media_type_of(data: bytes) -> str | None:
    """'application/pdf', 'image/png', 'image/jpeg' or 'image/tiff' from the first bytes; None otherwise."""
    if data[:1024].lstrip().startswith(b"%PDF"):
        return MEDIA_PDF
    for magic, media in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media
    return None


class OcrConverter:
    """Scanned PDF or image bytes → `Document` by optical character recognition (tesseract)."""

    paged = True  # convert() takes an on_page(done, total) callback

    media_type = MEDIA_PDF

    def __init__(self, dpi: int = DPI, lang: str = LANG, timeout: float = PAGE_TIMEOUT,
                 max_pages: int = MAX_PAGES):
        if not isinstance(dpi, int) or isinstance(dpi, bool) or not 72 <= dpi <= 1200:
            raise ValueError(f"dpi must be an integer from 72 to 1200, got {dpi!r}")
        if not isinstance(lang, str) or not _LANG.match(lang):
            raise ValueError(f"lang must be tesseract language codes such as 'vie' or 'vie+eng', got {lang!r}")
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages <= 0:
            raise ValueError(f"max_pages must be a positive integer, got {max_pages!r}")
        self.dpi = dpi
        self.lang = lang
        self.timeout = float(timeout)
        self.max_pages = max_pages
        self._engine: tuple[str, str] | None = None  # (tesseract path, version), checked at first use

    def convert(self, name: str, data: bytes,
                on_page: Callable[[int, int], None] | None = None) -> Document:
        if not data or not data.strip():
            raise IngestError("I001", name=name)
        media = media_type_of(data)
        if media is None:
            raise IngestError("I033", name=name)
        _import_imaging()
        tesseract, version = self._tesseract(name)
        pages: list[_PageRead] = []
        with tempfile.TemporaryDirectory(prefix="dtikg-ocr-") as tmp:
            images = self._pdf_pages(name, data, Path(tmp)) if media == MEDIA_PDF else \
                self._image_pages(name, data)
            for number, total, gray, dpi in images:
                pages.append(self._read_page(name, tesseract, gray, dpi, number, Path(tmp)))
                if on_page is not None:
                    on_page(number, total)
        if not any(p.words for p in pages):
            raise IngestError("I037", name=name)
        drop_running_lines(pages)
        notes = _repair_numbering(pages)
        return _assemble(name, pages, media, f"tesseract {version} ({self.lang})", notes)

    # --- tools ----------------------------------------------------------------------

    def _tesseract(self, name: str) -> tuple[str, str]:
        """(path, version) of tesseract, once its language data for `lang` is known to be there."""
        if self._engine is not None:
            return self._engine
        path = shutil.which("tesseract")
        if path is None:
            raise IngestError("I030", name=name, hint=INSTALL_HINT)
        try:
            listed = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
            shown = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise IngestError("I040", name=name, kind=type(exc).__name__, hint=INSTALL_HINT) from exc
        have = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()[1:]}
        missing = [code for code in self.lang.split("+") if code not in have]
        if missing:
            packages = " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in missing)
            raise IngestError("I031", languages=', '.join(missing), name=name, packages=packages)
        match = re.search(r"tesseract\s+v?(\S+)", shown.stdout + shown.stderr)
        self._engine = (path, match.group(1) if match else "?")
        return self._engine

    def _pdf_pages(self, name: str, data: bytes, tmp: Path) -> Iterator[tuple[int, int, Any, int]]:
        """(page, pages, grey image, dpi) for each page, rendered by pdftoppm one at a time."""
        pdftoppm, pdfinfo = shutil.which("pdftoppm"), shutil.which("pdfinfo")
        if pdftoppm is None or pdfinfo is None:
            raise IngestError("I032", name=name)
        source = tmp / "ban_quet.pdf"
        source.write_bytes(data)
        sizes = self._page_sizes(name, pdfinfo, source)
        if len(sizes) > self.max_pages:
            raise IngestError("I038", name=name, pages=len(sizes), limit=self.max_pages)
        Image = _import_imaging()[1]
        for number, (width, height) in enumerate(sizes, 1):
            dpi = self.dpi
            while dpi > 72 and (width * dpi / 72) * (height * dpi / 72) > MAX_PIXELS:
                dpi = max(72, dpi * 2 // 3)
            stem = tmp / f"trang-{number}"
            # PGM, not PNG: pdftoppm's PNG encoder takes 2 s for an A4 page at 300 dpi, PGM 0.1 s
            self._run(name, number, [pdftoppm, "-r", str(dpi), "-gray", "-f", str(number), "-l", str(number),
                                     "-singlefile", str(source), str(stem)], "dựng ảnh")
            image = stem.with_suffix(".pgm")
            if not image.is_file():
                raise IngestError("I041", number=number, name=name)
            with Image.open(image) as im:
                gray = _as_gray(im)
            image.unlink()
            yield number, len(sizes), gray, dpi

    def _page_sizes(self, name: str, pdfinfo: str, source: Path) -> list[tuple[float, float]]:
        """Each page's size in points, from `pdfinfo -f 1 -l N`."""
        def info(*extra: str) -> str:
            try:
                proc = subprocess.run([pdfinfo, *extra, str(source)], capture_output=True, text=True,
                                      timeout=self.timeout)
            except subprocess.TimeoutExpired:
                raise IngestError("I047", name=name, seconds=self.timeout) from None
            if proc.returncode != 0:
                said = proc.stderr.lower()
                if "password" in said or "encrypt" in said:
                    raise IngestError("I011", name=name)
                raise IngestError("I042", name=name)
            return proc.stdout
        match = re.search(r"^Pages:\s+(\d+)", info(), re.M)
        count = int(match.group(1)) if match else 0
        if count == 0:
            raise IngestError("I029", name=name)
        if count > self.max_pages:
            return [(595.0, 842.0)] * count
        sizes = {int(m.group(1)): (float(m.group(2)), float(m.group(3))) for m in
                 re.finditer(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", info("-f", "1", "-l", str(count)),
                             re.M)}
        return [sizes.get(n, (595.0, 842.0)) for n in range(1, count + 1)]

    def _image_pages(self, name: str, data: bytes) -> Iterator[tuple[int, int, Any, int]]:
        """(page, pages, grey image, dpi) for each frame of an image file (a TIFF may hold
        several), turned upright by its EXIF orientation; the resolution the file records is
        used when it fits a page (a photo's 72 dpi does not), else `dpi`."""
        import io
        Image = _import_imaging()[1]
        from PIL import ImageOps
        try:
            im = Image.open(io.BytesIO(data))
            frames = getattr(im, "n_frames", 1)
            if frames > self.max_pages:
                raise IngestError("I043", name=name, pages=frames, limit=self.max_pages)
            for index in range(frames):
                im.seek(index)
                frame = ImageOps.exif_transpose(im) if index == 0 else im
                resolution = im.info.get("dpi") or (0, 0)
                dpi = int(round(float(resolution[0]))) if resolution and resolution[0] else 0
                if not 70 <= dpi <= 1200 or max(frame.size) / dpi > MAX_PAGE_INCHES:
                    dpi = self.dpi
                if frame.width * frame.height > MAX_PIXELS:
                    scale = (MAX_PIXELS / (frame.width * frame.height)) ** 0.5
                    frame = frame.convert("L").resize((int(frame.width * scale), int(frame.height * scale)),
                                                      Image.BILINEAR)
                    dpi = max(72, int(dpi * scale))
                yield index + 1, frames, _as_gray(frame), dpi
        except IngestError:
            raise
        except Image.DecompressionBombError as exc:
            raise IngestError("I044", name=name, kind=type(exc).__name__) from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise IngestError("I045", name=name, kind=type(exc).__name__) from exc

    def _run(self, name: str, number: int, command: list[str], doing: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, OMP_THREAD_LIMIT="1")  # tesseract's OpenMP threads cost more than they save
        try:
            proc = subprocess.run(command, capture_output=True, timeout=self.timeout, env=env)
        except subprocess.TimeoutExpired:
            raise IngestError("I035", number=number, name=name, doing=doing, seconds=self.timeout) from None
        except OSError as exc:
            raise IngestError("I046", tool=Path(command[0]).name, number=number, name=name, reason=exc.strerror or type(exc).__name__) from exc
        if proc.returncode != 0:
            said = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise IngestError("I036", number=number, name=name, doing=doing, said=' (' + said[-1][:200] + ')' if said else '')
        return proc

    # --- one page -------------------------------------------------------------------

    def _read_page(self, name: str, tesseract: str, gray: Any, dpi: int, number: int, tmp: Path) -> _PageRead:
        """Grids found and erased, then one tesseract run over a list of images: the page with
        its grids blanked, and each inked cell on its own (so that a cell's words never run
        into the next cell's, and a lone row number is read too)."""
        Image = _import_imaging()[1]
        gray = deskew(gray)
        grids = find_grids(gray, dpi)
        cleaned = erase_grids(gray, grids, dpi)
        outside = cleaned.copy()
        for grid in grids:
            outside[grid.top:grid.bottom + 1, grid.x0:grid.x1] = 255
        ink = ink_threshold(gray)
        images: list[tuple[GridCell | None, Any, int, int]] = []
        if (outside < ink).any():
            images.append((None, outside, 0, 0))
        images += _cell_crops(cleaned, grids, dpi, ink)
        words: list[Word] = []
        if images:
            paths = []
            for k, (_, image, _, _) in enumerate(images):
                path = tmp / f"trang-{number}-{k}.png"
                Image.fromarray(image).save(path, compress_level=1, dpi=(dpi, dpi))
                paths.append(path)
            listing = tmp / f"trang-{number}.txt"
            listing.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
            try:
                proc = self._run(name, number, [tesseract, str(listing), "stdout", "--dpi", str(dpi),
                                                "-l", self.lang, "--psm", str(PSM), "tsv"], "nhận dạng ký tự")
            finally:
                for path in paths + [listing]:
                    path.unlink(missing_ok=True)
            for word in parse_tsv(proc.stdout.decode("utf-8", "replace")):
                index = word.line[0] - 1
                if not 0 <= index < len(images):
                    continue
                cell, _, dx, dy = images[index]
                if cell is None:
                    words.append(word)
                else:
                    cell.words.append(Word(word.x0 + dx, word.top + dy, word.x1 + dx, word.bottom + dy,
                                           word.text, word.conf, word.line))
        return read_page(words, grids, number, gray.shape[0], dpi)


def _import_imaging():
    try:
        import numpy
        from PIL import Image
    except ImportError as exc:
        raise IngestError("I039") from exc
    return numpy, Image


def _as_gray(im: Any) -> Any:
    """An 8-bit grey numpy array of a Pillow image (transparency laid on white)."""
    np, Image = _import_imaging()
    if im.mode.startswith("I") or im.mode == "F":  # 16- and 32-bit grey: scaled to 8 bits
        values = np.asarray(im, dtype=np.float64)
        top = values.max() if values.size else 0
        return (values * (255 / top) if top > 255 else values).clip(0, 255).astype(np.uint8)
    if im.mode in ("RGBA", "LA", "P", "PA"):
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im)
    return np.array(im.convert("L"), dtype=np.uint8)


# --- ruling lines -----------------------------------------------------------------------

@dataclass
class Rule:
    """A horizontal ruling line: the pixel rows it covers and its pieces along x (end exclusive)."""

    top: int
    bottom: int
    segments: list[tuple[int, int]]

    @property
    def x0(self) -> int:
        return self.segments[0][0]

    @property
    def x1(self) -> int:
        return self.segments[-1][1]

    def covers(self, x: float, tolerance: float) -> bool:
        return any(a - tolerance <= x <= b + tolerance for a, b in self.segments)


@dataclass
class GridCell:
    """One cell of a ruled table as printed (merged cells are one cell); bounds in pixels."""

    x0: int
    x1: int
    top: int
    bottom: int
    words: list[Word] = field(default_factory=list)

    def holds(self, x: float, y: float) -> bool:
        return self.x0 <= x < self.x1 and self.top <= y < self.bottom


@dataclass
class Band:
    """The space between two consecutive rules of a grid: one table row."""

    top: int
    bottom: int
    verticals: list[tuple[int, int]]  # column lines crossing the band, x ranges (end exclusive)
    cells: list[GridCell] = field(default_factory=list)


@dataclass
class Grid:
    """A ruled table found in a page image."""

    x0: int
    x1: int
    rules: list[Rule]
    bands: list[Band]

    @property
    def top(self) -> int:
        return self.rules[0].top

    @property
    def bottom(self) -> int:
        return self.rules[-1].bottom

    def cell_at(self, x: float, y: float) -> GridCell | None:
        if not (self.x0 <= x < self.x1 and self.top <= y < self.bottom):
            return None
        for band in self.bands:
            if band.top <= y < band.bottom:
                for cell in band.cells:
                    if cell.holds(x, y):
                        return cell
        return None


def _runs(mask: Any, min_length: int) -> tuple[Any, Any, Any]:
    """(row, start, end) of the runs of True along the rows of `mask`, `min_length` or longer."""
    np = _import_imaging()[0]
    height, width = mask.shape
    padded = np.zeros((height, width + 2), np.int8)
    padded[:, 1:-1] = mask
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)  # row-major order: a row's starts and ends alternate
    keep = ends - starts >= min_length
    return rows[keep], starts[keep], ends[keep]


def ink_threshold(gray: Any) -> int:
    """The grey level below which a pixel is ink: Otsu's threshold of the page, kept between
    60 and 200 (128 for a page of one grey)."""
    np = _import_imaging()[0]
    hist = np.bincount(gray.ravel(), minlength=256).astype(float)
    total = hist.sum()
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight - mean * total) ** 2 / (weight * (total - weight))
    between = np.nan_to_num(between, nan=-1.0, posinf=-1.0)
    if between.max() <= 0:
        return 128
    return min(200, max(60, int(np.argmax(between))))


def _dark(gray: Any) -> Any:
    return gray < ink_threshold(gray)


def _find_rules(dark: Any, dpi: int) -> list[Rule]:
    """Horizontal ruling lines: runs a quarter inch or longer, stacked into lines at most
    1/20 inch thick (filled areas are not lines); a double rule is one rule."""
    bridged = dark.copy()
    bridged[:, 1:-1] |= dark[:, :-2] & dark[:, 2:]  # a one-pixel break in a scanned line
    rows, starts, ends = _runs(bridged, max(20, round(0.25 * dpi)))
    clusters: list[list[tuple[int, int, int]]] = []
    open_: list[list[tuple[int, int, int]]] = []
    for y, a, b in zip(rows.tolist(), starts.tolist(), ends.tolist()):
        open_ = [c for c in open_ if c[-1][0] >= y - 2]
        for cluster in open_:
            if any(a <= e + 2 and s <= b + 2 for _, s, e in cluster[-8:]):
                cluster.append((y, a, b))
                break
        else:
            cluster = [(y, a, b)]
            clusters.append(cluster)
            open_.append(cluster)
    gap = max(2, round(0.02 * dpi))
    rules = []
    for cluster in clusters:
        top, bottom = cluster[0][0], cluster[-1][0]
        if bottom - top + 1 > max(3, round(0.05 * dpi)):
            continue
        segments: list[list[int]] = []
        for _, a, b in sorted(cluster, key=lambda r: r[1]):
            if segments and a <= segments[-1][1] + gap:
                segments[-1][1] = max(segments[-1][1], b)
            else:
                segments.append([a, b])
        rules.append(Rule(top, bottom, [(a, b) for a, b in segments]))
    rules.sort(key=lambda r: r.top)
    merged: list[Rule] = []
    for rule in rules:
        last = merged[-1] if merged else None
        same_line = last is not None and rule.top <= last.bottom + 2  # pieces of a rule broken at a merged cell
        double = last is not None and rule.top - last.bottom <= round(0.04 * dpi) and rule.x0 < last.x1 \
            and last.x0 < rule.x1
        if last is not None and (same_line or double):
            segments = sorted(last.segments + rule.segments)
            joined: list[list[int]] = []
            for a, b in segments:
                if joined and a <= joined[-1][1] + gap:
                    joined[-1][1] = max(joined[-1][1], b)
                else:
                    joined.append([a, b])
            merged[-1] = Rule(last.top, max(last.bottom, rule.bottom), [(a, b) for a, b in joined])
        else:
            merged.append(rule)
    return merged


def _verticals(dark: Any, top: int, bottom: int, x0: int, x1: int, dpi: int) -> list[tuple[int, int]]:
    """Column lines between two rules: pixel columns dark over at least 90% of the band's
    height (text never fills a cell from rule to rule), at most 1/20 inch wide."""
    np = _import_imaging()[0]
    margin = max(1, round(0.006 * dpi))
    pad = max(2, round(0.03 * dpi))
    lo, hi = max(0, x0 - pad), min(dark.shape[1], x1 + pad)
    inner = dark[top + margin:bottom - margin, lo:hi]
    if inner.shape[0] < max(4, round(0.05 * dpi)) or inner.shape[1] == 0:
        return []
    spread = inner.copy()
    spread[:, 1:] |= inner[:, :-1]
    spread[:, :-1] |= inner[:, 1:]  # a line leaning by a pixel over the band still counts
    dark_columns = spread.mean(axis=0) >= 0.9
    lines: list[tuple[int, int]] = []
    for x in np.flatnonzero(dark_columns).tolist():
        if lines and x <= lines[-1][1] + 1:
            lines[-1] = (lines[-1][0], x + 1)
        else:
            lines.append((x, x + 1))
    widest = max(3, round(0.05 * dpi))
    return [(a + lo, b + lo) for a, b in lines if b - a <= widest]


def skew_angle(gray: Any) -> float:
    """How far in degrees the page is turned counter-clockwise: the angle at which the rows
    of ink (text lines, rules) line up best, i.e. the row profile is sharpest (sum of
    squares), tried over ±`MAX_SKEW` degrees, coarse then fine, on a sample of the ink."""
    np = _import_imaging()[0]
    dark = _dark(gray)[::2, ::2]
    ys, xs = np.nonzero(dark)
    if len(ys) < 500:
        return 0.0
    if len(ys) > 250_000:
        pick = np.random.default_rng(0).choice(len(ys), 250_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - xs.mean()

    def sharpness(angle: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025)
    best = float(max(fine, key=sharpness))
    return 0.0 if abs(best) < 0.1 else round(best, 3)  # 0.1° moves a line 4 px over an A4 page


def deskew(gray: Any) -> Any:
    """The page turned back so that its lines run straight (unchanged when it leans < 0.1°)."""
    angle = skew_angle(gray)
    if not angle:
        return gray
    np, Image = _import_imaging()
    turned = Image.fromarray(gray).rotate(-angle, resample=Image.BICUBIC, fillcolor=255)
    return np.asarray(turned, dtype=np.uint8).copy()


def find_grids(gray: Any, dpi: int) -> list[Grid]:
    """The ruled tables of a page image: runs of rules joined by column lines at both ends,
    with at least two rows and, in some row, two cells or more."""
    dark = _dark(gray)
    rules = _find_rules(dark, dpi)
    tolerance = max(3, round(0.03 * dpi))
    grids: list[Grid] = []
    current: Grid | None = None

    def close() -> None:
        if current is not None and len(current.bands) >= 2 and any(len(b.verticals) >= 3 for b in current.bands):
            _make_cells(current, tolerance)
            grids.append(current)

    for rule in rules:
        if current is not None:
            inside = min(current.x1, rule.x1) - max(current.x0, rule.x0)
            if inside >= 0.8 * (rule.x1 - rule.x0):
                last = current.rules[-1]
                lines = _verticals(dark, last.bottom + 1, rule.top, current.x0, current.x1, dpi)
                if lines and abs(lines[0][0] - current.x0) <= tolerance + (lines[0][1] - lines[0][0]) and \
                        abs(lines[-1][1] - current.x1) <= tolerance + (lines[-1][1] - lines[-1][0]):
                    current.rules.append(rule)
                    current.bands.append(Band(last.bottom + 1, rule.top, lines))
                    continue
            close()
        current = Grid(rule.x0, rule.x1, [rule], [])
    close()
    return grids


def _make_cells(grid: Grid, tolerance: int) -> None:
    """The cells of each band between its column lines; a cell without a rule above it
    continues the cell of the band above (merged down)."""
    for k, band in enumerate(grid.bands):
        lines = band.verticals
        for (_, left), (right, _) in zip(lines, lines[1:]):
            if right - left < tolerance:
                continue  # a double column line
            cell = GridCell(left, right, band.top, band.bottom)
            rule_above = grid.rules[k]
            if k > 0 and not rule_above.covers((left + right) / 2, 0):
                above = next((c for c in grid.bands[k - 1].cells
                              if abs(c.x0 - left) <= tolerance and abs(c.x1 - right) <= tolerance), None)
                if above is not None:
                    above.bottom = band.bottom
                    band.cells.append(above)
                    continue
            band.cells.append(cell)


def _cell_crops(cleaned: Any, grids: list[Grid], dpi: int, ink: int) -> list[tuple[GridCell, Any, int, int]]:
    """(cell, image, dx, dy) for every grid cell with ink in it: the cell's inside on a white
    margin, grey lighter than halfway from ink to white made white (the blur an erased line
    leaves in a scan, which tesseract's own threshold on a small image would turn into a
    stroke); (dx, dy) turns a word box in the image back into page pixels."""
    np = _import_imaging()[0]
    inset = max(2, round(0.01 * dpi))
    light = (ink + 255) // 2
    margin = max(4, round(0.05 * dpi))
    out = []
    seen: set[int] = set()
    for grid in grids:
        for band in grid.bands:
            for cell in band.cells:
                if id(cell) in seen:
                    continue
                seen.add(id(cell))
                x0, x1, y0, y1 = cell.x0 + inset, cell.x1 - inset, cell.top + inset, cell.bottom - inset
                if x1 - x0 < 4 or y1 - y0 < 4:
                    continue
                inside = cleaned[y0:y1, x0:x1]
                if int((inside < ink).sum()) < max(6, round((0.004 * dpi) ** 2)):
                    continue  # an empty cell
                image = np.full((y1 - y0 + 2 * margin, x1 - x0 + 2 * margin), 255, np.uint8)
                image[margin:margin + y1 - y0, margin:margin + x1 - x0] = np.where(inside >= light, 255, inside)
                out.append((cell, image, x0 - margin, y0 - margin))
    return out


def erase_grids(gray: Any, grids: list[Grid], dpi: int) -> Any:
    """A copy of the page with the grids' lines painted white (tesseract reads them as |, [ or _)."""
    out = gray.copy()
    m = max(1, round(0.006 * dpi))
    for grid in grids:
        for rule in grid.rules:
            for a, b in rule.segments:
                out[max(0, rule.top - m):rule.bottom + 1 + m, max(0, a - m):b + m] = 255
        for band in grid.bands:
            for a, b in band.verticals:
                out[max(0, band.top - m):band.bottom + m, max(0, a - m):b + m] = 255
    return out


# --- words ------------------------------------------------------------------------------

@dataclass
class Word:
    """A word tesseract read: its box in pixels, confidence 0-100 and tesseract's line."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    conf: float
    line: tuple[int, int, int, int]  # (image, block, paragraph, line) in tesseract's output

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def parse_tsv(tsv: str) -> list[Word]:
    """The words of tesseract's TSV output (level 5 rows), NFC, ruling-line marks removed."""
    words = []
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5":
            continue
        text = clean_line(fields[11]).strip().strip(_RULE_MARKS).strip()
        try:
            left, top, width, height = (int(v) for v in fields[6:10])
            conf = float(fields[10])
            key = (int(fields[1]), int(fields[2]), int(fields[3]), int(fields[4]))
        except ValueError:
            continue
        if not text or conf < 0:
            continue
        if conf < 60 and not any(c.isalnum() for c in text):
            continue  # specks and stray marks ("-" or "—" read with confidence stay: an empty cell's dash)
        words.append(Word(float(left), float(top), float(left + width), float(top + height),
                          unicodedata.normalize("NFC", text), conf, key))
    return words


def _cluster_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into printed lines by height, top to bottom, each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines:
            last = lines[-1]
            centre = statistics.fmean(w.cy for w in last)
            height = max(w.height for w in last)
            if abs(word.cy - centre) <= 0.45 * max(height, word.height):
                last.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _join(words: list[Word]) -> str:
    return squash(" ".join(w.text for w in words))


def _mean_conf(words: list[Word]) -> float | None:
    return round(statistics.fmean(w.conf for w in words) / 100, 3) if words else None


# --- a page -----------------------------------------------------------------------------

@dataclass
class _PageRead(Page):
    words: int = 0
    confidence: float | None = None


def read_page(words: list[Word], grids: list[Grid], number: int, height: float, dpi: int) -> _PageRead:
    """A page's words placed: into the cells of its grids, into a borderless table under a
    header line, or into printed lines."""
    every = words + [w for g in grids for b in g.bands for c in b.cells for w in c.words]
    read = _PageRead(number, height, [], [], len(every), _mean_conf(every))
    free: list[Word] = []
    for word in words:  # the page was read with its grids blanked; a word still inside one belongs to it
        cell = next((c for g in grids if (c := g.cell_at(word.cx, word.cy)) is not None), None)
        if cell is not None:
            cell.words.append(word)
        else:
            free.append(word)
    for grid in grids:
        rows = _grid_rows(grid, dpi)
        if rows:
            read.tables.append(RawTable(float(grid.top), rows))
    lines = _text_lines(free)
    lines, borderless = _borderless_tables(lines, dpi)
    read.lines = lines
    read.tables += borderless
    read.tables.sort(key=lambda t: t.top)
    return read


def _text_lines(words: list[Word]) -> list[Line]:
    """Printed lines: tesseract's lines (which follow a slightly skewed scan), and its pieces
    of one printed line side by side (it may cut a line at a wide gap) joined again; each line
    split into segments at gaps of two word heights or more; lines top to bottom."""
    by_line: dict[tuple[int, int, int, int], list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    pieces = sorted(by_line.values(), key=lambda p: statistics.fmean(w.cy for w in p))
    rows: list[list[list[Word]]] = []
    for piece in pieces:
        centre = statistics.fmean(w.cy for w in piece)
        size = statistics.median(w.height for w in piece)
        x0, x1 = min(w.x0 for w in piece), max(w.x1 for w in piece)
        for row in reversed(rows[-3:]):
            row_words = [w for p in row for w in p]
            row_centre = statistics.fmean(w.cy for w in row_words)
            row_size = statistics.median(w.height for w in row_words)
            apart = all(x1 <= min(w.x0 for w in p) or max(w.x1 for w in p) <= x0 for p in row)
            if abs(centre - row_centre) <= 0.4 * min(size, row_size) and apart:
                row.append(piece)
                break
        else:
            rows.append([piece])
    out = []
    for row in rows:
        group = sorted((w for p in row for w in p), key=lambda w: w.x0)
        size = statistics.median(w.height for w in group)
        segments = [[group[0]]]
        for word in group[1:]:
            if word.x0 - segments[-1][-1].x1 >= 2 * size:
                segments.append([word])
            else:
                segments[-1].append(word)
        out.append(Line(min(w.top for w in group), max(w.bottom for w in group),
                         [Segment(s[0].x0, s[-1].x1, _join(s), s) for s in segments], size))
    out.sort(key=lambda line: (line.top + line.bottom) / 2)
    return out


def _grid_rows(grid: Grid, dpi: int) -> list[list[tuple[list[str], list[Word]]]]:
    """Rows → cells → (paragraphs, words) of a grid, as the text-layer converter gives them:
    a band of one cell across the table is a one-cell row; a cell merged across columns is
    followed by empty cells for the columns it covers; a cell merged down is repeated."""
    columns = _column_edges(grid, dpi)
    pad = _padding(grid, dpi)
    texts: dict[int, list[str]] = {}
    for band in grid.bands:
        for cell in band.cells:
            if id(cell) not in texts:
                texts[id(cell)] = _cell_paragraphs(cell.words, cell.x1 - cell.x0 - 2 * pad)
    rows = []
    tolerance = max(3, round(0.03 * dpi))
    for band in grid.bands:
        if len(band.cells) == 1 and band.cells[0].x0 - grid.x0 <= 2 * tolerance and \
                grid.x1 - band.cells[0].x1 <= 2 * tolerance:
            cell = band.cells[0]
            if texts[id(cell)]:
                rows.append([(texts[id(cell)], cell.words)])
            continue
        row: list[tuple[list[str], list[Word]]] = []
        for cell in band.cells:
            row.append((list(texts[id(cell)]), cell.words))
            covered = sum(1 for x in columns if cell.x0 + tolerance < x < cell.x1 - tolerance)
            row.extend(([], []) for _ in range(covered))
        if any(paragraphs for paragraphs, _ in row):
            rows.append(row)
    return rows


def _column_edges(grid: Grid, dpi: int) -> list[float]:
    """The x of every column line of the grid, merged over its bands."""
    tolerance = max(3, round(0.03 * dpi))
    xs: list[float] = []
    for x in sorted((a + b) / 2 for band in grid.bands for a, b in band.verticals):
        if not xs or x - xs[-1] > tolerance:
            xs.append(x)
    return xs


def _padding(grid: Grid, dpi: int) -> float:
    """The cells' inner left margin: the smallest distance from a cell's edge to its text."""
    gaps = [min(w.x0 for w in cell.words) - cell.x0 for band in grid.bands for cell in band.cells if cell.words]
    return max(0.0, min(min(gaps, default=0.0), 0.06 * dpi))


def _cell_paragraphs(words: list[Word], available: float) -> list[str]:
    """A cell's text as paragraphs: a wrapped line joins the one above unless the first word
    of the line would have fitted on the line above (so the author broke the line there)."""
    lines = _cluster_lines(words)
    paragraphs: list[str] = []
    current = ""
    previous: list[Word] | None = None
    for line in lines:
        text = _join(line)
        if previous is None:
            current = text
        else:
            size = max(w.height for w in previous)
            width = previous[-1].x1 - previous[0].x0
            first = line[0].x1 - line[0].x0
            if current.endswith("-") and text[:1].islower() and not current.endswith(" -"):
                current += text
            elif width + 0.3 * size + first <= available - 2:
                paragraphs.append(current)
                current = text
            else:
                current = f"{current} {text}"
        previous = line
    if current:
        paragraphs.append(current)
    return [p for p in paragraphs if p]


# --- borderless tables ------------------------------------------------------------------

def _header_parts(line: Line) -> list[Segment]:
    """A line cut at gaps of at least 0.8 word height: the parts a header row would have."""
    words = line.words
    parts = [[words[0]]]
    for word in words[1:]:
        if word.x0 - parts[-1][-1].x1 >= 0.8 * line.height:
            parts.append([word])
        else:
            parts[-1].append(word)
    return [Segment(p[0].x0, p[-1].x1, _join(p), p) for p in parts]


def _header_roles(parts: list[Segment]) -> list[str | None]:
    from ontology.lexicon import column_role
    return [column_role(p.text) for p in parts]


def _borderless_tables(lines: list[Line], dpi: int) -> tuple[list[Line], list[RawTable]]:
    """Tables without ruling lines under a header line (three or more parts that read as
    column headers, one of them the task or indicator column); the lines they take are
    removed from the page's text lines."""
    tables: list[RawTable] = []
    out: list[Line] = []
    i = 0
    while i < len(lines):
        parts = _header_parts(lines[i])
        roles = _header_roles(parts) if len(parts) >= 3 else []
        if sum(r is not None for r in roles) >= 3 and ("text" in roles or "team" in roles):
            table, used = _read_borderless(lines, i, parts, dpi)
            if table is not None:
                tables.append(table)
                i += used
                continue
        out.append(lines[i])
        i += 1
    return out, tables


def _read_borderless(lines: list[Line], start: int, parts: list[Segment], dpi: int
                     ) -> tuple[RawTable | None, int]:
    """The table under the header line `lines[start]`: header continuation lines joined to
    the header, column edges at the body's gaps, a row opened by a number or roman numeral
    in the first column, the table ended by a line that crosses the columns' gaps or a wide gap."""
    header = lines[start]
    header_cells: list[list[Word]] = [list(p.words) for p in parts]
    j = start + 1
    # header labels wrapped onto the next lines, each part under a header part
    while j < len(lines) and lines[j].top - lines[j - 1].bottom < 0.8 * header.height:
        pieces = _header_parts(lines[j])
        if _opens_row(pieces[0].words[0].text):
            break
        owners = [_owner(parts, p) for p in pieces]
        if any(o is None for o in owners):
            break
        for piece, owner in zip(pieces, owners):
            header_cells[owner].extend(piece.words)
        j += 1
    body_start = j
    # body: lines until a wide vertical gap or the page's end; cut later at a line crossing a gap
    end = body_start
    while end < len(lines) and (end == body_start or lines[end].top - lines[end - 1].bottom < 2.5 * header.height):
        end += 1
    body = lines[body_start:end]
    edges = _borderless_edges(parts, body, dpi)
    rows: list[list[list[Word]]] = [[list(c) for c in header_cells]]
    kinds = ["header"]
    taken = body_start
    for line in body:
        first = line.words[0]
        column_of = [column(edges, w.cx) for w in line.words]
        if _ROMAN.match(first.text) and column_of[0] == 0 and _capitals(_join(line.words[1:])):
            rows.append([list(line.words)])
            kinds.append("section")
        elif column_of[0] == 0 and _opens_row(first.text):
            rows.append([[] for _ in parts])
            kinds.append("row")
            for word, col in zip(line.words, column_of):
                rows[-1][col].append(word)
        elif kinds[-1] == "row" and not _crosses(line, edges):
            for word, col in zip(line.words, column_of):
                rows[-1][col].append(word)
        else:
            break
        taken += 1
    if kinds.count("row") < 1:
        return None, 1
    # no cell edges to wrap at: a column's longest line shows how wide its text may run
    widths = [max((line[-1].x1 - line[0].x0 for cells, kind in zip(rows, kinds) if kind == "row"
                   for line in _cluster_lines(cells[k])), default=0.0) + 2 for k in range(len(parts))]
    out_rows: list[list[tuple[list[str], list[Word]]]] = []
    for cells, kind in zip(rows, kinds):
        if kind == "section":
            out_rows.append([([_join(cells[0])], cells[0])])
            continue
        out_rows.append([(_cell_paragraphs(c, w) if kind == "row" else ([_join(_reading_order(c))] if c else []), c)
                         for c, w in zip(cells, widths)])
    return RawTable(header.top, out_rows), taken - start


def _reading_order(words: list[Word]) -> list[Word]:
    return [w for line in _cluster_lines(words) for w in line]


def _owner(parts: list[Segment], piece: Segment) -> int | None:
    """The header part a piece of a wrapped header label lies under."""
    centre = (piece.x0 + piece.x1) / 2
    for k, part in enumerate(parts):
        if part.x0 - piece.x1 + piece.x0 <= centre <= part.x1 + piece.x1 - piece.x0:
            if part.x0 - (part.x1 - part.x0) <= centre <= part.x1 + (part.x1 - part.x0):
                return k
    return None


def _opens_row(text: str) -> bool:
    return bool(_NUMBER.match(text) or _ROMAN.match(text))


def _borderless_edges(parts: list[Segment], body: list[Line], dpi: int) -> list[float]:
    """Column edges: between two header parts, the middle of the widest x range that no more
    than a tenth of the body lines' words cover (a gutter); the gap's middle where there is none."""
    np = _import_imaging()[0]
    left = min([parts[0].x0] + [l.x0 for l in body])
    right = max([parts[-1].x1] + [l.x1 for l in body])
    span = int(right - left) + 2
    cover = np.zeros(span, np.int32)
    for line in body:
        seen = np.zeros(span, bool)
        for w in line.words:
            seen[int(w.x0 - left):int(w.x1 - left) + 1] = True
        cover += seen
    limit = max(1, len(body) // 10)
    edges = [left - 1]
    for a, b in zip(parts, parts[1:]):
        lo, hi = int((a.x0 + a.x1) / 2 - left), int((b.x0 + b.x1) / 2 - left)
        lo = max(lo, int(a.x1 - left) - int(0.5 * (a.x1 - a.x0)))
        free = cover[lo:hi] < limit
        best, run, best_at = 0, 0, None
        for k, ok in enumerate(free.tolist()):
            run = run + 1 if ok else 0
            if run > best:
                best, best_at = run, k - run + 1
        if best_at is not None and best >= 0.05 * dpi:
            edges.append(left + lo + best_at + best / 2)
        else:
            edges.append((a.x1 + b.x0) / 2)
    edges.append(right + 1)
    return edges


def _crosses(line: Line, edges: list[float]) -> bool:
    """True when a word of the line runs over a column edge (a paragraph across the columns)."""
    inner = edges[1:-1]
    return any(w.x0 < x < w.x1 for w in line.words for x in inner)


# --- across pages -----------------------------------------------------------------------



def _roman_value(token: str) -> int | None:
    if not token or not _VALID_ROMAN.match(token):
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for k, c in enumerate(token):
        v = values[c]
        total += -v if k + 1 < len(token) and values[token[k + 1]] > v else v
    return total or None


def _to_roman(value: int) -> str:
    out = ""
    for v, r in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= v:
            out += r
            value -= v
    return out


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _renumber(items: list[tuple[int | None, Callable[[int], None]]]) -> None:
    """Mend a numbering OCR misread: an entry that does not follow the one before (unreadable,
    repeated, a wrong digit) takes the next number when an entry at most three places on
    confirms the count (1, ?, ?, 4), or when it is unreadable and nothing readable follows.
    A 1 always restarts the count."""
    previous = 0
    for k, (value, fix) in enumerate(items):
        expected = previous + 1
        if value != expected and value != 1:
            ahead = items[k + 1:k + 4]
            confirmed = any(v == expected + step for step, (v, _) in enumerate(ahead, 1))
            trailing = value is None and previous and all(v is None for v, _ in items[k + 1:])
            if confirmed or trailing:
                fix(expected)
                value = expected
        previous = value if value is not None else previous + 1


def _repair_numbering(pages: list[_PageRead]) -> list[str]:
    """Lost spaces after a numbering put back ("I.NHẬN" → "I. NHẬN"); the roman numerals of
    the headings and of the tables' section rows, and the tables' row numbers, mended where
    the entries before and after show what OCR misread ("II" between "II" and "IV" is "III");
    a warning for each mended number."""
    notes: list[str] = []
    for read in pages:
        for line in read.lines:
            first = line.segments[0].words[0]
            first.text = _NUMBERING_GAP.sub(r"\1 ", first.text)
        for table in read.tables:
            for row in table.rows:
                paragraphs = row[0][0]
                if paragraphs:
                    paragraphs[0] = _NUMBERING_GAP.sub(r"\1 ", paragraphs[0])

    def heading(text: str) -> tuple[bool, int | None, str]:
        match = _ROMAN_READ.match(text)
        if not match or not _capitals(text[match.end():]):
            return False, None, ""
        return True, _roman_value(match.group(1)), text[match.end():]

    def word_fix(word: Word, rest: str, page: int) -> Callable[[int], None]:
        def fix(value: int) -> None:
            notes.append(f"Trang {page}: số mục {_to_roman(value)} đọc không rõ (\"{word.text}\"), đã suy ra từ "
                         f"các mục trước và sau.")
            word.text = f"{_to_roman(value)}." + (" " + rest if rest else "")
        return fix

    headings: list[tuple[int | None, Callable[[int], None]]] = []
    for read in pages:
        for line in read.lines:
            words = line.segments[0].words
            is_heading, value, _ = heading(_join(words))
            if is_heading:
                first = words[0]
                match = _ROMAN_WORD.match(first.text)
                if match:
                    headings.append((value, word_fix(first, match.group(2).strip(), read.number)))
    _renumber(headings)

    def cell_fix(paragraphs: list[str], rest: str, page: int) -> Callable[[int], None]:
        def fix(value: int) -> None:
            notes.append(f"Trang {page}: số mục {_to_roman(value)} của bảng đọc không rõ (\"{paragraphs[0]}\"), "
                         f"đã suy ra từ các mục trước và sau.")
            paragraphs[0] = f"{_to_roman(value)}. {rest}".strip()
        return fix

    def number_fix(paragraphs: list[str], page: int) -> Callable[[int], None]:
        def fix(value: int) -> None:
            notes.append(f"Trang {page}: số thứ tự {value} của một hàng trong bảng đọc không rõ "
                         f"(\"{' '.join(paragraphs)}\"), đã suy ra từ các hàng trước và sau.")
            paragraphs[:] = [str(value)]
        return fix

    sections: list[tuple[int | None, Callable[[int], None]]] = []
    numbers: list[tuple[int | None, Callable[[int], None]]] = []
    for read in pages:
        for table in read.tables:
            for row in table.rows:
                paragraphs = row[0][0]
                text = " ".join(paragraphs)
                if len(row) == 1:
                    is_heading, value, rest = heading(text)
                    if is_heading:
                        sections.append((value, cell_fix(paragraphs, rest, read.number)))
                elif len(row) >= 3 and (text.isdigit() or len(text) <= 2 and not _ASCII_ALNUM.search(text) and
                                        sum(1 for p, _ in row[1:] if p) >= 2):  # "⁄", "ø" or nothing for "7"
                    numbers.append((int(text) if text.isdigit() else None, number_fix(paragraphs, read.number)))
    _renumber(sections)
    _renumber(numbers)
    return notes


def _assemble(name: str, pages: list[_PageRead], media: str, converter: str, notes: list[str]) -> Document:
    done = assemble(pages, 1.0, lambda cell: cell, confidence_of=_mean_conf)
    warnings: list[str] = []
    for read in pages:
        if not read.words:
            warnings.append(f"Trang {read.number}: không nhận dạng được chữ nào (trang trắng hoặc ảnh quá mờ).")
        elif read.confidence is not None and read.confidence < 0.6:
            warnings.append(f"Trang {read.number}: độ tin cậy nhận dạng ký tự thấp ({read.confidence:.0%}); "
                            f"hãy kiểm tra lại nội dung đọc được.")
    return Document(name=name, lines=tuple(done.lines), tables=tuple(done.tables), paragraphs=(),
                    pages=tuple(done.pages), media_type=media, converter=converter,
                    ocr_confidence=tuple(done.confidence), warnings=tuple(warnings + notes))


__all__ = ["OcrConverter", "Word", "deskew", "erase_grids", "find_grids", "ink_threshold", "media_type_of", "parse_tsv",
           "read_page", "skew_angle"]
