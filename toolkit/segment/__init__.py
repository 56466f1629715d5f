"""Segmentation stage: Vietnamese-aware sentence segmentation with lossless offsets.

:mod:`.segmenter` splits text into :class:`toolkit.types.Segment`; :mod:`.rules` holds the boundary
rules and loads their language data from ``toolkit/data``. Never imports torch.
"""
from toolkit.segment.segmenter import iter_segments_from_file, segment_lines, segment_text

__all__ = ["iter_segments_from_file", "segment_lines", "segment_text"]
