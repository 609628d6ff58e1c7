"""Timers that run in the page: from a person's key or click to the first frame that shows
its effect. Used by image_page.py."""

# Resolves with the milliseconds from the next Enter keydown to the first frame
# painted after the pixel box shows the expected text.
TYPED_TIMER_JS = """
([selector, expected]) => {
  window.__latency = new Promise((resolve) => {
    let pressed = null;
    document.addEventListener("keydown", (event) => {
      if (event.key === "Enter") pressed = performance.now();
    }, { capture: true, once: true });
    const done = () => {
      const box = document.querySelector(selector);
      return pressed !== null && box !== null && box.innerText.includes(expected);
    };
    const observer = new MutationObserver(() => {
      if (done()) {
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - pressed));
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true,
                                      attributes: true });
  });
}
"""

# Resolves with the milliseconds from the next click to the first frame painted
# once the script has finished, the page title shows, and every plotly chart has
# drawn its SVG.
SWITCH_TIMER_JS = """
([title]) => {
  window.__latency = new Promise((resolve) => {
    let clicked = null;
    document.addEventListener("click", () => { clicked = performance.now(); },
                              { capture: true, once: true });
    const done = () => {
      if (clicked === null) return false;
      if (!document.querySelector("[data-test-script-state=notRunning]")) return false;
      const heading = document.querySelector("h1");
      if (!heading || !heading.innerText.includes(title)) return false;
      const charts = document.querySelectorAll("[data-testid=stPlotlyChart]");
      return [...charts].every((chart) => chart.querySelector(".main-svg"));
    };
    const check = () => {
      if (done()) {
        observer.disconnect();
        clearInterval(poll);
        requestAnimationFrame(() => resolve(performance.now() - clicked));
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true,
                                      attributes: true });
    const poll = setInterval(check, 10);  // plotly may draw without touching watched nodes
  });
}
"""

AWAIT_LATENCY_JS = """() => Promise.race([window.__latency, new Promise((_, reject) =>
    setTimeout(() => reject(new Error("nothing within 60 s")), 60000))])"""
