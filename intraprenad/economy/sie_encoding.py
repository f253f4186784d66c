"""Which character encoding an SIE file really uses, and the #KSUMMA checksum (pure).

SIE files declare `#FORMAT PC8` (code page 437), but files in the wild are also UTF-8 or
Latin-1/ISO-8859-15. The rule (see sie.py): a file that is valid UTF-8 and not plain ASCII is
UTF-8 (a UTF-8 file with a few broken bytes too); otherwise the high bytes decide between CP437 and
the Latin family by which one's Swedish letters they are; a tie goes to the declared CP437.

For speed, single-byte files are carried through the parser as "transport text": every byte
decoded as Latin-1, one character per byte. The record structure is ASCII, so parsing is the same;
`Decoded.text` turns a transport string into the real characters and `Decoded.fix` does the same
for a polars column. For UTF-8 and ASCII files the transport text is the text.
"""

from __future__ import annotations

import codecs
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

CP437 = "cp437"
UTF8 = "utf-8"
LATIN1 = "latin-1"
ISO885915 = "iso-8859-15"

_ASCII = bytes(range(128))
# Swedish (and common Western) letters as they are coded in CP437 and in Latin-1.
_CP437_LETTERS = frozenset(
    b"\x86\x84\x94\x8f\x8e\x99\x82\x81\x9a\x90\x87\x80\x88\x89\x8a\x8b\x8c\x8d\x93\x95\x96\x97\xa0\xa1\xa2\xa3\xa4\xa5"
)
_LATIN_LETTERS = frozenset(range(0xC0, 0x100)) - {0xD7, 0xF7}
# Byte values where ISO-8859-15 differs from Latin-1 (€, Š, š, Ž, ž, Œ, œ, Ÿ).
_ISO885915_ONLY = frozenset(b"\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe")


@dataclass(frozen=True)
class Decoded:
    """How to read the file's bytes: its encoding and how to turn a chunk into UTF-8 transport text."""

    encoding: str  # what the file really is: cp437, utf-8, latin-1 or iso-8859-15
    single_byte: bool  # transport text is one character per original byte (Latin-1 decoding)
    repair: bool = False  # UTF-8 with a few broken bytes: they become U+FFFD
    mapping: dict[str, str] = field(default_factory=dict)  # transport character -> real character

    def transcode(self, chunk: bytes) -> bytes:
        """A chunk of the file (whole lines) as UTF-8 transport text."""
        if self.single_byte:
            return chunk if chunk.isascii() else chunk.decode("latin-1").encode("utf-8")
        if self.repair:
            return chunk.decode("utf-8", errors="replace").encode("utf-8")
        return chunk

    def transport(self, raw: bytes) -> str:
        return raw.decode("latin-1") if self.single_byte else raw.decode("utf-8", errors="replace")

    def text(self, value: str) -> str:
        """The real text of a transport string."""
        if not self.mapping or value.isascii():
            return value
        return value.translate({ord(k): v for k, v in self.mapping.items()})

    def fix(self, column: pl.Series) -> pl.Series:
        """The real text of a transport column."""
        if not self.mapping:
            return column
        return column.str.replace_many(list(self.mapping), list(self.mapping.values()))


@dataclass
class Scan:
    """What one pass over the file found: its encoding, where its chunks are and what is wrong with it."""

    decoded: Decoded
    chunks: list[tuple[int, int, int]]  # (first line number, byte start, byte end), whole lines each
    line_count: int
    empty: bool
    nul_line: int | None  # the first line with a NUL byte
    has_checksum: bool  # "#KSUMMA" occurs (upper or lower case)


