"""What pans sideways under a finger: elements that reach past the right edge of the screen.

An element inside a box that scrolls or clips sideways (a wide table in its own
scroll box) does not count, as long as that box itself fits: the page does not pan.
Streamlit's own outer boxes (stMain and up) scroll too, but they are the page: an
element that needs them to scroll sideways does count.
Visually hidden text (`cnn-sr-only`) is 1×1 px and does not count either.
"""

from __future__ import annotations

# Every page, by its address, with the title a person sees on it.
PAGE_TITLES = {
    "": "How a CNN reads a digit",
    "image": "Explore an image",
    "draw": "Draw a digit",
    "digits": "My digits",
    "network": "Inside the CNN",
    "training": "Retrain",
}

_PAST_THE_EDGE = """() => {
  const edge = window.innerWidth + 1;
  const PAGE = '[data-testid="stMainBlockContainer"], [data-testid="stSidebarContent"], body';
  const fits = e => e.getBoundingClientRect().right <= edge;
  const boxed = e => {
    // Up to the page's own block: the app's outer boxes scroll, and that is the page panning.
    for (let up = e.parentElement; up && !up.matches(PAGE); up = up.parentElement) {
      const style = getComputedStyle(up);
      if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX) && fits(up)) return true;
    }
    return false;
  };
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const closed = !sidebar || sidebar.getAttribute("aria-expanded") === "false";
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getClientRects().length && !fits(e) && !boxed(e))
    .filter(e => !(closed && sidebar && sidebar.contains(e)))
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${String(e.className).slice(0, 60)} ` +
              `(data-testid=${e.dataset.testid}) right ${Math.round(e.getBoundingClientRect().right)}`);
}"""


def past_the_edge(page) -> list[str]:
    """Up to five elements that reach past the screen's right edge, described; [] if none."""
    return page.evaluate(_PAST_THE_EDGE)
