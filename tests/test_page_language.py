"""A language is a page: each language's page is Gradio's own page with that language's words in it."""

import asyncio
import copy
import json

import gradio as gr

from studio.ui.frame.page_language import COOKIE, LanguagePages, PageLanguage
from studio.ui.kit import i18n


def _scope(path: str = "/", query: str = "", cookie: str | None = None) -> dict:
    headers = [(b"cookie", cookie.encode())] if cookie else []
    return {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": headers}


def _toy_pages():
    with gr.Blocks() as demo:
        tr = i18n.Translator("en")
        button = tr.make(gr.Button, {"value": "pixel.sample"})
        slider = tr.make(gr.Slider, {"label": "pixel.row", "info": "pixel.smoothing_info"}, minimum=0, maximum=27)
        picture = gr.Image()
    pages = LanguagePages("en", i18n.LANGUAGES, tr.texts,
                          starting_values=lambda lg: {picture: {"path": f"/tmp/{lg}.png", "url": f"/gradio_api/file=/tmp/{lg}.png",
                                                                "meta": {"_type": "gradio.FileData"}}})
    return demo, pages, (button, slider, picture)


def test_each_language_has_its_words_and_the_built_one_is_gradios_own():
    demo, pages, (button, slider, _) = _toy_pages()
    config = {c["id"]: c["props"] for c in demo.get_config_file()["components"]}
    english, korean = pages.props("en"), pages.props("ko")
    assert english[button._id] == {"value": config[button._id]["value"]} == {"value": "Sample"}
    assert {k: config[slider._id][k] for k in ("label", "info")} == english[slider._id]
    assert korean[button._id] == {"value": "샘플 생성"} and korean[slider._id]["label"] == "행"


def test_a_request_chooses_its_language_by_address_then_cookie():
    _, pages, _ = _toy_pages()
    assert pages.chosen(_scope()) == "en"
    assert pages.chosen(_scope(cookie=f"{COOKIE}=ko")) == "ko"
    assert pages.chosen(_scope(query="lang=en", cookie=f"{COOKIE}=ko")) == "en"  # a link's language wins
    assert pages.chosen(_scope(query="lang=fr", cookie=f"other=1; {COOKIE}=ko")) == "ko"
    assert pages.chosen(_scope(query="lang=<script>", cookie='bad"cookie=; =;')) == "en"


def _serve(middleware_app, scope) -> tuple[dict, bytes]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(middleware_app(scope, receive, send))
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


def test_the_page_and_its_config_are_served_in_the_chosen_language():
    demo, pages, (button, _, picture) = _toy_pages()
    config = demo.get_config_file()
    config["root"] = "http://class.example:7860"
    written = json.dumps(config).replace("<", "\\u003c")
    html = f"<html><head></head><body><script>window.gradio_config = {written};</script></body></html>".encode()

    def gradio(body: bytes, kind: str):
        async def app(scope, receive, send):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        return app

    start, english = _serve(PageLanguage(gradio(html, "text/html; charset=utf-8"), pages), _scope())
    assert english == html  # the built language passes untouched
    start, korean = _serve(PageLanguage(gradio(html, "text/html; charset=utf-8"), pages), _scope(cookie=f"{COOKIE}=ko"))
    assert int(dict(start["headers"])[b"content-length"]) == len(korean)
    served = korean.decode()
    served = json.loads(served[served.index("= ") + 2:served.index(";</script>")])
    by_id = {c["id"]: c["props"] for c in served["components"]}
    assert by_id[button._id]["value"] == "샘플 생성"
    # the Korean page's starting picture, under the page's root as Gradio writes its own
    assert by_id[picture._id]["value"]["url"] == "http://class.example:7860/gradio_api/file=/tmp/ko.png"
    assert pages.props("ko")[picture._id]["value"]["url"] == "/gradio_api/file=/tmp/ko.png"  # kept as it was
    _, config_ko = _serve(PageLanguage(gradio(json.dumps(config).encode(), "application/json"), pages),
                          _scope("/config", query="lang=ko"))
    assert {c["id"]: c["props"] for c in json.loads(config_ko)["components"]}[button._id]["value"] == "샘플 생성"
    _, other = _serve(PageLanguage(gradio(b"{}", "application/json"), pages), _scope("/gradio_api/info", "lang=ko"))
    assert other == b"{}"  # not a page: untouched


def test_the_studios_korean_page_is_the_page_of_a_studio_built_in_korean():
    """The whole studio: its English build's page, turned Korean, has every component's properties as the
    Korean build's page has them (by position: two builds in one process number their components, and the
    tabs without an id of their own, apart)."""
    from studio.ui.app import build_app

    english, korean = build_app(lang="en"), build_app(lang="ko")
    turned = english.page_languages.translate(copy.deepcopy(english.get_config_file()), "ko")
    made = korean.get_config_file()
    assert len(turned["components"]) == len(made["components"])
    differing = []
    for mine, theirs in zip(turned["components"], made["components"]):
        for name in set(mine["props"]) | set(theirs["props"]):
            numbered = name == "delete_callback" or (name == "id" and str(theirs["props"].get(name)).startswith("tab-"))
            if not numbered and mine["props"].get(name) != theirs["props"].get(name):
                differing.append((mine["type"], name, str(mine["props"].get(name))[:80]))
    assert not differing, differing[:10]
