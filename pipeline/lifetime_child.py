"""Imported in a helper process to tie its life to its parent's (see pipeline.lifetime)."""
from pipeline.lifetime import die_with_parent

die_with_parent()
