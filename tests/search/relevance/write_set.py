"""Writes docs.jsonl and queries.jsonl from set_a.py to set_f.py and queries_src.py
(run it after editing them):

    python tests/search/relevance/write_set.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from queries_src import QUERIES  # noqa: E402
from set_a import DOCS as A  # noqa: E402
from set_b import DOCS as B  # noqa: E402
from set_b import LONG  # noqa: E402
from set_c import DOCS as C  # noqa: E402
from set_d import DOCS as D  # noqa: E402
from set_e import DOCS as E  # noqa: E402
from set_f import DOCS as F  # noqa: E402


def main() -> None:
    rows = [*A, *B, *LONG, *C, *D, *E, *F]
    docs = [{"id": i, "board": b, "title": t, "body": body, "author": a} for i, b, a, t, body in rows]
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids)), "an id is used twice"
    known = set(ids)
    queries = []
    for qid, query, relevant, traps, split in QUERIES:
        assert set(relevant) <= known and set(traps) <= known, qid
        row = {"qid": qid, "query": query, "relevant": relevant, "split": split}
        if traps:
            row["traps"] = traps
        queries.append(row)
    for name, rows in (("docs.jsonl", docs), ("queries.jsonl", queries)):
        (HERE / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(docs)} documents, {len(queries)} queries")


if __name__ == "__main__":
    main()
