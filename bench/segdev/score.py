#!/usr/bin/env python3
"""Score a Vietnamese sentence segmenter against the held-out gold files.

Copied unchanged (apart from this note and HERE below) from the project's development material,
``shared/segmentation/score.py``, so that the metric of ``bench/segdev`` is the same as the shared
set's and runs without ``../shared``. HERE may be pointed at another folder of NAME.txt/NAME.gold
pairs with the environment variable ``SEGDEV_DIR``.

Every NAME.txt in this directory (raw text as found) has a NAME.gold (one
sentence per line, blank line between paragraphs).  A segmenter maps the raw
text of a file to a list of sentences.

Comparison ignores whitespace completely (including NBSP and line breaks) and
Unicode normalisation (both sides are NFC-normalised): each side is reduced to
its stream of non-whitespace characters, and a sentence boundary is the offset
in that stream where one sentence ends and the next begins.  The end of the
text is not counted as a boundary.

Metrics, per file and micro-averaged over all files:
  P, R, F1   boundary precision / recall / F1
  exact      share of gold sentences that the segmenter returned exactly
             (same start and end in the character stream)

Usage:
  python score.py --builtin underthesea            # or pysbd, nltk-punkt, regex, regex-nl, all
  python score.py --func mypkg.seg:split_sentences  # any callable str -> list[str]
  python score.py --cmd "python -m mytool"          # raw text on stdin, one sentence per line on stdout
  options: --presplit lines|paragraphs  (feed the segmenter one line / paragraph at a time)
           --files seed news_econ       (subset)      --errors 20  (print missed / spurious boundaries)
           --json out.json
The scorer itself needs only the standard library; the builtin baselines need
underthesea, pysbd and nltk importable.
"""
import argparse
import bisect
import difflib
import importlib
import json
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.environ.get('SEGDEV_DIR') or os.path.dirname(os.path.abspath(__file__))
_EXTRA_SPACE = {'\u200b', '\ufeff', '\u2060'}


def _is_space(c):
    return c.isspace() or c in _EXTRA_SPACE


def stream(text):
    """NFC text -> (non-whitespace characters, index of each in the NFC text)."""
    text = unicodedata.normalize('NFC', text)
    chars, where = [], []
    for i, c in enumerate(text):
        if not _is_space(c):
            chars.append(c)
            where.append(i)
    return ''.join(chars), where


def spans(sentences):
    """List of sentences -> (concatenated stream, list of (start, end) spans)."""
    out, pos, parts = [], 0, []
    for s in sentences:
        st, _ = stream(s)
        if not st:
            continue
        parts.append(st)
        out.append((pos, pos + len(st)))
        pos += len(st)
    return ''.join(parts), out


def read_gold(path):
    with open(path, encoding='utf-8') as f:
        return [ln.strip() for ln in f.read().split('\n') if ln.strip()]


