"""Debian's Chromium driven by Playwright, headless, for the tests that need a real browser."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
        "--disable-default-apps"]


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for one test module."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def colours_at(browser: Browser, png: bytes,
               points: list[tuple[int, int]]) -> list[tuple[int, ...]]:
    """The RGB colours of a screenshot at `points` (x, y), read in a canvas."""
    page = browser.new_page()
    colours = page.evaluate("""async ([data, points]) => {
        const image = new Image();
        image.src = "data:image/png;base64," + data;
        await image.decode();
        const canvas = document.createElement("canvas");
        canvas.width = image.width; canvas.height = image.height;
        const context = canvas.getContext("2d");
        context.drawImage(image, 0, 0);
        return points.map(([x, y]) => [...context.getImageData(x, y, 1, 1).data.slice(0, 3)]);
    }""", [base64.b64encode(png).decode(), points])
    page.close()
    return [tuple(colour) for colour in colours]
