"""The reusable training panel, on a fake training function, over real HTTP."""

import time

import pytest

gradio_client = pytest.importorskip("gradio_client")

from conftest import free_port  # noqa: E402
from studio.data import DataUnavailableError  # noqa: E402


@pytest.fixture(scope="module")
def panel_url():
    import gradio as gr

    from studio.ui.i18n import Translator
    from studio.ui.jobs import SessionJobs
    from studio.ui.training_panel import create_training_panel

    def fake_run(epochs, keep, on_progress, on_epoch, cancel, variant):
        if variant == "broken":
            raise DataUnavailableError("MNIST could not be loaded: pass --data-dir FOLDER")
        for epoch in range(epochs):
            cancel.raise_if_cancelled()
            on_progress((epoch + 0.5) / epochs, f"epoch {epoch + 1}")
            time.sleep(0.05)
            on_epoch(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 1.2 / (epoch + 1)}, None)
        return {"epochs": epochs}

    with gr.Blocks() as demo:
        tr = Translator("en")
        lang = gr.State("en")
        create_training_panel(tr, lang, SessionJobs(), fake_run, status_text=lambda lg, v: f"status of {v}",
                              use_shipped=lambda v: None, api_prefix="fake", default_epochs=3, max_epochs=10,
                              intro_key="ae.train_intro",
                              make_extra_inputs=lambda: [gr.Radio(["good", "broken"], value="good")])
    demo.queue()
    port = free_port()
    demo.launch(server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_training_streams_progress_curves_and_the_final_status(panel_url):
    client = gradio_client.Client(panel_url, verbose=False)
    job = client.submit(3, False, "good", api_name="/fake_train")
    updates = list(job)
    final = job.outputs()[-1]
    assert len(updates) >= 3
    assert final[0].startswith("✅") and final[3] == "status of good"
    assert final[2] is not None  # the loss curve picture


def test_a_failing_run_reports_its_message(panel_url):
    client = gradio_client.Client(panel_url, verbose=False)
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict(2, False, "broken", api_name="/fake_train")
