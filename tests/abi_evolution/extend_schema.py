#!/usr/bin/env python3
"""Copies a .proto tree and applies the field additions of an additions file.

usage: extend_schema.py SOURCE_DIR DEST_DIR ADDITIONS_FILE

Each addition names a file, a top-level message, where to insert (`first`:
right after `message X {`, `last`: right before its closing brace) and one
declaration. Exits 1 naming the line when a file or message is missing.
"""
import pathlib
import re
import shutil
import sys


def message_span(lines, name):
    """Returns (open_index, close_index) of `message NAME {`, or None."""
    opening = re.compile(r"^message\s+" + re.escape(name) + r"\s*\{")
    for start, line in enumerate(lines):
        if opening.match(line):
            depth = 0
            for end in range(start, len(lines)):
                code = lines[end].split("//", 1)[0]
                depth += code.count("{") - code.count("}")
                if depth == 0:
                    return start, end
    return None


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    source, dest, additions = (pathlib.Path(a) for a in argv[1:])
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    for number, raw in enumerate(additions.read_text().splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in raw.split("|", 3)]
        where = f"{additions}:{number}"
        if len(parts) != 4 or parts[2] not in ("first", "last"):
            sys.exit(f"{where}: expected FILE | MESSAGE | first|last | DECL")
        file_name, message, position, declaration = parts
        path = dest / file_name
        if not path.is_file():
            sys.exit(f"{where}: no file {file_name} in {source}")
        lines = path.read_text().splitlines()
        span = message_span(lines, message)
        if span is None:
            sys.exit(f"{where}: no top-level message {message} in {file_name}")
        index = span[0] + 1 if position == "first" else span[1]
        lines.insert(index, "  " + declaration)
        path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
