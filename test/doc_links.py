#!/usr/bin/env python3
"""Every relative link of the documentation resolves (DESIGN.md, "Examples in
the documentation"): no server needed.

    test/doc_links.py FILE.md ...

For each markdown file, every inline link or image `[text](target)` and
`![alt](target)` outside code (fenced blocks and code spans) whose target is
not a URL (http:, https:, mailto:) must name a file or folder that exists,
relative to the file's own folder; a target with `#anchor` (or a bare
`#anchor`, the same file) must name a heading of that markdown file, by
GitHub's rule: lowercase, every character but letters, digits, `_`, `-` and
spaces dropped, spaces made `-`; a repeated heading gets `-1`, `-2`...
Prints one line per link checked wrongly and a count; exits 1 on any.
"""
import os
import re
import sys

FENCE = re.compile(r'^\s*(```+|~~~+)')
CODE_SPAN = re.compile(r'(`+)(.+?)\1')
LINK = re.compile(r'!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
URL = re.compile(r'^[a-z][a-z0-9+.-]*:', re.IGNORECASE)


def prose_lines(path):
    """(line number, text) of the lines outside fenced code, code spans blanked."""
    out = []
    fence = None
    for n, line in enumerate(open(path, encoding='utf-8').read().split('\n'), 1):
        m = FENCE.match(line)
        if fence:
            if m and line.strip().startswith(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        out.append((n, line))
    return out


def slug(heading):
    text = CODE_SPAN.sub(lambda m: m.group(2), heading)
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', text)   # a link in a heading keeps its text
    text = re.sub(r'<[^>]+>', '', text).lower()
    text = ''.join(c for c in text if c.isalnum() or c in '_- ')
    return text.replace(' ', '-')


anchors_cache = {}


def anchors(path):
    if path not in anchors_cache:
        seen = {}
        found = set()
        for _, line in prose_lines(path):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            k = seen.get(base, 0)
            seen[base] = k + 1
            found.add(base if k == 0 else f'{base}-{k}')
        for m in re.finditer(r'<a\s+(?:name|id)="([^"]+)"', open(path, encoding='utf-8').read()):
            found.add(m.group(1))
        anchors_cache[path] = found
    return anchors_cache[path]


def check(path):
    problems = []
    checked = 0
    for n, line in prose_lines(path):
        for m in LINK.finditer(CODE_SPAN.sub(lambda s: ' ' * len(s.group(0)), line)):
            target = m.group(1)
            if URL.match(target):
                continue
            checked += 1
            file_part, _, anchor = target.partition('#')
            where = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(where):
                problems.append(f'{path}:{n}: {target}: no such file {where}')
                continue
            if anchor:
                if not where.endswith('.md') or os.path.isdir(where):
                    problems.append(f'{path}:{n}: {target}: an anchor into a file that is not markdown')
                elif anchor not in anchors(where):
                    problems.append(f'{path}:{n}: {target}: {where} has no heading #{anchor}')
    return checked, problems


def main():
    files = sys.argv[1:]
    if not files:
        print('usage: test/doc_links.py FILE.md ...', file=sys.stderr)
        return 2
    total, problems = 0, []
    for path in files:
        checked, found = check(path)
        total += checked
        problems += found
    for p in problems:
        print('not ok - ' + p)
    print(f'doc links: {total} checked in {len(files)} files, {len(problems)} broken')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
