"""The Datasette plugin ``newsev browse`` loads: claims read as sentences, and links that
take an analyst from a chain row to the claim and from the claim to every quote.

* ``claim_sentence(type, args, status)`` is a SQL function (``prepare_connection``) that
  reads a claim the way the CLI and the packet do (``pipeline.query.describe_claim``), so
  the canned queries show "Lei Jun is CEO of Xiaomi" instead of a JSON object.
* ``render_cell`` turns claim ids and a few named columns into links: a ``*_claim``
  column (a sentence) links to that claim's page, ``quotes`` to its quotes, ``article``
  to the article's own URL; the ``claims`` table shows ``args`` as the sentence.
* ``/-/newsev.css`` keeps the column descriptions to a few lines.

Cell rules are data (``CLAIM_LINK_COLUMNS``, ``CELL_RULES``) so new columns slot in.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

CLAIM_PAGE = "claim_summaries"  # canned query: one claim (or all) as a sentence, with links on
QUOTES_PAGE = "claim_quotes"  # canned query: every quote behind one claim

# column holding a sentence -> column holding the id of the claim it links to
CLAIM_LINK_COLUMNS = {"claim": "claim_id"}
# columns holding a bare claim id, linked to the claim's page wherever they appear
CLAIM_ID_COLUMNS = {"claim_id", "position_claim_id", "award_claim_id"}

CSS = """
dl.column-descriptions{display:grid;grid-template-columns:max-content 1fr;gap:0 .8em;font-size:.8rem;
  max-height:5.4em;overflow-y:auto;border:1px solid #e3e3e3;padding:.25em .6em;margin:.3em 0 .8em}
dl.column-descriptions dt{margin:0} dl.column-descriptions dd{margin:0;padding:0;white-space:normal}
.newsev-start li{margin:.25em 0} .newsev-muted{color:#999} .newsev-claim{font-weight:bold}
td.col-claim{font-weight:bold}
"""


def claim_sentence(rtype: str | None, args: str | None, status: str | None = None) -> str | None:
    """SQL ``claim_sentence(type, args[, status])``: the claim as one readable sentence."""
    from pipeline.query import describe_claim

    if rtype is None or args is None:
        return None
    try:
        parsed = json.loads(args)
    except (TypeError, ValueError):
        return None
    if not isinstance(parsed, dict):
        return None
    return describe_claim({"type": rtype, "args": parsed, "status": status})


@hookimpl
def prepare_connection(conn):
    conn.create_function("claim_sentence", 3, claim_sentence, deterministic=True)
    conn.create_function("claim_sentence", 2, claim_sentence, deterministic=True)


def _get(row, key):
    try:
        return row[key]
    except (KeyError, IndexError, TypeError):
        return None


def _page(datasette, database: str, page: str, **params) -> str:
    return datasette.urls.database(database) + "/" + page + "?" + urlencode(params)


def _http(url) -> bool:
    try:
        return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")
    except ValueError:
        return False


def _claim_link(datasette, database, claim_id, text) -> Markup:
    href = _page(datasette, database, CLAIM_PAGE, claim_id=claim_id)
    return Markup(f'<a class="newsev-claim" href="{escape(href)}">{escape(text)}</a>')


def _sentence_cell(row, value, column, table, database, datasette):
    id_col = CLAIM_LINK_COLUMNS.get(column)
    claim_id = _get(row, id_col) if id_col else None
    if table is None and isinstance(claim_id, int) and isinstance(value, str):
        return _claim_link(datasette, database, claim_id, value)
    return None


def _quotes_cell(row, value, column, table, database, datasette):
    claim_id = _get(row, "id")  # the claim_summaries query: one row per claim
    if column == "quotes" and table is None and isinstance(value, int) and isinstance(claim_id, int):
        href = _page(datasette, database, QUOTES_PAGE, claim_id=claim_id)
        word = "quote" if value == 1 else "quotes"
        return Markup(f'<a href="{escape(href)}">{value} {word} &rarr;</a>')
    return None


def _article_cell(row, value, column, table, database, datasette):
    url = _get(row, "url")
    if column == "article" and table is None and _http(url):
        return Markup(f'<a href="{escape(url)}">{escape(value or url)}</a>')
    return None


def _claims_table_cell(row, value, column, table, database, datasette):
    if table != "claims":
        return None
    if column == "args":
        text = claim_sentence(_get(row, "type"), value, _get(row, "status"))
        if text:
            return Markup(f'<span title="{escape(value)}">{escape(text)}</span>')
    if column == "key":
        return Markup(f'<span class="newsev-muted" title="{escape(value)}">key</span>')
    if column == "id" and isinstance(value, int):
        return _claim_link(datasette, database, value, f"#{value} \u2192")
    return None


def _claim_id_cell(row, value, column, table, database, datasette):
    if isinstance(value, dict):  # a foreign key Datasette expanded: {"value": 12, "label": ...}
        value = value.get("value")
    if column in CLAIM_ID_COLUMNS and isinstance(value, int) and table != "claims":
        return _claim_link(datasette, database, value, f"claim #{value} \u2192")
    return None


# first rule that returns something wins
CELL_RULES = [_claims_table_cell, _sentence_cell, _quotes_cell, _article_cell, _claim_id_cell]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    for rule in CELL_RULES:
        out = rule(row, value, column, table, database, datasette)
        if out is not None:
            return out
    return None


async def _css(request):
    return Response(CSS, content_type="text/css; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/newsev\.css$", _css)]