def scan(read: Callable[[int, int], bytes], size: int, chunk_bytes: int) -> Scan:
    """Read the file once in pieces of about `chunk_bytes`, cut at line ends.

    The encoding rule is the one in sie.py: valid UTF-8 with non-ASCII bytes is UTF-8 (also with a
    few broken bytes); otherwise the high bytes decide between CP437 and Latin-1/ISO-8859-15."""
    start = 3 if read(0, 3) == b"\xef\xbb\xbf" else 0
    end = size
    while end > start and read(end - 1, end) == b"\x1a":
        end -= 1  # the DOS end-of-file mark
    chunks: list[tuple[int, int, int]] = []
    counts: Counter[int] = Counter()
    checker = codecs.getincrementaldecoder("utf-8")("strict")
    valid_utf8, empty, has_checksum = True, True, False
    nul_line: int | None = None
    lines_before = 0
    position = start
    while position < end:
        stop = min(position + chunk_bytes, end)
        block = read(position, stop)
        while stop < end and b"\n" not in block:
            more = read(stop, min(stop + chunk_bytes, end))  # a line longer than a chunk
            block += more
            stop += len(more)
        if stop < end:
            cut = block.rfind(b"\n") + 1
            block, stop = block[:cut], position + cut
        if nul_line is None and b"\x00" in block:
            nul_line = lines_before + block.count(b"\n", 0, block.find(b"\x00")) + 1
        if empty and block.strip(b" \t\r\n"):
            empty = False
        if not block.isascii():
            counts.update(block.translate(None, _ASCII))
        if valid_utf8:
            try:
                checker.decode(block)
            except UnicodeDecodeError:
                valid_utf8 = False
        has_checksum = has_checksum or b"#KSUMMA" in block or b"#ksumma" in block
        chunks.append((lines_before + 1, position, stop))
        lines_before += block.count(b"\n")
        position = stop
    if valid_utf8:
        try:
            checker.decode(b"", final=True)
        except UnicodeDecodeError:
            valid_utf8 = False
    last_complete = end == start or read(end - 1, end) == b"\n"
    line_count = lines_before + (0 if last_complete else 1)
    decoded = _decide(counts, valid_utf8, lambda: _replacements(read, chunks))
    return Scan(decoded, chunks, line_count, empty, nul_line, has_checksum)


def _replacements(read: Callable[[int, int], bytes], chunks: list[tuple[int, int, int]]) -> int:
    """How many characters decoding as UTF-8 would have to replace."""
    total = 0
    for _first, start, end in chunks:
        block = read(start, end)
        total += block.decode("utf-8", errors="replace").count("\ufffd") - block.count(b"\xef\xbf\xbd")
    return total


def _decide(counts: Counter[int], valid_utf8: bool, replacements: Callable[[], int]) -> Decoded:
    high = sum(counts.values())
    if high == 0:
        return Decoded(CP437, single_byte=True)
    if valid_utf8:
        return Decoded(UTF8, single_byte=False)
    # A UTF-8 file with a few broken bytes: nearly all high bytes form valid sequences.
    leads = sum(n for byte, n in counts.items() if 0xC2 <= byte <= 0xF4)
    if leads * 4 >= high:
        bad = replacements()
        if high - bad >= 20 and bad * 50 <= high - bad:
            return Decoded(UTF8, single_byte=False, repair=True)
    cp437_score = sum(n for byte, n in counts.items() if byte in _CP437_LETTERS)
    latin_score = sum(n for byte, n in counts.items() if byte in _LATIN_LETTERS)
    if latin_score > cp437_score:
        if any(byte in _ISO885915_ONLY for byte in counts):
            mapping = {
                bytes([b]).decode("latin-1"): bytes([b]).decode("iso-8859-15") for b in counts if b in _ISO885915_ONLY
            }
            return Decoded(ISO885915, single_byte=True, mapping=mapping)
        return Decoded(LATIN1, single_byte=True)
    mapping = {bytes([b]).decode("latin-1"): bytes([b]).decode("cp437") for b in counts}
    return Decoded(CP437, single_byte=True, mapping=mapping)


# --- #KSUMMA -------------------------------------------------------------------------------------


class Checksum:
    """Running CRC-32 values over the checksummed characters, in the ways writers compute them.

    The format computes the checksum over the CP437 bytes. Some writers of UTF-8 or Latin-1 files
    compute it over the bytes they actually wrote; both are accepted.
    """

    def __init__(self, decoded: Decoded) -> None:
        self.decoded = decoded
        self.cp437 = 0
        self.own = 0

    def add(self, content: str) -> None:
        real = self.decoded.text(content)
        self.cp437 = zlib.crc32(real.encode(CP437, errors="replace"), self.cp437)
        own = content.encode("latin-1") if self.decoded.single_byte else real.encode("utf-8")
        self.own = zlib.crc32(own, self.own)

    def matches(self, value: int) -> bool:
        return value in (self.cp437, self.own)
