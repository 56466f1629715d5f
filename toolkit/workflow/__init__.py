"""Workflow: the main job (:mod:`.pipeline`) and what surrounds review — msgmerge-style merge,
translation memory, corpus export, rendering and scoring. Wires the stages; the CLI sits on top."""
