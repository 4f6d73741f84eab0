"""One module per technique: numpy in, numpy out; no Gradio, no file I/O."""
