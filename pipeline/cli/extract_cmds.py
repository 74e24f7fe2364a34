"""CLI commands: extract (JSONL in, JSONL out) and eval (P/R/F1 against a gold file).

Thin over ``pipeline.relations`` and ``pipeline.evaluate``; no Prefect involved.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterator, Optional, TextIO

import typer

from pipeline.cli.common import UserError, console, err_console


def _read_docs(stream: TextIO, name: str) -> Iterator:
    """Documents of a JSONL stream; a bad line is a user error naming its line number."""
    from pipeline.types import Document

    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{name}:{n}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(d, dict) or "id" not in d or not isinstance(d.get("text", ""), str):
            raise UserError(f'{name}:{n}: each line needs an object with "id" and "text"')
        yield Document(id=str(d["id"]), text=d.get("text") or "", date=d.get("date"))


def _scorer_setting(value: Optional[str]) -> None:
    """``--scorer on|confidence|off``: overrides the model's default for this process (NEWSEV_SCORER)."""
    import os

    if value is None:
        return
    v = value.strip().lower()
    if v not in ("on", "off", "confidence"):
        raise UserError(f"--scorer takes on, confidence or off, not {value!r}")
    os.environ["NEWSEV_SCORER"] = v


SCORER_HELP = ("Trained scorer: on (filter and add), confidence (calibrated confidences only) or off "
               "(default: as models/scorer/model.json says; env NEWSEV_SCORER).")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``newsev`` app."""

    @app.command("extract")
    def extract(
        infile: str = typer.Argument("-", metavar="[IN.jsonl|-]", help="JSONL documents ({id, text, date?}); - is stdin."),
        out: Optional[Path] = typer.Option(None, "-o", "--output", help="Where to write JSONL (default stdout)."),
        batch_size: int = typer.Option(32, "--batch-size", help="Documents per NLP batch."),
        processes: int = typer.Option(1, "--processes", "-p", help="Worker processes for the NLP."),
        scorer: Optional[str] = typer.Option(None, "--scorer", metavar="on|confidence|off", help=SCORER_HELP),
    ) -> None:
        """Extract relations with evidence from JSONL documents, one output line per input.

        Example: newsev extract ../shared/seed/gold.jsonl -o out.jsonl
        """
        from pipeline.relations import extract_documents

        _scorer_setting(scorer)
        if infile == "-":
            src: TextIO = sys.stdin
        else:
            p = Path(infile)
            if not p.is_file():
                raise UserError(f"no such file: {infile}")
            src = p.open(encoding="utf-8")
        dst: TextIO = out.open("w", encoding="utf-8") if out else sys.stdout
        n = rels = 0
        try:
            with err_console.status("extracting...") as status:
                for res in extract_documents(_read_docs(src, infile), batch_size=batch_size, n_process=processes):
                    dst.write(json.dumps(res.to_json(), ensure_ascii=False) + "\n")
                    n += 1
                    rels += len(res.relations)
                    status.update(f"extracting... {n} documents, {rels} relations")
        finally:
            if src is not sys.stdin:
                src.close()
            if out:
                dst.close()
        err_console.print(f"{n} documents, {rels} relations" + (f" -> {out}" if out else ""))

    @app.command("eval")
    def evaluate(
        gold: Path = typer.Argument(..., help="Gold JSONL (documents with text and relations)."),
        errors: bool = typer.Option(False, "--errors", help="List every miss (FN) and false hit (FP)."),
        as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
        processes: int = typer.Option(1, "--processes", "-p", help="Worker processes for the NLP."),
        by_rule_: bool = typer.Option(False, "--by-rule", help="Per rule id: fires, right, wrong, precision."),
        scorer: Optional[str] = typer.Option(None, "--scorer", metavar="on|confidence|off", help=SCORER_HELP),
        predictions: Optional[Path] = typer.Option(
            None, "--predictions", help="Score this JSONL of predictions (`newsev extract` output) instead of "
                                        "running the extraction."),
    ) -> None:
        """Run extraction over a gold file and print precision, recall and F1 per type.

        Matching rules are those of ../shared/eval/score.py (see pipeline/evaluate.py).
        With --by-rule, also one row per rule id found in the evidence of the predictions.

        Example: newsev eval ../shared/eval/dev/redocred_dev.jsonl --by-rule
        Example: newsev eval gold.jsonl --predictions pred.jsonl
        """
        from pipeline.evaluate import by_rule, load_jsonl, predict, score, show_tuple

        _scorer_setting(scorer)
        if not gold.is_file():
            raise UserError(f"no such file: {gold}")
        try:
            gold_docs = load_jsonl(gold)
        except (ValueError, KeyError) as exc:
            raise UserError(str(exc)) from None
        if predictions is not None:
            if not predictions.is_file():
                raise UserError(f"no such file: {predictions}")
            try:
                pred = load_jsonl(predictions)
            except (ValueError, KeyError) as exc:
                raise UserError(str(exc)) from None
        else:
            with err_console.status(f"extracting {len(gold_docs)} documents..."):
                pred = predict(gold_docs.values(), n_process=processes)
        res = score(gold_docs, pred)
        rules = by_rule(gold_docs, pred) if by_rule_ else None
        if as_json:
            out = res.to_json()
            if rules is not None:
                out["rules"] = [r.to_json() for r in rules]
            console.print_json(json.dumps(out))
            return
        from rich.table import Table

        table = Table("type", "tp", "fp", "fn", "P", "R", "F1", "core R")
        for rtype, s in sorted(res.by_type.items()):
            table.add_row(rtype, str(s.tp), str(s.fp), str(s.fn), f"{s.precision:.3f}", f"{s.recall:.3f}",
                          f"{s.f1:.3f}", f"{s.core_recall:.3f}")
        console.print(table)
        if errors:
            for kind, doc_id, t in res.errors:
                console.print(f"{kind} {doc_id}: {show_tuple(t)}", markup=False, highlight=False)
        m = res.micro()
        console.print(f"micro P={m.precision:.3f} R={m.recall:.3f} F1={m.f1:.3f}")
        if rules is not None:
            from rich.table import Column

            rt = Table(Column("rule", no_wrap=True), "fires", "scored", "right", "wrong", "shared", "P",
                       title="by rule")
            for r in rules:
                p = r.precision
                rt.add_row(r.rule, str(r.fires), str(r.scored), str(r.right), str(r.wrong), str(r.shared),
                           "-" if p is None else f"{p:.3f}")
            # a rule id is what one greps for: never cut, the table widens past the terminal instead
            longest = max((len(r.rule) for r in rules), default=0)
            from rich.console import Console

            Console(width=max(console.width, longest + 60), highlight=False).print(rt)

    @app.command("train")
    def train_cmd(
        data: Path = typer.Option(None, "--data", help="Directory of the training gold files (default ../shared/train)."),
        out_dir: Path = typer.Option(None, "--out", help="Where to write model.json and MODEL_CARD.md (default models/scorer)."),
        as_json: bool = typer.Option(False, "--json", help="Print the cross-validation report as JSON."),
    ) -> None:
        """Train the relation scorer on the gold files, cross-validated by document.

        Reads knowledgenet_train.jsonl, fire_dev.jsonl and redocred_dev_full.jsonl in place
        (plus models/scorer/own.jsonl and our news paragraphs in tests/probes, the newest
        held-out one excepted), writes models/scorer/model.json, cv_report.json and
        MODEL_CARD.md. Deterministic; a few minutes on one CPU.

        Example: newsev train
        """
        from pipeline import learn

        src = data or learn.TRAIN_DIR
        if not src.is_dir():
            raise UserError(f"no such directory: {src}")
        if not any((src / f).is_file() for f in learn.TRAIN_FILES):
            raise UserError(f"none of {', '.join(learn.TRAIN_FILES)} in {src}")
        paths = learn.default_sources(src)
        kw = {"out_dir": out_dir} if out_dir else {}
        with err_console.status(f"training on {len(paths)} files..."):
            report = learn.train(paths, **kw)
        report.pop("model", None)
        if as_json:
            console.print_json(json.dumps(report))
            return
        typer.echo(learn.summary(report))
