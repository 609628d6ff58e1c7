"""Training one model: recipes and presets, the optimizer and input pipeline (`setup`), the
trainer, its callbacks and what it reports (`progress`), augmentation, models traced in advance
(`ready_models`) and tf.distribute strategies.
"""
