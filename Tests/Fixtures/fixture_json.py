"""How the fixture generators write their JSON files (torch/generate.py, torch/param_groups.py, optax/generate.py).

A file is one object: the header's members (generator, library versions, dtype), then `cases`, one case per line,
so a changed case is a small diff and the file is still plain JSON. The generators run from their own folders;
each puts this folder on `sys.path` to import this module.
"""
import json


def write_cases(path, header, records):
    """Writes `header` with a `cases` member holding `records` (one per line) to `path`, and says how many."""
    lines = ",\n".join(json.dumps(record) for record in records)
    path.write_text(json.dumps(header)[:-1] + ', "cases": [\n' + lines + "\n]}\n")
    print(f"{path.name}: {len(records)} cases")
