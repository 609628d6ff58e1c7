"""The image page: decoding, the analysis and its charts, the page (AppTest) and in Chromium."""
