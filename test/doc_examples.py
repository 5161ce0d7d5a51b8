#!/usr/bin/env python3
"""The SQL examples of the documentation are tests (DESIGN.md, "Examples in
the documentation").  Runs inside pg_virtualenv (PGHOST, PGPORT, PGUSER set):

    test/doc_examples.py FILE.md ...

For each markdown file: a new database with both extensions and the demo
network (load_demo()), then every example of the file in order, in one psql
session, in one transaction rolled back at the end (each statement in a
savepoint of its own, so an error does not end the session):

- a fenced block whose info string is `sql` is an example; a fenced `text`
  block (or one without an info string) right after it (blank lines between
  are allowed) is its output, which
  must match: cells are compared trimmed, psql's `---+---` rule,
  `(N rows)` footer and `+` continuation marks are ignored, a line `...`
  stands for any number of lines and a line ending in `...` for any line
  that starts with what precedes it;
- an inline code span holding one whole statement, `SELECT ...;`, is an
  example too (no output compared);
- an example errs only if its expected output shows that error;
- `<!-- example: not run (why) -->` on the line before a fence, or on the
  line of an inline span, skips it (counted and listed).
"""
import os
import re
import subprocess
import sys
import tempfile

NOT_RUN = re.compile(r'<!--\s*example:\s*not run\b')
FENCE = re.compile(r'^(\s*)(```+|~~~+)\s*([\w-]*)')
INLINE = re.compile(r'`(SELECT\b[^`]*;)`', re.IGNORECASE)


class Example:
    def __init__(self, path, line, sql, run=True):
        self.path, self.line, self.sql, self.run = path, line, sql, run
        self.expected = None

    def name(self):
        first = self.sql.strip().splitlines()[0] if self.sql.strip() else ''
        return f'{self.path}:{self.line} {first[:60]}'


def normalise(lines):
    out = []
    for line in lines:
        s = line.strip()
        if not s or re.fullmatch(r'[-+]+', s) or re.fullmatch(r'\(\d+ rows?\)', s):
            continue
        s = re.sub(r'^psql:[^:]*:\d+:\s*', '', s)
        s = re.sub(r'\s*\+$', '', s)   # psql's mark of a value continued on the next line
        out.append(' | '.join(cell.strip() for cell in s.split('|')) if '|' in s else re.sub(r'\s+', ' ', s))
    return out


def matches(expected, actual):
    """expected lines against actual lines; '...' matches any run of lines."""
    if not expected:
        return not actual
    if expected[0] == '...':
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    if not actual:
        return False
    head = expected[0]
    same = actual[0].startswith(head[:-3].rstrip()) if head.endswith('...') else head == actual[0]
    return same and matches(expected[1:], actual[1:])


def run_file(path, passed, failed, skipped):
    lines = open(path, encoding='utf-8').read().split('\n')
    examples = examples_of(path, lines)
    database = 'doc_examples'
    q = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1']
    subprocess.run(['dropdb', '--if-exists', database], check=True, capture_output=True)
    subprocess.run(['createdb', database], check=True)
    subprocess.run(q + ['-d', database, '-c', 'SET client_min_messages = warning',
                        '-c', 'CREATE EXTENSION learning_network_demo CASCADE',
                        '-c', 'SELECT count(*) FROM learning_network.load_demo()'], check=True, capture_output=True)
    marker = '@@doc-example@@'
    script = ['\\set ON_ERROR_ROLLBACK on', '\\pset pager off', 'BEGIN;']
    runnable = [ex for ex in examples if ex.run]
    for n, ex in enumerate(runnable):
        script.append(f'\\echo {marker} {n}')
        script.append(ex.sql)
    script.append(f'\\echo {marker} end')
    script.append('ROLLBACK;')
    with tempfile.NamedTemporaryFile('w', suffix='.sql', delete=False) as f:
        f.write('\n'.join(script) + '\n')
        name = f.name
    os.chmod(name, 0o644)
    result = subprocess.run(['psql', '-X', '-q', '-d', database, '-f', name], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    os.unlink(name)
    outputs = {}
    current = None
    for line in result.stdout.split('\n'):
        if line.startswith(marker):
            tag = line[len(marker):].strip()
            current = None if tag == 'end' else int(tag)
            outputs.setdefault(current, [])
            continue
        if current is not None:
            outputs[current].append(line)
    for n, ex in enumerate(runnable):
        got = normalise(outputs.get(n, []))
        errors = [line for line in got if 'ERROR:' in line]
        want = normalise(ex.expected) if ex.expected is not None else None
        problem = None
        statement = '\n'.join(re.sub(r'--.*$', '', line) for line in ex.sql.split('\n')).strip()
        if not (statement.endswith(';') or statement.startswith('\\')):
            problem = 'not a whole statement (it must end with a semicolon)'
        elif n not in outputs:
            problem = 'did not run (the session ended before it)'
        elif errors and not (want and any('ERROR:' in w for w in want)):
            problem = 'failed: ' + errors[0]
        elif want is not None and not matches(want, got):
            problem = 'printed something else than the doc shows'
        if problem:
            failed.append(ex)
            print(f'not ok - {ex.name()}: {problem}')
            if want is not None and not (errors and problem.startswith('failed')):
                print('#   doc shows:')
                print('\n'.join('#     ' + w for w in want))
            print('#   printed:')
            print('\n'.join('#     ' + g[:160] for g in got[:30]))
        else:
            passed.append(ex)
            print(f'ok - {ex.name()}' + (' (output as shown)' if want is not None else ''))
    for ex in examples:
        if not ex.run:
            skipped.append(ex)
            print(f'ok - {ex.name()} # SKIP marked not run')
    subprocess.run(['dropdb', database], check=True)


def examples_of(path, lines):
    found = []
    i = 0
    last_block = None
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            fence, info = m.group(2), m.group(3).lower()
            start = i
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                body.append(lines[i])
                i += 1
            i += 1
            before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), '')
            if info == 'sql':
                last_block = Example(path, start + 1, '\n'.join(body), run=not NOT_RUN.search(before))
                found.append(last_block)
                continue
            if info in ('text', '') and last_block is not None and last_block.expected is None:
                last_block.expected = body
            last_block = None
            continue
        for span in INLINE.findall(lines[i]):
            found.append(Example(path, i + 1, span, run=not NOT_RUN.search(lines[i])))
        if lines[i].strip():
            last_block = None   # only blank lines may stand between an example and its output
        i += 1
    return found


def main():
    files = sys.argv[1:]
    if not files:
        print('usage: test/doc_examples.py FILE.md ...', file=sys.stderr)
        return 2
    passed, failed, skipped = [], [], []
    for path in files:
        run_file(path, passed, failed, skipped)
    print(f'doc examples: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
