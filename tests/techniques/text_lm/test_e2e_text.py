"""End to end for the text tab: a real `python studio.py` process, driven with gradio_client."""

import pytest

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def test_api_lists_the_text_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/text_generate", "/text_distribution", "/text_next_word"} <= set(endpoints)


def test_generations_side_by_side_are_deterministic_by_seed(client):
    args = ("en", "This movie", 20, ["0.2", "1.0", "1.5"], 3, 0, 1.0)
    cards, note, file = client.predict(*args, api_name="/text_generate")
    again, _, again_file = client.predict(*args, api_name="/text_generate")
    assert cards == again and cards.count("T = ") == 3 and "repeated 3-grams" in cards
    assert "same seed" in note and "studio-recipe:" in note
    with open(file, "rb") as a, open(again_file, "rb") as b:
        assert a.read() == b.read()  # the download, headed by its recipe, is the same too
    other, _, _ = client.predict("en", "This movie", 20, ["0.2", "1.0", "1.5"], 4, 0, 1.0, api_name="/text_generate")
    assert other != cards


def test_distribution_viewer_reports_both_entropies(client):
    picture, summary = client.predict("en", "This movie was", 0.5, 10, api_name="/text_distribution")
    assert picture and "bits" in summary and "T = 0.5" in summary


def test_one_word_at_a_time_appends_a_word(client):
    prefix, picture, summary = client.predict("en", "This movie was", 1.0, 10, 0, 0, 1.0, api_name="/text_next_word")
    assert prefix.startswith("This movie was ") and len(prefix.split()) == 4 and "bits" in summary


@pytest.mark.parametrize("args, message", [
    (("en", "", 20, ["1.0"], 0, 0, 1.0), "Type a prompt"),
    (("en", "qqxv zzyq", 20, ["1.0"], 0, 0, 1.0), "None of the prompt"),
    (("en", "This movie", 20, [], 0, 0, 1.0), "at least one temperature"),
])
def test_bad_generation_input_comes_back_as_a_clear_error(client, args, message):
    with pytest.raises(gradio_client.exceptions.AppError, match=message):
        client.predict(*args, api_name="/text_generate")


def test_non_positive_temperature_is_refused_with_a_reason(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="above 0|must be (at least|between)"):
        client.predict("en", "This movie", 0.0, 10, api_name="/text_distribution")


def test_own_text_generation_before_training_explains_what_to_do(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="Train a model on your text first"):
        client.predict("abc", 20, 0.7, 0, api_name="/text_own_generate")
