"""The digits' data and model files: loading MNIST, saving and checking models, the shipped models, bad model files in the app."""
