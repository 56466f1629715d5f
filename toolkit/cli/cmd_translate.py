"""``bitext translate``: the main job (being written)."""
