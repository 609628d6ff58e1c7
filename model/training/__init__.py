"""Training one model: recipes and presets, the optimizer and input pipeline (`setup`), the
trainer and its callbacks, augmentation, models traced in advance, tf.distribute strategies,
and the measures of how good a model is (`assessment`).
"""
