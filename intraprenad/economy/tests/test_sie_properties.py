"""Properties of the SIE parser (hypothesis).

- The vectorised fast path and the careful tokenizer read every generated #TRANS and #VER line the
  same way; lines the fast path is not sure about go to the tokenizer, which reads them or says why not.
- Random bytes, truncated files, files with lines left out or bytes changed give a Ledger or a
  SieError, never another exception.
"""

import os
from datetime import date

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intraprenad.economy import sie_fast as fast
from intraprenad.economy.sie import Ledger, SieError, parse
from intraprenad.economy.sie_encoding import UTF8, Decoded
from intraprenad.economy.sie_tokens import FieldError, label_of, normalise_objects, object_of, read_record, tokenize

UTF8_TEXT = Decoded(UTF8, single_byte=False)
# SIE_FUZZ_EXAMPLES=2000 pytest ... for a long run; the default keeps the suite fast.
FAST = settings(
    max_examples=int(os.environ.get("SIE_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- generated lines: mostly well formed, sometimes odd -----------------------------------------

separators = st.sampled_from([" ", " ", " ", " ", "\t", "  ", " \t "])
words = st.text(alphabet="abcåäöÅÖ0123456789-_:.", min_size=1, max_size=8)
texts = st.text(alphabet='abc åäö"\\\t{}', max_size=12)


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    return st.integers(0, 19).flatmap(lambda n: usual if n < 18 else odd)


amounts = mostly(
    st.from_regex(r"-?[1-9]\d{0,6}\.\d\d", fullmatch=True) | st.sampled_from(["-128.00", "12", "1.5", "-0.5", "0"]),
    st.from_regex(r"[-+]?\d{0,16}(\.\d{0,3})?", fullmatch=True)
    | st.sampled_from([".5", "12,5", "1e5", "", "-", '"12.00"', "12.340"]),
)
dates = mostly(
    st.sampled_from(["20250110", "20251231", '""', '"20250110"']),
    st.sampled_from(["20250230", "2025011", "x", '"2025"']),
)
plain_texts = st.sampled_from(['"Faktura 12"', '""', '"Lön åt Åsa"', "Bar", '"a  b"'])
row_texts = mostly(
    plain_texts | words.map(lambda w: f'"{w} {w}"'),
    texts.map(lambda t: '"' + t.replace("\\", "").replace('"', '\\"') + '"')
    | texts.map(lambda t: '"' + t + '"')
    | texts.map(lambda t: '"' + t),
)
dimensions = mostly(st.sampled_from(["1", "6", "7", '"1"', '"6"']), st.sampled_from(["01", "x", '"7"', "1"]))
objects = mostly(
    words | words.map(lambda w: f'"{w}"') | words.map(lambda w: f'"{w} {w}"'),
    st.sampled_from(['""', '"a\\"b"', "a}b", '"x']),
)


@st.composite
def object_lists(draw) -> str:
    pairs = draw(st.lists(st.tuples(dimensions, objects), max_size=3, unique_by=lambda pair: pair[0].strip('"')))
    inner = draw(separators).join(f"{d}{draw(separators)}{o}" for d, o in pairs)
    return draw(st.sampled_from(["{", "{", "{ "])) + inner + draw(st.sampled_from(["}", "}", " }"]))


@st.composite
def trans_lines(draw) -> str:
    parts = [
        draw(mostly(st.just("#TRANS"), st.just("#trans"))),
        draw(mostly(st.from_regex(r"[1-8]\d{3}", fullmatch=True), st.sampled_from(['"3010"', "DIFF", '""', "1"]))),
        draw(object_lists()),
        draw(amounts),
    ]
    quantity = draw(mostly(st.sampled_from(["3", "0.00", '""', "-1.5"]), st.just("x")))
    optional = [draw(dates), draw(row_texts), quantity, '"sign"']
    parts += optional[: draw(st.integers(0, len(optional)))]
    if draw(st.integers(0, 9)) == 0:
        parts.append('"ett fält till"')
    line = draw(st.sampled_from(["", "\t", "   "])) + draw(separators).join(parts)
    return line + draw(st.sampled_from(["", "", " ", "\t"]))


@st.composite
def ver_lines(draw) -> str:
    parts = [
        draw(mostly(st.just("#VER"), st.just("#ver"))),
        draw(mostly(st.sampled_from(["A", '""', '"L"', "B"]), st.sampled_from(['"A B"', "a\\b"]) | words)),
        draw(mostly(st.from_regex(r"[1-9]\d{0,4}", fullmatch=True), st.sampled_from(['""', '"12"', "0", "x y"]))),
        draw(dates),
    ]
    optional = [draw(row_texts), draw(dates), '"sign"']
    parts += optional[: draw(st.integers(0, len(optional)))]
    return draw(st.sampled_from(["", "", " "])) + draw(separators).join(parts)


def careful(line: str) -> dict | None:
    try:
        tokens = tokenize(line)
        return read_record(label_of(tokens, line), tokens[1:])
    except FieldError:
        return None


@FAST
@given(st.lists(trans_lines(), min_size=1, max_size=12))
def test_fast_trans_agrees_with_the_tokenizer(lines):
    frame = fast.fast_trans(pl.Series(lines, dtype=pl.String), fast.PrefixCache("1", UTF8_TEXT))
    for line, row in zip(lines, frame.iter_rows(named=True), strict=True):
        expected = careful(line)
        if not row["ok"]:
            continue  # the tokenizer decides (and `careful` did not raise anything but FieldError)
        assert expected is not None, line
        pairs = expected["objects"]
        assert row == {
            "account": expected["account"],
            "object": object_of(pairs, "1"),
            "objects": normalise_objects(pairs),
            "amount_ore": expected["amount"],
            "date": expected["date"],
            "text": expected["text"] or "",
            "ok": True,
        }, line


@FAST
@given(st.lists(ver_lines(), min_size=1, max_size=12))
def test_fast_ver_agrees_with_the_tokenizer(lines):
    frame = fast.fast_ver(pl.Series([line.lstrip(" \t") for line in lines], dtype=pl.String), UTF8_TEXT)
    for line, row in zip(lines, frame.iter_rows(named=True), strict=True):
        expected = careful(line)
        if not row["ok"]:
            continue
        assert expected is not None, line
        assert row == {
            "series": expected["series"],
            "number": expected["number"],
            "date": expected["date"],
            "text": expected["text"] or "",
            "ok": True,
        }, line


def test_the_generators_reach_both_paths():
    lines = ['#TRANS 5010 {1 "41020"} 100.00', '#TRANS 5010 {} 1 20250110 "a\\"b"', "#TRANS 5010 {} 1,5"]
    frame = fast.fast_trans(pl.Series(lines), fast.PrefixCache("1", UTF8_TEXT))
    assert frame.get_column("ok").to_list() == [True, False, False]
    assert frame.row(0, named=True)["date"] is None
    assert careful(lines[1])["text"] == 'a"b'
    assert careful(lines[1])["date"] == date(2025, 1, 10)


# --- whole files: a Ledger or a SieError, nothing else ----------------------------------------

VALID = (
    '#FLAGGA 0\n#KSUMMA\n#FORMAT PC8\n#SIETYP 4\n#PROGRAM "Test" 1\n#GEN 20250101\n#FNAMN "Åsa AB"\n'
    '#RAR 0 20250101 20251231\n#RAR -1\n#DIM 1 "Ansvar"\n#OBJEKT 1 "41020" "Hemtjänst"\n#KONTO 1930 Bank\n'
    "#IB 0 1930 100.00\n#UB 0 1930 90.00\n#RES 0 5010 10.00\n#PSALDO 0 202501 5010 {} 10.00\n"
    '#VER A 1 20250110 "Lön \\"jan\\"" 20250111\n{\n\t#TRANS 5010 {1 "41020" 6 "P1"} 10.00\n'
    '\t#RTRANS 1930 {} -10.00\n\t#TRANS 1930 {} -10.00 20250110 "Bank"\n}\n'
    '#VER "" 0 20250120\n\n#TRANS 5010 {} 1\n#TRANS 1930 {} -1\n}\n#OKÄND 1 2\n#KSUMMA 1234\n'
).encode("cp437")


def outcome(data: bytes) -> Ledger | SieError:
    try:
        ledger = parse(data, file_name="fuzz.se")
    except SieError as refused:
        assert refused.message
        assert refused.line is None or refused.line >= 1
        return refused
    assert isinstance(ledger, Ledger)
    assert ledger.transactions.height == ledger.transactions.get_column("amount_ore").count()
    ledger.summary()
    return ledger


def test_the_valid_file_parses():
    ledger = outcome(VALID)
    assert isinstance(ledger, Ledger)
    assert ledger.transactions.height == 4
    assert ledger.reconciliation.ksumma == "mismatch"


@FAST
@given(st.binary(max_size=300))
def test_random_bytes(data):
    outcome(data)


@FAST
@given(st.binary(max_size=120))
def test_random_bytes_after_a_valid_header(data):
    outcome(VALID[:120] + data)


@FAST
@given(st.integers(0, len(VALID)))
def test_truncated_files(length):
    result = outcome(VALID[:length])
    cut_inside_voucher = VALID.rfind(b"{", 0, length) > VALID.rfind(b"}", 0, length)
    if cut_inside_voucher:
        assert isinstance(result, SieError)


@FAST
@given(st.sets(st.integers(0, VALID.count(b"\n")), max_size=6))
def test_files_with_lines_left_out(left_out):
    lines = VALID.split(b"\n")
    outcome(b"\n".join(line for number, line in enumerate(lines) if number not in left_out))


@FAST
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.binary(min_size=1, max_size=2)), max_size=4))
def test_files_with_bytes_changed(changes):
    data = bytearray(VALID)
    for position, replacement in changes:
        data[position : position + 1] = replacement
    outcome(bytes(data))
