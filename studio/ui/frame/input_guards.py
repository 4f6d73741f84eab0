"""Guards on every input widget of the studio, installed once over the whole app.

Gradio turns an upload into a picture, and a typed number into a float, *before* a tab's handler
runs, so a broken file or a NaN would surface as Gradio's own technical message (or reach a model).
``guard_inputs(demo)`` wraps the ``preprocess`` step of every image, image-editor, slider and number
widget, including those of tabs added later, so that:

- an upload is decoded safely (``imaging.read_picture``: not a picture, cut off, decompression bomb,
  too many pixels -> one clear sentence), shrunk to ``imaging.MAX_SIDE`` and put in a plain mode
  before any code of the tab sees it;
- a number that is NaN or infinite (JSON clients can send those; Gradio's range check lets NaN
  through), not a number at all, or outside the control's range, is refused with a sentence naming
  the control, by its name in every language of the studio ("'Seed' / '시드'"): the server holds one
  widget for every page, and a page's language is its own (``studio.ui.frame.page_language``).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import gradio as gr
from gradio.data_classes import FileData
from PIL import Image

from studio.media import imaging
from studio.checks import quoted


# A number widget's label in each language, by the widget's id (``guard_inputs``' ``words``).
_NAMES: dict[int, list[str]] = {}


def guard_inputs(demo: gr.Blocks, words: list | None = None) -> None:
    """Install the guards on every input component of ``demo`` (call after all tabs are built).

    ``words``: for each language, its (component, {property: text}) pairs (``Translator.texts``), from
    which a refused number is named in every language."""
    for texts in words or ():
        for component, properties in texts:
            label = properties.get("label")
            names = _NAMES.setdefault(component._id, [])
            if isinstance(label, str) and label and label not in names:
                names.append(label)
    for block in demo.blocks.values():
        if isinstance(block, (gr.Image, gr.ImageEditor)):
            _guard(block, _safe_picture_preprocess)
        elif isinstance(block, (gr.Slider, gr.Number)):
            _guard(block, _finite_number_preprocess)


# The guarded class of each Gradio class: the same component, whose ``preprocess`` is the guard's.
_GUARDED: dict[type, type] = {}


def _guard(block, guard) -> None:
    # The guard goes on the block's class, not on the block: when an event updates a widget's properties
    # (a followed result sets a tab's controls anew), Gradio makes the session's copy anew as
    # ``block.__class__(**arguments)``, and a guard set on the old object alone was gone from then on.
    if isinstance(block, tuple(_GUARDED.values())):
        return
    base = type(block)
    if base not in _GUARDED:
        # The page draws a component by its block name; Sketchpad is a "template" of ImageEditor and
        # names its parent, which a subclass of it would not.
        name = block.get_block_name()
        _GUARDED[base] = type(base.__name__, (base,), {
            "__module__": base.__module__, "__doc__": base.__doc__, "preprocess": guard, "_unguarded": base,
            "get_block_name": lambda self: name, "get_block_class": lambda self: name,
            "get_component_class_id": classmethod(lambda cls: base.get_component_class_id())})
    block.__class__ = _GUARDED[base]


def _original(block):
    return block._unguarded.preprocess.__get__(block)


def _safe_picture_preprocess(self, payload):
    try:
        payload = _sanitise(payload)
        return _original(self)(payload)
    except gr.Error:
        raise
    except imaging.UnreadableImage as exc:
        raise gr.Error(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - Gradio's own decoding failed: still one clear sentence
        raise gr.Error("The studio could not read this picture; save it as PNG or JPEG and upload it "
                       "again.") from exc


def _sanitise(value):
    """Replace every uploaded file inside ``value`` (an ImageData, or an editor's background, layers
    and composite) by a safely decoded, bounded copy."""
    if isinstance(value, FileData) or (hasattr(value, "path") and hasattr(value, "model_copy")):
        return _bounded_file(value)
    if hasattr(value, "model_fields"):  # e.g. EditorData
        updates = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            if isinstance(item, list):
                updates[name] = [_sanitise(x) for x in item]
            elif item is not None and hasattr(item, "model_copy"):
                updates[name] = _sanitise(item)
        return value.model_copy(update=updates) if updates else value
    return value


def _bounded_file(file):
    path = getattr(file, "path", None)
    if not path:  # a data: URL or an empty layer; Pillow's bomb guard still applies downstream
        return file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # read_picture explains instead
        try:
            opened = Image.open(path)  # lazy: only the header is read here
        except Exception:  # noqa: BLE001 - read_picture turns it into the right sentence
            opened = path
    size, mode = getattr(opened, "size", None), getattr(opened, "mode", None)
    picture = imaging.read_picture(opened)
    if picture.size == size and picture.mode == mode:
        return file  # already small and plain: Gradio reads the original
    bounded = Path(path).with_name(f"{Path(path).stem}-studio.png")
    picture.save(bounded, format="PNG")
    return file.model_copy(update={"path": str(bounded), "orig_name": bounded.name, "size": None})


def _finite_number_preprocess(self, payload):
    names = _NAMES.get(self._id) or ([self.label] if isinstance(self.label, str) and self.label else [])
    label = " / ".join(f"'{name}'" for name in names) or "This number"
    if payload is not None and (isinstance(payload, bool) or not isinstance(payload, (int, float))):
        raise gr.Error(f"{label} must be a number, not {quoted(str(payload))}.")
    if isinstance(payload, float) and not math.isfinite(payload):
        raise gr.Error(f"{label} must be a finite number, not {payload}.")
    # Gradio's own range check says "Value -5 is less than minimum value 0." without naming the control.
    low, high = getattr(self, "minimum", None), getattr(self, "maximum", None)
    if payload is not None and ((low is not None and payload < low) or (high is not None and payload > high)):
        bounds = (f"between {_plain(low)} and {_plain(high)}" if low is not None and high is not None
                  else f"at least {_plain(low)}" if low is not None else f"at most {_plain(high)}")
        raise gr.Error(f"{label} must be {bounds}, not {_plain(payload)}.")
    return _original(self)(payload)


def _plain(number: float) -> str:
    """5 rather than 5.0: the way a student typed it."""
    return f"{number:g}"
