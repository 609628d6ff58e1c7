"""Which browser this is, across reloads: a random token kept in the browser's localStorage.

A Streamlit session ends when the page is reloaded or the tab is closed, so
what a person makes is kept under their browser's token instead
(model/files/browser_store.py). Why localStorage: it survives a reload, a
closed and reopened tab and a sleeping laptop; it belongs to this site in this
browser profile only, so another browser, another profile or another site never
sees it; and unlike a cookie it is never sent with requests. The token is made
in the browser from 128 random bits (crypto.getRandomValues, which works on
plain-http classroom servers too) and is used on the server only through its
hash. A private window gets a token of its own, gone when the window closes.

The token arrives one script run after the page first loads: the component
runs its JavaScript in the browser, which sends the token back and reruns the
script. Until then `browser_token()` returns None, as it does in AppTest, which
runs no JavaScript.
"""

from __future__ import annotations

import functools

import streamlit as st

from model.files.browser_store import valid_token

STORAGE_KEY = "cnn-lens-browser"
WIDGET_KEY = "browser_token"

_JS = f"""
export default function (component) {{
  const {{ setStateValue }} = component;
  let token = null;
  try {{
    token = window.localStorage.getItem("{STORAGE_KEY}");
    if (!/^[0-9a-f]{{32}}$/.test(token || "")) {{
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      token = Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
      window.localStorage.setItem("{STORAGE_KEY}", token);
    }}
  }} catch (err) {{
    token = "";  // storage turned off: nothing is kept between visits
  }}
  setStateValue("token", token);
}}
"""


@functools.cache
def _component():
    return st.components.v2.component("cnn_lens_browser_token", js=_JS, html="")


def browser_token() -> str | None:
    """This browser's token, or None until the browser has sent it (or if it keeps none)."""
    result = _component()(key=WIDGET_KEY, on_token_change=lambda: None)
    token = getattr(result, "token", None)
    return token if valid_token(token) else None
