"""Simulated students for benchmarks/classroom.py, at Streamlit's websocket protocol.

draw.py replays a recorded Chromium session on /draw (open the page, draw a
7, each drawing checked to come back "Prediction: 7"); train.py replays one
on /training (choose a class recipe, press Train, wait for the result). Each
student is a browser of its own: a random token in place of the recorded one.
"""
