"""Training and runs: recipes, augmentation, the trainer, the run manager and worker, the sidebar and the Retrain page."""
