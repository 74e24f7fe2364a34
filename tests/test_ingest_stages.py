"""The ingestion stages without Prefect: worker processes give the same results as one."""
from __future__ import annotations

from pipeline.config import Settings
from pipeline.demo import SAMPLE_DIR
from pipeline.ingest import AnalysedArticle, process_pages
from pipeline.types import Page

BASE = "http://127.0.0.1:8000"


def _sample_pages():
    out = []
    for path in sorted((SAMPLE_DIR / "pages").rglob("*.html")):
        url = f"{BASE}/{path.relative_to(SAMPLE_DIR).as_posix()}"
        body = path.read_bytes().replace(b"{{BASE}}", BASE.encode())
        out.append((Page(url=url, final_url=url, status=200, content_type="text/html; charset=utf-8", body=body),
                    None))
    return out


def _summary(processed):
    return [(a.article.url, a.article.skip_reason,
             tuple(sorted((r.type, repr(sorted(r.args.items())), r.evidence) for r in a.result.relations))
             if a.result else None)
            for a in processed.analysed]


def test_two_worker_processes_match_one():
    pages = _sample_pages()
    pages.append((Page(url=f"{BASE}/x.pdf", final_url=f"{BASE}/x.pdf", status=200,
                       content_type="text/html", body=b""), None))
    one = process_pages(pages, Settings(), batch_size=4, n_process=1)
    two = process_pages(pages, Settings(), batch_size=4, n_process=2)
    assert len(one.analysed) == len(pages) - 1
    assert [e.error_class for e in one.errors] == [e.error_class for e in two.errors] == ["Empty"]
    assert _summary(one) == _summary(two)
    assert sum(len(a.result.relations) for a in one.analysed if a.result) >= 10


def test_skipped_articles_have_no_nlp_result():
    processed = process_pages(_sample_pages(), Settings(), n_process=1)
    skipped = [a for a in processed.analysed if a.article.skip_reason]
    assert skipped, "the sample has a German page and a paywall stub"
    assert all(isinstance(a, AnalysedArticle) and a.result is None for a in skipped)
