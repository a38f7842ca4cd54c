"""The exceptions of the models package."""


class ModelsError(Exception):
    """Base of every error raised by the models package."""


class ModelInputError(ModelsError, ValueError):
    """A model was given a frame or an argument it cannot work on (missing columns, a bad window or frequency).

    The message says which; the API answers 422 with it and the CLI prints it.
    """
