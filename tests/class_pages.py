"""What the class's browser tests do on a page (tests/test_class_browser.py, tests/test_deploy.py)."""

import re


def answers_on_projector(lecturer) -> int:
    """The number of answers the lecturer's projector shows for the game (-1 before it shows any)."""
    words = lecturer.locator("#studio-class-game-summary").inner_text()
    found = re.search(r"(\d+) answers", words)
    return int(found.group(1)) if found else -1


def play_a_round(page) -> str:
    """New round, one pick, Check on the GAN tab's game: the verdict's words."""
    start_round(page)
    return check_round(page)


def start_round(page) -> None:
    """New round on the GAN tab's game, once the new round's picture and words are in (not the last one's)."""
    before = page.evaluate("() => document.querySelector('#gan-game img')?.src || ''")
    page.get_by_role("button", name="New round").click()
    page.wait_for_function("(b) => { const i = document.querySelector('#gan-game img'); return i && i.src !== b; }",
                           arg=before, timeout=60_000)


def check_round(page) -> str:
    """One pick and Check on the round in sight: the verdict's words."""
    page.get_by_label("1", exact=True).check()
    page.get_by_role("button", name="Check", exact=True).click()
    verdict = page.get_by_text(re.compile("The class so far|Not counted for the class"))
    verdict.first.wait_for(timeout=60_000)
    return verdict.first.inner_text()
