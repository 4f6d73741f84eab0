"""Three per-page costs of Gradio 6.31 that a class multiplies by its students, cut; installed by ``build_app``.

Measured in one process on this studio's page (638 blocks, 2-core CPU; ``tests/test_gradio_speedups.py``
and ``benchmarks/class_session.py`` measure them again; the upstream report is ``docs/gradio-upstream.md``):

- **A skipped output is a component built anew.** ``Blocks.postprocess_data`` treats ``gr.skip()`` (the
  update ``{"__type__": "update"}`` with no property) as any other update: it constructs a new component
  from the old one's arguments, stores it in the page's session and rebuilds its config, API schema
  included (pydantic's ``model_json_schema``): about 3 ms for an image, 0.6 ms for a Markdown, against
  0.7 and 0.2 ms for a plain value. An event with many outputs of which a few change (a page load, a link
  opened, the projector's tick) paid it for every output it left alone. Here such outputs are left out of
  the post-processing and answered with the same ``{"__type__": "update"}`` Gradio sends for them: the
  page sees exactly what it saw, and nothing is built.
- **A page's session starts with the config of every block.** ``SessionState.__init__`` builds the
  config (props, API info) of each of the page's blocks when a page's first event arrives, about 90 ms
  here, once per student; Gradio reads them only for a component an event changes, or for a "deep link"
  (which the studio does not offer). Here each block's config is made when first asked for.
- **A page's session copies the page.** It also copied the page's table of blocks and of events (about
  40 KB, with the set of pending configs 56 KB of the 100 KB a session cost): 1,000 sessions opened by a
  script (one per invented browser, issue 50's hostile student) grew the studio by 95 MB. Here a session
  shares the page's tables until an event replaces one of its components (a ``gr.update``), which is
  when Gradio needs them to differ; a page using ``gr.render`` keeps Gradio's copy.

Each patch checks that Gradio's code is the code it was written against (``_expected``); with another
Gradio it is not installed, the studio keeps Gradio's own behaviour, and this module's test fails so that
the patch is looked at again.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import logging
import os

from gradio import blocks as gradio_blocks
from gradio import state_holder
from gradio.components import State as gradio_State

log = logging.getLogger("studio")

# The sha256 of the Gradio functions each patch replaces or wraps, as in Gradio 6.31.0.
EXPECTED = {
    "Blocks.postprocess_data": "5f6a865a3446ba0b5bdf8f9a19d0d08f79aae873ae8fda7508e125f8a4201032",
    "SessionState.__init__": "1b2ea21dc42c45dafb54280eccd932efe6851230b7f896ddbfd4cf593bc0d06b",
    "SessionState.__setitem__": "49a413d82fc2960399a05158e9fadd31d5834a46b6ae50e6c55e6aa1d83a5be8",
}
_installed: set[str] = set()


def source_digest(function) -> str:
    """The sha256 of a function's source: what ``EXPECTED`` records."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def _expected(name: str, function) -> bool:
    if source_digest(function) == EXPECTED[name]:
        return True
    log.warning("Gradio's %s is not the one studio/ui/frame/gradio_speedups.py was written for: left as it is", name)
    return False


def install() -> set[str]:
    """Install the patches whose Gradio code is as expected (once per process): the names installed."""
    if "Blocks.postprocess_data" not in _installed and _expected("Blocks.postprocess_data", _ORIGINAL_POSTPROCESS):
        gradio_blocks.Blocks.postprocess_data = _postprocess_without_skips
        _installed.add("Blocks.postprocess_data")
    if "SessionState.__init__" not in _installed and _expected("SessionState.__init__", _ORIGINAL_SESSION_INIT) \
            and _expected("SessionState.__setitem__", _ORIGINAL_SESSION_SETITEM):
        state_holder.SessionState.__init__ = _session_init_lazily
        state_holder.SessionState.__setitem__ = _session_setitem_owning
        _installed.add("SessionState.__init__")
    return set(_installed)


# --- a skipped output: nothing built -------------------------------------------------------------------------
_ORIGINAL_POSTPROCESS = gradio_blocks.Blocks.postprocess_data
SKIPPED = {"__type__": "update"}  # gr.skip(), and what Gradio answers for it


def _is_skip(value) -> bool:
    return isinstance(value, dict) and value == SKIPPED


