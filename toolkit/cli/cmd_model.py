"""``bitext model convert MODEL --to ctranslate2``: prepare a faster engine's copy of a checkpoint."""
from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.app import app
from toolkit.mt.engine_ct2 import QUANTIZATIONS  # ctranslate2 itself is imported only when converting


@app.group("model")
def model_group() -> None:
    """Manage MT models (conversion for the CTranslate2 engine)."""


@model_group.command("convert")
@click.argument("model")
@click.option("--to", "target", type=click.Choice(["ctranslate2"]), default="ctranslate2", show_default=True,
              help="Target format (needs `pip install .[fast]`).")
@click.option("--quantization", type=click.Choice(QUANTIZATIONS), default="int8", show_default=True,
              help="Weight type of the converted model (int8: ~4× smaller, fastest on CPU).")
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help="Output folder. Default: MODEL_DIR/ctranslate2-QUANTIZATION, where --engine auto finds it.")
@click.option("--force", is_flag=True, help="Replace an existing output folder.")
def convert_cmd(model: str, target: str, quantization: str, output_dir: Path | None, force: bool) -> int:
    """Convert MODEL (hub id or checkpoint folder) with CTranslate2's official converter."""
    from toolkit.mt.engine_ct2 import convert_model

    out = convert_model(model, quantization=quantization, output_dir=output_dir, force=force)
    click.echo(str(out))
    note = "" if output_dir is None else " (pass it with --ct2-dir or keep it inside the model folder for --engine auto)"
    click.echo(f"converted {model} to CTranslate2 {quantization}: {out}{note}", err=True)
    return 0