def _mapper(pred_stream, gold_stream):
    """Map offsets in the predicted stream onto the gold stream (identity when they agree)."""
    if pred_stream == gold_stream:
        return (lambda p: p), 0
    sm = difflib.SequenceMatcher(None, pred_stream, gold_stream, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    starts = [b.a for b in blocks]
    mismatch = len(pred_stream) + len(gold_stream) - 2 * sum(b.size for b in blocks)

    def f(p):
        k = bisect.bisect_right(starts, p) - 1
        if k < 0:
            return 0
        b = blocks[k]
        return b.b + min(p - b.a, b.size)
    return f, mismatch


def evaluate(pred_sents, gold_sents):
    g_stream, g_spans = spans(gold_sents)
    p_stream, p_spans = spans(pred_sents)
    f, mismatch = _mapper(p_stream, g_stream)
    p_spans = [(f(a), f(b)) for a, b in p_spans]
    end = len(g_stream)
    gold_b = {b for _, b in g_spans if 0 < b < end}
    pred_b = {b for _, b in p_spans if 0 < b < end}
    exact = len(set(g_spans) & set(p_spans))
    return dict(tp=len(gold_b & pred_b), fp=len(pred_b - gold_b), fn=len(gold_b - pred_b),
                gold_sents=len(g_spans), pred_sents=len(p_spans), exact=exact,
                char_mismatch=mismatch, missed=sorted(gold_b - pred_b),
                spurious=sorted(pred_b - gold_b))


def prf(r):
    p = r['tp'] / (r['tp'] + r['fp']) if r['tp'] + r['fp'] else 1.0
    rc = r['tp'] / (r['tp'] + r['fn']) if r['tp'] + r['fn'] else 1.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    ex = r['exact'] / r['gold_sents'] if r['gold_sents'] else 1.0
    return p, rc, f1, ex


def context(raw, pos, width=40):
    """Show the raw text around stream offset `pos` with ⟂ at the boundary."""
    nfc = unicodedata.normalize('NFC', raw)
    _, where = stream(nfc)
    i = where[pos] if pos < len(where) else len(nfc)
    left = nfc[max(0, i - width):i]
    # put the marker right after the last non-space char before the boundary
    left = left.rstrip()
    return (left + ' ⟂ ' + nfc[i:i + width]).replace('\n', '⏎')


# ---------------------------------------------------------------- segmenters

def presplit(fn, how):
    if how == 'none':
        return fn
    pat = r'\n' if how == 'lines' else r'\n[ \t\u00a0]*\n'

    def g(text):
        out = []
        for chunk in re.split(pat, text):
            if chunk.strip():
                out.extend(fn(chunk))
        return out
    return g


def builtin(name):
    """Returns (label, callable)."""
    if name == 'underthesea':
        from underthesea import sent_tokenize
        return 'underthesea.sent_tokenize', sent_tokenize
    if name == 'pysbd':
        import pysbd
        from pysbd.languages import LANGUAGE_CODES
        lang = 'vi' if 'vi' in LANGUAGE_CODES else 'en'
        seg = pysbd.Segmenter(language=lang, clean=False)
        return f'pysbd ({lang})', seg.segment
    if name == 'nltk-punkt':
        import nltk
        from nltk.tokenize.punkt import PunktSentenceTokenizer
        for res in ('tokenizers/punkt_tab/english/', 'tokenizers/punkt/english.pickle'):
            try:
                nltk.data.find(res)
                return 'nltk punkt (english, pretrained)', lambda t: nltk.sent_tokenize(t, 'english')
            except LookupError:
                pass
        tok = PunktSentenceTokenizer()
        return 'nltk punkt (untrained: no punkt data offline)', tok.tokenize
    if name == 'regex':
        return 'regex [.!?]+space', lambda t: re.split(r'(?<=[.!?])\s+', t)
    if name == 'regex-nl':
        return 'regex [.!?]+space or newline', lambda t: re.split(r'(?<=[.!?])\s+|\s*\n\s*', t)
    raise SystemExit(f'unknown builtin {name!r}')


def from_func(spec):
    mod, _, attr = spec.partition(':')
    fn = importlib.import_module(mod)
    for a in attr.split('.'):
        fn = getattr(fn, a)
    return spec, fn


def from_cmd(cmd):
    def fn(text):
        out = subprocess.run(cmd, shell=True, input=text, capture_output=True, text=True, check=True)
        return [ln for ln in out.stdout.split('\n') if ln.strip()]
    return cmd, fn


# ---------------------------------------------------------------- driver

def list_files(names=None):
    names = names or sorted(f[:-4] for f in os.listdir(HERE)
                            if f.endswith('.txt') and os.path.exists(os.path.join(HERE, f[:-4] + '.gold')))
    return names


def run(fn, names, errors=0, label=''):
    rows, total = [], None
    for n in names:
        with open(os.path.join(HERE, n + '.txt'), encoding='utf-8') as f:
            raw = f.read()
        gold = read_gold(os.path.join(HERE, n + '.gold'))
        pred = fn(raw)
        r = evaluate(pred, gold)
        r['file'] = n
        rows.append(r)
        if total is None:
            total = {k: 0 for k in ('tp', 'fp', 'fn', 'gold_sents', 'pred_sents', 'exact', 'char_mismatch')}
        for k in total:
            total[k] += r[k]
        if errors:
            shown = 0
            for kind in ('missed', 'spurious'):
                for b in r[kind]:
                    if shown >= errors:
                        break
                    print(f'  [{label}] {n}: {kind:8s} {context(raw, b)}')
                    shown += 1
    total['file'] = 'ALL'
    return rows, total


def table(label, rows, total):
    lines = [f'### {label}', '', '| file | gold | pred | P | R | F1 | exact |',
             '|---|---:|---:|---:|---:|---:|---:|']
    for r in rows + [total]:
        p, rc, f1, ex = prf(r)
        name = f"**{r['file']}**" if r['file'] == 'ALL' else r['file']
        note = f" (≠{r['char_mismatch']} chars)" if r['char_mismatch'] else ''
        lines.append(f"| {name}{note} | {r['gold_sents']} | {r['pred_sents']} | {p:.3f} | {rc:.3f} | {f1:.3f} | {ex:.3f} |")
    return '\n'.join(lines)


def summary(report, files):
    """One matrix: rows = files, columns = segmenters, cells = boundary F1 / exact-match rate."""
    labels = list(report)
    lines = ['### Summary (boundary F1 / exact sentence match)', '',
             '| file | gold sents | ' + ' | '.join(labels) + ' |', '|---|---:|' + '---:|' * len(labels)]
    for n in files + ['ALL']:
        cells = []
        for lb in labels:
            r = report[lb]['total'] if n == 'ALL' else report[lb]['files'][n]
            _, _, f1, ex = prf(r)
            cells.append(f'{f1:.2f} / {ex:.2f}')
        gold = report[labels[0]]['total' if n == 'ALL' else 'files']
        gold = gold['gold_sents'] if n == 'ALL' else gold[n]['gold_sents']
        name = '**ALL**' if n == 'ALL' else n
        lines.append(f'| {name} | {gold} | ' + ' | '.join(cells) + ' |')
    lines.append('| P / R (ALL) | | ' + ' | '.join(f"{report[lb]['P']:.2f} / {report[lb]['R']:.2f}" for lb in labels) + ' |')
    return '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--builtin', help='underthesea | pysbd | nltk-punkt | regex | regex-nl | all')
    g.add_argument('--func', help='module:callable mapping str -> list[str]')
    g.add_argument('--cmd', help='shell command: raw text on stdin, one sentence per line on stdout')
    ap.add_argument('--presplit', choices=['none', 'lines', 'paragraphs'], default='none')
    ap.add_argument('--files', nargs='*')
    ap.add_argument('--errors', type=int, default=0, help='print up to N boundary errors per file')
    ap.add_argument('--json')
    a = ap.parse_args(argv)

    if a.builtin:
        names = ['underthesea', 'pysbd', 'nltk-punkt', 'regex', 'regex-nl'] if a.builtin == 'all' else [a.builtin]
        segs = [builtin(n) for n in names]
    elif a.func:
        segs = [from_func(a.func)]
    else:
        segs = [from_cmd(a.cmd)]

    files = list_files(a.files)
    report = {}
    for label, fn in segs:
        if a.presplit != 'none':
            label = f'{label} [presplit={a.presplit}]'
        rows, total = run(presplit(fn, a.presplit), files, a.errors, label)
        print(table(label, rows, total))
        print()
        p, rc, f1, ex = prf(total)
        report[label] = dict(files={r['file']: {k: v for k, v in r.items() if k not in ('missed', 'spurious')} for r in rows},
                             total=total, P=p, R=rc, F1=f1, exact=ex)
    if len(report) > 1:
        print(summary(report, files))
    if a.json:
        with open(a.json, 'w', encoding='utf-8') as f:
            json.dump(report, f, ensure_ascii=False, indent=1)


if __name__ == '__main__':
    main()
