"""The Korean and English texts of the frame, the shared panels and the core's figures, as TOML files.

Each file maps a key to its words, ``["gan.tab"]`` then ``ko = "..."`` and ``en = "..."``; each
technique keeps its own in ``studio/techniques/NAME/texts.toml``. The core module ``studio.texts``
reads them all (as files: the core never imports ``studio.ui``) and looks words up with ``text``; this
package only holds the files.
"""
