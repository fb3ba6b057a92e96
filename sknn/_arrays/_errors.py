"""Input errors from deep inside NumPy, given a sentence that names the fix."""

import contextlib

_NOT_NUMBERS = (
    "could not convert string to float",
    "argument must be a string or a real number",
    "Unable to convert array of bytes/strings",
)


@contextlib.contextmanager
def explained_input_errors():
    """Within: non-numeric X (or regression y) raises the same error type, with advice added."""
    try:
        yield
    except (ValueError, TypeError) as error:
        message = str(error)
        if not any(text in message for text in _NOT_NUMBERS):
            raise
        raise type(error)(
            f"X (and a regressor's y) must hold numbers only ({message}). Encode "
            "text and categories "
            "first, e.g. with OneHotEncoder or OrdinalEncoder in a "
            "ColumnTransformer before the network in a Pipeline."
        ) from error
