"""The Gradio user interface: `app.build_app` wires the technique tabs to the models."""
