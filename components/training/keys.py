"""Session-state, widget and container keys of training: the sidebar on every page, and
the Retrain page.

Tests rely on these exact strings. Container keys are also the st-key-<key>
CSS class.
"""

# Widget keys of the sidebar.
MODEL_PICKER = "model_picker"  # st.selectbox: the active model (its value mirrors ACTIVE_MODEL)
TRAIN_PRESET = "train_preset"  # st.selectbox: seed, robust
TRAIN_EPOCHS = "train_epochs"  # st.number_input, 1-50
TRAIN_BATCH_SIZE = "train_batch_size"  # st.number_input
TRAIN_OPTIMIZER = "train_optimizer"  # st.selectbox: rmsprop, adam, sgd
TRAIN_LEARNING_RATE = "train_learning_rate"  # st.number_input
TRAIN_AUGMENT = "train_augment"  # st.toggle
TRAIN_DIGITS = "train_digits"  # st.number_input; empty = all training digits
FEW_STEPS_NOTE = "train_few_steps"  # st.container: a warning when batch norm would not settle
TRAIN_SEED = "train_seed"  # st.number_input: the random seed
# st.button per class recipe (model/training/recipes.py CLASS_RECIPES): "class_recipe_quick", …
CLASS_RECIPE_BUTTON = "class_recipe"
TRAIN_BUTTON = "train_button"
STOP_BUTTON = "stop_button"
# Widget keys of the Retrain page.
COMPARE_RUNS = "compare_runs"  # st.multiselect of runs, kept for the session
DETAIL_RUN = "detail_run"  # st.selectbox: the run whose details are shown, likewise
OVERLAY_CHART = "overlay_curves"  # the compared runs' curves
LOG_LOSS = "log_loss"  # st.toggle: the compared runs' loss on a log scale (on by default)
# What can be done with a trained run's model: in the sidebar for the latest run, and
# on the Retrain page once per run, there under `for_run(key, run_id)`.
USE_MODEL_BUTTON = "use_model"
DOWNLOAD_MODEL = "download_model"
DOWNLOAD_CARD = "download_card"
SAVE_NAME = "save_name"  # st.text_input
SAVE_REPLACE = "save_replace"  # st.checkbox
SAVE_BUTTON = "save_button"
SAVED_MESSAGE = "run_saved_message"  # state: the sentence shown after a save
# The Retrain page's galleries of a run's test digits, each with an "Open" button.
MISTAKES_GALLERY, FIXED_GALLERY, BROKEN_GALLERY = "mistake", "fixed", "broken"
# Container keys.
TRAIN_RESULT_BOX = "train_result"  # "Test accuracy: 97.12%" after a run, or "stopped …"
TRAIN_PROGRESS_BOX = "train_progress"  # status, progress bar, curves while a run is on
# State (not widgets).
# SessionHandle: a token naming this session for the run manager while its browser is
# not known (AppTest, storage off), and the path of its private model folder.
SESSION_HANDLE = "session_handle"
# This browser's token (components/common/browser.py), or None until it is known: the
# runs and trained models belong to the browser, so a reload finds them again.
ACTIVE_RUN = "active_run"  # run id of this browser's run that is waiting or training
LIVE_TICKS = "live_ticks"  # int: runs of the sidebar's live fragment since the last app run
TRAIN_MESSAGE = "train_message"  # a refusal or problems from the last Train press
RUNS_SEEN = "runs_seen"  # tuple of run ids the Retrain page has shown: new ones join in


def for_run(key: str, run_id: str | None) -> str:
    """A run's own copy of `key` on the Retrain page, "<key>_<run id>"; the sidebar's
    (run_id None) is `key` itself."""
    return key if run_id is None else f"{key}_{run_id}"


def open_button(gallery: str, run_id: str, index: int) -> str:
    """The "Open" button of test digit `index` in one of a run's galleries."""
    return f"{gallery}_{run_id}_{index}"


RUN_OWNER = "training_run_owner"  # the session owner a run was started under, until collected
