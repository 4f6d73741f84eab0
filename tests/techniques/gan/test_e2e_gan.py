"""The GAN tab over HTTP: a real `python studio.py` with the shipped generators, driven by gradio_client."""

import pytest
from PIL import Image

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def _bytes(path):
    with Image.open(path) as image:
        return image.convert("RGB").tobytes(), image.size


@pytest.mark.parametrize("variant", ["dcgan_mnist", "dcgan_ankle_boot", "dense_mnist", "conv003_mnist"])
def test_every_shipped_generator_samples_deterministically(client, variant):
    first = _bytes(client.predict(variant, 50, 3, api_name="/gan_samples"))
    again = _bytes(client.predict(variant, 50, 3, api_name="/gan_samples"))
    other = _bytes(client.predict(variant, 50, 4, api_name="/gan_samples"))
    assert first == again and first[0] != other[0]
    assert first[1] == (10 * 56 + 11 * 2, 5 * 56 + 6 * 2)  # the lecture's 5 x 10, each digit at 2x


def test_walk_gives_frames_and_a_gif(client):
    picture, gif = client.predict("dcgan_mnist", 1, 2, 8, api_name="/gan_walk")
    assert _bytes(picture)[1][0] > 8 * 28 and gif.endswith(".gif")
    with Image.open(gif) as animation:
        assert animation.n_frames == 14  # 8 forwards, then 6 back without repeating the ends


def test_nearest_without_the_training_set_says_how_to_get_it(client):
    # The test server has no data folder and may not download: the search needs the training set.
    with pytest.raises(gradio_client.exceptions.AppError, match="--data-dir"):
        client.predict("en", "dcgan_mnist", 5, 0, api_name="/gan_nearest")


@pytest.mark.parametrize("args", [("dcgan_mnist", 0, 1), ("dcgan_mnist", 101, 1), ("dcgan_mnist", 5, -1),
                                  ("stylegan", 5, 1)])
def test_bad_sample_requests_are_refused_clearly(client, args):
    with pytest.raises(gradio_client.exceptions.AppError):
        client.predict(*args, api_name="/gan_samples")
    assert _bytes(client.predict("dense_mnist", 5, 0, api_name="/gan_samples"))  # and the server lives on


def test_the_game_answer_is_not_an_endpoint(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/gan_samples", "/gan_walk", "/gan_nearest"} <= set(endpoints)
    assert not any("round" in name or "check" in name for name in endpoints if name.startswith("/gan"))


def _route(url: str, name: str, body) -> tuple[int, dict]:
    """POST ``body`` (JSON, or bytes as they are) to the studio's page route ``name``: (status, answer)."""
    import json
    import urllib.error
    import urllib.request

    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    asked = urllib.request.Request(f"{url}studio-page/{name}", data=data, method="POST",
                                   headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(asked, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _picture(data_url: str):
    import base64
    import io

    assert data_url.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))) as image:
        return image.size


def test_the_game_is_played_over_its_own_routes_and_its_truth_stays_on_the_server(studio_server):
    """New round gives a picture and a token (nothing of the answer); Check scores the round the token names,
    once; the page's score comes back worded; bad requests get one sentence each."""
    status, round_ = _route(studio_server, "gan-game-round", {"lang": "ko", "variant": "dense_mnist"})
    assert status == 200 and set(round_) == {"round", "picture", "words"}
    assert _picture(round_["picture"])[0] > 8 * 28 and "가짜를 골라 보세요" in round_["words"]
    assert 'href="?r=' in round_["words"]  # the link to a new round of this generator
    score = {"rounds": 2, "correct": 9, "shown": 16}
    status, verdict = _route(studio_server, "gan-game-check",
                             {"lang": "en", "round": round_["round"], "picks": ["1", "2"], "score": score})
    assert status == 200 and verdict["round"] is None and verdict["score"]["rounds"] == 3
    assert verdict["score"]["shown"] == 24 and 9 <= verdict["score"]["correct"] <= 17
    assert "This round: <strong>" in verdict["words"] and _picture(verdict["picture"])[1] > _picture(round_["picture"])[1]
    spent = _route(studio_server, "gan-game-check", {"round": round_["round"], "picks": []})
    forged = _route(studio_server, "gan-game-check", {"round": "A" * 24, "picks": []})
    assert spent == forged == (400, {"error": "Start a round first: press 'New round'."})
    _, another = _route(studio_server, "gan-game-round", {"variant": "dcgan_mnist", "score": "lots"})
    assert _route(studio_server, "gan-game-check", {"round": another["round"], "picks": ["9"]}) == \
        (400, {"error": "Images are numbered 1 to 8."})
    assert _route(studio_server, "gan-game-check", {"round": another["round"], "picks": "1"})[0] == 400
    assert _route(studio_server, "gan-game-round", {"variant": "stylegan"})[1]["error"].startswith("Unknown generator")
    assert _route(studio_server, "gan-game-round", b"[1, 2]") == (400, {"error": "This request is not a JSON object."})
    assert _route(studio_server, "gan-game-round", b"{" + b" " * 20_000 + b"}")[0] == 400
    assert _route(studio_server, "no-such-route", {})[0] in (404, 405)  # Gradio's own answer: no route here
