"""Training runs in the app: a run manager in the server (no TensorFlow), one worker process at a
time that trains, the messages between them, and each run's record and view.
"""
