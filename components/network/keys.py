"""Session-state, widget and container keys of the Inside the CNN page.

Tests rely on these exact strings. Container and chart keys are also the
st-key-<key> CSS class. The digit from the draw page arrives through
common/handover.py.
"""

# Widget keys.
NETWORK_SOURCE = "network_source"  # st.segmented_control: the drawn digit or an MNIST one
NETWORK_SAMPLE = "network_sample"  # st.number_input: which MNIST test digit
FILTER_LAYER = "filter_layer"  # st.selectbox: the conv layer whose filters are shown
FILTER_OUT = "filter_out"  # st.number_input: the filter (output channel)
FILTER_IN = "filter_in"  # st.number_input: the input channel of its kernel
FILTER_SLICES_CHART = "filter_slices_chart"  # clickable: one kernel per input channel
CONV_LAYER = "conv_layer"  # st.selectbox: the conv layer worked step by step
CONV_FILTER = "conv_filter"  # st.number_input: its filter (output map)
CONV_ROW = "conv_row"  # st.number_input: the output cell's row
CONV_COL = "conv_col"  # st.number_input: the output cell's column
CONV_MAP_CHART = "conv_map_chart"  # clickable feature map: a click picks the cell
POOL_LAYER = "pool_layer"
POOL_CHANNEL = "pool_channel"
POOL_ROW = "pool_row"
POOL_COL = "pool_col"
POOL_MAP_CHART = "pool_map_chart"
DENSE_LAYER = "dense_layer"  # st.selectbox: a hidden dense layer
DENSE_UNIT = "dense_unit"  # st.number_input: one of its neurons
# Container keys.
NETWORK_INPUT_BOX = "network_input"  # the digit shown, and where it came from
PARAM_TOTAL_BOX = "param_total"  # the total parameter count, with commas
LAYER_TABLE_BOX = "layer_table"  # the layer table, which scrolls inside it if too wide
CONV_CHECK_BOX = "conv_check"  # "max difference: X" for the worked convolution
WORKED_CONV_BOX = "worked_conv"  # the worked sum of the picked cell
DIGIT_SPACE_BOX = "digit_space"  # where the digit sits among 2,000 test digits
