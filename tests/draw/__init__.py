"""Reading a drawn digit: the preprocessing, the upright reading, the draw page's charts, the page (AppTest) and in Chromium."""
