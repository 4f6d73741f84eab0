"""The reusable training panel over real HTTP, running real (tiny) jobs in a worker process."""

import pytest

gradio_client = pytest.importorskip("gradio_client")

from conftest import free_port, write_tiny_data  # noqa: E402


@pytest.fixture(scope="module")
def panel_url(tmp_path_factory):
    import gradio as gr

    from studio import paths
    from studio.training.jobs import JobSpec, TrainingJobs
    from studio.training.request import from_argv
    from studio.ui.kit.context import TabContext
    from studio.ui.kit.i18n import Translator
    from studio.ui.kit.jobs import SessionJobs
    from studio.ui.panels.training_panel import TrainingHooks, create_training_panel

    root = tmp_path_factory.mktemp("panel")
    data_dir = write_tiny_data(root / "data")

    def job(request):
        # "good": the pixel recipe on tiny data (numpy only: fast); "broken": a data folder without data
        folder = data_dir if request.choice == "good" else root / "empty"
        return JobSpec(from_argv(("pixel", "--datasets", "mnist", "--to", "user", "--data-dir", str(folder))),
                       f"pixel · {request.choice}", 5.0, request.keep_on_stop)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_CACHE_DIR", str(root / "cache"))
        mp.setenv("STUDIO_NO_DOWNLOAD", "1")
        paths.set_data_dir(None)
        with gr.Blocks() as demo:
            tr = Translator("en")
            lang = gr.State("en")
            ctx = TabContext(tr, lang, SessionJobs(), TrainingJobs(), None)
            hooks = TrainingHooks(job=job, status=lambda lg, v: f"status of {v}", use_shipped=lambda v: None)
            create_training_panel(ctx, hooks, api_prefix="fake", intro_key="ae.train_intro", default_epochs=3,
                                  max_epochs=10, make_choice=lambda: gr.Radio(["good", "broken"], value="good"))
        demo.queue()
        port = free_port()
        demo.launch(server_port=port, prevent_thread_lock=True, quiet=True)
        yield f"http://127.0.0.1:{port}/"
        demo.close()


def test_training_streams_progress_and_the_final_status(panel_url):
    client = gradio_client.Client(panel_url, verbose=False)
    job = client.submit(3, False, "good", api_name="/fake_train")
    updates = list(job)
    final = job.outputs()[-1]
    assert len(updates) >= 2
    assert final[0].startswith("✅") and final[3] == "status of good"


def test_a_failing_run_reports_its_message(panel_url):
    client = gradio_client.Client(panel_url, verbose=False)
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict(2, False, "broken", api_name="/fake_train")
