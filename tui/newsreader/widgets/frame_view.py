"""The base of the line-API views (the lists and the reader): what every line of an update
needs is looked up once per update, not once per line."""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip


class FrameView(ScrollView):
    """``render_line`` reads ``self._frame`` (set for the length of one ``render_lines``) or,
    outside an update, calls ``_frame_of`` itself."""

    _frame: Any = None

    def _frame_of(self) -> Any:
        raise NotImplementedError

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._frame_of()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None