async def _postprocess_without_skips(self, block_fn, predictions, state):
    """``Blocks.postprocess_data`` for the outputs that change; ``SKIPPED`` for the others (see the module)."""
    outputs = list(block_fn.outputs)
    if len(outputs) < 2 or block_fn.batch or block_fn.is_validator_function:
        return await _ORIGINAL_POSTPROCESS(self, block_fn, predictions, state)
    if _is_skip(predictions):  # one gr.skip() for every output
        predictions = [SKIPPED] * len(outputs)
    elif isinstance(predictions, dict) and predictions and all(isinstance(k, gradio_blocks.Block) for k in predictions):
        predictions = gradio_blocks.convert_component_dict_to_list(outputs, predictions)
    if not isinstance(predictions, (list, tuple)) or len(predictions) != len(outputs):
        return await _ORIGINAL_POSTPROCESS(self, block_fn, predictions, state)  # Gradio says what is wrong
    # a gr.State output keeps Gradio's own handling (its answer is None, not an update)
    changed = [i for i, (block, value) in enumerate(zip(outputs, predictions))
               if not _is_skip(value) or block.stateful]
    if len(changed) == len(outputs):
        return await _ORIGINAL_POSTPROCESS(self, block_fn, predictions, state)
    answer = [dict(SKIPPED) for _ in outputs]
    if changed:
        reduced = copy.copy(block_fn)
        reduced.outputs = [outputs[i] for i in changed]
        # with one output Gradio takes the prediction itself, not a list of one
        values = [predictions[i] for i in changed] if len(changed) > 1 else predictions[changed[0]]
        for i, value in zip(changed, await _ORIGINAL_POSTPROCESS(self, reduced, values, state)):
            answer[i] = value
    return answer


# --- a page's session: shared until it differs, configs made when asked for ---------------------------------
_ORIGINAL_SESSION_INIT = state_holder.SessionState.__init__
_ORIGINAL_SESSION_SETITEM = state_holder.SessionState.__setitem__
_SESSION_KEYS: dict[int, tuple] = {}  # id(default config) -> (that config, the keys a session makes configs of)


class LazyConfigs(dict):
    """``SessionState.config_values`` whose entries are made from the session's blocks when first read.

    ``keys`` (the blocks a session has configs of) is one frozenset shared by every session; an entry is
    made when first read, from the blocks the session has then (its own copy once an event updated one)."""

    def __init__(self, session, keys: frozenset) -> None:
        super().__init__()
        self._session = session
        self._keys = keys

    def _make(self, key) -> None:
        blocks_config = self._session.blocks_config
        dict.__setitem__(self, key, blocks_config.config_for_block(key, [], blocks_config.blocks[key]))

    def _make_all(self) -> None:
        for key in self._keys:
            if not dict.__contains__(self, key):
                self._make(key)

    def __missing__(self, key):
        if key not in self._keys:
            raise KeyError(key)
        self._make(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self._keys

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __len__(self) -> int:
        return len(self._keys) + sum(1 for key in dict.keys(self) if key not in self._keys)

    def __iter__(self):
        self._make_all()
        return dict.__iter__(self)

    def keys(self):
        self._make_all()
        return dict.keys(self)

    def values(self):
        self._make_all()
        return dict.values(self)

    def items(self):
        self._make_all()
        return dict.items(self)


def _session_keys(blocks) -> frozenset:
    """The blocks a session of ``blocks`` has configs of (the same for every session: computed once)."""
    default = blocks.default_config
    kept = _SESSION_KEYS.get(id(default))
    if kept is None or kept[0] is not default:
        kept = (default, frozenset(k for k in default.blocks if k in blocks.blocks))
        _SESSION_KEYS[id(default)] = kept
    return kept[1]


def _session_init_lazily(self, blocks) -> None:
    """``SessionState.__init__`` of Gradio 6.31 with the page's blocks shared until an event updates one of
    them (``_session_setitem_owning``), and ``config_values`` made lazily (see the module)."""
    # gr.render writes the blocks it draws into the session's config: a page with it keeps Gradio's copy
    self._shares_config = not blocks.default_config.renderables
    self.blocks_config = blocks.default_config if self._shares_config else copy.copy(blocks.default_config)
    self.config_values = LazyConfigs(self, _session_keys(blocks))
    self.state_data = {}
    self._state_ttl = {}
    self.is_closed = False
    self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600


def _session_setitem_owning(self, key, value) -> None:
    """``SessionState.__setitem__``, the session first taking its own copy of the page's blocks when an event
    replaces one of them (a component update): Gradio copied them for every session at its start."""
    if getattr(self, "_shares_config", False) and not isinstance(self.blocks_config.blocks.get(key), gradio_State):
        self.blocks_config = copy.copy(self.blocks_config)
        self._shares_config = False
    _ORIGINAL_SESSION_SETITEM(self, key, value)
